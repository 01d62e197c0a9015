package organisations

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// AccessibilityStatement is the organisation's accessibility statement,
// public (no policy): the law wants it one click away from every page.
func (s *Service) AccessibilityStatement(ctx context.Context, orgID string) (model.AccessibilityStatement, error) {
	return s.Store.AccessibilityStatement(ctx, orgID)
}

// AccessibilityPlan is the organisation's multi-year plan, public.
func (s *Service) AccessibilityPlan(ctx context.Context, orgID string) ([]model.A11yPlanYear, error) {
	return s.Store.AccessibilityPlan(ctx, orgID)
}

// StatementInput is the statement form, as typed.
type StatementInput struct {
	Status, AuditDate, Method           string
	NonAccessible, Derogations, Contact string
}

// Limits of the statement's texts, in characters.
const (
	maxStatementMethod = 2000
	maxStatementText   = 5000
	maxPlanActions     = 4000
	// MaxPlanYears is how many years the plan form offers; the law asks
	// for a plan of at most three years, a few more leave room to keep
	// past years shown.
	MaxPlanYears = 6
)

// UpdateAccessibilityStatement validates and saves what the administrator
// declares. "Totalement conforme" needs an audit date: a full status rests
// on a complete audit of the RGAA criteria by a person, never on the
// automated checks alone (docs/ACCESSIBILITY.md).
func (s *Service) UpdateAccessibilityStatement(ctx context.Context, actorID, orgID string, in StatementInput) error {
	t := strings.TrimSpace
	st := model.AccessibilityStatement{OrgID: orgID, Status: model.A11yStatus(in.Status), AuditDate: t(in.AuditDate),
		Method: t(in.Method), NonAccessible: t(in.NonAccessible), Derogations: t(in.Derogations), Contact: t(in.Contact)}
	v := &model.ValidationError{}
	if !st.Status.Valid() {
		v.Add("status", "a11y.error.status")
	}
	if st.AuditDate != "" {
		d, err := time.Parse(time.DateOnly, st.AuditDate)
		switch {
		case err != nil:
			v.Add("audit_date", "a11y.error.audit_date")
		case d.After(s.Now()):
			v.Add("audit_date", "a11y.error.audit_date_future")
		}
	} else if st.Status == model.A11yFull {
		v.Add("audit_date", "a11y.error.full_needs_audit")
	}
	if core.TooLong(st.Method, maxStatementMethod) {
		v.Add("method", "a11y.error.too_long")
	}
	for field, text := range map[string]string{"non_accessible": st.NonAccessible, "derogations": st.Derogations, "contact": st.Contact} {
		if core.TooLong(text, maxStatementText) {
			v.Add(field, "a11y.error.too_long")
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	st.UpdatedAt = s.Now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.AccessibilityEdit); err != nil {
			return err
		}
		if err := tx.SaveAccessibilityStatement(ctx, st); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actorID, "a11y.statement", orgID, string(st.Status))
	})
}

// PlanYearInput is one row of the plan form, as typed; a row left blank
// is dropped.
type PlanYearInput struct{ Year, Actions string }

// UpdateAccessibilityPlan validates and replaces the multi-year plan. The
// errors name the row: year_N and actions_N (N from 0).
func (s *Service) UpdateAccessibilityPlan(ctx context.Context, actorID, orgID string, rows []PlanYearInput) error {
	v := &model.ValidationError{}
	if len(rows) > MaxPlanYears {
		rows = rows[:MaxPlanYears]
	}
	var years []model.A11yPlanYear
	seen := map[int]bool{}
	for i, r := range rows {
		year, actions := strings.TrimSpace(r.Year), strings.TrimSpace(r.Actions)
		if year == "" && actions == "" {
			continue
		}
		yf, af := fmt.Sprintf("year_%d", i), fmt.Sprintf("actions_%d", i)
		n, err := strconv.Atoi(year)
		switch {
		case year == "":
			v.Add(yf, "a11y.error.year_missing")
		case err != nil || n < 2000 || n > 2100:
			v.Add(yf, "a11y.error.year")
		case seen[n]:
			v.Add(yf, "a11y.error.year_twice")
		}
		seen[n] = true
		switch {
		case actions == "":
			v.Add(af, "a11y.error.actions_missing")
		case core.TooLong(actions, maxPlanActions):
			v.Add(af, "a11y.error.too_long")
		}
		years = append(years, model.A11yPlanYear{Year: n, Actions: actions})
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.AccessibilityEdit); err != nil {
			return err
		}
		if err := tx.LockOrganisation(ctx, orgID); err != nil {
			return err
		}
		if err := tx.ReplaceAccessibilityPlan(ctx, orgID, years, s.Now()); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actorID, "a11y.plan", orgID, fmt.Sprintf("%d years", len(years)))
	})
}

// RecordAccessibilityAudit keeps the summary of an automated audit in the
// organisation's statement. It takes no principal: only the operator's
// `parvis a11y-audit` command calls it, on the database it was given (like
// `parvis org create`); no page leads to it. It never changes the status.
func (s *Service) RecordAccessibilityAudit(ctx context.Context, orgID string, a model.A11yAudit) error {
	if a.At.IsZero() {
		a.At = s.Now()
	}
	a.At = a.At.UTC().Truncate(time.Microsecond)
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveAccessibilityAudit(ctx, orgID, a); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, "", "a11y.audit", orgID, fmt.Sprintf("%d pages", len(a.Pages)))
	})
}
