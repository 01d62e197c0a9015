package e2e

import (
	"context"
	"mime"
	"net/mail"
	"net/url"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/smtpsink"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// headerAddress decodes an address header of a received message.
func headerAddress(t *testing.T, m smtpsink.Message, name string) *mail.Address {
	t.Helper()
	p := mail.AddressParser{WordDecoder: &mime.WordDecoder{}}
	a, err := p.Parse(m.Header.Get(name))
	if err != nil {
		t.Fatalf("%s header %q: %v", name, m.Header.Get(name), err)
	}
	return a
}

// The login and sign-up pages reached from an organisation's page wear its
// name and menu; a sign-up from there goes out in its name and its link
// leads back to the page once the address is confirmed.
func TestSignupFromOrganisationPageReturnsThere(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ts.Org(t, "bellerive")
		ts.Org(t, "autreville") // two organisations: / is the instance's list, not a redirect
		const page = "/bellerive/p/travaux-quai"
		c := ts.Client(t)

		r := c.Get("/login?next=" + url.QueryEscape(page))
		mustStatus(t, "login from the organisation", r, 200)
		mustContain(t, "login from the organisation", r.Body, `class="brand" href="/bellerive/"`, `<span class="brand-name">Ville de bellerive</span>`,
			`href="/bellerive/actualites"`, `href="/signup?next=%2fbellerive%2fp%2ftravaux-quai"`)
		r = c.Get("/login")
		if strings.Contains(r.Body, "Ville de bellerive") {
			t.Fatal("the plain login page should wear the instance's name")
		}
		r = c.Get("/login?next=" + url.QueryEscape("/nulle-part/p/x"))
		if r.Status != 200 || strings.Contains(r.Body, `href="/nulle-part/"`) {
			t.Fatalf("an unknown organisation in next: %d", r.Status)
		}

		r = c.Get("/signup?next=" + url.QueryEscape(page))
		mustContain(t, "sign-up from the organisation", r.Body, `<span class="brand-name">Ville de bellerive</span>`, `name="next" value="/bellerive/p/travaux-quai"`)
		r = c.Post("/signup", form("email", "lea@example.test", "display_name", "Léa", "password", goodPassword, "next", page))
		mustStatus(t, "sign-up", r, 303)
		if r.Location != "/signup/sent?next="+url.QueryEscape(page) {
			t.Fatalf("sign-up went to %q", r.Location)
		}
		mustContain(t, "sign-up notice", c.Get(r.Location).Body, `<span class="brand-name">Ville de bellerive</span>`)

		m := mailTo(t, ts, "lea@example.test", "Confirmez votre adresse", 1)
		if from := headerAddress(t, m, "From"); from.Name != "Ville de bellerive" {
			t.Errorf("From = %q, want the organisation's name", m.Header.Get("From"))
		}
		if !strings.Contains(m.Text, "Un compte Ville de bellerive vient") || strings.Contains(m.Text, "Parvis") {
			t.Errorf("the e-mail should name the organisation:\n%s", m.Text)
		}
		link := testserver.Link(t, m.Text, "/verify/")
		r = c.Get(link)
		mustStatus(t, "verify", r, 303)
		if r.Location != "/login?next="+url.QueryEscape(page) {
			t.Fatalf("verification went to %q", r.Location)
		}
		r = c.Get(r.Location)
		mustContain(t, "login after verification", r.Body, "votre adresse électronique est confirmée", `<span class="brand-name">Ville de bellerive</span>`)
		r = c.Post("/login", form("email", "lea@example.test", "password", goodPassword, "next", page))
		mustStatus(t, "login", r, 303)
		if r.Location != page {
			t.Fatalf("login went to %q, want %q", r.Location, page)
		}

		// A sign-up from the instance's pages names the instance.
		c2 := ts.Client(t)
		mustStatus(t, "plain sign-up", c2.Post("/signup", form("email", "tom@example.test", "display_name", "Tom", "password", goodPassword)), 303)
		m = mailTo(t, ts, "tom@example.test", "Confirmez votre adresse", 1)
		if !strings.Contains(m.Text, "Un compte Parvis vient") || strings.Contains(m.Text, "?next=") {
			t.Errorf("a plain sign-up names the instance, with no return page:\n%s", m.Text)
		}
	})
}

// Residents see their subscriptions in the menu and no staff link; staff
// members and operators see both.
func TestAccountMenuSubscriptionsAndStaffLink(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ts.Org(t, "bellerive")
		resident, agent := ts.Client(t), ts.Client(t)
		ts.LoginAs(t, resident, "resident@example.test")
		ts.Staff(t, "agent@bellerive.test", "bellerive", model.RoleAgent)
		ts.LoginAs(t, agent, "agent@bellerive.test")
		for _, path := range []string{"/account", "/bellerive/"} {
			r := resident.Get(path)
			mustContain(t, "resident "+path, r.Body, `href="/account/abonnements">Mes abonnements</a>`)
			if strings.Contains(r.Body, "Espace agents") {
				t.Errorf("resident sees the staff link on %s", path)
			}
			r = agent.Get(path)
			mustContain(t, "staff "+path, r.Body, `href="/account/abonnements">Mes abonnements</a>`, `href="/admin">Espace agents</a>`)
		}
		op := ts.Account(t, "op@example.test")
		if err := ts.Store.SetOperator(context.Background(), op.ID, true, ts.App.Now()); err != nil {
			t.Fatal(err)
		}
		opc := ts.Client(t)
		ts.LoginAs(t, opc, "op@example.test")
		mustContain(t, "operator", opc.Get("/account").Body, `href="/admin">Espace agents</a>`)
	})
}

// An e-mail sent for an organisation (a subscription confirmation) goes out
// under its name, with Reply-To its contact address.
func TestMailFromOrganisationNameAndReplyTo(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ctx := context.Background()
		org := ts.Org(t, "bellerive")
		org.Name, org.ContactEmail = "Ville de Bellerive-sur-Allier", "mairie@bellerive.test"
		if err := ts.Store.UpdateOrganisationProfile(ctx, org); err != nil {
			t.Fatal(err)
		}
		c := ts.Client(t)
		r := c.Post("/bellerive/suivre", url.Values{"email": {"jeanne@example.test"}, "alerts": {"1"}, "news": {"daily"}, "scope": {"all"}})
		mustStatus(t, "subscribe", r, 303)
		m := mailTo(t, ts, "jeanne@example.test", "Confirmez votre abonnement", 1)
		from := headerAddress(t, m, "From")
		if from.Name != "Ville de Bellerive-sur-Allier" || from.Address == "" || from.Address == org.ContactEmail {
			t.Errorf("From = %q", m.Header.Get("From"))
		}
		if rt := headerAddress(t, m, "Reply-To"); rt.Address != "mairie@bellerive.test" {
			t.Errorf("Reply-To = %q", m.Header.Get("Reply-To"))
		}

		// An account e-mail is the instance's: no organisation's name.
		newAccount(t, ts, "paul@example.test", "Paul")
		mustStatus(t, "forgot", c.Post("/password/forgot", form("email", "paul@example.test")), 303)
		m = mailTo(t, ts, "paul@example.test", "nouveau mot de passe", 1)
		if m.Header.Get("Reply-To") != "" || strings.Contains(m.Header.Get("From"), "Bellerive") {
			t.Errorf("account e-mail From %q Reply-To %q", m.Header.Get("From"), m.Header.Get("Reply-To"))
		}
	})
}

// A page not found under /{org}/ keeps the organisation's name and leads
// back to its home; elsewhere to the instance's.
func TestNotFoundUnderOrganisationLinksItsHome(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ts.Org(t, "bellerive")
		c := ts.Client(t)
		for _, path := range []string{"/bellerive/p/nulle-part", "/bellerive/pas-une-page"} {
			r := c.Get(path)
			mustStatus(t, path, r, 404)
			mustContain(t, path, r.Body, `<a href="/bellerive/">Retour à l&#39;accueil</a>`, `<span class="brand-name">Ville de bellerive</span>`)
		}
		r := c.Get("/nulle-part/pas-une-page")
		mustStatus(t, "unknown organisation", r, 404)
		mustContain(t, "unknown organisation", r.Body, `<a href="/">Retour à l&#39;accueil</a>`)
	})
}
