// Package app holds Parvis's use cases: context and plain arguments in, model
// values out. It owns transactions, authorization and the jobs that must
// follow a change; it knows nothing of HTTP.
package app

import (
	"context"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/fediverse"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/passwords"
	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/secondopinion"
)

// Clock tells the time; tests substitute a controllable one.
type Clock = core.Clock

// SystemClock is the real clock (core.SystemClock).
type SystemClock = core.SystemClock

// Jobs is what the use cases need of the job queue.
type Jobs = core.Jobs

// Deps are the use cases' dependencies beyond the shared core.
type Deps struct {
	Passwords *passwords.Hasher
	MediaDir  string
	// Screener screens comments (internal/screen); immutable, shared.
	Screener *screen.Screener
	// Opinion asks the collectivité's own language model server for a
	// second opinion on uncertain comments; nil when the operator configured
	// none (docs/MODERATION.md, "Second opinion").
	Opinion *secondopinion.Client
	// Fetcher gets agenda URLs for event imports; nil uses the SSRF-guarded
	// safehttp client (tests on loopback set one that allows private hosts).
	Fetcher Fetcher
	// Mass mail (see mailings.go). MassSender is nil when mass mail cannot be sent.
	MassSender mail.Bulk
	MailConfig MailConfig
	// Instance names this process when it registered its liveness with the
	// store (store.RegisterInstance); mailing leases carry it so that a
	// restarted process can take over a dead one's at once. "" when not
	// registered: leases then only expire.
	Instance string
	// Fed configures federation (docs/FEDERATION.md).
	Fed fediverse.Options
}

// App holds the use cases. It is built by New and not changed afterwards.
type App struct {
	*core.Core
	Deps
	links *Links
	// Fediverse holds the federation use cases (app/fediverse).
	Fediverse *fediverse.Service
}

// New builds the application on c and d. It loads (or creates, on first
// start) the secrets subscriber links are signed with, so it needs the
// store to be migrated.
func New(ctx context.Context, c *core.Core, d Deps) (*App, error) {
	a := &App{Core: c, Deps: d}
	links, err := loadLinks(ctx, c)
	if err != nil {
		return nil, err
	}
	a.links = links
	a.Fediverse = fediverse.New(c, fediverse.Deps{Fed: d.Fed, Screener: d.Screener, Debate: a, Console: a, Publications: a})
	return a, nil
}

func mailMessage(to, subject, text, html string) mail.Message {
	return mail.Message{To: to, Subject: subject, Text: text, HTML: html}
}
