package e2e

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestFederationReplyFloodPerHost: twelve accounts of one server reply at
// the same moment; only the host's quota is taken (five here), the others
// get 429 and write nothing. The per-account cap alone let all of them in
// (a server can make accounts at will). Counting happens in the writing
// transaction after the host's lock, so parallel requests cannot slip
// past the cap, on either engine.
func TestFederationReplyFloodPerHost(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		const quota, accounts = 5, 12
		A := testserver.Start(t, testserver.Options{Engine: engine, FederationInsecure: true, RepliesPerHost: quota})
		org := A.Org(t, "bellerive")
		pub := publish(t, A, org, "travaux", "Travaux rue des Écoles")
		pubURI := A.URL + "/bellerive/p/travaux"
		peer := newPeer(t)
		keys := map[string]peerKey{}
		for i := range accounts {
			name := fmt.Sprintf("u%d", i)
			keys[name] = newPeerKey(t)
			peer.serve("/users/"+name, fmt.Sprintf(mastodonActor, name), keys)
		}

		statuses := make(chan int, accounts)
		var wg sync.WaitGroup
		for i := range accounts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				name := fmt.Sprintf("u%d", i)
				actor := peer.URL + "/users/" + name
				note := actor + "/statuses/1"
				body := []byte(fmt.Sprintf(`{"@context":"https://www.w3.org/ns/activitystreams","id":%q,"type":"Create","actor":%q,
					"to":["https://www.w3.org/ns/activitystreams#Public"],"object":{"id":%q,"type":"Note","attributedTo":%q,
					"inReplyTo":%q,"content":"<p>Merci pour l'information, les travaux durent combien de temps ?</p>",
					"to":["https://www.w3.org/ns/activitystreams#Public"]}}`, note+"/activity", actor, note, actor, pubURI))
				statuses <- signedPost(t, A.URL+"/inbox", actor+"#main-key", keys[name].priv, body)
			}()
		}
		wg.Wait()
		close(statuses)
		got := map[int]int{}
		for st := range statuses {
			got[st]++
		}
		var n int
		if err := A.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM comments WHERE publication_id=$1`, pub.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if got[202] != quota || got[429] != accounts-quota || n != quota {
			t.Fatalf("answers %v and %d comments; want %d×202, %d×429 and %d comments", got, n, quota, accounts-quota, quota)
		}
	})
}
