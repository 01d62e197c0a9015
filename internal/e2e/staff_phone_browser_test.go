package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/app/events"
	"github.com/parvis/parvis/internal/app/publishing"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/testkit/browser"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestStaffPagesOnAPhoneInBrowser: at 390 px wide, the staff pages with
// tables (team, journal, events, figures, topics, neighbourhoods, one's
// sessions), the dashboard and the other staff pages fit the screen without
// scrolling sideways, the staff menu is folded into a disclosure that opens
// without JavaScript, and at desktop width the menu is a plain row of links.
// axe checks every page.
func TestStaffPagesOnAPhoneInBrowser(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	ctx := context.Background()
	org := ts.Org(t, "bellerive")
	admin := adminOf(t, ts, org)
	voirie := service(t, ts, org, "Voirie et espaces publics")
	service(t, ts, org, "Culture, sports et vie associative")
	ts.Staff(t, "cm@bellerive.test", "bellerive", model.RoleManager)
	ts.Staff(t, "marie-christine.delacroix-beaumarchais@services-techniques.bellerive.test", "bellerive", model.RoleAgent, voirie)
	for _, name := range []string{"Travaux et circulation dans le centre historique", "Vie associative"} {
		if _, err := ts.App.Publishing.SaveTopic(ctx, admin.ID, org.ID, "", publishing.TagInput{Name: name,
			Description: "Les chantiers, les déviations et les fermetures de rues annoncés par les services."}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ts.App.Publishing.SaveNeighbourhood(ctx, admin.ID, org.ID, "", publishing.TagInput{Name: "Quartier de la gare et des bords de Loire"}); err != nil {
		t.Fatal(err)
	}
	publishEvent(t, ts, admin.ID, org.ID, model.PubInput{Title: "Fête de la musique sur les quais de Loire", Summary: "Concerts."},
		events.EventInput{StartDate: "2026-06-21", StartTime: "18:00", EndDate: "2026-06-21", EndTime: "23:00",
			PlaceName: "Place de la République", Attendance: "in_person", Free: true, OrganiserKind: "org", JoinMode: "restricted", Capacity: "300"})

	b := browser.New(t)
	eval := func(js string) bool { t.Helper(); return browser.Get(t, b, chromedp.Evaluate[bool](js)) }
	fits := func(path string) {
		t.Helper()
		if !eval(`document.documentElement.scrollWidth <= window.innerWidth`) {
			wide := browser.Get(t, b, chromedp.Evaluate[string](`(() => { const w = window.innerWidth;
				return [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > w + 1)
					.slice(0, 12).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right)).join(", ") + "; scrollWidth " + document.documentElement.scrollWidth })()`))
			t.Errorf("%s: the page is wider than the screen (%s)", path, wide)
		}
	}
	const (
		folded = `(() => { const d = document.querySelector("nav.admin-nav details"), w = document.querySelector("nav.admin-nav .admin-menu-wide");
			return !!d && !d.open && d.checkVisibility() && !w.checkVisibility() && !d.querySelector("a").checkVisibility() })()`
		unfolded = `(() => { const d = document.querySelector("nav.admin-nav details");
			return d.open && d.querySelector("a").checkVisibility() })()`
		wide = `(() => { const d = document.querySelector("nav.admin-nav details"), w = document.querySelector("nav.admin-nav .admin-menu-wide");
			return !d.checkVisibility() && w.querySelector("a").checkVisibility() })()`
	)

	browser.Do(t, b, chromedp.EmulateViewport(390, 844))
	phone := func(email string, pages map[string]string) {
		t.Helper()
		browserSignIn(t, b, ts, email)
		for path, h1 := range pages {
			browserVisit(t, b, ts, path, h1)
			fits(path)
			if path != "/account" && !eval(folded) {
				t.Errorf("%s: the staff menu is not folded at 390 px", path)
			}
		}
	}
	phone("cm@bellerive.test", map[string]string{
		"/admin/bellerive/":             "Tableau de bord",
		"/admin/bellerive/journal":      "Journal",
		"/admin/bellerive/events":       "Événements",
		"/admin/bellerive/chiffres":     "Chiffres",
		"/admin/bellerive/inbox":        "Boîte de réception",
		"/account":                      "Mon compte",
		"/admin/bellerive/publications": "Publications",
		"/admin/bellerive/validation":   "À valider",
		"/admin/bellerive/moderation":   "File de modération",
	})
	phone(admin.Email, map[string]string{
		"/admin/bellerive/staff":          "Équipe",
		"/admin/bellerive/topics":         "Sujets",
		"/admin/bellerive/neighbourhoods": "Quartiers",
		"/admin/bellerive/services":       "Services",
		// The other staff pages: any heading.
		"/admin/bellerive/calendar":            "",
		"/admin/bellerive/newsletters":         "",
		"/admin/bellerive/federation":          "",
		"/admin/bellerive/abonnes":             "",
		"/admin/bellerive/office-hours":        "",
		"/admin/bellerive/routing":             "",
		"/admin/bellerive/publishing-settings": "",
		"/admin/bellerive/profile":             "",
		"/admin/bellerive/notifications":       "",
		"/admin/bellerive/saved-replies":       "",
		"/admin/bellerive/moderation/settings": "",
		"/admin/bellerive/console-settings":    "",
		"/admin/bellerive/chiffres/cout":       "",
		"/admin/bellerive/abonnes/resumes":     "",
	})

	// The disclosure opens with a tap, without script.
	browserVisit(t, b, ts, "/admin/bellerive/", "Tableau de bord")
	browser.Do(t, b, chromedp.Click(chromedp.CSS("nav.admin-nav summary")))
	if !eval(unfolded) {
		t.Error("the staff menu does not open at 390 px")
	}
	browser.Axe(t, b)
	fits("/admin/bellerive/ (menu open)")

	// At desktop width the menu is a row of links.
	browser.Do(t, b, chromedp.EmulateViewport(1280, 900))
	browserVisit(t, b, ts, "/admin/bellerive/staff", "Équipe")
	if !eval(wide) {
		t.Error("the staff menu is folded at desktop width")
	}
}
