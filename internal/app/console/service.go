// Package console is the community manager's single inbox: questions from
// the public form, comments that need a human, reports and appeals, each
// routed to a service (choice, routing rules, topics), flagged urgent on
// an urgent word, timed against the organisation's office hours, answered
// from one page; with the saved replies, the settings, the daily digest
// of overdue items, and the workload figures and "coût réel" report, whose
// minutes per 1,000 followers divide by the daily follower counts kept
// here (docs/CONSOLE.md).
package console

import (
	"context"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
)

// Commenter publishes a staff answer under a resident's comment: what the
// console needs of the debate.
type Commenter interface {
	PostAnswer(ctx context.Context, in Answer) error
}

// Answer is a staff answer given from the inbox, to publish under the
// comment ParentID. Debate refuses it (model.ErrConflict) if a colleague
// changed the item ItemID since ItemVersion.
type Answer struct {
	Org         model.Organisation
	Publication model.Publication
	Author      model.Account
	ParentID    string
	Body        string
	As          string // "org" or a service id
	IdemKey     string
	ItemID      string
	ItemVersion int
}

// Deps are what the console needs beyond the shared core.
type Deps struct {
	Comments Commenter
}

// Service holds the console's use cases. It is built by New and not
// changed afterwards.
type Service struct {
	*core.Core
	comments Commenter
}

// New builds the console on c and d.
func New(c *core.Core, d Deps) *Service {
	return &Service{Core: c, comments: d.Comments}
}
