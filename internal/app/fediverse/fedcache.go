package fediverse

import (
	"crypto/rsa"
	"sync"
	"time"

	"github.com/parvis/parvis/internal/model"
)

// Process-local caches of the federation inbox. Every incoming activity is
// signed by a remote actor whose key we hold, and is checked against the
// operator's and the organisation's domain blocks: reading and parsing
// them from the database for each activity was most of the inbox's cost
// once the statements were prepared (docs/PERFORMANCE.md, "Federation").

// verifierTTL is how long a remote actor's key and profile are trusted
// from memory before being read again from the database, where another
// process may have refreshed them. A key that rotated meanwhile is caught
// sooner: a failed signature refetches it (web.verifySignature).
const verifierTTL = 5 * time.Minute

// maxVerifiers bounds the key cache; past it, the cache starts over.
const maxVerifiers = 10000

type verifier struct {
	actor model.RemoteActor
	key   *rsa.PublicKey
	at    time.Time
}

// verifierCache maps a keyId to its actor and parsed public key.
type verifierCache struct {
	mu sync.RWMutex
	m  map[string]verifier
}

func (c *verifierCache) get(keyID string) (model.RemoteActor, *rsa.PublicKey, bool) {
	c.mu.RLock()
	v, ok := c.m[keyID]
	c.mu.RUnlock()
	if !ok || time.Since(v.at) > verifierTTL {
		return model.RemoteActor{}, nil, false
	}
	return v.actor, v.key, true
}

func (c *verifierCache) put(keyID string, ra model.RemoteActor, key *rsa.PublicKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxVerifiers {
		c.m = map[string]verifier{}
	}
	c.m[keyID] = verifier{actor: ra, key: key, at: time.Now()}
}

// forget drops the keys of an actor that was refetched or deleted.
func (c *verifierCache) forget(actorURI string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, v := range c.m {
		if v.actor.URI == actorURI {
			delete(c.m, k)
		}
	}
}

// blocksTTL is how long a list of blocked domains is used from memory. A
// block made in this process applies at once (BlockDomain forgets the
// list); one made by another process, or a row added by hand for the
// operator, within blocksTTL.
const blocksTTL = 10 * time.Second

type blockList struct {
	domains []string
	at      time.Time
}

// blocksCache maps an organisation id ("" for the operator's rows) to the
// domains it blocks, as stored.
type blocksCache struct {
	mu sync.RWMutex
	m  map[string]blockList
}

func (c *blocksCache) get(orgID string) ([]string, bool) {
	c.mu.RLock()
	b, ok := c.m[orgID]
	c.mu.RUnlock()
	if !ok || time.Since(b.at) > blocksTTL {
		return nil, false
	}
	return b.domains, true
}

func (c *blocksCache) put(orgID string, domains []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]blockList{}
	}
	c.m[orgID] = blockList{domains: domains, at: time.Now()}
}

// forget drops every list: an operator block changes all of them.
func (c *blocksCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = nil
}
