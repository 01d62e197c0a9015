package app

import (
	"context"
	"slices"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
)

// The console's staff pages read through these use cases, each asking the
// policy itself (docs/ARCHITECTURE.md, "Authorisation: one policy table").

// Services lists the organisation's services for any of its staff
// (dashboard.view): the filters and choices of the staff pages.
func (a *App) Services(ctx context.Context, actorID, orgID string) ([]model.Service, error) {
	if _, err := core.Authorize(ctx, a.Store.Queries, actorID, orgID, policy.DashboardView); err != nil {
		return nil, err
	}
	return a.Store.ServicesOf(ctx, orgID)
}

// ItemPage is an inbox item's file with what the page offers around it:
// the services and staff it may be routed or assigned to, and the saved
// replies that fit it.
type ItemPage struct {
	ItemFile
	Services []model.Service
	Staff    []model.StaffMember
	// Replies are the organisation's saved replies, those of the item's
	// service and those of the reader's services.
	Replies []model.SavedReply
}

// OpenItemPage returns an item's page for a staff member allowed to see it
// (OpenItem's rule).
func (a *App) OpenItemPage(ctx context.Context, actorID, orgID, id string) (ItemPage, error) {
	var p ItemPage
	var err error
	if p.ItemFile, err = a.OpenItem(ctx, actorID, orgID, id); err != nil {
		return p, err
	}
	m, err := a.Store.Membership(ctx, actorID, orgID)
	if err != nil {
		return p, err
	}
	if p.Services, err = a.Store.ServicesOf(ctx, orgID); err != nil {
		return p, err
	}
	if p.Staff, err = a.Store.StaffOf(ctx, orgID); err != nil {
		return p, err
	}
	all, err := a.Store.SavedReplies(ctx, orgID)
	if err != nil {
		return p, err
	}
	for _, sr := range all {
		if sr.ServiceID == "" || sr.ServiceID == p.Item.ServiceID || slices.Contains(m.ServiceIDs, sr.ServiceID) {
			p.Replies = append(p.Replies, sr)
		}
	}
	return p, nil
}

// SavedReply returns one of the organisation's saved replies
// (console.answer).
func (a *App) SavedReply(ctx context.Context, actorID, orgID, id string) (model.SavedReply, error) {
	if _, err := core.Authorize(ctx, a.Store.Queries, actorID, orgID, policy.ConsoleAnswer); err != nil {
		return model.SavedReply{}, err
	}
	return a.Store.SavedReplyByID(ctx, orgID, id)
}

// SavedReplies lists the saved replies a staff member may use and edit
// (console.answer), and the services they may file one under: a lead all
// of them, the others the organisation's replies and their services'.
func (a *App) SavedReplies(ctx context.Context, actorID, orgID string) ([]model.SavedReply, []model.Service, error) {
	m, err := core.Authorize(ctx, a.Store.Queries, actorID, orgID, policy.ConsoleAnswer)
	if err != nil {
		return nil, nil, err
	}
	all, err := a.Store.SavedReplies(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	services, err := a.Store.ServicesOf(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	lead := InboxVisibility(m) == nil
	var replies []model.SavedReply
	var mine []model.Service
	for _, s := range services {
		if lead || slices.Contains(m.ServiceIDs, s.ID) {
			mine = append(mine, s)
		}
	}
	for _, sr := range all {
		if lead || sr.ServiceID == "" || slices.Contains(m.ServiceIDs, sr.ServiceID) {
			replies = append(replies, sr)
		}
	}
	return replies, mine, nil
}

// OfficeClosures lists the organisation's closures from day (YYYY-MM-DD)
// on, for whom the policy allows console.configure.
func (a *App) OfficeClosures(ctx context.Context, actorID, orgID, day string) ([]model.OfficeClosure, error) {
	if _, err := core.Authorize(ctx, a.Store.Queries, actorID, orgID, policy.ConsoleConfigure); err != nil {
		return nil, err
	}
	return a.Store.OfficeClosures(ctx, orgID, day)
}

// RoutingChoices is the routing page's data: the rules and what a rule
// may name.
type RoutingChoices struct {
	Rules          []model.RoutingRule
	Services       []model.Service
	Topics         []model.Topic
	Neighbourhoods []model.Neighbourhood
}

// RoutingChoices returns the organisation's routing rules and choices for
// whom the policy allows console.configure.
func (a *App) RoutingChoices(ctx context.Context, actorID, orgID string) (RoutingChoices, error) {
	var d RoutingChoices
	if _, err := core.Authorize(ctx, a.Store.Queries, actorID, orgID, policy.ConsoleConfigure); err != nil {
		return d, err
	}
	var err error
	if d.Rules, err = a.Store.RoutingRules(ctx, orgID); err != nil {
		return d, err
	}
	if d.Services, err = a.Store.ServicesOf(ctx, orgID); err != nil {
		return d, err
	}
	if d.Topics, err = a.Store.TopicsOf(ctx, orgID); err != nil {
		return d, err
	}
	if d.Neighbourhoods, err = a.Store.NeighbourhoodsOf(ctx, orgID); err != nil {
		return d, err
	}
	return d, nil
}
