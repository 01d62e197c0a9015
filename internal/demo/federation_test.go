package demo_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/demo"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

func TestDemoIsOnTheFediverse(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{Outbox: true})
	if _, err := demo.Seed(t.Context(), ts.App); err != nil {
		t.Fatal(err)
	}
	c := ts.Client(t)
	host := strings.TrimPrefix(ts.URL, "http://")
	r := c.Get("/.well-known/webfinger?resource=" + url.QueryEscape("acct:bellerive@"+host))
	if r.Status != 200 || !strings.Contains(r.Body, ts.URL+"/bellerive/") {
		t.Fatalf("webfinger = %d %s", r.Status, r.Body)
	}
	pubs, err := ts.Store.PublicList(t.Context(), model.PublicFilter{OrgID: mustOrg(t, ts).ID, Kinds: []model.PubKind{model.KindNews}, Limit: 1})
	if err != nil || len(pubs) == 0 {
		t.Fatal(err)
	}
	page := c.Get("/bellerive/p/" + pubs[0].Slug)
	thread := c.Get("/bellerive/p/" + pubs[0].Slug + "/commentaires")
	if !strings.Contains(page.Body, "4 « j&#39;aime » · 2 partages · 4 réponses") {
		t.Errorf("demo publication lacks the Fediverse counts (status %d)", page.Status)
	}
	for _, want := range []string{"@claire@mastodon.example", "piste cyclable", "Le bus 3 passera-t-il toujours par le quai ?"} {
		if !strings.Contains(thread.Body, want) {
			t.Errorf("demo publication lacks %q (status %d)", want, page.Status)
		}
	}
}

func mustOrg(t *testing.T, ts *testserver.TS) model.Organisation {
	t.Helper()
	o, err := ts.Store.OrganisationByHandle(t.Context(), demo.Handle)
	if err != nil {
		t.Fatal(err)
	}
	return o
}
