package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/store/storetest"
)

// publicFixture makes an organisation with a topic, a neighbourhood and a
// few publications in various states.
func publicFixture(t *testing.T, s *store.Store, now time.Time) {
	t.Helper()
	ctx := context.Background()
	for _, h := range []string{"ville-a", "ville-b"} {
		if err := s.CreateOrganisation(ctx, model.Organisation{ID: h, Handle: h, Name: h, Kind: model.KindCommune, CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	exec(t, s, `INSERT INTO topics (id, org_id, slug, name, created_at) VALUES ('t1','ville-a','ecoles','Écoles',$1)`, now)
	exec(t, s, `INSERT INTO neighbourhoods (id, org_id, slug, name, created_at) VALUES ('n1','ville-a','port','Le Port',$1)`, now)
	at := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
	pubs := []model.Publication{
		{ID: "p1", OrgID: "ville-a", Kind: model.KindNews, Slug: "inscriptions-ecole", Title: "Inscriptions à l'école",
			Summary: "Les inscriptions scolaires sont ouvertes.", BodyHTML: "<p>Rendez-vous en mairie pour l'inscription de votre enfant.</p>",
			State: model.StatePublished, PublishedAt: at(-48 * time.Hour), TopicIDs: []string{"t1"}, NeighbourhoodIDs: []string{"n1"}},
		{ID: "p2", OrgID: "ville-a", Kind: model.KindNews, Slug: "brouillon", Title: "Brouillon secret sur l'école",
			Summary: "Pas encore publié", State: model.StateDraft, TopicIDs: []string{"t1"}},
		{ID: "p3", OrgID: "ville-a", Kind: model.KindAlert, Slug: "crue", Title: "Vigilance crue de la Loire",
			Summary: "Le niveau monte.", State: model.StatePublished, AlertLevel: model.AlertVigilance,
			AlertEndsAt: at(time.Hour), PublishedAt: at(-time.Hour)},
		{ID: "p4", OrgID: "ville-a", Kind: model.KindAlert, Slug: "vieille-alerte", Title: "Coupure d'eau terminée",
			State: model.StatePublished, AlertLevel: model.AlertUrgence, AlertEndsAt: at(-time.Hour), PublishedAt: at(-3 * time.Hour)},
		{ID: "p5", OrgID: "ville-a", Kind: model.KindJob, Slug: "agent-ecole", Title: "Agent d'entretien des écoles",
			State: model.StatePublished, Job: model.JobOffer{Title: "Agent d'entretien", Category: "C", ClosesAt: at(24 * time.Hour)}, PublishedAt: at(-5 * time.Hour)},
		{ID: "p6", OrgID: "ville-a", Kind: model.KindJob, Slug: "offre-close", Title: "Offre close",
			State: model.StatePublished, Job: model.JobOffer{ClosesAt: at(-24 * time.Hour)}, PublishedAt: at(-72 * time.Hour)},
		{ID: "p7", OrgID: "ville-b", Kind: model.KindNews, Slug: "autre-ecole", Title: "Une école ailleurs",
			State: model.StatePublished, PublishedAt: at(-time.Hour)},
	}
	for i := range pubs {
		pubs[i].CreatedAt, pubs[i].UpdatedAt = now.Add(-100*time.Hour), now.Add(-100*time.Hour)
	}
	err := s.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.BulkInsertPublications(ctx, pubs); err != nil {
			return err
		}
		for _, p := range pubs {
			if err := tx.IndexPublication(ctx, p.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func exec(t *testing.T, s *store.Store, q string, args ...any) {
	t.Helper()
	if _, err := s.DB().Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func slugs(ps []model.Publication) string {
	out := ""
	for _, p := range ps {
		out += p.Slug + " "
	}
	return out
}

func TestPublicReadsShowOnlyPublished(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		publicFixture(t, s, now)

		if _, _, _, err := s.PublishedBySlug(ctx, "ville-a", "brouillon"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("draft by slug: %v", err)
		}
		if _, _, _, err := s.PublishedBySlug(ctx, "ville-b", "inscriptions-ecole"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("other organisation's slug: %v", err)
		}
		p, topics, nbs, err := s.PublishedBySlug(ctx, "ville-a", "inscriptions-ecole")
		if err != nil || p.BodyHTML == "" || len(topics) != 1 || topics[0].Slug != "ecoles" || len(nbs) != 1 || nbs[0].Name != "Le Port" {
			t.Fatalf("publication = %+v %v %v %v", p, topics, nbs, err)
		}

		all, err := s.PublicList(ctx, model.PublicFilter{OrgID: "ville-a"})
		if err != nil {
			t.Fatal(err)
		}
		if got := slugs(all); got != "crue vieille-alerte agent-ecole inscriptions-ecole offre-close " {
			t.Fatalf("all = %s", got)
		}
		active, err := s.PublicList(ctx, model.PublicFilter{OrgID: "ville-a", Kinds: []model.PubKind{model.KindAlert, model.KindJob}, ActiveAt: &now})
		if err != nil {
			t.Fatal(err)
		}
		if got := slugs(active); got != "crue agent-ecole " {
			t.Fatalf("active alerts and open jobs = %s", got)
		}
		byTopic, err := s.PublicList(ctx, model.PublicFilter{OrgID: "ville-a", TopicID: "t1"})
		if err != nil || slugs(byTopic) != "inscriptions-ecole " {
			t.Fatalf("by topic = %s %v", slugs(byTopic), err)
		}
		byNb, err := s.PublicList(ctx, model.PublicFilter{OrgID: "ville-a", NeighbourhoodID: "n1", WithBody: true})
		if err != nil || slugs(byNb) != "inscriptions-ecole " || byNb[0].BodyHTML == "" {
			t.Fatalf("by neighbourhood = %s %v", slugs(byNb), err)
		}
		sm, err := s.PublicSitemap(ctx, "ville-a", 100, 0)
		if err != nil || len(sm) != 5 {
			t.Fatalf("sitemap = %v %v", sm, err)
		}
	})
}

// Topic and neighbourhood pages read the join tables' listed_at (migration
// 00042): triggers must keep it in step with the publication's state and
// date, whatever changes them.
func TestTagListsFollowPublication(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		publicFixture(t, s, now)
		lists := func() string {
			t.Helper()
			byTopic, err := s.PublicList(ctx, model.PublicFilter{OrgID: "ville-a", TopicID: "t1"})
			if err != nil {
				t.Fatal(err)
			}
			byNb, err := s.PublicList(ctx, model.PublicFilter{OrgID: "ville-a", NeighbourhoodID: "n1"})
			if err != nil {
				t.Fatal(err)
			}
			return slugs(byTopic) + "| " + slugs(byNb)
		}
		// The draft p2 is filed under t1: publishing it lists it, newest first.
		exec(t, s, `UPDATE publications SET state = 'published', published_at = $1 WHERE id = 'p2'`, now)
		if got := lists(); got != "brouillon inscriptions-ecole | inscriptions-ecole " {
			t.Fatalf("after publishing p2: %s", got)
		}
		// Filed under n1 while published: listed at once.
		if err := s.SetPublicationNeighbourhoods(ctx, "ville-a", "p2", []string{"n1"}); err != nil {
			t.Fatal(err)
		}
		if got := lists(); got != "brouillon inscriptions-ecole | brouillon inscriptions-ecole " {
			t.Fatalf("after filing p2 under n1: %s", got)
		}
		// Withdrawn: gone from both lists.
		exec(t, s, `UPDATE publications SET state = 'withdrawn' WHERE id = 'p2'`)
		if got := lists(); got != "inscriptions-ecole | inscriptions-ecole " {
			t.Fatalf("after withdrawing p2: %s", got)
		}
		// Republished with an older date: back, in date order.
		exec(t, s, `UPDATE publications SET state = 'published', published_at = $1 WHERE id = 'p2'`, now.Add(-72*time.Hour))
		if got := lists(); got != "inscriptions-ecole brouillon | inscriptions-ecole brouillon " {
			t.Fatalf("after republishing p2 earlier: %s", got)
		}
	})
}

func TestSearchFrench(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		publicFixture(t, s, now)
		search := func(q string) string {
			t.Helper()
			r, err := s.SearchPublications(ctx, "ville-a", q, 10, 0)
			if err != nil {
				t.Fatalf("search %q: %v", q, err)
			}
			return slugs(r.Hits)
		}
		// Accents: "ecole" finds "école"; plural/singular meet; drafts and
		// other organisations never appear; a title match ranks first.
		if got := search("ecole"); got != "agent-ecole inscriptions-ecole " && got != "inscriptions-ecole agent-ecole " {
			t.Fatalf("ecole → %s", got)
		}
		if got := search("inscriptions"); got != "inscriptions-ecole " {
			t.Fatalf("inscriptions → %s", got)
		}
		if got := search("INSCRIPTION"); got != "inscriptions-ecole " {
			t.Fatalf("INSCRIPTION → %s", got)
		}
		if got := search("crues loire"); got != "crue " {
			t.Fatalf("crues loire → %s", got)
		}
		if got := search("secret"); got != "" {
			t.Fatalf("a draft was found: %s", got)
		}
		if got := search(`"le la" OR NEAR(*`); got != "" {
			t.Fatalf("syntax → %s", got)
		}
		// Paging.
		r, err := s.SearchPublications(ctx, "ville-a", "ecole", 1, 0)
		if err != nil || len(r.Hits) != 1 || !r.More {
			t.Fatalf("page 1: %v %v", r, err)
		}
		// Unpublishing removes it at once (trigger on both engines), and
		// editing the text is reflected once reindexed.
		exec(t, s, `UPDATE publications SET state = 'unpublished' WHERE id = 'p1'`)
		if got := search("inscriptions"); got != "" {
			t.Fatalf("unpublished still found: %s", got)
		}
		exec(t, s, `UPDATE publications SET state = 'published', title = 'Cantine scolaire' WHERE id = 'p1'`)
		if err := s.IndexPublication(ctx, "p1"); err != nil {
			t.Fatal(err)
		}
		if got := search("cantines"); got != "inscriptions-ecole " {
			t.Fatalf("after edit → %s", got)
		}
	})
}

func TestGenerationBumpsOnPublicChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		publicFixture(t, s, now)
		gen := func() int64 {
			t.Helper()
			_, g, err := s.PublicGeneration(ctx, "ville-a")
			if err != nil {
				t.Fatal(err)
			}
			return g
		}
		g0 := gen()
		exec(t, s, `UPDATE publications SET title = 'x' WHERE id = 'p2'`) // a draft: nothing public changes
		if gen() != g0 {
			t.Fatal("editing a draft bumped the generation")
		}
		for i, q := range []string{
			`UPDATE publications SET state = 'published' WHERE id = 'p2'`,
			`UPDATE publications SET title = 'y' WHERE id = 'p2'`,
			`UPDATE publications SET state = 'unpublished' WHERE id = 'p2'`,
			`UPDATE topics SET name = 'Scolarité' WHERE id = 't1'`,
			`INSERT INTO publication_neighbourhoods (publication_id, neighbourhood_id) VALUES ('p3', 'n1')`,
			`UPDATE organisations SET description = 'z' WHERE id = 'ville-a'`,
			`DELETE FROM publications WHERE id = 'p4'`,
		} {
			before := gen()
			exec(t, s, q)
			if gen() <= before {
				t.Fatalf("change %d (%s) did not bump the generation", i, q)
			}
		}
		if _, _, err := s.PublicGeneration(ctx, "nobody"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("unknown handle: %v", err)
		}
	})
}

func TestBulkInsertAndReindex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		publicFixture(t, s, now)
		var pubs []model.Publication
		for i := range 1000 {
			pt := now.Add(-time.Duration(i) * time.Minute)
			pubs = append(pubs, model.Publication{ID: fmt.Sprintf("b%04d", i), OrgID: "ville-a", Kind: model.KindNews,
				Slug: fmt.Sprintf("bulk-%d", i), Title: fmt.Sprintf("Piscine numéro %d", i), State: model.StatePublished,
				CreatedAt: pt, UpdatedAt: pt, PublishedAt: &pt, TopicIDs: []string{"t1"}})
		}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.BulkInsertPublications(ctx, pubs) }); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReindexOrganisation(ctx, "ville-a"); err != nil {
			t.Fatal(err)
		}
		r, err := s.SearchPublications(ctx, "ville-a", "piscines", 20, 0)
		if err != nil || len(r.Hits) != 20 || !r.More {
			t.Fatalf("search after bulk = %d %v", len(r.Hits), err)
		}
		n, err := s.PublishedCount(ctx, "ville-a")
		if err != nil || n != 1005 {
			t.Fatalf("count = %d %v", n, err)
		}
	})
}

// A publication created already published (the demo, an import) gets a
// publication date, so it sorts and enters the sitemap and search; a row
// published without one (written before that fix) does not break the
// sitemap of its whole organisation.
func TestCreatedPublishedHasDate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		publicFixture(t, s, now)
		p := model.Publication{ID: "p8", OrgID: "ville-a", Kind: model.KindNews, Slug: "budget", Title: "Budget 2027",
			State: model.StatePublished, CreatedAt: now.Add(-time.Hour), UpdatedAt: now.Add(-time.Hour)}
		if err := s.CreatePublication(ctx, p, "r8"); err != nil {
			t.Fatal(err)
		}
		got, err := s.PublicationBySlug(ctx, "ville-a", "budget")
		if err != nil || got.PublishedAt == nil || !got.PublishedAt.Equal(p.CreatedAt) {
			t.Fatalf("published at = %v, %v; want the creation time %v", got.PublishedAt, err, p.CreatedAt)
		}
		exec(t, s, `UPDATE publications SET published_at = NULL WHERE id = 'p1'`)
		sm, err := s.PublicSitemap(ctx, "ville-a", 100, 0)
		if err != nil || len(sm) != 6 {
			t.Fatalf("sitemap = %v %v", sm, err)
		}
		for _, e := range sm {
			if e.Modified.IsZero() {
				t.Errorf("%s has no date in the sitemap", e.Slug)
			}
		}
	})
}
