package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestConsoleFederationReplies: replies from another instance, posted
// signed to the shared inbox, enter the console's inbox when they need a
// human — by the rule local comments follow (a question mark, an urgent
// word) — as "Réponse du Fédivers" items routed like resident comments.
func TestConsoleFederationReplies(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		town := newConsoleTownWith(t, testserver.Options{Engine: engine, FederationInsecure: true})
		A, org := town.ts, town.org
		B := testserver.Start(t, testserver.Options{Engine: engine, FederationInsecure: true})
		mustStatus(t, "keyword rule", town.manager.Post("/admin/bellerive/routing",
			form("kind", "keyword", "keyword", "lampadaire", "service", town.culture)), 303)
		claire := newRemotePerson(t, B, "claire@b.test")
		pubURI := A.URL + "/bellerive/p/travaux-quai"
		n := 0
		reply := func(text string) string {
			t.Helper()
			n++
			note := fmt.Sprintf("%s/notes/%d", claire.URI, n)
			body := []byte(fmt.Sprintf(`{"id":%q,"type":"Create","actor":%q,"object":{"id":%q,"type":"Note",
				"attributedTo":%q,"inReplyTo":%q,"content":%q}}`, note+"#create", claire.URI, note, claire.URI, pubURI, "<p>"+text+"</p>"))
			for i := 0; i < 2; i++ { // the second is a replay: nothing more
				if st := claire.post(t, A.URL+"/inbox", body, A.App.Now(), nil); st != 202 {
					t.Fatalf("reply %q (#%d): %d, want 202", text, i, st)
				}
			}
			c, err := A.Store.CommentByRemoteObject(ctx, note)
			if err != nil {
				t.Fatalf("reply %q did not become a comment: %v", text, err)
			}
			return c.ID
		}
		itemOf := func(commentID string) (model.InboxItem, bool) {
			t.Helper()
			items, _, err := A.App.Inbox(ctx, model.Membership{OrgID: org.ID, Role: model.RoleManager},
				store.InboxFilter{Kind: model.InboxRemote})
			if err != nil {
				t.Fatal(err)
			}
			var found []model.InboxItem
			for _, it := range items {
				if it.SourceID == commentID {
					found = append(found, it)
				}
			}
			if len(found) > 1 {
				t.Fatalf("%d items for one reply (replayed activity counted twice?)", len(found))
			}
			if len(found) == 0 {
				return model.InboxItem{}, false
			}
			return found[0], true
		}

		// A remark asks nothing: a comment, not an item.
		if _, ok := itemOf(reply("Bravo pour ces travaux, enfin !")); ok {
			t.Fatal("a remote reply that asks nothing entered the inbox")
		}
		// A question: routed to Voirie by the publication's topic.
		q := reply("Le quai sera-t-il ouvert aux vélos pendant les travaux ?")
		it, ok := itemOf(q)
		if !ok {
			t.Fatal("a remote question did not enter the inbox")
		}
		if it.Kind != model.InboxRemote || it.ServiceID != town.voirie || it.State != model.StateAssigned || it.AuthorName == "" || it.Urgent {
			t.Fatalf("remote question item: %+v", it)
		}
		// A keyword rule comes before the topic, as for residents.
		kw, ok := itemOf(reply("Qui s'occupe du lampadaire cassé devant le 4 ?"))
		if !ok || kw.ServiceID != town.culture {
			t.Fatalf("keyword rule not applied to a remote question: %+v %v", kw, ok)
		}
		// An urgent word without a question mark: an urgent item, escalated.
		urgent, ok := itemOf(reply("Fuite de gaz au coin du chantier, ça sent très fort"))
		if !ok || !urgent.Urgent {
			t.Fatalf("urgent remote reply: %+v %v", urgent, ok)
		}
		mailTo(t, A, "cm@bellerive.test", "message urgent", 1)

		// The inbox shows the catalogued kind; the agent of Voirie answers
		// from the item page, which answers the item.
		list := town.manager.Get("/admin/bellerive/inbox?kind=remote")
		mustStatus(t, "inbox", list, 200)
		mustContain(t, "inbox", list.Body, "Réponse du Fédivers", "ouvert aux vélos pendant les travaux")
		patrick := A.Client(t)
		A.LoginAs(t, patrick, "patrick@bellerive.test")
		page := patrick.Get("/admin/bellerive/inbox/" + it.ID)
		mustStatus(t, "remote item", page, 200)
		mustContain(t, "remote item", page.Body, "Réponse du Fédivers", `name="body"`)
		mustStatus(t, "answer", patrick.Post("/admin/bellerive/inbox/"+it.ID+"/reply",
			form("version", fmt.Sprint(it.Version), "body", "Oui, une voie cyclable provisoire reste ouverte.")), 303)
		got, err := A.Store.InboxItemByID(ctx, org.ID, it.ID)
		if err != nil || got.State != model.StateAnswered || got.FirstAnswerAt == nil {
			t.Fatalf("answered remote item: %+v %v", got, err)
		}
	})
}
