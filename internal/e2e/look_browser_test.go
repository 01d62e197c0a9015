package e2e

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/testkit/browser"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestOrganisationLookInBrowser, at a phone and a desktop width: the
// administrator's light colour is refused with its ratio and the 4.5:1
// minimum, the offered shade is taken, colours and a banner are saved;
// the home page shows the banner (decorative, cropped wider on a desktop)
// under the coloured header band; the password reset and confirmation
// pages reached from the commune wear its look and lead back to the page.
// axe checks every page.
func TestOrganisationLookInBrowser(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	ts.Org(t, "bellerive")
	ts.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
	banner := filepath.Join(t.TempDir(), "loire.png")
	if err := os.WriteFile(banner, bannerPNG(t), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := browser.New(t)
	submit := `form[action="/admin/bellerive/appearance"] > button[type=submit]`
	for _, size := range []struct {
		name          string
		width, height int64
		ratio         float64 // of the banner as drawn
	}{{"phone", 390, 844, 2}, {"desktop", 1280, 900, 4}} {
		t.Run(size.name, func(t *testing.T) {
			browser.Do(t, ctx, chromedp.EmulateViewport(size.width, size.height))
			browserSignIn(t, ctx, ts, "admin@bellerive.test")
			browserVisit(t, ctx, ts, "/admin/bellerive/appearance", "Apparence du site")
			setField(t, ctx, "f-brand_colour", "#777777")
			setField(t, ctx, "f-header_colour", "")
			browser.ClickAndLoad(t, ctx, submit)
			msg := browser.WaitText(t, ctx, "#f-brand_colour-error", "pour un minimum de 4,5:1")
			if !strings.Contains(msg, "4,14:1") {
				t.Errorf("the refusal does not name the ratio: %q", msg)
			}
			if v := browser.Get(t, ctx, chromedp.Value(chromedp.CSS("#f-brand_colour"))); v != "#777777" {
				t.Errorf("the refused colour was not kept in the form: %q", v)
			}
			browser.Axe(t, ctx)
			browser.ClickAndLoad(t, ctx, `button[name="use_shade"][value="brand_colour"]`)
			browser.WaitText(t, ctx, "p.notice", "L'apparence a été enregistrée")

			setField(t, ctx, "f-brand_colour", "#1f5f7a")
			setField(t, ctx, "f-header_colour", "#163f52")
			browser.Do(t, ctx, chromedp.SetUploadFiles(chromedp.CSS("#f-banner"), []string{banner}))
			browser.ClickAndLoad(t, ctx, submit)
			browser.WaitText(t, ctx, "p.notice", "L'apparence a été enregistrée")
			browser.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS("img.banner-preview")))
			browser.Axe(t, ctx)

			browserVisit(t, ctx, ts, "/bellerive/", "Ville de bellerive")
			browser.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS("img.home-banner")))
			if alt := browser.Get(t, ctx, chromedp.AttributeValue(chromedp.CSS("img.home-banner"), "alt")); !alt.Exists || alt.Value != "" {
				t.Errorf("a decorative banner has alt %+v", alt)
			}
			w := browser.Get(t, ctx, chromedp.Evaluate[float64](`document.querySelector('img.home-banner').getBoundingClientRect().width`))
			h := browser.Get(t, ctx, chromedp.Evaluate[float64](`document.querySelector('img.home-banner').getBoundingClientRect().height`))
			if math.Abs(w/h-size.ratio) > 0.1 || w > float64(size.width) {
				t.Errorf("banner drawn %.0f×%.0f, want a %v:1 crop within the page", w, h, size.ratio)
			}
			if overflow := browser.Get(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`)); overflow {
				t.Error("the home page scrolls sideways")
			}
			wantHeader(t, ctx)

			// Signed out, the reset and confirmation pages reached from the
			// commune wear its look and return to the page.
			if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
				t.Fatal(err)
			}
			email := "lea-" + size.name + "@example.test"
			ts.Account(t, email)
			const page = "/bellerive/actualites"
			q := "?next=" + url.QueryEscape(page)
			browserVisit(t, ctx, ts, "/verify/resend"+q, "Recevoir un nouveau lien de confirmation")
			wantHeader(t, ctx)
			browserVisit(t, ctx, ts, "/password/forgot"+q, "Mot de passe oublié")
			wantHeader(t, ctx)
			browser.Do(t, ctx, chromedp.SendKeys(chromedp.CSS("#f-email"), email))
			browser.ClickAndLoad(t, ctx, "main form.stack button[type=submit]")
			waitPath(t, ctx, "/password/sent")
			wantHeader(t, ctx)
			browser.Axe(t, ctx)
			link := mailLink(t, ts, email, "Choisissez un nouveau mot de passe", "/password/reset/", 1)
			browserVisit(t, ctx, ts, link, "Choisir un nouveau mot de passe")
			wantHeader(t, ctx)
			browser.Do(t, ctx, chromedp.SendKeys(chromedp.CSS("#f-password"), "les quais de Loire au printemps"))
			browser.ClickAndLoad(t, ctx, "main form.stack button[type=submit]")
			waitPath(t, ctx, page)
			browser.WaitText(t, ctx, "p.notice", "mot de passe")
		})
	}
}

// setField replaces the value of the input with that id.
func setField(t *testing.T, ctx context.Context, id, value string) {
	t.Helper()
	js := fmt.Sprintf(`(document.getElementById(%q).value = %q) === %q`, id, value, value)
	if !browser.Get(t, ctx, chromedp.Evaluate[bool](js)) {
		t.Fatalf("could not set #%s", id)
	}
}

// wantHeader checks that the page wears the commune's name and its header
// band colour (#163f52).
func wantHeader(t *testing.T, ctx context.Context) {
	t.Helper()
	if name := browser.Get(t, ctx, chromedp.Text(chromedp.CSS(".brand-name"))); name != "Ville de bellerive" {
		t.Errorf("header name %q", name)
	}
	bg := browser.Get(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('.site-header')).backgroundColor`))
	if bg != "rgb(22, 63, 82)" {
		t.Errorf("header band %s, want the commune's #163f52", bg)
	}
}
