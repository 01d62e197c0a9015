package e2e

import (
	"net/url"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// A resident who forgot their password on an organisation's page stays in
// its look (name, menu, colours) through the request, the notice, the
// e-mail (in its name) and the new-password form, and lands back on the
// page; the same for a new confirmation link. The page to return to is a
// path of this site only: an absolute or scheme-relative address is
// ignored (no open redirect).
func TestPasswordResetAndResendReturnToOrganisationPage(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ts.Org(t, "bellerive")
		ts.Org(t, "autreville")
		const page = "/bellerive/p/travaux-quai"
		q := "?next=" + url.QueryEscape(page)
		branded := `<span class="brand-name">Ville de bellerive</span>`
		ts.Account(t, "lea@example.test")
		c := ts.Client(t)

		mustContain(t, "login links the reset with next", c.Get("/login"+q).Body, `href="/password/forgot?next=%2fbellerive%2fp%2ftravaux-quai"`)
		r := c.Get("/password/forgot" + q)
		mustContain(t, "forgot page", r.Body, branded, `href="/bellerive/actualites"`, `name="next" value="/bellerive/p/travaux-quai"`)
		r = c.Post("/password/forgot", form("email", "pas une adresse", "next", page))
		mustStatus(t, "bad address", r, 422)
		mustContain(t, "refused forgot form", r.Body, branded, `name="next" value="/bellerive/p/travaux-quai"`)
		r = c.Post("/password/forgot", form("email", "lea@example.test", "next", page))
		mustStatus(t, "forgot", r, 303)
		if r.Location != "/password/sent"+q {
			t.Fatalf("forgot went to %q", r.Location)
		}
		mustContain(t, "reset notice", c.Get(r.Location).Body, branded)
		m := mailTo(t, ts, "lea@example.test", "Choisissez un nouveau mot de passe", 1)
		if from := headerAddress(t, m, "From"); from.Name != "Ville de bellerive" {
			t.Errorf("reset mail From = %q", m.Header.Get("From"))
		}
		link := testserver.Link(t, m.Text, "/password/reset/")
		if !strings.HasSuffix(link, q) {
			t.Fatalf("reset link %q does not return to the page", link)
		}
		r = c.Get(link)
		mustStatus(t, "reset form", r, 200)
		mustContain(t, "reset form", r.Body, branded, `name="next" value="/bellerive/p/travaux-quai"`)
		path, _, _ := strings.Cut(link, "?")
		r = c.Post(path, form("password", "court", "next", page))
		mustStatus(t, "short password", r, 422)
		mustContain(t, "refused reset form", r.Body, branded, `name="next" value="/bellerive/p/travaux-quai"`)
		r = c.Post(path, form("password", "les quais de Loire au printemps", "next", page))
		mustStatus(t, "reset", r, 303)
		if r.Location != page {
			t.Fatalf("reset went to %q, want %q", r.Location, page)
		}

		// Signed in now: the account page opened from the organisation's
		// pages wears its look, and its forms come back to it so.
		mustContain(t, "header account link", c.Get(page).Body, `href="/account?next=%2fbellerive%2fp%2ftravaux-quai"`)
		r = c.Get("/account" + q)
		mustContain(t, "account page", r.Body, branded, `action="/account/profile?next=%2Fbellerive%2Fp%2Ftravaux-quai"`)
		r = c.Post("/account/profile"+q, form("display_name", "Léa M.", "locale", "fr"))
		if mustStatus(t, "profile", r, 303); r.Location != "/account"+q {
			t.Fatalf("profile went to %q", r.Location)
		}
		r = c.Post("/account/profile?next="+url.QueryEscape("//evil.example/"), form("display_name", "Léa M.", "locale", "fr"))
		if mustStatus(t, "profile", r, 303); r.Location != "/account" {
			t.Fatalf("profile with a foreign next went to %q", r.Location)
		}

		// A new confirmation link, asked from the organisation's pages.
		c2 := ts.Client(t)
		mustStatus(t, "sign-up", c2.Post("/signup", form("email", "tom@example.test", "display_name", "Tom", "password", goodPassword, "next", page)), 303)
		mailTo(t, ts, "tom@example.test", "Confirmez votre adresse", 1)
		r = c2.Get("/signup/sent" + q)
		mustContain(t, "sign-up notice offers a new link", r.Body, `href="/verify/resend?next=%2fbellerive%2fp%2ftravaux-quai"`)
		mustContain(t, "resend page", c2.Get("/verify/resend"+q).Body, branded, `name="next" value="/bellerive/p/travaux-quai"`)
		r = c2.Post("/verify/resend", form("email", "tom@example.test", "next", page))
		mustStatus(t, "resend", r, 303)
		if r.Location != "/verify/sent"+q {
			t.Fatalf("resend went to %q", r.Location)
		}
		mustContain(t, "resend notice", c2.Get(r.Location).Body, branded)
		m = mailTo(t, ts, "tom@example.test", "Confirmez votre adresse", 2)
		if from := headerAddress(t, m, "From"); from.Name != "Ville de bellerive" {
			t.Errorf("resend mail From = %q", m.Header.Get("From"))
		}
		r = c2.Get(testserver.Link(t, m.Text, "/verify/"))
		mustStatus(t, "verify", r, 303)
		if r.Location != "/login"+q {
			t.Fatalf("verification went to %q", r.Location)
		}

		// Elsewhere than this site's paths, next is ignored.
		for _, evil := range []string{"https://evil.example/bellerive/", "//evil.example/bellerive/", "/\\evil.example/", "bellerive/p/x"} {
			eq := "?next=" + url.QueryEscape(evil)
			for _, p := range []string{"/password/forgot", "/verify/resend", "/password/sent", "/verify/sent"} {
				body := c.Get(p + eq).Body
				if strings.Contains(body, "Ville de bellerive") || strings.Contains(body, "evil.example") {
					t.Errorf("%s with next=%s kept it", p, evil)
				}
			}
			r = c.Post("/password/forgot", form("email", "lea@example.test", "next", evil))
			if mustStatus(t, "forgot elsewhere", r, 303); r.Location != "/password/sent" {
				t.Errorf("forgot with next=%s went to %q", evil, r.Location)
			}
			r = c.Post("/verify/resend", form("email", "tom@example.test", "next", evil))
			if mustStatus(t, "resend elsewhere", r, 303); r.Location != "/verify/sent" {
				t.Errorf("resend with next=%s went to %q", evil, r.Location)
			}
		}
		// One request only: each new link voids the earlier ones, and
		// e-mails may arrive out of order.
		ts.Account(t, "max@example.test")
		mustStatus(t, "forgot elsewhere", c.Post("/password/forgot", form("email", "max@example.test", "next", "//evil.example/")), 303)
		m = mailTo(t, ts, "max@example.test", "Choisissez un nouveau mot de passe", 1)
		link = testserver.Link(t, m.Text, "/password/reset/")
		if strings.Contains(link, "next=") || strings.Contains(m.Text, "evil") {
			t.Fatalf("a reset link carries a foreign next: %s", link)
		}
		r = c.Post(link, form("password", "un pont de pierre et trois hérons", "next", "//evil.example/"))
		mustStatus(t, "reset with a foreign next", r, 303)
		if r.Location != "/account" {
			t.Fatalf("reset with a foreign next went to %q", r.Location)
		}
	})
}
