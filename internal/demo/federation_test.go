package demo_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/demo"
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
	page := c.Get("/bellerive/p/travaux-de-la-rue-des-ecoles-du-3-au-7-juin")
	for _, want := range []string{"3 « j&#39;aime » · 2 partages · 3 réponses", "@claire@mastodon.example", "piste cyclable"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("demo publication lacks %q (status %d)", want, page.Status)
		}
	}
}
