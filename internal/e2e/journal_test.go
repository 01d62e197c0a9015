package e2e

import (
	"net/url"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

func TestJournalShowsWhoDidWhatToManagersOfThatOrganisationOnly(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ts.Org(t, "ville-a")
		ts.Org(t, "ville-b")
		ts.Staff(t, "admin-a@example.test", "ville-a", model.RoleAdmin)
		ts.Staff(t, "admin-b@example.test", "ville-b", model.RoleAdmin)
		ts.Staff(t, "editeur-a@example.test", "ville-a", model.RoleEditor)

		admin := ts.Client(t)
		ts.LoginAs(t, admin, "admin-a@example.test")
		if r := admin.Post("/admin/ville-a/services", url.Values{"name": {"Voirie"}}); r.Status != 303 {
			t.Fatalf("create service = %d", r.Status)
		}
		orgA := ts.Org(t, "ville-a")
		if _, err := ts.Store.DB().Exec(`INSERT INTO audit_log (id, org_id, actor_id, action, target, detail, created_at)
			VALUES ($1, $2, '', 'publication.published', $3, 'draft → published : relu par la maire', $4)`,
			core.NewID(), orgA.ID, core.NewID(), ts.App.Now()); err != nil {
			t.Fatal(err)
		}
		page := admin.Get("/admin/ville-a/journal")
		// A state change reads in French; the export keeps the stable codes.
		mustContain(t, "state change", page.Body, "Brouillon → Publiée : relu par la maire")
		if page.Status != 200 || !strings.Contains(page.Body, "service") || !strings.Contains(page.Body, "Voirie") {
			t.Fatalf("journal = %d, missing the service creation", page.Status)
		}
		// Actions read as sentences, with the stable code of the export.
		mustContain(t, "journal", page.Body, "Service créé<br><code class=\"small\">service.create</code>")
		csv := admin.Get("/admin/ville-a/journal.csv")
		if csv.Status != 200 || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") || !strings.Contains(csv.Body, "Voirie") ||
			!strings.Contains(csv.Body, "draft → published") {
			t.Fatalf("journal export = %d %q", csv.Status, csv.Header.Get("Content-Type"))
		}

		editor := ts.Client(t)
		ts.LoginAs(t, editor, "editeur-a@example.test")
		if r := editor.Get("/admin/ville-a/journal"); r.Status != 403 {
			t.Fatalf("editor reads the journal: %d", r.Status)
		}
		other := ts.Client(t)
		ts.LoginAs(t, other, "admin-b@example.test")
		for _, p := range []string{"/admin/ville-a/journal", "/admin/ville-a/journal.csv"} {
			if r := other.Get(p); r.Status != 403 {
				t.Fatalf("admin of another organisation reads %s: %d", p, r.Status)
			}
		}
		if r := other.Get("/admin/ville-b/journal"); r.Status != 200 || strings.Contains(r.Body, "Voirie") {
			t.Fatalf("ville-b's journal = %d or shows ville-a's entries", r.Status)
		}
	})
}

// TestCachedLoginFormKeepsWhatVariesPerVisitor checks that the cached empty
// login form never serves one visitor's redirect target or language to another.
func TestCachedLoginFormKeepsWhatVariesPerVisitor(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	c := ts.Client(t)
	plain := c.Get("/login")
	if plain.Status != 200 || plain.Header.Get("ETag") == "" {
		t.Fatalf("/login = %d, ETag %q", plain.Status, plain.Header.Get("ETag"))
	}
	withNext := c.Get("/login?next=/account")
	if !strings.Contains(withNext.Body, `value="/account"`) {
		t.Fatal("the next target is lost on /login?next=…")
	}
	again := c.Get("/login")
	if again.Body != plain.Body || strings.Contains(again.Body, `value="/account"`) {
		t.Fatal("cached /login differs or carries another visitor's next target")
	}
	en := ts.Client(t)
	en.Post("/lang", url.Values{"lang": {"en"}, "next": {"/login"}})
	if r := en.Get("/login"); !strings.Contains(r.Body, `lang="en"`) {
		t.Fatal("an English reader got the French cached page")
	}
	signedIn := ts.Client(t)
	ts.LoginAs(t, signedIn, "deja@example.test")
	if r := signedIn.Get("/login"); r.Status != 303 {
		t.Fatalf("signed-in /login = %d, want a redirect", r.Status)
	}
}
