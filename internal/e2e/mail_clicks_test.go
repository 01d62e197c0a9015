package e2e

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// letterServer starts a server with Bellerive, n seeded subscribers and a
// client signed in as its administrator.
func letterServer(t *testing.T, engine store.Engine, n int) (*testserver.TS, *testserver.Client) {
	t.Helper()
	ts := testserver.Start(t, testserver.Options{Engine: engine})
	org := ts.Org(t, "bellerive")
	ts.Staff(t, "karim@bellerive.test", "bellerive", model.RoleAdmin)
	c := ts.Client(t)
	ts.LoginAs(t, c, "karim@bellerive.test")
	if err := SeedSubscribers(context.Background(), ts.Store, org.ID, n); err != nil {
		t.Fatal(err)
	}
	return ts, c
}

// sendLetter creates and sends a newsletter from the staff pages and waits
// until it is sent; it returns the newsletter's staff page.
func sendLetter(t *testing.T, ts *testserver.TS, c *testserver.Client, subject, body string) string {
	t.Helper()
	r := c.Post("/admin/bellerive/newsletters", url.Values{"subject": {subject}, "body": {body}})
	mustStatus(t, "create letter", r, 303)
	page := r.Location
	mustStatus(t, "send letter", confirmSend(t, c, page), 303)
	waitMailing(t, ts, page[strings.LastIndex(page, "/")+1:])
	return page
}

// Aggregate click counts: off by default (links untouched), then switched
// on by an administrator: links go through /c/TOKEN, the same token for
// every recipient, counted per link, redirecting only to the letter's own
// links; staff see the totals on the letter's page.
func TestNewsletterClickCounts(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts, c := letterServer(t, engine, 3)
		const target = "https://www.bellerive.fr/fete?jour=samedi&heure=20"
		body := "Bonjour,\n\nLe [programme de la fête](" + target + ") est en ligne.\n"

		// Off by default: the links are the real ones.
		mustContain(t, "settings", c.Get("/admin/bellerive/abonnes").Body, `name="click_counts"`)
		if strings.Contains(c.Get("/admin/bellerive/abonnes").Body, `name="click_counts" value="1" aria-describedby="f-click-hint" checked`) {
			t.Fatal("click counts are on by default")
		}
		sendLetter(t, ts, c, "Lettre de mai", body)
		m := ts.Mail.Wait(t, "habitant00000@example.test", "Lettre de mai", 5*time.Second)
		if !strings.Contains(m.HTML, `href="https://www.bellerive.fr/fete?jour=samedi&amp;heure=20"`) || strings.Contains(m.Text+m.HTML, "/c/") {
			t.Fatalf("links rewritten while click counts are off:\n%s", m.HTML)
		}

		// On: links are rewritten, the same for everyone.
		mustStatus(t, "switch on", c.Post("/admin/bellerive/abonnes/settings", form("digest_hour", "7", "rate", "0", "click_counts", "1")), 303)
		mustContain(t, "settings on", c.Get("/admin/bellerive/abonnes").Body, `aria-describedby="f-click-hint" checked`)
		page := sendLetter(t, ts, c, "Lettre de juin", body)
		m0 := ts.Mail.Wait(t, "habitant00000@example.test", "Lettre de juin", 5*time.Second)
		m1 := ts.Mail.Wait(t, "habitant00001@example.test", "Lettre de juin", 5*time.Second)
		if strings.Contains(m0.Text+m0.HTML, "www.bellerive.fr/fete") {
			t.Fatalf("the original link is still in the message:\n%s", m0.Text)
		}
		// The text part is the Markdown as written: "[programme](link)".
		link0 := strings.TrimSuffix(testserver.Link(t, m0.Text, "/c/"), ")")
		link1 := strings.TrimSuffix(testserver.Link(t, m1.Text, "/c/"), ")")
		if link0 != link1 {
			t.Fatalf("click links differ between recipients (%s, %s): they must not name the person", link0, link1)
		}
		if !strings.Contains(m0.HTML, `href="`+ts.URL+link0+`"`) {
			t.Fatalf("HTML part does not use the counting link %s", link0)
		}
		if !strings.Contains(m0.Text, "/abonnement/") || strings.Contains(testserver.Link(t, m0.Text, "/abonnement/"), "/c/") {
			t.Fatal("preference and unsubscribe links must stay personal and direct")
		}

		anon := ts.Client(t)
		for i := 0; i < 2; i++ {
			r := anon.Get(link0)
			mustStatus(t, "click", r, 303)
			if r.Location != target || r.Header.Get("Set-Cookie") != "" || r.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("click: location %q, cookie %q, cache %q", r.Location, r.Header.Get("Set-Cookie"), r.Header.Get("Cache-Control"))
			}
		}
		// A link checker probing with HEAD is sent on but not counted.
		req, _ := http.NewRequest(http.MethodHead, ts.URL+link0, nil)
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		if res, err := noFollow.Do(req); err != nil || res.StatusCode != 303 {
			t.Fatalf("HEAD: %v %v", res, err)
		} else {
			res.Body.Close()
		}
		// Forged or damaged tokens lead nowhere (no open redirect).
		tampered := link0[:len(link0)-2] + map[bool]string{true: "AA", false: "BB"}[!strings.HasSuffix(link0, "AA")]
		for _, bad := range []string{tampered, "/c/aHR0cHM6Ly9ldmlsLmV4YW1wbGU", "/c/"} {
			if r := anon.Get(bad); r.Status != 404 || r.Location != "" {
				t.Errorf("%s: status %d, location %q; want 404", bad, r.Status, r.Location)
			}
		}

		// Staff see the totals per link, never who clicked.
		staff := c.Get(page)
		mustContain(t, "letter page", staff.Body, "Clics sur les liens", "https://www.bellerive.fr/fete?jour=samedi&amp;heure=20</a></td><td>2</td>")
		var rows int
		if err := ts.Store.DB().QueryRow(`SELECT COUNT(*) FROM click_counts`).Scan(&rows); err != nil || rows != 2 {
			t.Fatalf("click_counts rows = %d (%v), want 2 (the programme and the archive link)", rows, err)
		}
	})
}

// Mass mail is written in each recipient's language: the language of the
// page they subscribed from, or their account's. The newsletter's text stays
// as staff wrote it; the words around it are translated.
func TestMassMailInRecipientLanguage(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts, c := letterServer(t, engine, 1)
		ctx := context.Background()
		org, err := ts.Store.OrganisationByHandle(ctx, "bellerive")
		if err != nil {
			t.Fatal(err)
		}
		// Monday 16 March 2026, 10:00 in Paris.
		ts.Clock.Set(time.Date(2026, 3, 16, 9, 0, 0, 0, time.UTC))

		// Subscribed from the English page, without an account.
		en := ts.Client(t)
		mustStatus(t, "lang", en.Post("/lang", form("lang", "en", "next", "/bellerive/suivre")), 303)
		mustStatus(t, "subscribe", en.Post("/bellerive/suivre", url.Values{"email": {"john@example.test"}, "alerts": {"1"},
			"news": {"daily"}, "newsletter": {"1"}, "scope": {"all"}}), 303)
		confirm := ts.Mail.Wait(t, "john@example.test", "Confirm your subscription", 10*time.Second)
		mustStatus(t, "confirm", en.Get(testserver.Link(t, confirm.Text, "/confirmer-abonnement/")), 200)

		// A resident with an account who reads in English.
		acc := ts.Client(t)
		ts.LoginAs(t, acc, "amy@example.test")
		mustStatus(t, "account subscribe", acc.Post("/bellerive/suivre", url.Values{"alerts": {"1"}, "news": {"none"},
			"newsletter": {"1"}, "scope": {"all"}}), 303)
		if s := mustSub(t, ts, "amy@example.test"); s.Lang != "fr" {
			t.Fatalf("account subscriber language = %q before switching, want fr", s.Lang)
		}
		mustStatus(t, "account lang", acc.Post("/lang", form("lang", "en", "next", "/")), 303)
		if s := mustSub(t, ts, "amy@example.test"); s.Lang != "en" {
			t.Fatalf("account subscriber language = %q after switching, want en", s.Lang)
		}

		alert := publishNow(t, ts, org, model.KindAlert, model.AlertVigilance, "Rue Haute fermée")
		waitMailing(t, ts, alert.ID)
		fr := ts.Mail.Wait(t, "habitant00000@example.test", "Rue Haute fermée", 5*time.Second)
		for _, who := range []string{"john@example.test", "amy@example.test"} {
			m := ts.Mail.Wait(t, who, "Rue Haute fermée", 5*time.Second)
			if !strings.HasPrefix(m.Subject, "[Alert] ") || !strings.Contains(m.Text, "Unsubscribe:") || strings.Contains(m.Text, "désabonner") ||
				!strings.Contains(m.HTML, `<html lang="en">`) {
				t.Fatalf("%s: English alert expected, got %q:\n%s", who, m.Subject, m.Text)
			}
		}
		if !strings.HasPrefix(fr.Subject, "[Alerte] ") || !strings.Contains(fr.Text, "Me désabonner") {
			t.Fatalf("French alert expected, got %q:\n%s", fr.Subject, fr.Text)
		}

		// The newsletter: staff's words unchanged, English around them.
		sendLetter(t, ts, c, "La lettre de Bellerive", "Bonjour à toutes et à tous,\n\nLa **fête du Port** a lieu samedi.\n")
		m := ts.Mail.Wait(t, "john@example.test", "La lettre de Bellerive", 5*time.Second)
		if !strings.Contains(m.Text, "La **fête du Port** a lieu samedi.") || !strings.Contains(m.Text, "Read this letter online:") ||
			!strings.Contains(m.HTML, "Choose what I receive") {
			t.Fatalf("English newsletter chrome expected:\n%s", m.Text)
		}
		if f := ts.Mail.Wait(t, "habitant00000@example.test", "La lettre de Bellerive", 5*time.Second); !strings.Contains(f.Text, "Lire cette lettre en ligne") {
			t.Fatalf("French newsletter chrome expected:\n%s", f.Text)
		}

		// The next morning's digest, in English; with click counts on, its
		// links are counted too (the language does not change the tokens).
		mustStatus(t, "switch on", c.Post("/admin/bellerive/abonnes/settings", form("digest_hour", "7", "rate", "0", "click_counts", "1")), 303)
		ts.Clock.Advance(time.Hour)
		news := publishNow(t, ts, org, model.KindNews, "", "Marché de printemps")
		waitMailing(t, ts, news.ID)
		ts.Clock.Set(time.Date(2026, 3, 17, 6, 5, 0, 0, time.UTC))
		if err := ts.App.Mailing.RunDigests(ctx); err != nil {
			t.Fatal(err)
		}
		d := ts.Mail.Wait(t, "john@example.test", "Today's news", 10*time.Second)
		if !strings.Contains(d.Text, news.Title) || !strings.Contains(d.Text, "Unsubscribe:") {
			t.Fatalf("English digest expected:\n%s", d.Text)
		}
		if strings.Contains(d.Text, "/bellerive/p/") || !strings.Contains(d.Text, ts.URL+"/c/") {
			t.Fatalf("digest links are not counted:\n%s", d.Text)
		}
		r := ts.Client(t).Get(testserver.Link(t, d.Text, "/c/"))
		if r.Status != 303 || !strings.Contains(r.Location, "/bellerive/p/") {
			t.Fatalf("digest click: %d %q", r.Status, r.Location)
		}
		// Staff see the digests' totals per link on the figures page.
		mustContain(t, "figures", c.Get("/admin/bellerive/abonnes").Body, "Clics dans les résumés", r.Location+"</a></td><td>1</td>")
	})
}
