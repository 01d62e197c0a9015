package e2e

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// service creates a service of the organisation and returns its id.
func service(t *testing.T, ts *testserver.TS, org model.Organisation, name string) string {
	t.Helper()
	s, err := ts.App.Organisations.CreateService(context.Background(), adminOf(t, ts, org).ID, org.ID, name)
	if err != nil {
		t.Fatalf("create service %s: %v", name, err)
	}
	return s.ID
}

// adminOf returns an administrator of org, making one if needed.
func adminOf(t *testing.T, ts *testserver.TS, org model.Organisation) model.Account {
	t.Helper()
	return ts.Staff(t, "admin@"+org.Handle+".test", org.Handle, model.RoleAdmin)
}

// startWithAdmin starts a server with the organisation "bellerive" and a
// client signed in as its administrator.
func startWithAdmin(t *testing.T, engine store.Engine) (*testserver.TS, model.Organisation, *testserver.Client) {
	t.Helper()
	ts := testserver.Start(t, testserver.Options{Engine: engine})
	org := ts.Org(t, "bellerive")
	c := ts.Client(t)
	adminOf(t, ts, org)
	ts.LoginAs(t, c, "admin@bellerive.test")
	return ts, org, c
}

func auditActions(t *testing.T, ts *testserver.TS, orgID string) []string {
	t.Helper()
	entries, err := ts.Store.AuditOf(context.Background(), orgID, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Action)
	}
	return out
}

func TestInvitationCreatesAccountAndJoinsStaff(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts, org, admin := startWithAdmin(t, engine)
		voirie := service(t, ts, org, "Voirie")

		// An agent needs a service; the form keeps what was typed.
		r := admin.Post("/admin/bellerive/invitations", url.Values{"email": {"patrick@bellerive.test"}, "role": {"agent"}})
		if r.Status != 422 || !has(r, "Un agent appartient à au moins un service") || !strings.Contains(r.Body, `value="patrick@bellerive.test"`) {
			t.Fatalf("agent without service = %d", r.Status)
		}
		r = admin.Post("/admin/bellerive/invitations", url.Values{"email": {"Patrick@Bellerive.test"}, "role": {"agent"}, "services": {voirie}})
		if r.Status != 303 {
			t.Fatalf("invite = %d\n%s", r.Status, r.Body)
		}
		list := admin.Get("/admin/bellerive/staff")
		if !strings.Contains(list.Body, "patrick@bellerive.test") || !has(list, "Invitations en attente") || !strings.Contains(list.Body, "Voirie") {
			t.Fatal("pending invitation not listed")
		}
		msg := ts.Mail.Wait(t, "patrick@bellerive.test", "Invitation", 10*time.Second)
		if !strings.Contains(msg.Text, "Ville de bellerive") || !strings.Contains(msg.Text, "Agent de service") {
			t.Fatalf("invitation e-mail lacks organisation or role:\n%s", msg.Text)
		}
		link := testserver.Link(t, msg.Text, "/invitations/")

		invitee := ts.Client(t)
		page := invitee.Get(link)
		if page.Status != 200 || !strings.Contains(page.Body, "patrick@bellerive.test") || !strings.Contains(page.Body, `name="display_name"`) {
			t.Fatalf("invitation page = %d", page.Status)
		}
		weak := invitee.Post(link+"/signup", url.Values{"display_name": {"Patrick Girard"}, "password": {"court"}})
		if weak.Status != 422 || !has(weak, "au moins 12 caractères") || !strings.Contains(weak.Body, `value="Patrick Girard"`) {
			t.Fatalf("weak password = %d", weak.Status)
		}
		if _, err := ts.Store.AccountByEmail(t.Context(), "patrick@bellerive.test"); err == nil {
			t.Fatal("a refused signup left an account behind")
		}
		ok := invitee.Post(link+"/signup", url.Values{"display_name": {"Patrick Girard"}, "password": {"les quais de Loire au printemps"}})
		if ok.Status != 303 || ok.Location != "/admin/bellerive/" {
			t.Fatalf("signup = %d %q\n%s", ok.Status, ok.Location, ok.Body)
		}
		dash := invitee.Get("/admin/bellerive/")
		if dash.Status != 200 || !has(dash, "Bienvenue dans l'équipe") || !strings.Contains(dash.Body, "Agent de service") {
			t.Fatalf("invitee dashboard = %d", dash.Status)
		}
		acct, err := ts.Store.AccountByEmail(t.Context(), "patrick@bellerive.test")
		if err != nil || !acct.Verified() {
			t.Fatalf("invitee account = %+v, %v; want verified", acct, err)
		}
		m, err := ts.Store.Membership(t.Context(), acct.ID, org.ID)
		if err != nil || m.Role != model.RoleAgent || !slices.Equal(m.ServiceIDs, []string{voirie}) {
			t.Fatalf("membership = %+v, %v", m, err)
		}
		// Single use: the link now says so; a double submission changes nothing.
		if r := ts.Client(t).Get(link); r.Status != 410 || !has(r, "Invitation déjà utilisée") {
			t.Fatalf("used link = %d", r.Status)
		}
		if r := invitee.Post(link, nil); r.Status != 303 || r.Location != "/admin/bellerive/" {
			t.Fatalf("second accept by the same person = %d %q", r.Status, r.Location)
		}
		if list := admin.Get("/admin/bellerive/staff"); !has(list, "Aucune invitation en attente") {
			t.Fatal("accepted invitation still pending")
		}
		actions := auditActions(t, ts, org.ID)
		for _, want := range []string{"invitation.create", "invitation.accept"} {
			if !slices.Contains(actions, want) {
				t.Errorf("audit log lacks %s: %v", want, actions)
			}
		}
	})
}

func TestInvitationAcceptedBySignedInAccountRevokedAndExpired(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts, org, admin := startWithAdmin(t, engine)
		invite := func(email, role string) string {
			t.Helper()
			if r := admin.Post("/admin/bellerive/invitations", url.Values{"email": {email}, "role": {role}}); r.Status != 303 {
				t.Fatalf("invite %s = %d\n%s", email, r.Status, r.Body)
			}
			return testserver.Link(t, ts.Mail.Wait(t, email, "Invitation", 10*time.Second).Text, "/invitations/")
		}

		// Issue 15 (10): signed in with another address, the invitation
		// cannot be accepted: the page says which address may, and a
		// forged POST is refused and changes nothing.
		link := invite("maire@bellerive.test", "validator")
		other := ts.Client(t)
		ts.LoginAs(t, other, "helene.marchand@example.test")
		page := other.Get(link)
		if !strings.Contains(page.Body, "maire@bellerive.test") || !strings.Contains(page.Body, "helene.marchand@example.test") ||
			!strings.Contains(page.Body, "seul le compte de cette adresse peut l&#39;accepter") || strings.Contains(page.Body, "Accepter l&#39;invitation") {
			t.Fatalf("signed-in invitation page = %d\n%s", page.Status, page.Body)
		}
		if r := other.Post(link, nil); r.Status != 403 || !strings.Contains(r.Body, "seul le compte de cette adresse") {
			t.Fatalf("accept with another account = %d %q", r.Status, r.Location)
		}
		if r := other.Get("/admin/bellerive/"); r.Status != 403 {
			t.Fatalf("the other account became staff: %d", r.Status)
		}
		// The invited address accepts (the refusal did not use the link up).
		maire := ts.Client(t)
		ts.LoginAs(t, maire, "Maire@Bellerive.test")
		if r := maire.Post(link, nil); r.Status != 303 || r.Location != "/admin/bellerive/" {
			t.Fatalf("accept = %d %q", r.Status, r.Location)
		}
		if r := maire.Get("/admin/bellerive/"); r.Status != 200 || !strings.Contains(r.Body, "Valideur") {
			t.Fatalf("validator dashboard = %d", r.Status)
		}

		// Already staff: refused beside the field.
		if r := admin.Post("/admin/bellerive/invitations", url.Values{"email": {"maire@bellerive.test"}, "role": {"editor"}}); r.Status != 422 || !has(r, "fait déjà partie de l'équipe") {
			t.Fatalf("inviting a member = %d", r.Status)
		}

		// Revoked: the link stops working; revoking twice is harmless.
		link = invite("lucas@bellerive.test", "editor")
		invs, err := ts.Store.InvitationsOf(t.Context(), org.ID, ts.App.Now())
		if err != nil || len(invs) != 1 {
			t.Fatalf("pending = %v, %v", invs, err)
		}
		if r := admin.Post("/admin/bellerive/invitations/"+invs[0].ID+"/revoke", nil); r.Status != 303 {
			t.Fatalf("revoke = %d", r.Status)
		}
		if r := admin.Get("/admin/bellerive/staff"); !has(r, "L'invitation a été révoquée") {
			t.Error("no confirmation after revoking")
		}
		if r := admin.Post("/admin/bellerive/invitations/"+invs[0].ID+"/revoke", nil); r.Status != 303 {
			t.Fatalf("second revoke = %d", r.Status)
		}
		if r := ts.Client(t).Get(link); r.Status != 404 || !has(r, "Invitation introuvable") {
			t.Fatalf("revoked link = %d", r.Status)
		}

		// A new invitation replaces the pending one; after 7 days it expires.
		first := invite("sophie@bellerive.test", "manager")
		ts.Mail.Wait(t, "sophie@bellerive.test", "Invitation", time.Second)
		if r := admin.Post("/admin/bellerive/invitations", url.Values{"email": {"sophie@bellerive.test"}, "role": {"manager"}}); r.Status != 303 {
			t.Fatalf("re-invite = %d", r.Status)
		}
		if r := ts.Client(t).Get(first); r.Status != 404 {
			t.Fatalf("replaced link = %d, want 404", r.Status)
		}
		var second string
		for deadline := time.Now().Add(10 * time.Second); second == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			for _, m := range ts.Mail.Messages() {
				if slices.Contains(m.To, "sophie@bellerive.test") {
					if l := testserver.Link(t, m.Text, "/invitations/"); l != first {
						second = l
					}
				}
			}
		}
		if second == "" {
			t.Fatal("no second invitation e-mail")
		}
		ts.Clock.Advance(7*24*time.Hour + time.Minute)
		if r := ts.Client(t).Get(second); r.Status != 410 || !has(r, "Invitation expirée") {
			t.Fatalf("expired link = %d", r.Status)
		}
		if r := ts.Client(t).Post(second+"/signup", url.Values{"display_name": {"Sophie"}, "password": {"les quais de Loire au printemps"}}); r.Status != 410 {
			t.Fatalf("signup on expired link = %d", r.Status)
		}
		if !slices.Contains(auditActions(t, ts, org.ID), "invitation.revoke") {
			t.Error("revocation not audited")
		}
	})
}

func TestStaffRolesServicesAndLastAdmin(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts, org, admin := startWithAdmin(t, engine)
		me := adminOf(t, ts, org)

		// Services: create, refuse a duplicate, rename, delete.
		r := admin.Post("/admin/bellerive/services", url.Values{"name": {"État civil"}})
		if r.Status != 303 {
			t.Fatalf("create service = %d\n%s", r.Status, r.Body)
		}
		services, _ := ts.Store.ServicesOf(t.Context(), org.ID)
		if len(services) != 1 || services[0].Slug != "etat-civil" {
			t.Fatalf("services = %+v", services)
		}
		if r := admin.Post("/admin/bellerive/services", url.Values{"name": {"etat CIVIL"}}); r.Status != 422 || !has(r, "Un service porte déjà ce nom") {
			t.Fatalf("duplicate service = %d", r.Status)
		}
		if r := admin.Post("/admin/bellerive/services", url.Values{"name": {"  "}}); r.Status != 422 {
			t.Fatalf("empty service = %d", r.Status)
		}
		culture := service(t, ts, org, "Culture")
		if r := admin.Post("/admin/bellerive/services/"+culture, url.Values{"name": {"Culture et patrimoine"}}); r.Status != 303 {
			t.Fatalf("rename = %d", r.Status)
		}
		if r := admin.Get("/admin/bellerive/services"); !strings.Contains(r.Body, "Culture et patrimoine") {
			t.Fatal("renamed service not listed")
		}

		// Roles: an agent gets services; the last admin cannot step down or leave.
		agent := ts.Staff(t, "amelie@bellerive.test", "bellerive", model.RoleEditor)
		if r := admin.Get("/admin/bellerive/staff/" + agent.ID); r.Status != 200 || !strings.Contains(r.Body, "Culture et patrimoine") {
			t.Fatalf("member page = %d", r.Status)
		}
		if r := admin.Post("/admin/bellerive/staff/"+agent.ID, url.Values{"role": {"agent"}, "services": {culture}}); r.Status != 303 {
			t.Fatalf("change role = %d\n%s", r.Status, r.Body)
		}
		m, _ := ts.Store.Membership(t.Context(), agent.ID, org.ID)
		if m.Role != model.RoleAgent || !slices.Equal(m.ServiceIDs, []string{culture}) {
			t.Fatalf("membership = %+v", m)
		}
		if r := admin.Post("/admin/bellerive/staff/"+agent.ID, url.Values{"role": {"superuser"}}); r.Status != 422 || !has(r, "Choisissez un rôle") {
			t.Fatalf("bad role = %d", r.Status)
		}
		if r := admin.Post("/admin/bellerive/services/"+culture+"/delete", nil); r.Status != 303 {
			t.Fatalf("delete service = %d", r.Status)
		}
		if m, _ := ts.Store.Membership(t.Context(), agent.ID, org.ID); len(m.ServiceIDs) != 0 {
			t.Fatalf("deleted service still attached: %+v", m)
		}

		r = admin.Post("/admin/bellerive/staff/"+me.ID, url.Values{"role": {"editor"}})
		if r.Status != 422 || !has(r, "c'est le dernier administrateur") {
			t.Fatalf("last admin demoting self = %d", r.Status)
		}
		r = admin.Post("/admin/bellerive/staff/"+me.ID+"/remove", nil)
		if r.Status != 422 || !has(r, "c'est le dernier administrateur") {
			t.Fatalf("last admin leaving = %d", r.Status)
		}
		if m, err := ts.Store.Membership(t.Context(), me.ID, org.ID); err != nil || m.Role != model.RoleAdmin {
			t.Fatalf("last admin changed: %+v %v", m, err)
		}
		if r := admin.Post("/admin/bellerive/staff/"+agent.ID, url.Values{"role": {"admin"}}); r.Status != 303 {
			t.Fatalf("promote = %d", r.Status)
		}
		if r := admin.Post("/admin/bellerive/staff/"+me.ID+"/remove", nil); r.Status != 303 || r.Location != "/admin" {
			t.Fatalf("leave once another admin exists = %d %q", r.Status, r.Location)
		}
		if r := admin.Get("/admin/bellerive/"); r.Status != 403 {
			t.Fatalf("former member on dashboard = %d", r.Status)
		}
		actions := auditActions(t, ts, org.ID)
		for _, want := range []string{"service.create", "service.rename", "service.delete", "staff.change", "staff.remove"} {
			if !slices.Contains(actions, want) {
				t.Errorf("audit log lacks %s: %v", want, actions)
			}
		}
	})
}

// pngOf encodes a w×h image.
func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{0, 0, 145, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngHeaderClaiming is a PNG whose header announces w×h pixels: what a
// decompression bomb looks like before decoding.
func pngHeaderClaiming(t *testing.T, w, h uint32) []byte {
	t.Helper()
	b := pngOf(t, 1, 1)
	// IHDR data starts at byte 16: width then height, big-endian, then the
	// chunk's CRC over its type and data (bytes 12 to 29).
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func TestProfileEditWithLogo(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts, org, admin := startWithAdmin(t, engine)
		if r := admin.Get("/admin/bellerive/profile"); r.Status != 200 || !strings.Contains(r.Body, `enctype="multipart/form-data"`) {
			t.Fatalf("profile page = %d", r.Status)
		}
		form := url.Values{"name": {"Ville de Bellerive-sur-Loire"}, "kind": {"commune"}, "description": {"Au bord de la Loire."},
			"contact_email": {"contact@bellerive.test"}, "contact_phone": {"02 47 00 00 00"}, "address": {"1 place de la République"},
			"website": {"javascript:alert(1)"}, "population": {"12 400"}, "publication_director": {"Hélène Marchand, maire"},
			"host": {"SIM Val de Loire"}}
		r := admin.PostMultipart("/admin/bellerive/profile", form)
		if r.Status != 422 || !has(r, "commençant par https://") || !strings.Contains(r.Body, "Hélène Marchand, maire") {
			t.Fatalf("bad website = %d", r.Status)
		}
		form.Set("website", "https://www.bellerive.test")
		for name, c := range map[string]struct {
			data []byte
			want string
		}{
			"text file named .png": {[]byte("ceci n'est pas une image, juste du texte\n"), "n'est pas une image PNG, JPEG ou WebP"},
			"decompression bomb":   {pngHeaderClaiming(t, 100000, 100000), "L'image est trop grande"},
			"too large":            {append(pngOf(t, 2, 2), make([]byte, 2<<20)...), "Le logo dépasse 2 Mo"},
			"truncated":            {pngOf(t, 40, 40)[:60], "illisible ou abîmée"},
		} {
			r := admin.PostMultipart("/admin/bellerive/profile", form, testserver.File{Field: "logo", Name: "logo.png", Data: c.data})
			if r.Status != 422 || !has(r, c.want) || !strings.Contains(r.Body, "SIM Val de Loire") {
				t.Errorf("%s: status %d, want 422 with %q and the input kept", name, r.Status, c.want)
			}
		}
		// A body over the page's limit cannot be read: the page comes back
		// with the size message (parseUploadForm).
		if r := admin.PostMultipart("/admin/bellerive/profile", form, testserver.File{Field: "logo", Name: "logo.png", Data: make([]byte, 13<<20)}); r.Status != 413 || !has(r, "Le logo dépasse 2 Mo") {
			t.Errorf("13 MB body: status %d, want 413 with the size message", r.Status)
		}
		if o, _ := ts.Store.OrganisationByID(t.Context(), org.ID); o.Description != "" || o.LogoPath != "" {
			t.Fatalf("refused forms changed the profile: %+v", o)
		}
		r = admin.PostMultipart("/admin/bellerive/profile", form, testserver.File{Field: "logo", Name: "logo.png", Data: pngOf(t, 64, 32)})
		if r.Status != 303 {
			t.Fatalf("save profile = %d\n%s", r.Status, r.Body)
		}
		o, _ := ts.Store.OrganisationByID(t.Context(), org.ID)
		if o.Population != 12400 || o.Website != "https://www.bellerive.test" || !strings.HasPrefix(o.LogoPath, "logos/") || !strings.HasSuffix(o.LogoPath, ".png") {
			t.Fatalf("saved profile = %+v", o)
		}
		pub := ts.Client(t)
		home := pub.Get("/bellerive/")
		// The header's link shows the logo then the name, which is the
		// link's text: the image's text alternative is empty.
		if !strings.Contains(home.Body, `src="/media/`+o.LogoPath+`" alt=""><span class="brand-name">Ville de Bellerive-sur-Loire</span>`) {
			t.Fatalf("public page lacks the logo with the name:\n%s", home.Body)
		}
		img := pub.Get("/media/" + o.LogoPath)
		if img.Status != 200 || img.Header.Get("Content-Type") != "image/png" || !strings.Contains(img.Header.Get("Cache-Control"), "immutable") {
			t.Fatalf("logo = %d %q %q", img.Status, img.Header.Get("Content-Type"), img.Header.Get("Cache-Control"))
		}
		if cfg, err := png.DecodeConfig(strings.NewReader(img.Body)); err != nil || cfg.Width != 64 || cfg.Height != 32 {
			t.Fatalf("served logo: %+v %v", cfg, err)
		}
		for _, p := range []string{"/media/../parvis.db", "/media/%2e%2e/parvis.db", "/media/logos/", "/media/logos", "/media/nothing.png"} {
			if r := pub.Get(p); r.Status != 404 && r.Status != 400 && r.Status/100 != 3 {
				t.Errorf("%s = %d, want nothing served", p, r.Status)
			}
		}
		legal := pub.Get("/bellerive/mentions-legales")
		if !strings.Contains(legal.Body, "Hélène Marchand, maire") || !strings.Contains(legal.Body, "SIM Val de Loire") {
			t.Fatal("legal notices not updated")
		}
		// Removing the logo.
		form.Set("remove_logo", "1")
		if r := admin.PostMultipart("/admin/bellerive/profile", form); r.Status != 303 {
			t.Fatalf("remove logo = %d", r.Status)
		}
		if o, _ := ts.Store.OrganisationByID(t.Context(), org.ID); o.LogoPath != "" {
			t.Fatal("logo not removed")
		}
		if !slices.Contains(auditActions(t, ts, org.ID), "org.profile") {
			t.Error("profile change not audited")
		}
	})
}
