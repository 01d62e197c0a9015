package e2e

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/colour"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// bannerPNG is a landscape picture wide enough to get resized copies.
func bannerPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 1600, 500))
	for x := range 1600 {
		for y := range 500 {
			img.Set(x, y, color.RGBA{uint8(x / 7), 120, uint8(y / 2), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// An administrator's colours are refused below WCAG AA's 4.5:1, with the
// ratio and the nearest compliant shade, nothing saved; the offered shade
// is saved on request; a banner photo reaches the home page, decorative
// (empty alt) unless described; a colour stored before the check is drawn
// in a compliant shade.
func TestOrganisationLookSavedAndChecked(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ts.Org(t, "bellerive")
		ts.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
		ts.Staff(t, "redaction@bellerive.test", "bellerive", model.RoleEditor)
		c := ts.Client(t)

		ed := ts.Client(t)
		ts.LoginAs(t, ed, "redaction@bellerive.test")
		mustStatus(t, "an editor on the appearance page", ed.Get("/admin/bellerive/appearance"), 403)

		ts.LoginAs(t, c, "admin@bellerive.test")
		mustStatus(t, "appearance page", c.Get("/admin/bellerive/appearance"), 200)
		r := c.PostMultipart("/admin/bellerive/appearance", form("brand_colour", "#777777", "header_colour", "#FFCC00"))
		mustStatus(t, "light colours", r, 422)
		mustContain(t, "light colours refused", r.Body, `value="#777777"`, `value="#FFCC00"`,
			"Contraste insuffisant : 4,14:1", "pour un minimum de 4,5:1", "Contraste insuffisant : 1,", `name="use_shade" value="brand_colour"`)
		r = c.PostMultipart("/admin/bellerive/appearance", form("brand_colour", "bleu"))
		mustStatus(t, "not a colour", r, 422)
		mustContain(t, "not a colour", r.Body, "au format #rrvvbb")
		if o := ts.Org(t, "bellerive"); o.Look.BrandColour != "" || o.Look.HeaderColour != "" {
			t.Fatalf("a refused look was saved: %+v", o.Look)
		}

		// "Use the shade": the nearest compliant shade of what was typed.
		r = c.PostMultipart("/admin/bellerive/appearance", form("brand_colour", "#777777", "use_shade", "brand_colour"))
		mustStatus(t, "use the offered shade", r, 303)
		brand, ok := colour.Parse(ts.Org(t, "bellerive").Look.BrandColour)
		if !ok || colour.MinContrast(brand, colour.White, colour.LightBg) < colour.MinText || brand.R != brand.G {
			t.Fatalf("saved shade %s", brand.Hex())
		}

		r = c.PostMultipart("/admin/bellerive/appearance", form("brand_colour", "#1f5f7a", "header_colour", "#163f52"),
			testserver.File{Field: "banner", Name: "loire.png", Data: bannerPNG(t)})
		mustStatus(t, "colours and banner", r, 303)
		o := ts.Org(t, "bellerive")
		if o.Look.BrandColour != "#1f5f7a" || o.Look.HeaderColour != "#163f52" || o.Look.Banner.Width != 1600 || len(o.Look.Banner.Variants) == 0 {
			t.Fatalf("saved look %+v", o.Look)
		}
		for _, p := range append([]string{o.Look.Banner.Path}, o.Look.Banner.Variants[0].Path) {
			if _, err := os.Stat(filepath.Join(ts.Data, "media", filepath.FromSlash(p))); err != nil {
				t.Errorf("banner file: %v", err)
			}
		}
		home := c.Get("/bellerive/")
		mustContain(t, "home", home.Body, `class="org-head home-hero has-banner"`, `<img class="home-banner" src="/media/`+o.Look.Banner.Path+`"`,
			`alt=""`, `srcset="/media/`, `href="/bellerive/theme.css?v=`)
		theme := themeOf(t, c, home.Body)
		mustContain(t, "theme", theme, "--blue:#1f5f7a", "--header-bg:#163f52")

		// A description makes the photo informative.
		r = c.PostMultipart("/admin/bellerive/appearance", form("brand_colour", "#1f5f7a", "banner_alt", "Les quais de Loire et l'église"))
		mustStatus(t, "banner described", r, 303)
		mustContain(t, "described banner", c.Get("/bellerive/").Body, `alt="Les quais de Loire et l&#39;église"`, `src="/media/`+o.Look.Banner.Path+`"`)

		// A colour stored before the check is drawn in a compliant shade.
		o = ts.Org(t, "bellerive")
		o.Look.BrandColour, o.Look.HeaderColour = "#ffcc00", "#ffcc00"
		if err := ts.Store.UpdateOrganisationLook(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		theme = themeOf(t, c, c.Get("/bellerive/").Body)
		if strings.Contains(theme, "#ffcc00") {
			t.Fatalf("a light stored colour was drawn as it is:\n%s", theme)
		}

		r = c.PostMultipart("/admin/bellerive/appearance", form("brand_colour", "", "header_colour", "", "remove_banner", "1"))
		mustStatus(t, "back to Parvis's look", r, 303)
		home = c.Get("/bellerive/")
		if strings.Contains(home.Body, "theme.css") || strings.Contains(home.Body, "home-banner") {
			t.Fatal("the look was not removed")
		}
	})
}

// themeOf fetches the organisation stylesheet a page links.
func themeOf(t *testing.T, c *testserver.Client, page string) string {
	t.Helper()
	i := strings.Index(page, `href="/bellerive/theme.css?v=`)
	if i < 0 {
		t.Fatal("no theme stylesheet on the page")
	}
	href := page[i+len(`href="`):]
	href = strings.ReplaceAll(href[:strings.Index(href, `"`)], "&amp;", "&")
	r := c.Get(href)
	mustStatus(t, "theme.css", r, 200)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Fatalf("theme.css type %q", ct)
	}
	return r.Body
}

// Administrators saving the look at once: each save is whole (its own
// colour pair, never one colour of each) and journalled; none fails.
func TestOrganisationLookConcurrentSaves(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := ts.Org(t, "bellerive")
		admin := ts.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
		pairs := [][2]string{{"#1f5f7a", "#163f52"}, {"#7a1f3d", "#52162a"}, {"#2d5f1f", "#1f4216"}, {"#5f3d1f", "#42290f"}}
		errs := make(chan error, len(pairs))
		for _, p := range pairs {
			go func() {
				_, err := ts.App.Organisations.UpdateOrgLook(context.Background(), admin.ID, org.ID,
					organisations.LookInput{BrandColour: p[0], HeaderColour: p[1]})
				errs <- err
			}()
		}
		for range pairs {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		look := ts.Org(t, "bellerive").Look
		if !slices.Contains(pairs, [2]string{look.BrandColour, look.HeaderColour}) {
			t.Fatalf("saved look mixes two saves: %+v", look)
		}
		entries, err := ts.Store.AuditOf(context.Background(), org.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range entries {
			if e.Action == "org.look" {
				n++
			}
		}
		if n != len(pairs) {
			t.Fatalf("%d org.look journal entries, want %d", n, len(pairs))
		}
	})
}
