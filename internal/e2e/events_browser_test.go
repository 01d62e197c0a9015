package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/testkit/browser"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestEventsInBrowser: staff create an event with registration and two
// places; three people register (the third goes on the waiting list); one
// cancels from the e-mail; the third is promoted and e-mailed; an agent
// checks one participant in with the code. axe checks every page.
func TestEventsInBrowser(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	ts.Clock.Set(eventStart)
	ts.Org(t, "bellerive")
	ts.Staff(t, "com@bellerive.test", "bellerive", model.RoleManager)
	ts.Staff(t, "accueil@bellerive.test", "bellerive", model.RoleAgent)
	ctx := browser.New(t)
	signIn := func(email string) {
		t.Helper()
		if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
			t.Fatal(err)
		}
		if email == "" {
			return
		}
		_, secret := ts.Session(t, email)
		if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "parvis_session", Value: secret, URL: ts.URL}); err != nil {
			t.Fatal(err)
		}
	}
	visit := func(path, wantH1 string) {
		t.Helper()
		browser.Do(t, ctx, chromedp.Navigate(ts.URL+path), chromedp.WaitVisible(chromedp.CSS("h1")))
		if h1 := browser.Get(t, ctx, chromedp.Text(chromedp.CSS("h1"))); !strings.Contains(h1, wantH1) {
			t.Fatalf("%s: h1 = %q, want %q", path, h1, wantH1)
		}
		browser.Axe(t, ctx)
	}
	text := func(sel string) string { return browser.Get(t, ctx, chromedp.Text(chromedp.CSS(sel))) }

	// Staff create and publish the event with the editor.
	signIn("com@bellerive.test")
	visit("/admin/bellerive/events", "Événements")
	visit("/admin/bellerive/publications/new?kind=event", "Nouvel événement")
	browser.Do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#f-title"), "Visite du port en barque"),
		chromedp.SetValue(chromedp.CSS("#f-start_date"), "2026-03-14"),
		chromedp.SetValue(chromedp.CSS("#f-start_time"), "10:00"),
		chromedp.SetValue(chromedp.CSS("#f-end_time"), "09:00"), // wrong on purpose
		chromedp.SendKeys(chromedp.CSS("#f-place_name"), "Ponton des Amis du Port"),
		chromedp.SetValue(chromedp.CSS("#f-join_mode"), "restricted"),
		chromedp.SendKeys(chromedp.CSS("#f-capacity"), "2"),
		chromedp.Click(chromedp.CSS(`label[for="f-access_wheelchair"]`)),
		chromedp.Click(chromedp.CSS(`button[value="save"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-end_date-error")),
	)
	browser.Axe(t, ctx) // the editor with its errors
	browser.Do(t, ctx,
		chromedp.SetValue(chromedp.CSS("#f-end_time"), "11:30"),
		chromedp.Click(chromedp.CSS(`button[value="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`button[value="publish"]`)),
		chromedp.Click(chromedp.CSS(`button[value="publish"]`)),
		// The saved draft had a notice too: wait for the published page,
		// which no longer offers to publish.
		chromedp.WaitNotPresent(chromedp.CSS(`button[value="publish"]`)),
		chromedp.WaitVisible(chromedp.CSS("p.notice")),
	)
	browser.Axe(t, ctx)
	var id string
	if err := ts.Store.DB().QueryRow(`SELECT id FROM publications WHERE slug='visite-du-port-en-barque' AND state='published'`).Scan(&id); err != nil {
		t.Fatalf("event not published: %v", err)
	}

	// Three residents register by e-mail; the third is offered the waiting list.
	register := func(name, email string) {
		t.Helper()
		signIn("")
		visit("/bellerive/p/visite-du-port-en-barque", "Visite du port en barque")
		browser.Do(t, ctx,
			chromedp.SendKeys(chromedp.CSS("#f-name"), name),
			chromedp.SendKeys(chromedp.CSS("#f-email"), email),
			chromedp.Click(chromedp.CSS(`form[action$="/inscription"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS("p.notice")),
		)
		browser.Axe(t, ctx)
		link := mailLink(t, ts, email, "Confirmez votre inscription", "/confirmer", 1)
		visit(strings.TrimPrefix(link, ts.URL), "Confirmer mon inscription")
		browser.Do(t, ctx, chromedp.Click(chromedp.CSS(`form[action$="/confirmer"] button`)),
			chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/confirmer"]`)), chromedp.WaitVisible(chromedp.CSS("h1")))
		browser.Axe(t, ctx)
	}
	register("Alice Bernard", "alice@exemple.fr")
	register("Bruno Petit", "bruno@exemple.fr")
	visit("/bellerive/p/visite-du-port-en-barque", "Visite du port en barque")
	if p := text("p.places"); !strings.Contains(p, "Complet") {
		t.Fatalf("places after two registrations: %q", p)
	}
	register("Chloé Durand", "chloe@exemple.fr")
	mailTo(t, ts, "chloe@exemple.fr", "Liste d'attente", 1)

	// Bruno cancels from his confirmation e-mail.
	conf := mailTo(t, ts, "bruno@exemple.fr", "Inscription confirmée", 1)
	visit(strings.TrimPrefix(testserver.Link(t, conf.Text, "/inscription/"), ts.URL), "Mon inscription")
	browser.Do(t, ctx, chromedp.Click(chromedp.CSS(`form[action$="/annuler"] button`)))
	browser.WaitText(t, ctx, "p.notice", "Votre inscription est annulée")
	browser.Axe(t, ctx)

	// Chloé is promoted and told, with her code.
	promoted := mailTo(t, ts, "chloe@exemple.fr", "Une place pour vous", 1)
	code := codeRE.FindStringSubmatch(promoted.Text)[1]

	// The agenda and the month view.
	visit("/bellerive/agenda", "Agenda")
	visit("/bellerive/agenda/2026/03", "Agenda de mars 2026")
	visit("/bellerive/p/visite-du-port-en-barque/affiche", "Visite du port en barque")

	// At the entrance, the agent types Chloé's code on a phone.
	signIn("accueil@bellerive.test")
	browser.Do(t, ctx, chromedp.EmulateViewport(390, 844))
	visit("/admin/bellerive/events/"+id+"/checkin", "Accueil des participants")
	browser.Do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#f-code"), code),
		chromedp.Click(chromedp.CSS(`form.checkin-code button`)),
		chromedp.WaitVisible(chromedp.CSS("p.checkin-ok")),
	)
	if ok := text("p.checkin-ok"); !strings.Contains(ok, "Chloé Durand") {
		t.Fatalf("check-in: %q", ok)
	}
	browser.Axe(t, ctx)
	signIn("com@bellerive.test")
	visit("/admin/bellerive/events/"+id, "Visite du port en barque")
	if body := text("main"); !strings.Contains(body, "Alice Bernard") || !strings.Contains(body, "Chloé Durand") || strings.Contains(body, "Bruno Petit") {
		t.Fatalf("participants:\n%s", body)
	}
}
