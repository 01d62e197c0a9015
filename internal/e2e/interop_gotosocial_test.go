package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/console"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/debate"
	"github.com/parvis/parvis/internal/app/events"
	"github.com/parvis/parvis/internal/app/publishing"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// The real-peer interoperability test of docs/FEDERATION.md ("Tested
// against a real GoToSocial"). It needs a GoToSocial binary built outside
// this repository:
//
//	PARVIS_INTEROP_GOTOSOCIAL=/path/to/gotosocial go test ./internal/e2e -run TestInteropGoToSocial -count=1 -v
//
// Each engine's subtest starts its own GoToSocial on loopback, named
// localhost:PORT (GoToSocial accepts a host with a port, and "localhost"
// resolves to loopback everywhere, so no /etc/hosts entry is needed), with
// its own SQLite file, http, loopback dialing allowed, rate limiting and
// throttling off. PARVIS_INTEROP_CAPTURE=DIR also writes what GoToSocial
// serves and sends (actor, key, WebFinger, activities) into DIR as JSON.

// TestInteropGoToSocial: a real GoToSocial account follows a Parvis
// organisation and one of its topics, reads its publications, replies with
// a question that a service answers, likes and boosts, sees edits and
// withdrawals, and unfollows — every check made through GoToSocial's own
// Mastodon client API on one side and Parvis's state on the other.
func TestInteropGoToSocial(t *testing.T) {
	bin := os.Getenv("PARVIS_INTEROP_GOTOSOCIAL")
	if bin == "" {
		t.Skip("real-peer test: run with PARVIS_INTEROP_GOTOSOCIAL=/path/to/gotosocial (docs/FEDERATION.md)")
	}
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		rec := &recorder{}
		A := testserver.Start(t, testserver.Options{Engine: engine, FederationInsecure: true, Wrap: rec.wrap})
		org := A.Org(t, "bellerive")
		admin := A.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
		// The community manager, whose console inbox remoteItem reads (the
		// console's reads check the caller's role since the policy table).
		A.Staff(t, "cm@bellerive.test", "bellerive", model.RoleManager)
		voirie := service(t, A, org, "Voirie")
		topic := model.Topic{ID: core.NewID(), OrgID: org.ID, Slug: "travaux", Name: "Travaux", ServiceID: voirie, CreatedAt: A.App.Now()}
		if err := A.Store.CreateTopic(ctx, topic); err != nil {
			t.Fatal(err)
		}
		patrick := A.Staff(t, "patrick@bellerive.test", "bellerive", model.RoleAgent, voirie)
		aHost := strings.TrimPrefix(A.URL, "http://")
		g := startGoToSocial(t, bin)
		t.Logf("GoToSocial at %s, Parvis at %s (%s)", g.URL, A.URL, engine)

		// 1. Alice resolves and follows the organisation and its topic;
		// Parvis accepts both.
		orgAcct := g.resolve(t, "@bellerive@"+aHost)
		topicAcct := g.resolve(t, "@bellerive.travaux@"+aHost)
		for _, acct := range []gtsAccount{orgAcct, topicAcct} {
			g.api(t, http.MethodPost, "/api/v1/accounts/"+acct.ID+"/follow", url.Values{}, nil)
		}
		eventually(t, "both follows accepted in GoToSocial", func() bool {
			return g.following(t, orgAcct.ID) && g.following(t, topicAcct.ID)
		})
		eventually(t, "both followers counted in Parvis", func() bool {
			n, err := A.Store.FollowerCounts(ctx, org.ID)
			return err == nil && n[""] == 1 && n[topic.ID] == 1
		})

		// 2. A news item with an image reaches alice's home timeline with
		// its title, its link and the image's text alternative.
		img := image.NewRGBA(image.Rect(0, 0, 400, 200))
		for x := range 400 {
			for y := range 200 {
				img.Set(x, y, color.RGBA{uint8(x), uint8(y), 160, 255})
			}
		}
		var png1 bytes.Buffer
		if err := png.Encode(&png1, img); err != nil {
			t.Fatal(err)
		}
		const alt = "Le quai de Loire barré par des barrières de chantier"
		m, err := A.App.Publishing.UploadImage(ctx, admin.ID, org.ID, "quai.png", png1.Bytes(), alt)
		if err != nil {
			t.Fatal(err)
		}
		pub := savePublished(t, A, admin.ID, org.ID, model.PubInput{Kind: model.KindNews, Title: "Travaux sur le quai de Loire",
			Summary: "Le quai sera fermé trois jours.", Body: "Le quai de Loire sera **fermé** du 3 au 5 juin pour réfection.",
			TopicIDs: []string{topic.ID}, ImageID: m.ID})
		pubURI := A.URL + "/bellerive/p/" + pub.Slug
		st := g.homeStatus(t, pubURI)
		t.Logf("news in GoToSocial: spoiler %q, text %q, url %q", st.SpoilerText, text(st.Content), st.URL)
		if !strings.HasPrefix(text(st.Content), pub.Title+"\n"+pub.Summary) || st.SpoilerText != "" {
			t.Errorf("news: text %q behind content warning %q, want it open, with the title then the lead", text(st.Content), st.SpoilerText)
		}
		if st.URL != pubURI && !strings.Contains(st.Content, `href="`+pubURI+`"`) {
			t.Errorf("news: no link to %s (url %q, content %q)", pubURI, st.URL, st.Content)
		}
		if len(st.Media) != 1 || st.Media[0].Description != alt {
			t.Errorf("news: attachments %+v, want one image described %q", st.Media, alt)
		}
		pubStatus := st.ID

		// 3. An alert shows its level first, without a content warning.
		alert := savePublished(t, A, admin.ID, org.ID, model.PubInput{Kind: model.KindAlert, Title: "Crue de la Loire",
			AlertLevel: string(model.AlertVigilance), Summary: "Le niveau monte.", Body: "Évitez les berges jusqu'à nouvel ordre."})
		st = g.homeStatus(t, A.URL+"/bellerive/p/"+alert.Slug)
		t.Logf("alert in GoToSocial: spoiler %q, text %q", st.SpoilerText, text(st.Content))
		if st.SpoilerText != "" || st.Sensitive {
			t.Errorf("alert: content warning %q (sensitive %v), want none", st.SpoilerText, st.Sensitive)
		}
		if !strings.HasPrefix(text(st.Content), "Vigilance — Crue de la Loire") {
			t.Errorf("alert: text %q, want it to open with the level and the title", text(st.Content))
		}

		// 4. An event shows its title, date, time and place in the text
		// (GoToSocial reads neither startTime nor location).
		day := time.Now().In(dates.Paris).AddDate(0, 0, 10)
		start := time.Date(day.Year(), day.Month(), day.Day(), 18, 0, 0, 0, dates.Paris)
		ev := publishEvent(t, A, admin.ID, org.ID, model.PubInput{Title: "Fête du quai", Summary: "Concerts en plein air.",
			Body: "Concerts sur le quai rénové."}, events.EventInput{StartDate: start.Format(dates.LocalDate), StartTime: "18:00",
			EndDate: start.Format(dates.LocalDate), EndTime: "23:00", PlaceName: "Place de la République", Attendance: "in_person",
			Free: true, OrganiserKind: "org", JoinMode: "free"})
		st = g.homeStatus(t, A.URL+"/bellerive/p/"+ev.Slug)
		shown := st.SpoilerText + "\n" + text(st.Content)
		t.Logf("event in GoToSocial: spoiler %q, text %q", st.SpoilerText, text(st.Content))
		for _, want := range []string{"Fête du quai", dates.DayFR(start), dates.Hour(start), "Place de la République"} {
			if !strings.Contains(strings.ToLower(shown), strings.ToLower(want)) { // "Jeudi 17 décembre" opening a line
				t.Errorf("event: %q not shown in GoToSocial: %q", want, shown)
			}
		}

		// 5. Alice replies with a question: a comment under the publication
		// in Parvis and a "Réponse du Fédivers" item routed to Voirie.
		var reply gtsStatus
		g.api(t, http.MethodPost, "/api/v1/statuses", url.Values{"status": {"@bellerive@" + aHost +
			" Le quai restera-t-il ouvert aux vélos pendant les travaux ?"}, "in_reply_to_id": {pubStatus},
			"visibility": {"public"}}, &reply)
		var comment model.Comment
		eventually(t, "alice's reply as a comment in Parvis", func() bool {
			c, err := A.Store.CommentByRemoteObject(ctx, reply.URI)
			comment = c
			return err == nil
		})
		if comment.PublicationID != pub.ID || comment.Status != model.CommentPublished || !strings.Contains(comment.Body, "ouvert aux vélos") {
			t.Fatalf("reply comment: %+v", comment)
		}
		page := A.Client(t).Get("/bellerive/p/" + pub.Slug + "/commentaires")
		mustContain(t, "thread", page.Body, "ouvert aux vélos pendant les travaux", "@alice@"+g.Host)
		item, ok := remoteItem(t, A, org, comment.ID)
		if !ok || item.ServiceID != voirie {
			t.Fatalf("console inbox item of the reply: %+v %v, want one routed to Voirie", item, ok)
		}

		// 6. Patrick answers as the Voirie service: alice gets a mention
		// notification, in reply to her post.
		const answer = "Oui, une voie cyclable provisoire reste ouverte côté Loire."
		if err := A.App.Console.Reply(ctx, patrick, org, item.ID, console.ReplyInput{Version: item.Version, Body: answer, As: voirie}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the service's answer as a notification in GoToSocial", func() bool {
			var notes []struct {
				Type   string     `json:"type"`
				Status *gtsStatus `json:"status"`
			}
			g.api(t, http.MethodGet, "/api/v1/notifications", nil, &notes)
			for _, n := range notes {
				if n.Type == "mention" && n.Status != nil && strings.Contains(text(n.Status.Content), "voie cyclable provisoire") {
					t.Logf("answer in GoToSocial from %s: %q", n.Status.Account.Acct, text(n.Status.Content))
					if n.Status.InReplyToID == nil || *n.Status.InReplyToID != reply.ID || !strings.Contains(text(n.Status.Content), "Voirie") {
						t.Fatalf("answer notification: in reply to %v (want %s), text %q", n.Status.InReplyToID, reply.ID, text(n.Status.Content))
					}
					return true
				}
			}
			return false
		})

		// 7. A like and a boost are counted in Parvis.
		g.api(t, http.MethodPost, "/api/v1/statuses/"+pubStatus+"/favourite", url.Values{}, nil)
		g.api(t, http.MethodPost, "/api/v1/statuses/"+pubStatus+"/reblog", url.Values{}, nil)
		eventually(t, "the like and the boost counted in Parvis", func() bool {
			r, err := A.Store.ReactionsOf(ctx, pub.ID)
			return err == nil && r.Likes == 1 && r.Boosts == 1
		})

		// 7b. Alice edits her reply, then deletes it: Parvis shows the new
		// text as edited, then withdraws the comment.
		g.api(t, http.MethodPut, "/api/v1/statuses/"+reply.ID, url.Values{"status": {"@bellerive@" + aHost +
			" Le quai restera-t-il ouvert aux vélos et aux piétons pendant les travaux ?"}}, nil)
		eventually(t, "alice's edit in Parvis", func() bool {
			c, err := A.Store.CommentByRemoteObject(ctx, reply.URI)
			comment = c
			return err == nil && strings.Contains(c.Body, "aux piétons") && c.EditedAt != nil
		}, func() string { return fmt.Sprintf("%+v", comment) })
		g.api(t, http.MethodDelete, "/api/v1/statuses/"+reply.ID, nil, nil)
		eventually(t, "alice's deletion in Parvis", func() bool {
			c, err := A.Store.CommentByRemoteObject(ctx, reply.URI)
			comment = c
			return err == nil && c.Status == model.CommentWithdrawn
		}, func() string { return fmt.Sprintf("%+v", comment) })

		// 7c. Under pre-moderation: alice's reply is held (in the queue, not
		// on the public thread), a moderator approves it, it shows, and the
		// answer an administrator writes under it from the thread reaches
		// alice in GoToSocial.
		if err := A.App.Debate.SaveDebateSettings(ctx, admin, org.ID, model.ModePre, strings.Join(A.App.Debate.DefaultCharter(), "\n"), "3", true); err != nil {
			t.Fatal(err)
		}
		const heldText = "Le marché du samedi reste-t-il sur le quai pendant le chantier ?"
		var heldReply gtsStatus
		g.api(t, http.MethodPost, "/api/v1/statuses", url.Values{"status": {"@bellerive@" + aHost + " " + heldText},
			"in_reply_to_id": {pubStatus}, "visibility": {"public"}}, &heldReply)
		var held model.Comment
		eventually(t, "alice's reply held in Parvis's moderation queue", func() bool {
			c, err := A.Store.CommentByRemoteObject(ctx, heldReply.URI)
			held = c
			if err != nil {
				return false
			}
			items, err := A.Store.NeedsDecision(ctx, org.ID, 50)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if it.Comment.ID == c.ID && it.Comment.Status == model.CommentHeld {
					return true
				}
			}
			return false
		}, func() string { return fmt.Sprintf("%+v", held) })
		if held.PublicationID != pub.ID || !strings.Contains(held.Body, "marché du samedi") {
			t.Fatalf("held reply: %+v", held)
		}
		thread := "/bellerive/p/" + pub.Slug + "/commentaires"
		if page := A.Client(t).Get(thread); strings.Contains(page.Body, "marché du samedi") {
			t.Fatalf("the held reply is on the public thread")
		}
		if _, err := A.App.Debate.Decide(ctx, admin, org, held.ID, debate.DecisionInput{Action: "approve"}); err != nil {
			t.Fatal(err)
		}
		page = A.Client(t).Get(thread)
		mustContain(t, "thread after approval", page.Body, "marché du samedi reste-t-il sur le quai", "@alice@"+g.Host)
		const heldAnswer = "Oui, le marché s'installe place de la République le temps des travaux."
		if _, err := A.App.Debate.PostComment(ctx, debate.NewComment{Org: org, Publication: pub, Author: admin, ParentID: held.ID,
			Body: heldAnswer, As: "org"}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the answer to the approved reply as a notification in GoToSocial", func() bool {
			var notes []struct {
				Type   string     `json:"type"`
				Status *gtsStatus `json:"status"`
			}
			g.api(t, http.MethodGet, "/api/v1/notifications", nil, &notes)
			for _, n := range notes {
				if n.Type == "mention" && n.Status != nil && strings.Contains(text(n.Status.Content), "place de la République le temps des travaux") {
					t.Logf("answer to the approved reply in GoToSocial from %s: %q", n.Status.Account.Acct, text(n.Status.Content))
					if n.Status.InReplyToID == nil || *n.Status.InReplyToID != heldReply.ID {
						t.Fatalf("answer notification: in reply to %v, want %s", n.Status.InReplyToID, heldReply.ID)
					}
					return true
				}
			}
			return false
		})

		// 8. An edit shows as edited.
		in := publishing.PubInputOf(pub)
		in.Title = "Travaux sur le quai de Loire : dates changées"
		if _, err := A.App.Publishing.SavePublication(ctx, admin.ID, org.ID, in); err != nil {
			t.Fatal(err)
		}
		var edited gtsStatus
		eventually(t, "the edit in GoToSocial", func() bool {
			g.api(t, http.MethodGet, "/api/v1/statuses/"+pubStatus, nil, &edited)
			return edited.EditedAt != nil && strings.Contains(text(edited.Content), "dates changées")
		}, func() string {
			return fmt.Sprintf("edited_at %v, content warning %q, text %q", edited.EditedAt, edited.SpoilerText, text(edited.Content))
		})

		// 9. Unpublishing deletes the status.
		if _, err := A.App.Publishing.Transition(ctx, admin.ID, org.ID, pub.ID, publishing.TransitionInput{Action: publishing.ActUnpublish}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the status deleted in GoToSocial", func() bool {
			code, _ := g.do(t, http.MethodGet, "/api/v1/statuses/"+pubStatus, nil, true)
			return code == http.StatusNotFound
		})

		// 10. Unfollowing lowers the count in Parvis.
		g.api(t, http.MethodPost, "/api/v1/accounts/"+orgAcct.ID+"/unfollow", url.Values{}, nil)
		eventually(t, "the unfollow counted in Parvis", func() bool {
			n, err := A.Store.FollowerCounts(ctx, org.ID)
			return err == nil && n[""] == 0 && n[topic.ID] == 1
		})

		if dir := os.Getenv("PARVIS_INTEROP_CAPTURE"); dir != "" {
			rec.save(t, filepath.Join(dir, string(engine)), gtsServed(t, A, g))
		}
	})
}

// savePublished saves a publication through the editor's use case and publishes it.
func savePublished(t *testing.T, ts *testserver.TS, adminID, orgID string, in model.PubInput) model.Publication {
	t.Helper()
	ctx := context.Background()
	res, err := ts.App.Publishing.SavePublication(ctx, adminID, orgID, in)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ts.App.Publishing.Transition(ctx, adminID, orgID, res.Publication.ID, publishing.TransitionInput{Action: publishing.ActPublish})
	if err != nil {
		t.Fatal(err)
	}
	return p
}
