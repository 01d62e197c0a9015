// Package mailing holds mass mail and subscriptions: residents' subscriptions
// and the signed links in every e-mail, newsletters, digests, alert fan-out,
// thread notifications, and the engine that sends mailings at each
// organisation's rate, resumes them after a crash and counts bounces and
// clicks.
package mailing

import (
	"context"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/store"
)

// Accounts is what subscriptions need of the accounts feature.
type Accounts interface {
	// MailAllowed counts one e-mail to addr and reports whether it may go
	// out (the same limit as the account e-mails).
	MailAllowed(ctx context.Context, tx *store.Tx, addr string) (bool, error)
}

// Deps are mass mail's dependencies beyond the shared core.
type Deps struct {
	// MassSender is nil when mass mail cannot be sent.
	MassSender mail.Bulk
	Config     Config
	// Instance names this process when it registered its liveness with the
	// store (store.RegisterInstance); mailing leases carry it so that a
	// restarted process can take over a dead one's at once. "" when not
	// registered: leases then only expire.
	Instance string
	Accounts Accounts
}

// Service holds the mass mail and subscription use cases. It is built by
// New and not changed afterwards.
type Service struct {
	*core.Core
	Deps
	links *Links
}

// New builds the service on c and d. It loads (or creates, on first start)
// the secrets subscriber links are signed with, so it needs the store to be
// migrated.
func New(ctx context.Context, c *core.Core, d Deps) (*Service, error) {
	links, err := loadLinks(ctx, c)
	if err != nil {
		return nil, err
	}
	return &Service{Core: c, Deps: d, links: links}, nil
}
