package e2e

import (
	"context"
	"fmt"
	"net/mail"
	"net/smtp"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// A resident answers the town's answer by e-mail: the reply, sent by a
// real SMTP client to the built-in receiver, joins the request's history
// without the quoted history, reopens it and tells the service; a
// duplicate is stored once, another sender is held, a bad address is
// refused with a 5xx, an out-of-office reply is dropped, and a closed
// request's addresses stop working.
func TestConsoleResidentRepliesByEmail(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		town := newConsoleTownWith(t, testserver.Options{Engine: engine, Inbound: true})
		ts, org := town.ts, town.org
		ctx := context.Background()

		// A resident asks the Jeunesse service (no agent: the managers
		// are told) through the web form.
		resident := ts.Client(t)
		mustStatus(t, "ask", resident.Post("/bellerive/question", form("name", "Jeanne Dupont", "email", "jeanne@example.test",
			"service", town.jeunesse, "body", "Le centre de loisirs ouvre-t-il pendant les vacances de printemps ?")), 200)
		ack := mailTo(t, ts, "jeanne@example.test", "Accusé de réception", 1)
		ackReplyTo := replyAddress(t, ack.Header.Get("Reply-To"))
		mustContain(t, "acknowledgement", ack.Text, "répondez simplement à ce courriel")
		items, _, err := ts.App.Console.Inbox(ctx, ts.Account(t, "cm@bellerive.test").ID, org.ID, model.InboxFilter{Kind: model.InboxRequest})
		if err != nil || len(items) != 1 {
			t.Fatalf("requests: %d %v", len(items), err)
		}
		item := items[0]

		// The manager answers; the answer's Reply-To is a fresh address.
		page := town.manager.Get("/admin/bellerive/inbox/" + item.ID)
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page.Body)[1]
		answer := "Oui, du 13 au 24 avril, de 8 h à 18 h."
		mustStatus(t, "answer", town.manager.Post("/admin/bellerive/inbox/"+item.ID+"/reply",
			form("version", version, "body", answer, "then", "answered")), 303)
		answerMail := mailTo(t, ts, "jeanne@example.test", "Réponse de Ville de bellerive", 1)
		replyTo := replyAddress(t, answerMail.Header.Get("Reply-To"))
		if replyTo == ackReplyTo || strings.Contains(replyTo, item.ID) {
			t.Fatalf("reply address %q: reused, or names the item", replyTo)
		}
		if got := itemState(t, ts, org.ID, item.ID); got != model.StateAnswered {
			t.Fatalf("state after the answer: %s", got)
		}

		// Jeanne replies from Gmail, quoting the answer, with her address
		// in capitals; her server delivers it twice at once.
		newText := "Merci ! Faut-il inscrire les enfants à l'avance ?"
		quoted := newText + "\r\n\r\nLe lun. 16 mars 2026 à 10:30, Ville de bellerive <\r\n" + replyTo + "> a écrit :\r\n\r\n> " + answer + "\r\n"
		reply := message("Jeanne Dupont <JEANNE@Example.test>", replyTo, "<r1@example.test>", "Re: Réponse", "", quoted)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Go(func() { errs[i] = smtp.SendMail(ts.InboundAddr, nil, "jeanne@example.test", []string{replyTo}, reply) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("delivery refused: %v", err)
			}
		}
		events := eventsOf(t, ts, org.ID, item.ID, "resident_email")
		if len(events) != 1 || events[0].Body != newText {
			t.Fatalf("resident messages in the history: %+v; want one, with only the new text", events)
		}
		if got := itemState(t, ts, org.ID, item.ID); got != model.StateAssigned {
			t.Fatalf("state after the reply: %s, want reopened (assigned)", got)
		}
		told := mailTo(t, ts, "cm@bellerive.test", "a répondu par courriel", 1)
		mustContain(t, "service told", told.Text, newText, "/admin/bellerive/inbox/"+item.ID)
		ts.WaitJobsIdle(t)
		if n := countMail(ts, "cm@bellerive.test", "a répondu par courriel"); n != 1 {
			t.Fatalf("%d notifications for one reply delivered twice", n)
		}
		itemPage := town.manager.Get("/admin/bellerive/inbox/" + item.ID)
		mustContain(t, "item page", itemPage.Body, "Message de l&#39;habitant·e, reçu par courriel", "Faut-il inscrire les enfants")
		if strings.Contains(itemPage.Body, "a écrit") {
			t.Fatal("the quoted history reached the thread")
		}

		// Someone else writes to the address: held, said so, not attached.
		other := message("Paul <paul@example.test>", replyTo, "<r2@example.test>", "Re: Réponse", "", "Je ne suis pas Jeanne mais je réponds.")
		if err := smtp.SendMail(ts.InboundAddr, nil, "paul@example.test", []string{replyTo}, other); err != nil {
			t.Fatal(err)
		}
		if held := eventsOf(t, ts, org.ID, item.ID, "email_held"); len(held) != 1 || held[0].Detail != "paul@example.test" {
			t.Fatalf("held messages: %+v", held)
		}
		if n := len(eventsOf(t, ts, org.ID, item.ID, "resident_email")); n != 1 {
			t.Fatalf("another sender's message was attached (%d resident messages)", n)
		}
		heldPage := town.manager.Get("/admin/bellerive/inbox/" + item.ID).Body
		mustContain(t, "held on the page", heldPage, "mis de côté", "Je ne suis pas Jeanne", "joindre au fil")

		// Staff may judge it is Jeanne after all: joined to the thread
		// once, by someone who may answer the item only.
		held := eventsOf(t, ts, org.ID, item.ID, "email_held")[0]
		attach := "/admin/bellerive/inbox/" + item.ID + "/held/" + held.ID + "/attach"
		amelie := ts.Client(t)
		ts.LoginAs(t, amelie, "amelie@bellerive.test")
		mustStatus(t, "another service's agent attaches", amelie.Post(attach, form()), 403)
		mustStatus(t, "attach", town.manager.Post(attach, form()), 303)
		mustStatus(t, "attach again", town.manager.Post(attach, form()), 303)
		if got := eventsOf(t, ts, org.ID, item.ID, "resident_email"); len(got) != 2 || got[1].Body != "Je ne suis pas Jeanne mais je réponds." {
			t.Fatalf("after joining the held e-mail: %+v", got)
		}
		if strings.Contains(town.manager.Get("/admin/bellerive/inbox/"+item.ID).Body, "joindre au fil") {
			t.Fatal("the joined e-mail still offers to be joined")
		}

		// An out-of-office reply is dropped.
		auto := message("jeanne@example.test", replyTo, "<r3@example.test>", "Réponse automatique : absente", "Auto-Submitted: auto-replied\r\n",
			"Je suis absente jusqu'au 20 mars.")
		if err := smtp.SendMail(ts.InboundAddr, nil, "jeanne@example.test", []string{replyTo}, auto); err != nil {
			t.Fatal(err)
		}
		for _, e := range append(eventsOf(t, ts, org.ID, item.ID, "resident_email"), eventsOf(t, ts, org.ID, item.ID, "email_held")...) {
			if strings.Contains(e.Body, "absente") {
				t.Fatal("an auto-reply was attached")
			}
		}
		var received int
		if err := ts.Store.DB().QueryRow(`SELECT COUNT(*) FROM inbox_inbound_mail WHERE item_id = $1`, item.ID).Scan(&received); err != nil || received != 3 {
			t.Fatalf("received messages recorded: %d (%v), want 3 (reply once, held, auto)", received, err)
		}

		// A made-up address is refused at RCPT with a 5xx.
		err = smtp.SendMail(ts.InboundAddr, nil, "jeanne@example.test", []string{"reply+aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@parvis.test"},
			message("jeanne@example.test", "x", "<r4@example.test>", "x", "", "Bonjour"))
		if err == nil || !strings.HasPrefix(err.Error(), "550") {
			t.Fatalf("unknown reply address: %v, want a 550", err)
		}

		// Closed, the request's addresses are revoked.
		page = town.manager.Get("/admin/bellerive/inbox/" + item.ID)
		version = regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page.Body)[1]
		mustStatus(t, "close", town.manager.Post("/admin/bellerive/inbox/"+item.ID+"/state", form("version", version, "state", "closed")), 303)
		err = smtp.SendMail(ts.InboundAddr, nil, "jeanne@example.test", []string{ackReplyTo},
			message("jeanne@example.test", ackReplyTo, "<r5@example.test>", "Re", "", "Encore une question."))
		if err == nil || !strings.HasPrefix(err.Error(), "550") {
			t.Fatalf("closed request's address: %v, want a 550", err)
		}
	})
}

// replyAddress checks a Reply-To is a reply+TOKEN@parvis.test address and
// returns it.
func replyAddress(t *testing.T, header string) string {
	t.Helper()
	a, err := mail.ParseAddress(header)
	if err != nil || !regexp.MustCompile(`^reply\+[a-z2-7]{32}@parvis\.test$`).MatchString(a.Address) {
		t.Fatalf("Reply-To %q is not a reply address (%v)", header, err)
	}
	return a.Address
}

// message is a plain-text e-mail as a mail client sends it.
func message(from, to, id, subject, extra, body string) []byte {
	return fmt.Appendf(nil, "From: %s\r\nTo: %s\r\nMessage-ID: %s\r\nSubject: %s\r\n%sMIME-Version: 1.0\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n", from, to, id, subject, extra, body)
}

func itemState(t *testing.T, ts *testserver.TS, orgID, id string) model.InboxState {
	t.Helper()
	it, err := ts.Store.InboxItemByID(context.Background(), orgID, id)
	if err != nil {
		t.Fatal(err)
	}
	return it.State
}

func eventsOf(t *testing.T, ts *testserver.TS, orgID, id, kind string) []model.InboxEvent {
	t.Helper()
	all, err := ts.Store.InboxEvents(context.Background(), orgID, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []model.InboxEvent
	for _, e := range all {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

func countMail(ts *testserver.TS, to, subject string) int {
	n := 0
	for _, m := range ts.Mail.Messages() {
		for _, rcpt := range m.To {
			if strings.EqualFold(rcpt, to) && strings.Contains(m.Subject, subject) {
				n++
			}
		}
	}
	return n
}
