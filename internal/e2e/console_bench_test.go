package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
	"github.com/parvis/parvis/internal/web"
)

// seedInbox writes n items (open of them still to handle) spread over the
// last year across the services, one in five a request with its row, two
// history lines each: the 50,000-item figure of docs/PERFORMANCE.md. Rows go
// in by multi-row INSERTs, 500 per statement, one transaction per 5,000, so
// the job workers are not locked out meanwhile. It returns the open
// requests' item ids.
func seedInbox(tb testing.TB, ts *testserver.TS, org model.Organisation, services []string, n, open int) []string {
	tb.Helper()
	ctx := context.Background()
	now := ts.App.Now()
	words := []string{"trottoir", "lampadaire", "poubelles", "stationnement", "bruit", "piscine", "cantine", "travaux", "vélo", "arbre"}
	kinds := []model.InboxKind{model.InboxRequest, model.InboxQuestion, model.InboxHeld, model.InboxReport, model.InboxRemote}
	var openRequests []string
	type batch struct {
		items, events, requests [][]any
	}
	flush := func(tx *store.Tx, table, cols string, rows [][]any) error {
		for len(rows) > 0 {
			chunk := rows[:min(len(rows), 500)]
			rows = rows[len(chunk):]
			var sb strings.Builder
			var args []any
			for i, r := range chunk {
				if i > 0 {
					sb.WriteString(",")
				}
				sb.WriteString("(")
				for j, v := range r {
					if j > 0 {
						sb.WriteString(",")
					}
					args = append(args, v)
					fmt.Fprintf(&sb, "$%d", len(args))
				}
				sb.WriteString(")")
			}
			if _, err := tx.SQLTx().ExecContext(ctx, "INSERT INTO "+table+" ("+cols+") VALUES "+sb.String(), args...); err != nil {
				return fmt.Errorf("seed %s: %w", table, err)
			}
		}
		return nil
	}
	for from := 0; from < n; from += 5000 {
		var bt batch
		for i := from; i < min(n, from+5000); i++ {
			received := now.Add(-time.Duration(n-i) * 10 * time.Minute)
			kind := kinds[i%len(kinds)]
			id, source := core.NewID(), core.NewID()
			author := fmt.Sprintf("Habitant %d", i%997)
			excerpt := fmt.Sprintf("Question n° %d sur le %s de la rue %d", i, words[i%len(words)], i%300)
			state, isOpen := "closed", 0
			var first, closed, secs any = received.Add(3 * time.Hour), received.Add(3 * time.Hour), 7200
			if i >= n-open {
				state, isOpen, first, closed, secs = "assigned", 1, nil, nil, nil
				if kind == model.InboxRequest {
					openRequests = append(openRequests, id)
				}
			}
			urgent := 0
			if i%97 == 0 {
				urgent = 1
			}
			bt.items = append(bt.items, []any{id, org.ID, string(kind), source, "", author, excerpt, services[i%len(services)], state, isOpen,
				urgent, 0, received, received.Add(48 * time.Hour), first, secs, closed, 1, received, strings.ToLower(author + " " + excerpt)})
			for _, k := range []string{"created", "routed"} {
				bt.events = append(bt.events, []any{core.NewID(), id, org.ID, k, received})
			}
			if kind == model.InboxRequest {
				bt.requests = append(bt.requests, []any{source, org.ID, author, fmt.Sprintf("habitant%d@example.test", i), excerpt,
					fmt.Sprintf("SEED-%06d", i), received})
			}
		}
		err := ts.Store.InTx(ctx, func(tx *store.Tx) error {
			if err := flush(tx, "resident_requests", "id, org_id, name, email, body, reference, created_at", bt.requests); err != nil {
				return err
			}
			if err := flush(tx, "inbox_items", "id, org_id, kind, source_id, publication_id, author_name, excerpt, service_id, state, open, "+
				"urgent, out_of_hours, received_at, due_at, first_answer_at, first_answer_secs, closed_at, version, updated_at, search_text", bt.items); err != nil {
				return err
			}
			return flush(tx, "inbox_events", "id, item_id, org_id, kind, created_at", bt.events)
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	return openRequests
}

// BenchmarkConsoleInbox measures the inbox with 50,000 items (10,000 open)
// on SQLite through the whole handler stack with a signed-in manager's
// session: the default list, a filtered search, and opening an item. It
// reports the 99th percentile per request.
func BenchmarkConsoleInbox(b *testing.B) {
	ts := testserver.Start(b, testserver.Options{})
	org := ts.Org(b, "bellerive")
	var services []string
	for _, name := range []string{"Voirie", "Culture", "Jeunesse", "État civil", "Environnement"} {
		s, err := ts.App.Organisations.CreateService(context.Background(), ts.Staff(b, "admin@bellerive.test", "bellerive", model.RoleAdmin).ID, org.ID, name)
		if err != nil {
			b.Fatal(err)
		}
		services = append(services, s.ID)
	}
	start := time.Now()
	ids := seedInbox(b, ts, org, services, 50000, 10000)
	b.Logf("seeded 50,000 items in %s", time.Since(start).Round(time.Millisecond))
	ts.Staff(b, "cm@bellerive.test", "bellerive", model.RoleManager)
	_, secret := ts.Session(b, "cm@bellerive.test")
	h := ts.Server.Handler
	get := func(path string) {
		req := httptest.NewRequest("GET", path, nil)
		req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: secret})
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("%s: %d", path, w.Code)
		}
	}
	open := ids
	for _, c := range []struct{ name, path string }{
		{"list", "/admin/bellerive/inbox"},
		{"filter", "/admin/bellerive/inbox?service=" + services[1] + "&q=lampadaire&sort=oldest"},
		{"filter_all_states", "/admin/bellerive/inbox?state=all&kind=request&q=rue+42"},
		{"open", ""},
	} {
		b.Run(c.name, func(b *testing.B) {
			var times []time.Duration
			i := 0
			for b.Loop() {
				path := c.path
				if path == "" {
					path = "/admin/bellerive/inbox/" + open[i%len(open)]
				}
				t0 := time.Now()
				get(path)
				times = append(times, time.Since(t0))
				i++
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
		})
	}
}
