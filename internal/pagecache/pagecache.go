// Package pagecache keeps rendered public pages in memory, least recently
// used first out, within a byte budget. Entries are keyed by the
// organisation's page generation (a counter the database bumps on every
// public change), so a change makes the old entries unreachable at once:
// nothing has to be found and deleted, the LRU drops them as new pages come.
package pagecache

import (
	"container/list"
	"sync"
	"sync/atomic"
	"time"
)

// Key identifies one rendered variant of a page.
type Key struct {
	OrgID string
	Gen   int64
	URI   string // path and query
	Lang  string
}

// Entry is a rendered page and the headers needed to answer from it.
type Entry struct {
	Body         []byte
	ContentType  string
	ETag         string    // quoted
	LastModified time.Time // zero: none
	// Expires is when the page may change without any write (an alert
	// reaching its end, a job offer its closing date); zero: never.
	Expires time.Time
}

func (e *Entry) size(k Key) int64 {
	return int64(len(e.Body) + len(k.URI) + len(k.OrgID) + len(e.ContentType) + len(e.ETag) + 160)
}

type item struct {
	key   Key
	entry *Entry
	size  int64
}

// Cache is safe for concurrent use.
type Cache struct {
	mu     sync.Mutex
	budget int64
	used   int64
	ll     *list.List // front: most recently used
	items  map[Key]*list.Element

	hits, misses atomic.Int64
}

// New returns a cache holding at most budget bytes of pages.
func New(budget int64) *Cache {
	return &Cache{budget: budget, ll: list.New(), items: map[Key]*list.Element{}}
}

// Get returns the entry for k if present and not expired at now.
func (c *Cache) Get(k Key, now time.Time) (*Entry, bool) {
	c.mu.Lock()
	el, ok := c.items[k]
	if ok {
		it := el.Value.(*item)
		if !it.entry.Expires.IsZero() && !now.Before(it.entry.Expires) {
			c.remove(el)
			ok = false
		} else {
			c.ll.MoveToFront(el)
			c.mu.Unlock()
			c.hits.Add(1)
			return it.entry, true
		}
	}
	c.mu.Unlock()
	c.misses.Add(1)
	return nil, false
}

// Put stores e under k, evicting the least recently used pages beyond the
// budget. A page larger than a quarter of the budget is not kept.
func (c *Cache) Put(k Key, e *Entry) {
	it := &item{key: k, entry: e, size: e.size(k)}
	if it.size > c.budget/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.remove(el)
	}
	c.items[k] = c.ll.PushFront(it)
	c.used += it.size
	for c.used > c.budget {
		c.remove(c.ll.Back())
	}
}

func (c *Cache) remove(el *list.Element) {
	it := el.Value.(*item)
	c.ll.Remove(el)
	delete(c.items, it.key)
	c.used -= it.size
}

// Stats reports hits, misses, entries and bytes used.
func (c *Cache) Stats() (hits, misses int64, entries int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits.Load(), c.misses.Load(), len(c.items), c.used
}
