// Package fediverse holds the federation use cases (docs/FEDERATION.md):
// our actors and the documents they serve, what goes out when a
// publication is published, changed or withdrawn and its delivery, what
// comes in at the inboxes, staff federation settings and person accounts.
// The protocol itself (signatures,
// ActivityStreams documents, the HTTP client) is internal/federation.
package fediverse

import (
	"context"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/store"
)

// Debate is what the inbox needs of the debate's rules (debate.Rules): a
// remote reply is checked, screened and routed like a comment typed on our
// pages, by the same code.
type Debate interface {
	DebateSettings(ctx context.Context, orgID string) (model.ModerationSettings, error)
	CommentMode(ctx context.Context, s model.ModerationSettings, publicationID string) (model.ModerationMode, model.ModerationMode, error)
	CheckCommentBody(body string, v *model.ValidationError) string
	Screen(ctx context.Context, orgID, body string) (screen.Result, error)
	ScreenNew(ctx context.Context, c *model.Comment, mode model.ModerationMode, staff bool) error
	ScreenEdit(ctx context.Context, tx *store.Tx, c *model.Comment, body string, res screen.Result, now time.Time) error
	RouteComment(ctx context.Context, tx *store.Tx, org model.Organisation, pub model.Publication, c model.Comment, services []string) error
	AskOpinion(ctx context.Context, tx *store.Tx, s model.ModerationSettings, c model.Comment) error
}

// Console is what the inbox needs of the staff console: a remote reply
// enters its inbox, and an edited one updates it, in the same transaction.
type Console interface {
	InboxFromComment(ctx context.Context, tx *store.Tx, org model.Organisation, c model.Comment, ticked bool, notified []string) error
	InboxOnEdit(ctx context.Context, tx *store.Tx, org model.Organisation, before, after model.Comment) error
}

// Deps are the federation use cases' dependencies beyond the shared core.
type Deps struct {
	// Fed configures federation for this process.
	Fed     Options
	Debate  Debate
	Console Console
}

// Service holds the federation use cases. It is built by New and not
// changed afterwards, except for its process-local state (fedState).
type Service struct {
	*core.Core
	Deps
	fed fedState
}

// New builds the federation use cases on c and d.
func New(c *core.Core, d Deps) *Service {
	return &Service{Core: c, Deps: d}
}
