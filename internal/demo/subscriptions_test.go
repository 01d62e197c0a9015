package demo_test

import (
	"html"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/demo"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// The demo shows the e-mail features: a sent letter with its aggregate
// click counts, English-speaking subscribers, followed discussions.
func TestDemoMail(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{Outbox: true})
	if _, err := demo.Seed(t.Context(), ts.App); err != nil {
		t.Fatal(err)
	}
	org, err := ts.Store.OrganisationByHandle(t.Context(), "bellerive")
	if err != nil {
		t.Fatal(err)
	}
	letters, err := ts.Store.NewslettersOf(t.Context(), org.ID, true)
	if err != nil || len(letters) != 1 {
		t.Fatalf("sent letters = %d (%v), want 1", len(letters), err)
	}
	staff := ts.Client(t)
	ts.LoginAs(t, staff, "communication@bellerive.example")
	page := html.UnescapeString(staff.Get("/admin/bellerive/newsletters/" + letters[0].ID).Body)
	for _, want := range []string{"Clics sur les liens", "/bellerive/lettres/" + letters[0].Slug, "</td><td>31</td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the demo letter's page lacks %q", want)
		}
	}
	// Two weeks of digests, each with its recipients and clicks, listed
	// page by page and shown one by one.
	cm, err := ts.Store.AccountByEmail(t.Context(), "communication@bellerive.example")
	if err != nil {
		t.Fatal(err)
	}
	digests, err := ts.App.Mailing.DigestMailings(t.Context(), cm.ID, org.ID, 1)
	if err != nil || digests.Total < 28 || len(digests.Digests) != 20 {
		t.Fatalf("demo digests: %d, page of %d (%v)", digests.Total, len(digests.Digests), err)
	}
	for _, d := range digests.Digests {
		if d.Total == 0 || d.Sent != d.Total || d.Links == 0 || d.Clicks == 0 || d.Period == "" {
			t.Fatalf("demo digest without figures: %+v", d)
		}
	}
	list := html.UnescapeString(staff.Get("/admin/bellerive/abonnes/resumes").Body)
	one := html.UnescapeString(staff.Get("/admin/bellerive/abonnes/resumes/" + digests.Digests[0].ID).Body)
	if !strings.Contains(list, "Résumés envoyés") || !strings.Contains(list, "rel=\"next\"") || !strings.Contains(one, "Clics sur les liens") {
		t.Errorf("the demo's digest pages lack their figures")
	}
	var en int
	if err := ts.Store.DB().QueryRow(`SELECT COUNT(*) FROM subscribers WHERE lang='en'`).Scan(&en); err != nil || en == 0 {
		t.Errorf("English subscribers = %d (%v), want some", en, err)
	}
	jeanne := ts.Client(t)
	ts.LoginAs(t, jeanne, "jeanne.dupont@example.org")
	if b := jeanne.Get("/bellerive/p/refection-rue-des-tanneurs").Body; !strings.Contains(b, "Ne plus suivre cette discussion") {
		t.Error("Jeanne does not follow the roadworks discussion")
	}
	if b := html.UnescapeString(jeanne.Get("/account/abonnements").Body); !strings.Contains(b, "Réfection de la rue des Tanneurs") {
		t.Error("Jeanne's account page does not list the followed discussion")
	}
}
