package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/testkit/browser"
)

// The staff pages that show aggregate click counts, on the demo's data, in
// Chromium with axe-core: the sent letter's page and the figures page with
// the click-count setting.
func TestMailClickPagesInBrowser(t *testing.T) {
	ts, letters := demoLetters(t, true)
	ctx := browser.New(t)
	_, secret := ts.Session(t, "admin@bellerive.example")
	if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "parvis_session", Value: secret, URL: ts.URL}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/admin/bellerive/newsletters/" + letters[0].ID: "Clics sur les liens",
		"/admin/bellerive/abonnes":                      "Compter les clics sur les liens",
	} {
		browser.Do(t, ctx, chromedp.Navigate(ts.URL+path), chromedp.WaitVisible(chromedp.CSS("h1")))
		browser.Axe(t, ctx)
		if txt := browser.Get(t, ctx, chromedp.Text(chromedp.CSS("main"))); !strings.Contains(txt, want) {
			t.Errorf("%s lacks %q", path, want)
		}
	}
}
