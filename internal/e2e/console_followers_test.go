package e2e

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/config"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/server"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/store/storetest"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestFollowerSnapshotJob: the periodic follower_snapshot job, run by
// River at start-up, records the day's follower count of each
// organisation; after a restart the same day it runs again and adds
// nothing, and the first count of the day stands.
func TestFollowerSnapshotJob(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		data := filepath.Join(t.TempDir(), "data")
		database := ""
		if engine == store.Postgres {
			database = storetest.PostgresDSN(t)
		}
		cfg := config.Config{DataDir: data, Database: database, MailFrom: "Ville <ne-pas-repondre@ville.test>", LogFormat: "text",
			JobPoll: 50 * time.Millisecond}
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		open := func(workers bool) *server.Server {
			t.Helper()
			srv, err := server.Open(ctx, cfg, server.Options{NoWorkers: !workers, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			return srv
		}
		// Bellerive and three confirmed subscribers, written with no job
		// running.
		srv := open(false)
		org, err := srv.App.Organisations.CreateOrganisation(ctx, "", organisations.NewOrganisation{Handle: "bellerive", Name: "Ville de Bellerive", Kind: model.KindCommune})
		if err != nil {
			t.Fatal(err)
		}
		if err := SeedSubscribers(ctx, srv.Store, org.ID, 3); err != nil {
			t.Fatal(err)
		}
		srv.Close()

		today := time.Now().In(paris).Format("2006-01-02")
		counts := func(srv *server.Server) []store.FollowerSnapshot {
			t.Helper()
			got, err := srv.Store.FollowerSnapshots(ctx, org.ID, "2000-01-01", "3000-01-01")
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		// runs counts the job's completed runs.
		runs := func(srv *server.Server) int {
			t.Helper()
			var n int
			if err := srv.Store.DB().QueryRow(`SELECT COUNT(*) FROM river_job WHERE kind = 'follower_snapshot' AND state = 'completed'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		// serve starts a process with its job workers, waits until the
		// job has completed `want` runs in all, and stops it.
		serve := func(want int) []store.FollowerSnapshot {
			t.Helper()
			srv := open(true)
			defer srv.Close()
			jctx, cancel := context.WithCancel(ctx)
			if err := srv.Jobs.Start(jctx); err != nil {
				t.Fatal(err)
			}
			for deadline := time.Now().Add(30 * time.Second); runs(srv) < want; time.Sleep(50 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("the follower_snapshot job ran %d times, want %d (is it a periodic job run at start-up?)", runs(srv), want)
				}
			}
			got := counts(srv)
			cancel()
			stop, done := context.WithTimeout(ctx, 10*time.Second)
			defer done()
			if err := srv.Jobs.Stop(stop); err != nil {
				t.Logf("stop jobs: %v", err)
			}
			return got
		}
		got := serve(1)
		if len(got) != 1 || got[0].Day != today || got[0].Email != 3 || got[0].Fediverse != 0 {
			t.Fatalf("after the first start: %+v, want one count of 3 e-mail followers for %s", got, today)
		}

		// Two more people subscribe; the process restarts the same day.
		srv = open(false)
		if err := srv.Store.InTx(ctx, func(tx *store.Tx) error {
			now := time.Now().UTC()
			for _, email := range []string{"nouvelle@example.test", "nouveau@example.test"} {
				s := model.Subscriber{ID: core.NewID(), Email: email, Lang: "fr", Status: model.SubActive, ConfirmedAt: &now, CreatedAt: now, UpdatedAt: now}
				if err := tx.CreateSubscriber(ctx, s); err != nil {
					return err
				}
				if err := tx.PutSubscriberOrg(ctx, model.SubscriberOrg{SubscriberID: s.ID, OrgID: org.ID,
					Choices: model.Choices{Everything: true, Alerts: true}, CreatedAt: now, UpdatedAt: now}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		srv.Close()
		got = serve(2)
		if len(got) != 1 || got[0].Email != 3 {
			t.Fatalf("after a restart the same day: %+v, want the first count (3) alone", got)
		}
		// A direct second run adds nothing either.
		srv = open(false)
		defer srv.Close()
		if n, err := srv.App.Console.SnapshotFollowers(ctx); err != nil || n != 0 {
			t.Fatalf("a second run the same day recorded %d counts (%v), want 0", n, err)
		}
		if got := counts(srv); len(got) != 1 || got[0].Email != 3 {
			t.Fatalf("after a second run: %+v", got)
		}
	})
}

// TestConsoleFiguresPastMonthsUseTheirFollowers: the "coût réel" report of
// a past month divides by the average of that month's daily follower
// counts, not by today's; a month without any count says so and gives no
// figure; the month in progress averages its counts with today's; the
// figures page shows the months' history. In French and English, and
// another organisation's staff see none of it.
func TestConsoleFiguresPastMonthsUseTheirFollowers(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		town := newConsoleTown(t, engine) // Thursday 12 March 2026
		ts := town.ts
		seedFollowerMonths(t, town)

		// February: 10 min a day for 950 followers on average.
		feb := town.admin.Get("/admin/bellerive/chiffres/cout?mois=2026-02")
		mustStatus(t, "February report", feb, 200)
		mustContain(t, "February report", feb.Body, "Minutes par jour pour 1 000 abonnés", "10,5 min",
			"base : 950 abonnés en moyenne (900 par courriel, 50 sur le Fédivers) ; jours relevés : 28 sur 28",
			"abonnés = moyenne des relevés quotidiens du mois")
		// January: no count, no figure, and today's count is not used.
		jan := town.admin.Get("/admin/bellerive/chiffres/cout?mois=2026-01")
		mustStatus(t, "January report", jan, 200)
		mustContain(t, "January report", jan.Body, "non calculé : aucun relevé du nombre d&#39;abonnés pour cette période",
			"relevés quotidiens depuis le dimanche 1er février 2026")
		mustNotContain(t, "January report", jan.Body, "comptés ce jour", "per1000-base\">base", "renseignez la population")
		// March so far: 5 counts and today's live count (nobody), 12 days.
		mar := town.admin.Get("/admin/bellerive/chiffres/cout?mois=2026-03")
		mustContain(t, "March report", mar.Body,
			"base : 883 abonnés en moyenne (833 par courriel, 50 sur le Fédivers) ; jours relevés : 6 sur 12")

		// The figures page: the last 30 days' base, and the months.
		fig := town.admin.Get("/admin/bellerive/chiffres")
		mustStatus(t, "figures", fig, 200)
		mustContain(t, "figures", fig.Body, "jours relevés : 24 sur 30",
			"Abonnés et temps passé, mois par mois", "est relevé chaque jour depuis le dimanche 1er février 2026",
			`<th scope="row">février 2026</th><td data-label="Abonnés (moyenne)">950</td><td data-label="Par courriel">900</td>`+
				`<td data-label="Sur le Fédivers">50</td><td data-label="Jours relevés">28 sur 28</td><td data-label="Minutes par jour">10,0</td>`+
				`<td data-label="Minutes par jour pour 1 000 abonnés">10,5</td>`,
			`<th scope="row">mars 2026</th><td data-label="Abonnés (moyenne)">883</td>`, `href="/admin/bellerive/chiffres/cout?mois=2026-02"`,
			`href="/admin/bellerive/abonnes/resumes"`)
		mustNotContain(t, "figures", fig.Body, `<th scope="row">janvier 2026</th>`)

		// The same in English.
		en := ts.Client(t)
		ts.LoginAs(t, en, "cm@bellerive.test")
		mustStatus(t, "English", en.Post("/lang", form("lang", "en", "next", "/admin/bellerive/chiffres")), 303)
		mustContain(t, "February report (en)", en.Get("/admin/bellerive/chiffres/cout?mois=2026-02").Body,
			"base: 950 followers on average (900 by e-mail, 50 on the Fediverse); days counted: 28 of 28")
		mustContain(t, "January report (en)", en.Get("/admin/bellerive/chiffres/cout?mois=2026-01").Body,
			"not computed: no count of followers for this period (daily counts since Sunday 1 February 2026)")
		mustContain(t, "figures (en)", en.Get("/admin/bellerive/chiffres").Body, "Followers and time spent, month by month",
			`<th scope="row">February 2026</th><td data-label="Followers (average)">950</td>`, "28 of 28")

		// Another organisation's administrator: no access to Bellerive's
		// figures, and their own February has no count of Bellerive's.
		ts.Staff(t, "admin@autre.test", "autre", model.RoleAdmin)
		other := ts.Client(t)
		ts.LoginAs(t, other, "admin@autre.test")
		for _, p := range []string{"/admin/bellerive/chiffres", "/admin/bellerive/chiffres/cout?mois=2026-02"} {
			mustStatus(t, p, other.Get(p), 403)
		}
		own := other.Get("/admin/autre/chiffres/cout?mois=2026-02")
		mustStatus(t, "own report", own, 200)
		mustContain(t, "own report", own.Body, "non calculé : aucun relevé")
		mustNotContain(t, "own report", own.Body, "950")
		// An agent of Bellerive neither.
		agent := ts.Client(t)
		ts.LoginAs(t, agent, "patrick@bellerive.test")
		mustStatus(t, "agent report", agent.Get("/admin/bellerive/chiffres/cout?mois=2026-02"), 403)
	})
}

// seedFollowerMonths gives the console town (Thursday 12 March 2026) 280
// active minutes in February, 10 a day over its 28 days, and daily follower
// counts from 1 February (none in January): 800 + 40 for two weeks, then
// 1,000 + 60, up to 5 March. Nobody follows today.
func seedFollowerMonths(t *testing.T, town *consoleTown) {
	t.Helper()
	ctx := context.Background()
	ts, org := town.ts, town.org
	recordMinutes(t, ts, org.ID, "cm@bellerive.test", time.Date(2026, 2, 3, 9, 0, 0, 0, paris), 280)
	record := func(day time.Time, email, fedi int) {
		t.Helper()
		if _, err := ts.Store.RecordFollowerCount(ctx, org.ID, store.FollowerSnapshot{Day: day.Format("2006-01-02"),
			Email: email, Fediverse: fedi, TakenAt: day.Add(5 * time.Minute).UTC()}); err != nil {
			t.Fatal(err)
		}
	}
	for d := time.Date(2026, 2, 1, 0, 0, 0, 0, paris); d.Before(time.Date(2026, 3, 6, 0, 0, 0, 0, paris)); d = d.AddDate(0, 0, 1) {
		if d.Before(time.Date(2026, 2, 15, 0, 0, 0, 0, paris)) {
			record(d, 800, 40)
		} else {
			record(d, 1000, 60)
		}
	}
}

// recordMinutes records n active minutes of a staff member from start on.
func recordMinutes(t *testing.T, ts *testserver.TS, orgID, email string, start time.Time, n int) {
	t.Helper()
	ctx := context.Background()
	who, err := ts.Store.AccountByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if err := ts.Store.RecordActivity(ctx, orgID, who.ID, start.Add(time.Duration(i)*time.Minute).UTC()); err != nil {
			t.Fatal(err)
		}
	}
}
