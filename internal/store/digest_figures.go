package store

import (
	"context"
	"fmt"
	"time"

	"github.com/parvis/parvis/internal/model"
)

// DigestMailing is one digest mailing as staff see it: counts only, never
// who received it or who clicked.
type DigestMailing struct {
	ID, RefID, Subject           string
	State                        model.MailingState
	Total, Sent, Failed, Skipped int
	CreatedAt                    time.Time
	// Links is how many of its links were counted (0: click counts were
	// off when it was created); Clicks sums their clicks.
	Links, Clicks int
}

// DigestMailings lists an organisation's digest mailings, newest first, a
// page at a time. The (org_id, kind, created_at, id) index gives the order;
// the click sums read click_counts by its primary key, one mailing at a
// time, for the page's rows only.
func (q *Queries) DigestMailings(ctx context.Context, orgID string, limit, offset int) ([]DigestMailing, error) {
	return queryAll(ctx, q, func(r scanner) (DigestMailing, error) {
		var d DigestMailing
		err := r.Scan(&d.ID, &d.RefID, &d.Subject, &d.State, &d.Total, &d.Sent, &d.Failed, &d.Skipped, &d.CreatedAt, &d.Links, &d.Clicks)
		d.CreatedAt = d.CreatedAt.UTC()
		return d, err
	}, `SELECT m.id, m.ref_id, m.subject, m.state, m.total, m.sent, m.failed, m.skipped, m.created_at,
		(SELECT COUNT(*) FROM click_counts c WHERE c.mailing_id = m.id),
		(SELECT COALESCE(SUM(c.clicks), 0) FROM click_counts c WHERE c.mailing_id = m.id)
		FROM mailings m WHERE m.org_id = $1 AND m.kind = 'digest'
		ORDER BY m.created_at DESC, m.id DESC LIMIT $2 OFFSET $3`, orgID, limit, offset)
}

// CountDigestMailings counts an organisation's digest mailings (an
// index-only count).
func (q *Queries) CountDigestMailings(ctx context.Context, orgID string) (int, error) {
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM mailings WHERE org_id = $1 AND kind = 'digest'`, orgID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count digests: %w", err)
	}
	return n, nil
}
