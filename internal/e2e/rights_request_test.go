package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// A resident asks to exercise a data protection right from the privacy
// notice: the request enters the console as a rights request with the
// one-month deadline of RGPD art. 12.3 (not the organisation's two months
// for other requests), the right asked for heading its text; a request
// that names no right is refused with the input kept.
func TestRightsRequestHasAOneMonthDeadline(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		town := newConsoleTown(t, engine)
		ts, org := town.ts, town.org
		paris, _ := time.LoadLocation("Europe/Paris")
		ts.Clock.Set(time.Date(2026, 3, 16, 10, 0, 0, 0, paris))
		resident := ts.Client(t)
		mustContain(t, "notice", resident.Get("/bellerive/donnees-personnelles").Body, `href="/bellerive/donnees-personnelles/demande"`)
		page := resident.Get("/bellerive/donnees-personnelles/demande")
		mustStatus(t, "form", page, 200)
		mustContain(t, "form", page.Body, "Exercer un droit sur vos données", "dans un délai d&#39;un mois", `name="right"`, "Opposition à un traitement")
		token := regexp.MustCompile(`name="idem" value="([^"]+)"`).FindStringSubmatch(page.Body)[1]
		body := "Merci de corriger mon nom sur la liste des inscrits au repas des aînés : Moreau, pas Moreaux."
		bad := resident.Post("/bellerive/donnees-personnelles/demande", form("name", "Lucie Moreau", "email", "lucie@example.test", "body", body, "right", "", "idem", token))
		mustStatus(t, "no right", bad, 422)
		mustContain(t, "no right", bad.Body, "Choisissez le droit que vous souhaitez exercer.", "Moreau, pas Moreaux.")
		r := resident.Post("/bellerive/donnees-personnelles/demande", form("name", "Lucie Moreau", "email", "lucie@example.test", "body", body, "right", "rectification", "idem", token))
		mustStatus(t, "asked", r, 200)
		mustContain(t, "asked", r.Body, "Demande reçue")

		var kind, text string
		var received, due time.Time
		if err := ts.Store.DB().QueryRow(`SELECT i.kind, r.body, i.received_at, i.legal_due_at FROM inbox_items i JOIN resident_requests r ON r.id = i.source_id
			WHERE i.org_id=$1 AND r.email='lucie@example.test'`, org.ID).Scan(&kind, &text, &received, &due); err != nil {
			t.Fatal(err)
		}
		if kind != "rights" || !strings.HasPrefix(text, "Droit concerné : Rectification\n\n") {
			t.Errorf("item kind %q, text %q", kind, text)
		}
		if want := received.In(paris).AddDate(0, 1, 0); !due.Equal(want) {
			t.Errorf("legal deadline %v, want one month after %v (%v)", due, received, want)
		}
		ack := mailTo(t, ts, "lucie@example.test", "Accusé de réception", 1)
		mustContain(t, "acknowledgement", ack.Text, "au plus tard le 16/04/2026")
		mustContain(t, "console", town.manager.Get("/admin/bellerive/inbox").Body, "Exercice d&#39;un droit (données personnelles)")
	})
}
