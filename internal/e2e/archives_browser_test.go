package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/testkit/browser"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestArchivesPageInBrowser: at a phone's and a desktop's width, the
// administrator finds the archives page in the staff menu, types a bad
// date, and gets the form back with the French message beside the field
// and what was typed kept; the page fits the screen and axe finds nothing.
func TestArchivesPageInBrowser(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	org := ts.Org(t, "bellerive")
	adminOf(t, ts, org)
	b := browser.New(t)
	for _, width := range []int64{390, 1280} {
		browser.Do(t, b, chromedp.EmulateViewport(width, 844))
		browserSignIn(t, b, ts, "admin@bellerive.test")
		browserVisit(t, b, ts, "/admin/bellerive/", "Tableau de bord")
		if !browser.Get(t, b, chromedp.Evaluate[bool](`!!document.querySelector("nav.admin-nav a[href='/admin/bellerive/archives']")`)) {
			t.Fatalf("%d px: no link to the archives page in the staff menu", width)
		}
		browserVisit(t, b, ts, "/admin/bellerive/archives", "Versement aux archives")
		browser.Do(t, b,
			chromedp.SetValue(chromedp.ID("f-from"), "31/12/2026"),
			chromedp.Submit(chromedp.ID("f-from")),
			chromedp.WaitVisible(chromedp.CSS(".error-summary")))
		if msg := browser.Get(t, b, chromedp.Text(chromedp.ID("f-from-error"))); msg != "Saisissez une date au format AAAA-MM-JJ, par exemple 2026-01-31." {
			t.Errorf("%d px: error beside the field = %q", width, msg)
		}
		if v := browser.Get(t, b, chromedp.Value(chromedp.ID("f-from"))); v != "31/12/2026" {
			t.Errorf("%d px: typed value not kept: %q", width, v)
		}
		if !browser.Get(t, b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`)) {
			t.Errorf("%d px: the page is wider than the screen", width)
		}
		browser.Axe(t, b)
	}
}
