package pagecache

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestGenerationsAndExpiry(t *testing.T) {
	c := New(1 << 20)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	k := Key{OrgID: "o", Gen: 1, URI: "/ville/", Lang: "fr"}
	c.Put(k, &Entry{Body: []byte("v1"), Expires: now.Add(time.Minute)})
	if e, ok := c.Get(k, now); !ok || string(e.Body) != "v1" {
		t.Fatal("miss after put")
	}
	k2 := k
	k2.Gen = 2
	if _, ok := c.Get(k2, now); ok {
		t.Fatal("a new generation must not see the old page")
	}
	if _, ok := c.Get(k, now.Add(time.Minute)); ok {
		t.Fatal("expired entry served")
	}
	if _, _, n, used := c.Stats(); n != 0 || used != 0 {
		t.Fatalf("expired entry kept: %d entries, %d bytes", n, used)
	}
}

func TestBudgetEvictsLeastRecentlyUsed(t *testing.T) {
	c := New(10_000)
	body := []byte(strings.Repeat("x", 1000))
	now := time.Now()
	for i := range 20 {
		c.Put(Key{OrgID: "o", URI: fmt.Sprint(i)}, &Entry{Body: body})
		// keep page 0 hot
		c.Get(Key{OrgID: "o", URI: "0"}, now)
	}
	_, _, n, used := c.Stats()
	if used > 10_000 || n == 0 || n >= 20 {
		t.Fatalf("entries=%d used=%d", n, used)
	}
	if _, ok := c.Get(Key{OrgID: "o", URI: "0"}, now); !ok {
		t.Fatal("the most used page was evicted")
	}
	if _, ok := c.Get(Key{OrgID: "o", URI: "1"}, now); ok {
		t.Fatal("an old page survived")
	}
	c.Put(Key{URI: "huge"}, &Entry{Body: make([]byte, 5000)})
	if _, ok := c.Get(Key{URI: "huge"}, now); ok {
		t.Fatal("a page over a quarter of the budget was kept")
	}
}

func TestConcurrentUse(t *testing.T) {
	c := New(50_000)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				k := Key{URI: fmt.Sprint((g * i) % 97)}
				if _, ok := c.Get(k, time.Now()); !ok {
					c.Put(k, &Entry{Body: make([]byte, 500)})
				}
			}
		}()
	}
	wg.Wait()
	if _, _, _, used := c.Stats(); used > 50_000 {
		t.Fatalf("over budget: %d", used)
	}
}

func BenchmarkGetHit(b *testing.B) {
	c := New(1 << 20)
	k := Key{OrgID: "o", Gen: 1, URI: "/ville/p/x", Lang: "fr"}
	c.Put(k, &Entry{Body: make([]byte, 20000)})
	now := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Get(k, now)
		}
	})
}
