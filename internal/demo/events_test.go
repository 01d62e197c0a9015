package demo_test

import (
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/demo"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

func TestDemoEvents(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{Outbox: true})
	if _, err := demo.Seed(t.Context(), ts.App); err != nil {
		t.Fatal(err)
	}
	c := ts.Client(t)
	agenda := c.Get("/" + demo.Handle + "/agenda")
	for _, want := range []string{"Marché du samedi", "Conseil municipal", "Fête de la Loire", "Visite guidée du port en barque",
		"Atelier nœuds marins", "chaque samedi"} {
		if !strings.Contains(agenda.Body, want) {
			t.Errorf("demo agenda lacks %q", want)
		}
	}
	tour := c.Get("/" + demo.Handle + "/p/visite-guidee-du-port-en-barque")
	if !strings.Contains(tour.Body, "Complet. Vous pouvez vous inscrire sur la liste d&#39;attente") {
		t.Errorf("the boat tour is not shown full")
	}
	market := c.Get("/" + demo.Handle + "/p/marche-du-samedi")
	if !strings.Contains(market.Body, "place réservée à la brocante") {
		t.Errorf("the cancelled market is not shown")
	}
	workshop := c.Get("/" + demo.Handle + "/p/atelier-noeuds-marins")
	for _, want := range []string{"Les Amis du Port", "5 €, gratuit pour les adhérents", "Accessible en fauteuil roulant"} {
		if !strings.Contains(workshop.Body, want) {
			t.Errorf("workshop page lacks %q", want)
		}
	}
}
