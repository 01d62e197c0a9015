package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// publicStart is the frozen time of the public-side tests.
var publicStart = time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)

// publicOrg creates "ville-test" with a topic, a neighbourhood and
// publications of every kind and state, and returns the organisation.
func publicOrg(t *testing.T, ts *testserver.TS) model.Organisation {
	t.Helper()
	ctx := context.Background()
	ts.Clock.Set(publicStart)
	org, err := ts.App.Organisations.CreateOrganisation(ctx, "", organisations.NewOrganisation{Handle: "ville-test", Name: "Ville de Test", Kind: model.KindCommune})
	if err != nil {
		t.Fatal(err)
	}
	now := ts.App.Now()
	if err := ts.Store.CreateTopic(ctx, model.Topic{ID: "t-ecoles", OrgID: org.ID, Slug: "ecoles", Name: "Écoles", Description: "La vie scolaire", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := ts.Store.CreateNeighbourhood(ctx, model.Neighbourhood{ID: "n-port", OrgID: org.ID, Slug: "port", Name: "Le Port", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	at := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
	pubs := []model.Publication{
		{ID: "p-insc", Kind: model.KindNews, Slug: "inscriptions-ecole", Title: "Inscriptions à l'école pour la rentrée",
			Summary:  "Les inscriptions scolaires sont ouvertes jusqu'au 30 avril.",
			BodyHTML: "<p>Rendez-vous en mairie pour l'<strong>inscription</strong> de votre enfant &amp; son dossier.</p>",
			State:    model.StatePublished, PublishedAt: at(-48 * time.Hour), RepublishedAt: at(-2 * time.Hour),
			TopicIDs: []string{"t-ecoles"}, NeighbourhoodIDs: []string{"n-port"}},
		{ID: "p-draft", Kind: model.KindNews, Slug: "projet-secret", Title: "Projet confidentiel de piscine",
			Summary: "Brouillon", BodyHTML: "<p>Ne pas publier.</p>", State: model.StateDraft, TopicIDs: []string{"t-ecoles"}},
		{ID: "p-unpub", Kind: model.KindNews, Slug: "retiree", Title: "Publication retirée sur la piscine",
			State: model.StateUnpublished, PublishedAt: at(-90 * time.Hour)},
		{ID: "p-crue", Kind: model.KindAlert, Slug: "vigilance-crue", Title: "Vigilance crue de la Loire",
			Summary: "Le niveau de la Loire monte : évitez les quais.", State: model.StatePublished,
			AlertLevel: model.AlertVigilance, AlertEndsAt: at(3 * time.Hour), PublishedAt: at(-time.Hour)},
		{ID: "p-job", Kind: model.KindJob, Slug: "agent-entretien-ecoles", Title: "Agent d'entretien des écoles (H/F)",
			Summary: "Poste à temps complet au service des écoles.", BodyHTML: "<p>Missions : entretien des locaux.</p>",
			State: model.StatePublished, PublishedAt: at(-5 * time.Hour),
			Job: model.JobOffer{Title: "Agent d'entretien", Grade: "Adjoint technique", Category: "C", Filiere: "Technique",
				Contract: "permanent", Time: "full", Place: "Groupe scolaire Jules-Ferry", ClosesAt: at(48 * time.Hour),
				HowToApply: "Lettre et CV à rh@ville-test.example"}},
		{ID: "p-job-old", Kind: model.KindJob, Slug: "offre-close", Title: "Animateur périscolaire",
			State: model.StatePublished, PublishedAt: at(-100 * time.Hour), Job: model.JobOffer{ClosesAt: at(-24 * time.Hour)}},
		{ID: "p-page", Kind: model.KindPage, Slug: "charte", Title: "Charte de modération", BodyHTML: "<p>Règles.</p>",
			State: model.StatePublished, PublishedAt: at(-200 * time.Hour)},
	}
	for i := range pubs {
		pubs[i].OrgID, pubs[i].CreatedAt, pubs[i].UpdatedAt = org.ID, now.Add(-300*time.Hour), now.Add(-300*time.Hour)
	}
	insertPublications(t, ts, pubs)
	return org
}

func insertPublications(t *testing.T, ts *testserver.TS, pubs []model.Publication) {
	t.Helper()
	ctx := context.Background()
	err := ts.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.BulkInsertPublications(ctx, pubs); err != nil {
			return err
		}
		for _, p := range pubs {
			if err := tx.IndexPublication(ctx, p.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func mustNotContain(t *testing.T, where, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(body, p) {
			t.Fatalf("%s: unexpected %q", where, p)
		}
	}
}

func TestPublicPages(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		publicOrg(t, ts)
		c := ts.Client(t)
		secret := []string{"Projet confidentiel", "projet-secret", "Publication retirée", "retiree"}

		home := c.Get("/ville-test/")
		if home.Status != 200 {
			t.Fatalf("home: %d", home.Status)
		}
		mustContain(t, "home", home.Body, "Vigilance crue de la Loire", "Alertes en cours", "Inscriptions à l", "Agent d",
			`href="/ville-test/themes/ecoles"`, `href="/ville-test/quartiers/port"`,
			`<link rel="alternate" type="application/rss+xml"`, `type="application/atom+xml"`, `type="application/feed+json"`,
			`"@type":"GovernmentOrganization"`, `<link rel="canonical" href="`+ts.URL+`/ville-test/"`)
		mustNotContain(t, "home", home.Body, append(secret, "Animateur périscolaire")...)
		// The home page is the organisation itself: its name once, not
		// "Ville de Test · Ville de Test".
		mustContain(t, "home title", home.Body, "<title>Ville de Test</title>")
		if strings.Index(home.Body, "Vigilance crue") > strings.Index(home.Body, "Dernières actualités") {
			t.Fatal("the active alert is not at the top")
		}

		pub := c.Get("/ville-test/p/inscriptions-ecole")
		mustContain(t, "publication", pub.Body, "Publié le", "jeudi 12 mars 2026", "mis à jour le", "samedi 14 mars 2026",
			"<strong>inscription</strong>", `property="og:title" content="Inscriptions à l&#39;école pour la rentrée`,
			`"@type":"NewsArticle"`, `href="/ville-test/themes/ecoles"`, "mailto:?subject=", "bsky.app/intent/compose",
			`/ville-test/p/inscriptions-ecole/affiche`, "<title>Inscriptions à l&#39;école pour la rentrée")
		mustContain(t, "publication title", pub.Body, " · Ville de Test</title>")
		job := c.Get("/ville-test/p/agent-entretien-ecoles")
		mustContain(t, "job", job.Body, "Adjoint technique", "Technique", "Temps complet", "Groupe scolaire Jules-Ferry",
			"Date limite de candidature", "rh@ville-test.example", `"@type":"JobPosting"`, `"validThrough":"2026-03-16T10:00:00Z"`,
			`"employmentType":"FULL_TIME"`)
		mustNotContain(t, "job", job.Body, "Publié le samedi 14 mars 2026 · mis à jour")
		alert := c.Get("/ville-test/p/vigilance-crue")
		mustContain(t, "alert", alert.Body, "Vigilance", "Alerte en cours jusqu")
		if page := c.Get("/ville-test/p/charte"); page.Status != 200 || !strings.Contains(page.Body, `"@type":"WebPage"`) {
			t.Fatalf("standing page: %d", page.Status)
		}
		for _, p := range []string{"/ville-test/p/projet-secret", "/ville-test/p/retiree", "/ville-test/p/nope",
			"/ville-test/themes/nope", "/ville-test/quartiers/nope", "/nope-org/", "/ville-test/p/projet-secret/affiche",
			"/ville-test/actualites?page=0", "/ville-test/actualites?page=abc", "/ville-test/actualites?page=7"} {
			if r := c.Get(p); r.Status != 404 {
				t.Fatalf("%s: %d, want 404", p, r.Status)
			}
		}
		jobs := c.Get("/ville-test/emplois")
		mustContain(t, "jobs", jobs.Body, "Agent d&#39;entretien des écoles")
		mustNotContain(t, "jobs", jobs.Body, "Animateur périscolaire")
		topic := c.Get("/ville-test/themes/ecoles")
		mustContain(t, "topic", topic.Body, "Écoles", "La vie scolaire", "Inscriptions à l", `href="/ville-test/themes/ecoles/feed.rss"`)
		mustNotContain(t, "topic", topic.Body, secret...)
		nb := c.Get("/ville-test/quartiers/port")
		mustContain(t, "neighbourhood", nb.Body, "Le Port", "Inscriptions à l")
		news := c.Get("/ville-test/actualites")
		mustNotContain(t, "news", news.Body, secret...)

		// Sitemap and robots.
		sm := c.Get("/sitemap.xml")
		mustContain(t, "sitemap index", sm.Body, "<sitemapindex", ts.URL+"/ville-test/sitemap.xml")
		osm := c.Get("/ville-test/sitemap.xml")
		mustContain(t, "sitemap", osm.Body, "<urlset", ts.URL+"/ville-test/p/inscriptions-ecole", ts.URL+"/ville-test/themes/ecoles", "<lastmod>2026-03-14T08:00:00Z</lastmod>")
		mustNotContain(t, "sitemap", osm.Body, secret...)
		robots := c.Get("/robots.txt")
		mustContain(t, "robots", robots.Body, "Disallow: /admin/", "Sitemap: "+ts.URL+"/sitemap.xml")

		// Print notice: QR code of the canonical URL, no navigation in print.
		poster := c.Get("/ville-test/p/vigilance-crue/affiche")
		mustContain(t, "poster", poster.Body, `<svg xmlns="http://www.w3.org/2000/svg" class="qr"`, "<rect x=", ts.URL+"/ville-test/p/vigilance-crue",
			"Vigilance crue de la Loire", "Le niveau de la Loire monte", `<meta name="robots" content="noindex">`)

		// Nothing is loaded from another origin.
		for _, p := range []string{"/ville-test/", "/ville-test/p/inscriptions-ecole", "/ville-test/recherche?q=ecole", "/ville-test/p/vigilance-crue/affiche"} {
			assertSameOrigin(t, p, c.Get(p).Body, ts.URL)
		}
	})
}

var loadedRE = regexp.MustCompile(`<(?:script|img|link|iframe|source|audio|video)\b[^>]*?\s(?:src|href)="([^"]+)"`)

// assertSameOrigin fails if the page loads an asset from another origin.
// (Plain links to share on other networks are <a> elements: not loaded.)
func assertSameOrigin(t *testing.T, page, body, base string) {
	t.Helper()
	for _, m := range loadedRE.FindAllStringSubmatch(body, -1) {
		tag := m[0]
		if strings.Contains(tag, `rel="canonical"`) || strings.Contains(tag, `rel="alternate"`) {
			if !strings.HasPrefix(m[1], base) && !strings.HasPrefix(m[1], "/") {
				t.Fatalf("%s: link to another origin: %s", page, tag)
			}
			continue
		}
		if strings.HasPrefix(m[1], "http:") || strings.HasPrefix(m[1], "https:") || strings.HasPrefix(m[1], "//") {
			t.Fatalf("%s loads %s from another origin", page, m[1])
		}
	}
}

func TestPublicTimeBoundaries(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		publicOrg(t, ts)
		c := ts.Client(t)
		// Fill the cache, then let time pass: the alert leaves the top at its
		// end time and the job offer leaves the list at its closing date,
		// without any write to the database.
		mustContain(t, "home", c.Get("/ville-test/").Body, "Alertes en cours", "Vigilance crue")
		mustContain(t, "jobs", c.Get("/ville-test/emplois").Body, "Agent d&#39;entretien")
		// The alert is a banner on every page of the organisation, above
		// the content, not on the home page only.
		for _, path := range []string{"/ville-test/p/inscriptions-ecole", "/ville-test/agenda", "/ville-test/suivre", "/ville-test/question"} {
			body := c.Get(path).Body
			banner, main := strings.Index(body, `class="alert-banner"`), strings.Index(body, "<main")
			if banner < 0 || main < banner || !strings.Contains(body[banner:main], "Vigilance crue") {
				t.Errorf("%s: no alert banner above the content", path)
			}
		}
		ts.Clock.Advance(3*time.Hour + time.Second)
		home := c.Get("/ville-test/")
		mustNotContain(t, "home after the alert's end", home.Body, "Alertes en cours")
		mustNotContain(t, "news page after the alert's end", c.Get("/ville-test/p/inscriptions-ecole").Body, "alert-banner")
		mustContain(t, "alert page after its end", c.Get("/ville-test/p/vigilance-crue").Body, "Cette alerte est terminée")
		ts.Clock.Advance(45 * time.Hour)
		mustNotContain(t, "jobs after closing", c.Get("/ville-test/emplois").Body, "Agent d&#39;entretien")
		mustContain(t, "job page after closing", c.Get("/ville-test/p/agent-entretien-ecoles").Body, "Les candidatures sont closes")
	})
}

func TestPublicCacheFollowsChanges(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := publicOrg(t, ts)
		c := ts.Client(t)
		ctx := context.Background()
		first := c.Get("/ville-test/p/inscriptions-ecole")
		etag := first.Header.Get("ETag")
		if etag == "" || first.Header.Get("Cache-Control") != "public, no-cache" {
			t.Fatalf("headers: %v", first.Header)
		}
		// Same page again: served from the cache, same validator.
		if again := c.Get("/ville-test/p/inscriptions-ecole"); again.Header.Get("ETag") != etag {
			t.Fatal("the cached page changed without any change")
		}
		// Any public change shows on the very next request.
		if _, err := ts.Store.DB().Exec(`UPDATE publications SET title = 'Inscriptions scolaires 2026' WHERE id = 'p-insc'`); err != nil {
			t.Fatal(err)
		}
		mustContain(t, "after edit", c.Get("/ville-test/p/inscriptions-ecole").Body, "Inscriptions scolaires 2026")
		mustContain(t, "home after edit", c.Get("/ville-test/").Body, "Inscriptions scolaires 2026")
		if _, err := ts.Store.DB().Exec(`UPDATE publications SET state = 'unpublished' WHERE id = 'p-insc'`); err != nil {
			t.Fatal(err)
		}
		if r := c.Get("/ville-test/p/inscriptions-ecole"); r.Status != 404 {
			t.Fatalf("withdrawn publication still served: %d", r.Status)
		}
		mustNotContain(t, "home after withdrawal", c.Get("/ville-test/").Body, "Inscriptions scolaires 2026")
		if err := ts.Store.UpdateTopic(ctx, model.Topic{ID: "t-ecoles", OrgID: org.ID, Slug: "ecoles", Name: "Scolarité"}); err != nil {
			t.Fatal(err)
		}
		mustContain(t, "home after topic rename", c.Get("/ville-test/").Body, "Scolarité")
		// A signed-in person never gets an anonymous cached page.
		ts.LoginAs(t, c, "marie@example.fr")
		mustContain(t, "signed in", c.Get("/ville-test/").Body, "marie")
	})
}

func TestPublicSearch(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		publicOrg(t, ts)
		c := ts.Client(t)
		r := c.Get("/ville-test/recherche?q=" + url.QueryEscape("ecole"))
		mustContain(t, "ecole", r.Body, `<meta name="robots" content="noindex">`, `value="ecole"`,
			"Inscriptions à l&#39;<mark>école</mark>", "<mark>écoles</mark>", "Offre d&#39;emploi")
		mustNotContain(t, "ecole", r.Body, "Projet confidentiel", "Publication retirée")
		r = c.Get("/ville-test/recherche?q=" + url.QueryEscape("INSCRIPTIONS"))
		mustContain(t, "plural", r.Body, "<mark>inscriptions</mark>", "<mark>inscription</mark>", "&amp; son dossier")
		r = c.Get("/ville-test/recherche?q=piscine")
		mustContain(t, "drafts", r.Body, "Aucun résultat pour « piscine »")
		r = c.Get("/ville-test/recherche?q=" + url.QueryEscape(`<script>alert(1)</script>`))
		mustNotContain(t, "escaping", r.Body, "<script>alert(1)</script>")
		mustContain(t, "escaping", r.Body, "&lt;script&gt;")
		r = c.Get("/ville-test/recherche?q=le+la")
		mustContain(t, "stop words", r.Body, "Saisissez au moins un mot significatif")
		if r := c.Get("/ville-test/recherche"); r.Status != 200 || !strings.Contains(r.Body, `name="q"`) {
			t.Fatalf("empty search page: %d", r.Status)
		}
	})
}

func TestPublicFeeds(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		publicOrg(t, ts)
		c := ts.Client(t)
		for _, base := range []string{"/ville-test/feed", "/ville-test/themes/ecoles/feed", "/ville-test/quartiers/port/feed"} {
			for _, ext := range []string{"rss", "atom", "json"} {
				r := c.Get(base + "." + ext)
				if r.Status != 200 {
					t.Fatalf("%s.%s: %d", base, ext, r.Status)
				}
				f, err := gofeed.NewParser().ParseString(r.Body)
				if err != nil {
					t.Fatalf("%s.%s: %v\n%s", base, ext, err, r.Body)
				}
				if len(f.Items) == 0 || f.Items[0].Link == "" || !strings.HasPrefix(f.Items[0].Link, ts.URL+"/ville-test/p/") {
					t.Fatalf("%s.%s items: %+v", base, ext, f.Items)
				}
				for _, it := range f.Items {
					if strings.Contains(it.Title, "confidentiel") || strings.Contains(it.Title, "retirée") || it.Title == "Charte de modération" {
						t.Fatalf("%s.%s carries %q", base, ext, it.Title)
					}
				}
				// Conditional requests: 304 on the ETag, and on the date.
				req, _ := http.NewRequest("GET", ts.URL+base+"."+ext, nil)
				req.Header.Set("If-None-Match", r.Header.Get("ETag"))
				resp, err := c.HTTP.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != 304 {
					t.Fatalf("%s.%s If-None-Match: %d", base, ext, resp.StatusCode)
				}
				lm := r.Header.Get("Last-Modified")
				if lm == "" {
					t.Fatalf("%s.%s: no Last-Modified", base, ext)
				}
				req, _ = http.NewRequest("GET", ts.URL+base+"."+ext, nil)
				req.Header.Set("If-Modified-Since", lm)
				resp, err = c.HTTP.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != 304 {
					t.Fatalf("%s.%s If-Modified-Since: %d", base, ext, resp.StatusCode)
				}
			}
		}
		// The organisation feed, newest first, with alerts and jobs.
		f, err := gofeed.NewParser().ParseString(c.Get("/ville-test/feed.atom").Body)
		if err != nil || f.Items[0].Title != "Vigilance crue de la Loire" || len(f.Items) != 4 {
			t.Fatalf("org feed: %v %+v", err, f)
		}
	})
}

func TestPublicSharing(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	publicOrg(t, ts)
	c := ts.Client(t)
	for in, want := range map[string]string{"piaille.fr": "piaille.fr", "https://Mastodon.Social/": "mastodon.social", "@marie@piaille.fr": "piaille.fr"} {
		r := c.Get("/ville-test/p/inscriptions-ecole/mastodon?instance=" + url.QueryEscape(in))
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "https://"+want+"/share?text=") ||
			!strings.Contains(r.Location, url.QueryEscape(ts.URL+"/ville-test/p/inscriptions-ecole")) {
			t.Fatalf("%q → %d %s", in, r.Status, r.Location)
		}
	}
	for _, bad := range []string{"javascript:alert(1)", "evil.com/path", "localhost", "a b.fr", "piaille.fr:8080", "x@"} {
		r := c.Get("/ville-test/p/inscriptions-ecole/mastodon?instance=" + url.QueryEscape(bad))
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("%q → %d %s", bad, r.Status, r.Location)
		}
		mustContain(t, bad, r.Body, "pas une adresse d&#39;instance valide", `aria-invalid="true"`)
	}
	r := c.Get("/ville-test/p/inscriptions-ecole/mastodon?instance=" + url.QueryEscape("evil.com/path"))
	mustContain(t, "input kept", r.Body, `value="evil.com/path"`)
	// The JSON-LD is valid JSON.
	page := c.Get("/ville-test/p/agent-entretien-ecoles").Body
	m := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no JSON-LD")
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Fatalf("JSON-LD: %v\n%s", err, m[1])
	}
	if ld["@type"] != "JobPosting" || ld["hiringOrganization"].(map[string]any)["name"] != "Ville de Test" {
		t.Fatalf("JSON-LD = %v", ld)
	}
}

// TestPublicPagesQueryCount proves the organisation home, a topic page and
// search run a constant number of queries whatever the number of items.
func TestPublicPagesQueryCount(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := publicOrg(t, ts)
		c := ts.Client(t)
		pages := []string{"/ville-test/", "/ville-test/themes/ecoles", "/ville-test/recherche?q=ecole", "/ville-test/feed.rss"}
		count := func() map[string]int64 {
			out := map[string]int64{}
			for _, p := range pages {
				before := ts.Store.QueryCount()
				if r := c.Get(p); r.Status != 200 {
					t.Fatalf("%s: %d", p, r.Status)
				}
				out[p] = ts.Store.QueryCount() - before
			}
			return out
		}
		small := count()
		// 60 more publications of every kind, each in the topic and
		// neighbourhood (the insert bumps the generation: pages re-render).
		var more []model.Publication
		now := ts.App.Now()
		for i := range 60 {
			at := now.Add(-time.Duration(i+1) * time.Minute)
			kind := []model.PubKind{model.KindNews, model.KindAlert, model.KindJob}[i%3]
			p := model.Publication{ID: fmt.Sprintf("extra-%d", i), OrgID: org.ID, Kind: kind, Slug: fmt.Sprintf("ecole-%d", i),
				Title: fmt.Sprintf("École numéro %d", i), State: model.StatePublished, PublishedAt: &at, CreatedAt: at, UpdatedAt: at,
				TopicIDs: []string{"t-ecoles"}, NeighbourhoodIDs: []string{"n-port"}}
			if kind == model.KindAlert {
				p.AlertLevel, p.AlertEndsAt = model.AlertInfo, &now
				end := now.Add(time.Hour)
				p.AlertEndsAt = &end
			}
			more = append(more, p)
		}
		insertPublications(t, ts, more)
		big := count()
		for _, p := range pages {
			if small[p] != big[p] || big[p] > 8 {
				t.Errorf("%s: %d queries with few items, %d with many", p, small[p], big[p])
			}
		}
		// And a cached page costs one query.
		before := ts.Store.QueryCount()
		c.Get("/ville-test/")
		if n := ts.Store.QueryCount() - before; n != 1 {
			t.Errorf("cached home: %d queries", n)
		}
		// Search results are cached by normalised query: extra spaces hit
		// the entry of "ecole", and show the query as normalised.
		before = ts.Store.QueryCount()
		r := c.Get("/ville-test/recherche?q=" + url.QueryEscape("  ecole "))
		if n := ts.Store.QueryCount() - before; n != 1 || !strings.Contains(r.Body, `value="ecole"`) {
			t.Errorf("cached search: %d queries", n)
		}
	})
}

// A resident who signs in from an article comes back to it: the menu's
// sign-in link carries the page, and the form sends it on.
func TestSignInReturnsToThePage(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	publicOrg(t, ts)
	newAccount(t, ts, "lea@example.org", "Léa")
	c := ts.Client(t)
	const article = "/ville-test/p/inscriptions-ecole"
	link := regexp.MustCompile(`href="(/login\?next=[^"]+)"`).FindStringSubmatch(c.Get(article).Body)
	if link == nil {
		t.Fatal("no sign-in link carrying the page")
	}
	u, err := url.Parse(strings.ReplaceAll(link[1], "&amp;", "&"))
	if err != nil || u.Query().Get("next") != article {
		t.Fatalf("sign-in link %q: next = %q", link[1], u.Query().Get("next"))
	}
	mustContain(t, "login form", c.Get(link[1]).Body, `name="next" value="`+article+`"`)
	r := c.Post("/login", form("email", "lea@example.org", "password", goodPassword, "next", u.Query().Get("next")))
	if r.Status != 303 || r.Location != article {
		t.Fatalf("after sign-in: %d %q, want back on %s", r.Status, r.Location, article)
	}
}

// A topic's page says how to follow it: an e-mail form that subscribes to
// that topic alone, the Fediverse address of the topic's actor (which
// WebFinger resolves), and its feeds; the home says the same for the
// organisation.
func TestFollowBoxOnTopicPages(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := publicOrg(t, ts)
		c := ts.Client(t)
		host := strings.TrimPrefix(strings.TrimPrefix(ts.URL, "http://"), "https://")
		page := c.Get("/ville-test/themes/ecoles").Body
		mustContain(t, "topic page", page, "Suivre le thème « Écoles »", `value="@ville-test.ecoles@`+host+`"`,
			`name="topics" value="t-ecoles"`, `name="scope" value="some"`, "ecoles/feed.rss")
		mustContain(t, "home", c.Get("/ville-test/").Body, "Suivre Ville de Test", `value="@ville-test@`+host+`"`)
		mustContain(t, "neighbourhood page", c.Get("/ville-test/quartiers/port").Body, `name="neighbourhoods" value="n-port"`)
		wf := c.Get("/.well-known/webfinger?resource=" + url.QueryEscape("acct:ville-test.ecoles@"+host))
		if wf.Status != 200 {
			t.Fatalf("the topic's Fediverse address does not resolve: %d", wf.Status)
		}
		// The inline form subscribes to the topic alone.
		r := c.Post("/ville-test/suivre", url.Values{"email": {"paul@example.org"}, "alerts": {"1"}, "news": {"weekly"},
			"scope": {"some"}, "topics": {"t-ecoles"}})
		if r.Status != 303 || r.Location != "/ville-test/suivre/envoye" {
			t.Fatalf("inline follow: %d %q", r.Status, r.Location)
		}
		if r := c.Get(mailLink(t, ts, "paul@example.org", "Confirmez votre abonnement", "/confirmer-abonnement/", 1)); r.Status != 200 {
			t.Fatalf("confirmation: %d", r.Status)
		}
		sub, err := ts.Store.SubscriberByEmail(context.Background(), "paul@example.org")
		if err != nil {
			t.Fatal(err)
		}
		so, err := ts.Store.SubscriberOrg(context.Background(), sub.ID, org.ID)
		if err != nil || so.Everything || len(so.TopicIDs) != 1 || so.TopicIDs[0] != "t-ecoles" {
			t.Fatalf("choices = %+v (%v)", so, err)
		}
	})
}

// A standing page (charter, contact…) reads as a page of the site, not as
// news: no publication date, no share box, no poster.
func TestStandingPageHasNoDateNorShare(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	publicOrg(t, ts)
	c := ts.Client(t)
	page := c.Get("/ville-test/p/charte")
	if page.Status != 200 {
		t.Fatalf("standing page: %d", page.Status)
	}
	mustContain(t, "standing page", page.Body, "Charte de modération", "Règles.")
	mustNotContain(t, "standing page", page.Body, "Publié le", `id="share-url"`, "/affiche")
	mustContain(t, "news page", c.Get("/ville-test/p/inscriptions-ecole").Body, "Publié le", `id="share-url"`)
}
