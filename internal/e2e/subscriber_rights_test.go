package e2e

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/personaldata"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// A subscriber without an account downloads their data and erases their
// address from the link in the messages they receive; a registration made
// with the same address goes too, a request keeps its text without name
// and address, and another subscriber is untouched.
func TestSubscriberDownloadsAndErasesTheirAddress(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := ts.Org(t, "bellerive")
		c := ts.Client(t)
		for _, email := range []string{"jeanne@example.test", "paul@example.test"} {
			f := url.Values{"email": {email}, "alerts": {"1"}, "news": {"daily"}, "scope": {"all"}}
			mustStatus(t, "subscribe "+email, c.Post("/bellerive/suivre", f), 303)
			confirm := ts.Mail.Wait(t, email, "Confirmez votre abonnement", 10*time.Second)
			mustStatus(t, "confirm", c.Get(testserver.Link(t, confirm.Text, "/confirmer-abonnement/")), 200)
		}
		reqID := core.NewID()
		if _, err := ts.Store.DB().Exec(`INSERT INTO resident_requests (id, org_id, name, email, body, reference, created_at)
			VALUES ($1, $2, 'Jeanne Morel', 'jeanne@example.test', 'Le lampadaire de la rue Haute clignote.', 'D-2026-0042', $3)`,
			reqID, org.ID, ts.App.Now()); err != nil {
			t.Fatal(err)
		}
		publishNow(t, ts, org, model.KindAlert, model.AlertVigilance, "Coupure d'eau rue Haute")
		m := ts.Mail.Wait(t, "jeanne@example.test", "Coupure d'eau rue Haute", 10*time.Second)
		prefs := testserver.Link(t, m.Text, "/abonnement/")
		u, err := url.Parse(prefs)
		if err != nil {
			t.Fatal(err)
		}
		page := c.Get(u.Path)
		mustContain(t, "preferences", page.Body, "Vos données", `action="`+u.Path+`/donnees"`, `href="`+u.Path+`/effacer"`)

		r := c.Post(u.Path+"/donnees", nil)
		mustStatus(t, "download", r, 200)
		files := unzip(t, r.Body)
		if len(files) != 2 {
			t.Errorf("archive holds %d files, want 2", len(files))
		}
		var d model.PersonalData
		if err := json.Unmarshal(files[personaldata.JSONName], &d); err != nil {
			t.Fatal(err)
		}
		if d.Account != nil || d.Email != "jeanne@example.test" || d.Subscription == nil || len(d.Subscription.Consents) < 2 ||
			len(d.Requests) != 1 || len(d.Registrations) != 0 {
			t.Errorf("subscriber data: account %v, email %q, subscription %+v, requests %d", d.Account, d.Email, d.Subscription, len(d.Requests))
		}
		if strings.Contains(string(files[personaldata.JSONName]), "paul@example.test") {
			t.Error("another subscriber's address is in the archive")
		}
		mustContain(t, "html", string(files[personaldata.HTMLName]), "aucun compte n&#39;est ouvert à cette adresse", "Le lampadaire de la rue Haute clignote.")

		mustContain(t, "erase form", c.Get(u.Path+"/effacer").Body, "sera effacée partout", "Effacer définitivement cette adresse")
		r = c.Post(u.Path+"/effacer", nil)
		mustStatus(t, "erase", r, 200)
		mustContain(t, "erased", r.Body, "Votre adresse est effacée.")
		count := func(q string, args ...any) (n int) {
			t.Helper()
			if err := ts.Store.DB().QueryRow(q, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		if n := count(`SELECT COUNT(*) FROM subscribers WHERE email IN ('jeanne@example.test', $1)`, store.HashAddress("jeanne@example.test")); n != 0 {
			t.Errorf("%d subscriber rows left for the erased address", n)
		}
		if n := count(`SELECT COUNT(*) FROM subscribers WHERE email='paul@example.test'`); n != 1 {
			t.Error("another subscriber was erased")
		}
		var name, email, body string
		if err := ts.Store.DB().QueryRow(`SELECT name, email, body FROM resident_requests WHERE id=$1`, reqID).Scan(&name, &email, &body); err != nil {
			t.Fatal(err)
		}
		if name != "" || email != "" || body == "" {
			t.Errorf("request after erasure: name %q, email %q, body %q; want the text without name or address", name, email, body)
		}
		if n := count(`SELECT COUNT(*) FROM audit_log WHERE action IN ('subscriber.data_download', 'subscriber.erase')`); n != 2 {
			t.Errorf("%d audit entries, want 2", n)
		}
		if r := c.Post(u.Path+"/donnees", nil); r.Status == 200 {
			t.Error("the erased address's link still downloads data")
		}
	})
}

// Deleting an account erases what was kept under its address, not only the
// account: subscription, registrations, the address of a report; comments
// stay, signed « Compte supprimé ».
func TestDeletingAnAccountErasesTheAddressEverywhere(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := ts.Org(t, "bellerive")
		fete := publish(t, ts, org, "fete", "Fête de la Loire")
		claire := ts.Client(t)
		acct := oldResident(t, ts, claire, "claire@exemple.fr")
		commentID := postComment(t, claire, "/bellerive/p/fete/commentaires", "Vivement la fête !")
		now := ts.App.Now()
		sub := core.NewID()
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO events (publication_id, org_id, starts_at, ends_at, join_mode, created_at, updated_at) VALUES ($1, $2, $3, $3, 'restricted', $3, $3)`, []any{fete.ID, org.ID, now.Add(48 * time.Hour)}},
			{`INSERT INTO event_registrations (id, event_id, org_id, email, name, status, code, token_hash, created_at) VALUES ($1, $2, $3, 'CLAIRE@exemple.fr', 'Claire', 'confirmed', 'AB12', $4, $5)`, []any{core.NewID(), fete.ID, org.ID, core.NewID(), now}},
			{`INSERT INTO subscribers (id, email, status, confirmed_at, created_at, updated_at) VALUES ($1, 'claire@exemple.fr', 'active', $2, $2, $2)`, []any{sub, now}},
			{`INSERT INTO consents (id, subscriber_id, org_id, action, consent_version, consent_text, choices, ip, created_at) VALUES ($1, $2, $3, 'subscribed', 'v1', 'texte', '{}', '203.0.113.9', $4)`, []any{core.NewID(), sub, org.ID, now}},
		} {
			if _, err := ts.Store.DB().Exec(q.sql, q.args...); err != nil {
				t.Fatalf("%s: %v", q.sql, err)
			}
		}
		mustStatus(t, "delete", claire.Post("/account/delete", form("delete_password", testserver.TestPassword)), 303)
		count := func(q string, args ...any) (n int) {
			t.Helper()
			if err := ts.Store.DB().QueryRow(q, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		if n := count(`SELECT COUNT(*) FROM accounts WHERE id=$1`, acct.ID); n != 0 {
			t.Error("the account is still there")
		}
		if n := count(`SELECT COUNT(*) FROM subscribers WHERE id=$1`, sub); n != 0 {
			t.Error("the subscription at the account's address survived its deletion")
		}
		if n := count(`SELECT COUNT(*) FROM consents WHERE subscriber_id=$1`, sub); n != 0 {
			t.Error("consent records (with an IP address) survived the deletion")
		}
		if n := count(`SELECT COUNT(*) FROM event_registrations WHERE lower(email)='claire@exemple.fr'`); n != 0 {
			t.Error("the registration at the account's address survived its deletion")
		}
		var author *string
		if err := ts.Store.DB().QueryRow(`SELECT account_id FROM comments WHERE id=$1`, commentID).Scan(&author); err != nil || author != nil {
			t.Errorf("comment after deletion: account %v (%v), want the comment kept without its author", author, err)
		}
	})
}
