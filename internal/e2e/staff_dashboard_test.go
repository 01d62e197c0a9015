package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/events"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestStaffDashboardCountsPerRole: the staff dashboard shows, for each
// role, what waits for the person with counts that link to the lists:
// publications to validate and to publish, open inbox items (all of them
// for a manager, their own and their services' for an agent), comments
// waiting for a moderator, today's registrations to events; an agent's
// dashboard lists their open items.
func TestStaffDashboardCountsPerRole(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ctx := context.Background()
		org := ts.Org(t, "bellerive")
		voirie, culture := service(t, ts, org, "Voirie"), service(t, ts, org, "Culture")
		ts.Staff(t, "cm@bellerive.test", "bellerive", model.RoleManager)
		ts.Staff(t, "valerie@bellerive.test", "bellerive", model.RoleValidator)
		ts.Staff(t, "eddy@bellerive.test", "bellerive", model.RoleEditor)
		patrick := ts.Staff(t, "patrick@bellerive.test", "bellerive", model.RoleAgent, voirie)
		ts.Staff(t, "amelie@bellerive.test", "bellerive", model.RoleAgent, culture)
		now := ts.App.Now()

		// A new agent's dashboard is not empty: their service, the inbox, nothing open yet.
		page := func(email string) string {
			t.Helper()
			c := ts.Client(t)
			ts.LoginAs(t, c, email)
			r := c.Get("/admin/bellerive/")
			mustStatus(t, email+" dashboard", r, 200)
			return r.Body
		}
		mustContain(t, "new agent", page("patrick@bellerive.test"), "Ce qui vous attend", "Vos services : Voirie",
			"0 demande ouverte pour vous et vos services", "Aucune demande ouverte pour le moment.", `href="/admin/bellerive/inbox"`,
			`href="/admin/bellerive/inbox?service=`+voirie+`"`, "Voirie : 0 demande ouverte")

		// Two submitted publications, one approved, one draft.
		for i, st := range []model.PubState{model.StateSubmitted, model.StateSubmitted, model.StateApproved, model.StateDraft} {
			p := model.Publication{ID: core.NewID(), OrgID: org.ID, Kind: model.KindNews, Slug: "p" + string(rune('a'+i)), Title: "Publication " + string(st),
				Summary: "Résumé.", BodyMD: "Texte.", BodyHTML: "<p>Texte.</p>", State: st, CreatedAt: now, UpdatedAt: now}
			if err := ts.Store.InTx(ctx, func(tx *store.Tx) error { return tx.CreatePublication(ctx, p, core.NewID()) }); err != nil {
				t.Fatal(err)
			}
		}
		// Open inbox items: two for Voirie (one assigned to Patrick), one for Culture, one closed for Voirie.
		item := func(service, assignee, author string, state model.InboxState) {
			t.Helper()
			due := now.Add(48 * 3600e9)
			it := model.InboxItem{ID: core.NewID(), OrgID: org.ID, Kind: model.InboxRequest, SourceID: core.NewID(), AuthorName: author,
				Excerpt: "Question de " + author, ServiceID: service, AssigneeID: assignee, State: state, ReceivedAt: now, DueAt: &due, UpdatedAt: now}
			if err := ts.Store.CreateInboxItem(ctx, it); err != nil {
				t.Fatal(err)
			}
		}
		item(voirie, "", "Jeanne Dupont", model.StateNew)
		item(voirie, patrick.ID, "Marc Leroy", model.StateAssigned)
		item(culture, "", "Sophie Martin", model.StateNew)
		item(voirie, "", "Louis Blanc", model.StateClosed)
		// Comments waiting for a moderator: one held, one reported.
		pub := publish(t, ts, org, "travaux-quai", "Travaux sur le quai")
		resident := ts.Account(t, "jeanne@example.test")
		for _, rv := range []model.Review{model.ReviewHeld, model.ReviewReported} {
			c := model.Comment{ID: core.NewID(), OrgID: org.ID, PublicationID: pub.ID, AccountID: resident.ID, Body: "Un commentaire " + string(rv),
				Status: model.CommentHeld, InitialStatus: model.CommentHeld, Review: rv, ReviewSince: &now, CreatedAt: now, UpdatedAt: now}
			if rv == model.ReviewReported {
				c.Status, c.InitialStatus = model.CommentPublished, model.CommentPublished
			}
			if err := ts.Store.CreateComment(ctx, c); err != nil {
				t.Fatal(err)
			}
		}

		// An event with two registrations today.
		start := now.AddDate(0, 0, 10).In(paris).Format("2006-01-02")
		ev := publishEvent(t, ts, adminOf(t, ts, org).ID, org.ID, model.PubInput{Title: "Fête du quai", Summary: "Concerts."},
			events.EventInput{StartDate: start, StartTime: "18:00", EndDate: start, EndTime: "23:00", PlaceName: "Quai de Loire",
				Attendance: "in_person", Free: true, OrganiserKind: "org", JoinMode: string(model.JoinRestricted), Capacity: "50"})
		for _, email := range []string{"alice@example.test", "bruno@example.test"} {
			a := ts.Account(t, email)
			if _, err := ts.App.Events.Register(ctx, org.ID, ev.ID, events.RegisterInput{AccountID: a.ID, Name: a.DisplayName}); err != nil {
				t.Fatal(err)
			}
		}

		manager := page("cm@bellerive.test")
		mustContain(t, "manager", manager, `href="/admin/bellerive/events">2 inscriptions à des événements aujourd&#39;hui`)
		mustContain(t, "manager", manager, `href="/admin/bellerive/validation">2 publications à valider`,
			`href="/admin/bellerive/publications?state=approved">1 publication approuvée, à publier`,
			`href="/admin/bellerive/inbox">3 demandes ouvertes dans la boîte de réception`,
			`href="/admin/bellerive/inbox?mine=1">0 demande ouverte qui vous est attribuée`,
			"1 commentaire retenu pour modération", "1 commentaire signalé", "0 contestation à examiner",
			"Jeanne Dupont", "Sophie Martin")
		if strings.Contains(manager, "Louis Blanc") {
			t.Error("the manager's dashboard lists a closed item")
		}
		// The moderation counts link to the queue filtered by motif.
		mustContain(t, "manager", manager, `href="/admin/bellerive/moderation?motif=held">1 commentaire retenu`,
			`href="/admin/bellerive/moderation?motif=reported">1 commentaire signalé`, `href="/admin/bellerive/moderation?motif=appeal">0 contestation`)
		cm := ts.Client(t)
		ts.LoginAs(t, cm, "cm@bellerive.test")
		held := cm.Get("/admin/bellerive/moderation?motif=held")
		mustStatus(t, "held queue", held, 200)
		mustContain(t, "held queue", held.Body, "Seulement les commentaires retenus", "Un commentaire held")
		if strings.Contains(held.Body, "Un commentaire reported") {
			t.Error("the held queue lists a reported comment")
		}
		all := cm.Get("/admin/bellerive/moderation?motif=nonsense")
		mustContain(t, "whole queue", all.Body, "Un commentaire held", "Un commentaire reported")

		validator := page("valerie@bellerive.test")
		mustContain(t, "validator", validator, `href="/admin/bellerive/validation">2 publications à valider`)
		for _, no := range []string{"à publier", "retenu pour modération", "3 demandes ouvertes"} {
			if strings.Contains(validator, no) {
				t.Errorf("the validator's dashboard shows %q", no)
			}
		}

		agent := page("patrick@bellerive.test")
		mustContain(t, "agent", agent, `href="/admin/bellerive/inbox">2 demandes ouvertes pour vous et vos services`,
			`href="/admin/bellerive/inbox?mine=1">1 demande ouverte qui vous est attribuée`,
			"Voirie : 2 demandes ouvertes", "Jeanne Dupont", "Marc Leroy", "Prochaines demandes à traiter")
		for _, no := range []string{"Sophie Martin", "Louis Blanc", "à valider", "modération"} {
			if strings.Contains(agent, no) {
				t.Errorf("the agent's dashboard shows %q", no)
			}
		}

		// The editor sees no count of what belongs to others.
		editor := page("eddy@bellerive.test")
		for _, no := range []string{"à valider", "à publier", "retenu pour modération"} {
			if strings.Contains(editor, no) {
				t.Errorf("the editor's dashboard shows %q", no)
			}
		}
	})
}
