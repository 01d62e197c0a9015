package e2e

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/federation"
)

// fedPeer stands for another server on loopback (GoToSocial, Mastodon…):
// it serves the documents a test gives it, shaped as that server serves
// them, and records what Parvis posts to it. It checks nothing itself: it
// is the far side of Parvis's real inbound and outbound paths.
type fedPeer struct {
	*httptest.Server
	mu     sync.Mutex
	docs   map[string][]byte
	posted chan []byte
}

func newPeer(t *testing.T) *fedPeer {
	t.Helper()
	p := &fedPeer{docs: map[string][]byte{}, posted: make(chan []byte, 64)}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			b, _ := io.ReadAll(r.Body)
			select {
			case p.posted <- b:
			default:
			}
			w.WriteHeader(http.StatusAccepted)
			return
		}
		p.mu.Lock()
		doc, ok := p.docs[r.URL.Path]
		p.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", federation.ContentType)
		_, _ = w.Write(doc)
	}))
	t.Cleanup(p.Close)
	return p
}

// serve publishes doc at path. In doc, "{{peer}}" stands for the peer's
// origin (the fixtures' own host) and each "{{pem:NAME}}" for the JSON
// string of the public key keys[NAME].
func (p *fedPeer) serve(path, doc string, keys map[string]peerKey) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.docs[path] = []byte(p.expand(doc, keys))
}

func (p *fedPeer) expand(doc string, keys map[string]peerKey) string {
	doc = strings.ReplaceAll(doc, "{{peer}}", p.URL)
	for name, k := range keys {
		pem, _ := json.Marshal(k.pub)
		doc = strings.ReplaceAll(doc, `"{{pem:`+name+`}}"`, string(pem))
	}
	return doc
}

// peerKey is a key pair of a peer's actor.
type peerKey struct {
	priv *rsa.PrivateKey
	pub  string
}

func newPeerKey(t *testing.T) peerKey {
	t.Helper()
	privPEM, pubPEM, err := federation.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	k, err := federation.ParsePrivateKey(privPEM)
	if err != nil {
		t.Fatal(err)
	}
	return peerKey{priv: k, pub: pubPEM}
}

// signedPost posts body to inbox signed with key as keyID, the way
// Mastodon and GoToSocial do ((request-target) host date digest), and
// returns the status.
func signedPost(t *testing.T, inbox, keyID string, key *rsa.PrivateKey, body []byte) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(body))
	req.Header.Set("Content-Type", federation.ContentType)
	if err := federation.Sign(req, body, keyID, key, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// nextPost waits for the next activity Parvis posts to the peer.
func (p *fedPeer) nextPost(t *testing.T, what string) []byte {
	t.Helper()
	select {
	case b := <-p.posted:
		return b
	case <-time.After(20 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		return nil
	}
}
