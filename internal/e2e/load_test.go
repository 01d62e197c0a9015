package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/mailing"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// loadSize is how big TestBusySaturday is. The figures (200
// residents and 60 Fediverse actors commenting on one publication while
// 1,000 residents register for 500 places and a newsletter goes out) run
// with PARVIS_LOAD=full; the default run is a quarter of that (a tenth under
// the race detector), so that the
// package's tests stay affordable on a shared two-core machine (the
// properties checked do not depend on the size; the figures in
// docs/PERFORMANCE.md come from the full size).
type loadSize struct {
	commenters, actors, registrants, places, subscribers int
}

func busySaturdaySize() loadSize {
	if os.Getenv("PARVIS_LOAD") == "full" {
		return loadSize{commenters: 200, actors: 60, registrants: 1000, places: 500, subscribers: 2000}
	}
	if raceDetector {
		// Five to ten times slower per request: the same burst would
		// outlast the server's request deadline on SQLite's one writer.
		// A tenth of the size still checks every property.
		return loadSize{commenters: 20, actors: 6, registrants: 100, places: 50, subscribers: 200}
	}
	return loadSize{commenters: 50, actors: 15, registrants: 250, places: 125, subscribers: 500}
}

// latencies collects request durations by kind.
type latencies struct {
	mu  sync.Mutex
	by  map[string][]time.Duration
	bad map[string][]string // 5xx or transport errors, by kind
}

func (l *latencies) add(kind string, d time.Duration, status int, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.by[kind] = append(l.by[kind], d)
	switch {
	case err != nil:
		l.bad[kind] = append(l.bad[kind], err.Error())
	case status >= 500:
		l.bad[kind] = append(l.bad[kind], "status "+strconv.Itoa(status))
	}
}

func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

// TestBusySaturday: residents and Fediverse actors comment on one
// publication at once, while residents register for an event with half as
// many places and a newsletter goes out. Zero 5xx, /healthz answering 200
// throughout (sampled every 100 ms), exactly `places` confirmed, every
// comment stored once and the newsletter sent to everyone. Both engines.
func TestBusySaturday(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	size := busySaturdaySize()
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		// The actors all live on B here; the per-host reply cap (30 in 10
		// minutes, tested by the federation tests) is raised to their
		// number, as if they came from several instances.
		A := testserver.Start(t, testserver.Options{Engine: engine, FederationInsecure: true, RepliesPerHost: size.actors})
		// B only serves the remote actors' keys; SQLite is enough.
		B := testserver.Start(t, testserver.Options{FederationInsecure: true})
		A.Clock.Set(eventStart)
		org := A.Org(t, "bellerive")
		pub := publish(t, A, org, "budget", "Budget participatif 2027")
		com := A.Staff(t, "com@bellerive.test", "bellerive", model.RoleManager)
		staff := A.Client(t)
		A.LoginAs(t, staff, "com@bellerive.test")
		eventID := createEvent(t, A, staff, "bellerive", "Concert du 14 juillet", "join_mode", "restricted",
			"capacity", strconv.Itoa(size.places))

		// Residents, signed in; the first ones also comment.
		residents := make([]*testserver.Client, size.registrants)
		for i := range residents {
			residents[i] = A.Client(t)
			residents[i].HTTP.Timeout = 2 * time.Minute
			A.LoginAs(t, residents[i], fmt.Sprintf("habitant%d@exemple.fr", i))
		}
		actors := make([]remotePerson, size.actors)
		for i := range actors {
			actors[i] = newRemotePerson(t, B, fmt.Sprintf("voisin%d@b.test", i))
		}
		// The newsletter, queued to go out as the rush starts.
		if err := SeedSubscribers(ctx, A.Store, org.ID, size.subscribers); err != nil {
			t.Fatal(err)
		}
		if err := A.Store.PutMailSettings(ctx, model.MailSettings{OrgID: org.ID, DigestHour: 7, WeeklyDay: 1,
			RatePerSecond: 1000, UpdatedAt: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
		nl, err := A.App.Mailing.SaveNewsletter(ctx, com.ID, org.ID, "", mailing.NewsletterInput{Subject: "La lettre de Bellerive — juillet",
			BodyMD: "Bonjour,\n\nLe concert du 14 juillet affiche complet : inscrivez-vous vite."})
		if err != nil {
			t.Fatal(err)
		}

		lat := &latencies{by: map[string][]time.Duration{}, bad: map[string][]string{}}
		statuses := map[string]map[int]int{"comment": {}, "register": {}, "inbox": {}}
		var smu sync.Mutex
		count := func(kind string, st int) {
			smu.Lock()
			statuses[kind][st]++
			smu.Unlock()
		}
		pubURI := A.URL + "/bellerive/p/budget"
		start := make(chan struct{})
		var wg sync.WaitGroup
		timed := func(kind string, do func() (int, error)) {
			began := time.Now()
			st, err := do()
			lat.add(kind, time.Since(began), st, err)
			if err == nil {
				count(kind, st)
			}
		}
		post := func(c *testserver.Client, path string, form url.Values) (int, error) {
			req, _ := http.NewRequest(http.MethodPost, A.URL+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := c.HTTP.Do(req)
			if err != nil {
				return 0, err
			}
			resp.Body.Close()
			return resp.StatusCode, nil
		}
		for i := range size.commenters {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				timed("comment", func() (int, error) {
					return post(residents[i], "/bellerive/p/budget/commentaires", url.Values{"idem": {core.NewID()},
						"body": {fmt.Sprintf("Proposition %d : un banc et un arbre de plus rue de la Loire.", i)}})
				})
			}()
		}
		for i, p := range actors {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				note := fmt.Sprintf("%s/notes/budget-%d", p.URI, i)
				body := fmt.Sprintf(`{"id":%q,"type":"Create","actor":%q,"object":{"id":%q,"type":"Note","attributedTo":%q,"inReplyTo":%q,"content":"<p>Proposition du voisin %d : une piste cyclable.</p>"}}`,
					note+"#c", p.URI, note, p.URI, pubURI, i)
				timed("inbox", func() (int, error) { return p.post(t, A.URL+"/inbox", []byte(body), A.App.Now(), nil), nil })
			}()
		}
		for i := range size.registrants {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				timed("register", func() (int, error) {
					return post(residents[i], "/bellerive/p/concert-du-14-juillet/inscription", url.Values{"waitlist": {"1"}})
				})
			}()
		}
		health := sampleHealth(t, A)
		began := time.Now()
		close(start)
		audience, err := A.App.Mailing.NewsletterAudience(ctx, nl)
		if err != nil {
			t.Fatal(err)
		}
		if err := A.App.Mailing.SendNewsletter(ctx, com.ID, org, nl.ID, nil, audience); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		elapsed := time.Since(began)
		nl, err = A.Store.NewsletterByID(ctx, org.ID, nl.ID)
		if err != nil {
			t.Fatal(err)
		}
		waitForLong(t, "the newsletter sent to everyone", func() bool {
			m, err := A.Store.MailingByID(ctx, "", nl.MailingID)
			return err == nil && m.State == model.MailingDone
		})
		health.Stop(t)

		for kind, bad := range lat.bad {
			if len(bad) > 0 {
				t.Errorf("%s: %d failures (5xx or no answer), first: %s", kind, len(bad), bad[0])
			}
		}
		if got := statuses["comment"][303]; got != size.commenters {
			t.Errorf("comments: answers %v, want %d × 303", statuses["comment"], size.commenters)
		}
		if got := statuses["inbox"][202]; got != size.actors {
			t.Errorf("Fediverse replies: answers %v, want %d × 202", statuses["inbox"], size.actors)
		}
		if got := statuses["register"][303]; got != size.registrants {
			t.Errorf("registrations: answers %v, want %d × 303", statuses["register"], size.registrants)
		}
		var comments int
		if err := A.Store.DB().QueryRow(`SELECT COUNT(*) FROM comments WHERE publication_id = $1`, pub.ID).Scan(&comments); err != nil {
			t.Fatal(err)
		}
		if comments != size.commenters+size.actors {
			t.Errorf("%d comments stored, want %d", comments, size.commenters+size.actors)
		}
		counts, err := A.Store.RegistrationCounts(ctx, eventID)
		if err != nil {
			t.Fatal(err)
		}
		if counts[model.RegConfirmed] != size.places || counts[model.RegWaiting] != size.registrants-size.places {
			t.Errorf("confirmed %d, waiting %d; want %d and %d", counts[model.RegConfirmed], counts[model.RegWaiting],
				size.places, size.registrants-size.places)
		}
		m, err := A.Store.MailingByID(ctx, "", nl.MailingID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Sent != size.subscribers {
			t.Errorf("newsletter sent to %d, want %d", m.Sent, size.subscribers)
		}
		for _, kind := range []string{"comment", "inbox", "register"} {
			ds := lat.by[kind]
			t.Logf("%s: %s × %d: p50 %s, p99 %s, max %s", engine, kind, len(ds), quantile(ds, 0.5).Round(time.Millisecond),
				quantile(ds, 0.99).Round(time.Millisecond), quantile(ds, 1).Round(time.Millisecond))
		}
		t.Logf("%s: everything answered in %s; /healthz sampled %d times", engine, elapsed.Round(time.Millisecond), health.samples)
	})
}

// waitForLong polls cond for up to two minutes (a newsletter behind a rush).
func waitForLong(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}
