package app

import (
	"context"

	"github.com/parvis/parvis/internal/app/console"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/debate"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/app/publishing"
	"github.com/parvis/parvis/internal/model"
)

// Dashboard is what waits for one staff member in an organisation, by
// feature; a part the member's role may not see is nil.
type Dashboard struct {
	Membership model.Membership
	// Publishing: submitted and approved publications (publication.view).
	Publishing *publishing.Waiting
	// Inbox: the open items the member may see (console.answer).
	Inbox *console.OpenCounts
	// Moderation: comments waiting for a decision, per reason
	// (moderation.decide).
	Moderation *debate.Waiting
	// Events: the member sees events (event.view), and RegistrationsToday
	// counts the registrations to them made today.
	Events             bool
	RegistrationsToday int
}

// Dashboard gathers the staff dashboard of actorID in orgID (dashboard.view):
// each feature counts what waits, asking the policy itself, and only the
// features the member's role may use are asked.
func (a *App) Dashboard(ctx context.Context, actorID, orgID string) (Dashboard, error) {
	var d Dashboard
	m, err := core.Authorize(ctx, a.Store.Queries, actorID, orgID, policy.DashboardView)
	if err != nil {
		return d, err
	}
	d.Membership = m
	may := func(act policy.Action) bool { return policy.Allows(&m, orgID, act) }
	if may(policy.PublicationView) {
		w, err := a.Publishing.WaitingCounts(ctx, actorID, orgID)
		if err != nil {
			return d, err
		}
		d.Publishing = &w
	}
	if may(policy.ConsoleAnswer) {
		c, err := a.Console.OpenCounts(ctx, actorID, orgID)
		if err != nil {
			return d, err
		}
		d.Inbox = &c
	}
	if may(policy.ModerationDecide) {
		w, err := a.Debate.ModerationCounts(ctx, actorID, orgID)
		if err != nil {
			return d, err
		}
		d.Moderation = &w
	}
	if may(policy.EventView) {
		d.Events = true
		if d.RegistrationsToday, err = a.Events.RegistrationsToday(ctx, actorID, orgID); err != nil {
			return d, err
		}
	}
	return d, nil
}
