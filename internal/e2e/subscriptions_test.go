package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/mailing"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// publishNow creates a published publication and calls the subscriptions hook
// in the same transaction, as the publish use case does.
func publishNow(t *testing.T, ts *testserver.TS, org model.Organisation, kind model.PubKind, level model.AlertLevel, title string, topics ...string) model.Publication {
	t.Helper()
	ctx := context.Background()
	now := ts.Clock.Now()
	p := model.Publication{ID: core.NewID(), OrgID: org.ID, Kind: kind, Slug: strings.ToLower(strings.ReplaceAll(title, " ", "-")) + core.NewID()[30:],
		Title: title, Summary: "Résumé : " + title, BodyMD: title, BodyHTML: "<p>" + title + "</p>", State: model.StateDraft,
		AlertLevel: level, CreatedAt: now, UpdatedAt: now}
	err := ts.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreatePublication(ctx, p, core.NewID()); err != nil {
			return err
		}
		if len(topics) > 0 {
			if err := tx.SetPublicationTopics(ctx, org.ID, p.ID, topics); err != nil {
				return err
			}
		}
		if err := tx.SetPublicationState(ctx, store.StateChange{PubTransition: model.PubTransition{ID: core.NewID(),
			PublicationID: p.ID, OrgID: org.ID, From: model.StateDraft, To: model.StatePublished, CreatedAt: now}}); err != nil {
			return err
		}
		return ts.App.Mailing.NotifyPublished(ctx, tx, org.ID, p.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// waitMailing waits until the mailing for (kind, ref) is done.
func waitMailing(t *testing.T, ts *testserver.TS, ref string) model.Mailing {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		var id string
		if err := ts.Store.DB().QueryRow(`SELECT id FROM mailings WHERE ref_id=$1`, ref).Scan(&id); err == nil {
			m, err := ts.Store.MailingByID(context.Background(), "", id)
			if err == nil && m.State == model.MailingDone {
				return m
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("mailing for %s not done in time", ref)
	return model.Mailing{}
}

func TestSubscriptionEndToEnd(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ctx := context.Background()
		org := ts.Org(t, "bellerive")
		travaux := model.Topic{ID: core.NewID(), OrgID: org.ID, Slug: "travaux", Name: "Travaux", CreatedAt: ts.Clock.Now()}
		culture := model.Topic{ID: core.NewID(), OrgID: org.ID, Slug: "culture", Name: "Culture", CreatedAt: ts.Clock.Now()}
		for _, tp := range []model.Topic{travaux, culture} {
			if err := ts.Store.CreateTopic(ctx, tp); err != nil {
				t.Fatal(err)
			}
		}
		// Monday 16 March 2026, 10:00 in Paris.
		ts.Clock.Set(time.Date(2026, 3, 16, 9, 0, 0, 0, time.UTC))

		c := ts.Client(t)
		r := c.Get("/bellerive/suivre?sujet=travaux")
		if r.Status != 200 || !strings.Contains(r.Body, `value="`+travaux.ID+`" checked`) {
			t.Fatalf("follow form = %d, topic not preselected", r.Status)
		}
		form := url.Values{"email": {"jeanne@gmial.com"}, "alerts": {"1"}, "news": {"daily"}, "scope": {"some"}, "topics": {travaux.ID}}
		r = c.Post("/bellerive/suivre", form)
		if r.Status != 422 || !strings.Contains(r.Body, "Vouliez-vous dire jeanne@gmail.com") || !strings.Contains(r.Body, `value="jeanne@gmial.com"`) {
			t.Fatalf("typo: %d, want suggestion and input kept", r.Status)
		}
		bad := url.Values{"email": {"pas-une-adresse"}, "news": {"none"}, "scope": {"some"}}
		r = c.Post("/bellerive/suivre", bad)
		for _, want := range []string{"pas valide", "Choisissez au moins une chose", "Cochez au moins un thème", `aria-invalid="true"`} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("bad input page lacks %q", want)
			}
		}
		form.Set("email", "Jeanne@Example.test")
		for i := 0; i < 2; i++ { // a double submission is harmless
			if r = c.Post("/bellerive/suivre", form); r.Status != 303 || r.Location != "/bellerive/suivre/envoye" {
				t.Fatalf("subscribe = %d %q", r.Status, r.Location)
			}
		}
		var n int
		if err := ts.Store.DB().QueryRow(`SELECT COUNT(*) FROM subscribers WHERE email='jeanne@example.test'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("subscriber rows = %d (%v), want 1", n, err)
		}
		confirm := ts.Mail.Wait(t, "jeanne@example.test", "Confirmez votre abonnement", 10*time.Second)
		link := testserver.Link(t, confirm.Text, "/confirmer-abonnement/")
		if r = c.Get(link); r.Status != 200 || !strings.Contains(r.Body, "vous recevrez ce que vous avez choisi") {
			t.Fatalf("confirm = %d", r.Status)
		}
		if r = c.Get(link); r.Status != 200 || !strings.Contains(r.Body, "déjà confirmé") {
			t.Fatalf("second click = %d", r.Status)
		}
		consents, err := ts.Store.ConsentsOf(ctx, mustSub(t, ts, "jeanne@example.test").ID)
		if err != nil || len(consents) < 2 || consents[len(consents)-1].Action != "confirmed" || consents[0].ConsentVersion != mailing.ConsentVersion ||
			!strings.Contains(consents[0].ConsentText, "mission d'information") {
			t.Fatalf("consents = %+v (%v)", consents, err)
		}

		// An alert on the topic arrives at once, with one-click unsubscribe.
		alert := publishNow(t, ts, org, model.KindAlert, model.AlertVigilance, "Rue Haute fermée", travaux.ID)
		m := ts.Mail.Wait(t, "jeanne@example.test", "Rue Haute fermée", 10*time.Second)
		if !strings.HasPrefix(m.Subject, "[Alerte]") || m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Fatalf("alert mail: %q, headers %v", m.Subject, m.Header)
		}
		unsub := strings.Trim(m.Header.Get("List-Unsubscribe"), "<>")
		prefs := testserver.Link(t, m.Text, "/abonnement/")
		if strings.Contains(m.HTML, "<img") || strings.Contains(m.Text, "/r/") {
			t.Error("mass mail carries an image or a rewritten link")
		}
		waitMailing(t, ts, alert.ID)
		// A culture alert does not concern her.
		other := publishNow(t, ts, org, model.KindAlert, model.AlertInfo, "Concert annulé", culture.ID)
		waitMailing(t, ts, other.ID)
		if ts.Mail.Count("jeanne@example.test") != 2 {
			t.Fatalf("received %d mails, want 2 (confirmation, alert)", ts.Mail.Count("jeanne@example.test"))
		}

		// The preferences page works without logging in.
		if r = c.Get(prefs); r.Status != 200 || !strings.Contains(r.Body, "jeanne@example.test") {
			t.Fatalf("preferences = %d", r.Status)
		}

		// News goes into the next morning's digest, once.
		ts.Clock.Advance(time.Hour)
		news := publishNow(t, ts, org, model.KindNews, "", "Travaux de la place du marché", travaux.ID)
		ts.Clock.Set(time.Date(2026, 3, 17, 6, 5, 0, 0, time.UTC)) // 7:05 in Paris
		if err := ts.App.Mailing.RunDigests(ctx); err != nil {
			t.Fatal(err)
		}
		d := ts.Mail.Wait(t, "jeanne@example.test", "Les nouvelles du jour", 10*time.Second)
		if !strings.Contains(d.Text, news.Title) {
			t.Fatalf("digest lacks the news:\n%s", d.Text)
		}
		if err := ts.App.Mailing.RunDigests(ctx); err != nil {
			t.Fatal(err)
		}
		ts.Clock.Set(time.Date(2026, 3, 18, 6, 5, 0, 0, time.UTC)) // nothing new: nothing sent
		if err := ts.App.Mailing.RunDigests(ctx); err != nil {
			t.Fatal(err)
		}
		ts.WaitJobsIdle(t) // a second digest would have been sent by now
		if got := ts.Mail.Count("jeanne@example.test"); got != 3 {
			t.Fatalf("received %d mails, want 3 (one digest only)", got)
		}

		// One-click unsubscribe (RFC 8058): a POST, no confirmation page.
		u, _ := url.Parse(unsub)
		r = ts.Client(t).Post(u.RequestURI(), url.Values{"List-Unsubscribe": {"One-Click"}})
		if r.Status != 200 || !strings.Contains(r.Body, "désabonné") {
			t.Fatalf("one-click = %d %q", r.Status, r.Body)
		}
		last := publishNow(t, ts, org, model.KindAlert, model.AlertUrgence, "Crue de la Loire")
		waitMailing(t, ts, last.ID)
		if got := ts.Mail.Count("jeanne@example.test"); got != 3 {
			t.Fatalf("received %d mails after unsubscribing, want 3", got)
		}
		// The GET shows a button rather than unsubscribing.
		if r = c.Get(u.RequestURI()); r.Status != 200 || !strings.Contains(r.Body, `method="post"`) {
			t.Fatalf("unsubscribe GET = %d", r.Status)
		}

		// Issue 15 (10): the preferences link, still valid, does not
		// subscribe her again: that takes the form and a new confirmation.
		r = c.Get(prefs)
		mustContain(t, "preferences after unsubscribing", r.Body, "Vous ne recevez rien", "remplissez le formulaire d&#39;abonnement", `href="/bellerive/suivre"`)
		mustNotContain(t, "preferences after unsubscribing", r.Body, `action="`+prefs+`"`)
		r = c.Post(prefs, url.Values{"alerts": {"1"}, "news": {"daily"}, "scope": {"all"}})
		mustStatus(t, "re-subscribing through the preferences link", r, 422)
		mustContain(t, "re-subscribing through the preferences link", r.Body, "un lien de confirmation sera envoyé")
		again := publishNow(t, ts, org, model.KindAlert, model.AlertUrgence, "Crue de la Loire, suite")
		waitMailing(t, ts, again.ID)
		if got := ts.Mail.Count("jeanne@example.test"); got != 3 {
			t.Fatalf("received %d mails after the preferences link was replayed, want 3", got)
		}
	})
}

func mustSub(t *testing.T, ts *testserver.TS, email string) model.Subscriber {
	t.Helper()
	s, err := ts.Store.SubscriberByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
