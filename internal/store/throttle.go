package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// ThrottleState is the failure count of one key in the current window.
type ThrottleState struct {
	Failures     int
	WindowStart  time.Time
	BlockedUntil *time.Time
}

// Throttle reads the state of key; an unknown key is a zero state.
func (q *Queries) Throttle(ctx context.Context, key string) (ThrottleState, error) {
	var (
		st      ThrottleState
		blocked sql.NullTime
	)
	err := q.q.QueryRowContext(ctx, `SELECT failures, window_start, blocked_until FROM login_throttle WHERE key=$1`, key).
		Scan(&st.Failures, &st.WindowStart, &blocked)
	if err == sql.ErrNoRows {
		return ThrottleState{}, nil
	}
	if err != nil {
		return st, fmt.Errorf("throttle %s: %w", key, err)
	}
	st.BlockedUntil = nullTime(blocked)
	return st, nil
}

// PutThrottle saves the state of key.
func (q *Queries) PutThrottle(ctx context.Context, key string, st ThrottleState) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO login_throttle (key, failures, window_start, blocked_until) VALUES ($1,$2,$3,$4)
		ON CONFLICT (key) DO UPDATE SET failures=excluded.failures, window_start=excluded.window_start, blocked_until=excluded.blocked_until`,
		key, st.Failures, st.WindowStart, timeOrNil(st.BlockedUntil))
	if err != nil {
		return fmt.Errorf("put throttle %s: %w", key, err)
	}
	return nil
}

// ClearThrottle forgets key (after a successful login).
func (q *Queries) ClearThrottle(ctx context.Context, key string) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM login_throttle WHERE key=$1`, key)
	return err
}

// LockThrottle returns the state of key, creating a zero row (window starting
// at now) if there is none, and locks that row until the transaction ends so
// that concurrent failures are all counted (PostgreSQL locks the row on the
// conflict update; SQLite's immediate transactions serialise writers).
func (q *Queries) LockThrottle(ctx context.Context, key string, now time.Time) (ThrottleState, error) {
	var (
		st      ThrottleState
		blocked sql.NullTime
	)
	err := q.q.QueryRowContext(ctx, `INSERT INTO login_throttle (key, failures, window_start) VALUES ($1, 0, $2)
		ON CONFLICT (key) DO UPDATE SET failures = login_throttle.failures
		RETURNING failures, window_start, blocked_until`, key, now).Scan(&st.Failures, &st.WindowStart, &blocked)
	if err != nil {
		return st, fmt.Errorf("lock throttle %s: %w", key, translate(err))
	}
	st.WindowStart = st.WindowStart.UTC()
	st.BlockedUntil = nullTime(blocked)
	return st, nil
}

// DeleteStaleThrottles forgets keys whose window began before `before` and
// that are not blocked any more.
func (q *Queries) DeleteStaleThrottles(ctx context.Context, before, now time.Time) (int64, error) {
	res, err := q.q.ExecContext(ctx, `DELETE FROM login_throttle
		WHERE window_start < $1 AND (blocked_until IS NULL OR blocked_until < $2)`, before, now)
	if err != nil {
		return 0, fmt.Errorf("delete stale throttles: %w", err)
	}
	return res.RowsAffected()
}
