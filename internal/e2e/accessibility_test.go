package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestAccessibilityStatementForms: the administrator's statement and plan
// forms refuse bad input with French messages beside the fields and the
// input kept, save nothing then, and publish what is valid; the status
// shows in the footer of every page; other roles are refused.
func TestAccessibilityStatementForms(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ts.Org(t, "bellerive")
		admin := ts.Client(t)
		ts.LoginAs(t, admin, "admin@bellerive.test")
		ts.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
		editor := ts.Client(t)
		ts.LoginAs(t, editor, "redaction@bellerive.test")
		ts.Staff(t, "redaction@bellerive.test", "bellerive", model.RoleEditor)

		if r := admin.Get("/admin/bellerive/accessibilite"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Aucune vérification automatique") {
			t.Fatalf("statement form: %d %s", r.Status, r.Body)
		}
		bad := url.Values{"status": {"totalement_conforme"}, "audit_date": {""}, "method": {"Audit par la mission numérique"},
			"non_accessible": {"Les PDF anciens"}, "derogations": {""}, "contact": {strings.Repeat("x", 5001)}}
		r := admin.Post("/admin/bellerive/accessibilite", bad)
		for _, want := range []string{"ne peut se déclarer totalement conforme qu&#39;après un audit", "Ce texte est trop long",
			"Audit par la mission numérique", "Les PDF anciens", `aria-invalid="true"`} {
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, want) {
				t.Fatalf("invalid statement: %d, want %q in the page", r.Status, want)
			}
		}
		bad = url.Values{"status": {"partiellement_conforme"}, "audit_date": {"12/11/2026"}}
		if r := admin.Post("/admin/bellerive/accessibilite", bad); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "Indiquez une date valide au format AAAA-MM-JJ") || !strings.Contains(r.Body, `value="12/11/2026"`) {
			t.Fatalf("bad date: %d", r.Status)
		}
		future := ts.App.Now().AddDate(0, 1, 0).Format("2006-01-02")
		if r := admin.Post("/admin/bellerive/accessibilite", url.Values{"status": {"partiellement_conforme"}, "audit_date": {future}}); !strings.Contains(r.Body, "ne peut pas être dans le futur") {
			t.Fatalf("future audit date accepted: %d", r.Status)
		}
		if r := ts.Client(t).Get("/bellerive/"); !strings.Contains(r.Body, "Accessibilité : non conforme") {
			t.Fatal("a refused form changed the status")
		}

		audited := ts.App.Now().AddDate(0, 0, -10).Format("2006-01-02")
		good := url.Values{"status": {"partiellement_conforme"}, "audit_date": {audited}, "method": {"Audit sur 15 pages avec NVDA."},
			"non_accessible": {"Les PDF des délibérations anciennes\nLa carte des bureaux de vote"}, "derogations": {"Les bulletins numérisés"},
			"contact": {"accessibilite@bellerive.test"}}
		if r := admin.Post("/admin/bellerive/accessibilite", good); r.Status != http.StatusSeeOther {
			t.Fatalf("valid statement: %d %s", r.Status, r.Body)
		}
		pub := ts.Client(t)
		page := pub.Get("/bellerive/accessibilite")
		for _, want := range []string{"partiellement conforme au référentiel général", "La carte des bureaux de vote", "Les bulletins numérisés",
			"accessibilite@bellerive.test", "Défenseur des droits", "Libre réponse 71120", "Accessibilité : partiellement conforme",
			"Aucune vérification automatique", "Aucun schéma pluriannuel"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("statement page lacks %q", want)
			}
		}
		if r := pub.Get("/bellerive/"); !strings.Contains(r.Body, "Accessibilité : partiellement conforme") {
			t.Error("the home page's footer does not show the new status (page cache not renewed?)")
		}

		badPlan := url.Values{"year_0": {"20x7"}, "actions_0": {"Former les rédacteurs"}, "year_1": {"2027"}, "actions_1": {""},
			"year_2": {"2028"}, "actions_2": {"Audit"}, "year_3": {"2028"}, "actions_3": {"Autre"}}
		r = admin.Post("/admin/bellerive/accessibilite/schema", badPlan)
		for _, want := range []string{"Indiquez une année entre 2000 et 2100", "Indiquez au moins une action", "Cette année figure déjà",
			`value="20x7"`, "Former les rédacteurs"} {
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, want) {
				t.Fatalf("invalid plan: %d, want %q in the page", r.Status, want)
			}
		}
		if plan, err := ts.App.Organisations.AccessibilityPlan(context.Background(), ts.Org(t, "bellerive").ID); err != nil || len(plan) != 0 {
			t.Fatalf("a refused plan was saved: %v %v", plan, err)
		}
		goodPlan := url.Values{"year_0": {"2027"}, "actions_0": {"Former les rédacteurs\nBaliser les PDF"}, "year_1": {"2028"},
			"actions_1": {"Carte accessible"}, "year_2": {"2029"}, "actions_2": {"Nouvel audit complet"}}
		if r := admin.Post("/admin/bellerive/accessibilite/schema", goodPlan); r.Status != http.StatusSeeOther {
			t.Fatalf("valid plan: %d %s", r.Status, r.Body)
		}
		plan := pub.Get("/bellerive/accessibilite/schema-pluriannuel")
		for _, want := range []string{"2027", "Baliser les PDF", "2028", "Carte accessible", "2029", "Nouvel audit complet"} {
			if !strings.Contains(plan.Body, want) {
				t.Errorf("plan page lacks %q", want)
			}
		}
		if !strings.Contains(pub.Get("/bellerive/accessibilite").Body, "/bellerive/accessibilite/schema-pluriannuel") {
			t.Error("the statement does not link the plan")
		}

		for _, path := range []string{"/admin/bellerive/accessibilite", "/admin/bellerive/accessibilite/schema"} {
			if r := editor.Get(path); r.Status != http.StatusForbidden {
				t.Errorf("editor GET %s: %d", path, r.Status)
			}
			if r := editor.Post(path, good); r.Status != http.StatusForbidden {
				t.Errorf("editor POST %s: %d", path, r.Status)
			}
		}
	})
}

// TestAccessibilityPlanConcurrentSaves: administrators saving the plan at
// the same time leave one of the plans they sent, whole, never a mix.
func TestAccessibilityPlanConcurrentSaves(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := ts.Org(t, "bellerive")
		const n = 6
		var admins []model.Account
		for i := range n {
			admins = append(admins, ts.Staff(t, fmt.Sprintf("admin%d@bellerive.test", i), "bellerive", model.RoleAdmin))
		}
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i, a := range admins {
			wg.Add(1)
			go func() {
				defer wg.Done()
				base := 2030 + 3*i
				errs <- ts.App.Organisations.UpdateAccessibilityPlan(context.Background(), a.ID, org.ID, []organisations.PlanYearInput{
					{Year: fmt.Sprint(base), Actions: fmt.Sprintf("plan %d", i)},
					{Year: fmt.Sprint(base + 1), Actions: fmt.Sprintf("plan %d", i)},
					{Year: fmt.Sprint(base + 2), Actions: fmt.Sprintf("plan %d", i)},
				})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		plan, err := ts.App.Organisations.AccessibilityPlan(context.Background(), org.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(plan) != 3 || plan[0].Actions != plan[1].Actions || plan[1].Actions != plan[2].Actions || plan[1].Year != plan[0].Year+1 {
			t.Fatalf("plan after concurrent saves is not one whole plan: %+v", plan)
		}
	})
}
