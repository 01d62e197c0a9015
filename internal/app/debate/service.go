// Package debate is the comments under publications: posting, editing and
// withdrawing them, their screening, the reports, moderators' decisions and
// appeals (DSA arts. 16, 17, 20), the second opinion of a language model,
// and the transparency figures (docs/DEBATE.md, docs/MODERATION.md).
package debate

import (
	"context"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/secondopinion"
	"github.com/parvis/parvis/internal/store"
)

// Console is what the debate needs of the staff console: comments, edits,
// reports, appeals and decisions enter or update its inbox, in the
// transaction that makes them.
type Console interface {
	InboxOnComment(ctx context.Context, tx *store.Tx, c model.Comment, p model.CommentPosted) error
	InboxOnEdit(ctx context.Context, tx *store.Tx, org model.Organisation, before, after model.Comment) error
	InboxOnModeration(ctx context.Context, tx *store.Tx, org model.Organisation, kind model.InboxKind, c model.Comment, text string) error
	InboxOnDecision(ctx context.Context, tx *store.Tx, org model.Organisation, c model.Comment, d model.Decision) error
}

// Fediverse is what the debate needs of federation: a staff answer to a
// remote author goes back to their server, and a sanction of a remote
// author is recorded for their actor.
type Fediverse interface {
	FederateAnswer(ctx context.Context, tx *store.Tx, org model.Organisation, pub model.Publication, c model.Comment, answered model.Comment) error
	SanctionRemote(ctx context.Context, tx *store.Tx, orgID, remoteActor, sanction, decisionID, by string, now time.Time) error
}

// Mailing is what the debate needs of mass mail: a newly public comment is
// announced to the thread's followers.
type Mailing interface {
	NotifyThreadFollowers(ctx context.Context, tx *store.Tx, publicationID, commentID string) error
}

// Rules is the part of the debate that needs no other feature: the
// settings and the mode in force, the text checks, screening, routing to
// services and asking for a second opinion. Federation handles remote
// replies with it as the debate handles comments typed on our pages; being
// built apart, it lets federation be built before the debate, which in turn
// sends staff answers and sanctions of remote authors through federation
// (no cycle to wire).
type Rules struct {
	*core.Core
	// Screener screens comments (internal/screen); immutable, shared.
	Screener *screen.Screener
	// Opinion asks the collectivité's own language model server for a
	// second opinion on uncertain comments; nil when the operator configured
	// none (docs/MODERATION.md, "Second opinion").
	Opinion *secondopinion.Client
}

// NewRules builds the debate's rules on c.
func NewRules(c *core.Core, screener *screen.Screener, opinion *secondopinion.Client) *Rules {
	return &Rules{Core: c, Screener: screener, Opinion: opinion}
}

// Deps are the debate's dependencies beyond its rules.
type Deps struct {
	Console   Console
	Fediverse Fediverse
	Mailing   Mailing
}

// Service holds the debate's use cases. It is built by New and not changed
// afterwards.
type Service struct {
	*Rules
	console   Console
	fediverse Fediverse
	mailing   Mailing
}

// New builds the debate on its rules r and d.
func New(r *Rules, d Deps) *Service {
	return &Service{Rules: r, console: d.Console, fediverse: d.Fediverse, mailing: d.Mailing}
}
