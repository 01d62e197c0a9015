package demo_test

import (
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/demo"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

func TestDemoInboxIsAlive(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{Outbox: true})
	if _, err := demo.Seed(t.Context(), ts.App); err != nil {
		t.Fatal(err)
	}
	org, err := ts.Store.OrganisationByHandle(t.Context(), demo.Handle)
	if err != nil {
		t.Fatal(err)
	}
	lead := ts.Account(t, "communication@bellerive.example").ID // the demo's manager
	open, _, err := ts.App.Console.Inbox(t.Context(), lead, org.ID, model.InboxFilter{Open: true})
	if err != nil || len(open) < 4 {
		t.Fatalf("open demo items: %d, %v", len(open), err)
	}
	var voirie, outOfHours, urgent, requests, remote, eventQuestions int
	for _, it := range open {
		switch it.Kind {
		case model.InboxRemote:
			remote++
		case model.InboxEventQuestion:
			eventQuestions++
		}
		if it.ServiceName == "Voirie" {
			voirie++
		}
		if it.OutOfHours {
			outOfHours++
		}
		if it.Urgent {
			urgent++
		}
		if it.Kind == model.InboxRequest {
			requests++
		}
	}
	if voirie < 3 || outOfHours < 1 || urgent < 1 || requests < 2 {
		t.Fatalf("demo inbox: voirie %d, out of hours %d, urgent %d, requests %d", voirie, outOfHours, urgent, requests)
	}
	// The three Fediverse replies that ask something (not the thank-you; one
	// edited into a question), and the question about the boat tour.
	if remote != 3 || eventQuestions != 1 {
		t.Fatalf("demo inbox: %d Fediverse replies (want 3), %d event questions (want 1)", remote, eventQuestions)
	}
	edited := false
	for _, it := range open {
		if it.Kind != model.InboxRemote {
			continue
		}
		evs, err := ts.Store.InboxEvents(t.Context(), org.ID, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			edited = edited || ev.Kind == "edited" && ev.Body == "Bon courage aux équipes du chantier."
		}
	}
	if !edited {
		t.Fatal("the demo's reply edited into a question does not show its earlier text")
	}
	// Jeanne's e-mailed reply to the answer about the footpath is in her
	// request's history, without the quoted answer, and reopened it.
	emailed := false
	for _, it := range open {
		if it.Kind != model.InboxRequest {
			continue
		}
		evs, err := ts.Store.InboxEvents(t.Context(), org.ID, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			emailed = emailed || ev.Kind == "resident_email" && strings.HasPrefix(ev.Body, "Merci beaucoup. La rampe") && !strings.Contains(ev.Body, "a écrit")
		}
	}
	if !emailed {
		t.Fatal("the demo has no resident's reply received by e-mail in an open request")
	}
	replies, err := ts.Store.SavedReplies(t.Context(), org.ID)
	if err != nil || len(replies) < 3 {
		t.Fatalf("saved replies: %d %v", len(replies), err)
	}
	cm, err := ts.Store.AccountByEmail(t.Context(), "communication@bellerive.example")
	if err != nil {
		t.Fatal(err)
	}
	f, err := ts.App.Console.Figures(t.Context(), cm.ID, org, ts.App.Now())
	if err != nil || !f.HasTimes || f.MinutesPerDay < 10 || f.DenominatorSource != "followers" || f.Followers.Email == 0 {
		t.Fatalf("demo figures: %+v %v", f, err)
	}
	// Three months of daily follower counts: the figures page shows the
	// months, and last month's report divides by last month's followers,
	// fewer than today's.
	counted := 0
	for _, m := range f.History {
		if m.CountedDays > 0 {
			counted++
		}
	}
	if counted < 3 || f.History[0].Month.Month() != ts.App.Now().In(paris).Month() {
		t.Fatalf("demo follower history: %d months counted of %+v", counted, f.History)
	}
	now := ts.App.Now().In(paris)
	last := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, paris)
	rep, err := ts.App.Console.MonthlyCost(t.Context(), cm.ID, org, last.Year(), last.Month())
	live, err2 := ts.App.Console.Followers(t.Context(), org.ID)
	if err != nil || err2 != nil || rep.DenominatorSource != "followers" || rep.TodayOnly || rep.CountedDays != rep.PeriodDays ||
		rep.Followers.Total() >= live.Total() || rep.Followers.Fediverse == 0 {
		t.Fatalf("demo report of last month: %+v (today: %+v) %v %v", rep.PerThousand, live, err, err2)
	}
	staff := ts.Client(t)
	ts.LoginAs(t, staff, "communication@bellerive.example")
	if page := staff.Get("/admin/bellerive/chiffres"); page.Status != 200 || !strings.Contains(page.Body, "Abonnés et temps passé, mois par mois") {
		t.Fatalf("demo figures page: %d", page.Status)
	}
	av, err := ts.App.Console.Availability(t.Context(), org.ID, ts.App.Now())
	if err != nil || !av.Configured || !av.HasTypical || av.OnCallPhone == "" {
		t.Fatalf("demo availability: %+v %v", av, err)
	}
}

var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return l
}()
