// Package organisations is an organisation's own administration: creating
// one (from the command line, or from the web by an instance operator), its
// staff, roles and services, its public profile and logo, its audit journal,
// a staff member's notifications, and the retention periods the hourly
// cleanup applies.
package organisations

import (
	"github.com/parvis/parvis/internal/app/core"
)

// HostNames is what creating an organisation needs of federation: a handle
// that would spell our host name is refused, since WebFinger gives that
// address to the instance actor.
type HostNames interface {
	CollidesWithHost(handle, slug string) bool
}

// Deps are what the organisations use cases need beyond the shared core.
type Deps struct {
	// MediaDir is where uploaded logos are written (under logos/).
	MediaDir string
	Hosts    HostNames
}

// Service holds the organisations use cases. It is built by New and not
// changed afterwards.
type Service struct {
	*core.Core
	Deps
}

// New builds the organisations use cases on c and d.
func New(c *core.Core, d Deps) *Service {
	return &Service{Core: c, Deps: d}
}
