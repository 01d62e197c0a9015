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
// Only for SQLite: pgx already keeps a statement cache per connection. Queries built at
// run time (IN lists of varying length) would grow the cache without end,
// so it stops adding at maxCachedStmts and then runs the rest directly.
// Transactions use the same statements through txPrepared.
type stmtCache struct {
	db      *sql.DB
	stmts   sync.Map // query text → *sql.Stmt
	n       atomic.Int64
	warming sync.Map // query text → true while prepared in the background
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

// cached returns the prepared statement for query, or nil.
func (c *stmtCache) cached(query string) *sql.Stmt {
	if s, ok := c.stmts.Load(query); ok {
		return s.(*sql.Stmt)
	}
	return nil
}

// warm prepares query on the pool in the background. A transaction must not
// prepare through the pool itself: it holds a connection, and waiting for a
// second one could wait for ever when the pool is exhausted.
func (c *stmtCache) warm(query string) {
	if c.n.Load() >= maxCachedStmts {
		return
	}
	if _, busy := c.warming.LoadOrStore(query, true); busy {
		return
	}
	go func() {
		defer c.warming.Delete(query)
		c.stmt(context.Background(), query)
	}()
}

// txPrepared runs a transaction's statements through the cache too: a
// cached statement is bound to the transaction's connection
// (Tx.StmtContext reuses the one prepared on that connection, or prepares
// it there once); a text not cached yet runs directly and is prepared in
// the background for the next time. Profiled on the federation inbox, whose
// work is mostly small transactions, parsing was 40 % of a request's CPU.
type txPrepared struct {
	tx    *sql.Tx
	cache *stmtCache
}

func (p txPrepared) stmt(ctx context.Context, query string) *sql.Stmt {
	if s := p.cache.cached(query); s != nil {
		return p.tx.StmtContext(ctx, s)
	}
	p.cache.warm(query)
	return nil
}

func (p txPrepared) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := p.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return p.tx.ExecContext(ctx, query, args...)
}

func (p txPrepared) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := p.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return p.tx.QueryContext(ctx, query, args...)
}

func (p txPrepared) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := p.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return p.tx.QueryRowContext(ctx, query, args...)
}
