package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/browser"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// homeTown is Bellerive with a logo, two upcoming events (a weekly market
// and a boat trip), one past event, and a news item with its image: what
// the home page, search and the header show.
func homeTown(t *testing.T, ts *testserver.TS) model.Organisation {
	t.Helper()
	ctx := context.Background()
	ts.Clock.Set(eventStart)
	org := ts.Org(t, "bellerive")
	admin := ts.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
	org, err := ts.App.Organisations.UpdateOrgProfile(ctx, admin.ID, org.ID, organisations.ProfileInput{Name: org.Name, Kind: string(org.Kind),
		Description: "Au bord de la Loire, son marché du samedi."}, organisations.LogoChange{Data: pngOf(t, 120, 60)})
	if err != nil {
		t.Fatal(err)
	}
	ts.Staff(t, "com@bellerive.test", "bellerive", model.RoleManager)
	staff := ts.Client(t)
	ts.LoginAs(t, staff, "com@bellerive.test")
	createEvent(t, ts, staff, "bellerive", "Marché du samedi", "start_date", "2026-03-07", "start_time", "08:00", "end_time", "13:00",
		"recur_freq", "weekly", "recur_count", "10", "place_name", "Place du Marché")
	createEvent(t, ts, staff, "bellerive", "Balade en bateau sur la Loire")
	createEvent(t, ts, staff, "bellerive", "Vœux du maire", "start_date", "2026-01-10", "start_time", "18:00", "end_time", "20:00",
		"place_name", "Salle des fêtes")
	m, err := ts.App.Publishing.UploadImage(ctx, admin.ID, org.ID, "quai.png", pngOf(t, 960, 540), "Le quai du Port au soleil")
	if err != nil {
		t.Fatal(err)
	}
	at := ts.App.Now().Add(-time.Hour)
	insertPublications(t, ts, []model.Publication{
		{ID: "n-quai", OrgID: org.ID, Kind: model.KindNews, Slug: "quai-renove", Title: "Le quai du Port rénové",
			Summary: "Les travaux sont finis.", State: model.StatePublished, PublishedAt: &at, CreatedAt: at, UpdatedAt: at, ImageID: m.ID},
		{ID: "n-plain", OrgID: org.ID, Kind: model.KindNews, Slug: "conseil-municipal", Title: "Conseil municipal du 20 mars",
			State: model.StatePublished, PublishedAt: &at, CreatedAt: at, UpdatedAt: at},
	})
	return org
}

// TestHomeShowsUpcomingEventsImagesAndLogo: the home page lists the next
// dates of the agenda (date in words, place, links to the event and the
// agenda), the news cards carry their image with its text alternative (a
// card without one stays a plain card), and the header the logo.
func TestHomeShowsUpcomingEventsImagesAndLogo(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := homeTown(t, ts)
		r := ts.Client(t).Get("/bellerive/")
		mustStatus(t, "home", r, 200)
		mustContain(t, "home", r.Body, "Prochains événements", "samedi 7 mars, de 8 h à 13 h", "Place du Marché",
			"samedi 14 mars, de 9 h à 12 h", "Port de Bellerive", "Balade en bateau sur la Loire",
			`href="/bellerive/agenda">Tout l&#39;agenda</a>`, `alt="Le quai du Port au soleil"`, `class="card-image"`,
			"Conseil municipal du 20 mars", `<img class="brand-logo" src="/media/`+org.LogoPath+`" alt="">`,
			`<span class="brand-name">`+org.Name+`</span>`)
		mustNotContain(t, "home", r.Body, "Vœux du maire")
		// The market comes first, and its card links to its page.
		if i, j := strings.Index(r.Body, "Marché du samedi"), strings.Index(r.Body, "Balade en bateau"); i < 0 || j < i {
			t.Errorf("upcoming order: market at %d, boat at %d", i, j)
		}
		if !strings.Contains(r.Body, `href="/bellerive/p/marche-du-samedi">Marché du samedi</a>`) {
			t.Errorf("the market's card does not link to its page:\n%s", excerpt(r.Body))
		}
		// The logo is in the header of every page of the organisation.
		mustContain(t, "agenda", ts.Client(t).Get("/bellerive/agenda").Body, `class="brand-logo"`)
	})
}

// TestSearchShowsWhenAnEventTakesPlace: an event found by a search says
// when it takes place (its next date, or that it is over), not when it was
// published; other results keep their publication date.
func TestSearchShowsWhenAnEventTakesPlace(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		homeTown(t, ts)
		c := ts.Client(t)
		r := c.Get("/bellerive/recherche?q=march%C3%A9")
		mustContain(t, "market", r.Body, `class="small result-event"`, "samedi 7 mars, de 8 h à 13 h", "Place du Marché")
		// A week later the next market is the 14th.
		ts.Clock.Set(eventStart.Add(7 * 24 * time.Hour))
		r = c.Get("/bellerive/recherche?q=march%C3%A9")
		mustContain(t, "next market", r.Body, "samedi 14 mars, de 8 h à 13 h")
		r = c.Get("/bellerive/recherche?q=voeux")
		mustContain(t, "over", r.Body, "Terminé — ", "samedi 10 janvier, de 18 h à 20 h")
		r = c.Get("/bellerive/recherche?q=conseil")
		mustContain(t, "news", r.Body, "municipal du 20 mars", "Actualité")
		mustNotContain(t, "news", r.Body, "result-event")
	})
}

// TestEventPageHasOneQuestionEntry: an event page offers one way to ask the
// organisers a question (its own section), not a second link under the
// comments to the same form.
func TestEventPageHasOneQuestionEntry(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	homeTown(t, ts)
	r := ts.Client(t).Get("/bellerive/p/balade-en-bateau-sur-la-loire")
	mustStatus(t, "event", r, 200)
	if n := strings.Count(r.Body, `href="/bellerive/p/balade-en-bateau-sur-la-loire/question"`); n != 1 {
		t.Errorf("links to the question form: %d, want 1", n)
	}
	mustContain(t, "event", r.Body, "Une question sur cet événement ?")
	mustNotContain(t, "event", r.Body, "Poser une question aux services (réponse privée)")
}

// TestHomeInBrowser shows the home page on a phone (390 px) and on a
// desktop: axe-core finds nothing, the header row (logo, name, account
// links) stays compact on the phone,
// and the images and the agenda block are there.
func TestHomeInBrowser(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	homeTown(t, ts)
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"phone", 390, 844}, {"desktop", 1280, 900}} {
		t.Run(size.name, func(t *testing.T) {
			ctx := browser.New(t)
			browser.Do(t, ctx, chromedp.EmulateViewport(size.width, size.height), chromedp.Navigate(ts.URL+"/bellerive/"),
				chromedp.WaitVisible(chromedp.CSS(".upcoming-item")), chromedp.WaitVisible(chromedp.CSS("img.card-image")),
				chromedp.WaitVisible(chromedp.CSS("img.brand-logo")))
			browser.Axe(t, ctx)
			header := browser.Get(t, ctx, chromedp.Evaluate[float64](`document.querySelector('.header-row').getBoundingClientRect().height`))
			logo := browser.Get(t, ctx, chromedp.Evaluate[float64](`document.querySelector('img.brand-logo').getBoundingClientRect().height`))
			overflow := browser.Get(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`))
			if overflow {
				t.Errorf("%s: the page scrolls sideways", size.name)
			}
			if logo < 24 || logo > 48 {
				t.Errorf("%s: logo %.0f px high", size.name, logo)
			}
			if size.width == 390 && header > 100 {
				t.Errorf("phone: header row %.0f px high", header)
			}
		})
	}
}
