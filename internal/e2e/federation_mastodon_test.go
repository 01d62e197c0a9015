package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/parvis/parvis/internal/app/debate"
	"github.com/parvis/parvis/internal/app/events"
	"github.com/parvis/parvis/internal/app/publishing"
	"github.com/parvis/parvis/internal/federation"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// mastodonHTML is what Mastodon 4.2+ keeps of incoming HTML (its
// ActivityPub documentation, "HTML sanitization": mastodon/documentation
// content/en/spec/activitypub.md @ 2903485d); headings are turned into
// <strong> paragraphs, anything else is removed.
var mastodonHTML = map[string]bool{"p": true, "span": true, "br": true, "a": true, "del": true, "pre": true, "code": true,
	"em": true, "strong": true, "b": true, "i": true, "u": true, "ul": true, "ol": true, "li": true, "blockquote": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true}

// outsideMastodonHTML lists the elements of s Mastodon would drop.
func outsideMastodonHTML(s string) []string {
	var out []string
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			if !mastodonHTML[string(name)] {
				out = append(out, string(name))
			}
		}
	}
}

// TestMastodonCompatibility: what Parvis sends, checked against what
// Mastodon 4.x reads according to its ActivityPub documentation
// (docs/FEDERATION.md, "What each server shows"): a Note whose content is
// the whole text, opening with the title, in the HTML Mastodon keeps; no
// summary or sensitive (Mastodon's content warning) without a real
// warning; url to the HTML page; topics as Hashtag tags whose href is the
// topic's page; the illustration as a Document whose name is its text
// alternative; an Event's name and summary (what Mastodon shows of it)
// giving title, date and place; and a staff answer mentioning the
// author (Mention tag, h-card link, the author in cc).
func TestMastodonCompatibility(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		A := testserver.Start(t, testserver.Options{Engine: engine, FederationInsecure: true})
		org := A.Org(t, "bellerive")
		admin := A.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
		topic, err := A.App.Publishing.SaveTopic(ctx, admin.ID, org.ID, "", publishing.TagInput{Name: "Vie associative", Slug: "associations"})
		if err != nil {
			t.Fatal(err)
		}
		img := image.NewRGBA(image.Rect(0, 0, 64, 32))
		img.Set(1, 1, color.RGBA{200, 10, 10, 255})
		var png64 bytes.Buffer
		if err := png.Encode(&png64, img); err != nil {
			t.Fatal(err)
		}
		m, err := A.App.Publishing.UploadImage(ctx, admin.ID, org.ID, "forum.png", png64.Bytes(), "Stands des associations au gymnase")
		if err != nil {
			t.Fatal(err)
		}
		res, err := A.App.Publishing.SavePublication(ctx, admin.ID, org.ID, model.PubInput{Kind: model.KindNews, Title: "Forum des associations",
			Summary: "Samedi au gymnase.", Body: "## Programme\n\nVenez **nombreux** : [inscriptions](https://asso.example/forum).\n\n- stands\n- démonstrations",
			TopicIDs: []string{topic.ID}, ImageID: m.ID})
		if err != nil {
			t.Fatal(err)
		}
		p, err := A.App.Publishing.Transition(ctx, admin.ID, org.ID, res.Publication.ID, publishing.TransitionInput{Action: publishing.ActPublish})
		if err != nil {
			t.Fatal(err)
		}
		n, err := A.App.Fediverse.PublicationObject(ctx, A.Store.Queries, org, p)
		if err != nil {
			t.Fatal(err)
		}
		var o map[string]any
		b, _ := federation.Marshal(n)
		if err := json.Unmarshal(b, &o); err != nil {
			t.Fatal(err)
		}
		content, _ := o["content"].(string)
		if o["type"] != "Note" || o["name"] != nil || o["summary"] != nil || o["sensitive"] != nil {
			t.Fatalf("news: type %v, name %v, summary %v, sensitive %v", o["type"], o["name"], o["summary"], o["sensitive"])
		}
		if !strings.HasPrefix(content, "<p><strong>Forum des associations</strong></p><p>Samedi au gymnase.</p>") ||
			!strings.Contains(content, `href="https://asso.example/forum"`) || !strings.Contains(content, "<li>stands</li>") {
			t.Fatalf("news content: %s", content)
		}
		if bad := outsideMastodonHTML(content); len(bad) > 0 {
			t.Fatalf("elements Mastodon drops: %v in %s", bad, content)
		}
		// url: the HTML page.
		pageURL, _ := o["url"].(string)
		req, _ := http.NewRequest(http.MethodGet, pageURL, nil)
		req.Header.Set("Accept", "text/html")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if pageURL != A.URL+"/bellerive/p/"+p.Slug || resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("url %s: %d %s", pageURL, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		// Hashtags.
		tags, _ := o["tag"].([]any)
		if len(tags) != 1 {
			t.Fatalf("tags: %v", o["tag"])
		}
		tag := tags[0].(map[string]any)
		if tag["type"] != "Hashtag" || tag["name"] != "#VieAssociative" || tag["href"] != A.URL+"/bellerive/themes/associations" {
			t.Fatalf("hashtag: %v", tag)
		}
		// The illustration and its text alternative.
		atts, _ := o["attachment"].([]any)
		if len(atts) != 1 {
			t.Fatalf("attachments: %v", o["attachment"])
		}
		att := atts[0].(map[string]any)
		if att["type"] != "Document" || att["name"] != "Stands des associations au gymnase" || att["mediaType"] != "image/png" ||
			!strings.HasPrefix(att["url"].(string), A.URL+"/media/") {
			t.Fatalf("attachment: %v", att)
		}

		// An alert: a Note opening with its level, no content warning.
		al, err := A.App.Publishing.SavePublication(ctx, admin.ID, org.ID, model.PubInput{Kind: model.KindAlert, Title: "Crue de la Loire",
			Summary: "Évitez les quais.", Body: "Montée des eaux attendue cette nuit.", AlertLevel: "urgence"})
		if err != nil {
			t.Fatal(err)
		}
		ap, err := A.App.Publishing.Transition(ctx, admin.ID, org.ID, al.Publication.ID, publishing.TransitionInput{Action: publishing.ActPublish})
		if err != nil {
			t.Fatal(err)
		}
		an, err := A.App.Fediverse.PublicationObject(ctx, A.Store.Queries, org, ap)
		if err != nil {
			t.Fatal(err)
		}
		if an.Type != "Note" || an.Summary != "" || an.Name != "" || an.Sensitive != nil ||
			!strings.HasPrefix(an.Content, "<p><strong>Urgence — Crue de la Loire</strong></p><p>Évitez les quais.</p>") {
			t.Fatalf("alert: %+v", an)
		}

		// An event: Mastodon converts it to its name, summary and link.
		ev, err := A.App.Events.SaveEvent(ctx, admin.ID, org.ID, model.PubInput{Title: "Fête de la musique", Summary: "Concerts.",
			Body: "Concerts place de la République."}, events.EventInput{StartDate: "2026-06-21", StartTime: "18:00",
			EndDate: "2026-06-21", EndTime: "23:00", PlaceName: "Place de la République", Attendance: "in_person",
			Free: true, OrganiserKind: "org", JoinMode: "free"})
		if err != nil {
			t.Fatal(err)
		}
		en, err := A.App.Fediverse.PublicationObject(ctx, A.Store.Queries, org, ev.Publication)
		if err != nil {
			t.Fatal(err)
		}
		if en.Type != "Event" || en.Name != "Fête de la musique" || en.Sensitive != nil || en.URL == "" ||
			!strings.Contains(en.Summary, "21 juin, de 18 h à 23 h — Place de la République.") || !strings.HasSuffix(en.Summary, "Concerts.") {
			t.Fatalf("event: name %q summary %q url %q", en.Name, en.Summary, en.URL)
		}
		if bad := outsideMastodonHTML(en.Content); len(bad) > 0 {
			t.Fatalf("event: elements Mastodon drops: %v", bad)
		}

		// A staff answer to a Mastodon reply mentions its author.
		e := startPeer(t, A, "mastodon", peerDoc{file: "actor.json", origins: []string{"https://masto.qa.urbanwildlife.biz"}}, nil)
		e.reply = e.peer.URL + "/users/felix/statuses/107224289116410645"
		e.expect(peerDoc{file: "create_note_reply.json", values: [][2]string{{"https://mastodon.madrid/users/felix", "{{actor}}"},
			{"https://mamot.fr/users/retiolus/statuses/107224244380204526", "{{pub}}"}}, origins: []string{"https://mastodon.madrid"}}, 202)
		host := strings.TrimPrefix(e.peer.URL, "http://")
		remote := e.replyLanded("mastodon@"+host, "i have never been disappointed by a thinkpad. if you want to save money, get a model from a few years ago, there isnt a huge difference anyway.")
		if _, err := A.App.Fediverse.OrgActorDoc(ctx, e.org); err != nil { // Mastodon fetched it to reply: it has its keys
			t.Fatal(err)
		}
		if _, err := A.App.Debate.PostComment(ctx, debate.NewComment{Org: e.org, Publication: e.pub, Author: admin, ParentID: remote.ID,
			Body: "Merci pour le conseil !", As: "org"}); err != nil {
			t.Fatal(err)
		}
		var create map[string]any
		if err := json.Unmarshal(e.peer.nextPost(t, "the staff answer"), &create); err != nil {
			t.Fatal(err)
		}
		note, _ := create["object"].(map[string]any)
		if create["type"] != "Create" || note == nil || note["inReplyTo"] != e.reply || note["sensitive"] != nil || note["summary"] != nil {
			t.Fatalf("answer: %v", create)
		}
		mentions, _ := note["tag"].([]any)
		if len(mentions) != 1 {
			t.Fatalf("answer tags: %v", note["tag"])
		}
		mention := mentions[0].(map[string]any)
		cc, _ := note["cc"].([]any)
		if mention["type"] != "Mention" || mention["href"] != e.actor || mention["name"] != "@mastodon@"+host ||
			len(cc) == 0 || cc[0] != e.actor || !strings.Contains(note["content"].(string), `class="u-url mention">@mastodon@`+host+`</a>`) {
			t.Fatalf("answer mention: %v cc %v content %v", mention, cc, note["content"])
		}
		if bad := outsideMastodonHTML(note["content"].(string)); len(bad) > 0 {
			t.Fatalf("answer: elements Mastodon drops: %v", bad)
		}
	})
}
