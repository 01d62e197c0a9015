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
	return nil
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
