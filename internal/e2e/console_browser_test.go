package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/browser"
)

// TestConsoleInBrowser: a resident asks a question at 22:00 on a Saturday
// and sees the out-of-hours notice; the question goes to Voirie by its
// topic and the acknowledgement arrives; on Monday the agent answers with a
// saved reply; the clock counted only open hours and the figures page shows
// it. axe checks every page.
func TestConsoleInBrowser(t *testing.T) {
	town := newConsoleTown(t, store.SQLite)
	ts, org := town.ts, town.org
	ctx := browser.New(t)
	text := func(sel string) string { return browser.Get(t, ctx, chromedp.Text(chromedp.CSS(sel))) }
	visit := func(path, wantH1 string) {
		t.Helper()
		browser.Do(t, ctx, chromedp.Navigate(ts.URL+path), chromedp.WaitVisible(chromedp.CSS("h1")))
		if h1 := text("h1"); !strings.Contains(h1, wantH1) {
			t.Fatalf("%s: h1 = %q, want %q", path, h1, wantH1)
		}
		browser.Axe(t, ctx)
	}

	ts.Clock.Set(time.Date(2026, 3, 14, 22, 0, 0, 0, paris))
	visit("/bellerive/permanence", "Permanence numérique")
	visit("/bellerive/p/travaux-quai/question", "Poser une question")
	if notice := text(".console-closed"); !strings.Contains(notice, "lundi 16 mars 2026 à 9 h") || !strings.Contains(notice, "112") {
		t.Fatalf("out-of-hours notice = %q", notice)
	}
	browser.Do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#f-name"), "Jeanne Dupont"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), "jeanne@example.test"),
		chromedp.SendKeys(chromedp.CSS("#f-body"), "Le quai sera-t-il rouvert aux vélos avant Pâques ?"),
		chromedp.Click(chromedp.CSS(`form.stack button[type="submit"]`)),
		// The form page has the closed notice too: wait for the answer's
		// own markup, or a loaded machine reads the old page.
		chromedp.WaitVisible(chromedp.CSS("dl.facts")),
		chromedp.WaitVisible(chromedp.CSS(".console-closed")),
	)
	if h1 := text("h1"); h1 != "Demande reçue" {
		t.Fatalf("after asking: h1 = %q", h1)
	}
	if body := text("main"); !strings.Contains(body, "Service Voirie") || !strings.Contains(body, "Nous vous répondrons à partir du lundi 16 mars 2026 à 9 h") {
		t.Fatalf("confirmation page: %q", body)
	}
	browser.Axe(t, ctx)
	ack := mailTo(t, ts, "jeanne@example.test", "Accusé de réception", 1)
	mustContain(t, "acknowledgement", ack.Text, "Service Voirie", "14/03/2026 à 22 h 00", "112")

	// Monday 10:30, the Voirie agent.
	ts.Clock.Set(time.Date(2026, 3, 16, 10, 30, 0, 0, paris))
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	_, secret := ts.Session(t, "patrick@bellerive.test")
	if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "parvis_session", Value: secret, URL: ts.URL}); err != nil {
		t.Fatal(err)
	}
	visit("/admin/bellerive/saved-replies", "Réponses types")
	browser.Do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#f-title"), "Vélos sur le quai"),
		chromedp.SendKeys(chromedp.CSS("#f-body"), "Merci {nom}, le service {service} a bien reçu votre demande : le quai rouvre aux vélos le 30 mars."),
		chromedp.Click(chromedp.CSS(`form[action$="/saved-replies"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("ul.history")), // the list of saved replies, now with one
	)
	visit("/admin/bellerive/inbox", "Boîte de réception")
	if row := text(".inbox-row"); !strings.Contains(row, "Voirie") || !strings.Contains(row, "hors horaires") {
		t.Fatalf("inbox row = %q", row)
	}
	browser.Do(t, ctx, chromedp.Click(chromedp.CSS(".inbox-link")), chromedp.WaitVisible(chromedp.CSS("#reply-form")))
	browser.Axe(t, ctx)
	browser.Do(t, ctx,
		chromedp.Click(chromedp.CSS(`form[method="get"] button[type="submit"]`)), // insert the saved reply
	)
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(browser.Get(t, ctx, chromedp.Location()), "modele="); {
		if time.Now().After(deadline) {
			t.Fatal("the saved reply was not inserted")
		}
		time.Sleep(50 * time.Millisecond)
	}
	browser.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#f-body")))
	draft := browser.Get(t, ctx, chromedp.Value(chromedp.CSS("#f-body")))
	if !strings.HasPrefix(draft, "Merci Jeanne Dupont, le service Voirie a bien reçu votre demande") {
		t.Fatalf("saved reply not expanded: %q", draft)
	}
	browser.Do(t, ctx,
		chromedp.Click(chromedp.CSS(`#reply-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("p.notice")),
	)
	browser.Axe(t, ctx)
	mustContain(t, "answer e-mail", mailTo(t, ts, "jeanne@example.test", "Réponse de", 1).Text, "le quai rouvre aux vélos le 30 mars")
	items, _, err := ts.App.Console.Inbox(context.Background(), ts.Account(t, "admin@bellerive.test").ID, org.ID, model.InboxFilter{})
	if err != nil || len(items) != 1 || items[0].FirstAnswerOpen == nil || *items[0].FirstAnswerOpen != 90*time.Minute {
		t.Fatalf("first answer should be 1 h 30 of open time: %+v %v", items, err)
	}

	// The manager's figures show it.
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	_, secret = ts.Session(t, "cm@bellerive.test")
	if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "parvis_session", Value: secret, URL: ts.URL}); err != nil {
		t.Fatal(err)
	}
	visit("/admin/bellerive/chiffres", "Chiffres de charge")
	if body := text("main"); !strings.Contains(body, "1 h 30") {
		t.Fatalf("figures page lacks the 1 h 30 answer: %q", body)
	}
	visit("/admin/bellerive/chiffres/cout?mois=2026-03", "Coût réel")
	visit("/admin/bellerive/office-hours", "Permanence numérique")
	visit("/admin/bellerive/routing", "Orientation")
	visit("/admin/bellerive/inbox/"+items[0].ID, "Demande")
}
