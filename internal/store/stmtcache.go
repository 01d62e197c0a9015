package store

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// stmtCache runs the pool's statements through prepared statements kept by
// query text. SQLite compiles every statement it is given, and for the small
// indexed reads that most requests are made of (the page cache's generation,
// a session, an organisation) compiling costs more than running: a cached
// page hit spent most of its time in SQLite's parser. database/sql prepares
// a cached statement once per connection and keeps it.
//
// Only for SQLite: pgx already keeps a statement cache per connection. Not
// inside transactions, which run on their own connection. Queries built at
// run time (IN lists of varying length) would grow the cache without end,
// so it stops adding at maxCachedStmts and then runs the rest directly.
type stmtCache struct {
	db    *sql.DB
	stmts sync.Map // query text → *sql.Stmt
	n     atomic.Int64
}

const maxCachedStmts = 512

func (c *stmtCache) stmt(ctx context.Context, query string) *sql.Stmt {
	if s, ok := c.stmts.Load(query); ok {
		return s.(*sql.Stmt)
	}
	if c.n.Load() >= maxCachedStmts {
		return nil
	}
	s, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // the direct call reports the error
	}
	if prev, loaded := c.stmts.LoadOrStore(query, s); loaded {
		s.Close() // another request prepared it first
		return prev.(*sql.Stmt)
	}
	c.n.Add(1)
	return s
}

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := c.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return c.db.ExecContext(ctx, query, args...)
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := c.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return c.db.QueryContext(ctx, query, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := c.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

// close releases the prepared statements.
func (c *stmtCache) close() {
	c.stmts.Range(func(_, s any) bool {
		s.(*sql.Stmt).Close()
		return true
	})
}
