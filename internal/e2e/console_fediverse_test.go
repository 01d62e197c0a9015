package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/console"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// federatedConsoleTown is Bellerive on instance A, federating with an
// instance B whose people follow and reply.
func federatedConsoleTown(t *testing.T, engine store.Engine) (*consoleTown, *testserver.TS) {
	t.Helper()
	town := newConsoleTownWith(t, testserver.Options{Engine: engine, FederationInsecure: true})
	return town, testserver.Start(t, testserver.Options{Engine: engine, FederationInsecure: true})
}

// TestConsoleFederationReplies: replies from another instance, posted
// signed to the shared inbox, enter the console's inbox when they need a
// human — by the rule local comments follow (a question mark, an urgent
// word) — as "Réponse du Fédivers" items routed like resident comments.
func TestConsoleFederationReplies(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		town, B := federatedConsoleTown(t, engine)
		A, org := town.ts, town.org
		mustStatus(t, "keyword rule", town.manager.Post("/admin/bellerive/routing",
			form("kind", "keyword", "keyword", "lampadaire", "service", town.culture)), 303)
		claire := newRemotePerson(t, B, "claire@b.test")
		pubURI := A.URL + "/bellerive/p/travaux-quai"
		n := 0
		reply := func(text string) string {
			t.Helper()
			n++
			note := fmt.Sprintf("%s/notes/%d", claire.URI, n)
			for i := 0; i < 2; i++ { // the second is a replay: nothing more
				sendNote(t, A, claire, "Create", note, pubURI, text)
			}
			return commentOf(t, A, note)
		}
		itemOf := func(commentID string) (model.InboxItem, bool) { return remoteItem(t, A, org, commentID) }

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

// sendNote posts, signed to A's shared inbox, p's Create or Update of the
// Note id answering inReplyTo with text; the activity id is the note's
// with the text's length, so that a new text is a new activity and the
// same one sent again a replay.
func sendNote(t *testing.T, A *testserver.TS, p remotePerson, typ, id, inReplyTo, text string) {
	t.Helper()
	body := []byte(fmt.Sprintf(`{"id":"%s#%s-%d","type":%q,"actor":%q,"object":{"id":%q,"type":"Note",
		"attributedTo":%q,"inReplyTo":%q,"content":%q}}`, id, strings.ToLower(typ), len(text), typ, p.URI, id, p.URI, inReplyTo,
		"<p>"+text+"</p>"))
	if st := p.post(t, A.URL+"/inbox", body, A.App.Now(), nil); st != 202 {
		t.Fatalf("%s %q: %d, want 202", typ, text, st)
	}
}

// commentOf is the comment a remote Note became on A.
func commentOf(t *testing.T, A *testserver.TS, note string) string {
	t.Helper()
	c, err := A.Store.CommentByRemoteObject(context.Background(), note)
	if err != nil {
		t.Fatalf("%s did not become a comment: %v", note, err)
	}
	return c.ID
}

// remoteItem is the "Réponse du Fédivers" item of a comment, if any; more
// than one fails the test.
func remoteItem(t *testing.T, A *testserver.TS, org model.Organisation, commentID string) (model.InboxItem, bool) {
	t.Helper()
	items, _, err := A.App.Console.Inbox(context.Background(), A.Account(t, "cm@bellerive.test").ID, org.ID,
		model.InboxFilter{Kind: model.InboxRemote})
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
		t.Fatalf("%d items for one reply (replayed or edited activity counted twice?)", len(found))
	}
	if len(found) == 0 {
		return model.InboxItem{}, false
	}
	return found[0], true
}

// TestConsoleFederationEditedReplies: a Fediverse reply edited into a
// question enters the inbox exactly as a new question would — same kind,
// same routing, timed from the edit — once: a replayed or further edit
// shows the new text on the same item (the earlier text in its history),
// an answered item stays answered through a mere rewording, an urgent word
// added reopens and escalates it, and an edit held by screening enters as
// a held item.
func TestConsoleFederationEditedReplies(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		town, B := federatedConsoleTown(t, engine)
		A, org := town.ts, town.org
		claire := newRemotePerson(t, B, "claire@b.test")
		pubURI := A.URL + "/bellerive/p/travaux-quai"
		note := claire.URI + "/notes/edited"
		history := func(it model.InboxItem) []model.InboxEvent {
			t.Helper()
			evs, err := A.Store.InboxEvents(ctx, org.ID, it.ID)
			if err != nil {
				t.Fatal(err)
			}
			return evs
		}
		edits := func(it model.InboxItem) (n int, last string) {
			for _, ev := range history(it) {
				if ev.Kind == "edited" {
					n, last = n+1, ev.Body
				}
			}
			return n, last
		}

		// A thank-you: a comment, no item.
		sendNote(t, A, claire, "Create", note, pubURI, "Merci pour l'info.")
		id := commentOf(t, A, note)
		if _, ok := remoteItem(t, A, org, id); ok {
			t.Fatal("a reply that asks nothing entered the inbox")
		}

		// Half an hour later Claire edits it into a question (her server
		// sends the Update twice): one item, routed to Voirie by the topic
		// as a new question would be, received at the edit.
		A.Clock.Advance(30 * time.Minute)
		edited := A.App.Now()
		asked := "Merci. Le quai sera-t-il ouvert le dimanche ?"
		sendNote(t, A, claire, "Update", note, pubURI, asked)
		sendNote(t, A, claire, "Update", note, pubURI, asked)
		it, ok := remoteItem(t, A, org, id)
		if !ok {
			t.Fatal("a reply edited into a question did not enter the inbox")
		}
		if it.Kind != model.InboxRemote || it.ServiceID != town.voirie || it.State != model.StateAssigned ||
			!it.ReceivedAt.Equal(edited) || it.Excerpt != asked || it.Urgent {
			t.Fatalf("item of the edited reply: %+v", it)
		}
		if n, was := edits(it); n != 1 || was != "Merci pour l'info." {
			t.Fatalf("history of the edit: %d edits, earlier text %q", n, was)
		}
		if items, err := A.Store.InboxItemsOfSource(ctx, org.ID, id); err != nil || len(items) != 1 {
			t.Fatalf("%d items for the edited reply (%v), want 1", len(items), err)
		}

		// A further edit: the same item shows the new text; nothing else.
		again := "Merci. Le quai sera-t-il ouvert le dimanche matin ?"
		sendNote(t, A, claire, "Update", note, pubURI, again)
		it2, ok := remoteItem(t, A, org, id)
		if !ok || it2.ID != it.ID || it2.Excerpt != again || it2.State != model.StateAssigned || it2.Version != it.Version {
			t.Fatalf("item after a further edit: %+v (before: %+v)", it2, it)
		}
		if n, was := edits(it2); n != 2 || was != asked {
			t.Fatalf("history after a further edit: %d edits, earlier text %q", n, was)
		}
		search := town.manager.Get("/admin/bellerive/inbox?kind=remote&q=dimanche+matin")
		mustContain(t, "search the new text", search.Body, "ouvert le dimanche matin")
		page := town.manager.Get("/admin/bellerive/inbox/" + it.ID)
		mustContain(t, "item page", page.Body, "ouvert le dimanche matin", "Modifié par son auteur ; texte d&#39;avant", "Merci pour l&#39;info.")

		// Answered, then reworded: still answered, with the new text.
		patrick := A.Client(t)
		A.LoginAs(t, patrick, "patrick@bellerive.test")
		mustStatus(t, "answer", patrick.Post("/admin/bellerive/inbox/"+it.ID+"/reply",
			form("version", fmt.Sprint(it2.Version), "body", "Oui, de 8 h à 13 h.")), 303)
		reworded := "Merci. Le quai sera-t-il ouvert le dimanche matin, même tôt ?"
		sendNote(t, A, claire, "Update", note, pubURI, reworded)
		if got, _ := remoteItem(t, A, org, id); got.State != model.StateAnswered || got.Excerpt != reworded {
			t.Fatalf("answered item after a rewording: %+v", got)
		}

		// An urgent word added: flagged, reopened and escalated at once.
		urgent := "Attention, fuite de gaz près du quai ! Sera-t-il ouvert dimanche ?"
		sendNote(t, A, claire, "Update", note, pubURI, urgent)
		if got, _ := remoteItem(t, A, org, id); !got.Urgent || !got.State.Open() || got.Excerpt != urgent {
			t.Fatalf("item after an urgent word was added: %+v", got)
		}
		mailTo(t, A, "cm@bellerive.test", "message urgent", 1)

		// An edit that screening holds enters as a held item, once.
		admin, err := A.Store.AccountByEmail(ctx, "admin@bellerive.test")
		if err != nil {
			t.Fatal(err)
		}
		if err := A.App.Debate.SetScreenWordLists(ctx, admin.ID, org.ID, "pelleteuse", "", ""); err != nil {
			t.Fatal(err)
		}
		other := claire.URI + "/notes/held"
		sendNote(t, A, claire, "Create", other, pubURI, "Bon courage aux équipes.")
		hid := commentOf(t, A, other)
		for _, text := range []string{"Bon courage à la pelleteuse.", "Bon courage à la pelleteuse et aux équipes."} {
			sendNote(t, A, claire, "Update", other, pubURI, text)
		}
		items, err := A.Store.InboxItemsOfSource(ctx, org.ID, hid)
		if err != nil || len(items) != 1 || items[0].Kind != model.InboxHeld || items[0].Excerpt != "Bon courage à la pelleteuse et aux équipes." {
			t.Fatalf("items of a reply held after an edit: %+v %v", items, err)
		}
	})
}

// TestConsoleFiguresFollowersBase: "minutes per day per 1,000 followers"
// divides by the real followers — confirmed e-mail subscribers and distinct
// Fediverse followers of the organisation's actors — and by the population
// only while nobody follows; the figures page and the "coût réel" report
// say which base they used.
func TestConsoleFiguresFollowersBase(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		town, B := federatedConsoleTown(t, engine)
		A, org := town.ts, town.org
		if _, err := A.Store.DB().Exec(`UPDATE organisations SET population = 12000 WHERE id = $1`, org.ID); err != nil {
			t.Fatal(err)
		}
		org.Population = 12000
		// 60 active minutes over the last 30 days (the minute the office
		// hours were set, and 59 the day before): 2 minutes a day.
		recordMinutes(t, A, org.ID, "cm@bellerive.test", time.Date(2026, 3, 11, 9, 0, 0, 0, paris), 59)
		cm, err := A.Store.AccountByEmail(ctx, "cm@bellerive.test")
		if err != nil {
			t.Fatal(err)
		}
		figures := func() console.Figures {
			t.Helper()
			f, err := A.App.Console.Figures(ctx, cm.ID, org, A.App.Now())
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		f := figures()
		if f.DenominatorSource != "population" || f.Denominator != 12000 || f.MinutesPerDay != 2 {
			t.Fatalf("without followers: %.3f min/day, %+v", f.MinutesPerDay, f.PerThousand)
		}
		mustContain(t, "figures, population", town.admin.Get("/admin/bellerive/chiffres").Body,
			"Minutes par jour pour 1 000 habitants", "base : 12000 habitants (population du profil)")

		// One confirmed subscriber, one who never confirmed.
		resident := A.Client(t)
		for _, email := range []string{"jeanne@example.test", "paul@example.test"} {
			r := resident.Post("/bellerive/suivre", form("email", email, "alerts", "1", "news", "daily", "scope", "some", "topics", town.topic.ID))
			mustStatus(t, "subscribe "+email, r, 303)
		}
		confirm := A.Mail.Wait(t, "jeanne@example.test", "Confirmez votre abonnement", 10*time.Second)
		mustStatus(t, "confirm", resident.Get(testserver.Link(t, confirm.Text, "/confirmer-abonnement/")), 200)
		// Two Fediverse accounts: Claire follows the organisation and its
		// topic (she counts once), Bernard the topic only.
		claire, bernard := newRemotePerson(t, B, "claire@b.test"), newRemotePerson(t, B, "bernard@b.test")
		follow := func(p remotePerson, inbox, object, id string) {
			t.Helper()
			body := []byte(fmt.Sprintf(`{"id":%q,"type":"Follow","actor":%q,"object":%q}`, p.URI+id, p.URI, object))
			if st := p.post(t, inbox, body, A.App.Now(), nil); st != 202 {
				t.Fatalf("follow %s: %d", object, st)
			}
		}
		follow(claire, A.URL+"/bellerive/inbox", A.URL+"/bellerive/", "#f-org")
		follow(claire, A.URL+"/inbox", A.URL+"/bellerive/themes/travaux", "#f-topic")
		follow(bernard, A.URL+"/inbox", A.URL+"/bellerive/themes/travaux", "#f-topic")

		f = figures()
		if f.DenominatorSource != "followers" || f.Followers.Email != 1 || f.Followers.Fediverse != 2 || f.Denominator != 3 {
			t.Fatalf("followers: %+v", f.PerThousand)
		}
		if want := 2.0 * 1000 / 3; f.Per1000 < want-0.001 || f.Per1000 > want+0.001 {
			t.Fatalf("per 1,000 followers = %v, want %v", f.Per1000, want)
		}
		base := "base : 3 abonnés comptés ce jour (1 par courriel, 2 sur le Fédivers)"
		mustContain(t, "figures, followers", town.admin.Get("/admin/bellerive/chiffres").Body, "Minutes par jour pour 1 000 abonnés", base)
		cost := town.admin.Get("/admin/bellerive/chiffres/cout?mois=2026-03")
		mustStatus(t, "cost report", cost, 200)
		mustContain(t, "cost report", cost.Body, "Temps passé par jour (moyenne du mois)", "Minutes par jour pour 1 000 abonnés", base)
	})
}
