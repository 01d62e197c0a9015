// Package app holds Parvis's use cases: context and plain arguments in, model
// values out. It owns transactions, authorization and the jobs that must
// follow a change; it knows nothing of HTTP.
package app

import (
	"context"

	"github.com/parvis/parvis/internal/app/accounts"
	"github.com/parvis/parvis/internal/app/console"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/debate"
	"github.com/parvis/parvis/internal/app/events"
	"github.com/parvis/parvis/internal/app/fediverse"
	"github.com/parvis/parvis/internal/app/mailing"
	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/app/publishing"
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
	// Screener screens comments (internal/screen); immutable, shared. New
	// gives it to the debate (debate.Rules).
	Screener *screen.Screener
	// Opinion asks the collectivité's own language model server for a
	// second opinion on uncertain comments; nil when the operator configured
	// none (docs/MODERATION.md, "Second opinion"). New gives it to the
	// debate; read it as a.Debate.Opinion.
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
	// Console configures the console: the domain of the reply addresses
	// residents answer requests to (docs/CONSOLE.md).
	Console console.DeskConfig
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
	// Debate is the comments under publications, their screening and
	// moderation (app/debate).
	Debate *debate.Service
}

// New builds the application on c and d and wires its features to one
// another, each built after what it needs, so that nothing is assigned
// after construction. Mailing loads (or creates, on first start) the
// secrets subscriber links are signed with, so New needs the store to be
// migrated.
func New(ctx context.Context, c *core.Core, d Deps) (*App, error) {
	a := &App{Core: c, Deps: d}
	// The debate's rules (settings, screening, routing) and the console's
	// desk (its inbox) need no other feature: federation screens remote replies with
	// the one and files them in the other, and the debate, built after
	// federation, sends staff answers and sanctions through it.
	rules := debate.NewRules(c, d.Screener, d.Opinion)
	desk := console.NewDesk(c, d.Console)
	a.Fediverse = fediverse.New(c, fediverse.Deps{Fed: d.Fed, Debate: rules, Console: desk})
	a.Organisations = organisations.New(c, organisations.Deps{MediaDir: d.MediaDir, Hosts: a.Fediverse})
	a.Accounts = accounts.New(c, accounts.Deps{Passwords: d.Passwords, Retention: a.Organisations, Roles: a.Organisations})
	var err error
	a.Mailing, err = mailing.New(ctx, c, mailing.Deps{MassSender: d.MassSender, Config: d.MailConfig,
		Instance: d.Instance, Accounts: a.Accounts})
	if err != nil {
		return nil, err
	}
	a.Publishing = publishing.New(c, publishing.Deps{MediaDir: d.MediaDir, Fediverse: a.Fediverse, Mailing: a.Mailing})
	a.Events = events.New(c, events.Deps{Publishing: a.Publishing, Fediverse: a.Fediverse})
	a.Debate = debate.New(rules, debate.Deps{Console: desk, Fediverse: a.Fediverse, Mailing: a.Mailing})
	// The console answers from its inbox by posting comments.
	a.Console = console.New(desk, console.Deps{Comments: debateAnswers{a.Debate}})
	return a, nil
}

// debateAnswers posts the staff answers given from the console's inbox as
// comments (console.Commenter): the two features share no types, so the
// answer is translated here.
type debateAnswers struct{ debate *debate.Service }

// PostAnswer posts in as a staff comment.
func (d debateAnswers) PostAnswer(ctx context.Context, in console.Answer) error {
	_, err := d.debate.PostComment(ctx, debate.NewComment{Org: in.Org, Publication: in.Publication, Author: in.Author, ParentID: in.ParentID,
		Body: in.Body, As: in.As, IdemKey: in.IdemKey, InboxItemID: in.ItemID, InboxVersion: in.ItemVersion})
	return err
}
