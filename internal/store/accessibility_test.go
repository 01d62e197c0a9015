package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/store/storetest"
)

// The statement: an organisation without one reads as "non conforme" with
// empty fields; what the administrator saves and what the audit records
// are kept apart (saving one leaves the other); the status is the
// organisation's, read with it.
func TestAccessibilityStatementRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := twoOrgs(t, s)
		st, err := s.AccessibilityStatement(ctx, "ville-a")
		if err != nil || st.Status != model.A11yNone || st.Audit != nil || !st.UpdatedAt.IsZero() {
			t.Fatalf("before any save: %+v, %v", st, err)
		}
		audit := model.A11yAudit{At: now.Add(time.Hour), AxeVersion: "4.14.1", Pages: []model.A11yPageResult{
			{PageType: "home", Path: "/ville-a/", Serious: 1, Minor: 2, Rules: []string{"color-contrast", "region"}, Passes: 30},
			{PageType: "search", Path: "/ville-a/recherche?q=x", Failed: true}}}
		if err := s.SaveAccessibilityAudit(ctx, "ville-a", audit); err != nil {
			t.Fatal(err)
		}
		saved := model.AccessibilityStatement{OrgID: "ville-a", Status: model.A11yPartial, AuditDate: "2025-02-10",
			Method: "Audit", NonAccessible: "PDF", Derogations: "Archives", Contact: "a11y@ville-a.fr", UpdatedAt: now.Add(2 * time.Hour)}
		if err := s.SaveAccessibilityStatement(ctx, saved); err != nil {
			t.Fatal(err)
		}
		got, err := s.AccessibilityStatement(ctx, "ville-a")
		if err != nil {
			t.Fatal(err)
		}
		if got.Audit == nil || !reflect.DeepEqual(*got.Audit, audit) {
			t.Fatalf("audit after saving the statement: %+v, want %+v", got.Audit, audit)
		}
		got.Audit = nil
		if !reflect.DeepEqual(got, saved) {
			t.Fatalf("statement: %+v, want %+v", got, saved)
		}
		if o, err := s.OrganisationByID(ctx, "ville-a"); err != nil || o.A11yStatus != model.A11yPartial {
			t.Fatalf("organisation's status: %q, %v", o.A11yStatus, err)
		}
		if o, err := s.OrganisationByID(ctx, "ville-b"); err != nil || o.A11yStatus != model.A11yNone {
			t.Fatalf("other organisation's status: %q, %v", o.A11yStatus, err)
		}
		if err := s.ReplaceAccessibilityPlan(ctx, "ville-a", []model.A11yPlanYear{{Year: 2027, Actions: "b"}, {Year: 2026, Actions: "a"}}, now); err != nil {
			t.Fatal(err)
		}
		plan, err := s.AccessibilityPlan(ctx, "ville-a")
		if err != nil || !reflect.DeepEqual(plan, []model.A11yPlanYear{{Year: 2026, Actions: "a"}, {Year: 2027, Actions: "b"}}) {
			t.Fatalf("plan: %+v, %v", plan, err)
		}
		if plan, err := s.AccessibilityPlan(ctx, "ville-b"); err != nil || len(plan) != 0 {
			t.Fatalf("other organisation's plan: %+v, %v", plan, err)
		}
	})
}
