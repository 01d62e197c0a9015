// Package e2e holds end-to-end tests: whole servers on loopback, real
// databases, a real SMTP server and, for browser flows, headless Chromium.
package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/browser"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

func TestHealthHeadersAndNotFound(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		c := ts.Client(t)
		if r := c.Get("/healthz"); r.Status != 200 || strings.TrimSpace(r.Body) != "ok" {
			t.Fatalf("healthz = %d %q", r.Status, r.Body)
		}
		r := c.Get("/")
		if r.Status != 200 {
			t.Fatalf("home = %d", r.Status)
		}
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options", "X-Request-Id"} {
			if r.Header.Get(h) == "" {
				t.Errorf("missing header %s", h)
			}
		}
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP too lax: %s", csp)
		}
		nf := c.Get("/nulle-part/ici")
		if nf.Status != 404 || !strings.Contains(nf.Body, "Page introuvable") {
			t.Fatalf("404 page = %d %q", nf.Status, nf.Body[:min(200, len(nf.Body))])
		}
		if m := c.Get("/metrics"); m.Status != 200 || !strings.Contains(m.Body, "parvis_http_requests_total") {
			t.Fatalf("metrics = %d", m.Status)
		}
	})
}

func TestHealthzReportsADeadDatabase(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	c := ts.Client(t)
	if r := c.Get("/healthz"); r.Status != 200 {
		t.Fatalf("healthz = %d", r.Status)
	}
	ts.Store.DB().Close()
	if r := c.Get("/healthz"); r.Status != 503 {
		t.Fatalf("healthz with closed database = %d, want 503", r.Status)
	}
}

func TestCrossSiteFormPostIsRefused(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	c := ts.Client(t)
	// A browser sends Sec-Fetch-Site: cross-site on a forged form post.
	hreq, _ := newRequest("POST", ts.URL+"/lang", "lang=en")
	hreq.Header.Set("Sec-Fetch-Site", "cross-site")
	hreq.Header.Set("Origin", "https://evil.example")
	resp, err := c.HTTP.Do(hreq)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("cross-site POST = %d, want 403", resp.StatusCode)
	}
}

func TestHomePageInBrowserIsAccessible(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	ctx := browser.New(t)
	browser.Do(t, ctx, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS("h1")))
	if h1 := browser.Get(t, ctx, chromedp.Text(chromedp.CSS("h1"))); !strings.Contains(h1, "Bienvenue") {
		t.Fatalf("h1 = %q", h1)
	}
	browser.Axe(t, ctx)
}
