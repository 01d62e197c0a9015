package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// A resident follows a discussion from the publication page, gets each new
// comment by e-mail — including one held by pre-moderation, once it is
// approved, and only once — and stops from the account page.
func TestFollowDiscussionByEmail(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts, pub, adm := feteWithAdmin(t, engine)
		base := "/bellerive/p/fete/commentaires"

		// Anonymous visitors are not offered the button.
		if strings.Contains(ts.Client(t).Get("/bellerive/p/fete").Body, "Suivre cette discussion") {
			t.Fatal("anonymous page offers to follow the discussion")
		}
		fan := ts.Client(t)
		oldResident(t, ts, fan, "suzanne@example.test")
		mustContain(t, "page", fan.Get("/bellerive/p/fete").Body, "Suivre cette discussion", `action="/bellerive/p/fete/suivre-discussion"`)
		r := fan.Post("/bellerive/p/fete/suivre-discussion", form("follow", "1"))
		mustStatus(t, "follow", r, 303)
		mustContain(t, "followed", fan.Get(r.Location).Body, "Vous suivez cette discussion", "Ne plus suivre cette discussion")
		mustContain(t, "account page", fan.Get("/account/abonnements").Body, `href="/bellerive/p/fete#commentaires"`, "Fête de la Loire")

		// A comment published at once is e-mailed to the follower.
		other := ts.Client(t)
		oldResident(t, ts, other, "marc@example.test")
		first := postComment(t, other, base, "Le feu d'artifice sera-t-il tiré depuis l'île ?")
		m := ts.Mail.Wait(t, "suzanne@example.test", "Nouveau commentaire : Fête de la Loire", 10*time.Second)
		if !strings.Contains(m.Text, "#comment-"+first) || m.Header.Get("List-Unsubscribe") == "" {
			t.Fatalf("thread mail lacks the comment link or unsubscribe header:\n%s", m.Text)
		}
		waitMailing(t, ts, first)
		// Her own comment is not e-mailed back to her.
		own := postComment(t, fan, base, "Nous viendrons avec les voisins du quai.")
		if m := waitMailing(t, ts, own); m.Total != 0 {
			t.Fatalf("her own comment was sent to %d followers, want 0", m.Total)
		}
		if got := ts.Mail.Count("suzanne@example.test"); got != 1 {
			t.Fatalf("follower got %d mails after her own comment, want 1", got)
		}

		// Pre-moderation: the held comment is announced when approved.
		mustStatus(t, "pre", adm.Post("/admin/bellerive/moderation/publications/"+pub.ID+"/mode", form("mode", "pre", "pre_ack", "1")), 303)
		held := postComment(t, other, base, "Y aura-t-il des navettes depuis la gare ?")
		var n int
		if err := ts.Store.DB().QueryRow(`SELECT COUNT(*) FROM river_job WHERE kind='mail_thread' AND CAST(args AS TEXT) LIKE $1`, "%"+held+"%").Scan(&n); err != nil || n != 0 {
			t.Fatalf("held comment queued %d thread notifications before approval (%v)", n, err)
		}
		mustStatus(t, "approve", adm.Post("/admin/bellerive/moderation/"+held+"/decide", form("action", "approve")), 303)
		waitMailing(t, ts, held)
		if got := ts.Mail.Count("suzanne@example.test"); got != 2 {
			t.Fatalf("follower got %d mails after the approval, want 2", got)
		}
		// Hidden, then approved again: still announced once.
		mustStatus(t, "hide", adm.Post("/admin/bellerive/moderation/"+held+"/decide", form("action", "hide", "rule", "1")), 303)
		mustStatus(t, "approve again", adm.Post("/admin/bellerive/moderation/"+held+"/decide", form("action", "approve")), 303)
		if err := ts.App.Mailing.NotifyThread(t.Context(), pub.ID, held); err != nil { // a job run twice
			t.Fatal(err)
		}
		if err := ts.Store.DB().QueryRow(`SELECT COUNT(*) FROM mailings WHERE ref_id=$1`, held).Scan(&n); err != nil || n != 1 {
			t.Fatalf("mailings for the held comment = %d (%v), want 1", n, err)
		}
		ts.WaitJobsIdle(t) // a duplicate would have been sent by now
		if got := ts.Mail.Count("suzanne@example.test"); got != 2 {
			t.Fatalf("follower got %d mails after a second approval, want 2", got)
		}

		// A comment that is not public (held, then hidden) is never announced,
		// even by a notification job that runs late.
		late := postComment(t, other, base, "Et pour le retour en bateau ?")
		mustStatus(t, "hide late", adm.Post("/admin/bellerive/moderation/"+late+"/decide", form("action", "hide", "rule", "1")), 303)
		if err := ts.App.Mailing.NotifyThread(t.Context(), pub.ID, late); err != nil {
			t.Fatal(err)
		}
		var m2 int
		if err := ts.Store.DB().QueryRow(`SELECT COUNT(*) FROM mailings WHERE ref_id=$1`, late).Scan(&m2); err != nil || m2 != 0 {
			t.Fatalf("mailings for a hidden held comment = %d (%v), want 0", m2, err)
		}

		// Stopped from the account page: nothing more.
		mustStatus(t, "unfollow", fan.Post("/account/abonnements/fil/"+pub.ID+"/stop", nil), 303)
		mustContain(t, "unfollowed", fan.Get("/bellerive/p/fete").Body, "Suivre cette discussion")
		mustStatus(t, "open", adm.Post("/admin/bellerive/moderation/publications/"+pub.ID+"/mode", form("mode", "")), 303)
		last := postComment(t, other, base, "Merci pour les navettes.")
		waitMailing(t, ts, last)
		if got := ts.Mail.Count("suzanne@example.test"); got != 2 {
			t.Fatalf("follower got %d mails after unfollowing, want 2", got)
		}
	})
}
