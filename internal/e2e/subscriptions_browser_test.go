package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/testkit/browser"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestSubscriptionInBrowser fills the subscription form in headless
// Chromium (a typo first), confirms, changes preferences through the link in
// the mail and unsubscribes, checking every page with axe-core.
func TestSubscriptionInBrowser(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	org := ts.Org(t, "bellerive")
	for _, name := range []string{"Travaux", "Culture"} {
		if err := ts.Store.CreateTopic(context.Background(), model.Topic{ID: core.NewID(), OrgID: org.ID,
			Slug: strings.ToLower(name), Name: name, CreatedAt: ts.Clock.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	ctx := browser.New(t)
	visit := func(path string) {
		t.Helper()
		browser.Do(t, ctx, chromedp.Navigate(ts.URL+path), chromedp.WaitVisible(chromedp.CSS("h1")))
	}
	mainText := func() string { return browser.Get(t, ctx, chromedp.Text(chromedp.CSS("main"))) }

	visit("/bellerive/suivre")
	browser.Axe(t, ctx)
	// Every choice sits on the line of its label (a display:block rule on
	// labels once put each box on a line of its own above its label).
	apart := browser.Get(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("fieldset.field input[type=checkbox], fieldset.field input[type=radio]")].filter(i => {
		const l = document.querySelector("label[for='" + i.id + "']");
		if (!l) return true;
		const a = i.getBoundingClientRect(), b = l.getBoundingClientRect();
		return b.top >= a.bottom || a.top >= b.bottom || b.left < a.right;
	}).map(i => i.id)`))
	if len(apart) > 0 {
		t.Errorf("choices not beside their labels: %v", apart)
	}
	// The follow page keeps the commune's menu and search, with the way
	// to contact the town hall, and the footer's contact and legal links.
	for _, sel := range []string{"nav.subnav a[href='/bellerive/question']", "nav.subnav form[role=search]",
		"footer a[href='/bellerive/question']", "footer a[href='/bellerive/mentions-legales']"} {
		if n := browser.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("`+sel+`").length`)); n != 1 {
			t.Errorf("%s: %d on the follow page", sel, n)
		}
	}
	browser.Do(t, ctx, chromedp.SendKeys(chromedp.ID("f-email"), "flore@hotmial.fr"),
		chromedp.Click(chromedp.CSS("main form.stack button[type=submit]:last-of-type")))
	browser.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS(".suggestion")))
	if !strings.Contains(mainText(), "Vouliez-vous dire flore@hotmail.fr") {
		t.Fatalf("no suggestion: %s", mainText())
	}
	browser.Axe(t, ctx)
	// Take the suggestion.
	browser.Do(t, ctx, chromedp.Click(chromedp.CSS(".suggestion button")))
	waitPath(t, ctx, "/bellerive/suivre/envoye")
	browser.Axe(t, ctx)

	visit(mailLink(t, ts, "flore@hotmail.fr", "Confirmez votre abonnement", "/confirmer-abonnement/", 1))
	if !strings.Contains(mainText(), "vous recevrez ce que vous avez choisi") {
		t.Fatalf("confirmation: %s", mainText())
	}
	browser.Axe(t, ctx)

	// The preferences page, reached from the confirmation page's link.
	browser.Do(t, ctx, chromedp.Click(chromedp.CSS("main a[href^='/abonnement/']")))
	browser.Do(t, ctx, chromedp.WaitVisible(chromedp.ID("p-scope-some")))
	browser.Axe(t, ctx)
	// "Some topics" with none ticked is refused beside the field.
	browser.Do(t, ctx, chromedp.Click(chromedp.ID("p-scope-some")), chromedp.Click(chromedp.CSS("main form.stack button[type=submit]")))
	browser.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS(".error-summary")))
	if !strings.Contains(mainText(), "Cochez au moins un thème") {
		t.Fatalf("no scope error: %s", mainText())
	}
	browser.Axe(t, ctx)
	browser.Do(t, ctx, chromedp.Click(chromedp.CSS("input[name=topics]")), chromedp.Click(chromedp.ID("p-news-daily")),
		chromedp.Click(chromedp.CSS("main form.stack button[type=submit]")))
	browser.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS(".notice")))
	sub, err := ts.Store.SubscriberByEmail(context.Background(), "flore@hotmail.fr")
	if err != nil {
		t.Fatal(err)
	}
	so, err := ts.Store.SubscriberOrg(context.Background(), sub.ID, org.ID)
	if err != nil || so.Everything || len(so.TopicIDs) != 1 || so.News != model.FreqDaily {
		t.Fatalf("saved choices = %+v (%v)", so, err)
	}
	browser.Axe(t, ctx)

	browser.Do(t, ctx, chromedp.Click(chromedp.CSS("form[action$='/desabonner'] button")))
	// The confirmation page replaces the preferences page (same h1 text).
	deadline := time.Now().Add(15 * time.Second)
	for {
		// The page may be changing under the query: errors are retried.
		text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		if err == nil && strings.Contains(text, "Vous êtes désabonné") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("unsubscribe: %s (%v)", text, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	browser.Axe(t, ctx)
	if _, err := ts.Store.SubscriberOrg(context.Background(), sub.ID, org.ID); err == nil {
		t.Fatal("still subscribed")
	}
	_ = testserver.Link
}
