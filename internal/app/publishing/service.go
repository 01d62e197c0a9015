// Package publishing holds publications: the editor and its input, the
// workflow (submission, validation, scheduling, publication), revisions,
// media uploads, topics and neighbourhoods, and the public reads of
// published content. Events are publications too; their details are the
// events feature's (app/events).
package publishing

import (
	"context"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/store"
)

// Fediverse is what publishing needs of federation: followers hear of a
// publication in the transaction that publishes, changes or withdraws it,
// and a topic may not take the instance actor's address.
type Fediverse interface {
	FederatePublication(ctx context.Context, tx *store.Tx, orgID, pubID, kind string) error
	CollidesWithHost(handle, slug string) bool
}

// Mailing is what publishing needs of mass mail: subscribers who want a
// publication at once are e-mailed in the transaction that publishes it.
type Mailing interface {
	NotifyPublished(ctx context.Context, tx *store.Tx, orgID, pubID string) error
}

// Deps are publishing's dependencies beyond the shared core.
type Deps struct {
	// MediaDir is where uploaded media are written (served at /media/).
	MediaDir  string
	Fediverse Fediverse
	Mailing   Mailing
}

// Service holds the publishing use cases. It is built by New and not
// changed afterwards.
type Service struct {
	*core.Core
	Deps
}

// New builds the service on c and d.
func New(c *core.Core, d Deps) *Service {
	return &Service{Core: c, Deps: d}
}
