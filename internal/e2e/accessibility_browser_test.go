package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/a11yaudit"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/browser"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// legalTown is an organisation with a news item and an event, and a second
// organisation so that the instance's home lists them instead of
// redirecting.
func legalTown(t *testing.T, engine store.Engine) (*testserver.TS, model.Organisation, model.Publication, model.Publication) {
	t.Helper()
	ts := testserver.Start(t, testserver.Options{Engine: engine})
	org := ts.Org(t, "bellerive")
	ts.Org(t, "val-de-loire")
	admin := ts.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
	news := publish(t, ts, org, "travaux-rue-des-tanneurs", "Travaux rue des Tanneurs")
	event := publishEvent(t, ts, admin.ID, org.ID, model.PubInput{Title: "Marché du samedi", Summary: "Producteurs locaux."},
		weeklyMarket(ts.App.Now().AddDate(0, 0, 3)))
	return ts, org, news, event
}

// footerLinks reads the footer's links as href → text.
func footerLinks(t *testing.T, ctx context.Context) map[string]string {
	t.Helper()
	links := browser.Get(t, ctx, chromedp.Evaluate[[][]string](`[...document.querySelectorAll("footer .footer-links a")].map(a => [a.getAttribute("href"), a.textContent.trim()])`))
	out := map[string]string{}
	for _, l := range links {
		out[l[0]] = l[1]
	}
	return out
}

// TestLegalFooterInBrowser: every page under an organisation, the login
// reached from it and its 404 carry its legal footer (accessibility status,
// legal notice, personal data, contact); the instance's own pages carry the
// instance's; at a desktop and a phone width, checked with axe.
func TestLegalFooterInBrowser(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts, _, news, event := legalTown(t, engine)
		ctx := browser.New(t)
		orgPages := []string{"/bellerive/", "/bellerive/p/" + news.Slug, "/bellerive/p/" + event.Slug, "/bellerive/suivre",
			"/login?next=%2Fbellerive%2F", "/bellerive/page-qui-n-existe-pas", "/bellerive/accessibilite", "/bellerive/donnees-personnelles"}
		want := map[string]string{"/bellerive/accessibilite": "Accessibilité : non conforme", "/bellerive/mentions-legales": "Mentions légales",
			"/bellerive/donnees-personnelles": "Données personnelles", "/bellerive/question": "Contacter la mairie"}
		instancePages := []string{"/", "/login", "/accessibilite", "/mentions-legales"}
		instanceWant := map[string]string{"/accessibilite": "Accessibilité : non conforme", "/mentions-legales": "Mentions légales",
			"/donnees-personnelles": "Données personnelles", "/contact": "Contact"}
		for _, width := range []int64{1280, 390} {
			browser.Do(t, ctx, chromedp.EmulateViewport(width, 900))
			check := func(path string, want map[string]string) {
				t.Helper()
				browser.Do(t, ctx, chromedp.Navigate(ts.URL+path), chromedp.WaitVisible(chromedp.CSS("footer")))
				got := footerLinks(t, ctx)
				for href, text := range want {
					if got[href] != text {
						t.Errorf("%d px, %s: footer link %s reads %q, want %q (links: %v)", width, path, href, got[href], text, got)
					}
				}
				if len(got) != len(want) {
					t.Errorf("%d px, %s: footer links %v, want exactly %v", width, path, got, want)
				}
				browser.Axe(t, ctx)
			}
			for _, p := range orgPages {
				check(p, want)
			}
			for _, p := range instancePages {
				check(p, instanceWant)
			}
		}
	})
}

// TestAccessibilityAuditInBrowser: the audit command's code checks one page
// of every page type in Chromium with axe-core, and the statement page then
// shows the date and the results per page type, while the footer keeps the
// declared status (automated checks never raise it).
func TestAccessibilityAuditInBrowser(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts, org, news, event := legalTown(t, engine)
		axe := browser.AxeSource(t)
		audit, err := a11yaudit.AuditOrganisation(context.Background(), ts.App, org.Handle,
			a11yaudit.Options{BaseURL: ts.URL, AxeSource: axe, Chromium: browser.Chromium(t)})
		if err != nil {
			t.Fatal(err)
		}
		byType := map[string]model.A11yPageResult{}
		for _, p := range audit.Pages {
			byType[p.PageType] = p
			if p.Failed {
				t.Errorf("page %s (%s) was not checked", p.PageType, p.Path)
			}
			if p.Passes == 0 && !p.Failed {
				t.Errorf("page %s (%s): axe passed no rule, so it checked nothing", p.PageType, p.Path)
			}
		}
		for typ, path := range map[string]string{"home": "/bellerive/", "publication": "/bellerive/p/" + news.Slug,
			"event": "/bellerive/p/" + event.Slug, "follow": "/bellerive/suivre", "login": "/login?next=%2Fbellerive%2F",
			"not_found": "/bellerive/page-introuvable", "statement": "/bellerive/accessibilite"} {
			if byType[typ].Path != path {
				t.Errorf("page type %s: checked %q, want %q", typ, byType[typ].Path, path)
			}
		}
		if audit.AxeVersion == "" {
			t.Error("no axe-core version recorded")
		}

		ctx := browser.New(t)
		browser.Do(t, ctx, chromedp.Navigate(ts.URL+"/bellerive/accessibilite"), chromedp.WaitVisible(chromedp.CSS("table.a11y-results")))
		text := browser.Get(t, ctx, chromedp.Text(chromedp.CSS("main")))
		for _, want := range []string{"Dernière vérification automatique : " + dates.DayFR(ts.App.Now().In(dates.Paris)),
			"axe-core " + audit.AxeVersion, "Page introuvable", "Suivre par courriel", "Connexion", "Événement",
			"ne suffisent donc pas à établir la conformité"} {
			if !strings.Contains(text, want) {
				t.Errorf("statement page lacks %q", want)
			}
		}
		rows := browser.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("table.a11y-results tbody tr").length`))
		if rows != len(audit.Pages) {
			t.Errorf("statement shows %d rows, audit has %d pages", rows, len(audit.Pages))
		}
		if got := footerLinks(t, ctx)["/bellerive/accessibilite"]; got != "Accessibilité : non conforme" {
			t.Errorf("after the audit the footer says %q: the status must stay the declared one", got)
		}
		browser.Axe(t, ctx)

		// The administrator's form shows the audit, and a refused
		// declaration comes back with its message beside the field.
		browserSignIn(t, ctx, ts, "admin@bellerive.test")
		browserVisit(t, ctx, ts, "/admin/bellerive/accessibilite", "Déclaration d'accessibilité")
		browser.Do(t, ctx, chromedp.SetValue(chromedp.CSS("#f-status"), "totalement_conforme"),
			chromedp.SetValue(chromedp.CSS("#f-audit_date"), ""))
		browser.ClickAndLoad(t, ctx, `form[action="/admin/bellerive/accessibilite"] button[type="submit"]`)
		browser.WaitText(t, ctx, "#f-audit_date-error", "totalement conforme qu'après un audit")
		browser.Axe(t, ctx)
		browserVisit(t, ctx, ts, "/admin/bellerive/accessibilite/schema", "Schéma pluriannuel")
	})
}
