package store

import (
	"context"
	"database/sql"
	"sync/atomic"
)

// counted counts the statements run through Queries, so that tests can
// prove a page runs a constant number of queries whatever the number of
// items it shows (no N+1). An atomic add per statement costs nothing next to
// the statement itself.
type counted struct {
	q querier
	n *atomic.Int64
}

func (c counted) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	c.n.Add(1)
	return c.q.ExecContext(ctx, query, args...)
}

func (c counted) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.n.Add(1)
	return c.q.QueryContext(ctx, query, args...)
}

func (c counted) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	c.n.Add(1)
	return c.q.QueryRowContext(ctx, query, args...)
}

// QueryCount is the number of statements run through the store so far
// (River's own queries and raw DB() use are not counted).
func (s *Store) QueryCount() int64 { return s.count.Load() }
