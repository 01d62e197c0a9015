// Package accounts holds the use cases of people's accounts: sign-up and
// address verification, login with its throttling, password reset and
// change, e-mail change, the account's own profile and sessions, account
// deletion, staff invitations, and the hourly cleanup of what expired
// (docs/ACCOUNTS.md).
package accounts

import (
	"context"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/passwords"
	"github.com/parvis/parvis/internal/store"
)

// Retention deletes what is kept no longer than its retention period
// (event registrations, federation replay ids); the hourly cleanup runs it
// after its own deletions.
type Retention interface {
	PurgeRetained(ctx context.Context) error
}

// Roles checks and describes staff roles, as the staff use cases do, for
// invitations.
type Roles interface {
	// CheckRoleServices validates a role and, for agents, their services
	// (in tx, within orgID) into v, and returns the services to keep.
	CheckRoleServices(ctx context.Context, tx *store.Tx, orgID string, role model.Role, serviceIDs []string,
		v *model.ValidationError) ([]string, error)
	// DescribeRole is the audit detail of a role.
	DescribeRole(role model.Role, serviceIDs []string) string
}

// Deps are the accounts use cases' dependencies beyond the shared core.
type Deps struct {
	Passwords *passwords.Hasher
	Retention Retention
	Roles     Roles
}

// Service holds the accounts use cases. It is built by New and not changed
// afterwards.
type Service struct {
	*core.Core
	Deps
}

// New builds the accounts use cases on c and d.
func New(c *core.Core, d Deps) *Service {
	return &Service{Core: c, Deps: d}
}
