package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/testkit/browser"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// browserSignIn replaces the browser's cookies with a fresh session of the
// account with that e-mail (created if needed).
func browserSignIn(t *testing.T, ctx context.Context, ts *testserver.TS, email string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	_, secret := ts.Session(t, email)
	if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "parvis_session", Value: secret, URL: ts.URL}); err != nil {
		t.Fatal(err)
	}
}

// browserVisit opens path, checks its h1 and runs axe on it.
func browserVisit(t *testing.T, ctx context.Context, ts *testserver.TS, path, wantH1 string) {
	t.Helper()
	browser.Do(t, ctx, chromedp.Navigate(ts.URL+path), chromedp.WaitVisible(chromedp.CSS("h1")))
	if h1 := browser.Get(t, ctx, chromedp.Text(chromedp.CSS("h1"))); !strings.Contains(h1, wantH1) {
		t.Fatalf("%s: h1 = %q, want %q", path, h1, wantH1)
	}
	browser.Axe(t, ctx)
}
