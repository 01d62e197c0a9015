package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/app/console"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestConsoleEventQuestion: a resident asks about an event from its page;
// the question is an "event question" in the inbox, linked to the event,
// routed to the service of the event's topic, acknowledged by e-mail, and
// answered by e-mail from the inbox.
func TestConsoleEventQuestion(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		town := newConsoleTown(t, engine)
		ts, org := town.ts, town.org
		culture := model.Topic{ID: core.NewID(), OrgID: org.ID, Slug: "culture", Name: "Culture", ServiceID: town.culture, CreatedAt: ts.App.Now()}
		if err := ts.Store.CreateTopic(ctx, culture); err != nil {
			t.Fatal(err)
		}
		id := createEvent(t, ts, town.manager, "bellerive", "Concert sur le quai", "topics", culture.ID, "start_date", "2026-03-21")
		ev, err := ts.Store.PublicationByID(ctx, org.ID, id)
		if err != nil {
			t.Fatal(err)
		}

		resident := ts.Client(t)
		page := resident.Get("/bellerive/p/" + ev.Slug)
		mustStatus(t, "event page", page, 200)
		mustContain(t, "event page", page.Body, "Une question sur cet événement ?", `href="/bellerive/p/`+ev.Slug+`/question"`)
		ask := resident.Get("/bellerive/p/" + ev.Slug + "/question")
		mustStatus(t, "ask form", ask, 200)
		mustContain(t, "ask form", ask.Body, "Concert sur le quai")
		token := regexp.MustCompile(`name="idem" value="([^"]+)"`).FindStringSubmatch(ask.Body)[1]
		bad := resident.Post("/bellerive/p/"+ev.Slug+"/question", form("name", "Luc Martin", "email", "luc@", "body", "Accès ?"))
		mustStatus(t, "bad question", bad, 422)
		mustContain(t, "bad question", bad.Body, "Indiquez une adresse électronique valide", `value="Luc Martin"`)
		q := form("name", "Luc Martin", "email", "luc@example.test", "body", "Le concert est-il accessible en fauteuil roulant depuis le parking ?", "idem", token)
		for i := 0; i < 2; i++ { // a double submission counts once
			mustContain(t, "asked", resident.Post("/bellerive/p/"+ev.Slug+"/question", q).Body, "Demande reçue", "Service Culture")
		}
		ack := mailTo(t, ts, "luc@example.test", "Accusé de réception", 1)
		mustContain(t, "acknowledgement", ack.Text, "Service chargé de votre demande : Service Culture",
			"Au sujet de : Concert sur le quai", "L112-11")

		items, n, err := ts.App.Console.Inbox(ctx, ts.Account(t, "cm@bellerive.test").ID, org.ID,
			model.InboxFilter{Kind: model.InboxEventQuestion})
		if err != nil || n != 1 {
			t.Fatalf("event questions in the inbox: %d (%v)", n, err)
		}
		it := items[0]
		if it.PublicationID != ev.ID || it.ServiceID != town.culture || it.State != model.StateAssigned || it.LegalDueAt == nil {
			t.Fatalf("event question not linked, routed or timed: %+v", it)
		}
		if _, n, _ := ts.App.Console.Inbox(ctx, ts.Account(t, "cm@bellerive.test").ID, org.ID,
			model.InboxFilter{Kind: model.InboxRequest}); n != 0 {
			t.Fatalf("the event question was also filed as a request (%d)", n)
		}
		mustContain(t, "inbox", town.manager.Get("/admin/bellerive/inbox?kind=event_question").Body,
			"Question sur un événement", "accessible en fauteuil")

		// Culture's agent answers by e-mail from the item.
		amelie := ts.Client(t)
		ts.LoginAs(t, amelie, "amelie@bellerive.test")
		item := amelie.Get("/admin/bellerive/inbox/" + it.ID)
		mustStatus(t, "item", item, 200)
		mustContain(t, "item", item.Body, "Question sur un événement", "Événement", "Concert sur le quai", "Réponse envoyée par courriel")
		answer := "Oui : une rampe mène du parking au quai, et des places sont réservées devant la scène."
		mustStatus(t, "reply", amelie.Post("/admin/bellerive/inbox/"+it.ID+"/reply", form("version", "1", "body", answer)), 303)
		mustContain(t, "reply e-mail", mailTo(t, ts, "luc@example.test", "Réponse de Ville de bellerive", 1).Text, answer)
		got, err := ts.Store.InboxItemByID(ctx, org.ID, it.ID)
		if err != nil || got.State != model.StateAnswered || got.FirstAnswerAt == nil {
			t.Fatalf("event question not answered: %+v %v", got, err)
		}

		// An event filed under no topic goes to the service organising it
		// when no rule names one (Jeunesse has no agent: its managers).
		id = createEvent(t, ts, town.manager, "bellerive", "Tournoi de ping-pong", "organiser_kind", "service",
			"organiser_service_id", town.jeunesse, "start_date", "2026-03-28")
		tournoi, err := ts.Store.PublicationByID(ctx, org.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		asked, err := ts.App.Console.AskQuestion(ctx, console.NewRequest{Org: org, Publication: &tournoi, Name: "Noé Petit",
			Email: "noe@example.test", Body: "Faut-il apporter sa raquette au tournoi ?"})
		if err != nil || asked.Item.Kind != model.InboxEventQuestion || asked.Item.ServiceID != town.jeunesse {
			t.Fatalf("question on an event organised by Jeunesse: %+v %v", asked.Item, err)
		}
		history, err := ts.Store.InboxEvents(ctx, org.ID, asked.Item.ID)
		if err != nil {
			t.Fatal(err)
		}
		why := ""
		for _, e := range history {
			if e.Kind == "routed" {
				why = e.Detail
			}
		}
		if !strings.Contains(why, "service organisateur de l'événement") {
			t.Fatalf("routing to the organiser not in the history: %+v", history)
		}
	})
}
