package store

import (
	"context"
	"database/sql"
	"sync/atomic"

	"github.com/parvis/parvis/internal/reqinfo"
)

// counted counts the statements run through Queries on behalf of HTTP
// requests (contexts carrying a request id), so that tests can prove a page
// runs a constant number of queries whatever the number of items it shows
// (no N+1). Background jobs running at the same moment (hourly cleanup,
// digests…) are not counted: they would make the count depend on timing. An
// atomic add per statement costs nothing next to the statement itself.
type counted struct {
	q querier
	n *atomic.Int64
}

func (c counted) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	c.add(ctx)
	return c.q.ExecContext(ctx, query, args...)
}

func (c counted) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.add(ctx)
	return c.q.QueryContext(ctx, query, args...)
}

func (c counted) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	c.add(ctx)
	return c.q.QueryRowContext(ctx, query, args...)
}

func (c counted) add(ctx context.Context) {
	if reqinfo.RequestID(ctx) != "" {
		c.n.Add(1)
	}
}

// QueryCount is the number of statements run through the store so far for
// HTTP requests (River's own queries, jobs and raw DB() use are not counted).
func (s *Store) QueryCount() int64 { return s.count.Load() }
