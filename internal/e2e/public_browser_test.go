package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/testkit/browser"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestPublicPagesInBrowser visits the public home, a publication, search and
// the print notice in Chromium; axe-core checks each page, and the small
// script reveals the copy button without breaking anything.
func TestPublicPagesInBrowser(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	publicOrg(t, ts)
	ctx := browser.New(t)
	visit := func(path, wantH1 string) {
		t.Helper()
		browser.Do(t, ctx, chromedp.Navigate(ts.URL+path), chromedp.WaitVisible(chromedp.CSS("h1")))
		if h1 := browser.Get(t, ctx, chromedp.Text(chromedp.CSS("h1"))); !strings.Contains(h1, wantH1) {
			t.Fatalf("%s: h1 = %q, want %q", path, h1, wantH1)
		}
		browser.Axe(t, ctx)
	}
	visit("/ville-test/", "Ville de Test")
	visit("/ville-test/p/inscriptions-ecole", "Inscriptions à l'école")
	// The copy button appears once the script runs (without JavaScript the
	// link is still there to copy by hand).
	browser.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`button[data-copy]`)))
	visit("/ville-test/p/agent-entretien-ecoles", "Agent d'entretien")
	visit("/ville-test/emplois", "Offres d'emploi")
	visit("/ville-test/themes/ecoles", "Écoles")
	// Search from the navigation form.
	browser.Do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#nav-q"), "inscriptions ecole"),
		chromedp.Submit(chromedp.CSS("#nav-q")),
		chromedp.WaitVisible(chromedp.CSS("ol.results mark")),
	)
	if marks := browser.Get(t, ctx, chromedp.Text(chromedp.CSS("ol.results"))); !strings.Contains(marks, "Inscriptions") {
		t.Fatalf("results = %q", marks)
	}
	browser.Axe(t, ctx)
	visit("/ville-test/p/vigilance-crue/affiche", "Vigilance crue de la Loire")
	browser.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS("svg.qr")))
	visit("/ville-test/p/inscriptions-ecole/mastodon?instance=pas+valide", "Partager sur Mastodon")
}
