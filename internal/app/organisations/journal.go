package organisations

import (
	"context"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Journal returns a page of the organisation's audit journal, newest first,
// after the entry before ("" for the first page), for whom the policy
// allows journal.view.
func (s *Service) Journal(ctx context.Context, actorID, orgID, before string, limit int) ([]store.AuditRow, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.JournalView); err != nil {
		return nil, err
	}
	return s.Store.AuditPage(ctx, orgID, before, limit)
}

// SetEmailRouted sets whether a staff member's notifications of the
// organisation also arrive by e-mail (their own preference, which any
// staff member may set for themselves: notifications.edit).
func (s *Service) SetEmailRouted(ctx context.Context, actorID, orgID string, on bool) error {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.NotificationsEdit); err != nil {
		return err
	}
	return s.Store.SetEmailRouted(ctx, orgID, actorID, on, s.Now())
}

// StaffNotifications returns the comments routed to a staff member of the
// organisation, newest first, and whether they also arrive by e-mail.
// Showing the list is reading it: the unread ones are marked read here (the
// returned items keep their unread mark for this one view).
func (s *Service) StaffNotifications(ctx context.Context, actorID, orgID string, limit int) ([]model.Notification, bool, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.NotificationsEdit); err != nil {
		return nil, false, err
	}
	items, err := s.Store.NotificationsOf(ctx, orgID, actorID, limit)
	if err != nil {
		return nil, false, err
	}
	routed, err := s.Store.EmailRouted(ctx, orgID, actorID)
	if err != nil {
		return nil, false, err
	}
	if err := s.Store.MarkNotificationsRead(ctx, orgID, actorID, s.Now()); err != nil {
		return nil, false, err
	}
	return items, routed, nil
}
