package debate_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/debate"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestCommentThreadVisibility checks the thread's visibility rules as each
// reader sees them, on SQLite and PostgreSQL: held and rejected comments
// exist only for their author, removed ones show a notice instead of their
// text, a withdrawn comment without replies disappears, the official
// answer is pinned under its question, and staff readers get the
// identities they may answer under.
func TestCommentThreadVisibility(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org, other := ts.Org(t, "bellerive"), ts.Org(t, "autreville")
		admin := ts.Staff(t, "admin@bellerive.test", org.Handle, model.RoleAdmin)
		voirie, err := ts.App.Organisations.CreateService(ctx, admin.ID, org.ID, "Voirie")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ts.App.Organisations.CreateService(ctx, admin.ID, org.ID, "Culture"); err != nil {
			t.Fatal(err)
		}
		agent := ts.Staff(t, "agent@bellerive.test", org.Handle, model.RoleAgent, voirie.ID)
		alice, bruno := ts.Account(t, "alice@exemple.fr"), ts.Account(t, "bruno@exemple.fr")

		publication := func(slug string, o model.Organisation, state model.PubState) model.Publication {
			t.Helper()
			p := model.Publication{ID: core.NewID(), OrgID: o.ID, Kind: model.KindNews, Slug: slug,
				Title: "Réfection de la place du marché", BodyMD: "Travaux en mars.", BodyHTML: "<p>Travaux en mars.</p>",
				State: state, AuthorID: admin.ID, CreatedAt: ts.App.Now(), UpdatedAt: ts.App.Now()}
			if err := ts.Store.InTx(ctx, func(tx *store.Tx) error { return tx.CreatePublication(ctx, p, core.NewID()) }); err != nil {
				t.Fatal(err)
			}
			return p
		}
		pub := publication("place-du-marche", org, model.StatePublished)

		start := ts.App.Now().Add(-time.Hour)
		n := 0
		comment := func(author model.Account, parent string, status model.CommentStatus, body string, edit func(*model.Comment)) string {
			t.Helper()
			n++
			c := model.Comment{ID: core.NewID(), OrgID: org.ID, PublicationID: pub.ID, ParentID: parent,
				AccountID: author.ID, Body: body, Status: status, InitialStatus: status,
				CreatedAt: start.Add(time.Duration(n) * time.Minute), UpdatedAt: start.Add(time.Duration(n) * time.Minute)}
			if edit != nil {
				edit(&c)
			}
			if err := ts.Store.CreateComment(ctx, c); err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		question := comment(alice, "", model.CommentPublished, "Les places de stationnement restent-elles ?", nil)
		reply := comment(bruno, question, model.CommentPublished, "Je me pose la même question.", nil)
		official := comment(admin, question, model.CommentPublished, "Oui, toutes les places restent.", func(c *model.Comment) {
			c.Official, c.AsOrg, c.StaffLabel = true, true, org.Name
		})
		held := comment(alice, "", model.CommentHeld, "Message en attente de modération.", nil)
		rejected := comment(bruno, "", model.CommentRejected, "Message refusé.", nil)
		// Hidden by a review (no charter rule cited: a moderator's decision
		// sets the rule, CreateComment does not).
		hidden := comment(bruno, "", model.CommentHidden, "Message masqué.", nil)
		comment(alice, "", model.CommentWithdrawn, "Message retiré sans réponse.", nil)
		withdrawn := comment(bruno, "", model.CommentWithdrawn, "Message retiré avec réponse.", nil)
		answered := comment(alice, withdrawn, model.CommentPublished, "Réponse au message retiré.", nil)
		deleted := comment(alice, "", model.CommentDeleted, "Message supprimé.", nil)
		// An old comment of alice's, out of its edit window.
		ts.Clock.Set(start.Add(time.Duration(n+1)*time.Minute + debate.EditWindow))

		read := func(reader *model.Account) debate.Thread {
			t.Helper()
			th, err := ts.App.Debate.CommentThread(ctx, reader, org.ID, pub)
			if err != nil {
				t.Fatal(err)
			}
			return th
		}
		ids := func(cs []debate.ThreadComment) []string {
			var out []string
			for _, c := range cs {
				out = append(out, c.ID)
			}
			return out
		}
		find := func(th debate.Thread, id string) *debate.ThreadComment {
			for i := range th.Threads {
				if th.Threads[i].ID == id {
					return &th.Threads[i]
				}
			}
			return nil
		}

		anon := read(nil)
		if got, want := ids(anon.Threads), []string{question, hidden, withdrawn, deleted}; !slices.Equal(got, want) {
			t.Errorf("anonymous threads = %v, want %v (question, hidden, withdrawn with a reply, deleted)", got, want)
		}
		if anon.Count != 4 {
			t.Errorf("anonymous count = %d, want the 4 published comments", anon.Count)
		}
		if q := find(anon, question); q == nil || !slices.Equal(ids(q.Replies), []string{official, reply}) {
			t.Errorf("replies of the question = %v, want the official answer pinned first", q)
		}
		for id, notice := range map[string]string{hidden: "debate.notice.hidden_review", withdrawn: "debate.notice.withdrawn", deleted: "debate.notice.deleted"} {
			if c := find(anon, id); c == nil || c.Show || c.Notice != notice {
				t.Errorf("comment %s = %+v, want its text replaced by %s", id, c, notice)
			}
		}
		if w := find(anon, withdrawn); w == nil || !slices.Equal(ids(w.Replies), []string{answered}) {
			t.Errorf("withdrawn comment keeps its reply: %+v", w)
		}
		if anon.Staff != nil || anon.Following {
			t.Errorf("anonymous reader: staff %v following %v", anon.Staff, anon.Following)
		}

		a := read(&alice)
		if got, want := ids(a.Threads), []string{question, held, hidden, withdrawn, deleted}; !slices.Equal(got, want) {
			t.Errorf("alice's threads = %v, want %v (her held comment too)", got, want)
		}
		if h := find(a, held); h == nil || !h.Show || !h.Mine || h.Notice != "debate.notice.held" {
			t.Errorf("alice's held comment = %+v, want shown to her with the held notice", h)
		}
		if q := find(a, question); q == nil || !q.Mine || q.CanEdit {
			t.Errorf("alice's old question = %+v, want hers and past its edit window", q)
		}
		if a.Count != 4 || a.Staff != nil {
			t.Errorf("alice: count %d staff %v, want 4 and no membership", a.Count, a.Staff)
		}

		b := read(&bruno)
		if got, want := ids(b.Threads), []string{question, rejected, hidden, withdrawn, deleted}; !slices.Equal(got, want) {
			t.Errorf("bruno's threads = %v, want %v (his rejected comment too)", got, want)
		}
		if r := find(b, rejected); r == nil || !r.Show || r.Notice != "debate.notice.rejected" {
			t.Errorf("bruno's rejected comment = %+v", r)
		}

		// Within the edit window, an author may still edit a held comment.
		ts.Clock.Set(start.Add(time.Duration(n+1) * time.Minute))
		if h := find(read(&alice), held); h == nil || !h.CanEdit {
			t.Errorf("alice's recent held comment = %+v, want editable", h)
		}

		ag := read(&agent)
		if ag.Staff == nil || ag.Lead || len(ag.AnswerServices) != 1 || ag.AnswerServices[0].ID != voirie.ID {
			t.Errorf("agent: staff %v lead %v services %v, want only Voirie", ag.Staff, ag.Lead, ag.AnswerServices)
		}
		ad := read(&admin)
		if ad.Staff == nil || !ad.Lead || len(ad.AnswerServices) != 2 {
			t.Errorf("admin: staff %v lead %v services %v, want every service", ad.Staff, ad.Lead, ad.AnswerServices)
		}

		// Only a published publication of this organisation has a thread.
		for _, p := range []model.Publication{publication("brouillon", org, model.StateDraft), publication("ailleurs", other, model.StatePublished)} {
			if _, err := ts.App.Debate.CommentThread(ctx, &alice, org.ID, p); !errors.Is(err, model.ErrNotFound) {
				t.Errorf("thread of %s: err %v, want not found", p.Slug, err)
			}
		}
	})
}
