package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parvis/parvis/internal/model"
)

// AccessibilityStatement reads the organisation's statement; an
// organisation whose administrator never saved one gets its status and
// empty fields.
func (q *Queries) AccessibilityStatement(ctx context.Context, orgID string) (model.AccessibilityStatement, error) {
	st := model.AccessibilityStatement{OrgID: orgID}
	var auditJSON sql.NullString
	var updated sql.NullTime
	var auditDate, method, nonAccessible, derogations, contact sql.NullString
	err := q.q.QueryRowContext(ctx, `SELECT o.a11y_status, s.audit_date, s.method, s.non_accessible, s.derogations,
		s.contact, s.audit_json, s.updated_at
		FROM organisations o LEFT JOIN accessibility_statements s ON s.org_id = o.id WHERE o.id = $1`, orgID).
		Scan(&st.Status, &auditDate, &method, &nonAccessible, &derogations, &contact, &auditJSON, &updated)
	if err != nil {
		return st, fmt.Errorf("accessibility statement of %s: %w", orgID, translate(err))
	}
	st.AuditDate, st.Method, st.NonAccessible = auditDate.String, method.String, nonAccessible.String
	st.Derogations, st.Contact = derogations.String, contact.String
	if updated.Valid {
		st.UpdatedAt = updated.Time.UTC()
	}
	if auditJSON.String != "" {
		var a model.A11yAudit
		if err := json.Unmarshal([]byte(auditJSON.String), &a); err != nil {
			return st, fmt.Errorf("accessibility audit of %s: %w", orgID, err)
		}
		a.At = a.At.UTC()
		st.Audit = &a
	}
	return st, nil
}

// SaveAccessibilityStatement saves what the administrator declares (not
// the automated audit, kept as it is) and the status on the organisation.
func (q *Queries) SaveAccessibilityStatement(ctx context.Context, st model.AccessibilityStatement) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO accessibility_statements
		(org_id, audit_date, method, non_accessible, derogations, contact, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7)
		ON CONFLICT (org_id) DO UPDATE SET audit_date = excluded.audit_date, method = excluded.method,
		non_accessible = excluded.non_accessible, derogations = excluded.derogations,
		contact = excluded.contact, updated_at = excluded.updated_at`,
		st.OrgID, st.AuditDate, st.Method, st.NonAccessible, st.Derogations, st.Contact, st.UpdatedAt)
	if err != nil {
		return fmt.Errorf("save accessibility statement of %s: %w", st.OrgID, translate(err))
	}
	err = mustAffect(q.q.ExecContext(ctx, `UPDATE organisations SET a11y_status = $2, updated_at = $3 WHERE id = $1`,
		st.OrgID, st.Status, st.UpdatedAt))
	if err != nil {
		return fmt.Errorf("save accessibility status of %s: %w", st.OrgID, err)
	}
	return nil
}

// SaveAccessibilityAudit replaces the summary of the last automated audit,
// leaving what the administrator declared untouched.
func (q *Queries) SaveAccessibilityAudit(ctx context.Context, orgID string, a model.A11yAudit) error {
	b, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encode accessibility audit: %w", err)
	}
	_, err = q.q.ExecContext(ctx, `INSERT INTO accessibility_statements (org_id, audit_json, updated_at)
		VALUES ($1,$2,$3) ON CONFLICT (org_id) DO UPDATE SET audit_json = excluded.audit_json`,
		orgID, string(b), a.At)
	if err != nil {
		return fmt.Errorf("save accessibility audit of %s: %w", orgID, translate(err))
	}
	return q.touchOrganisation(ctx, orgID, a.At)
}

// touchOrganisation marks the organisation changed, so that the cached
// public pages (whose footer links the statement) are rendered again.
func (q *Queries) touchOrganisation(ctx context.Context, orgID string, at time.Time) error {
	err := mustAffect(q.q.ExecContext(ctx, `UPDATE organisations SET updated_at = $2 WHERE id = $1`, orgID, at))
	if err != nil {
		return fmt.Errorf("touch organisation %s: %w", orgID, err)
	}
	return nil
}

// AccessibilityPlan lists the years of the organisation's multi-year plan.
func (q *Queries) AccessibilityPlan(ctx context.Context, orgID string) ([]model.A11yPlanYear, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT year, actions FROM accessibility_plan_years
		WHERE org_id = $1 ORDER BY year`, orgID)
	if err != nil {
		return nil, fmt.Errorf("accessibility plan of %s: %w", orgID, err)
	}
	defer rows.Close()
	var out []model.A11yPlanYear
	for rows.Next() {
		var y model.A11yPlanYear
		if err := rows.Scan(&y.Year, &y.Actions); err != nil {
			return nil, fmt.Errorf("scan plan year: %w", err)
		}
		out = append(out, y)
	}
	return out, rows.Err()
}

// ReplaceAccessibilityPlan replaces the whole plan with years (call it in a
// transaction: the plan is edited as one form).
func (q *Queries) ReplaceAccessibilityPlan(ctx context.Context, orgID string, years []model.A11yPlanYear, at time.Time) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM accessibility_plan_years WHERE org_id = $1`, orgID); err != nil {
		return fmt.Errorf("clear accessibility plan of %s: %w", orgID, err)
	}
	for _, y := range years {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO accessibility_plan_years (org_id, year, actions) VALUES ($1,$2,$3)`,
			orgID, y.Year, y.Actions); err != nil {
			return fmt.Errorf("save plan year %d of %s: %w", y.Year, orgID, translate(err))
		}
	}
	return q.touchOrganisation(ctx, orgID, at)
}
