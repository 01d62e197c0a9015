package e2e

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/personaldata"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// A resident downloads their data from the account page: a ZIP with the
// JSON and a readable page, holding their comment and the request they
// sent with their address before they had an account, and nothing of
// another resident's.
func TestDownloadMyData(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := ts.Org(t, "bellerive")
		fete := publish(t, ts, org, "fete", "Fête de la Loire")
		base := "/bellerive/p/fete/commentaires"
		claire, paul := ts.Client(t), ts.Client(t)
		oldResident(t, ts, claire, "claire@exemple.fr")
		oldResident(t, ts, paul, "paul@exemple.fr")
		postComment(t, claire, base, "Bravo pour la fête <b>de la Loire</b> !")
		postComment(t, paul, base, "Commentaire de Paul sur la fête.")
		reqID, itemID := core.NewID(), core.NewID()
		if _, err := ts.Store.DB().Exec(`INSERT INTO resident_requests (id, org_id, name, email, body, reference, created_at)
			VALUES ($1, $2, 'Claire', 'Claire@Exemple.fr', 'Quand ouvre la piscine ?', 'Q-2026-0001', $3)`,
			reqID, org.ID, ts.App.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := ts.Store.DB().Exec(`INSERT INTO inbox_items (id, org_id, kind, source_id, state, open, received_at, updated_at)
			VALUES ($1, $2, 'request', $3, 'answered', 1, $4, $4)`, itemID, org.ID, reqID, ts.App.Now()); err != nil {
			t.Fatal(err)
		}
		for kind, body := range map[string]string{"reply": "Elle ouvre le 1er juin.", "resident_email": "Merci, et le dimanche ?",
			"note": "Note interne : vérifier avec les sports."} {
			if _, err := ts.Store.DB().Exec(`INSERT INTO inbox_events (id, item_id, org_id, kind, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				core.NewID(), itemID, org.ID, kind, body, ts.App.Now()); err != nil {
				t.Fatal(err)
			}
		}

		now := ts.App.Now()
		topic, sub := core.NewID(), core.NewID()
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO events (publication_id, org_id, starts_at, ends_at, created_at, updated_at) VALUES ($1, $2, $3, $3, $3, $3)`, []any{fete.ID, org.ID, now}},
			{`INSERT INTO event_registrations (id, event_id, org_id, email, name, seats, answers, status, code, token_hash, created_at, cancelled_at)
				VALUES ($1, $2, $3, 'claire@exemple.fr', 'Claire Martin', 2, 'Régime : végétarien', 'cancelled', 'K7Q2', $4, $5, $5)`,
				[]any{core.NewID(), fete.ID, org.ID, core.NewID(), now}},
			{`INSERT INTO topics (id, org_id, slug, name, created_at) VALUES ($1, $2, 'travaux', 'Travaux', $3)`, []any{topic, org.ID, now}},
			{`INSERT INTO subscribers (id, email, status, confirmed_at, created_at, updated_at) VALUES ($1, 'claire@exemple.fr', 'active', $2, $2, $2)`, []any{sub, now}},
			{`INSERT INTO subscriber_orgs (subscriber_id, org_id, everything, alerts, news, newsletter, created_at, updated_at)
				VALUES ($1, $2, 0, 1, 'daily', 1, $3, $3)`, []any{sub, org.ID, now}},
			{`INSERT INTO subscriber_follows (subscriber_id, org_id, kind, target_id, created_at) VALUES ($1, $2, 'topic', $3, $4)`, []any{sub, org.ID, topic, now}},
			{`INSERT INTO consents (id, subscriber_id, org_id, action, consent_version, consent_text, choices, ip, created_at)
				VALUES ($1, $2, $3, 'subscribe', 'v1', 'J''accepte de recevoir les alertes.', 'alerts', '192.0.2.7', $4)`, []any{core.NewID(), sub, org.ID, now}},
		} {
			if _, err := ts.Store.DB().Exec(q.sql, q.args...); err != nil {
				t.Fatalf("%s: %v", q.sql, err)
			}
		}

		mustContain(t, "account page", claire.Get("/account").Body, `action="/account/data"`, "Télécharger mes données")
		r := claire.Post("/account/data", nil)
		mustStatus(t, "download", r, 200)
		if ct := r.Header.Get("Content-Type"); ct != "application/zip" {
			t.Fatalf("Content-Type %q", ct)
		}
		if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="mes-donnees-`) {
			t.Errorf("Content-Disposition %q", cd)
		}
		files := unzip(t, r.Body)
		if len(files) != 2 {
			t.Errorf("archive holds %d files, want 2", len(files))
		}
		var d model.PersonalData
		if err := json.Unmarshal(files[personaldata.JSONName], &d); err != nil {
			t.Fatalf("json: %v", err)
		}
		if d.Account.Email != "claire@exemple.fr" || len(d.Sessions) == 0 {
			t.Errorf("account %+v, %d sessions", d.Account, len(d.Sessions))
		}
		if len(d.Comments) != 1 || d.Comments[0].Body != "Bravo pour la fête <b>de la Loire</b> !" || d.Comments[0].Publication != "Fête de la Loire" {
			t.Errorf("comments %+v", d.Comments)
		}
		if len(d.Requests) != 1 || d.Requests[0].Reference != "Q-2026-0001" || len(d.Requests[0].Messages) != 2 {
			t.Errorf("requests %+v", d.Requests)
		}
		if len(d.Registrations) != 1 || d.Registrations[0].Seats != 2 || d.Registrations[0].CancelledAt == nil {
			t.Errorf("registrations %+v", d.Registrations)
		}
		if s := d.Subscription; s == nil || len(s.Organisations) != 1 || !s.Organisations[0].Newsletter || s.Organisations[0].Everything ||
			len(s.Follows) != 1 || s.Follows[0].Name != "Travaux" || len(s.Consents) != 1 || s.Consents[0].IP != "192.0.2.7" {
			t.Errorf("subscription %+v", d.Subscription)
		}
		raw := string(files[personaldata.JSONName])
		for _, leak := range []string{"Paul", "paul@exemple.fr", "argon2", "password", "Note interne"} {
			if strings.Contains(raw, leak) {
				t.Errorf("the JSON export holds %q", leak)
			}
		}
		page := string(files[personaldata.HTMLName])
		mustContain(t, "html", page, "Vos données personnelles", "Vos commentaires",
			"Bravo pour la fête &lt;b&gt;de la Loire&lt;/b&gt; !", "Quand ouvre la piscine ?",
			"Réponse de la collectivité", "Elle ouvre le 1er juin.", "Votre réponse par courriel", "Merci, et le dimanche ?")
		if strings.Contains(page, "Commentaire de Paul") || strings.Contains(page, "<script") {
			t.Error("the HTML page holds another resident's comment or a script")
		}

		var logged int
		if err := ts.Store.DB().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'account.data_download'`).Scan(&logged); err != nil || logged != 1 {
			t.Errorf("audit entries %d (%v), want 1", logged, err)
		}
		if r := ts.Client(t).Post("/account/data", nil); r.Status == 200 {
			t.Error("an anonymous visitor downloaded something")
		}
	})
}

// unzip reads every file of a ZIP answer.
func unzip(t *testing.T, body string) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = b
	}
	return files
}
