package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/accounts"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// The hourly cleanup applies the retention periods docs/PRIVACY.md
// states for what residents leave behind: an unused resident account is
// warned, then deleted unless someone signs in; staff accounts are not
// touched; unconfirmed subscriptions go; an address that follows nothing
// any more becomes a digest; closed requests go after two years.
func TestRetentionOfResidentsData(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		t0 := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
		ts.Clock.Set(t0)
		org := ts.Org(t, "bellerive")
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := ts.Store.DB().Exec(q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		count := func(q string, args ...any) (n int) {
			t.Helper()
			if err := ts.Store.DB().QueryRow(q, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		old := t0.Add(-accounts.InactiveAfter - 24*time.Hour)
		for _, email := range []string{"ancien@exemple.fr", "revenant@exemple.fr", "recent@exemple.fr"} {
			ts.Account(t, email)
		}
		ts.Staff(t, "agent@bellerive.test", "bellerive", model.RoleAgent)
		exec(`UPDATE accounts SET last_active_at=$1 WHERE email IN ('ancien@exemple.fr', 'revenant@exemple.fr', 'agent@bellerive.test')`, old)

		pendingOld, pendingNew, gone, staying := core.NewID(), core.NewID(), core.NewID(), core.NewID()
		monthAgo := t0.Add(-organisations.UnconfirmedSubscriptionRetention - time.Hour)
		exec(`INSERT INTO subscribers (id, email, status, created_at, updated_at) VALUES ($1, 'jamais@exemple.fr', 'pending', $2, $2)`, pendingOld, monthAgo)
		exec(`INSERT INTO subscribers (id, email, status, created_at, updated_at) VALUES ($1, 'bientot@exemple.fr', 'pending', $2, $2)`, pendingNew, t0.Add(-time.Hour))
		exec(`INSERT INTO subscribers (id, email, status, confirmed_at, created_at, updated_at) VALUES ($1, 'parti@exemple.fr', 'active', $2, $2, $2)`, gone, monthAgo)
		exec(`INSERT INTO consents (id, subscriber_id, org_id, action, consent_version, consent_text, choices, ip, created_at)
			VALUES ($1, $2, $3, 'unsubscribed', 'v1', '', '{}', '198.51.100.4', $4)`, core.NewID(), gone, org.ID, monthAgo)
		exec(`INSERT INTO subscribers (id, email, status, confirmed_at, created_at, updated_at) VALUES ($1, 'fidele@exemple.fr', 'active', $2, $2, $2)`, staying, monthAgo)
		exec(`INSERT INTO subscriber_orgs (subscriber_id, org_id, created_at, updated_at) VALUES ($1, $2, $3, $3)`, staying, org.ID, monthAgo)

		closedLongAgo := t0.Add(-organisations.ClosedRequestRetention - 24*time.Hour)
		for i, closed := range []time.Time{closedLongAgo, t0.Add(-24 * time.Hour)} {
			req := core.NewID()
			exec(`INSERT INTO resident_requests (id, org_id, name, email, body, reference, created_at) VALUES ($1, $2, 'Jeanne', 'jeanne@exemple.fr', 'Ma question', $3, $4)`,
				req, org.ID, "R-"+string(rune('1'+i)), closed.Add(-time.Hour))
			exec(`INSERT INTO inbox_items (id, org_id, kind, source_id, state, open, received_at, closed_at, updated_at)
				VALUES ($1, $2, 'request', $3, 'closed', 0, $4, $5, $5)`, core.NewID(), org.ID, req, closed.Add(-time.Hour), closed)
		}

		if err := ts.App.Accounts.CleanupExpired(ctx); err != nil {
			t.Fatal(err)
		}
		ts.WaitJobsIdle(t)
		for _, email := range []string{"ancien@exemple.fr", "revenant@exemple.fr"} {
			m := mailTo(t, ts, email, "Votre compte sera supprimé faute d'utilisation", 1)
			mustContain(t, "warning", m.Text, "dans 30 jours", "/login")
		}
		for _, m := range ts.Mail.Messages() {
			for _, to := range m.To {
				if to == "agent@bellerive.test" || to == "recent@exemple.fr" {
					t.Errorf("%s was warned: %s", to, m.Subject)
				}
			}
		}
		if n := count(`SELECT COUNT(*) FROM subscribers WHERE id IN ($1, $2)`, pendingOld, pendingNew); n != 1 {
			t.Errorf("%d pending subscribers left, want only the recent one", n)
		}
		var email, ip string
		if err := ts.Store.DB().QueryRow(`SELECT s.email, c.ip FROM subscribers s JOIN consents c ON c.subscriber_id = s.id WHERE s.id=$1`, gone).Scan(&email, &ip); err != nil {
			t.Fatal(err)
		}
		if email != store.HashAddress("parti@exemple.fr") || ip != "" {
			t.Errorf("abandoned address kept as %q with IP %q, want its digest and no IP", email, ip)
		}
		if n := count(`SELECT COUNT(*) FROM subscribers WHERE email='fidele@exemple.fr'`); n != 1 {
			t.Error("a subscriber who still follows the town lost their address")
		}
		if n := count(`SELECT COUNT(*) FROM resident_requests WHERE org_id=$1`, org.ID); n != 1 {
			t.Errorf("%d requests left, want the recently closed one", n)
		}
		if n := count(`SELECT COUNT(*) FROM inbox_items WHERE kind='request' AND org_id=$1`, org.ID); n != 1 {
			t.Errorf("%d request items left, want 1", n)
		}

		// The revenant signs in during the grace period; the other does not.
		ts.Clock.Set(t0.Add(24 * time.Hour))
		mustLogin(t, ts.Client(t), "revenant@exemple.fr", testserver.TestPassword)
		ts.Clock.Set(t0.Add(accounts.InactiveGrace + time.Hour))
		if err := ts.App.Accounts.CleanupExpired(ctx); err != nil {
			t.Fatal(err)
		}
		ts.WaitJobsIdle(t)
		if n := count(`SELECT COUNT(*) FROM accounts WHERE email='ancien@exemple.fr'`); n != 0 {
			t.Error("the unused account was not deleted after the grace period")
		}
		mustContain(t, "deletion notice", mailTo(t, ts, "ancien@exemple.fr", "Votre compte a été supprimé", 1).Text, "plus de trois ans")
		if n := count(`SELECT COUNT(*) FROM accounts WHERE email IN ('revenant@exemple.fr', 'recent@exemple.fr', 'agent@bellerive.test')`); n != 3 {
			t.Errorf("%d of the accounts in use kept, want 3", n)
		}
		if n := count(`SELECT COUNT(*) FROM audit_log WHERE action IN ('account.inactive_warned', 'account.delete_inactive')`); n != 3 {
			t.Errorf("%d audit entries, want 2 warnings and 1 deletion", n)
		}
	})
}
