package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/testkit/browser"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestPublishingInBrowser: an editor drafts a news item with an image (with
// its text alternative) and submits it; the maire approves; the
// communication officer schedules it; the clock passes and the job
// publishes it. axe checks every staff page on the way.
func TestPublishingInBrowser(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	ts.Clock.Set(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	org := ts.Org(t, "bellerive")
	ts.Staff(t, "redaction@bellerive.test", "bellerive", model.RoleEditor)
	ts.Staff(t, "maire@bellerive.test", "bellerive", model.RoleValidator)
	ts.Staff(t, "communication@bellerive.test", "bellerive", model.RoleManager)
	admin := ts.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
	if err := ts.App.Publishing.SetValidationRequired(t.Context(), admin.ID, org.ID, map[model.PubKind]bool{model.KindNews: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.App.Publishing.SaveTopic(t.Context(), admin.ID, org.ID, "", appTag("Travaux")); err != nil {
		t.Fatal(err)
	}
	photo := filepath.Join(t.TempDir(), "chantier.png")
	if err := os.WriteFile(photo, pngImage(t, 1000, 500), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx := browser.New(t)
	signIn := func(email string) { t.Helper(); browserSignIn(t, ctx, ts, email) }
	visit := func(path, wantH1 string) { t.Helper(); browserVisit(t, ctx, ts, path, wantH1) }
	click := func(op string) {
		t.Helper()
		browser.Do(t, ctx, chromedp.Click(chromedp.CSS(`button[name="op"][value="`+op+`"]`)), chromedp.WaitVisible(chromedp.CSS("h1")))
	}
	notice := func(want string) {
		t.Helper()
		// The click returns while the old page still shows its notice.
		browser.WaitText(t, ctx, "p.notice[role=status]", want)
		browser.Axe(t, ctx)
	}

	// The editor drafts, with an image and its alternative, and submits.
	signIn("redaction@bellerive.test")
	visit("/admin/bellerive/publications", "Publications")
	visit("/admin/bellerive/publications/new?kind=news", "Nouvelle actualité")
	browser.Do(t, ctx,
		chromedp.SendKeys(chromedp.ID("f-title"), "Réfection de la rue des Tanneurs du 3 au 21 mars"),
		chromedp.SendKeys(chromedp.ID("f-summary"), "Circulation alternée pendant trois semaines."),
		chromedp.SendKeys(chromedp.ID("f-body"), "La chaussée est refaite.\n\n## Déviation\n\nPar le quai des Mariniers."),
		chromedp.Click(chromedp.CSS(`input[name="topics"] + label`)),
		chromedp.SetUploadFiles(chromedp.ID("f-image_file"), []string{photo}),
		chromedp.SendKeys(chromedp.ID("f-image_alt"), "Engins de chantier rue des Tanneurs"),
	)
	// The live preview (script) renders as one types.
	browser.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#live-preview h3")))
	browser.Axe(t, ctx)
	click("save")
	notice("Brouillon enregistré")
	if alt := browser.Get(t, ctx, chromedp.AttributeValue(chromedp.CSS("figure.illustration img"), "alt")); alt.Value != "Engins de chantier rue des Tanneurs" {
		t.Fatalf("illustration alt = %q", alt.Value)
	}
	click("submit")
	notice("soumise à validation")

	// The maire approves from the validation queue.
	signIn("maire@bellerive.test")
	visit("/admin/bellerive/validation", "À valider")
	browser.Do(t, ctx, chromedp.Click(chromedp.CSS(`main table a`)), chromedp.WaitVisible(chromedp.CSS(`button[value="approve"]`)))
	browser.Axe(t, ctx)
	click("approve")
	notice("approuvée")

	// The communication officer schedules it; a time in the past is refused first.
	signIn("communication@bellerive.test")
	items, _, err := ts.Store.ListPublications(t.Context(), model.PubFilter{OrgID: org.ID})
	if err != nil || len(items) != 1 {
		t.Fatalf("publications = %v, %v", items, err)
	}
	id := items[0].ID
	visit("/admin/bellerive/publications/"+id, "Réfection de la rue des Tanneurs")
	browser.Do(t, ctx, chromedp.SetValue(chromedp.ID("f-when"), "2026-03-01T09:00"))
	click("schedule")
	browser.Do(t, ctx, chromedp.WaitVisible(chromedp.ID("f-when-error")))
	if e := browser.Get(t, ctx, chromedp.Text(chromedp.ID("f-when-error"))); !strings.Contains(e, "déjà passée") {
		t.Fatalf("past schedule error = %q", e)
	}
	browser.Axe(t, ctx)
	browser.Do(t, ctx, chromedp.SetValue(chromedp.ID("f-when"), "2026-03-03T07:30"))
	click("schedule")
	notice("programmée")
	visit("/admin/bellerive/calendar?month=2026-03", "Calendrier")
	visit("/admin/bellerive/publications/"+id+"/revisions", "Versions")

	// The clock passes; the job publishes it.
	ts.Clock.Set(time.Date(2026, 3, 3, 6, 31, 0, 0, time.UTC))
	deadline := time.Now().Add(30 * time.Second)
	for {
		p, err := ts.Store.PublicationByID(t.Context(), org.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if p.State == model.StatePublished {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not published by the job: %s", p.State)
		}
		time.Sleep(100 * time.Millisecond)
	}
	visit("/admin/bellerive/publications?state=published", "Publications")
	if txt := browser.Get(t, ctx, chromedp.Text(chromedp.CSS("main table"))); !strings.Contains(txt, "Réfection de la rue des Tanneurs") || !strings.Contains(txt, "Publiée") {
		t.Fatalf("staff list = %q", txt)
	}
	visit("/admin/bellerive/publications/"+id, "Réfection de la rue des Tanneurs")

	// The administrator's pages.
	signIn("admin@bellerive.test")
	visit("/admin/bellerive/topics", "Sujets")
	visit("/admin/bellerive/neighbourhoods", "Quartiers")
	visit("/admin/bellerive/publishing-settings", "Réglages de publication")
	visit("/admin/bellerive/publications/"+id+"/revisions/1", "Version 1")
	visit("/admin/bellerive/publications/new?kind=job", "Nouvelle offre d'emploi")
	visit("/admin/bellerive/publications/new?kind=alert", "Nouvelle alerte")
}
