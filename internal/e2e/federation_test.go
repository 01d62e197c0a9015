package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/debate"
	"github.com/parvis/parvis/internal/app/events"
	"github.com/parvis/parvis/internal/app/fediverse"
	"github.com/parvis/parvis/internal/app/publishing"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/federation"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// waitFor polls cond until it holds or the time is up.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// inboxHas waits until the person's inbox on ts holds an activity of kind
// whose body contains every part, and returns that body.
func inboxHas(t *testing.T, ts *testserver.TS, accountID, kind string, parts ...string) string {
	t.Helper()
	var found string
	waitFor(t, kind+" in the inbox", func() bool {
		items, err := ts.Store.InboxOf(context.Background(), accountID)
		if err != nil {
			t.Fatal(err)
		}
	next:
		for _, it := range items {
			if it.Kind != kind {
				continue
			}
			for _, p := range parts {
				if !strings.Contains(it.Body, p) {
					continue next
				}
			}
			found = it.Body
			return true
		}
		return false
	})
	return found
}

func getAP(t *testing.T, rawURL, accept string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, rawURL, nil)
	req.Header.Set("Accept", accept)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// federatedPair is two instances that federate over loopback, with
// Bellerive and its administrator on the first.
func federatedPair(t *testing.T, engine store.Engine) (A, B *testserver.TS, org model.Organisation, admin model.Account) {
	t.Helper()
	A = testserver.Start(t, testserver.Options{Engine: engine, FederationInsecure: true})
	B = testserver.Start(t, testserver.Options{Engine: engine, FederationInsecure: true})
	return A, B, A.Org(t, "bellerive"), A.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
}

// TestFederationTwoInstances: an organisation of instance A is followed by a
// person of instance B; publications, replies, staff answers, edits,
// withdrawals and likes travel between them, signed, over loopback.
func TestFederationTwoInstances(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		A, B, org, admin := federatedPair(t, engine)
		travaux, err := A.App.Publishing.SaveTopic(ctx, admin.ID, org.ID, "", publishing.TagInput{Name: "Travaux", Slug: "travaux"})
		if err != nil {
			t.Fatal(err)
		}
		aHost := strings.TrimPrefix(A.URL, "http://")
		orgURI := A.URL + "/bellerive/"

		// Discovery: WebFinger, then the actor on content negotiation.
		st, _, body := getAP(t, A.URL+"/.well-known/webfinger?resource="+url.QueryEscape("acct:bellerive@"+aHost), "application/jrd+json")
		if st != 200 || !strings.Contains(string(body), `"href":"`+orgURI+`"`) {
			t.Fatalf("webfinger: %d %s", st, body)
		}
		st, _, body = getAP(t, A.URL+"/.well-known/webfinger?resource="+url.QueryEscape("acct:bellerive.travaux@"+aHost), "application/jrd+json")
		if st != 200 || !strings.Contains(string(body), A.URL+"/bellerive/themes/travaux") {
			t.Fatalf("topic webfinger: %d %s", st, body)
		}
		st, hd, body := getAP(t, orgURI, `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`)
		if st != 200 || !strings.HasPrefix(hd.Get("Content-Type"), "application/activity+json") || !strings.Contains(hd.Get("Vary"), "Accept") {
			t.Fatalf("actor: %d %v", st, hd)
		}
		var actor map[string]any
		if err := json.Unmarshal(body, &actor); err != nil || actor["type"] != "Organization" || actor["inbox"] != orgURI+"inbox" {
			t.Fatalf("actor document: %v %s", err, body)
		}
		// The same address still gives browsers HTML, and the page cache
		// does not mix them up in either order.
		for i := 0; i < 2; i++ {
			st, hd, _ = getAP(t, orgURI, "text/html")
			if st != 200 || !strings.HasPrefix(hd.Get("Content-Type"), "text/html") || !strings.Contains(hd.Get("Vary"), "Accept") {
				t.Fatalf("html home: %d %v", st, hd)
			}
			st, hd, _ = getAP(t, orgURI, federation.ContentType)
			if st != 200 || !strings.HasPrefix(hd.Get("Content-Type"), "application/activity+json") {
				t.Fatalf("actor after html: %d %v", st, hd)
			}
		}

		// B's person follows the organisation and its topic; A accepts.
		claire := B.Account(t, "claire@b.test")
		follow, err := B.App.Fediverse.PersonFollow(ctx, claire.ID, "bellerive@"+aHost)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := B.App.Fediverse.PersonFollow(ctx, claire.ID, A.URL+"/bellerive/themes/travaux"); err != nil {
			t.Fatal(err)
		}
		inboxHas(t, B, claire.ID, "Accept", follow)
		waitFor(t, "two followers on A", func() bool {
			n, err := A.Store.FollowerCounts(ctx, org.ID)
			return err == nil && n[""] == 1 && n[travaux.ID] == 1
		})
		_, _, body = getAP(t, orgURI+"followers", federation.ContentType)
		if !strings.Contains(string(body), `"totalItems":1`) || strings.Contains(string(body), "users/") {
			t.Fatalf("followers collection must give the count only: %s", body)
		}

		// A publishes; B receives the Create and the topic's Announce.
		res, err := A.App.Publishing.SavePublication(ctx, admin.ID, org.ID, model.PubInput{Kind: model.KindNews, Title: "Travaux rue des Écoles",
			Summary: "La rue sera fermée.", Body: "La rue des Écoles sera **fermée** du 3 au 7 juin.", TopicIDs: []string{travaux.ID}})
		if err != nil {
			t.Fatal(err)
		}
		pub, err := A.App.Publishing.Transition(ctx, admin.ID, org.ID, res.Publication.ID, publishing.TransitionInput{Action: publishing.ActPublish})
		if err != nil {
			t.Fatal(err)
		}
		pubURI := A.URL + "/bellerive/p/" + pub.Slug
		inboxHas(t, B, claire.ID, "Create", `"type":"Note"`, `"id":"`+pubURI+`"`, "#Travaux", "fermée")
		inboxHas(t, B, claire.ID, "Announce", `"object":"`+pubURI+`"`)

		// The object is served at its id, too.
		st, _, body = getAP(t, pubURI, federation.ContentType)
		if st != 200 || !strings.Contains(string(body), `"type":"Note"`) {
			t.Fatalf("object: %d %s", st, body)
		}

		// B's person replies: the reply is a comment under the publication.
		note, err := B.App.Fediverse.PersonPost(ctx, claire.ID, "Create", fediverse.PersonNote{To: orgURI, InReplyTo: pubURI,
			Text: "Merci pour l'information. Le marché du samedi est-il maintenu ?"})
		if err != nil {
			t.Fatal(err)
		}
		var remote model.Comment
		waitFor(t, "the reply as a comment on A", func() bool {
			c, err := A.Store.CommentByRemoteObject(ctx, note)
			remote = c
			return err == nil
		})
		if remote.Status != model.CommentPublished || remote.RemoteHandle == "" || remote.PublicationID != pub.ID {
			t.Fatalf("remote comment: %+v", remote)
		}
		page := A.Client(t).Get("/bellerive/p/" + pub.Slug + "/commentaires")
		mustContain(t, "thread", page.Body, "marché du samedi", "@"+remote.RemoteHandle, B.URL+"/users/"+claire.ID)

		// A's staff answers it: the answer reaches B, in reply to the note.
		ans, err := A.App.Debate.PostComment(ctx, debate.NewComment{Org: org, Publication: pub, Author: admin, ParentID: remote.ID,
			Body: "Oui, le marché est maintenu place de la Mairie.", As: "org"})
		if err != nil {
			t.Fatal(err)
		}
		inboxHas(t, B, claire.ID, "Create", `"inReplyTo":"`+note+`"`, `"type":"Mention"`, "maintenu place de la Mairie")
		st, _, body = getAP(t, A.URL+"/bellerive/commentaires/"+ans.Comment.ID, federation.ContentType)
		if st != 200 || !strings.Contains(string(body), note) {
			t.Fatalf("answer object: %d %s", st, body)
		}

		// The remote author edits, then deletes, their reply.
		if _, err := B.App.Fediverse.PersonPost(ctx, claire.ID, "Update", fediverse.PersonNote{To: orgURI, InReplyTo: pubURI, NoteID: note,
			Text: "Merci ! Le marché du samedi est-il maintenu malgré les travaux ?"}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the edit on A", func() bool {
			c, err := A.Store.CommentByRemoteObject(ctx, note)
			return err == nil && strings.Contains(c.Body, "malgré les travaux") && c.EditedAt != nil
		})

		// A like is counted and shown.
		if _, err := B.App.Fediverse.PersonReact(ctx, claire.ID, "Like", orgURI, pubURI); err != nil {
			t.Fatal(err)
		}
		if _, err := B.App.Fediverse.PersonReact(ctx, claire.ID, "Announce", orgURI, pubURI); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the like and boost on A", func() bool {
			r, err := A.Store.ReactionsOf(ctx, pub.ID)
			return err == nil && r.Likes == 1 && r.Boosts == 1
		})
		page = A.Client(t).Get("/bellerive/p/" + pub.Slug)
		mustContain(t, "publication page counts", page.Body, "1 « j&#39;aime » · 1 partages")

		// Under pre-moderation a reply waits in A's moderation queue.
		if err := A.App.Debate.SaveDebateSettings(ctx, admin, org.ID, model.ModePre, strings.Join(A.App.Debate.DefaultCharter(), "\n"), "3", true); err != nil {
			t.Fatal(err)
		}
		held, err := B.App.Fediverse.PersonPost(ctx, claire.ID, "Create", fediverse.PersonNote{To: orgURI, InReplyTo: pubURI,
			Text: "Et les horaires de la déchetterie changent-ils ?"})
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the held reply in the moderation queue", func() bool {
			items, err := A.Store.NeedsDecision(ctx, org.ID, 50)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if it.Comment.RemoteObject == held && it.Comment.Status == model.CommentHeld {
					return true
				}
			}
			return false
		})

		if _, err := B.App.Fediverse.PersonPost(ctx, claire.ID, "Delete", fediverse.PersonNote{To: orgURI, NoteID: note}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the deletion on A", func() bool {
			c, err := A.Store.CommentByRemoteObject(ctx, note)
			return err == nil && c.Status == model.CommentWithdrawn
		})

		// An edit of the publication sends an Update; withdrawing it, a Delete.
		in := publishing.PubInputOf(pub)
		in.Title = "Travaux rue des Écoles : dates changées"
		if _, err := A.App.Publishing.SavePublication(ctx, admin.ID, org.ID, in); err != nil {
			t.Fatal(err)
		}
		inboxHas(t, B, claire.ID, "Update", `"id":"`+pubURI+`"`, "dates changées")
		if _, err := A.App.Publishing.Transition(ctx, admin.ID, org.ID, pub.ID, publishing.TransitionInput{Action: publishing.ActUnpublish}); err != nil {
			t.Fatal(err)
		}
		inboxHas(t, B, claire.ID, "Delete", `"type":"Tombstone"`, pubURI)

		// An event goes out as an Event; postponing, putting it back on
		// and cancelling it each send an Update with its ical:status.
		evPub := publishEvent(t, A, admin.ID, org.ID, model.PubInput{Title: "Fête de la musique", Summary: "Concerts.",
			Body: "Concerts place de la République."}, events.EventInput{StartDate: "2026-06-21", StartTime: "18:00",
			EndDate: "2026-06-21", EndTime: "23:00", PlaceName: "Place de la République", Attendance: "in_person",
			Free: true, OrganiserKind: "org", JoinMode: "free"})
		evURI := A.URL + "/bellerive/p/" + evPub.Slug
		inboxHas(t, B, claire.ID, "Create", `"type":"Event"`, `"id":"`+evURI+`"`, `"ical:status":"CONFIRMED"`)
		steps := []struct {
			status      model.EventStatus
			note, ical  string
			contentHead string
		}{
			{model.EventPostponed, "Alerte orage.", "TENTATIVE", "<p><strong>Reporté</strong> — Alerte orage.</p>"},
			{model.EventScheduled, "", "CONFIRMED", "<p><strong>Fête de la musique</strong></p><p>"},
			{model.EventCancelled, "Annulée par arrêté préfectoral.", "CANCELLED", "<p><strong>Annulé</strong> — Annulée par arrêté préfectoral.</p>"},
		}
		for _, st := range steps {
			if err := A.App.Events.SetEventStatus(ctx, admin.ID, org.ID, evPub.ID, st.status, st.note); err != nil {
				t.Fatalf("%s: %v", st.status, err)
			}
			inboxHas(t, B, claire.ID, "Update", `"type":"Event"`, `"id":"`+evURI+`"`, `"ical:status":"`+st.ical+`"`,
				`"content":"`+st.contentHead)
		}
	})
}

// TestFederationOccurrenceChanges: a person of instance B follows an
// organisation of instance A; cancelling, moving and restoring one date of
// a published weekly event each reach B as a signed Update of the Event
// that names the date, and a repeated click sends nothing more.
func TestFederationOccurrenceChanges(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		A, B, org, admin := federatedPair(t, engine)
		claire := B.Account(t, "claire@b.test")
		follow, err := B.App.Fediverse.PersonFollow(ctx, claire.ID, "bellerive@"+strings.TrimPrefix(A.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		inboxHas(t, B, claire.ID, "Accept", follow)

		// A weekly series starting in a week, at 9:00 Paris (real time: the
		// signatures' Date must be current).
		first := time.Now().In(dates.Paris).AddDate(0, 0, 7)
		first = time.Date(first.Year(), first.Month(), first.Day(), 9, 0, 0, 0, dates.Paris)
		date := func(weeks int) time.Time { return first.AddDate(0, 0, 7*weeks) }
		pub := publishEvent(t, A, admin.ID, org.ID, model.PubInput{Title: "Marché du soir", Summary: "Producteurs locaux.",
			Body: "Fruits et légumes."}, weeklyMarket(first))
		evURI := A.URL + "/bellerive/p/" + pub.Slug
		inboxHas(t, B, claire.ID, "Create", `"type":"Event"`, `"id":"`+evURI+`"`)
		when := func(t time.Time, hours int) string {
			return dates.EventWhen("fr", t.UTC(), t.Add(time.Duration(hours)*time.Hour).UTC(), false, time.Now())
		}

		// Cancel the second date; the same click again sends nothing.
		cancel := events.ExceptionInput{OriginalStart: date(1).UTC(), Cancel: true, Note: "Brocante sur la place."}
		if err := A.App.Events.SetException(ctx, admin.ID, org.ID, pub.ID, cancel); err != nil {
			t.Fatal(err)
		}
		if err := A.App.Events.SetException(ctx, admin.ID, org.ID, pub.ID, cancel); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("repeated cancellation: %v, want ErrConflict", err)
		}
		inboxHas(t, B, claire.ID, "Update", `"type":"Event"`, `"id":"`+evURI+`"`,
			`"summary":"Date annulée — `+when(date(1), 3)+`. Brocante sur la place. Prochaine date : `, `Producteurs locaux."`,
			`<li><del>`+when(date(1), 3)+`</del> (annulée)</li>`)

		// Move the third date to the next day at 10:00.
		moved := date(2).AddDate(0, 0, 1).Add(time.Hour)
		move := events.ExceptionInput{OriginalStart: date(2).UTC(), StartDate: moved.Format(dates.LocalDate), StartTime: "10:00"}
		if err := A.App.Events.SetException(ctx, admin.ID, org.ID, pub.ID, move); err != nil {
			t.Fatal(err)
		}
		inboxHas(t, B, claire.ID, "Update", `"id":"`+evURI+`"`, `"summary":"Date déplacée — `+when(moved, 3)+`, au lieu du `,
			`<li>`+when(moved, 3)+` (horaire modifié)</li>`)

		// Restore the second date, twice.
		xs, err := A.Store.EventExceptions(ctx, pub.ID)
		if err != nil || len(xs) != 2 {
			t.Fatalf("exceptions: %v %v", xs, err)
		}
		if err := A.App.Events.RemoveException(ctx, admin.ID, org.ID, pub.ID, xs[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := A.App.Events.RemoveException(ctx, admin.ID, org.ID, pub.ID, xs[0].ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("repeated restore: %v, want ErrNotFound", err)
		}
		inboxHas(t, B, claire.ID, "Update", `"id":"`+evURI+`"`, `"summary":"Date rétablie — `+when(date(1), 3)+`.`)

		// Three changes, three Updates: queued once on A, received once on B.
		var queued int
		if err := A.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM fed_outbox WHERE publication_id=$1 AND kind='Update'`,
			pub.ID).Scan(&queued); err != nil || queued != 3 {
			t.Fatalf("%d Updates queued on A (%v), want 3", queued, err)
		}
		waitFor(t, "every delivery done on A", func() bool {
			var pending int
			err := A.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job WHERE kind IN ('fed_fanout','fed_deliver')
				AND state NOT IN ('completed','discarded','cancelled')`).Scan(&pending)
			return err == nil && pending == 0
		})
		items, err := B.Store.InboxOf(ctx, claire.ID)
		if err != nil {
			t.Fatal(err)
		}
		received := 0
		for _, it := range items {
			if it.Kind == "Update" && strings.Contains(it.Body, `"id":"`+evURI+`"`) {
				received++
			}
		}
		if received != 3 {
			t.Fatalf("B received %d Updates of the event, want 3", received)
		}
	})
}
