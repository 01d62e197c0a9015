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

// Desk holds the console's use cases that need no other feature: the
// inbox's items, their routing and history, office hours, settings,
// figures. The debate and federation file comments into it, so it is
// built before them.
type Desk struct {
	*core.Core
	cfg DeskConfig
}

// DeskConfig is the console's part of the configuration.
type DeskConfig struct {
	// ReplyDomain is the domain of reply+TOKEN addresses, served by the
	// built-in receiver; "" when there is none, and residents' e-mails
	// about requests keep the organisation's contact address as Reply-To.
	ReplyDomain string
}

// NewDesk builds the desk on c.
func NewDesk(c *core.Core, cfg DeskConfig) *Desk { return &Desk{Core: c, cfg: cfg} }

// Service is the whole console: the desk, and answering from it, which
// posts comments through the debate (built after the desk). It is built
// by New and not changed afterwards.
type Service struct {
	*Desk
	comments Commenter
}

// New builds the console on its desk and d.
func New(desk *Desk, d Deps) *Service {
	return &Service{Desk: desk, comments: d.Comments}
}
