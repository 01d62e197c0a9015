package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/store/storetest"
)

func TestLockThrottleCountsConcurrentFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
		st, err := s.LockThrottle(ctx, "acct:x@example.org", now)
		if err != nil || st.Failures != 0 || !st.WindowStart.Equal(now) || st.BlockedUntil != nil {
			t.Fatalf("fresh key = %+v, %v", st, err)
		}
		// Eight parallel read-increment-write transactions must not lose
		// an increment: the row is locked until each commits.
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- s.InTx(ctx, func(tx *store.Tx) error {
					st, err := tx.LockThrottle(ctx, "acct:x@example.org", now)
					if err != nil {
						return err
					}
					st.Failures++
					return tx.PutThrottle(ctx, "acct:x@example.org", st)
				})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		st, err = s.Throttle(ctx, "acct:x@example.org")
		if err != nil || st.Failures != 8 {
			t.Fatalf("after 8 failures: %+v, %v", st, err)
		}
		until := now.Add(time.Hour)
		st.BlockedUntil = &until
		if err := s.PutThrottle(ctx, "acct:x@example.org", st); err != nil {
			t.Fatal(err)
		}
		if _, err := s.LockThrottle(ctx, "ip:192.0.2.1", now); err != nil {
			t.Fatal(err)
		}
		// A day later only the unblocked key goes; a blocked one stays.
		later := now.Add(25 * time.Hour)
		n, err := s.DeleteStaleThrottles(ctx, later.Add(-24*time.Hour), now.Add(30*time.Minute))
		if err != nil || n != 1 {
			t.Fatalf("deleted %d, %v; want 1", n, err)
		}
		if st, _ := s.Throttle(ctx, "acct:x@example.org"); st.Failures != 8 {
			t.Fatal("a blocked key was deleted")
		}
	})
}
