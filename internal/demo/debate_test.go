package demo_test

import (
	"html"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/demo"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

func TestDemoDebate(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{Outbox: true})
	if _, err := demo.Seed(t.Context(), ts.App); err != nil {
		t.Fatal(err)
	}
	anon := ts.Client(t)
	works := html.UnescapeString(anon.Get("/bellerive/p/refection-rue-des-tanneurs/commentaires").Body)
	for _, want := range []string{"pourront-ils rejoindre leur garage", "Service Voirie — Ville de Bellerive-sur-Loire",
		"Réponse officielle", "Madame la maire, la concertation", "Charte de modération"} {
		if !strings.Contains(works, want) {
			t.Errorf("demo roadworks thread lacks %q", want)
		}
	}
	if strings.Contains(works, "06 12 34 56 78") {
		t.Error("the comment with a phone number is public")
	}
	budget := html.UnescapeString(anon.Get("/bellerive/p/budget-2027-orientations/commentaires").Body)
	if !strings.Contains(budget, "Commentaire masqué — règle 1 de la charte.") {
		t.Error("the demo's hidden comment is not shown as hidden")
	}
	c := ts.Client(t)
	ts.LoginAs(t, c, "communication@bellerive.example")
	q := html.UnescapeString(c.Get("/admin/bellerive/moderation").Body)
	for _, want := range []string{"Retenu pour relecture", "Contestation", "donnée personnelle"} {
		if !strings.Contains(q, want) {
			t.Errorf("demo moderation queue lacks %q", want)
		}
	}
}
