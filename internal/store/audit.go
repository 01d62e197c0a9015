package store

import (
	"context"
	"fmt"

	"github.com/parvis/parvis/internal/model"
)

// Audit appends an entry to the audit log.
func (q *Queries) Audit(ctx context.Context, e model.AuditEntry) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO audit_log (id, org_id, actor_id, action, target, detail, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7)`, e.ID, e.OrgID, e.ActorID, e.Action, e.Target, e.Detail, e.CreatedAt)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, translate(err))
	}
	return q.ChainAppend(ctx, "audit", e.ID, e.CreatedAt)
}

// AuditOf lists an organisation's latest audit entries, newest first.
func (q *Queries) AuditOf(ctx context.Context, orgID string, limit int) ([]model.AuditEntry, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, org_id, actor_id, action, target, detail, created_at
		FROM audit_log WHERE org_id=$1 ORDER BY created_at DESC, id DESC LIMIT $2`, orgID, limit)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []model.AuditEntry
	for rows.Next() {
		var e model.AuditEntry
		if err := rows.Scan(&e.ID, &e.OrgID, &e.ActorID, &e.Action, &e.Target, &e.Detail, &e.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditRow is an audit entry with the actor's display name.
type AuditRow struct {
	model.AuditEntry
	ActorName string // "" for the system, the command line or a deleted account
}

// AuditPage lists an organisation's entries older than `before` (the id of
// the last entry of the previous page, "" for the first page), newest first.
// Ids are UUIDv7, so their order is the order of creation.
func (q *Queries) AuditPage(ctx context.Context, orgID, before string, limit int) ([]AuditRow, error) {
	query := `SELECT l.id, l.org_id, l.actor_id, l.action, l.target, l.detail, l.created_at, COALESCE(a.display_name, '')
		FROM audit_log l LEFT JOIN accounts a ON a.id = l.actor_id
		WHERE l.org_id=$1 AND ($2 = '' OR l.id < $2) ORDER BY l.id DESC LIMIT $3`
	rows, err := q.q.QueryContext(ctx, query, orgID, before, limit)
	if err != nil {
		return nil, fmt.Errorf("audit page: %w", err)
	}
	defer rows.Close()
	var out []AuditRow
	for rows.Next() {
		var r AuditRow
		if err := rows.Scan(&r.ID, &r.OrgID, &r.ActorID, &r.Action, &r.Target, &r.Detail, &r.CreatedAt, &r.ActorName); err != nil {
			return nil, err
		}
		r.CreatedAt = r.CreatedAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
