// Package storetest opens fresh, migrated databases for tests: a temporary
// SQLite file always, and a fresh schema on PostgreSQL when one is reachable
// (127.0.0.1:5432 or PARVIS_TEST_POSTGRES). With CI=true a missing
// PostgreSQL fails the test instead of skipping it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/store"
)

// DefaultPostgres is the server the test machines run.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

var probe = sync.OnceValue(func() error {
	db, err := sql.Open("pgx", PostgresURL())
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	return db.PingContext(ctx)
})

// PostgresURL is the base server URL used by tests.
func PostgresURL() string {
	if v := os.Getenv("PARVIS_TEST_POSTGRES"); v != "" {
		return v
	}
	return DefaultPostgres
}

// Engines lists the engines to test on; PostgreSQL is skipped (or, in CI,
// failed) when unreachable.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, SQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, Postgres(t))
	})
}

// SQLite returns a migrated store on a temporary file.
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "parvis.db")
	return open(t, path)
}

// SQLiteDSNPath returns a new temporary SQLite file path (not yet created),
// for tests that start a whole server on it.
func SQLitePath(t testing.TB) string {
	return filepath.Join(t.TempDir(), "parvis.db")
}

// Postgres returns a migrated store on a fresh schema, dropped at cleanup.
func Postgres(t testing.TB) *store.Store {
	t.Helper()
	return open(t, PostgresDSN(t))
}

// PostgresDSN creates a fresh schema and returns a DSN whose search_path
// points at it; the schema is dropped at cleanup.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	if err := probe(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required in CI but unreachable at %s: %v", PostgresURL(), err)
		}
		t.Skipf("PostgreSQL unreachable (%v); set PARVIS_TEST_POSTGRES", err)
	}
	base := PostgresURL()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t testing.TB, database string) *store.Store {
	t.Helper()
	ctx := context.Background()
	// Tests fail loudly when a use case reaches the pool while it holds a
	// transaction (store/txguard.go).
	store.GuardPool()
	s, err := store.Open(ctx, database, store.Options{MaxConns: 4})
	if err != nil {
		t.Fatalf("open %s: %v", database, err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}
