package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/browser"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestStaffFiguresInBrowserWithoutJavaScript: with JavaScript off, a
// manager goes from the workload figures to last month's "coût réel"
// report through the months' table (February divided by February's
// followers), then to the digests sent, one digest and its clicks per
// link, and back; axe checks every page.
func TestStaffFiguresInBrowserWithoutJavaScript(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		town := newConsoleTown(t, engine) // Thursday 12 March 2026
		ts, org := town.ts, town.org
		seedFollowerMonths(t, town)
		// Two digests of Wednesday 11 March, delivered, one link clicked.
		seedDigestReaders(t, ts, org.ID, "lecteur", 3)
		var readers []string
		rows, err := ts.Store.DB().Query(`SELECT id FROM subscribers ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			readers = append(readers, id)
		}
		rows.Close()
		at := time.Date(2026, 3, 11, 6, 2, 0, 0, time.UTC)
		for i, ids := range [][]string{readers, readers[:1]} {
			m := model.Mailing{ID: core.NewID(), OrgID: org.ID, Kind: model.MailingDigest, RefID: org.ID + "/daily/2026-03-11/g" + string(rune('a'+i)),
				Subject: "Les nouvelles du jour — Ville de bellerive", State: model.MailingSending, CreatedAt: at.Add(time.Duration(i) * time.Second)}
			err := ts.Store.InTx(ctx, func(tx *store.Tx) error {
				if _, _, err := tx.CreateMailing(ctx, m); err != nil {
					return err
				}
				if _, err := tx.AddRecipients(ctx, m.ID, ids); err != nil {
					return err
				}
				if err := tx.RecordDelivered(ctx, m.ID, at.Add(time.Minute)); err != nil {
					return err
				}
				if err := tx.AddClickLinks(ctx, m.ID, []string{ts.URL + "/bellerive/p/travaux-quai"}); err != nil {
					return err
				}
				_, err := tx.CountClick(ctx, m.ID, 0)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}

		bctx := browser.New(t)
		browserSignIn(t, bctx, ts, "cm@bellerive.test")
		scripts := func(on bool) {
			t.Helper()
			if _, err := chromedp.Call(bctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
				t.Fatal(err)
			}
		}
		// axe runs as a script: it is let run on the page as loaded
		// without JavaScript, then scripts are off again.
		axe := func() {
			t.Helper()
			scripts(true)
			browser.Axe(t, bctx)
			scripts(false)
		}
		// visit opens a page and checks its h1 (browserVisit runs axe
		// with scripts on, which is not what is tested here).
		visit := func(path, wantH1 string) {
			t.Helper()
			browser.Do(t, bctx, chromedp.Navigate(ts.URL+path), chromedp.WaitVisible(chromedp.CSS("h1")))
			if h1 := browser.Get(t, bctx, chromedp.Text(chromedp.CSS("h1"))); !strings.Contains(h1, wantH1) {
				t.Fatalf("%s: h1 = %q, want %q", path, h1, wantH1)
			}
			axe()
		}
		scripts(false)
		text := func(sel string) string { t.Helper(); return browser.Get(t, bctx, chromedp.Text(chromedp.CSS(sel))) }
		// follow clicks a link and waits for what only the next page has.
		follow := func(link, next, wantH1 string) {
			t.Helper()
			browser.Do(t, bctx, chromedp.Click(chromedp.CSS(link)), chromedp.WaitVisible(chromedp.CSS(next)))
			if h1 := text("h1"); !strings.Contains(h1, wantH1) {
				t.Fatalf("after %s: h1 = %q, want %q", link, h1, wantH1)
			}
			axe()
		}

		visit("/admin/bellerive/chiffres", "Chiffres de charge")
		if months := text("#history + p + .table-scroll"); !strings.Contains(months, "février 2026") || !strings.Contains(months, "28 sur 28") {
			t.Fatalf("months' table: %q", months)
		}
		follow(`.table-scroll a[href="/admin/bellerive/chiffres/cout?mois=2026-02"]`, ".cost-report", "février 2026")
		if base := text(".per1000-base"); !strings.Contains(base, "950 abonnés en moyenne") {
			t.Fatalf("February report base: %q", base)
		}
		visit("/admin/bellerive/chiffres", "Chiffres de charge")
		follow(`a[href="/admin/bellerive/abonnes/resumes"]`, "table.digests", "Résumés envoyés")
		if list := text("table.digests tbody"); strings.Count(list, "quotidien du mercredi 11 mars 2026") != 2 {
			t.Fatalf("digests list: %q", list)
		}
		follow("table.digests tbody tr:last-child a", "table.click-counts", "Résumé envoyé")
		if facts := text("dl.facts"); !strings.Contains(facts, "Destinataires\n3\nEnvoyés\n3") {
			t.Fatalf("the digest's figures: %q", facts)
		}
		if clicks := text("table.click-counts tbody"); !strings.Contains(clicks, "/bellerive/p/travaux-quai") || !strings.Contains(clicks, "1") {
			t.Fatalf("clicks per link: %q", clicks)
		}
		follow(`a[href="/admin/bellerive/abonnes/resumes"]`, "table.digests", "Résumés envoyés")
	})
}
