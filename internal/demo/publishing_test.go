package demo_test

import (
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/demo"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

func TestDemoHasPublicationsOfEveryKindAndState(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{Outbox: true})
	if _, err := demo.Seed(t.Context(), ts.App); err != nil {
		t.Fatal(err)
	}
	org, err := ts.Store.OrganisationByHandle(t.Context(), demo.Handle)
	if err != nil {
		t.Fatal(err)
	}
	all, total, err := ts.Store.ListPublications(t.Context(), model.PubFilter{OrgID: org.ID, Limit: 100})
	if err != nil || total < 15 {
		t.Fatalf("demo publications: %d, %v", total, err)
	}
	kinds, states := map[model.PubKind]bool{}, map[model.PubState]bool{}
	for _, p := range all {
		kinds[p.Kind], states[p.State] = true, true
	}
	for _, k := range model.PubKinds {
		if !kinds[k] {
			t.Errorf("no demo %s", k)
		}
	}
	for _, s := range []model.PubState{model.StateDraft, model.StateSubmitted, model.StateScheduled, model.StatePublished, model.StateUnpublished} {
		if !states[s] {
			t.Errorf("no demo publication %s", s)
		}
	}
	maire := ts.Client(t)
	ts.LoginAs(t, maire, "maire@bellerive.example")
	if r := maire.Get("/admin/bellerive/validation"); !strings.Contains(r.Body, "Fête de la musique") {
		t.Fatal("the maire's validation queue lacks the submitted publication")
	}
	r := ts.Client(t).Get("/bellerive/")
	if !strings.Contains(r.Body, "Crue de la Loire") {
		t.Fatalf("public home lacks the vigilance alert (%d)", r.Status)
	}
	// A newcomer sees news cards with their illustration and the next
	// dates of the agenda.
	for _, want := range []string{`class="card-image"`, `alt="Dessin : les bords de Loire`, `alt="Dessin : les étals du marché`,
		`class="card upcoming-item`, `href="/bellerive/agenda"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("public home lacks %q", want)
		}
	}
}
