package e2e

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/browser"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// The privacy notice residents read and the record of processing the
// administrator prints are generated from what the organisation has
// switched on, with the periods the retention jobs apply; the
// administrator fills in the DPO's contact, refused with the input kept
// when too long.
func TestPrivacyNoticeFollowsWhatIsSwitchedOn(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := ts.Org(t, "bellerive")
		ts.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
		ts.Staff(t, "agent@bellerive.test", "bellerive", model.RoleAgent)
		admin, agent, visitor := ts.Client(t), ts.Client(t), ts.Client(t)
		ts.LoginAs(t, admin, "admin@bellerive.test")
		ts.LoginAs(t, agent, "agent@bellerive.test")

		page := visitor.Get("/bellerive/donnees-personnelles")
		mustStatus(t, "notice", page, 200)
		mustContain(t, "notice", page.Body, "Données personnelles", "Comptes des habitants", "pendant 3 ans", "30 jours de délai",
			"Abonnements par courriel", "Questions et demandes", "puis 2 ans après sa clôture", "Commentaires et modération",
			"Diffusion sur le Fediverse", "Non renseigné par la collectivité", `href="/account#s-data"`)
		if strings.Contains(page.Body, "Inscriptions aux événements") || strings.Contains(page.Body, "Mesure des clics") {
			t.Error("the notice lists registrations or click counting that the organisation has not switched on")
		}

		mustStatus(t, "agent", agent.Get("/admin/bellerive/donnees-personnelles"), 403)
		long := strings.Repeat("é", 501)
		r := admin.Post("/admin/bellerive/donnees-personnelles", form("dpo_contact", long))
		mustStatus(t, "too long", r, 422)
		mustContain(t, "too long", r.Body, "Le contact ne peut pas dépasser 500 caractères.", long)
		r = admin.Post("/admin/bellerive/donnees-personnelles", form("dpo_contact", "Centre de gestion du Loiret\ndpd@cdg45.example"))
		mustStatus(t, "save", r, 303)
		mustContain(t, "notice with DPO", visitor.Get("/bellerive/donnees-personnelles").Body, "Centre de gestion du Loiret", "dpd@cdg45.example")

		now := ts.App.Now()
		pub := publish(t, ts, org, "balade", "Balade en bateau")
		if _, err := ts.Store.DB().Exec(`INSERT INTO events (publication_id, org_id, starts_at, ends_at, join_mode, created_at, updated_at)
			VALUES ($1, $2, $3, $3, 'restricted', $3, $3)`, pub.ID, org.ID, now); err != nil {
			t.Fatal(err)
		}
		if _, err := ts.Store.DB().Exec(`INSERT INTO moderation_settings (org_id, mode, updated_at) VALUES ($1, 'closed', $2)`, org.ID, now); err != nil {
			t.Fatal(err)
		}
		body := admin.Get("/admin/bellerive/donnees-personnelles").Body
		mustContain(t, "record", body, "Inscriptions aux événements", "Supprimées 30 jours après la fin de l&#39;événement.", "Centre de gestion du Loiret")
		if strings.Contains(body, "Commentaires et modération") {
			t.Error("comments are closed but the record still lists them")
		}
		var logged int
		if err := ts.Store.DB().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action='privacy.dpo_contact' AND org_id=$1`, org.ID).Scan(&logged); err != nil || logged != 1 {
			t.Errorf("%d audit entries (%v), want 1", logged, err)
		}
	})
}

// The notice, the record and the account's « Mes données » pass axe in
// Chromium at a phone's and a desktop's width.
func TestPrivacyPagesInBrowser(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	ts.Org(t, "bellerive")
	ts.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
	ctx := browser.New(t)
	for _, width := range []int64{390, 1280} {
		browser.Do(t, ctx, chromedp.EmulateViewport(width, 900))
		browserVisit(t, ctx, ts, "/bellerive/donnees-personnelles", "Données personnelles")
		browserSignIn(t, ctx, ts, "admin@bellerive.test")
		browserVisit(t, ctx, ts, "/admin/bellerive/donnees-personnelles", "registre des traitements")
		browserVisit(t, ctx, ts, "/account", "Mon compte")
	}
}

// Administrators saving the DPO contact at the same moment each get their
// save (one row, one journal entry each), on both engines.
func TestDPOContactConcurrentSaves(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := ts.Org(t, "bellerive")
		const n = 8
		clients := make([]*testserver.Client, n)
		for i := range clients {
			email := fmt.Sprintf("admin%d@bellerive.test", i)
			ts.Staff(t, email, "bellerive", model.RoleAdmin)
			clients[i] = ts.Client(t)
			ts.LoginAs(t, clients[i], email)
		}
		var wg sync.WaitGroup
		statuses := make([]int, n)
		for i, c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = c.Post("/admin/bellerive/donnees-personnelles", form("dpo_contact", fmt.Sprintf("DPD n°%d", i))).Status
			}()
		}
		wg.Wait()
		for i, st := range statuses {
			if st != 303 {
				t.Errorf("save %d = %d", i, st)
			}
		}
		var rows, logged int
		var contact string
		if err := ts.Store.DB().QueryRow(`SELECT COUNT(*), MAX(dpo_contact) FROM privacy_settings WHERE org_id=$1`, org.ID).Scan(&rows, &contact); err != nil {
			t.Fatal(err)
		}
		if err := ts.Store.DB().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action='privacy.dpo_contact' AND org_id=$1`, org.ID).Scan(&logged); err != nil {
			t.Fatal(err)
		}
		if rows != 1 || !strings.HasPrefix(contact, "DPD n°") || logged != n {
			t.Errorf("%d rows (%q), %d journal entries; want 1 row and %d entries", rows, contact, logged, n)
		}
	})
}
