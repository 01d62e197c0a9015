// Package archives hands an organisation's records to its archives service
// (docs/ARCHIVES.md): the export of a period as an open, documented package
// (package archive writes it), and the verification of the tamper-evident
// history every stored version is linked into (store/archivechain.go).
package archives

import (
	"github.com/parvis/parvis/internal/app/core"
)

// Deps are what the archives use cases need beyond the shared core.
type Deps struct {
	// MediaDir is where uploaded files live; the export copies those the
	// publications refer to.
	MediaDir string
}

// Service holds the archives use cases. It is built by New and not changed
// afterwards.
type Service struct {
	*core.Core
	Deps
}

// New builds the archives use cases on c and d.
func New(c *core.Core, d Deps) *Service {
	return &Service{Core: c, Deps: d}
}
