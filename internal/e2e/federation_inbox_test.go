package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/federation"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// remotePerson is a person of instance B whose key signs what the test
// posts to A by hand.
type remotePerson struct {
	URI    string
	Signer federation.Signer
}

func newRemotePerson(t *testing.T, B *testserver.TS, email string) remotePerson {
	t.Helper()
	acct := B.Account(t, email)
	act, err := B.App.Fediverse.LocalActor(context.Background(), model.ActorPerson, acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	k, err := federation.ParsePrivateKey(act.PrivateKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	uri := B.App.Fediverse.PersonActorURI(acct.ID)
	return remotePerson{URI: uri, Signer: federation.Signer{KeyID: uri + "#main-key", Key: k}}
}

// post sends body to inbox, signed by p at date (zero: now) unless unsigned.
func (p remotePerson) post(t *testing.T, inbox string, body []byte, date time.Time, mutate func(*http.Request)) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(body))
	req.Header.Set("Content-Type", federation.ContentType)
	if date.IsZero() {
		date = time.Now()
	}
	if p.Signer.Key != nil {
		if err := federation.Sign(req, body, p.Signer.KeyID, p.Signer.Key, date); err != nil {
			t.Fatal(err)
		}
	}
	if mutate != nil {
		mutate(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestFederationInboxBadInput: what the inbox refuses or ignores, never
// with a crash or a partial write.
func TestFederationInboxBadInput(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		A := testserver.Start(t, testserver.Options{Engine: engine, FederationInsecure: true, FollowsPerHost: 3})
		B := testserver.Start(t, testserver.Options{Engine: engine, FederationInsecure: true})
		org := A.Org(t, "bellerive")
		pub := publish(t, A, org, "fete", "Fête de la musique")
		pubURI := A.URL + "/bellerive/p/fete"
		inbox := A.URL + "/inbox"
		claire := newRemotePerson(t, B, "claire@b.test")
		like := func(id string) []byte {
			return []byte(fmt.Sprintf(`{"id":%q,"type":"Like","actor":%q,"object":%q}`, id, claire.URI, pubURI))
		}
		likes := func() int {
			r, err := A.Store.ReactionsOf(ctx, pub.ID)
			if err != nil {
				t.Fatal(err)
			}
			return r.Likes
		}

		if st := (remotePerson{URI: claire.URI}).post(t, inbox, like(claire.URI+"#l0"), time.Time{}, nil); st != 401 {
			t.Errorf("unsigned: %d, want 401", st)
		}
		if st := claire.post(t, inbox, []byte(`{"id": "x", "type": `), time.Time{}, nil); st != 400 {
			t.Errorf("malformed JSON: %d, want 400", st)
		}
		if st := claire.post(t, inbox, bytes.Repeat([]byte("a"), 2<<20), time.Time{}, nil); st != 413 {
			t.Errorf("2 MiB body: %d, want 413", st)
		}
		if st := claire.post(t, inbox, like(claire.URI+"#l1"), time.Time{}, func(r *http.Request) {
			r.Header.Set("Digest", federation.Digest([]byte("something else")))
		}); st != 401 {
			t.Errorf("wrong digest: %d, want 401", st)
		}
		if st := claire.post(t, inbox, like(claire.URI+"#l2"), time.Now().Add(-2*time.Hour), nil); st != 401 {
			t.Errorf("date two hours old: %d, want 401", st)
		}
		other := newRemotePerson(t, B, "bernard@b.test")
		forged := []byte(fmt.Sprintf(`{"id":%q,"type":"Like","actor":%q,"object":%q}`, claire.URI+"#l3", claire.URI, pubURI))
		if st := other.post(t, inbox, forged, time.Time{}, nil); st != 401 {
			t.Errorf("signed by another actor: %d, want 401", st)
		}
		gone := remotePerson{URI: B.URL + "/users/nobody", Signer: federation.Signer{KeyID: B.URL + "/users/nobody#main-key", Key: claire.Signer.Key}}
		if st := gone.post(t, inbox, []byte(fmt.Sprintf(`{"id":%q,"type":"Like","actor":%q,"object":%q}`,
			gone.URI+"#l", gone.URI, pubURI)), time.Time{}, nil); st != 401 {
			t.Errorf("key that cannot be fetched: %d, want 401", st)
		}
		if n := likes(); n != 0 {
			t.Fatalf("refused activities left %d likes", n)
		}

		// Valid, then replayed: counted once.
		for i := 0; i < 2; i++ {
			if st := claire.post(t, inbox, like(claire.URI+"#l4"), time.Time{}, nil); st != 202 {
				t.Fatalf("like #%d: %d, want 202", i, st)
			}
		}
		if n := likes(); n != 1 {
			t.Fatalf("likes after a replay = %d, want 1", n)
		}

		// About objects we do not have, and a loop of inReplyTo: accepted,
		// nothing written.
		if st := claire.post(t, inbox, []byte(fmt.Sprintf(`{"id":%q,"type":"Like","actor":%q,"object":%q}`,
			claire.URI+"#l5", claire.URI, A.URL+"/bellerive/p/nope")), time.Time{}, nil); st != 202 {
			t.Errorf("like of an unknown object: %d, want 202", st)
		}
		loop := claire.URI + "/notes/loop"
		if st := claire.post(t, inbox, []byte(fmt.Sprintf(`{"id":%q,"type":"Create","actor":%q,"object":{"id":%q,"type":"Note",
			"attributedTo":%q,"inReplyTo":%q,"content":"boucle"}}`, loop+"#c", claire.URI, loop, claire.URI, loop)), time.Time{}, nil); st != 202 {
			t.Errorf("reply to itself: %d, want 202", st)
		}
		// A reply attributed to someone else than the signer is refused.
		if st := claire.post(t, inbox, []byte(fmt.Sprintf(`{"id":%q,"type":"Create","actor":%q,"object":{"id":%q,"type":"Note",
			"attributedTo":%q,"inReplyTo":%q,"content":"usurpation"}}`, claire.URI+"/notes/x#c", claire.URI, claire.URI+"/notes/x",
			other.URI, pubURI)), time.Time{}, nil); st != 400 {
			t.Errorf("reply attributed to another: %d, want 400", st)
		}
		thread, err := A.Store.ThreadComments(ctx, pub.ID)
		if err != nil || len(thread) != 0 {
			t.Fatalf("comments written by refused or ignored input: %d %v", len(thread), err)
		}

		// A flood of follows from one host: the fourth within a minute is refused.
		for i := 0; i < 4; i++ {
			p := newRemotePerson(t, B, fmt.Sprintf("f%d@b.test", i))
			st := p.post(t, A.URL+"/bellerive/inbox", []byte(fmt.Sprintf(`{"id":%q,"type":"Follow","actor":%q,"object":%q}`,
				p.URI+"#f", p.URI, A.URL+"/bellerive/")), time.Time{}, nil)
			want := 202
			if i == 3 {
				want = 429
			}
			if st != want {
				t.Fatalf("follow #%d: %d, want %d", i, st, want)
			}
		}

		// A banned remote account's replies are dropped.
		admin := A.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
		if err := A.App.Fediverse.SanctionRemoteAccount(ctx, admin, org, claire.URI, "ban"); err != nil {
			t.Fatal(err)
		}
		note := claire.URI + "/notes/banned"
		if st := claire.post(t, inbox, []byte(fmt.Sprintf(`{"id":%q,"type":"Create","actor":%q,"object":{"id":%q,"type":"Note",
			"attributedTo":%q,"inReplyTo":%q,"content":"<p>encore moi</p>"}}`, note+"#c", claire.URI, note, claire.URI, pubURI)), time.Time{}, nil); st != 202 {
			t.Errorf("banned reply: %d, want 202", st)
		}
		if _, err := A.Store.CommentByRemoteObject(ctx, note); err == nil {
			t.Fatal("a banned account's reply became a comment")
		}
		// Another organisation's staff cannot see or change this one's page.
		A.Staff(t, "admin@autre.test", "autre-ville", model.RoleAdmin)
		c := A.Client(t)
		A.LoginAs(t, c, "admin@autre.test")
		mustStatus(t, "other org's federation page", c.Get("/admin/bellerive/federation"), 403)
		mustStatus(t, "other org's block", c.Post("/admin/bellerive/federation/blocks", form("domain", "spam.example")), 403)
		A.LoginAs(t, c, "admin@bellerive.test")
		page := c.Get("/admin/bellerive/federation")
		mustStatus(t, "federation page", page, 200)
		mustContain(t, "federation page", page.Body, "@bellerive@"+strings.TrimPrefix(A.URL, "http://"), "— banni")
		r := c.Post("/admin/bellerive/federation/blocks", form("domain", "pas un domaine"))
		mustStatus(t, "bad domain", r, 422)
		mustContain(t, "bad domain", r.Body, `aria-invalid="true"`, "pas un domaine")
		mustStatus(t, "block", c.Post("/admin/bellerive/federation/blocks", form("domain", "spam.example")), 303)
		blocks, _ := A.Store.DomainBlocks(ctx, org.ID)
		if len(blocks) != 1 || blocks[0].Domain != "spam.example" {
			t.Fatalf("blocks = %+v", blocks)
		}
		_ = core.NewID
	})
}
