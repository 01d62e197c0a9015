package e2e

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

var confirmField = regexp.MustCompile(`name="confirm" value="(\d+)"`)

// confirmSend sends the newsletter at page (its staff page) now, through
// the confirmation step as a person does: the send form, the confirmation
// page showing the count, its button.
func confirmSend(t *testing.T, c *testserver.Client, page string) testserver.Response {
	t.Helper()
	r := c.Post(page+"/send", url.Values{"when": {"now"}})
	mustStatus(t, "send without confirmation", r, 303)
	if r.Location != page+"/send?when=now" {
		t.Fatalf("send without confirmation goes to %q", r.Location)
	}
	r = c.Get(r.Location)
	mustStatus(t, "confirmation step", r, 200)
	m := confirmField.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no confirmation field:\n%s", excerpt(r.Body))
	}
	return c.Post(page+"/send", url.Values{"when": {"now"}, "confirm": {m[1]}})
}

// Issue 18: nothing is preselected that sends at once; a send to more than
// one person goes through a confirmation step with the recipient count (a
// send without it, or confirmed for another count, sends nothing); a sent
// letter's staff preview is the letter as sent, not re-rendered with
// today's publications.
func TestNewsletterSendNeedsConfirmation(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ctx := context.Background()
		org := ts.Org(t, "bellerive")
		ts.Staff(t, "lea@bellerive.test", "bellerive", model.RoleManager)
		c := ts.Client(t)
		ts.LoginAs(t, c, "lea@bellerive.test")
		publish := func(title string) {
			t.Helper()
			form := newsForm(newDraftID(t, c, "bellerive", "news"), title, "Le détail.")
			form.Set("op", "publish_now")
			mustStatus(t, "publish "+title, postMultipart(t, ts, c, "/admin/bellerive/publications", form), 303)
		}
		publish("Le marché rouvre place de la Mairie")
		if err := SeedSubscribers(ctx, ts.Store, org.ID, 3); err != nil {
			t.Fatal(err)
		}
		r := c.Post("/admin/bellerive/newsletters", url.Values{"subject": {"La lettre de mars"}, "body": {"Bonjour,\n\n[[publications 5]]\n"}})
		mustStatus(t, "create", r, 303)
		page := r.Location
		id := page[strings.LastIndex(page, "/")+1:]

		r = c.Get(page)
		mustStatus(t, "letter page", r, 200)
		if strings.Contains(r.Body, `value="now" checked`) || strings.Contains(r.Body, `value="later" checked`) {
			t.Fatal("a send time is preselected")
		}
		// No time chosen: refused, said beside the choice.
		if r := c.Post(page+"/send", url.Values{}); r.Status != 422 || !has(r, "Choisissez quand envoyer la lettre") {
			t.Fatalf("send without a time = %d", r.Status)
		}
		// Refused: no confirmation, or one for another count, sends nothing.
		if r := c.Post(page+"/send", url.Values{"when": {"now"}}); r.Status != 303 || r.Location != page+"/send?when=now" {
			t.Fatalf("send without confirmation = %d %q", r.Status, r.Location)
		}
		if r := c.Post(page+"/send", url.Values{"when": {"now"}, "confirm": {"2"}}); r.Status != 303 || !strings.Contains(r.Location, "changed=1") {
			t.Fatalf("send confirmed for another count = %d %q", r.Status, r.Location)
		}
		ts.WaitJobsIdle(t)
		if n := ts.Mail.Count("habitant00001@example.test"); n != 0 {
			t.Fatalf("an unconfirmed send sent %d e-mails", n)
		}
		if n, err := ts.Store.NewsletterByID(ctx, org.ID, id); err != nil || n.State != model.NewsletterDraft || n.MailingID != "" {
			t.Fatalf("after unconfirmed sends: %+v %v", n.State, err)
		}
		// The confirmation step, then the send.
		r = c.Get(page + "/send?when=now")
		mustStatus(t, "confirmation", r, 200)
		mustContain(t, "confirmation", r.Body, "La lettre « La lettre de mars » va partir maintenant vers 3 personnes.", "Confirmer l&#39;envoi à 3 personnes")
		mustStatus(t, "confirmed send", confirmSend(t, c, page), 303)
		waitMailing(t, ts, id)
		ts.Mail.Wait(t, "habitant00001@example.test", "La lettre de mars", 5*time.Second)

		// Published after the send: not in the letter as sent.
		publish("Concert de printemps à l'église")
		r = c.Get(page)
		mustStatus(t, "sent letter page", r, 200)
		mustContain(t, "sent letter page", r.Body, "Le marché rouvre place de la Mairie", "telle qu&#39;elle est partie")
		if strings.Contains(r.Body, "Concert de printemps") {
			t.Fatal("the sent letter's preview shows a publication published after it was sent")
		}
	})
}
