package console

import (
	"context"
	"slices"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
)

// The console's staff pages read through these use cases, each asking the
// policy itself (docs/ARCHITECTURE.md, "Authorisation: one policy table").

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
func (s *Desk) OpenItemPage(ctx context.Context, actorID, orgID, id string) (ItemPage, error) {
	var p ItemPage
	var err error
	if p.ItemFile, err = s.OpenItem(ctx, actorID, orgID, id); err != nil {
		return p, err
	}
	m, err := s.Store.Membership(ctx, actorID, orgID)
	if err != nil {
		return p, err
	}
	if p.Services, err = s.Store.ServicesOf(ctx, orgID); err != nil {
		return p, err
	}
	if p.Staff, err = s.Store.StaffOf(ctx, orgID); err != nil {
		return p, err
	}
	all, err := s.Store.SavedReplies(ctx, orgID)
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
func (s *Desk) SavedReply(ctx context.Context, actorID, orgID, id string) (model.SavedReply, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.ConsoleAnswer); err != nil {
		return model.SavedReply{}, err
	}
	return s.Store.SavedReplyByID(ctx, orgID, id)
}

// SavedReplies lists the saved replies a staff member may use and edit
// (console.answer), and the services they may file one under: a lead all
// of them, the others the organisation's replies and their services'.
func (s *Desk) SavedReplies(ctx context.Context, actorID, orgID string) ([]model.SavedReply, []model.Service, error) {
	m, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.ConsoleAnswer)
	if err != nil {
		return nil, nil, err
	}
	all, err := s.Store.SavedReplies(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	services, err := s.Store.ServicesOf(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	lead := InboxVisibility(m) == nil
	var replies []model.SavedReply
	var mine []model.Service
	for _, svc := range services {
		if lead || slices.Contains(m.ServiceIDs, svc.ID) {
			mine = append(mine, svc)
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
func (s *Desk) OfficeClosures(ctx context.Context, actorID, orgID, day string) ([]model.OfficeClosure, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.ConsoleConfigure); err != nil {
		return nil, err
	}
	return s.Store.OfficeClosures(ctx, orgID, day)
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
func (s *Desk) RoutingChoices(ctx context.Context, actorID, orgID string) (RoutingChoices, error) {
	var d RoutingChoices
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.ConsoleConfigure); err != nil {
		return d, err
	}
	var err error
	if d.Rules, err = s.Store.RoutingRules(ctx, orgID); err != nil {
		return d, err
	}
	if d.Services, err = s.Store.ServicesOf(ctx, orgID); err != nil {
		return d, err
	}
	if d.Topics, err = s.Store.TopicsOf(ctx, orgID); err != nil {
		return d, err
	}
	if d.Neighbourhoods, err = s.Store.NeighbourhoodsOf(ctx, orgID); err != nil {
		return d, err
	}
	return d, nil
}
