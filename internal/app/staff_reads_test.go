package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestStaffReadsAskThePolicy calls every use case a staff page reads
// through as every role of the organisation, every role of another one, a
// resident and an anonymous caller, on SQLite and PostgreSQL: each must
// refuse exactly whom the policy table refuses, by itself, whatever page
// (or API) calls it. Unknown ids end in "not found", which is allowed.
func TestStaffReadsAskThePolicy(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		own, other := ts.Org(t, "bellerive"), ts.Org(t, "autreville")
		admin := ts.Staff(t, "admin@bellerive.test", own.Handle, model.RoleAdmin)
		voirie, err := ts.App.Organisations.CreateService(ctx, admin.ID, own.ID, "Voirie")
		if err != nil {
			t.Fatal(err)
		}
		otherSvc, err := ts.App.Organisations.CreateService(ctx, ts.Staff(t, "admin@autreville.test", other.Handle, model.RoleAdmin).ID, other.ID, "Voirie")
		if err != nil {
			t.Fatal(err)
		}
		people := principals(t, ts, admin, own, other, voirie.ID, otherSvc.ID)
		unknown := core.NewID()
		now := ts.App.Now()
		reads := []struct {
			act  policy.Action
			name string
			call func(id string) error
		}{
			{policy.DashboardView, "Services", func(id string) error { _, err := ts.App.Organisations.Services(ctx, id, own.ID); return err }},
			{policy.DashboardView, "StaffMembers", func(id string) error { _, err := ts.App.Publishing.StaffMembers(ctx, id, own.ID); return err }},
			{policy.DashboardView, "Dashboard", func(id string) error { _, err := ts.App.Dashboard(ctx, id, own.ID); return err }},
			{policy.PublicationView, "WaitingCounts", func(id string) error { _, err := ts.App.Publishing.WaitingCounts(ctx, id, own.ID); return err }},
			{policy.ConsoleAnswer, "OpenCounts", func(id string) error { _, err := ts.App.Console.OpenCounts(ctx, id, own.ID); return err }},
			{policy.ModerationDecide, "ModerationCounts", func(id string) error { _, err := ts.App.Debate.ModerationCounts(ctx, id, own.ID); return err }},
			{policy.EventView, "RegistrationsToday", func(id string) error { _, err := ts.App.Events.RegistrationsToday(ctx, id, own.ID); return err }},
			{policy.NotificationsEdit, "StaffNotifications", func(id string) error {
				_, _, err := ts.App.Organisations.StaffNotifications(ctx, id, own.ID, 10)
				return err
			}},
			{policy.ModerationDecide, "ModerationQueue", func(id string) error { _, err := ts.App.Debate.ModerationQueue(ctx, id, own.ID, 10); return err }},
			{policy.ConsoleAnswer, "Inbox", func(id string) error {
				_, _, err := ts.App.Console.Inbox(ctx, id, own.ID, model.InboxFilter{})
				return err
			}},
			{policy.ConsoleAnswer, "OpenItemPage", func(id string) error { _, err := ts.App.Console.OpenItemPage(ctx, id, own.ID, unknown); return err }},
			{policy.ConsoleAnswer, "SavedReplies", func(id string) error { _, _, err := ts.App.Console.SavedReplies(ctx, id, own.ID); return err }},
			{policy.ConsoleAnswer, "SavedReply", func(id string) error { _, err := ts.App.Console.SavedReply(ctx, id, own.ID, unknown); return err }},
			{policy.ConsoleConfigure, "OfficeClosures", func(id string) error {
				_, err := ts.App.Console.OfficeClosures(ctx, id, own.ID, "2026-01-01")
				return err
			}},
			{policy.ConsoleConfigure, "RoutingChoices", func(id string) error { _, err := ts.App.Console.RoutingChoices(ctx, id, own.ID); return err }},
			{policy.NewsletterEdit, "Newsletters", func(id string) error { _, err := ts.App.Mailing.Newsletters(ctx, id, own.ID); return err }},
			{policy.NewsletterEdit, "NewsletterFile", func(id string) error { _, err := ts.App.Mailing.NewsletterFile(ctx, id, own, ""); return err }},
			{policy.NewsletterEdit, "NewsletterMailing", func(id string) error {
				_, err := ts.App.Mailing.NewsletterMailing(ctx, id, own.ID, unknown)
				return err
			}},
			{policy.SubscribersView, "SubscriberFigures", func(id string) error { _, err := ts.App.Mailing.SubscriberFigures(ctx, id, own.ID); return err }},
			{policy.EventView, "StaffEvents", func(id string) error {
				_, _, err := ts.App.Events.StaffEvents(ctx, id, own.ID, false, 10, 0)
				return err
			}},
			{policy.EventView, "EventFile", func(id string) error { _, err := ts.App.Events.EventFile(ctx, id, own.ID, unknown); return err }},
			{policy.EventView, "RegistrationCounts", func(id string) error {
				_, err := ts.App.Events.RegistrationCounts(ctx, id, own.ID, unknown)
				return err
			}},
			{policy.EventCheckin, "RegistrationByCode", func(id string) error {
				_, err := ts.App.Events.RegistrationByCode(ctx, id, own.ID, unknown, "ABCD")
				return err
			}},
			{policy.TaxonomyManage, "TaxonomyTopics", func(id string) error { _, _, err := ts.App.Publishing.TaxonomyTopics(ctx, id, own.ID); return err }},
			{policy.TaxonomyManage, "TaxonomyNeighbourhoods", func(id string) error {
				_, err := ts.App.Publishing.TaxonomyNeighbourhoods(ctx, id, own.ID)
				return err
			}},
			{policy.ServicesManage, "Service", func(id string) error { _, err := ts.App.Organisations.Service(ctx, id, own.ID, unknown); return err }},
			{policy.PublicationView, "Publications", func(id string) error {
				_, err := ts.App.Publishing.Publications(ctx, id, model.PubFilter{OrgID: own.ID, Limit: 10})
				return err
			}},
			{policy.PublicationView, "StaffPublication", func(id string) error {
				_, err := ts.App.Publishing.StaffPublication(ctx, id, own.ID, unknown)
				return err
			}},
			{policy.PublicationView, "PublicationRevision", func(id string) error {
				_, err := ts.App.Publishing.PublicationRevision(ctx, id, own.ID, unknown, 1)
				return err
			}},
			{policy.PublicationView, "PublicationCalendar", func(id string) error {
				_, err := ts.App.Publishing.PublicationCalendar(ctx, id, own.ID, now, now.Add(30*24*time.Hour))
				return err
			}},
			{policy.PublicationView, "EditorChoices", func(id string) error {
				_, err := ts.App.Publishing.EditorChoices(ctx, id, own.ID, model.KindNews, "", true)
				return err
			}},
			{policy.PublicationView, "PublicationEvent", func(id string) error {
				_, err := ts.App.Publishing.PublicationEvent(ctx, id, own.ID, unknown)
				return err
			}},
			{policy.PublicationReview, "ValidationQueue", func(id string) error {
				_, _, err := ts.App.Publishing.ValidationQueue(ctx, id, own.ID, 10)
				return err
			}},
			{policy.PublishingSettings, "ValidationSettings", func(id string) error {
				_, err := ts.App.Publishing.ValidationSettings(ctx, id, own.ID)
				return err
			}},
		}
		for _, c := range reads {
			for _, p := range people {
				want := policy.Allows(p.m, own.ID, c.act)
				err := c.call(p.acct.ID)
				switch {
				case !want && !errors.Is(err, model.ErrForbidden):
					t.Errorf("%s (%s) as %s: want refused, got %v", c.name, c.act, p.name, err)
				case want && err != nil && !errors.Is(err, model.ErrNotFound):
					t.Errorf("%s (%s) as %s: want allowed, got %v", c.name, c.act, p.name, err)
				}
			}
		}
	})
}
