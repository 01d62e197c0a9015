package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/store/storetest"
)

// TestInBatch: concurrent InBatch callers each see their own outcome; a
// failing one leaves nothing behind, the others are committed, and a
// duplicate in the same burst is seen as one.
func TestInBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		at := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
		errFail := errors.New("refused")
		const n = 60
		var wg sync.WaitGroup
		errs := make([]error, n)
		fresh := make([]bool, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id := fmt.Sprintf("https://remote.example/a/%d", i)
				if i >= n-5 {
					id = "https://remote.example/a/dup" // five posts of one activity
				}
				errs[i] = s.InBatch(ctx, func(tx *store.Tx) error {
					ok, err := tx.MarkSeen(ctx, id, at)
					if err != nil {
						return err
					}
					fresh[i] = ok
					if i%7 == 3 {
						return errFail // after writing: must be rolled back alone
					}
					return nil
				})
			}()
		}
		wg.Wait()
		dups := 0
		for i := 0; i < n; i++ {
			var count int
			id := fmt.Sprintf("https://remote.example/a/%d", i)
			if i >= n-5 {
				id = "https://remote.example/a/dup"
			}
			if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM fed_seen WHERE activity_id=$1`, id).Scan(&count); err != nil {
				t.Fatal(err)
			}
			switch {
			case i >= n-5:
				if errs[i] == nil && fresh[i] {
					dups++
				}
			case i%7 == 3:
				if !errors.Is(errs[i], errFail) || count != 0 {
					t.Errorf("item %d: err %v, %d rows; want its own error and nothing written", i, errs[i], count)
				}
			default:
				if errs[i] != nil || !fresh[i] || count != 1 {
					t.Errorf("item %d: err %v, fresh %v, %d rows; want committed", i, errs[i], fresh[i], count)
				}
			}
		}
		if dups != 1 {
			t.Errorf("the duplicated activity was fresh for %d committed callers, want 1", dups)
		}
		// A caller that gave up before its turn writes nothing.
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		err := s.InBatch(cctx, func(tx *store.Tx) error {
			_, err := tx.MarkSeen(ctx, "https://remote.example/a/cancelled", at)
			return err
		})
		var count int
		_ = s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM fed_seen WHERE activity_id='https://remote.example/a/cancelled'`).Scan(&count)
		if err == nil && count != 1 || err != nil && count != 0 {
			t.Errorf("cancelled caller: err %v with %d rows", err, count)
		}
	})
}

// TestPreparedStatementsInTx: a statement prepared on the pool, reused in
// a transaction, sees that transaction's own writes, and a rolled-back
// write is gone.
func TestPreparedStatementsInTx(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		at := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
		for i := 0; i < 3; i++ { // prepares and caches the statement
			if _, err := s.MarkSeen(ctx, fmt.Sprintf("https://remote.example/warm/%d", i), at); err != nil {
				t.Fatal(err)
			}
		}
		for round := 0; round < 3; round++ {
			id := fmt.Sprintf("https://remote.example/tx/%d", round)
			err := s.InTx(ctx, func(tx *store.Tx) error {
				if ok, err := tx.MarkSeen(ctx, id, at); err != nil || !ok {
					return fmt.Errorf("first mark: %v %v", ok, err)
				}
				if ok, err := tx.MarkSeen(ctx, id, at); err != nil || ok {
					return fmt.Errorf("second mark in the same transaction must see the first: %v %v", ok, err)
				}
				return errors.New("roll back")
			})
			if err == nil || err.Error() != "roll back" {
				t.Fatal(err)
			}
			if ok, err := s.MarkSeen(ctx, id, at); err != nil || !ok {
				t.Fatalf("after rollback the id must be fresh again: %v %v", ok, err)
			}
		}
	})
}
