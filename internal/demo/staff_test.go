package demo_test

import (
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/demo"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

func TestDemoShowsTwoOrganisationsAndAPendingInvitation(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{Outbox: true})
	if _, err := demo.Seed(t.Context(), ts.App); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(t.Context(), ts.App); err != nil {
		t.Fatalf("seeding twice: %v", err)
	}
	c := ts.Client(t)
	ts.LoginAs(t, c, "admin@bellerive.example")
	r := c.Get("/admin")
	if !strings.Contains(r.Body, "Ville de Bellerive-sur-Loire") || !strings.Contains(r.Body, "Communauté de communes Val de Loire") {
		t.Fatalf("the demo admin does not see both organisations:\n%s", r.Body)
	}
	staff := c.Get("/admin/bellerive/staff")
	if !strings.Contains(staff.Body, "nadia.haddad@bellerive.example") || !strings.Contains(staff.Body, "Jeunesse") {
		t.Fatal("the demo's pending invitation is not listed")
	}
	if r := c.Get("/val-de-loire/mentions-legales"); !strings.Contains(r.Body, "Bernard Lemoine, président") {
		t.Fatalf("intercommunalité legal notices = %d", r.Status)
	}
}
