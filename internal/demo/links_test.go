package demo_test

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/demo"
	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// rawCodeRE finds an untranslated code in an item's history ("Reçu :
// request", "Réponse : email", "État : closed").
var rawCodeRE = regexp.MustCompile(`(?:Reçu|Réponse|État)(?:&nbsp;| )?:? (?:request|question|remote|appeal|report|held|event_question|email|comment|decision|new|assigned|waiting|answered|closed)\b`)

// hrefRE finds the site-relative links of a page.
var hrefRE = regexp.MustCompile(`href="(/[^"#]*)"`)

// TestDemoStaffSide seeds the demo once per engine and checks what staff
// meet in it: every link they are shown opens, every inbox item opens,
// every journal action reads as a sentence.
func TestDemoStaffSide(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine, Outbox: true})
		logins, err := demo.Seed(t.Context(), ts.App)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("links open for every role", func(t *testing.T) { checkLinks(t, ts, logins) })
		t.Run("inbox items open", func(t *testing.T) { checkInboxItemsOpen(t, ts) })
		t.Run("journal actions read as sentences", func(t *testing.T) { checkJournalLabels(t, ts) })
		t.Run("sitemap and search hold every article", func(t *testing.T) { checkSitemapAndSearch(t, ts) })
	})
}

// checkSitemapAndSearch reads the demo's sitemap and searches it: the
// debate's budget article, created already published, must be in both
// (it once had no publication date, and the sitemap answered 500).
func checkSitemapAndSearch(t *testing.T, ts *testserver.TS) {
	c := ts.Client(t)
	res := c.Get("/" + demo.Handle + "/sitemap.xml")
	if res.Status != 200 || !strings.Contains(res.Body, "budget-2027-orientations") {
		t.Errorf("sitemap: %d, budget article listed: %t", res.Status, strings.Contains(res.Body, "budget-2027-orientations"))
	}
	res = c.Get("/" + demo.Handle + "/recherche?q=orientations+budget")
	if res.Status != 200 || !strings.Contains(res.Body, "budget-2027-orientations") {
		t.Errorf("search: %d, budget article found: %t", res.Status, strings.Contains(res.Body, "budget-2027-orientations"))
	}
}

// checkLinks signs in as each demo login and follows every link of the
// staff area and the account pages it is shown: a link a person is
// offered must open for that person. Pages that refuse a role (403) must
// not be linked for it, and no page may fail.
func checkLinks(t *testing.T, ts *testserver.TS, logins []demo.Login) {
	for _, l := range logins {
		c := ts.Client(t)
		ts.LoginAs(t, c, l.Email)
		seen := map[string]bool{}
		from := map[string]string{}
		queue := []string{"/account", "/admin/" + demo.Handle}
		for len(queue) > 0 && len(seen) < 400 {
			path := queue[0]
			queue = queue[1:]
			if seen[path] {
				continue
			}
			seen[path] = true
			res := c.Get(path)
			switch {
			case res.Status == 200:
			case res.Status >= 300 && res.Status < 400:
				if loc := strings.TrimPrefix(res.Location, ts.URL); strings.HasPrefix(loc, "/") && !seen[loc] {
					from[loc] = path
					queue = append(queue, loc)
				}
				continue
			case strings.TrimSuffix(path, "/") == "/admin/"+demo.Handle && l.Role == "resident":
				continue // the one page a resident may try and be refused
			default:
				t.Errorf("%s (%s): %s answers %d, linked from %s", l.Email, l.Role, path, res.Status, from[path])
				continue
			}
			if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				continue
			}
			for _, m := range hrefRE.FindAllStringSubmatch(res.Body, -1) {
				link := html.UnescapeString(m[1])
				if !strings.HasPrefix(link, "/admin/") && !strings.HasPrefix(link, "/account") || seen[link] {
					continue
				}
				if _, ok := from[link]; !ok {
					from[link] = path
				}
				queue = append(queue, link)
			}
		}
		if min := 10; l.Role != "resident" && len(seen) < min {
			t.Errorf("%s (%s): only %d pages reached, want at least %d", l.Email, l.Role, len(seen), min)
		}
		t.Logf("%s (%s): %d pages", l.Email, l.Role, len(seen))
	}
}

// checkJournalLabels checks that every action the demo writes to the
// audit log has a label in both languages, so the journal page never shows
// a bare code to a manager.
func checkJournalLabels(t *testing.T, ts *testserver.TS) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	org := ts.Org(t, demo.Handle)
	entries, err := ts.Store.AuditOf(t.Context(), org.ID, 10000)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]bool{}
	for _, e := range entries {
		actions[e.Action] = true
	}
	if len(actions) < 10 {
		t.Fatalf("the demo wrote only %d kinds of action", len(actions))
	}
	for a := range actions {
		for _, lang := range i18n.Langs {
			if !cat.Has(lang, "journal.action."+a) {
				t.Errorf("no %s label for journal action %q", lang, a)
			}
		}
	}
}

// checkInboxItemsOpen opens every item of the demo inbox, in every
// state: an item whose request or comment is missing would be a dead link
// in the console (the month of history once held requests without one,
// and the open ones among them depended on the hour the demo started).
func checkInboxItemsOpen(t *testing.T, ts *testserver.TS) {
	org := ts.Org(t, demo.Handle)
	lead := ts.Account(t, "communication@bellerive.example").ID // the demo's manager
	items, _, err := ts.App.Console.Inbox(t.Context(), lead, org.ID, model.InboxFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	c := ts.Client(t)
	ts.LoginAs(t, c, "communication@bellerive.example")
	requests := 0
	for _, it := range items {
		page := c.Get("/admin/" + demo.Handle + "/inbox/" + it.ID)
		if page.Status != 200 {
			t.Errorf("item %s page answers %d", it.ID, page.Status)
		} else if m := rawCodeRE.FindString(page.Body); m != "" {
			t.Errorf("item %s history shows a raw code: %q", it.ID, m)
		}
		f, err := ts.App.Console.OpenItem(t.Context(), lead, org.ID, it.ID)
		if err != nil {
			t.Errorf("item %s (%s, %s, %q) does not open: %v", it.ID, it.Kind, it.State, it.Excerpt, err)
			continue
		}
		if it.Kind == model.InboxRequest {
			requests++
			if f.Request == nil {
				t.Errorf("request item %s opens without its request", it.ID)
			}
		}
	}
	if len(items) < 30 || requests < 5 {
		t.Fatalf("demo inbox: %d items, %d requests", len(items), requests)
	}
}
