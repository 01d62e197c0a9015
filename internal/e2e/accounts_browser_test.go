package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/testkit/browser"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestAccountsInBrowser walks a resident through sign-up, verification,
// login, logout and a forgotten password in headless Chromium, checking each
// page with axe-core.
func TestAccountsInBrowser(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	ctx := browser.New(t)
	const email, first, second = "flore@example.org", "les bords de Loire au printemps", "un pont de pierre et trois hérons"

	// fill types into the page's main form fields, submits it and waits
	// until the browser is on path.
	fill := func(path string, fields ...string) {
		t.Helper()
		var steps []chromedp.Action[chromedp.Void]
		for i := 0; i+1 < len(fields); i += 2 {
			steps = append(steps, chromedp.SendKeys(chromedp.ID("f-"+fields[i]), fields[i+1]))
		}
		steps = append(steps, chromedp.Click(chromedp.CSS("main form.stack button[type=submit]")))
		browser.Do(t, ctx, steps...)
		waitPath(t, ctx, path)
	}
	visit := func(path string) {
		t.Helper()
		browser.Do(t, ctx, chromedp.Navigate(ts.URL+path), chromedp.WaitVisible(chromedp.CSS("h1")))
	}
	mainText := func() string {
		t.Helper()
		return browser.Get(t, ctx, chromedp.Text(chromedp.CSS("main")))
	}

	visit("/signup")
	browser.Axe(t, ctx)
	fill("/signup/sent", "email", email, "display_name", "Flore", "password", first)
	if !strings.Contains(mainText(), "Consultez votre messagerie") {
		t.Fatalf("after sign-up: %s", mainText())
	}
	browser.Axe(t, ctx)

	visit(mailLink(t, ts, email, "Confirmez votre adresse", "/verify/", 1))
	if !strings.Contains(mainText(), "Adresse confirmée") {
		t.Fatalf("verification page: %s", mainText())
	}
	browser.Axe(t, ctx)

	// A wrong password first: the refused form must be accessible too.
	visit("/login")
	browser.Axe(t, ctx)
	fill("/login", "email", email, "password", "pas le bon mot de passe")
	browser.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS(".error-summary")))
	if v := browser.Get(t, ctx, chromedp.Value(chromedp.ID("f-email"))); v != email {
		t.Fatalf("e-mail not kept: %q", v)
	}
	browser.Axe(t, ctx)
	browser.Do(t, ctx, chromedp.Clear(chromedp.ID("f-email")))
	fill("/account", "email", email, "password", first)
	if h1 := browser.Get(t, ctx, chromedp.Text(chromedp.CSS("h1"))); h1 != "Mon compte" {
		t.Fatalf("account page h1 = %q", h1)
	}
	browser.Axe(t, ctx)

	browser.Do(t, ctx, chromedp.Click(chromedp.CSS("header form[action='/logout'] button")))
	waitPath(t, ctx, "/")
	browser.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS("header a[href='/login']")))
	browser.Axe(t, ctx)

	visit("/password/forgot")
	browser.Axe(t, ctx)
	fill("/password/sent", "email", email)
	browser.Axe(t, ctx)

	visit(mailLink(t, ts, email, "Choisissez un nouveau mot de passe", "/password/reset/", 1))
	browser.Axe(t, ctx)
	fill("/account", "password", second)
	if !strings.Contains(mainText(), "Votre mot de passe a été changé") {
		t.Fatalf("after reset: %s", mainText())
	}

	// Log out and back in with the new password.
	browser.Do(t, ctx, chromedp.Click(chromedp.CSS("header form[action='/logout'] button")))
	waitPath(t, ctx, "/")
	visit("/login")
	fill("/account", "email", email, "password", second)
	browser.Axe(t, ctx)
}

// waitPath waits until the browser's location has that path and the page
// has loaded. A navigation in progress interrupts the evaluation, so it is
// retried until the deadline.
func waitPath(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`location.pathname === "`+path+`" && document.readyState === "complete"`))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			t.Fatalf("browser never reached %s (at %s, last error %v)", path, loc, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
