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
	"github.com/parvis/parvis/internal/app/fediverse"
	"github.com/parvis/parvis/internal/app/mailing"
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
	// Fetcher gets agenda URLs for event imports; nil uses the SSRF-guarded
	// safehttp client (tests on loopback set one that allows private hosts).
	Fetcher Fetcher
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
	// Debate is the comments under publications, their screening and
	// moderation (app/debate).
	Debate *debate.Service
}

// New builds the application on c and d and wires its features to one
// another. Mailing loads (or creates, on first start) the secrets
// subscriber links are signed with, so New needs the store to be migrated.
func New(ctx context.Context, c *core.Core, d Deps) (*App, error) {
	a := &App{Core: c, Deps: d}
	a.Console = console.New(c, console.Deps{Comments: consoleAnswers{a}})
	a.Accounts = accounts.New(c, accounts.Deps{Passwords: d.Passwords, Retention: a, Roles: a})
	var err error
	a.Mailing, err = mailing.New(ctx, c, mailing.Deps{MassSender: d.MassSender, Config: d.MailConfig,
		Instance: d.Instance, Agenda: a, Publications: a, Accounts: a.Accounts})
	if err != nil {
		return nil, err
	}
	// Federation screens remote replies with the debate's rules, and the
	// debate sends staff answers and sanctions through federation: the
	// rules need no other feature, so they are built first and the cycle
	// never forms.
	rules := debate.NewRules(c, d.Screener, d.Opinion)
	a.Fediverse = fediverse.New(c, fediverse.Deps{Fed: d.Fed, Debate: rules, Console: a.Console, Publications: a})
	a.Debate = debate.New(rules, debate.Deps{Console: a.Console, Fediverse: a.Fediverse, Mailing: a.Mailing})
	return a, nil
}

// consoleAnswers publishes the staff answers given from the console's
// inbox as comments (console.Commenter). The console and the debate call
// each other (an answer from the inbox is a comment; a comment enters the
// inbox), so one of them must exist before the other: the console is built
// first, with this forwarder that reaches a.Debate only when someone
// answers, long after New has returned. It is used for this cycle only.
type consoleAnswers struct{ a *App }

// PostAnswer posts in as a staff comment.
func (f consoleAnswers) PostAnswer(ctx context.Context, in console.Answer) error {
	_, err := f.a.Debate.PostComment(ctx, debate.NewComment{Org: in.Org, Publication: in.Publication, Author: in.Author, ParentID: in.ParentID,
		Body: in.Body, As: in.As, IdemKey: in.IdemKey, InboxItemID: in.ItemID, InboxVersion: in.ItemVersion})
	return err
}
