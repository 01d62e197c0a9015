// Package app holds Parvis's use cases: context and plain arguments in, model
// values out. It owns transactions, authorization and the jobs that must
// follow a change; it knows nothing of HTTP.
package app

import (
	"context"

	"github.com/parvis/parvis/internal/app/accounts"
	"github.com/parvis/parvis/internal/app/console"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/events"
	"github.com/parvis/parvis/internal/app/fediverse"
	"github.com/parvis/parvis/internal/app/mailing"
	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/app/publishing"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/passwords"
	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/secondopinion"
	"github.com/parvis/parvis/internal/store"
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
	// Mass mail (package mailing). MassSender is nil when mass mail cannot be sent.
	MassSender mail.Bulk
	MailConfig mailing.Config
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
	// Mailing is mass mail and subscriptions.
	Mailing *mailing.Service
	// Console is the staff inbox (internal/app/console).
	Console *console.Service
	// Accounts holds sign-up, login, passwords, sessions, invitations
	// and the hourly cleanup (package accounts).
	Accounts *accounts.Service
	// Fediverse holds the federation use cases (app/fediverse).
	Fediverse *fediverse.Service
	// Organisations is an organisation's own administration: creation,
	// staff, roles and services, profile, journal, retention
	// (app/organisations).
	Organisations *organisations.Service
	// Publishing holds publications, their workflow, media and topics
	// (app/publishing).
	Publishing *publishing.Service
	// Events holds events' details, registrations, imports and the agenda
	// (app/events).
	Events *events.Service
}

// New builds the application on c and d and wires its features to one
// another. Mailing loads (or creates, on first start) the secrets
// subscriber links are signed with, so New needs the store to be migrated.
func New(ctx context.Context, c *core.Core, d Deps) (*App, error) {
	a := &App{Core: c, Deps: d}
	a.Console = console.New(c, console.Deps{Comments: a})
	// Publishing comes before the features that read it (mailing renders
	// newsletters as it renders bodies, fediverse serves its publications,
	// events save theirs with it), so what it asks of them goes through
	// App's forwarders below.
	a.Publishing = publishing.New(c, publishing.Deps{MediaDir: d.MediaDir, Fediverse: a, Mailing: a})
	a.Fediverse = fediverse.New(c, fediverse.Deps{Fed: d.Fed, Screener: d.Screener, Debate: a, Console: a.Console,
		Publications: a.Publishing})
	a.Organisations = organisations.New(c, organisations.Deps{MediaDir: d.MediaDir, Hosts: a.Fediverse})
	a.Accounts = accounts.New(c, accounts.Deps{Passwords: d.Passwords, Retention: a.Organisations, Roles: a.Organisations})
	a.Events = events.New(c, events.Deps{Publishing: a.Publishing, Fediverse: a.Fediverse})
	var err error
	a.Mailing, err = mailing.New(ctx, c, mailing.Deps{MassSender: d.MassSender, Config: d.MailConfig,
		Instance: d.Instance, Accounts: a.Accounts})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// FederatePublication is publishing's way to the federation feature
// (publishing.Fediverse): built before it, publishing holds App.
func (a *App) FederatePublication(ctx context.Context, tx *store.Tx, orgID, pubID, kind string) error {
	return a.Fediverse.FederatePublication(ctx, tx, orgID, pubID, kind)
}

// CollidesWithHost is publishing's way to the federation feature
// (publishing.Fediverse).
func (a *App) CollidesWithHost(handle, slug string) bool {
	return a.Fediverse.CollidesWithHost(handle, slug)
}

// NotifyPublished is publishing's way to mass mail (publishing.Mailing):
// built before it, publishing holds App.
func (a *App) NotifyPublished(ctx context.Context, tx *store.Tx, orgID, pubID string) error {
	return a.Mailing.NotifyPublished(ctx, tx, orgID, pubID)
}
