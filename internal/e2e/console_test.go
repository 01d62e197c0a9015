package e2e

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return l
}()

// consoleTown sets up Bellerive: Voirie (agent Patrick), Culture (agent
// Amélie), Jeunesse (no agent), the topic Travaux under Voirie, a
// publication about roadworks, and office hours set through the form
// (lundi–vendredi 9 h–12 h, 14 h–17 h; samedi 9 h–12 h).
type consoleTown struct {
	ts                        *testserver.TS
	org                       model.Organisation
	voirie, culture, jeunesse string
	topic                     model.Topic
	pub                       model.Publication
	admin, manager            *testserver.Client
}

func newConsoleTown(t *testing.T, engine store.Engine) *consoleTown {
	t.Helper()
	return newConsoleTownWith(t, testserver.Options{Engine: engine})
}

func newConsoleTownWith(t *testing.T, opts testserver.Options) *consoleTown {
	t.Helper()
	ts := testserver.Start(t, opts)
	ts.Clock.Set(time.Date(2026, 3, 12, 10, 0, 0, 0, paris)) // a Thursday, open
	org := ts.Org(t, "bellerive")
	c := &consoleTown{ts: ts, org: org}
	c.voirie, c.culture, c.jeunesse = service(t, ts, org, "Voirie"), service(t, ts, org, "Culture"), service(t, ts, org, "Jeunesse")
	c.topic = model.Topic{ID: core.NewID(), OrgID: org.ID, Slug: "travaux", Name: "Travaux", ServiceID: c.voirie, CreatedAt: ts.App.Now()}
	if err := ts.Store.CreateTopic(context.Background(), c.topic); err != nil {
		t.Fatal(err)
	}
	c.pub = publish(t, ts, org, "travaux-quai", "Travaux sur le quai de Loire", c.topic.ID)
	ts.Staff(t, "patrick@bellerive.test", "bellerive", model.RoleAgent, c.voirie)
	ts.Staff(t, "amelie@bellerive.test", "bellerive", model.RoleAgent, c.culture)
	ts.Staff(t, "cm@bellerive.test", "bellerive", model.RoleManager)
	c.admin, c.manager = ts.Client(t), ts.Client(t)
	ts.LoginAs(t, c.admin, "admin@bellerive.test")
	ts.LoginAs(t, c.manager, "cm@bellerive.test")
	hours := form("day1", "9:00-12:00, 14:00-17:00", "day2", "9:00-12:00, 14:00-17:00", "day3", "9:00-12:00, 14:00-17:00",
		"day4", "9:00-12:00, 14:00-17:00", "day5", "9:00-12:00, 14:00-17:00", "day6", "9h-12h", "day0", "")
	mustStatus(t, "office hours", c.admin.Post("/admin/bellerive/office-hours", hours), 303)
	return c
}

func TestConsoleRequestOutOfHoursAnsweredMonday(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		town := newConsoleTown(t, engine)
		ts, org := town.ts, town.org
		ctx := context.Background()

		// Bad office hours: overlapping, reversed: refused beside the day, input kept.
		bad := town.admin.Post("/admin/bellerive/office-hours", form("day1", "14:00-17:00, 9:00-15:00", "day2", "17:00-9:00", "day3", "9 à 12"))
		mustStatus(t, "bad hours", bad, 422)
		mustContain(t, "bad hours", bad.Body, "Deux plages de ce jour se chevauchent", "Une plage se termine avant de commencer",
			"Écrivez les plages ainsi", `value="14:00-17:00, 9:00-15:00"`, `aria-invalid="true"`)
		spans, err := ts.Store.OfficeSpans(ctx, org.ID)
		if err != nil || len(spans) != 11 {
			t.Fatalf("the refused form changed the hours: %d spans, %v", len(spans), err)
		}

		// Saturday 22:00: a resident asks through the publication's form.
		ts.Clock.Set(time.Date(2026, 3, 14, 22, 0, 0, 0, paris))
		resident := ts.Client(t)
		page := resident.Get("/bellerive/p/travaux-quai/question")
		mustStatus(t, "ask form", page, 200)
		mustContain(t, "ask form", page.Body, "Nos services sont fermés", "lundi 16 mars 2026 à 9 h", "112")
		token := regexp.MustCompile(`name="idem" value="([^"]+)"`).FindStringSubmatch(page.Body)[1]
		q := form("name", "Jeanne Dupont", "email", "jeanne@example.test", "body", "Quand le quai rouvrira-t-il aux vélos ?", "idem", token)
		mustContain(t, "bad ask", resident.Post("/bellerive/p/travaux-quai/question", form("name", "J", "email", "x", "body", "court")).Body,
			"Indiquez votre nom", "Indiquez une adresse électronique valide", "Écrivez votre question")
		asked := resident.Post("/bellerive/p/travaux-quai/question", q)
		mustStatus(t, "ask", asked, 200)
		mustContain(t, "asked", asked.Body, "Demande reçue", "Service Voirie — Ville de bellerive", "Nos services sont fermés",
			"lundi 16 mars 2026 à 9 h", "appelez le 112")
		mustStatus(t, "ask twice", resident.Post("/bellerive/p/travaux-quai/question", q), 200)
		ack := mailTo(t, ts, "jeanne@example.test", "Accusé de réception", 1)
		mustContain(t, "acknowledgement", ack.Text, "Service chargé de votre demande : Service Voirie — Ville de bellerive",
			"Reçue le : 14/03/2026 à 22 h 00", "au plus tard le 14/05/2026", "en dehors des horaires", "à partir du 16/03/2026 à 09 h 00", "112", "L112-11")
		items, n, err := ts.App.Console.Inbox(ctx, ts.Account(t, "cm@bellerive.test").ID, org.ID, model.InboxFilter{Kind: model.InboxRequest})
		if err != nil || n != 1 {
			t.Fatalf("requests in the inbox: %d (%v); a double submission must count once", n, err)
		}
		item := items[0]
		if item.ServiceID != town.voirie || item.State != model.StateAssigned || !item.OutOfHours || item.LegalDueAt == nil {
			t.Fatalf("request not routed to Voirie by its topic, or not timed: %+v", item)
		}

		// Voirie's agent sees it; Culture's agent does not.
		patrick, amelie := ts.Client(t), ts.Client(t)
		ts.LoginAs(t, patrick, "patrick@bellerive.test")
		ts.LoginAs(t, amelie, "amelie@bellerive.test")
		mustContain(t, "agent inbox", patrick.Get("/admin/bellerive/inbox").Body, "Quand le quai rouvrira-t-il", "hors horaires",
			`<p role="status">1 élément</p>`)
		if other := amelie.Get("/admin/bellerive/inbox").Body; strings.Contains(other, "Quand le quai") {
			t.Fatal("an agent of another service sees the request")
		} else {
			mustContain(t, "other agent's inbox", other, `<p role="status">0 élément</p>`)
		}
		mustStatus(t, "other agent opens", amelie.Get("/admin/bellerive/inbox/"+item.ID), 403)
		if strings.Contains(patrick.Get("/admin/bellerive/inbox/"+item.ID).Body, "jeanne@example.test") {
			t.Fatal("staff see the resident's e-mail address")
		}

		// Saved replies: an unknown placeholder is refused, by name.
		sr := patrick.Post("/admin/bellerive/saved-replies", form("title", "Accusé Voirie", "service", town.voirie,
			"body", "Bonjour {prenom}, merci."))
		mustStatus(t, "unknown placeholder", sr, 422)
		mustContain(t, "unknown placeholder", sr.Body, "Le champ de fusion {prenom} n&#39;existe pas", "Bonjour {prenom}, merci.")
		mustStatus(t, "saved reply", patrick.Post("/admin/bellerive/saved-replies", form("title", "Accusé Voirie", "service", town.voirie,
			"body", "Merci {nom}, le service {service} a bien reçu votre demande. Horaires : {horaires}.")), 303)
		replies, _ := ts.Store.SavedReplies(ctx, org.ID)
		if len(replies) != 1 {
			t.Fatalf("%d saved replies", len(replies))
		}

		// Monday 10:30: the agent answers with the saved reply while the
		// manager has the item open on the same version.
		ts.Clock.Set(time.Date(2026, 3, 16, 10, 30, 0, 0, paris))
		mine := patrick.Get("/admin/bellerive/inbox/" + item.ID + "?modele=" + replies[0].ID)
		mustStatus(t, "item with saved reply", mine, 200)
		mustContain(t, "expanded", mine.Body, "Merci Jeanne Dupont, le service Voirie a bien reçu votre demande. Horaires : lundi : 9 h – 12 h, 14 h – 17 h")
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(mine.Body)[1]
		answer := "Merci Jeanne Dupont, le quai rouvre aux vélos le 30 mars."
		mustStatus(t, "agent replies", patrick.Post("/admin/bellerive/inbox/"+item.ID+"/reply", form("version", version, "body", answer, "then", "answered")), 303)
		late := town.manager.Post("/admin/bellerive/inbox/"+item.ID+"/reply", form("version", version, "body", "Réponse du chargé de communication."))
		mustStatus(t, "second answer at the same moment", late, 409)
		mustContain(t, "conflict", late.Body, "Un collègue a modifié cet élément", answer, "Réponse du chargé de communication.")
		reply := mailTo(t, ts, "jeanne@example.test", "Réponse de Ville de bellerive", 1)
		mustContain(t, "reply e-mail", reply.Text, answer, "Service Voirie", "Bonjour Jeanne Dupont,")
		if from := headerAddress(t, reply, "From"); from.Name != "Ville de bellerive" {
			t.Errorf("the answer comes from %q, want the organisation's name", reply.Header.Get("From"))
		}
		ts.WaitJobsIdle(t) // the second answer would have been sent by now
		for _, m := range ts.Mail.Messages() {
			if strings.Contains(m.Text, "Réponse du chargé de communication") {
				t.Fatal("the second answer was sent")
			}
		}
		got, err := ts.Store.InboxItemByID(ctx, org.ID, item.ID)
		if err != nil || got.State != model.StateAnswered || got.FirstAnswerOpen == nil || *got.FirstAnswerOpen != 90*time.Minute {
			t.Fatalf("first answer not timed in open hours (want 1h30): %+v %v", got.FirstAnswerOpen, err)
		}
		fig := town.manager.Get("/admin/bellerive/chiffres")
		mustStatus(t, "figures", fig, 200)
		mustContain(t, "figures", fig.Body, "1 h 30", "Minutes par jour pour 1 000 habitants")
		cost := town.manager.Get("/admin/bellerive/chiffres/cout?mois=2026-03")
		mustStatus(t, "cost report", cost, 200)
		mustContain(t, "cost report", cost.Body, "Coût réel de la présence numérique — mars 2026", "Coût estimé", "35,00")
		var minutes int
		if err := ts.Store.DB().QueryRow(`SELECT COUNT(*) FROM staff_activity WHERE org_id = $1`, org.ID).Scan(&minutes); err != nil || minutes == 0 {
			t.Fatalf("no active minute recorded: %d %v", minutes, err)
		}
		// The public page now says how fast the team answers.
		mustContain(t, "permanence", ts.Client(t).Get("/bellerive/permanence").Body, "Nous répondons en général sous 1 h 30",
			"9 h – 12 h, 14 h – 17 h", "Lundi de Pâques")
	})
}

func TestConsoleQuestionsUrgencyModerationDigest(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		town := newConsoleTown(t, engine)
		ts, org := town.ts, town.org
		ctx := context.Background()
		mustStatus(t, "settings", town.admin.Post("/admin/bellerive/console-settings", form("holidays", "1", "oncall_phone", "06 00 00 00 00",
			"oncall_email", "astreinte@bellerive.test", "urgent_words", "fuite de gaz\ninondation", "legal_months", "2", "target_hours", "16",
			"hourly_cost", "35,00")), 303)
		mustContain(t, "bad settings", town.admin.Post("/admin/bellerive/console-settings", form("oncall_email", "nope", "legal_months", "0",
			"target_hours", "x", "hourly_cost", "-3")).Body, "adresse électronique valide", "Entre 1 et 12 mois", "Entre 1 et 400", "coût horaire")
		// A keyword rule sends "lampadaire" to Culture (to prove rules come before topics).
		mustStatus(t, "rule", town.manager.Post("/admin/bellerive/routing", form("kind", "keyword", "keyword", "lampadaire", "service", town.culture)), 303)

		jeanne := ts.Client(t)
		oldResident(t, ts, jeanne, "jeanne@example.test")
		base := "/bellerive/p/travaux-quai/commentaires"
		thread := jeanne.Get(base)
		mustContain(t, "thread", thread.Body, "C&#39;est une question", "Poser une question aux services")
		qid := postComment(t, jeanne, base, "Les trottoirs seront-ils refaits aussi ?")
		plain := postComment(t, jeanne, base, "Merci pour ces travaux.")
		ticked := postComment(t, jeanne, base, "Je voudrais connaître le calendrier du chantier.", "question", "1")
		kw := postComment(t, jeanne, base, "Le lampadaire devant le 12 clignote ?")
		urgent := postComment(t, jeanne, base, "Il y a une fuite de gaz rue des Tanneurs, ça sent très fort !")
		manager := ts.Account(t, "cm@bellerive.test").ID
		bySource := func(id string) model.InboxItem {
			t.Helper()
			items, err := ts.Store.InboxItemsOfSource(ctx, org.ID, id)
			if err != nil || len(items) != 1 {
				t.Fatalf("inbox items of %s: %d %v", id, len(items), err)
			}
			return items[0]
		}
		if items, _ := ts.Store.InboxItemsOfSource(ctx, org.ID, plain); len(items) != 0 {
			t.Fatal("a comment that asks nothing is in the inbox")
		}
		if it := bySource(qid); it.Kind != model.InboxQuestion || it.ServiceID != town.voirie {
			t.Fatalf("question by '?': %+v", it)
		}
		if it := bySource(ticked); it.Kind != model.InboxQuestion {
			t.Fatalf("ticked question: %+v", it)
		}
		if it := bySource(kw); it.ServiceID != town.culture {
			t.Fatalf("keyword rule not applied: %+v", it)
		}
		if it := bySource(urgent); !it.Urgent {
			t.Fatalf("urgent word not flagged: %+v", it)
		}
		esc := mailTo(t, ts, "astreinte@bellerive.test", "[URGENT]", 1)
		mustContain(t, "escalation", esc.Text, "fuite de gaz", "/admin/bellerive/inbox/")
		mailTo(t, ts, "cm@bellerive.test", "[URGENT]", 1)
		list := town.manager.Get("/admin/bellerive/inbox")
		mustContain(t, "urgent first", list.Body, "badge-urgent")
		if strings.Index(list.Body, "fuite de gaz") > strings.Index(list.Body, "trottoirs") {
			t.Fatal("the urgent item is not listed first")
		}

		// A staff answer in the thread answers the question's item.
		patrick := ts.Client(t)
		ts.LoginAs(t, patrick, "patrick@bellerive.test")
		postComment(t, patrick, base, "Oui, en avril.", "parent", qid, "as", town.voirie)
		if it := bySource(qid); it.State != model.StateAnswered || it.FirstAnswerAt == nil {
			t.Fatalf("thread answer did not answer the item: %+v", it)
		}

		// A request to a service without agents falls back to the managers.
		resident := ts.Client(t)
		r := resident.Post("/bellerive/question", form("name", "Marc", "email", "marc@example.test", "service", town.jeunesse,
			"body", "Quelles sont les dates du centre de loisirs cet été ?", "idem", "k1"))
		mustStatus(t, "request to Jeunesse", r, 200)
		mustContain(t, "fallback mail", mailTo(t, ts, "cm@bellerive.test", "Pour le service Jeunesse", 1).Text, "centre de loisirs")
		reqItems, _, _ := ts.App.Console.Inbox(ctx, manager, org.ID, model.InboxFilter{Kind: model.InboxRequest})
		if len(reqItems) != 1 {
			t.Fatalf("%d requests", len(reqItems))
		}
		events, _ := ts.Store.InboxEvents(ctx, org.ID, reqItems[0].ID)
		if !hasEvent(events, "no_agent") {
			t.Fatalf("no fallback recorded: %+v", events)
		}

		// Internal notes stay internal; bulk close.
		mustStatus(t, "note", town.manager.Post("/admin/bellerive/inbox/"+bySource(ticked).ID+"/note", form("note", "Voir avec le chef de chantier.")), 303)
		mustContain(t, "note shown to staff", town.manager.Get("/admin/bellerive/inbox/"+bySource(ticked).ID).Body, "Voir avec le chef de chantier.")
		if strings.Contains(ts.Client(t).Get(base).Body, "chef de chantier") {
			t.Fatal("an internal note is public")
		}
		bulk := town.manager.Post("/admin/bellerive/inbox", form("id", bySource(ticked).ID, "action", "close"))
		mustStatus(t, "bulk", bulk, 303)
		if it := bySource(ticked); it.State != model.StateClosed || it.ClosedAt == nil {
			t.Fatalf("bulk close: %+v", it)
		}

		// A report puts the comment in the inbox; the decision closes it.
		mustStatus(t, "report", ts.Client(t).Post(base+"/"+plain+"/signaler", form("reason", "rule-1", "email", "voisin@example.test")), 303)
		rep := bySource(plain)
		if rep.Kind != model.InboxReport || !rep.State.Open() {
			t.Fatalf("report item: %+v", rep)
		}
		mustStatus(t, "decide", town.manager.Post("/admin/bellerive/moderation/"+plain+"/decide", form("action", "approve")), 303)
		if it := bySource(plain); it.State != model.StateClosed {
			t.Fatalf("decision did not close the report item: %+v", it)
		}

		// Overdue items go to the managers' daily digest, once a day.
		ts.Clock.Set(time.Date(2026, 3, 17, 8, 30, 0, 0, paris))
		// The periodic job runs on the same clock and may send it first;
		// either way each manager gets one digest, once.
		if _, err := ts.App.Console.SendOverdueDigests(ctx); err != nil {
			t.Fatal(err)
		}
		mustContain(t, "digest", mailTo(t, ts, "cm@bellerive.test", "en retard", 1).Text, "lampadaire")
		if n, err := ts.App.Console.SendOverdueDigests(ctx); err != nil || n != 0 {
			t.Fatalf("second digest the same day: %d %v", n, err)
		}
		ts.WaitJobsIdle(t) // a duplicate would have been sent by now
		digests := 0
		for _, m := range ts.Mail.Messages() {
			if strings.Contains(m.Subject, "en retard") && slices.Contains(m.To, "cm@bellerive.test") {
				digests++
			}
		}
		if digests != 1 {
			t.Fatalf("%d overdue digests to the manager, want 1", digests)
		}
	})
}

func hasEvent(events []model.InboxEvent, kind string) bool {
	for _, e := range events {
		if e.Kind == kind {
			return true
		}
	}
	return false
}

// TestConsoleEditedCommentAsks: a resident's comment edited into a
// question enters the inbox as a question would, once; a further edit
// shows the new text on the same item.
func TestConsoleEditedCommentAsks(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		town := newConsoleTown(t, engine)
		ts, org := town.ts, town.org
		jeanne := ts.Client(t)
		oldResident(t, ts, jeanne, "jeanne@example.test")
		base := "/bellerive/p/travaux-quai/commentaires"
		id := postComment(t, jeanne, base, "Merci pour ces travaux.")
		items := func() []model.InboxItem {
			t.Helper()
			items, err := ts.Store.InboxItemsOfSource(ctx, org.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			return items
		}
		if len(items()) != 0 {
			t.Fatal("a comment that asks nothing is in the inbox")
		}
		for _, text := range []string{"Merci. Les trottoirs seront-ils refaits ?", "Merci. Les trottoirs seront-ils refaits aussi ?"} {
			mustStatus(t, "edit", jeanne.Post(base+"/"+id+"/modifier", form("body", text)), 303)
			got := items()
			if len(got) != 1 || got[0].Kind != model.InboxQuestion || got[0].ServiceID != town.voirie || got[0].Excerpt != text {
				t.Fatalf("items after the edit %q: %+v", text, got)
			}
		}
	})
}

func TestConsoleTenancy(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		town := newConsoleTown(t, engine)
		ts := town.ts
		r := ts.Client(t).Post("/bellerive/question", form("name", "Marc", "email", "marc@example.test",
			"body", "Quand passe la balayeuse rue du Port ?", "idem", "t1"))
		mustStatus(t, "request", r, 200)
		items, _, _ := ts.App.Console.Inbox(context.Background(), ts.Account(t, "admin@bellerive.test").ID, town.org.ID, model.InboxFilter{})
		if len(items) != 1 {
			t.Fatalf("%d items", len(items))
		}
		id := items[0].ID
		ts.Staff(t, "admin@autre.test", "autre", model.RoleAdmin)
		other := ts.Client(t)
		ts.LoginAs(t, other, "admin@autre.test")
		// Another organisation's administrator cannot reach Bellerive's console…
		for _, p := range []string{"/admin/bellerive/inbox", "/admin/bellerive/inbox/" + id, "/admin/bellerive/chiffres", "/admin/bellerive/office-hours"} {
			mustStatus(t, p, other.Get(p), 403)
		}
		mustStatus(t, "other reply", other.Post("/admin/bellerive/inbox/"+id+"/reply", form("version", "1", "body", "Intrus.")), 403)
		// …nor Bellerive's item through their own organisation.
		mustStatus(t, "cross-org item", other.Get("/admin/autre/inbox/"+id), 404)
		mustStatus(t, "cross-org bulk", other.Post("/admin/autre/inbox", form("id", id, "action", "close")), 303)
		if it, _ := ts.Store.InboxItemByID(context.Background(), town.org.ID, id); it.State == model.StateClosed {
			t.Fatal("another organisation closed Bellerive's item")
		}
		// Agents may not reach the managers' pages.
		agent := ts.Client(t)
		ts.LoginAs(t, agent, "patrick@bellerive.test")
		mustStatus(t, "agent figures", agent.Get("/admin/bellerive/chiffres"), 403)
		mustStatus(t, "agent hours", agent.Post("/admin/bellerive/office-hours", form("day1", "")), 403)
	})
}
