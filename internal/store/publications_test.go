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

// twoOrgs creates organisations "ville-a" and "ville-b" and returns a time.
func twoOrgs(t *testing.T, s *store.Store) time.Time {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, h := range []string{"ville-a", "ville-b"} {
		if err := s.CreateOrganisation(ctx, model.Organisation{ID: h, Handle: h, Name: h, Kind: model.KindCommune, CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	return now
}

func newPub(t *testing.T, s *store.Store, org, id, slug string, kind model.PubKind, at time.Time) model.Publication {
	t.Helper()
	p := model.Publication{ID: id, OrgID: org, Kind: kind, Slug: slug, Title: "Titre " + slug, Summary: "Résumé",
		BodyMD: "Corps", BodyHTML: "<p>Corps</p>", State: model.StateDraft, AuthorID: "author-" + org,
		CreatedAt: at, UpdatedAt: at}
	if kind == model.KindAlert {
		p.AlertLevel = model.AlertVigilance
		end := at.Add(48 * time.Hour)
		p.AlertEndsAt = &end
	}
	if kind == model.KindJob {
		closes := at.Add(30 * 24 * time.Hour)
		p.Job = model.JobOffer{Title: "Agent des espaces verts", Grade: "Adjoint technique", Category: "C",
			Filiere: "technique", Contract: "permanent", Time: "full", Place: "Centre technique", ClosesAt: &closes,
			HowToApply: "CV et lettre à rh@bellerive.fr"}
	}
	err := s.InTx(context.Background(), func(tx *store.Tx) error { return tx.CreatePublication(context.Background(), p, "rev-"+id+"-1") })
	if err != nil {
		t.Fatal(err)
	}
	p.Revision = 1
	return p
}

func TestPublicationContentAndRevisions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := twoOrgs(t, s)
		job := newPub(t, s, "ville-a", "p1", "agent-espaces-verts", model.KindJob, now)
		alert := newPub(t, s, "ville-a", "p2", "crue", model.KindAlert, now)

		got, err := s.PublicationByID(ctx, "ville-a", "p1")
		if err != nil {
			t.Fatal(err)
		}
		if got.Job.Title != job.Job.Title || got.Job.ClosesAt == nil || !got.Job.ClosesAt.Equal(*job.Job.ClosesAt) ||
			got.Revision != 1 || got.State != model.StateDraft || !got.CreatedAt.Equal(now) {
			t.Fatalf("job offer read back = %+v", got)
		}
		if a, _ := s.PublicationBySlug(ctx, "ville-a", "crue"); a.AlertLevel != model.AlertVigilance || !a.AlertEndsAt.Equal(*alert.AlertEndsAt) {
			t.Fatalf("alert read back = %+v", a)
		}
		// Another organisation sees nothing, by id or by slug.
		if _, err := s.PublicationByID(ctx, "ville-b", "p1"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("cross-organisation read by id: %v", err)
		}
		if _, err := s.PublicationBySlug(ctx, "ville-b", "crue"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("cross-organisation read by slug: %v", err)
		}
		// Slugs are unique per organisation, not across the instance.
		dup := job
		dup.ID = "p3"
		if err := s.CreatePublication(ctx, dup, "rev-p3"); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("duplicate slug: %v", err)
		}
		newPub(t, s, "ville-b", "p4", "agent-espaces-verts", model.KindJob, now)

		// Two content updates give revisions 2 and 3; all are kept.
		for i, title := range []string{"Deuxième titre", "Troisième titre"} {
			upd := got
			upd.Title = title
			upd.Job.Category = "B"
			upd.UpdatedAt = now.Add(time.Duration(i+1) * time.Hour)
			var rev int
			err := s.InTx(ctx, func(tx *store.Tx) error {
				var err error
				rev, err = tx.UpdatePublicationContent(ctx, upd, fmt.Sprintf("rev-p1-%d", i+2), "editor")
				return err
			})
			if err != nil || rev != i+2 {
				t.Fatalf("update %d: rev %d, %v", i, rev, err)
			}
		}
		// Updating through another organisation finds nothing.
		foreign := got
		foreign.OrgID = "ville-b"
		if _, err := s.UpdatePublicationContent(ctx, foreign, "rev-x", "intruder"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("cross-organisation update: %v", err)
		}
		revs, err := s.PublicationRevisions(ctx, "ville-a", "p1")
		if err != nil || len(revs) != 3 || revs[0].Revision != 3 || revs[0].Title != "Troisième titre" ||
			revs[0].Job.Category != "B" || revs[2].Title != job.Title || revs[2].Job.Category != "C" || revs[0].AuthorID != "editor" {
			t.Fatalf("revisions = %+v, %v", revs, err)
		}
		r1, err := s.PublicationRevision(ctx, "ville-a", "p1", 1)
		if err != nil || r1.Title != job.Title || r1.Job.ClosesAt == nil {
			t.Fatalf("revision 1 = %+v, %v", r1, err)
		}
		if _, err := s.PublicationRevision(ctx, "ville-b", "p1", 1); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("cross-organisation revision: %v", err)
		}
		if revs, _ := s.PublicationRevisions(ctx, "ville-b", "p1"); len(revs) != 0 {
			t.Fatalf("cross-organisation revisions: %d", len(revs))
		}
		if err := s.SetPublicationImage(ctx, "ville-b", "p1", "m1"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("cross-organisation image: %v", err)
		}
	})
}

func TestPublicationStateTransitions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := twoOrgs(t, s)
		newPub(t, s, "ville-a", "p1", "rue-des-tanneurs", model.KindNews, now)
		n := 0
		move := func(org string, from, to model.PubState, at time.Time, sched *time.Time) error {
			n++
			return s.InTx(ctx, func(tx *store.Tx) error {
				return tx.SetPublicationState(ctx, store.StateChange{PubTransition: model.PubTransition{
					ID: fmt.Sprintf("tr%d", n), PublicationID: "p1", OrgID: org, From: from, To: to,
					ActorID: "someone", Comment: "commentaire " + string(to), CreatedAt: at}, ScheduledAt: sched})
			})
		}
		if err := move("ville-a", model.StateDraft, model.StateSubmitted, now.Add(time.Minute), nil); err != nil {
			t.Fatal(err)
		}
		// Repeating the same request is a conflict, not a second transition.
		if err := move("ville-a", model.StateDraft, model.StateSubmitted, now.Add(time.Minute), nil); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("repeat: %v", err)
		}
		if err := move("ville-b", model.StateSubmitted, model.StateApproved, now, nil); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("cross-organisation transition: %v", err)
		}
		if err := move("ville-a", model.StateSubmitted, model.StateApproved, now.Add(2*time.Minute), nil); err != nil {
			t.Fatal(err)
		}
		p, _ := s.PublicationByID(ctx, "ville-a", "p1")
		if p.State != model.StateApproved || p.ApprovedBy != "someone" || p.ApprovedAt == nil || p.SubmittedAt == nil {
			t.Fatalf("approved = %+v", p)
		}
		when := now.Add(24 * time.Hour)
		if err := move("ville-a", model.StateApproved, model.StateScheduled, now.Add(3*time.Minute), nil); !errors.Is(err, model.ErrInvalid) {
			t.Fatalf("schedule without a time: %v", err)
		}
		if err := move("ville-a", model.StateApproved, model.StateScheduled, now.Add(3*time.Minute), &when); err != nil {
			t.Fatal(err)
		}
		due, err := s.DueScheduled(ctx, when.Add(-time.Second), 10)
		if err != nil || len(due) != 0 {
			t.Fatalf("due too early: %v, %v", due, err)
		}
		due, err = s.DueScheduled(ctx, when, 10)
		if err != nil || len(due) != 1 || due[0].ID != "p1" || !due[0].ScheduledAt.Equal(when) {
			t.Fatalf("due = %+v, %v", due, err)
		}
		cal, err := s.PublicationsBetween(ctx, "ville-a", when.Add(-time.Hour), when.Add(time.Hour))
		if err != nil || len(cal) != 1 {
			t.Fatalf("calendar = %v, %v", cal, err)
		}
		if err := move("ville-a", model.StateScheduled, model.StatePublished, when, nil); err != nil {
			t.Fatal(err)
		}
		if err := move("ville-a", model.StatePublished, model.StateUnpublished, when.Add(time.Hour), nil); err != nil {
			t.Fatal(err)
		}
		if err := move("ville-a", model.StateUnpublished, model.StatePublished, when.Add(2*time.Hour), nil); err != nil {
			t.Fatal(err)
		}
		p, _ = s.PublicationByID(ctx, "ville-a", "p1")
		if p.State != model.StatePublished || !p.PublishedAt.Equal(when) || p.RepublishedAt == nil ||
			!p.RepublishedAt.Equal(when.Add(2*time.Hour)) || p.UnpublishedAt != nil {
			t.Fatalf("republished = %+v", p)
		}
		// Content changed while published shows as an update.
		p.Title, p.UpdatedAt = "Rue des Tanneurs : travaux prolongés", when.Add(3*time.Hour)
		if _, err := s.UpdatePublicationContent(ctx, p, "rev-2", "editor"); err != nil {
			t.Fatal(err)
		}
		p, _ = s.PublicationByID(ctx, "ville-a", "p1")
		if !p.RepublishedAt.Equal(when.Add(3 * time.Hour)) {
			t.Fatalf("republished_at after edit = %v", p.RepublishedAt)
		}
		trs, err := s.PublicationTransitions(ctx, "ville-a", "p1")
		if err != nil || len(trs) != 6 || trs[0].From != model.StateDraft || trs[0].To != model.StateSubmitted ||
			trs[5].To != model.StatePublished || trs[1].Comment != "commentaire approved" {
			t.Fatalf("transitions = %+v, %v", trs, err)
		}
		if trs, _ := s.PublicationTransitions(ctx, "ville-b", "p1"); len(trs) != 0 {
			t.Fatalf("cross-organisation transitions: %d", len(trs))
		}
	})
}

func TestPublicationTagsAndList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := twoOrgs(t, s)
		for _, tp := range []model.Topic{
			{ID: "t-travaux", OrgID: "ville-a", Slug: "travaux", Name: "Travaux", CreatedAt: now},
			{ID: "t-culture", OrgID: "ville-a", Slug: "culture", Name: "Culture", CreatedAt: now},
			{ID: "t-b", OrgID: "ville-b", Slug: "travaux", Name: "Travaux", CreatedAt: now},
		} {
			if err := s.CreateTopic(ctx, tp); err != nil {
				t.Fatal(err)
			}
		}
		for _, nb := range []model.Neighbourhood{
			{ID: "n-port", OrgID: "ville-a", Slug: "le-port", Name: "Le Port", CreatedAt: now},
			{ID: "n-b", OrgID: "ville-b", Slug: "le-port", Name: "Le Port", CreatedAt: now},
		} {
			if err := s.CreateNeighbourhood(ctx, nb); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 7 {
			kind := model.KindNews
			if i%3 == 0 {
				kind = model.KindAlert
			}
			newPub(t, s, "ville-a", fmt.Sprintf("p%d", i), fmt.Sprintf("pub-%d", i), kind, now.Add(time.Duration(i)*time.Minute))
		}
		newPub(t, s, "ville-b", "pb", "pub-b", model.KindNews, now)

		if err := s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.SetPublicationTopics(ctx, "ville-a", "p1", []string{"t-travaux", "t-culture", "t-travaux"}); err != nil {
				return err
			}
			return tx.SetPublicationNeighbourhoods(ctx, "ville-a", "p1", []string{"n-port"})
		}); err != nil {
			t.Fatal(err)
		}
		p, _ := s.PublicationByID(ctx, "ville-a", "p1")
		if len(p.TopicIDs) != 2 || len(p.NeighbourhoodIDs) != 1 || p.NeighbourhoodIDs[0] != "n-port" {
			t.Fatalf("tags = %v %v", p.TopicIDs, p.NeighbourhoodIDs)
		}
		// A topic or neighbourhood of another organisation is refused, and the
		// transaction leaves the previous tags in place.
		err := s.InTx(ctx, func(tx *store.Tx) error {
			return tx.SetPublicationTopics(ctx, "ville-a", "p1", []string{"t-culture", "t-b"})
		})
		if !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("foreign topic: %v", err)
		}
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			return tx.SetPublicationNeighbourhoods(ctx, "ville-a", "p1", []string{"n-b"})
		}); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("foreign neighbourhood: %v", err)
		}
		if err := s.SetPublicationTopics(ctx, "ville-b", "p1", nil); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("tagging another organisation's publication: %v", err)
		}
		p, _ = s.PublicationByID(ctx, "ville-a", "p1")
		if len(p.TopicIDs) != 2 || len(p.NeighbourhoodIDs) != 1 {
			t.Fatalf("tags after refused change = %v %v", p.TopicIDs, p.NeighbourhoodIDs)
		}

		list, total, err := s.ListPublications(ctx, model.PubFilter{OrgID: "ville-a", Limit: 3})
		if err != nil || total != 7 || len(list) != 3 || list[0].ID != "p6" {
			t.Fatalf("page 1 = %d items, total %d, %v", len(list), total, err)
		}
		list, _, _ = s.ListPublications(ctx, model.PubFilter{OrgID: "ville-a", Limit: 3, Offset: 6})
		if len(list) != 1 || list[0].ID != "p0" {
			t.Fatalf("last page = %+v", list)
		}
		list, total, _ = s.ListPublications(ctx, model.PubFilter{OrgID: "ville-a", Kind: model.KindAlert})
		if total != 3 || len(list) != 3 {
			t.Fatalf("alerts: %d", total)
		}
		list, total, _ = s.ListPublications(ctx, model.PubFilter{OrgID: "ville-a", TopicID: "t-culture", State: model.StateDraft, AuthorID: "author-ville-a"})
		if total != 1 || list[0].ID != "p1" {
			t.Fatalf("by topic: %d", total)
		}
		if _, total, _ = s.ListPublications(ctx, model.PubFilter{OrgID: "ville-a", State: model.StatePublished}); total != 0 {
			t.Fatalf("published: %d", total)
		}
		if _, total, _ = s.ListPublications(ctx, model.PubFilter{OrgID: "ville-b"}); total != 1 {
			t.Fatalf("ville-b: %d", total)
		}
		counts, err := s.CountPublicationsByState(ctx, "ville-a")
		if err != nil || counts[model.StateDraft] != 7 {
			t.Fatalf("counts = %v, %v", counts, err)
		}

		// Deleting a topic removes its links.
		if err := s.DeleteTopic(ctx, "ville-a", "t-culture"); err != nil {
			t.Fatal(err)
		}
		if p, _ := s.PublicationByID(ctx, "ville-a", "p1"); len(p.TopicIDs) != 1 || p.TopicIDs[0] != "t-travaux" {
			t.Fatalf("topics after delete = %v", p.TopicIDs)
		}
	})
}

func TestTaxonomy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := twoOrgs(t, s)
		if err := s.CreateService(ctx, model.Service{ID: "svc-a", OrgID: "ville-a", Name: "Voirie", Slug: "voirie", CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateService(ctx, model.Service{ID: "svc-b", OrgID: "ville-b", Name: "Voirie", Slug: "voirie", CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		tp := model.Topic{ID: "t1", OrgID: "ville-a", Slug: "travaux", Name: "Travaux", ServiceID: "svc-a", CreatedAt: now}
		if err := s.CreateTopic(ctx, tp); err != nil {
			t.Fatal(err)
		}
		dup := tp
		dup.ID, dup.ServiceID = "t2", ""
		if err := s.CreateTopic(ctx, dup); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("duplicate topic slug: %v", err)
		}
		foreign := model.Topic{ID: "t3", OrgID: "ville-a", Slug: "culture", Name: "Culture", ServiceID: "svc-b", CreatedAt: now}
		if err := s.CreateTopic(ctx, foreign); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("topic with another organisation's service: %v", err)
		}
		got, err := s.TopicBySlug(ctx, "ville-a", "travaux")
		if err != nil || got.ServiceID != "svc-a" || got.Name != "Travaux" {
			t.Fatalf("topic = %+v, %v", got, err)
		}
		if _, err := s.TopicByID(ctx, "ville-b", "t1"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("cross-organisation topic: %v", err)
		}
		upd := got
		upd.Name, upd.Slug, upd.ServiceID, upd.Description = "Travaux et voirie", "travaux-voirie", "", "Chantiers"
		if err := s.UpdateTopic(ctx, upd); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.TopicByID(ctx, "ville-a", "t1"); got.Name != "Travaux et voirie" || got.ServiceID != "" {
			t.Fatalf("updated topic = %+v", got)
		}
		upd.OrgID = "ville-b"
		if err := s.UpdateTopic(ctx, upd); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("cross-organisation topic update: %v", err)
		}
		if err := s.DeleteTopic(ctx, "ville-b", "t1"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("cross-organisation topic delete: %v", err)
		}
		if list, _ := s.TopicsOf(ctx, "ville-a"); len(list) != 1 {
			t.Fatalf("topics = %v", list)
		}

		nb := model.Neighbourhood{ID: "n1", OrgID: "ville-a", Slug: "les-tanneurs", Name: "Les Tanneurs", CreatedAt: now}
		if err := s.CreateNeighbourhood(ctx, nb); err != nil {
			t.Fatal(err)
		}
		nb2 := model.Neighbourhood{ID: "n2", OrgID: "ville-a", Slug: "le-port", Name: "Le Port", CreatedAt: now}
		if err := s.CreateNeighbourhood(ctx, nb2); err != nil {
			t.Fatal(err)
		}
		nb2.Slug = "les-tanneurs"
		if err := s.UpdateNeighbourhood(ctx, nb2); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("renaming onto a taken slug: %v", err)
		}
		if _, err := s.NeighbourhoodBySlug(ctx, "ville-b", "les-tanneurs"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("cross-organisation neighbourhood: %v", err)
		}
		if list, _ := s.NeighbourhoodsOf(ctx, "ville-a"); len(list) != 2 || list[0].Name != "Le Port" {
			t.Fatalf("neighbourhoods = %+v", list)
		}
		if err := s.DeleteNeighbourhood(ctx, "ville-a", "n1"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.NeighbourhoodByID(ctx, "ville-a", "n1"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("deleted neighbourhood: %v", err)
		}

		// Validation settings default to "not required".
		if req, err := s.ValidationRequired(ctx, "ville-a", model.KindNews); err != nil || req {
			t.Fatalf("default validation = %v, %v", req, err)
		}
		for _, v := range []bool{true, false, true} {
			if err := s.SetValidationRequired(ctx, "ville-a", model.KindNews, v, now); err != nil {
				t.Fatal(err)
			}
		}
		if req, _ := s.ValidationRequired(ctx, "ville-a", model.KindNews); !req {
			t.Fatal("validation setting not saved")
		}
		if req, _ := s.ValidationRequired(ctx, "ville-b", model.KindNews); req {
			t.Fatal("validation setting leaked to another organisation")
		}
		if m, _ := s.ValidationSettings(ctx, "ville-a"); !m[model.KindNews] || m[model.KindAlert] {
			t.Fatalf("settings = %v", m)
		}
	})
}

func TestMedia(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := twoOrgs(t, s)
		m := model.Media{ID: "m1", OrgID: "ville-a", Kind: "image", Path: "ville-a/abc.jpg", ContentType: "image/jpeg",
			Alt: "La rue des Tanneurs en travaux", Width: 1600, Height: 1200, Bytes: 12345, UploadedBy: "editor", CreatedAt: now,
			Variants: []model.MediaVariant{{Width: 480, Height: 360, Path: "ville-a/abc-480.jpg"}}}
		if err := s.CreateMedia(ctx, m); err != nil {
			t.Fatal(err)
		}
		pdf := model.Media{ID: "m2", OrgID: "ville-a", Kind: "pdf", Path: "ville-a/def.pdf", ContentType: "application/pdf", CreatedAt: now.Add(time.Second)}
		if err := s.CreateMedia(ctx, pdf); err != nil {
			t.Fatal(err)
		}
		got, err := s.MediaByID(ctx, "ville-a", "m1")
		if err != nil || got.Alt != m.Alt || len(got.Variants) != 1 || got.Variants[0].Path != "ville-a/abc-480.jpg" {
			t.Fatalf("media = %+v, %v", got, err)
		}
		if _, err := s.MediaByID(ctx, "ville-b", "m1"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("cross-organisation media: %v", err)
		}
		if got, err := s.MediaByPath(ctx, "ville-a/def.pdf"); err != nil || got.ID != "m2" {
			t.Fatalf("by path = %+v, %v", got, err)
		}
		if list, _ := s.MediaOf(ctx, "ville-a", "image", 10); len(list) != 1 {
			t.Fatalf("images = %v", list)
		}
		if list, _ := s.MediaOf(ctx, "ville-a", "", 10); len(list) != 2 || list[0].ID != "m2" {
			t.Fatalf("all media = %v", list)
		}
	})
}
