package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// The statement cache is SQLite's only (pgx has its own), so this test runs
// on a SQLite file.
func TestStmtCacheReusesAndStaysCorrect(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", SQLiteDSN(filepath.Join(t.TempDir(), "cache.db")))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(3)
	c := &stmtCache{db: db}
	defer c.close()
	if _, err := c.ExecContext(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)`); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := c.ExecContext(ctx, `INSERT INTO t (id, name) VALUES ($1, $2)`, i, fmt.Sprint("n", i)); err != nil {
			t.Fatal(err)
		}
	}
	const q = `SELECT name FROM t WHERE id = $1`
	for i := range 5 {
		var name string
		if err := c.QueryRowContext(ctx, q, i).Scan(&name); err != nil || name != fmt.Sprint("n", i) {
			t.Fatalf("row %d: %q, %v", i, name, err)
		}
	}
	if got := c.n.Load(); got != 3 { // CREATE, INSERT, SELECT
		t.Fatalf("%d statements cached, want 3", got)
	}

	// A schema change after preparation: SQLite re-prepares by itself.
	if _, err := c.ExecContext(ctx, `ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'x'`); err != nil {
		t.Fatal(err)
	}
	var name string
	if err := c.QueryRowContext(ctx, q, 2).Scan(&name); err != nil || name != "n2" {
		t.Fatalf("after ALTER: %q, %v", name, err)
	}

	// A statement that does not compile is reported by the direct call, not cached.
	if _, err := c.QueryContext(ctx, `SELECT nope FROM t`); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("bad statement: %v", err)
	}
	if _, ok := c.stmts.Load(`SELECT nope FROM t`); ok {
		t.Fatal("a failing statement was cached")
	}

	// Past the cap, statements still run, uncached.
	c.n.Store(maxCachedStmts)
	rows, err := c.QueryContext(ctx, `SELECT id FROM t WHERE id >= $1 ORDER BY id`, 3)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if fmt.Sprint(ids) != "[3 4]" {
		t.Fatalf("ids = %v", ids)
	}
	if _, ok := c.stmts.Load(`SELECT id FROM t WHERE id >= $1 ORDER BY id`); ok {
		t.Fatal("cached past the cap")
	}
}
