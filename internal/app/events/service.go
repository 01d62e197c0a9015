// Package events holds events: publications of kind "event" (same editor,
// workflow, revisions and public URL, which are the publishing feature's)
// with their details in the events table: dates and series, places,
// registrations and their e-mails, check-in, iCalendar imports and the
// public agenda. See docs/EVENTS.md.
package events

import (
	"context"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/markdown"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Publishing is what events need of the publishing feature: an event's
// publication is saved, and published by an import, by the same use cases
// as any publication, inside the events' own transactions.
type Publishing interface {
	// Prerender renders a body before the write transaction.
	Prerender(ctx context.Context, orgID string, in model.PubInput) (*markdown.Rendered, error)
	// ParseInput checks the publication's fields without saving them.
	ParseInput(in model.PubInput) (model.Publication, *model.ValidationError)
	// SaveInTx saves the publication in tx (event: it is an event's).
	SaveInTx(ctx context.Context, tx *store.Tx, actorID, orgID string, in model.PubInput, pre *markdown.Rendered,
		event bool) (model.SaveResult, error)
	// Move records a workflow transition in tx.
	Move(ctx context.Context, tx *store.Tx, actorID string, p model.Publication, to model.PubState, comment string,
		at *time.Time) error
}

// Fediverse is what events need of federation: followers get the Event
// again when it changes, in the same transaction.
type Fediverse interface {
	FederatePublication(ctx context.Context, tx *store.Tx, orgID, pubID, kind string) error
	// FederateOccurrence sends the Update that opens with one date's change.
	FederateOccurrence(ctx context.Context, tx *store.Tx, orgID string, ev model.Event, x model.EventException,
		restored bool) error
}

// Deps are the events' dependencies beyond the shared core.
type Deps struct {
	// Fetcher gets agenda URLs for imports; nil uses the SSRF-guarded
	// safehttp client (tests on loopback set one that allows private hosts).
	Fetcher    Fetcher
	Publishing Publishing
	Fediverse  Fediverse
}

// Service holds the event use cases. It is built by New and not changed
// afterwards.
type Service struct {
	*core.Core
	Deps
}

// New builds the service on c and d.
func New(c *core.Core, d Deps) *Service {
	return &Service{Core: c, Deps: d}
}
