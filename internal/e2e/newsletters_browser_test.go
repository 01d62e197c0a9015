package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/demo"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/testkit/browser"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// Issue 18: a newsletter's staff page (the one being written, the one
// sent) and the send's confirmation step fit a 390 px phone and a desktop
// without horizontal scrolling, on the demo's letters, with axe-core.
func TestNewsletterPagesFitInBrowser(t *testing.T) {
	ts, letters := demoLetters(t, false)
	if len(letters) < 2 {
		t.Fatalf("demo letters: %d, want the sent one and the scheduled one", len(letters))
	}
	ctx := browser.New(t)
	browserSignIn(t, ctx, ts, "admin@bellerive.example")
	var paths []string
	for _, n := range letters {
		paths = append(paths, "/admin/bellerive/newsletters/"+n.ID)
		if n.State == "draft" || n.State == "scheduled" {
			paths = append(paths, "/admin/bellerive/newsletters/"+n.ID+"/send?when=now")
		}
	}
	for _, width := range []int64{390, 1280} {
		browser.Do(t, ctx, chromedp.EmulateViewport(width, 900))
		for _, path := range paths {
			browser.Do(t, ctx, chromedp.Navigate(ts.URL+path), chromedp.WaitVisible(chromedp.CSS("h1")))
			scroll := browser.Get(t, ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`))
			inner := browser.Get(t, ctx, chromedp.Evaluate[int64](`document.documentElement.clientWidth`))
			if scroll > inner {
				wide := browser.Get(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("body *")].filter(e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0).slice(0, 6).map(e => e.tagName + "." + e.className + "(" + e.scrollWidth + ")").join(", ")`))
				t.Errorf("%s at %d px: the page is %d px wide (too wide: %s)", path, width, scroll, wide)
			}
			if width == 390 {
				browser.Axe(t, ctx)
			}
		}
	}
}

// demoLetters starts a server with the demo's data and returns Bellerive's
// newsletters (sentOnly: those sent or sending), at least one.
func demoLetters(t *testing.T, sentOnly bool) (*testserver.TS, []model.Newsletter) {
	t.Helper()
	ts := testserver.Start(t, testserver.Options{Outbox: true})
	ctx := context.Background()
	if _, err := demo.Seed(ctx, ts.App); err != nil {
		t.Fatal(err)
	}
	org, err := ts.Store.OrganisationByHandle(ctx, "bellerive")
	if err != nil {
		t.Fatal(err)
	}
	letters, err := ts.Store.NewslettersOf(ctx, org.ID, sentOnly)
	if err != nil || len(letters) == 0 {
		t.Fatalf("demo letters: %d %v", len(letters), err)
	}
	return ts, letters
}
