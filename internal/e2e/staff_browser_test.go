package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/testkit/browser"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestStaffFlowInBrowser: the administrator invites an agent, the agent
// opens the link from the e-mail, creates an account and lands in the staff
// area; the administrator then uploads a logo. axe checks every page.
func TestStaffFlowInBrowser(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	org := ts.Org(t, "bellerive")
	service(t, ts, org, "Voirie")
	service(t, ts, org, "Culture")
	ctx := browser.New(t)
	signIn := func(email string) {
		t.Helper()
		_, secret := ts.Session(t, email)
		if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "parvis_session", Value: secret, URL: ts.URL}); err != nil {
			t.Fatal(err)
		}
	}
	visit := func(path, wantH1 string) {
		t.Helper()
		browser.Do(t, ctx, chromedp.Navigate(ts.URL+path), chromedp.WaitVisible(chromedp.CSS("h1")))
		if h1 := browser.Get(t, ctx, chromedp.Text(chromedp.CSS("h1"))); !strings.Contains(h1, wantH1) {
			t.Fatalf("%s: h1 = %q, want %q", path, h1, wantH1)
		}
		browser.Axe(t, ctx)
	}

	signIn("admin@bellerive.test")
	visit("/admin", "Espace agents")
	visit("/admin/bellerive/", "Tableau de bord")
	visit("/admin/bellerive/services", "Services")
	visit("/admin/bellerive/staff", "Équipe")
	browser.Do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#f-email"), "patrick@bellerive.test"),
		chromedp.SetValue(chromedp.CSS("#f-role"), "agent"),
		chromedp.Click(chromedp.CSS(`input[name="services"] + label`)), // the first service, by its label
		chromedp.Click(chromedp.CSS(`form[action="/admin/bellerive/invitations"] button[type="submit"]`)),
	)
	browser.WaitText(t, ctx, "p.notice", "invitation a été envoyée")
	browser.Axe(t, ctx)
	admin := ts.Account(t, "admin@bellerive.test")
	visit("/admin/bellerive/staff/"+admin.ID, "admin")

	msg := ts.Mail.Wait(t, "patrick@bellerive.test", "Invitation", 10*time.Second)
	link := testserver.Link(t, msg.Text, "/invitations/")
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	visit(link, "Invitation à rejoindre l'équipe")
	browser.Do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#f-display_name"), "Patrick Girard"),
		chromedp.SendKeys(chromedp.CSS("#f-password"), "court"),
		chromedp.Click(chromedp.CSS(`form[action$="/signup"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-password-error")),
	)
	browser.Axe(t, ctx) // the page with errors too
	browser.Do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#f-password"), "les quais de Loire au printemps"),
		chromedp.Click(chromedp.CSS(`form[action$="/signup"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("p.notice")),
	)
	if loc := browser.Get(t, ctx, chromedp.Location()); !strings.HasSuffix(loc, "/admin/bellerive/") {
		t.Fatalf("after signup at %s", loc)
	}
	if body := browser.Get(t, ctx, chromedp.Text(chromedp.CSS("main"))); !strings.Contains(body, "Agent de service") {
		t.Fatalf("invitee dashboard lacks the role:\n%s", body)
	}
	browser.Axe(t, ctx)

	// The administrator uploads a logo with the profile.
	logo := filepath.Join(t.TempDir(), "logo.png")
	if err := os.WriteFile(logo, pngOf(t, 120, 60), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	signIn("admin@bellerive.test")
	visit("/admin/bellerive/profile", "Profil de la collectivité")
	browser.Do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#f-description"), "Au bord de la Loire, son marché du samedi."),
		chromedp.SendKeys(chromedp.CSS("#f-publication_director"), "Hélène Marchand, maire"),
		chromedp.SetUploadFiles(chromedp.CSS("#f-logo"), []string{logo}),
		chromedp.Click(chromedp.CSS(`form[action="/admin/bellerive/profile"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("p.notice")),
		chromedp.WaitVisible(chromedp.CSS("img.org-logo")),
	)
	browser.Axe(t, ctx)
	visit("/bellerive/", "Ville de bellerive")
	// The logo heads every public page, in the link that carries the
	// name: its text alternative is empty so the name is read once.
	alt := browser.Get(t, ctx, chromedp.AttributeValue(chromedp.CSS(".brand img.brand-logo"), "alt"))
	if !alt.Exists || alt.Value != "" {
		t.Fatalf("logo alt = %+v", alt)
	}
	visit("/bellerive/mentions-legales", "Mentions légales")
}
