package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// publish creates a published publication of the organisation, tagged with
// topicIDs, and returns it.
func publish(t *testing.T, ts *testserver.TS, org model.Organisation, slug, title string, topicIDs ...string) model.Publication {
	t.Helper()
	ctx := context.Background()
	now := ts.App.Now()
	p := model.Publication{ID: core.NewID(), OrgID: org.ID, Kind: model.KindNews, Slug: slug, Title: title,
		Summary: "Résumé de « " + title + " ».", BodyMD: "Texte.", BodyHTML: "<p>Texte.</p>", State: model.StatePublished,
		CreatedAt: now, UpdatedAt: now, PublishedAt: &now}
	err := ts.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreatePublication(ctx, p, core.NewID()); err != nil {
			return err
		}
		if len(topicIDs) > 0 {
			return tx.SetPublicationTopics(ctx, org.ID, p.ID, topicIDs)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// oldResident creates a verified resident whose account is older than a
// day, so that the new-account limit does not apply.
func oldResident(t *testing.T, ts *testserver.TS, c *testserver.Client, email string) model.Account {
	t.Helper()
	a := ts.LoginAs(t, c, email)
	if _, err := ts.Store.DB().Exec(`UPDATE accounts SET created_at = $1 WHERE id = $2`, ts.App.Now().Add(-72*time.Hour), a.ID); err != nil {
		t.Fatal(err)
	}
	a.CreatedAt = ts.App.Now().Add(-72 * time.Hour)
	return a
}

// feteWithAdmin starts a server with Bellerive, its published "Fête de la
// Loire" (/bellerive/p/fete) and a client signed in as its administrator.
func feteWithAdmin(t *testing.T, engine store.Engine) (*testserver.TS, model.Publication, *testserver.Client) {
	t.Helper()
	ts := testserver.Start(t, testserver.Options{Engine: engine})
	org := ts.Org(t, "bellerive")
	pub := publish(t, ts, org, "fete", "Fête de la Loire")
	ts.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
	adm := ts.Client(t)
	ts.LoginAs(t, adm, "admin@bellerive.test")
	return ts, pub, adm
}

var commentIDRE = regexp.MustCompile(`#c-([0-9a-f-]{36})$`)

// postComment posts a comment and returns its id from the redirect.
func postComment(t *testing.T, c *testserver.Client, base, body string, kv ...string) string {
	t.Helper()
	f := form(append([]string{"body", body, "idem", core.NewID()}, kv...)...)
	r := c.Post(base, f)
	mustStatus(t, "post comment", r, 303)
	m := commentIDRE.FindStringSubmatch(r.Location)
	if m == nil {
		t.Fatalf("no comment id in %q", r.Location)
	}
	return m[1]
}

func TestDebateReportHideAppealTransparency(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := ts.Org(t, "bellerive")
		pub := publish(t, ts, org, "travaux-quai", "Travaux sur le quai de Loire")
		base := "/bellerive/p/travaux-quai/commentaires"
		ts.Staff(t, "cm@bellerive.test", "bellerive", model.RoleManager)
		ts.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)

		jeanne := ts.Client(t)
		author := ts.LoginAs(t, jeanne, "jeanne@example.test")
		page := jeanne.Get(base)
		mustStatus(t, "thread", page, 200)
		mustContain(t, "thread", page.Body, "Charte de modération", `name="idem"`, "Ajouter un commentaire")
		id := postComment(t, jeanne, base, "Le chantier du quai est une honte, la mairie se moque des riverains <b>depuis des mois</b>.")
		pubPage := ts.Client(t).Get(base)
		mustContain(t, "public thread", pubPage.Body, "la mairie se moque des riverains &lt;b&gt;depuis des mois&lt;/b&gt;", "Signaler")
		if strings.Contains(pubPage.Body, "jeanne@example.test") {
			t.Fatal("the author's e-mail address is on the public page")
		}

		// Someone without an account reports it.
		visitor := ts.Client(t)
		rf := visitor.Get(base + "/" + id + "/signaler")
		mustStatus(t, "report form", rf, 200)
		mustContain(t, "report form", rf.Body, "Règle 1 :", "Contenu illicite", `name="email"`)
		bad := visitor.Post(base+"/"+id+"/signaler", form("reason", "illegal", "email", "pas-une-adresse"))
		mustStatus(t, "bad report", bad, 422)
		mustContain(t, "bad report", bad.Body, "Choisissez le fondement légal", "Indiquez une adresse électronique valide")
		r := visitor.Post(base+"/"+id+"/signaler", form("reason", "rule-1", "email", "voisin@example.test", "explanation", "Attaque personnelle."))
		mustStatus(t, "report", r, 303)
		mailTo(t, ts, "voisin@example.test", "Signalement reçu", 1)
		// Reporting twice counts once.
		mustStatus(t, "report again", visitor.Post(base+"/"+id+"/signaler", form("reason", "rule-1", "email", "voisin@example.test")), 303)

		// The community manager finds it in the queue and hides it citing rule 1.
		cm := ts.Client(t)
		manager := ts.LoginAs(t, cm, "cm@bellerive.test")
		q := cm.Get("/admin/bellerive/moderation")
		mustStatus(t, "queue", q, 200)
		mustContain(t, "queue", q.Body, "Signalé", "1 signalement", "Travaux sur le quai de Loire", `href="/admin/bellerive/moderation/`+id+`"`)
		cs := cm.Get("/admin/bellerive/moderation/" + id)
		mustStatus(t, "case", cs, 200)
		mustContain(t, "case", cs.Body, "Profil de l", "jeanne", "Attaque personnelle.", "signalement d&#39;un visiteur sans compte")
		if strings.Contains(cs.Body, "jeanne@example.test") || strings.Contains(cs.Body, "voisin@example.test") {
			t.Fatal("staff see an e-mail address in the case file")
		}
		reports, err := ts.Store.ReportsOf(t.Context(), org.ID, id)
		if err != nil || len(reports) != 1 || reports[0].FirstSeenAt == nil || reports[0].FirstSeenBy != manager.ID {
			t.Fatalf("report first seen not recorded: %+v %v", reports, err)
		}
		mustStatus(t, "hide without rule", cm.Post("/admin/bellerive/moderation/"+id+"/decide", form("action", "hide")), 422)
		d := cm.Post("/admin/bellerive/moderation/"+id+"/decide", form("action", "hide", "rule", "1", "sanction", "warn", "note", "Critiquez les décisions, pas les personnes."))
		mustStatus(t, "decide", d, 303)
		mustContain(t, "public after hide", ts.Client(t).Get(base).Body, "Commentaire masqué — règle 1 de la charte.")
		if strings.Contains(ts.Client(t).Get(base).Body, "se moque des riverains") {
			t.Fatal("hidden text still shown")
		}
		st := mailTo(t, ts, "jeanne@example.test", "Décision de modération sur votre commentaire", 1)
		mustContain(t, "statement", st.Text, "Masqué", "règle 1 de la charte", "Origine : signalement", "Critiquez les décisions", "Sanction : avertissement")
		mustContain(t, "reporter decision", mailTo(t, ts, "voisin@example.test", "Décision sur votre signalement", 1).Text, "Masqué")
		// The same text cannot be posted again as is, even disguised by case and spaces.
		again := jeanne.Post(base, form("body", "LE CHANTIER du quai est une   honte ; la mairie se moque des riverains <B>depuis des mois</B> !", "idem", core.NewID()))
		mustStatus(t, "re-post removed text", again, 422)
		mustContain(t, "re-post", again.Body, "déjà été retiré par la modération")

		// The author appeals through the e-mailed link.
		link := testserver.Link(t, st.Text, "/contester")
		mustContain(t, "appeal form", jeanne.Get(link).Body, "Contester une décision de modération", "Masqué")
		mustStatus(t, "short appeal", jeanne.Post(link, form("text", "non")), 422)
		mustStatus(t, "appeal", jeanne.Post(link, form("text", "Je critiquais la gestion du chantier, pas une personne.")), 200)
		mustContain(t, "queue with appeal", cm.Get("/admin/bellerive/moderation").Body, "Contestation")
		same := cm.Post("/admin/bellerive/moderation/"+id+"/appeal", form("outcome", "reversed", "answer", "Je me déjuge, c'est permis ?"))
		mustStatus(t, "same moderator", same, 422)
		mustContain(t, "same moderator", same.Body, "un autre modérateur doit trancher")
		// A second moderator decides.
		adm := ts.Client(t)
		ts.LoginAs(t, adm, "admin@bellerive.test")
		mustStatus(t, "appeal decided", adm.Post("/admin/bellerive/moderation/"+id+"/appeal",
			form("outcome", "reversed", "answer", "La critique vise la gestion du chantier : elle est admise.")), 303)
		mustStatus(t, "appeal decided twice", adm.Post("/admin/bellerive/moderation/"+id+"/appeal",
			form("outcome", "reversed", "answer", "La critique vise la gestion du chantier : elle est admise.")), 303)
		mustContain(t, "appeal mail", mailTo(t, ts, "jeanne@example.test", "Décision sur votre contestation", 1).Text, "acceptée", "admise")
		mustContain(t, "restored", ts.Client(t).Get(base).Body, "se moque des riverains")
		if _, err := ts.Store.ActiveSanction(t.Context(), org.ID, author.ID, ts.App.Now()); err == nil {
			t.Fatal("a sanction survived the reversed decision")
		}

		// The transparency page counts it all.
		tr := ts.Client(t).Get("/bellerive/transparence/" + ts.App.Now().In(time.FixedZone("", 3600)).Format("2006"))
		mustStatus(t, "transparency", tr, 200)
		body := tr.Body
		mustContain(t, "transparency", body, "Commentaires reçus</dt><dd>1</dd>", "Signalements reçus</dt><dd>1 ",
			"Règle 1 :", "signalement</td><td>1</td>", "Décisions annulées</dt><dd>1</dd>")
		// The organisation was created this year: no link to a year
		// before it existed (crawlers followed them back to 2000).
		thisYear := ts.App.Now().In(time.FixedZone("", 3600)).Year()
		mustNotContain(t, "transparency", body, fmt.Sprintf("/bellerive/transparence/%d", thisYear-1))
		if !regexp.MustCompile(`Délai médian de décision</dt><dd>\d+ min`).MatchString(body) {
			t.Fatalf("no median time on the transparency page:\n%s", excerpt(body))
		}
		// Everything is in the audit log.
		entries, err := ts.Store.AuditOf(t.Context(), org.ID, 50)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, e := range entries {
			seen[e.Action] = true
		}
		for _, a := range []string{"comment.report", "moderation.decide", "moderation.appeal", "moderation.appeal_decide"} {
			if !seen[a] {
				t.Errorf("audit log lacks %s", a)
			}
		}
		_ = pub
	})
}

func TestDebateStaffAnswerPinnedAndRouted(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ctx := t.Context()
		org := ts.Org(t, "bellerive")
		voirie := model.Service{ID: core.NewID(), OrgID: org.ID, Name: "Voirie", Slug: "voirie", CreatedAt: ts.App.Now()}
		culture := model.Service{ID: core.NewID(), OrgID: org.ID, Name: "Culture", Slug: "culture", CreatedAt: ts.App.Now()}
		for _, s := range []model.Service{voirie, culture} {
			if err := ts.Store.CreateService(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		topic := model.Topic{ID: core.NewID(), OrgID: org.ID, Slug: "travaux", Name: "Travaux", ServiceID: voirie.ID, CreatedAt: ts.App.Now()}
		if err := ts.Store.CreateTopic(ctx, topic); err != nil {
			t.Fatal(err)
		}
		publish(t, ts, org, "pont", "Fermeture du pont de Loire", topic.ID)
		base := "/bellerive/p/pont/commentaires"
		agent := ts.Staff(t, "patrick@bellerive.test", "bellerive", model.RoleAgent, voirie.ID)
		ts.Staff(t, "amelie@bellerive.test", "bellerive", model.RoleAgent, culture.ID)
		if err := ts.Store.SetEmailRouted(ctx, org.ID, agent.ID, true, ts.App.Now()); err != nil {
			t.Fatal(err)
		}

		res := ts.Client(t)
		oldResident(t, ts, res, "marc@example.test")
		q := postComment(t, res, base, "Combien de temps durera la fermeture du pont ? Je travaille de l'autre côté.")
		other := ts.Client(t)
		oldResident(t, ts, other, "fatou@example.test")
		postComment(t, other, base, "Même question pour les vélos, est-ce que la passerelle reste ouverte ?", "parent", q)

		// The Voirie agent is told, in the staff area and by e-mail; the Culture agent is not.
		// Both comments are routed; their e-mails may arrive in any order.
		routed := mailTo(t, ts, "patrick@bellerive.test", "Nouveau commentaire pour votre service", 1).Text +
			mailTo(t, ts, "patrick@bellerive.test", "Nouveau commentaire pour votre service", 2).Text
		mustContain(t, "routed mail", routed, "Combien de temps durera la fermeture", "/bellerive/p/pont/commentaires?c="+q+"#c-"+q)
		ag := ts.Client(t)
		ts.LoginAs(t, ag, "patrick@bellerive.test")
		n := ag.Get("/admin/bellerive/notifications")
		mustStatus(t, "notifications", n, 200)
		mustContain(t, "notifications", n.Body, "Fermeture du pont de Loire", "Combien de temps durera", "nouveau")
		cu := ts.Client(t)
		ts.LoginAs(t, cu, "amelie@bellerive.test")
		if strings.Contains(cu.Get("/admin/bellerive/notifications").Body, "Combien de temps") {
			t.Fatal("a comment was routed to a service not responsible for its topic")
		}
		if r := ag.Get("/admin/bellerive/moderation"); r.Status != 403 {
			t.Fatalf("agent on the moderation queue = %d, want 403", r.Status)
		}

		// The agent answers as the service, never as a person nor as the organisation.
		page := ag.Get(base)
		mustContain(t, "agent form", page.Body, `<option value="`+voirie.ID+`"`, "Service Voirie — Ville de bellerive")
		if strings.Contains(page.Body, `<option value="org"`) || strings.Contains(page.Body, `<option value="`+culture.ID+`"`) {
			t.Fatal("an agent may answer as the organisation or another service")
		}
		asOrg := ag.Post(base, form("body", "Réponse", "parent", q, "as", "org", "idem", core.NewID()))
		mustStatus(t, "agent as organisation", asOrg, 422)
		mustContain(t, "agent as organisation", asOrg.Body, "jamais à titre personnel", "Réponse</textarea>")
		answer := postComment(t, ag, base, "Bonjour, la fermeture durera jusqu'au 12 décembre ; la passerelle piétons et vélos reste ouverte.",
			"parent", q, "as", voirie.ID)
		mustStatus(t, "mark official", ag.Post(base+"/"+answer+"/officielle", form()), 303)
		pub := ts.Client(t).Get(base)
		mustContain(t, "pinned answer", pub.Body, "Service Voirie — Ville de bellerive", "Réponse officielle", "Réponse de la collectivité")
		// Pinned: the official answer comes before the earlier reply.
		if strings.Index(pub.Body, "la passerelle piétons et vélos reste ouverte") > strings.Index(pub.Body, "Même question pour les vélos") {
			t.Fatal("the official answer is not pinned under the question")
		}
		if strings.Contains(pub.Body, "Patrick") || strings.Contains(pub.Body, "patrick@") {
			t.Fatal("the agent's own name shows on the answer")
		}
		// Residents cannot pin answers.
		if r := res.Post(base+"/"+answer+"/officielle", form("on", "0")); r.Status != 403 {
			t.Fatalf("resident unpinning = %d, want 403", r.Status)
		}
		// A manager may answer as the organisation.
		ts.Staff(t, "cm@bellerive.test", "bellerive", model.RoleManager)
		cm := ts.Client(t)
		ts.LoginAs(t, cm, "cm@bellerive.test")
		postComment(t, cm, base, "La mairie vous remercie de vos questions.", "parent", q, "as", "org")
		mustContain(t, "as organisation", ts.Client(t).Get(base).Body, `id="c-`)
	})
}

func TestDebateBadInput(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := ts.Org(t, "bellerive")
		publish(t, ts, org, "marche", "Le marché du samedi déménage")
		base := "/bellerive/p/marche/commentaires"
		c := ts.Client(t)
		me := oldResident(t, ts, c, "lea@example.test")

		r := c.Post(base, form("body", " \u200b\u200b ", "idem", core.NewID()))
		mustStatus(t, "empty", r, 422)
		mustContain(t, "empty", r.Body, "le texte est vide", `aria-invalid="true"`)
		long := strings.Repeat("Le marché doit rester place de la Halle. ", 250)[:10000]
		r = c.Post(base, form("body", long, "idem", core.NewID()))
		mustStatus(t, "10,000 characters", r, 422)
		mustContain(t, "10,000 characters", r.Body, "dépasse 5 000 caractères", long[:200])

		// HTML is shown escaped; the screening sees through zero-width characters and homoglyphs.
		id := postComment(t, c, base, `<script>alert(1)</script> Pourquoi déplacer le marché ?`)
		mustContain(t, "escaped", ts.Client(t).Get(base).Body, "&lt;script&gt;alert(1)&lt;/script&gt; Pourquoi déplacer le marché ?")
		disguised := postComment(t, c, base, "Le maire est un con\u200bnard fini.") // zero-width inside the insult
		got, err := ts.Store.CommentByID(t.Context(), org.ID, disguised)
		if err != nil || got.Status == model.CommentPublished || got.Body != "Le maire est un con\u200bnard fini." {
			t.Fatalf("disguised insult: status %s (%v), body kept %q", got.Status, err, got.Body)
		}
		homo := postComment(t, c, base, "Bande de с\u043eнnards à la mairie.") // Cyrillic letters
		if got, _ := ts.Store.CommentByID(t.Context(), org.ID, homo); got.Status == model.CommentPublished {
			t.Fatalf("homoglyph insult published: %+v", got.ScreenReasons)
		}

		// Double submission of one form: one comment.
		key := core.NewID()
		r1 := c.Post(base, form("body", "Le samedi matin, la place est trop petite.", "idem", key))
		r2 := c.Post(base, form("body", "Le samedi matin, la place est trop petite.", "idem", key))
		mustStatus(t, "first", r1, 303)
		mustStatus(t, "second", r2, 303)
		if r1.Location != r2.Location {
			t.Fatalf("double submission made two comments: %s %s", r1.Location, r2.Location)
		}
		// The same text again in a new form: refused, text kept.
		r = c.Post(base, form("body", "Le samedi matin, la place est trop petite.", "idem", core.NewID()))
		mustStatus(t, "repeat", r, 422)
		mustContain(t, "repeat", r.Body, "Vous venez de publier exactement ce texte")

		// A reply to a comment its author deleted.
		mustStatus(t, "withdraw", c.Post(base+"/"+id+"/supprimer", form()), 303)
		mustStatus(t, "withdraw twice", c.Post(base+"/"+id+"/supprimer", form()), 303)
		r = c.Post(base, form("body", "Je réponds quand même.", "parent", id, "idem", core.NewID()))
		mustStatus(t, "reply to deleted", r, 422)
		mustContain(t, "reply to deleted", r.Body, "n&#39;est plus visible", "Je réponds quand même.</textarea>")

		// Edit within 15 minutes, marked "modifié", history kept; not after.
		e := postComment(t, c, base, "Le marché sera mieux sur le quai.")
		mustStatus(t, "edit form", c.Get(base+"/"+e+"/modifier"), 200)
		mustStatus(t, "edit", c.Post(base+"/"+e+"/modifier", form("body", "Le marché sera mieux sur le quai, à l'ombre.")), 303)
		page := ts.Client(t).Get(base)
		mustContain(t, "edited", page.Body, "à l&#39;ombre", "modifié")
		if revs, _ := ts.Store.CommentRevisions(t.Context(), e); len(revs) != 1 || revs[0] != "Le marché sera mieux sur le quai." {
			t.Fatalf("revisions = %q", revs)
		}
		ts.Clock.Advance(16 * time.Minute)
		late := c.Post(base+"/"+e+"/modifier", form("body", "Trop tard pour changer."))
		mustStatus(t, "late edit", late, 422)
		mustContain(t, "late edit", late.Body, "délai de 15 minutes")
		// Someone else cannot edit or delete it.
		o := ts.Client(t)
		ts.LoginAs(t, o, "intrus@example.test")
		if r := o.Post(base+"/"+e+"/supprimer", form()); r.Status != 403 {
			t.Fatalf("deleting another's comment = %d", r.Status)
		}
		// Marking useful.
		mustStatus(t, "useful", o.Post(base+"/"+e+"/utile", form()), 303)
		mustContain(t, "useful", ts.Client(t).Get(base).Body, "1 personne a trouvé ce commentaire utile")
		_ = me
	})
}

func TestDebateFloodLimits(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := ts.Org(t, "bellerive")
		publish(t, ts, org, "budget", "Budget participatif 2027")
		base := "/bellerive/p/budget/commentaires"
		ts.Clock.Set(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
		c := ts.Client(t)
		ts.LoginAs(t, c, "nouveau@example.test") // created now: a new account
		for i := range 3 {
			postComment(t, c, base, "Proposition numéro "+string(rune('A'+i))+" : des bancs au bord de la Loire.")
			ts.Clock.Advance(time.Minute)
		}
		r := c.Post(base, form("body", "Proposition D : un composteur partagé.", "idem", core.NewID()))
		mustStatus(t, "fourth comment of a new account", r, 429)
		// First at 10 h 00 Paris, allowed again ten minutes later.
		mustContain(t, "rate message", r.Body, "nouveaux comptes peuvent publier 3 commentaires par tranche de 10 minutes",
			"de nouveau à 10 h 10", "Proposition D : un composteur partagé.</textarea>")
		ts.Clock.Advance(8 * time.Minute)
		postComment(t, c, base, "Proposition D : un composteur partagé.")
	})
}

// 30 posts at once from a new account (3 per 10 minutes): exactly 3 go
// through on both engines. The limits were checked before the writing
// transaction, and PostgreSQL let 13 of 30 through (issue 15).
func TestDebateFloodLimitsInParallel(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := ts.Org(t, "bellerive")
		pub := publish(t, ts, org, "budget", "Budget participatif 2027")
		base := "/bellerive/p/budget/commentaires"
		c := ts.Client(t)
		author := ts.LoginAs(t, c, "nouveau@example.test") // created now: a new account
		statuses := make([]int, 30)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				body := fmt.Sprintf("Proposition numéro %d : des bancs au bord de la Loire.", i)
				statuses[i] = c.Post(base, form("body", body, "idem", core.NewID())).Status
			}()
		}
		close(start)
		wg.Wait()
		counts := map[int]int{}
		for _, st := range statuses {
			counts[st]++
		}
		if counts[303] != 3 || counts[429] != 27 {
			t.Fatalf("answers %v, want 3 × 303 and 27 × 429", counts)
		}
		var n int
		if err := ts.Store.DB().QueryRow(`SELECT COUNT(*) FROM comments WHERE publication_id = $1 AND account_id = $2`,
			pub.ID, author.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 3 {
			t.Fatalf("%d comments stored, want 3", n)
		}
	})
}

func TestDebateModesThresholdAndTenancy(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts, pub, adm := feteWithAdmin(t, engine)
		base := "/bellerive/p/fete/commentaires"

		// Anonymous page cache: a new comment shows on the very next request.
		anon := ts.Client(t)
		mustContain(t, "cached", anon.Get("/bellerive/p/fete").Body, "Commentaires (0)")
		mustContain(t, "cached", anon.Get("/bellerive/p/fete").Body, "Commentaires (0)")
		c := ts.Client(t)
		oldResident(t, ts, c, "ines@example.test")
		id := postComment(t, c, base, "Le feu d'artifice sera-t-il tiré depuis l'île ?")
		mustContain(t, "after comment", anon.Get("/bellerive/p/fete").Body, "Commentaires (1)", "tiré depuis l&#39;île")

		// Three distinct reporters hide it pending review.
		for i, who := range []string{"a@example.test", "b@example.test", "b@example.test", "c@example.test"} {
			r := ts.Client(t).Post(base+"/"+id+"/signaler", form("reason", "rule-4", "email", who))
			mustStatus(t, "report "+who, r, 303)
			hidden := strings.Contains(anon.Get(base).Body, "masqué dans l&#39;attente d&#39;un examen")
			if want := i == 3; hidden != want {
				t.Fatalf("after report %d: hidden=%v, want %v", i+1, hidden, want)
			}
		}

		// Pre-moderation needs the acknowledgement; then comments wait.
		settings := "/admin/bellerive/moderation/settings"
		page := adm.Get(settings)
		mustStatus(t, "settings", page, 200)
		mustContain(t, "settings", page.Body, "Respectez les personnes", "art. 93-3", "Mots surveillés")
		charter := "Soyez courtois.\nRestez dans le sujet.\nPas de données personnelles."
		r := adm.Post(settings, form("mode", "pre", "charter", charter, "report_threshold", "3"))
		mustStatus(t, "pre without ack", r, 422)
		mustContain(t, "pre without ack", r.Body, "cochez la case", "Restez dans le sujet.")
		mustStatus(t, "pre", adm.Post(settings, form("mode", "pre", "charter", charter, "report_threshold", "3", "pre_ack", "1")), 303)
		held := postComment(t, c, base, "Y aura-t-il des navettes depuis la gare ?")
		if strings.Contains(anon.Get(base).Body, "navettes depuis la gare") {
			t.Fatal("pre-moderated comment is public before approval")
		}
		mustContain(t, "author sees own held comment", c.Get(base).Body, "navettes depuis la gare", "En attente de relecture")
		mustContain(t, "charter edited", anon.Get("/bellerive/charte").Body, "Restez dans le sujet.")
		mustStatus(t, "approve", adm.Post("/admin/bellerive/moderation/"+held+"/decide", form("action", "approve")), 303)
		mustContain(t, "approved", anon.Get(base).Body, "navettes depuis la gare")
		// Screening word lists.
		mustStatus(t, "words", adm.Post("/admin/bellerive/moderation/words", form("blocked", "saucisson", "watched", "", "allowed", "")), 303)

		// Closed for this publication only.
		mustStatus(t, "close", adm.Post("/admin/bellerive/moderation/publications/"+pub.ID+"/mode", form("mode", "closed")), 303)
		r = c.Post(base, form("body", "Encore une question.", "idem", core.NewID()))
		mustStatus(t, "closed", r, 403)
		mustContain(t, "closed", r.Body, "Les commentaires sont fermés", "Encore une question.</textarea>")

		// Another organisation's staff can neither see nor act.
		ts.Org(t, "voisine")
		ts.Staff(t, "admin@voisine.test", "voisine", model.RoleAdmin)
		v := ts.Client(t)
		ts.LoginAs(t, v, "admin@voisine.test")
		for _, p := range []string{"/admin/bellerive/moderation", "/admin/bellerive/moderation/" + id, settings} {
			if r := v.Get(p); r.Status != 403 {
				t.Errorf("other organisation's admin GET %s = %d, want 403", p, r.Status)
			}
		}
		if r := v.Post("/admin/bellerive/moderation/"+id+"/decide", form("action", "approve")); r.Status != 403 {
			t.Errorf("other organisation's admin decides = %d, want 403", r.Status)
		}
		if r := v.Get("/admin/voisine/moderation/" + id); r.Status != 404 {
			t.Errorf("a comment through another organisation's queue = %d, want 404", r.Status)
		}
		if r := v.Post("/admin/voisine/moderation/"+id+"/decide", form("action", "approve")); r.Status != 404 {
			t.Errorf("decide through another organisation = %d, want 404", r.Status)
		}
	})
}

// TestCommentSectionQueries proves the comment section costs the same number
// of queries with 5 or 200 comments (no N+1).
func TestCommentSectionQueries(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	org := ts.Org(t, "bellerive")
	pub := publish(t, ts, org, "n1", "Requêtes")
	acct := ts.Account(t, "bavard@example.test")
	counts := map[int]int64{}
	total := 0
	for _, n := range []int{5, 200} {
		for total < n {
			now := ts.App.Now()
			c := model.Comment{ID: core.NewID(), OrgID: org.ID, PublicationID: pub.ID, AccountID: acct.ID, Body: "Commentaire " + core.NewID(),
				Fingerprint: core.NewID(), Status: model.CommentPublished, InitialStatus: model.CommentPublished, CreatedAt: now, UpdatedAt: now}
			if total%3 == 1 {
				c.ParentID = "" // top-level
			}
			if err := ts.Store.CreateComment(t.Context(), c); err != nil {
				t.Fatal(err)
			}
			total++
		}
		cl := ts.Client(t)
		ts.LoginAs(t, cl, "lecteur@example.test")
		before := ts.Store.QueryCount()
		mustStatus(t, "thread", cl.Get("/bellerive/p/n1/commentaires"), 200)
		counts[n] = ts.Store.QueryCount() - before
	}
	if counts[5] != counts[200] {
		t.Fatalf("queries for 5 comments: %d, for 200: %d", counts[5], counts[200])
	}
}

// TestCommentPages shows a busy publication's comments a page at a time.
func TestCommentPages(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	org := ts.Org(t, "bellerive")
	pub := publish(t, ts, org, "busy", "Très commentée")
	acct := ts.Account(t, "bavard@example.test")
	for i := range 130 {
		now := ts.App.Now().Add(time.Duration(i) * time.Second)
		body := "Commentaire numéro " + strconv.Itoa(i) + "."
		c := model.Comment{ID: core.NewID(), OrgID: org.ID, PublicationID: pub.ID, AccountID: acct.ID, Body: body,
			Fingerprint: screen.Fingerprint(body), Status: model.CommentPublished, InitialStatus: model.CommentPublished, CreatedAt: now, UpdatedAt: now}
		if err := ts.Store.CreateComment(t.Context(), c); err != nil {
			t.Fatal(err)
		}
	}
	c := ts.Client(t)
	p := c.Get("/bellerive/p/busy")
	mustContain(t, "publication page", p.Body, "Commentaires (130)", "Commentaire numéro 29.", "Voir tous les commentaires")
	if strings.Contains(p.Body, "Commentaire numéro 30.") {
		t.Fatal("the publication page shows more than its first threads")
	}
	p1 := c.Get("/bellerive/p/busy/commentaires")
	mustContain(t, "page 1", p1.Body, "Commentaire numéro 99.", "Page 1 sur 2", `href="/bellerive/p/busy/commentaires?page=2#commentaires"`)
	p2 := c.Get("/bellerive/p/busy/commentaires?page=2")
	mustContain(t, "page 2", p2.Body, "Commentaire numéro 100.", "Commentaire numéro 129.", "Page 2 sur 2")
	if strings.Contains(p2.Body, "Commentaire numéro 99.") {
		t.Fatal("page 2 repeats page 1")
	}
}
