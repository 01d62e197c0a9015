package e2e

import (
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/accounts"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestStaffCannotTouchAnotherOrganisation proves that an administrator of
// organisation A can neither read nor change organisation B's profile, staff,
// invitations or services, through B's URLs or by putting B's ids in A's.
func TestStaffCannotTouchAnotherOrganisation(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		a, b := ts.Org(t, "commune-a"), ts.Org(t, "commune-b")
		adminB := adminOf(t, ts, b)
		bService := service(t, ts, b, "Voirie")
		bMember := ts.Staff(t, "agent@commune-b.test", "commune-b", model.RoleAgent, bService)
		bInv, err := ts.App.Accounts.Invite(t.Context(), adminB, b.ID, accounts.NewInvitation{Email: "futur@commune-b.test", Role: model.RoleEditor}, "fr")
		if err != nil {
			t.Fatal(err)
		}
		ts.Staff(t, "admin@commune-a.test", "commune-a", model.RoleAdmin)
		aMember := ts.Staff(t, "redac@commune-a.test", "commune-a", model.RoleEditor)
		c := ts.Client(t)
		ts.LoginAs(t, c, "admin@commune-a.test")

		// B's pages and forms, addressed directly: 403.
		for _, p := range []string{"/admin/commune-b/", "/admin/commune-b/staff", "/admin/commune-b/services", "/admin/commune-b/profile",
			"/admin/commune-b/staff/" + bMember.ID, "/admin/commune-b/services/" + bService} {
			if r := c.Get(p); r.Status != 403 {
				t.Errorf("GET %s = %d, want 403", p, r.Status)
			}
		}
		posts := map[string]url.Values{
			"/admin/commune-b/profile":                            {"name": {"Piratée"}, "kind": {"commune"}},
			"/admin/commune-b/invitations":                        {"email": {"intrus@example.test"}, "role": {"admin"}},
			"/admin/commune-b/invitations/" + bInv.ID + "/revoke": nil,
			"/admin/commune-b/staff/" + bMember.ID:                {"role": {"admin"}},
			"/admin/commune-b/staff/" + bMember.ID + "/remove":    nil,
			"/admin/commune-b/services":                           {"name": {"Intrus"}},
			"/admin/commune-b/services/" + bService:               {"name": {"Renommé"}},
			"/admin/commune-b/services/" + bService + "/delete":   nil,
		}
		for p, form := range posts {
			if r := c.Post(p, form); r.Status != 403 {
				t.Errorf("POST %s = %d, want 403", p, r.Status)
			}
		}
		if r := c.PostMultipart("/admin/commune-b/profile", url.Values{"name": {"Piratée"}, "kind": {"commune"}}); r.Status != 403 {
			t.Errorf("multipart POST to B's profile = %d, want 403", r.Status)
		}

		// B's ids inside A's URLs: not found, nothing changes.
		for _, p := range []string{"/admin/commune-a/staff/" + bMember.ID, "/admin/commune-a/services/" + bService} {
			if r := c.Get(p); r.Status != 404 {
				t.Errorf("GET %s = %d, want 404", p, r.Status)
			}
		}
		for p, form := range map[string]url.Values{
			"/admin/commune-a/staff/" + bMember.ID:              {"role": {"admin"}},
			"/admin/commune-a/staff/" + bMember.ID + "/remove":  nil,
			"/admin/commune-a/services/" + bService:             {"name": {"Renommé"}},
			"/admin/commune-a/services/" + bService + "/delete": nil,
		} {
			if r := c.Post(p, form); r.Status != 404 {
				t.Errorf("POST %s = %d, want 404", p, r.Status)
			}
		}
		if r := c.Post("/admin/commune-a/invitations/"+bInv.ID+"/revoke", nil); r.Status != 303 {
			t.Errorf("revoking B's invitation from A = %d, want the harmless redirect", r.Status)
		}
		if r := c.Post("/admin/commune-a/invitations", url.Values{"email": {"x@commune-a.test"}, "role": {"agent"}, "services": {bService}}); r.Status != 422 {
			t.Errorf("inviting into A with B's service = %d, want 422", r.Status)
		}
		if r := c.Post("/admin/commune-a/staff/"+aMember.ID, url.Values{"role": {"agent"}, "services": {bService}}); r.Status != 422 {
			t.Errorf("giving A's member B's service = %d, want 422", r.Status)
		}

		// A's non-admin staff cannot manage A either.
		ed := ts.Client(t)
		ts.LoginAs(t, ed, "redac@commune-a.test")
		for _, p := range []string{"/admin/commune-a/staff", "/admin/commune-a/services", "/admin/commune-a/profile"} {
			if r := ed.Get(p); r.Status != 403 {
				t.Errorf("editor GET %s = %d, want 403", p, r.Status)
			}
		}
		if r := ed.Post("/admin/commune-a/invitations", url.Values{"email": {"x@commune-a.test"}, "role": {"admin"}}); r.Status != 403 {
			t.Errorf("editor inviting = %d, want 403", r.Status)
		}

		// B is exactly as it was.
		ctx := t.Context()
		if o, _ := ts.Store.OrganisationByID(ctx, b.ID); o.Name != b.Name {
			t.Errorf("B's name changed to %q", o.Name)
		}
		if m, err := ts.Store.Membership(ctx, bMember.ID, b.ID); err != nil || m.Role != model.RoleAgent || !slices.Equal(m.ServiceIDs, []string{bService}) {
			t.Errorf("B's member changed: %+v %v", m, err)
		}
		if _, err := ts.Store.Membership(ctx, bMember.ID, a.ID); err == nil {
			t.Error("B's member was added to A")
		}
		if staff, _ := ts.Store.StaffOf(ctx, b.ID); len(staff) != 2 {
			t.Errorf("B's staff = %d members, want 2", len(staff))
		}
		if invs, _ := ts.Store.InvitationsOf(ctx, b.ID, time.Now()); len(invs) != 1 || invs[0].ID != bInv.ID {
			t.Errorf("B's invitations = %+v", invs)
		}
		if svcs, _ := ts.Store.ServicesOf(ctx, b.ID); len(svcs) != 1 || svcs[0].Name != "Voirie" {
			t.Errorf("B's services = %+v", svcs)
		}
		ts.WaitJobsIdle(t) // an invitation would have been sent by now
		if got := ts.Mail.Count("intrus@example.test"); got != 0 {
			t.Errorf("an invitation was sent into B")
		}
	})
}
