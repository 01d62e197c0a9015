package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/publishing"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestWebFingerInstanceActor: acct:HOST@HOST is the instance actor (the
// signer of our fetches, whose preferredUsername is the host), as on
// Mastodon and GoToSocial; an organisation and topic whose handles would
// spell the host cannot be made, and dots elsewhere find nobody.
func TestWebFingerInstanceActor(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		A := testserver.Start(t, testserver.Options{Engine: engine})
		host := strings.TrimPrefix(A.URL, "http://") // 127.0.0.1:PORT
		// The instance actor's user name is the host name without its port:
		// GoToSocial refuses a subject whose user part has a colon.
		subject := "acct:127.0.0.1@" + host
		wf := func(res string) (int, map[string]any) {
			st, _, body := getAP(t, A.URL+"/.well-known/webfinger?resource="+url.QueryEscape(res), "application/jrd+json")
			var m map[string]any
			_ = json.Unmarshal(body, &m)
			return st, m
		}
		st, m := wf("acct:" + host + "@" + host)
		if st != 200 || m["subject"] != subject {
			t.Fatalf("instance actor webfinger: %d %v", st, m)
		}
		links, _ := m["links"].([]any)
		self, _ := links[0].(map[string]any)
		if self["rel"] != "self" || self["href"] != A.URL+"/actor" {
			t.Fatalf("instance actor link: %v", links)
		}
		// What GoToSocial does: WebFinger preferredUsername@host of the actor
		// that signed a fetch.
		st, _, body := getAP(t, A.URL+"/actor", "application/activity+json")
		var actor map[string]any
		if err := json.Unmarshal(body, &actor); st != 200 || err != nil {
			t.Fatalf("instance actor: %d %v", st, err)
		}
		if st, m := wf(fmt.Sprintf("acct:%s@%s", actor["preferredUsername"], host)); st != 200 || m["aliases"].([]any)[0] != A.URL+"/actor" ||
			m["subject"] != fmt.Sprintf("acct:%s@%s", actor["preferredUsername"], host) || strings.Contains(fmt.Sprint(actor["preferredUsername"]), ":") {
			t.Fatalf("webfinger of the signer's preferredUsername %q: %d %v", actor["preferredUsername"], st, m)
		}
		if st, m := wf(A.URL + "/actor"); st != 200 || m["subject"] != subject {
			t.Fatalf("instance actor by URL: %d %v", st, m)
		}
		for _, res := range []string{"acct:127.0.0@" + host, "acct:a.b.c@" + host, "acct:" + host + "@other.example", "acct:@" + host} {
			if st, _ := wf(res); st != 404 {
				t.Errorf("%s: %d, want 404", res, st)
			}
		}

		// On a server named like an organisation and one of its topics:
		// the name is the instance actor's, and the pair cannot be made.
		B := testserver.Start(t, testserver.Options{Engine: engine, BaseURL: "http://bellerive.fr"})
		org := B.Org(t, "bellerive")
		admin := B.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
		_, err := B.App.Publishing.SaveTopic(ctx, admin.ID, org.ID, "", publishing.TagInput{Name: "France", Slug: "fr"})
		var fe *model.FieldError
		if !errors.As(err, &fe) || fe.Field != "slug" || fe.Code != "tag.error.slug_host" {
			t.Fatalf("topic spelling the host: %v", err)
		}
		if _, err := B.App.Publishing.SaveTopic(ctx, admin.ID, org.ID, "", publishing.TagInput{Name: "Travaux", Slug: "travaux"}); err != nil {
			t.Fatal(err)
		}
		// A topic made before the server took this name (written by hand
		// here) does not take the instance actor's address.
		if err := B.Store.InTx(ctx, func(tx *store.Tx) error {
			return tx.CreateTopic(ctx, model.Topic{ID: core.NewID(), OrgID: org.ID, Slug: "fr", Name: "France", CreatedAt: B.App.Now()})
		}); err != nil {
			t.Fatal(err)
		}
		bwf := func(res string) (int, string) {
			st, _, body := getAP(t, B.URL+"/.well-known/webfinger?resource="+url.QueryEscape(res), "application/jrd+json")
			var m map[string]any
			_ = json.Unmarshal(body, &m)
			aliases, _ := m["aliases"].([]any)
			if len(aliases) == 0 {
				return st, ""
			}
			return st, aliases[0].(string)
		}
		for res, want := range map[string]string{
			"acct:bellerive.fr@bellerive.fr":          "http://bellerive.fr/actor",
			"acct:BELLERIVE.FR@bellerive.fr":          "http://bellerive.fr/actor",
			"acct:bellerive@bellerive.fr":             "http://bellerive.fr/bellerive/",
			"acct:bellerive.travaux@bellerive.fr":     "http://bellerive.fr/bellerive/themes/travaux",
			"http://bellerive.fr/bellerive/themes/fr": "http://bellerive.fr/bellerive/themes/fr",
		} {
			if st, got := bwf(res); st != 200 || got != want {
				t.Errorf("%s: %d %s, want %s", res, st, got, want)
			}
		}
	})
}

// TestNodeInfo: NodeInfo 2.1 and 2.0 are both served, each with its
// profile content type, and the discovery document lists 2.0 last, the
// link GoToSocial uses (it keeps the last schema/2 link it reads:
// internal/transport/derefinstance.go at 57cb4fe7) and whose content type
// it accepts (internal/api/util/mime.go, NodeInfo2ContentType).
func TestNodeInfo(t *testing.T) {
	A := testserver.Start(t, testserver.Options{})
	st, _, body := getAP(t, A.URL+"/.well-known/nodeinfo", "application/json")
	var wk struct {
		Links []struct{ Rel, Href string }
	}
	if err := json.Unmarshal(body, &wk); st != 200 || err != nil || len(wk.Links) != 2 {
		t.Fatalf("well-known: %d %v %s", st, err, body)
	}
	last := wk.Links[len(wk.Links)-1]
	if last.Rel != "http://nodeinfo.diaspora.software/ns/schema/2.0" || last.Href != A.URL+"/nodeinfo/2.0" ||
		wk.Links[0].Href != A.URL+"/nodeinfo/2.1" {
		t.Fatalf("links: %+v", wk.Links)
	}
	for _, v := range []string{"2.0", "2.1"} {
		st, hd, body := getAP(t, A.URL+"/nodeinfo/"+v, "application/json")
		var ni map[string]any
		if err := json.Unmarshal(body, &ni); st != 200 || err != nil {
			t.Fatalf("nodeinfo %s: %d %v", v, st, err)
		}
		ct := hd.Get("Content-Type")
		sw, _ := ni["software"].(map[string]any)
		if !strings.HasPrefix(ct, `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/`+v+`#"`) ||
			ni["version"] != v || sw["name"] != "parvis" || sw["version"] == "" {
			t.Errorf("nodeinfo %s: %s %s", v, ct, body)
		}
		// 2.0's schema forbids any other software field.
		if _, ok := sw["repository"]; ok != (v == "2.1") {
			t.Errorf("nodeinfo %s software: %v", v, sw)
		}
	}
}
