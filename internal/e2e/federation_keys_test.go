package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// gtsActor is a GoToSocial actor as its AccountToAS test expects it
// (superseriousbusiness/gotosocial, internal/typeutils/internaltoas_test.go
// at 57cb4fe7482962aa8e5a05874a343474d5a453e7): the key lives at
// …/main-key, without a fragment.
const gtsActor = `{
  "@context": ["https://gotosocial.org/ns", "https://w3id.org/security/v1", "https://www.w3.org/ns/activitystreams"],
  "discoverable": true,
  "followers": "{{peer}}/users/%[1]s/followers",
  "following": "{{peer}}/users/%[1]s/following",
  "id": "{{peer}}/users/%[1]s",
  "inbox": "{{peer}}/users/%[1]s/inbox",
  "manuallyApprovesFollowers": false,
  "name": "Bernard Rivière",
  "outbox": "{{peer}}/users/%[1]s/outbox",
  "preferredUsername": "%[1]s",
  "publicKey": {
    "id": "{{peer}}/users/%[1]s/main-key",
    "owner": "{{peer}}/users/%[1]s",
    "publicKeyPem": "{{pem:%[1]s}}"
  },
  "published": "2022-05-20T11:09:18Z",
  "summary": "<p>Riverain</p>",
  "tag": [],
  "type": "Person",
  "url": "{{peer}}/@%[1]s"
}`

// gtsKeyStub is what GoToSocial serves at …/users/NAME/main-key: "a partial
// stub of the actor" (docs/federation/http_signatures.md, "Quirks", same
// commit): id, type, preferredUsername and publicKey, no inbox.
const gtsKeyStub = `{
  "@context": ["https://w3id.org/security/v1", "https://www.w3.org/ns/activitystreams"],
  "id": "{{peer}}/users/%[1]s",
  "preferredUsername": "%[1]s",
  "publicKey": {
    "id": "{{peer}}/users/%[1]s/main-key",
    "owner": "{{peer}}/users/%[2]s",
    "publicKeyPem": "{{pem:%[3]s}}"
  },
  "type": "Person"
}`

// mastodonActor is the Mastodon shape: the key is a fragment of the actor.
const mastodonActor = `{
  "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
  "id": "{{peer}}/users/%[1]s",
  "type": "Person",
  "preferredUsername": "%[1]s",
  "name": "Claire",
  "inbox": "{{peer}}/users/%[1]s/inbox",
  "outbox": "{{peer}}/users/%[1]s/outbox",
  "endpoints": {"sharedInbox": "{{peer}}/inbox"},
  "publicKey": {"id": "{{peer}}/users/%[1]s#main-key", "owner": "{{peer}}/users/%[1]s", "publicKeyPem": "{{pem:%[1]s}}"}
}`

// TestFederationKeyDocuments: a signature's keyId may name the actor
// itself, a fragment of it (Mastodon), GoToSocial's stub at …/main-key, or
// a bare key object; the last two are only believed when the owner they
// name lists that very key. Each case is a Like posted to the shared inbox
// and counted (or not) through the real inbound path.
func TestFederationKeyDocuments(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		A := testserver.Start(t, testserver.Options{Engine: engine, FederationInsecure: true})
		org := A.Org(t, "bellerive")
		pub := publish(t, A, org, "fete", "Fête de la musique")
		pubURI := A.URL + "/bellerive/p/fete"
		peer := newPeer(t)
		keys := map[string]peerKey{}
		for _, n := range []string{"bernard", "claire", "dora", "emile", "mallory", "zoe"} {
			keys[n] = newPeerKey(t)
		}
		serve := func(path, doc string, args ...any) { peer.serve(path, fmt.Sprintf(doc, args...), keys) }
		// GoToSocial: full actor and stub.
		serve("/users/bernard", gtsActor, "bernard")
		serve("/users/bernard/main-key", gtsKeyStub, "bernard", "bernard", "bernard")
		// Mastodon: the key is part of the actor.
		serve("/users/claire", mastodonActor, "claire")
		// A bare key object (CryptographicKey) whose owner lists it.
		serve("/keys/dora", `{"@context":"https://w3id.org/security/v1","id":"{{peer}}/keys/dora","type":"CryptographicKey",
			"owner":"{{peer}}/users/dora","publicKeyPem":"{{pem:dora}}"}`)
		serve("/users/dora", `{"id":"{{peer}}/users/dora","type":"Person","preferredUsername":"dora","inbox":"{{peer}}/users/dora/inbox",
			"publicKey":[{"id":"{{peer}}/keys/old","owner":"{{peer}}/users/dora","publicKeyPem":"{{pem:zoe}}"},
			{"id":"{{peer}}/keys/dora","owner":"{{peer}}/users/dora","publicKeyPem":"{{pem:dora}}"}]}`)
		// The keyId is the actor's own id, no fragment.
		serve("/users/emile", `{"id":"{{peer}}/users/emile","type":"Service","preferredUsername":"emile","inbox":"{{peer}}/users/emile/inbox",
			"publicKey":{"id":"{{peer}}/users/emile#main-key","owner":"{{peer}}/users/emile","publicKeyPem":"{{pem:emile}}"}}`)
		// Mallory publishes a stub claiming Bernard owns her key: Bernard
		// does not list it.
		serve("/users/mallory/main-key", gtsKeyStub, "mallory", "bernard", "mallory")
		// Zoé's stub names her key, but her actor lists another PEM under
		// that id.
		serve("/users/zoe/main-key", gtsKeyStub, "zoe", "zoe", "zoe")
		serve("/users/zoe", strings.Replace(gtsActor, "{{pem:%[1]s}}", "{{pem:dora}}", 1), "zoe")
		// A key stub whose owner is on another host.
		serve("/users/far/main-key", strings.Replace(gtsKeyStub, `"owner": "{{peer}}/users/%[2]s"`, `"owner": "https://elsewhere.example/users/%[2]s"`, 1),
			"far", "far", "zoe")

		likes := func() int {
			r, err := A.Store.ReactionsOf(ctx, pub.ID)
			if err != nil {
				t.Fatal(err)
			}
			return r.Likes
		}
		for i, c := range []struct {
			name, actor, keyID, key string
			want                    int
		}{
			{"GoToSocial key stub, owner fetched", "/users/bernard", "/users/bernard/main-key", "bernard", 202},
			{"Mastodon fragment", "/users/claire", "/users/claire#main-key", "claire", 202},
			{"bare key, owner lists it among two", "/users/dora", "/keys/dora", "dora", 202},
			{"the actor itself", "/users/emile", "/users/emile", "emile", 202},
			{"stub naming an owner that does not list the key", "/users/bernard", "/users/mallory/main-key", "mallory", 401},
			{"owner lists the key id with another key", "/users/zoe", "/users/zoe/main-key", "zoe", 401},
			{"owner on another host", "/users/far", "/users/far/main-key", "zoe", 401},
		} {
			before := likes()
			actor := peer.URL + c.actor
			body := []byte(fmt.Sprintf(`{"@context":"https://www.w3.org/ns/activitystreams","id":"%s/likes/%d","type":"Like","actor":%q,"object":%q}`,
				peer.URL, i, actor, pubURI))
			if st := signedPost(t, A.URL+"/inbox", peer.URL+c.keyID, keys[c.key].priv, body); st != c.want {
				t.Errorf("%s: %d, want %d", c.name, st, c.want)
			}
			if want := before + map[bool]int{true: 1}[c.want == 202]; likes() != want {
				t.Errorf("%s: %d likes, want %d", c.name, likes(), want)
			}
		}
		// The key stub's actor is recorded with its inbox and handle, and
		// its key found again without a fetch: remove the documents and
		// Bernard still signs.
		ra, err := A.Store.RemoteActorByKeyID(ctx, peer.URL+"/users/bernard/main-key")
		if err != nil || ra.URI != peer.URL+"/users/bernard" || ra.Inbox != peer.URL+"/users/bernard/inbox" ||
			ra.Handle != "bernard@"+strings.TrimPrefix(peer.URL, "http://") || ra.Name != "Bernard Rivière" {
			t.Fatalf("stored actor: %+v %v", ra, err)
		}
		peer.mu.Lock()
		peer.docs = map[string][]byte{}
		peer.mu.Unlock()

		// GoToSocial follows: its Follow is accepted and the Accept is
		// delivered to its inbox.
		follow := []byte(fmt.Sprintf(`{"@context":"https://www.w3.org/ns/activitystreams","actor":%q,"id":"%s/users/bernard/follow/01J","object":%q,"type":"Follow"}`,
			peer.URL+"/users/bernard", peer.URL, A.URL+"/bellerive/"))
		if st := signedPost(t, A.URL+"/bellerive/inbox", peer.URL+"/users/bernard/main-key", keys["bernard"].priv, follow); st != 202 {
			t.Fatalf("GoToSocial follow: %d", st)
		}
		var accept map[string]any
		if err := json.Unmarshal(peer.nextPost(t, "the Accept"), &accept); err != nil || accept["type"] != "Accept" {
			t.Fatalf("accept: %v %v", accept, err)
		}
		if n, err := A.Store.FollowerCounts(ctx, org.ID); err != nil || n[""] != 1 {
			t.Fatalf("followers: %v %v", n, err)
		}
	})
}
