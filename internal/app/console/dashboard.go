package console

import (
	"context"
	"slices"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
)

// OpenCounts is what waits in the inbox for one staff member, for their
// dashboard.
type OpenCounts struct {
	// Lead: the member sees every item (Open counts them all); otherwise
	// Open counts their services' items and those assigned to them.
	Lead bool
	Open int
	// Mine counts the open items assigned to the member.
	Mine int
	// Services are the member's own services with their open items, in
	// the organisation's order.
	Services []ServiceOpen
	// Next are the first open items the member may see, the ones due
	// first, so that an agent's dashboard is never empty.
	Next []model.InboxItem
}

// ServiceOpen is a service and its open items.
type ServiceOpen struct {
	ID, Name string
	Open     int
}

// dashboardItems is how many open items the dashboard lists.
const dashboardItems = 5

// OpenCounts counts the open inbox items the staff member actorID may see
// (console.answer): theirs, their services', all of them for a lead; and
// lists the first few by due time.
func (s *Desk) OpenCounts(ctx context.Context, actorID, orgID string) (OpenCounts, error) {
	var c OpenCounts
	m, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.ConsoleAnswer)
	if err != nil {
		return c, err
	}
	visible := InboxVisibility(m)
	c.Lead = visible == nil
	open := model.InboxFilter{OrgID: m.OrgID, Open: true, Visible: visible}
	if c.Open, err = s.Store.CountInbox(ctx, open); err != nil {
		return c, err
	}
	mine := open
	mine.AssigneeID = m.AccountID
	if c.Mine, err = s.Store.CountInbox(ctx, mine); err != nil {
		return c, err
	}
	if len(m.ServiceIDs) > 0 {
		services, err := s.Store.ServicesOf(ctx, m.OrgID)
		if err != nil {
			return c, err
		}
		for _, sv := range services {
			if !slices.Contains(m.ServiceIDs, sv.ID) {
				continue
			}
			f := open
			f.ServiceID = sv.ID
			n, err := s.Store.CountInbox(ctx, f)
			if err != nil {
				return c, err
			}
			c.Services = append(c.Services, ServiceOpen{ID: sv.ID, Name: sv.Name, Open: n})
		}
	}
	next := open
	next.Sort, next.Limit = "due", dashboardItems
	c.Next, err = s.Store.ListInbox(ctx, next)
	return c, err
}
