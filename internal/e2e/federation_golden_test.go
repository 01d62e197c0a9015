package e2e

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/federation"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite the federation golden files")

var (
	pemRE  = regexp.MustCompile(`-----BEGIN PUBLIC KEY-----[^"]*-----END PUBLIC KEY-----\\n`)
	uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
)

// golden compares a document we send with testdata/name, once the
// instance's address, keys and ids are made stable.
func golden(t *testing.T, ts *testserver.TS, name string, doc any) map[string]any {
	t.Helper()
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.ReplaceAll(string(b), ts.URL, "https://ville.example")
	s = strings.ReplaceAll(s, strings.TrimPrefix(ts.URL, "http://"), "ville.example")
	s = pemRE.ReplaceAllString(s, "<PEM>")
	s = uuidRE.ReplaceAllString(s, "<UUID>")
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.WriteFile(path, []byte(s+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(want)) != s {
		t.Errorf("%s differs from the golden file:\n%s", name, s)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// TestFederationGolden: the actor and the Create Article we send, in the
// shapes Mastodon's ActivityPub documentation describes.
func TestFederationGolden(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ts.Clock.Set(time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC))
		org := ts.Org(t, "bellerive")
		admin := ts.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
		topic, err := ts.App.SaveTopic(ctx, admin.ID, org.ID, "", app.TagInput{Name: "Vie associative", Slug: "associations"})
		if err != nil {
			t.Fatal(err)
		}
		actor, err := ts.App.OrgActorDoc(ctx, org)
		if err != nil {
			t.Fatal(err)
		}
		a := golden(t, ts, "golden_actor.json", actor)
		pk := a["publicKey"].(map[string]any)
		if a["type"] != "Organization" || pk["owner"] != a["id"] || pk["id"] != a["id"].(string)+"#main-key" ||
			a["endpoints"].(map[string]any)["sharedInbox"] != ts.URL+"/inbox" || a["discoverable"] != true ||
			a["preferredUsername"] != "bellerive" || !strings.Contains(pk["publicKeyPem"].(string), "BEGIN PUBLIC KEY") {
			t.Fatalf("actor shape: %v", a)
		}
		res, err := ts.App.SavePublication(ctx, admin.ID, org.ID, app.PubInput{Kind: model.KindNews, Title: "Forum des associations",
			Summary: "Samedi au gymnase.", Body: "Venez **nombreux** au forum.", TopicIDs: []string{topic.ID}})
		if err != nil {
			t.Fatal(err)
		}
		p, err := ts.App.Transition(ctx, admin.ID, org.ID, res.Publication.ID, app.TransitionInput{Action: app.ActPublish})
		if err != nil {
			t.Fatal(err)
		}
		n, err := ts.App.PublicationObject(ctx, ts.Store.Queries, org, p)
		if err != nil {
			t.Fatal(err)
		}
		create := federation.Wrap(federation.OutActivity{ID: n.ID + "#create", Type: "Create", Actor: n.AttributedTo,
			Published: n.Published, To: n.To, Cc: n.Cc, Object: &n})
		c := golden(t, ts, "golden_create_article.json", create)
		obj := c["object"].(map[string]any)
		if c["to"].([]any)[0] != federation.Public || !strings.HasSuffix(c["cc"].([]any)[0].(string), "/followers") ||
			obj["type"] != "Article" || obj["name"] != "Forum des associations" || obj["url"] != obj["id"] ||
			!strings.Contains(obj["content"].(string), "<strong>nombreux</strong>") ||
			obj["tag"].([]any)[0].(map[string]any)["name"] != "#VieAssociative" {
			t.Fatalf("create shape: %v", c)
		}

		// An event goes out as Mobilizon sends them.
		ev, err := ts.App.SaveEvent(ctx, admin.ID, org.ID, app.PubInput{Title: "Fête de la musique", Summary: "Concerts.",
			Body: "Concerts place de la République."}, app.EventInput{StartDate: "2026-06-21", StartTime: "18:00",
			EndDate: "2026-06-21", EndTime: "23:00", PlaceName: "Place de la République", PlaceAddress: "1 place de la République, 37999 Bellerive",
			Attendance: "in_person", Free: true, OrganiserKind: "org", JoinMode: "restricted", Capacity: "300"})
		if err != nil {
			t.Fatal(err)
		}
		e, err := ts.App.PublicationObject(ctx, ts.Store.Queries, org, ev.Publication)
		if err != nil {
			t.Fatal(err)
		}
		if e.Type != "Event" || e.StartTime != "2026-06-21T16:00:00Z" || e.EndTime != "2026-06-21T21:00:00Z" ||
			e.Timezone != "Europe/Paris" || e.JoinMode != "restricted" || e.Location == nil ||
			e.Location.Name != "Place de la République" || e.Location.Address == nil ||
			e.MaximumAttendeeCapacity == nil || *e.MaximumAttendeeCapacity != 300 || *e.RemainingAttendeeCapacity != 300 {
			t.Fatalf("event object: %+v", e)
		}
		if e.ICalStatus != "CONFIRMED" {
			t.Fatalf("a scheduled event's ical:status = %q", e.ICalStatus)
		}

		// Cancelling it once published sends an Update of the Event whose
		// ical:status is CANCELLED (Mobilizon) and whose content opens with
		// the status and its note (Mastodon).
		if _, err := ts.App.Transition(ctx, admin.ID, org.ID, ev.Publication.ID, app.TransitionInput{Action: app.ActPublish}); err != nil {
			t.Fatal(err)
		}
		if err := ts.App.SetEventStatus(ctx, admin.ID, org.ID, ev.Publication.ID, model.EventCancelled, "Alerte orage : concerts annulés."); err != nil {
			t.Fatal(err)
		}
		var body string
		err = ts.Store.DB().QueryRowContext(ctx, `SELECT body FROM fed_outbox WHERE publication_id=$1 AND kind='Update'
			ORDER BY created_at DESC LIMIT 1`, ev.Publication.ID).Scan(&body)
		if err != nil {
			t.Fatalf("no Update queued for the cancelled event: %v", err)
		}
		var update map[string]any
		if err := json.Unmarshal([]byte(body), &update); err != nil {
			t.Fatal(err)
		}
		u := golden(t, ts, "golden_update_event_cancelled.json", update)
		uo := u["object"].(map[string]any)
		if u["type"] != "Update" || uo["type"] != "Event" || uo["ical:status"] != "CANCELLED" || uo["updated"] == nil ||
			!strings.HasPrefix(uo["content"].(string), "<p><strong>Annulé</strong> — Alerte orage : concerts annulés.</p>") ||
			uo["startTime"] != "2026-06-21T16:00:00Z" {
			t.Fatalf("update of the cancelled event: %v", u)
		}
	})
}
