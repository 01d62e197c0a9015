package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Follower counts: one snapshot per organisation and day (a Europe/Paris
// date written "2006-01-02"), so that a past period's figures divide by the
// followers of that period (docs/CONSOLE.md).

// FollowerSnapshot is the count of one day.
type FollowerSnapshot struct {
	Day       string // 2006-01-02, Europe/Paris
	Email     int
	Fediverse int
	TakenAt   time.Time
}

// OrgsWithoutFollowerCount lists the organisations that have no snapshot
// for day yet, so that a run counts only what is missing.
func (q *Queries) OrgsWithoutFollowerCount(ctx context.Context, day string) ([]string, error) {
	return queryAll(ctx, q, func(r scanner) (string, error) {
		var s string
		return s, r.Scan(&s)
	}, `SELECT o.id FROM organisations o WHERE NOT EXISTS
		(SELECT 1 FROM follower_counts f WHERE f.org_id = o.id AND f.day = $1) ORDER BY o.id`, day)
}

// RecordFollowerCount stores an organisation's count of the day unless
// one is stored already: the first count of a day stands, and a second
// run (a restart, another process) adds nothing. It reports whether the
// row is new.
func (q *Queries) RecordFollowerCount(ctx context.Context, orgID string, s FollowerSnapshot) (bool, error) {
	res, err := q.q.ExecContext(ctx, `INSERT INTO follower_counts (org_id, day, email, fediverse, taken_at)
		VALUES ($1,$2,$3,$4,$5) ON CONFLICT (org_id, day) DO NOTHING`, orgID, s.Day, s.Email, s.Fediverse, s.TakenAt.UTC())
	if err != nil {
		return false, fmt.Errorf("record follower count: %w", translate(err))
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// FollowerSnapshots returns an organisation's snapshots of the days in
// [fromDay, toDay), oldest first (the primary key's order).
func (q *Queries) FollowerSnapshots(ctx context.Context, orgID, fromDay, toDay string) ([]FollowerSnapshot, error) {
	return queryAll(ctx, q, func(r scanner) (FollowerSnapshot, error) {
		var s FollowerSnapshot
		err := r.Scan(&s.Day, &s.Email, &s.Fediverse, &s.TakenAt)
		s.TakenAt = s.TakenAt.UTC()
		return s, err
	}, `SELECT day, email, fediverse, taken_at FROM follower_counts WHERE org_id=$1 AND day >= $2 AND day < $3 ORDER BY day`,
		orgID, fromDay, toDay)
}

// FirstFollowerCountDay returns the day of an organisation's oldest
// snapshot, or "" when there is none yet.
func (q *Queries) FirstFollowerCountDay(ctx context.Context, orgID string) (string, error) {
	var day sql.NullString
	err := q.q.QueryRowContext(ctx, `SELECT MIN(day) FROM follower_counts WHERE org_id=$1`, orgID).Scan(&day)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("first follower count: %w", err)
	}
	return day.String, nil
}

// CountActivityMinutes counts the active staff minutes of [from, to) (one
// range of the (org_id, minute) index).
func (q *Queries) CountActivityMinutes(ctx context.Context, orgID string, from, to time.Time) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM staff_activity WHERE org_id=$1 AND minute >= $2 AND minute < $3`,
		orgID, from.UTC(), to.UTC()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count active minutes: %w", err)
	}
	return n, nil
}
