package store

import (
	"context"
	"fmt"
	"time"
)

// DeleteRegistrationsEndedBefore deletes the registrations (names,
// addresses, answers, codes) of events whose last occurrence ended before
// `before`: the registration form promises they serve that event only and
// are deleted afterwards (docs/EVENTS.md).
func (q *Queries) DeleteRegistrationsEndedBefore(ctx context.Context, before time.Time) (int64, error) {
	res, err := q.q.ExecContext(ctx, `DELETE FROM event_registrations WHERE event_id IN (
		SELECT e.publication_id FROM events e WHERE e.ends_at < $1
		AND NOT EXISTS (SELECT 1 FROM event_occurrences o WHERE o.event_id = e.publication_id AND o.ends_at >= $1))`, before)
	if err != nil {
		return 0, fmt.Errorf("delete past registrations: %w", err)
	}
	return res.RowsAffected()
}
