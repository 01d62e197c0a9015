package e2e

import (
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

func TestStaffAreaListsOrganisationsAndDashboard(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		anon := ts.Client(t)
		if r := anon.Get("/admin"); r.Status != 303 || !strings.HasPrefix(r.Location, "/login?next=") {
			t.Fatalf("anonymous /admin = %d %q, want redirect to /login", r.Status, r.Location)
		}

		ts.Org(t, "bellerive")
		ts.Org(t, "val-de-loire")
		ts.Staff(t, "karim@bellerive.test", "bellerive", model.RoleAdmin)
		ts.Staff(t, "karim@bellerive.test", "val-de-loire", model.RoleEditor)

		c := ts.Client(t)
		ts.LoginAs(t, c, "karim@bellerive.test")
		r := c.Get("/admin")
		if r.Status != 200 {
			t.Fatalf("/admin = %d", r.Status)
		}
		for _, want := range []string{`href="/admin/bellerive/"`, `href="/admin/val-de-loire/"`, "Administrateur", "Rédacteur"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("/admin lacks %q", want)
			}
		}
		if strings.Contains(r.Body, `action="/admin"`) {
			t.Error("a non-operator sees the organisation creation form")
		}
		home := c.Get("/admin/bellerive/")
		if home.Status != 200 || !strings.Contains(home.Body, "Ville de bellerive") || !strings.Contains(home.Body, `href="/admin/bellerive/staff"`) {
			t.Fatalf("admin dashboard = %d, missing name or staff link", home.Status)
		}
		if !strings.Contains(home.Body, `aria-current="page">Tableau de bord`) {
			t.Error("dashboard link not marked current in the staff navigation")
		}
		// As an editor of the second organisation, no staff-management links.
		ed := c.Get("/admin/val-de-loire/")
		if ed.Status != 200 || strings.Contains(ed.Body, `href="/admin/val-de-loire/staff"`) {
			t.Fatalf("editor dashboard = %d or shows the staff link", ed.Status)
		}
		if r := c.Get("/admin/nowhere/"); r.Status != 404 {
			t.Errorf("unknown organisation = %d, want 404", r.Status)
		}

		resident := ts.Client(t)
		ts.LoginAs(t, resident, "jeanne@example.test")
		if r := resident.Get("/admin"); r.Status != 200 || !has(r, "Vous ne faites partie de l'équipe d'aucune collectivité") {
			t.Fatalf("resident /admin = %d", r.Status)
		}
		if r := resident.Get("/admin/bellerive/"); r.Status != 403 {
			t.Fatalf("resident on a staff dashboard = %d, want 403", r.Status)
		}
		if r := resident.Post("/admin", url.Values{"handle": {"pirate"}, "name": {"Pirate"}, "kind": {"commune"}}); r.Status != 403 {
			t.Fatalf("non-operator creating an organisation = %d, want 403", r.Status)
		}
	})
}

func TestOperatorCreatesOrganisationFromTheWeb(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		op := ts.Account(t, "operateur@parvis.test")
		if err := ts.Store.SetOperator(t.Context(), op.ID, true, ts.App.Now()); err != nil {
			t.Fatal(err)
		}
		c := ts.Client(t)
		ts.LoginAs(t, c, "operateur@parvis.test")
		if r := c.Get("/admin"); !strings.Contains(r.Body, `action="/admin"`) {
			t.Fatal("operator does not see the creation form")
		}
		bad := c.Post("/admin", url.Values{"handle": {"Admin!"}, "name": {"Ville de Test"}, "kind": {"commune"}})
		if bad.Status != 422 || !has(bad, "L'identifiant doit compter de 3 à 30 caractères") ||
			!strings.Contains(bad.Body, `value="Ville de Test"`) || !strings.Contains(bad.Body, `aria-invalid="true"`) {
			t.Fatalf("bad handle = %d, want 422 with message and input kept:\n%s", bad.Status, bad.Body)
		}
		r := c.Post("/admin", url.Values{"handle": {"saint-martin"}, "name": {"Saint-Martin-des-Prés"}, "kind": {"commune"}})
		if r.Status != 303 || r.Location != "/admin/saint-martin/" {
			t.Fatalf("create = %d %q", r.Status, r.Location)
		}
		if r := c.Get("/admin/saint-martin/"); r.Status != 200 || !strings.Contains(r.Body, "Administrateur") {
			t.Fatalf("new organisation's dashboard = %d", r.Status)
		}
		again := c.Post("/admin", url.Values{"handle": {"saint-martin"}, "name": {"Autre"}, "kind": {"commune"}})
		if again.Status != 422 || !strings.Contains(again.Body, "déjà utilisé") {
			t.Fatalf("duplicate handle = %d", again.Status)
		}
		if pub := ts.Client(t).Get("/saint-martin/"); pub.Status != 200 || !strings.Contains(pub.Body, "Saint-Martin-des-Prés") {
			t.Fatalf("public page = %d", pub.Status)
		}
	})
}

func TestPublicOrganisationPagesAndLegalNotices(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	o := ts.Org(t, "bellerive")
	o.Description = "Au bord de la Loire."
	o.PublicationDirector = "Hélène Marchand, maire"
	o.Host = "SIM Val de Loire, 3 rue des Ponts"
	o.ContactEmail = "contact@bellerive.test"
	if err := ts.Store.UpdateOrganisationProfile(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	c := ts.Client(t)
	home := c.Get("/bellerive/")
	if home.Status != 200 || !strings.Contains(home.Body, "Au bord de la Loire.") || !strings.Contains(home.Body, "/bellerive/mentions-legales") {
		t.Fatalf("org home = %d", home.Status)
	}
	legal := c.Get("/bellerive/mentions-legales")
	for _, want := range []string{"Mentions légales", "Hélène Marchand, maire", "SIM Val de Loire, 3 rue des Ponts", "mailto:contact@bellerive.test"} {
		if !strings.Contains(legal.Body, want) {
			t.Errorf("legal notices lack %q", want)
		}
	}
	for _, p := range []string{"/nulle-part/", "/nulle-part/mentions-legales", "/bellerive/nothing-here"} {
		if r := c.Get(p); r.Status != 404 || !strings.Contains(r.Body, "Page introuvable") {
			t.Errorf("%s = %d, want our 404 page", p, r.Status)
		}
	}
}

// has reports whether the page's text (entities decoded) contains s.
func has(r testserver.Response, s string) bool {
	return strings.Contains(html.UnescapeString(r.Body), s)
}
