package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/store/storetest"
)

// Under test, a statement run through the pool by a goroutine that holds a
// transaction panics (the freeze of issue 15); through the transaction, or
// from another goroutine, it runs.
func TestPoolGuardCatchesReadsBesideTheTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		guarded := func(fn func(tx *store.Tx) error) (msg string) {
			defer func() {
				if p := recover(); p != nil {
					msg, _ = p.(string)
				}
			}()
			if err := s.InTx(ctx, fn); err != nil {
				t.Fatal(err)
			}
			return ""
		}
		// Through the transaction: fine.
		if msg := guarded(func(tx *store.Tx) error {
			_, err := tx.ConsoleSettings(ctx, "none")
			if !errors.Is(err, model.ErrNotFound) {
				return err
			}
			// Another goroutine may use the pool meanwhile.
			done := make(chan error)
			go func() {
				_, err := s.ConsoleSettings(ctx, "none")
				done <- err
			}()
			if err := <-done; !errors.Is(err, model.ErrNotFound) {
				return err
			}
			return nil
		}); msg != "" {
			t.Fatalf("reading through the transaction panicked: %s", msg)
		}
		// Through the pool while holding it: caught.
		msg := guarded(func(tx *store.Tx) error {
			_, _ = s.ConsoleSettings(ctx, "none")
			return nil
		})
		if !strings.Contains(msg, "holds a transaction") {
			t.Fatalf("a pool read inside a transaction was not caught (%q)", msg)
		}
		// A second transaction from inside the first: caught too.
		msg = guarded(func(tx *store.Tx) error {
			return s.InTx(ctx, func(*store.Tx) error { return nil })
		})
		if !strings.Contains(msg, "holds a transaction") {
			t.Fatalf("a nested transaction was not caught (%q)", msg)
		}
		// After the transaction, the goroutine uses the pool freely again.
		if _, err := s.ConsoleSettings(ctx, "none"); !errors.Is(err, model.ErrNotFound) {
			t.Fatal(err)
		}
	})
}

// Every PostgreSQL connection bounds statements and idle transactions, so a
// stuck request cannot hold rows for ever (docs/OPERATIONS.md).
func TestPostgresConnectionsCarryTimeouts(t *testing.T) {
	s := storetest.Postgres(t)
	for setting, want := range map[string]string{"statement_timeout": "1min", "idle_in_transaction_session_timeout": "1min"} {
		var got string
		if err := s.DB().QueryRowContext(context.Background(), "SHOW "+setting).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s = %q, want %q", setting, got, want)
		}
	}
}
