package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/store/storetest"
)

// A second opinion is requested, answered, shown with its comment in the
// moderation queue, requested again after an edit (the old answer
// forgotten); the organisation's switch keeps its other settings.
func TestCommentOpinions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := twoOrgs(t, s)
		pub := newPub(t, s, "ville-a", "p1", "piscine", model.KindNews, now)
		c := model.Comment{ID: "c1", OrgID: "ville-a", PublicationID: pub.ID, RemoteName: "Jeanne", Body: "Le maire est un ancien professeur.",
			Fingerprint: "fp", Status: model.CommentHeld, InitialStatus: model.CommentHeld, ScreenVerdict: "hold", ScreenScore: 0.5,
			ScreenReasons: []string{"modèle statistique : probabilité d'abus 0.50"}, Review: model.ReviewHeld, ReviewSince: &now,
			CreatedAt: now, UpdatedAt: now}
		if err := s.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		if _, err := s.OpinionOf(ctx, "c1"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("no opinion yet: %v", err)
		}
		q, err := s.NeedsDecision(ctx, "ville-a", 10)
		if err != nil || len(q) != 1 || q[0].Opinion != nil {
			t.Fatalf("queue without opinion: %+v %v", q, err)
		}
		if err := s.RequestOpinion(ctx, "ville-a", "c1", model.BandHeldWeak, now); err != nil {
			t.Fatal(err)
		}
		op, err := s.OpinionOf(ctx, "c1")
		if err != nil || op.Status != model.OpinionPending || op.Band != model.BandHeldWeak || !op.RequestedAt.Equal(now) || op.AnsweredAt != nil {
			t.Fatalf("pending: %+v %v", op, err)
		}
		at := now.Add(time.Minute)
		op.Status, op.Decision, op.Category, op.Confidence, op.Reason, op.Model, op.Action, op.AnsweredAt =
			model.OpinionAnswered, "publish", "critique_civile", 0.93, "Un fait neutre sur le parcours du maire.", "mistral", model.OpinionReleased, &at
		if err := s.SaveOpinion(ctx, op); err != nil {
			t.Fatal(err)
		}
		q, err = s.NeedsDecision(ctx, "ville-a", 10)
		if err != nil || len(q) != 1 || q[0].Opinion == nil {
			t.Fatalf("queue with opinion: %+v %v", q, err)
		}
		got := *q[0].Opinion
		if got.Decision != "publish" || got.Category != "critique_civile" || got.Confidence != 0.93 || got.Model != "mistral" ||
			got.Action != model.OpinionReleased || got.Band != model.BandHeldWeak || got.AnsweredAt == nil || !got.AnsweredAt.Equal(at) ||
			!got.RequestedAt.Equal(now) || got.Reason != op.Reason {
			t.Fatalf("queue opinion = %+v", got)
		}
		// Asked again after an edit: the earlier answer is gone.
		if err := s.RequestOpinion(ctx, "ville-a", "c1", model.BandPublishedNear, at); err != nil {
			t.Fatal(err)
		}
		if op, err := s.OpinionOf(ctx, "c1"); err != nil || op.Status != model.OpinionPending || op.Decision != "" || op.Reason != "" ||
			op.Band != model.BandPublishedNear || op.AnsweredAt != nil {
			t.Fatalf("asked again: %+v %v", op, err)
		}

		// The switch: off by default, on without touching the mode and charter.
		if err := s.SetSecondOpinion(ctx, "ville-b", true, now); err != nil {
			t.Fatal(err)
		}
		if ms, err := s.ModerationSettings(ctx, "ville-b"); err != nil || !ms.SecondOpinion || ms.Mode != model.ModePost || ms.ReportThreshold != 3 {
			t.Fatalf("settings after switch on: %+v %v", ms, err)
		}
		if err := s.PutModerationSettings(ctx, model.ModerationSettings{OrgID: "ville-a", Mode: model.ModePre, Charter: []string{"Respect"},
			ReportThreshold: 5, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
		if ms, _ := s.ModerationSettings(ctx, "ville-a"); ms.SecondOpinion {
			t.Fatal("second opinion on by default")
		}
		if err := s.SetSecondOpinion(ctx, "ville-a", true, now); err != nil {
			t.Fatal(err)
		}
		if err := s.PutModerationSettings(ctx, model.ModerationSettings{OrgID: "ville-a", Mode: model.ModePost, Charter: []string{"Respect"},
			ReportThreshold: 4, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
		if ms, err := s.ModerationSettings(ctx, "ville-a"); err != nil || !ms.SecondOpinion || ms.Mode != model.ModePost || ms.ReportThreshold != 4 {
			t.Fatalf("saving the other settings changed the switch: %+v %v", ms, err)
		}
	})
}
