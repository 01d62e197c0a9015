package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/events"
	"github.com/parvis/parvis/internal/app/publishing"
	"github.com/parvis/parvis/internal/dates"
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
		ts, org, admin := goldenTown(t, engine)
		topic, err := ts.App.Publishing.SaveTopic(ctx, admin.ID, org.ID, "", publishing.TagInput{Name: "Vie associative", Slug: "associations"})
		if err != nil {
			t.Fatal(err)
		}
		actor, err := ts.App.Fediverse.OrgActorDoc(ctx, org)
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
		res, err := ts.App.Publishing.SavePublication(ctx, admin.ID, org.ID, model.PubInput{Kind: model.KindNews, Title: "Forum des associations",
			Summary: "Samedi au gymnase.", Body: "Venez **nombreux** au forum.", TopicIDs: []string{topic.ID}})
		if err != nil {
			t.Fatal(err)
		}
		p, err := ts.App.Publishing.Transition(ctx, admin.ID, org.ID, res.Publication.ID, publishing.TransitionInput{Action: publishing.ActPublish})
		if err != nil {
			t.Fatal(err)
		}
		n, err := ts.App.Fediverse.PublicationObject(ctx, ts.Store.Queries, org, p)
		if err != nil {
			t.Fatal(err)
		}
		create := federation.Wrap(federation.OutActivity{ID: n.ID + "#create", Type: "Create", Actor: n.AttributedTo,
			Published: n.Published, To: n.To, Cc: n.Cc, Object: &n})
		c := golden(t, ts, "golden_create_news.json", create)
		obj := c["object"].(map[string]any)
		if c["to"].([]any)[0] != federation.Public || !strings.HasSuffix(c["cc"].([]any)[0].(string), "/followers") ||
			obj["type"] != "Note" || obj["name"] != nil || obj["summary"] != nil || obj["sensitive"] != nil || obj["url"] != obj["id"] ||
			!strings.HasPrefix(obj["content"].(string), "<p><strong>Forum des associations</strong></p><p>Samedi au gymnase.</p>") ||
			!strings.Contains(obj["content"].(string), "<strong>nombreux</strong>") ||
			obj["tag"].([]any)[0].(map[string]any)["name"] != "#VieAssociative" {
			t.Fatalf("create shape: %v", c)
		}

		// An event goes out as Mobilizon sends them.
		ev, err := ts.App.Events.SaveEvent(ctx, admin.ID, org.ID, model.PubInput{Title: "Fête de la musique", Summary: "Concerts.",
			Body: "Concerts place de la République."}, events.EventInput{StartDate: "2026-06-21", StartTime: "18:00",
			EndDate: "2026-06-21", EndTime: "23:00", PlaceName: "Place de la République", PlaceAddress: "1 place de la République, 37999 Bellerive",
			Attendance: "in_person", Free: true, OrganiserKind: "org", JoinMode: "restricted", Capacity: "300"})
		if err != nil {
			t.Fatal(err)
		}
		e, err := ts.App.Fediverse.PublicationObject(ctx, ts.Store.Queries, org, ev.Publication)
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
		// ical:status is CANCELLED (Mobilizon) and whose summary (Mastodon)
		// and content (Mobilizon) open with the status and its note.
		if _, err := ts.App.Publishing.Transition(ctx, admin.ID, org.ID, ev.Publication.ID, publishing.TransitionInput{Action: publishing.ActPublish}); err != nil {
			t.Fatal(err)
		}
		if err := ts.App.Events.SetEventStatus(ctx, admin.ID, org.ID, ev.Publication.ID, model.EventCancelled, "Alerte orage : concerts annulés."); err != nil {
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
			// What Mastodon shows of an Event (and GoToSocial as its
			// content warning): the status, the date and place, the lead.
			uo["summary"] != "Annulé — Alerte orage : concerts annulés. Dimanche 21 juin, de 18 h à 23 h — Place de la République, 1 place de la République, 37999 Bellerive. Concerts." ||
			!strings.HasPrefix(uo["content"].(string), "<p><strong>Annulé</strong> — Alerte orage : concerts annulés.</p>"+
				"<p><strong>Fête de la musique</strong></p><p>Dimanche 21 juin, de 18 h à 23 h<br>Place de la République, 1 place de la République, 37999 Bellerive</p>") ||
			uo["startTime"] != "2026-06-21T16:00:00Z" {
			t.Fatalf("update of the cancelled event: %v", u)
		}
	})
}

// goldenTown is Bellerive and its administrator on one instance whose
// clock stands at 1 June 2026, 8:00 UTC.
func goldenTown(t *testing.T, engine store.Engine) (*testserver.TS, model.Organisation, model.Account) {
	t.Helper()
	ts := testserver.Start(t, testserver.Options{Engine: engine})
	ts.Clock.Set(time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC))
	return ts, ts.Org(t, "bellerive"), ts.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
}

// weeklyMarket is a market every week from first (Paris), three hours long,
// six dates.
func weeklyMarket(first time.Time) events.EventInput {
	first = first.In(dates.Paris)
	return events.EventInput{StartDate: first.Format(dates.LocalDate), StartTime: first.Format("15:04"),
		EndDate: first.Format(dates.LocalDate), EndTime: first.Add(3 * time.Hour).Format("15:04"), PlaceName: "Place du Marché",
		Attendance: "in_person", Free: true, OrganiserKind: "org", JoinMode: "free", RecurFreq: "weekly",
		RecurWeekdays: []string{fmt.Sprint(int(first.Weekday()))}, RecurCount: "6"}
}

// publishEvent saves an event and publishes it.
func publishEvent(t *testing.T, ts *testserver.TS, adminID, orgID string, in model.PubInput, ein events.EventInput) model.Publication {
	t.Helper()
	ctx := context.Background()
	res, err := ts.App.Events.SaveEvent(ctx, adminID, orgID, in, ein)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ts.App.Publishing.Transition(ctx, adminID, orgID, res.Publication.ID, publishing.TransitionInput{Action: publishing.ActPublish})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// lastOutbox returns the latest activity of kind queued for a publication
// and how many of that kind were queued for it.
func lastOutbox(t *testing.T, ts *testserver.TS, pubID, kind string) (map[string]any, int) {
	t.Helper()
	ctx := context.Background()
	var n int
	if err := ts.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM fed_outbox WHERE publication_id=$1 AND kind=$2`,
		pubID, kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		return nil, 0
	}
	var body string
	if err := ts.Store.DB().QueryRowContext(ctx, `SELECT body FROM fed_outbox WHERE publication_id=$1 AND kind=$2
		ORDER BY created_at DESC, id DESC LIMIT 1`, pubID, kind).Scan(&body); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	return m, n
}

// TestFederationOccurrenceGolden: cancelling, moving and restoring one date
// of a published series each queue one Update of the Event — its summary
// (what Mastodon shows of an Event) and content (what Mobilizon shows)
// open with the changed date, startTime is the next date still on, the
// content lists the next dates — and the same change made twice queues
// nothing more.
func TestFederationOccurrenceGolden(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		ts, org, admin := goldenTown(t, engine)
		if _, err := ts.App.Fediverse.OrgActorDoc(ctx, org); err != nil { // someone looked it up: followers are possible
			t.Fatal(err)
		}
		id := publishEvent(t, ts, admin.ID, org.ID, model.PubInput{Title: "Marché du samedi", Summary: "Producteurs locaux.",
			Body: "Fruits, légumes et fromages."}, weeklyMarket(time.Date(2026, 6, 6, 9, 0, 0, 0, dates.Paris))).ID
		if _, n := lastOutbox(t, ts, id, "Update"); n != 0 {
			t.Fatalf("%d Updates before any change", n)
		}
		paris := dates.Paris
		sat := func(day, hour int) time.Time { return time.Date(2026, 6, day, hour, 0, 0, 0, paris).UTC() }

		// Cancel Saturday 13 June.
		cancel := events.ExceptionInput{OriginalStart: sat(13, 9), Cancel: true, Note: "Brocante sur la place."}
		if err := ts.App.Events.SetException(ctx, admin.ID, org.ID, id, cancel); err != nil {
			t.Fatal(err)
		}
		u, n := lastOutbox(t, ts, id, "Update")
		if n != 1 {
			t.Fatalf("%d Updates after cancelling one date, want 1", n)
		}
		u = golden(t, ts, "golden_update_occurrence_cancelled.json", u)
		o := u["object"].(map[string]any)
		if u["type"] != "Update" || o["type"] != "Event" || o["ical:status"] != "CONFIRMED" || o["updated"] == nil ||
			o["summary"] != "Date annulée — samedi 13 juin, de 9 h à 12 h. Brocante sur la place. "+
				"Prochaine date : samedi 6 juin, de 9 h à 12 h — Place du Marché. Producteurs locaux." ||
			!strings.HasPrefix(o["content"].(string), "<p><strong>Date annulée</strong> — samedi 13 juin, de 9 h à 12 h. Brocante sur la place.</p>"+
				"<p><strong>Marché du samedi</strong></p><p>Prochaine date : samedi 6 juin, de 9 h à 12 h<br>Place du Marché</p><p>Fruits") ||
			!strings.Contains(o["content"].(string), "<li><del>samedi 13 juin, de 9 h à 12 h</del> (annulée)</li>") ||
			o["startTime"] != "2026-06-06T07:00:00Z" {
			t.Fatalf("Update of the cancelled date: %v", u)
		}

		// The same click again: refused as already done, nothing queued.
		if err := ts.App.Events.SetException(ctx, admin.ID, org.ID, id, cancel); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("second identical cancellation: %v, want ErrConflict", err)
		}
		if _, n := lastOutbox(t, ts, id, "Update"); n != 1 {
			t.Fatalf("%d Updates after a repeated click, want 1", n)
		}

		// Two clicks at the same moment on another date: one change, one
		// Update (the event row's lock makes the second see the first).
		twice := events.ExceptionInput{OriginalStart: sat(27, 9), Cancel: true}
		errs := make(chan error, 2)
		for range 2 {
			go func() { errs <- ts.App.Events.SetException(ctx, admin.ID, org.ID, id, twice) }()
		}
		e1, e2 := <-errs, <-errs
		if (e1 == nil) == (e2 == nil) || !errors.Is(errors.Join(e1, e2), model.ErrConflict) {
			t.Fatalf("two simultaneous clicks: %v and %v, want one change and one ErrConflict", e1, e2)
		}
		if _, n := lastOutbox(t, ts, id, "Update"); n != 2 {
			t.Fatalf("%d Updates after two simultaneous clicks, want 2", n)
		}
		xs, err := ts.Store.EventExceptions(ctx, id)
		if err != nil || len(xs) != 2 {
			t.Fatalf("exceptions: %v %v", xs, err)
		}
		if err := ts.App.Events.RemoveException(ctx, admin.ID, org.ID, id, xs[1].ID); err != nil {
			t.Fatal(err)
		}

		// Once 6 June is over, startTime is the next date still on: 20
		// June, 13 June being cancelled. Moving 20 June to Sunday 21 at
		// 10:00 makes that the next date.
		ts.Clock.Set(time.Date(2026, 6, 8, 8, 0, 0, 0, time.UTC))
		move := events.ExceptionInput{OriginalStart: sat(20, 9), StartDate: "2026-06-21", StartTime: "10:00"}
		if err := ts.App.Events.SetException(ctx, admin.ID, org.ID, id, move); err != nil {
			t.Fatal(err)
		}
		u, n = lastOutbox(t, ts, id, "Update")
		o = u["object"].(map[string]any)
		if n != 4 || o["startTime"] != "2026-06-21T08:00:00Z" || o["endTime"] != "2026-06-21T11:00:00Z" ||
			o["summary"] != "Date déplacée — dimanche 21 juin, de 10 h à 13 h, au lieu du samedi 20 juin à 9 h. "+
				"Date annulée — samedi 13 juin, de 9 h à 12 h. Brocante sur la place. "+
				"Prochaine date : dimanche 21 juin, de 10 h à 13 h — Place du Marché. Producteurs locaux." ||
			!strings.Contains(o["content"].(string), "<li>dimanche 21 juin, de 10 h à 13 h (horaire modifié)</li>") {
			t.Fatalf("Update of the moved date (%d Updates): %v", n, u)
		}
		if err := ts.App.Events.SetException(ctx, admin.ID, org.ID, id, move); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("second identical move: %v, want ErrConflict", err)
		}

		// Restoring 13 June says so, and the date is no longer struck.
		xs, err = ts.Store.EventExceptions(ctx, id)
		if err != nil || len(xs) != 2 {
			t.Fatalf("exceptions: %v %v", xs, err)
		}
		if err := ts.App.Events.RemoveException(ctx, admin.ID, org.ID, id, xs[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := ts.App.Events.RemoveException(ctx, admin.ID, org.ID, id, xs[0].ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("second restore: %v, want ErrNotFound", err)
		}
		u, n = lastOutbox(t, ts, id, "Update")
		o = u["object"].(map[string]any)
		if n != 5 || o["startTime"] != "2026-06-13T07:00:00Z" ||
			o["summary"] != "Date rétablie — samedi 13 juin, de 9 h à 12 h. "+
				"Date déplacée — dimanche 21 juin, de 10 h à 13 h, au lieu du samedi 20 juin à 9 h. "+
				"Prochaine date : samedi 13 juin, de 9 h à 12 h — Place du Marché. Producteurs locaux." ||
			!strings.HasPrefix(o["content"].(string), "<p><strong>Date rétablie</strong> — samedi 13 juin, de 9 h à 12 h</p>") ||
			strings.Contains(o["content"].(string), "<del>") {
			t.Fatalf("Update of the restored date (%d Updates): %v", n, u)
		}
	})
}
