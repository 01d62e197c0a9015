package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/testkit/browser"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestDebateInBrowser walks the whole story in Chromium, with axe-core on
// each page: a resident comments, a visitor without an account reports it,
// the community manager hides it citing a rule, the author gets the
// statement of reasons and appeals, a second moderator decides, the
// transparency page counts it; an agent answers as their service and the
// answer is pinned.
func TestDebateInBrowser(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	ctx0 := context.Background()
	org := ts.Org(t, "bellerive")
	voirie := service(t, ts, org, "Voirie")
	publish(t, ts, org, "quai", "Travaux sur le quai de Loire")
	ts.Staff(t, "cm@bellerive.test", "bellerive", model.RoleManager)
	ts.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
	ts.Staff(t, "patrick@bellerive.test", "bellerive", model.RoleAgent, voirie)
	ctx := browser.New(t)

	as := func(email string) {
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
	visit := func(path string) {
		t.Helper()
		browser.Do(t, ctx, chromedp.Navigate(ts.URL+path), chromedp.WaitVisible(chromedp.CSS("h1")))
		browser.Axe(t, ctx)
	}
	mainText := func() string {
		t.Helper()
		return browser.Get(t, ctx, chromedp.Text(chromedp.CSS("main")))
	}
	submit := func(form string) {
		t.Helper()
		browser.ClickAndLoad(t, ctx, form+` button[type="submit"]`)
		browser.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS("h1")))
	}
	want := func(what string, parts ...string) {
		t.Helper()
		txt := mainText()
		for _, p := range parts {
			if !strings.Contains(txt, p) {
				t.Fatalf("%s: page lacks %q:\n%s", what, p, txt)
			}
		}
	}

	// A resident comments from the publication page.
	as("jeanne@example.test")
	visit("/bellerive/p/quai")
	browser.Do(t, ctx, chromedp.SendKeys(chromedp.CSS("#f-body"), "Le chantier du quai est mal organisé, la mairie se moque des riverains."))
	submit(`form.comment-form:not(:has(input[name="parent"]))`)
	want("after posting", "Votre commentaire est publié.", "la mairie se moque des riverains")
	browser.Axe(t, ctx)
	// She follows the discussion by e-mail (a plain form: no script needed).
	submit(`form.follow-thread`)
	want("following", "Vous suivez cette discussion", "Ne plus suivre cette discussion")
	browser.Axe(t, ctx)
	// An empty comment: a clear message beside the field, accessible.
	browser.Do(t, ctx, chromedp.SetValue(chromedp.CSS("#f-body"), " "))
	browser.Get(t, ctx, chromedp.Evaluate[bool](`document.querySelector("#f-body").removeAttribute("required"), true`))
	submit(`form.comment-form:not(:has(input[name="parent"]))`)
	want("empty comment", "le texte est vide")
	browser.Axe(t, ctx)
	comments, _ := ts.Store.ThreadComments(ctx0, mustPub(t, ts, org, "quai").ID)
	id := comments[0].ID

	// Someone without an account reports it.
	as("")
	visit("/bellerive/p/quai/commentaires/" + id + "/signaler")
	browser.Do(t, ctx, chromedp.Click(chromedp.CSS(`input[value="rule-1"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-email"), "voisin@example.test"),
		chromedp.SendKeys(chromedp.CSS("#f-explanation"), "Attaque contre la mairie."))
	submit(`main form`)
	want("after report", "votre signalement est enregistré")
	browser.Axe(t, ctx)
	mailTo(t, ts, "voisin@example.test", "Signalement reçu", 1)

	// The community manager sees it in the queue and hides it citing rule 1.
	as("cm@bellerive.test")
	visit("/admin/bellerive/moderation")
	want("queue", "Signalé", "Travaux sur le quai de Loire")
	visit("/admin/bellerive/moderation/" + id)
	browser.Do(t, ctx, chromedp.Click(chromedp.CSS(`input[name="action"][value="hide"]`)),
		chromedp.SetValue(chromedp.CSS("#f-rule"), "1"),
		chromedp.SendKeys(chromedp.CSS("#f-note"), "Critiquez les décisions, pas les personnes."))
	submit(`form[action$="/decide"]`)
	want("after decision", "Décision enregistrée")
	browser.Axe(t, ctx)
	as("")
	visit("/bellerive/p/quai/commentaires")
	want("public after hide", "Commentaire masqué — règle 1 de la charte.")

	// The author gets the statement of reasons and appeals.
	st := mailTo(t, ts, "jeanne@example.test", "Décision de modération", 1)
	as("jeanne@example.test")
	visit(testserver.Link(t, st.Text, "/contester"))
	browser.Do(t, ctx, chromedp.SendKeys(chromedp.CSS("#f-text"), "Je critiquais l'organisation du chantier, pas une personne."))
	submit(`main form`)
	want("after appeal", "Votre contestation est enregistrée")
	browser.Axe(t, ctx)

	// A second moderator decides.
	as("admin@bellerive.test")
	visit("/admin/bellerive/moderation/" + id)
	browser.Do(t, ctx, chromedp.Click(chromedp.CSS(`input[name="outcome"][value="upheld"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-answer"), "« se moque des riverains » vise la mairie : la règle 1 s'applique."))
	submit(`form[action$="/appeal"]`)
	want("after appeal decision", "La contestation est tranchée")
	mustContain(t, "appeal mail", mailTo(t, ts, "jeanne@example.test", "Décision sur votre contestation", 1).Text, "maintenue")
	visit("/admin/bellerive/moderation/settings")

	// The transparency page counts it.
	as("")
	visit("/bellerive/transparence")
	want("transparency", "Commentaires reçus", "Règle 1", "Décisions maintenues")

	// An agent answers as their service; the answer is pinned.
	as("marc@example.test")
	visit("/bellerive/p/quai/commentaires")
	browser.Do(t, ctx, chromedp.SendKeys(chromedp.CSS("#f-body"), "Jusqu'à quand le quai sera-t-il fermé aux vélos ?"))
	submit(`form.comment-form:not(:has(input[name="parent"]))`)
	comments, _ = ts.Store.ThreadComments(ctx0, mustPub(t, ts, org, "quai").ID)
	q := comments[len(comments)-1].ID
	as("patrick@bellerive.test")
	visit("/bellerive/p/quai/commentaires")
	browser.Do(t, ctx, chromedp.Click(chromedp.CSS(`#c-`+q+` ~ details.reply summary`)),
		chromedp.SendKeys(chromedp.CSS("#f-body"+q), "Bonjour, la piste cyclable rouvre le 20 décembre."))
	submit(`form.comment-form:has(input[value="` + q + `"])`)
	want("answer", "Service Voirie — Ville de bellerive", "la piste cyclable rouvre le 20 décembre")
	browser.ClickAndLoad(t, ctx, `form[action$="/officielle"] button`)
	browser.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS(".badge-official")))
	want("pinned", "Réponse officielle")
	browser.Axe(t, ctx)
	visit("/admin/bellerive/notifications")
}

func mustPub(t *testing.T, ts *testserver.TS, org model.Organisation, slug string) model.Publication {
	t.Helper()
	p, err := ts.Store.PublicationBySlug(context.Background(), org.ID, slug)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
