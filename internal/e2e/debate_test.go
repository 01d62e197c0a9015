package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// publish creates a published publication of the organisation, tagged with
// topicIDs, and returns it.
func publish(t *testing.T, ts *testserver.TS, org model.Organisation, slug, title string, topicIDs ...string) model.Publication {
	t.Helper()
	ctx := context.Background()
	now := ts.App.Now()
	p := model.Publication{ID: app.NewID(), OrgID: org.ID, Kind: model.KindNews, Slug: slug, Title: title,
		Summary: "Résumé de « " + title + " ».", BodyMD: "Texte.", BodyHTML: "<p>Texte.</p>", State: model.StatePublished,
		CreatedAt: now, UpdatedAt: now, PublishedAt: &now}
	err := ts.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreatePublication(ctx, p, app.NewID()); err != nil {
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

var commentIDRE = regexp.MustCompile(`#c-([0-9a-f-]{36})$`)

// postComment posts a comment and returns its id from the redirect.
func postComment(t *testing.T, c *testserver.Client, base, body string, kv ...string) string {
	t.Helper()
	f := form(append([]string{"body", body, "idem", app.NewID()}, kv...)...)
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
		mustContain(t, "queue", q.Body, "Signalé", "1 signalement(s)", "Travaux sur le quai de Loire", `href="/admin/bellerive/moderation/`+id+`"`)
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
		again := jeanne.Post(base, form("body", "LE CHANTIER du quai est une   honte ; la mairie se moque des riverains <B>depuis des mois</B> !", "idem", app.NewID()))
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
