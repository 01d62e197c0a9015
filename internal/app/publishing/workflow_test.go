package publishing_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/publishing"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/jobs"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// newsroom is a test server with one organisation requiring validation of
// news, and its staff: an administrator, an editor, a validator and a
// manager.
type newsroom struct {
	ts                                *testserver.TS
	pub                               *publishing.Service
	org                               model.Organisation
	admin, editor, validator, manager model.Account
}

func newNewsroom(t *testing.T, engine store.Engine) newsroom {
	t.Helper()
	ts := testserver.Start(t, testserver.Options{Engine: engine})
	n := newsroom{ts: ts, pub: ts.App.Publishing, org: ts.Org(t, "bellerive")}
	n.admin = ts.Staff(t, "admin@bellerive.test", n.org.Handle, model.RoleAdmin)
	n.editor = ts.Staff(t, "editrice@bellerive.test", n.org.Handle, model.RoleEditor)
	n.validator = ts.Staff(t, "valideur@bellerive.test", n.org.Handle, model.RoleValidator)
	n.manager = ts.Staff(t, "chef@bellerive.test", n.org.Handle, model.RoleManager)
	err := n.pub.SetValidationRequired(context.Background(), n.admin.ID, n.org.ID, map[model.PubKind]bool{model.KindNews: true})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// draft saves a new news item as author and returns it.
func (n newsroom) draft(t *testing.T, author model.Account, title string) model.Publication {
	t.Helper()
	res, err := n.pub.SavePublication(context.Background(), author.ID, n.org.ID,
		model.PubInput{Kind: model.KindNews, Title: title, Body: "Le marché déménage place de la Mairie."})
	if err != nil {
		t.Fatalf("save %q: %v", title, err)
	}
	if !res.Created || res.Publication.State != model.StateDraft {
		t.Fatalf("new publication: created %v, state %s", res.Created, res.Publication.State)
	}
	return res.Publication
}

// step applies act as actor and checks the error (nil: the state reached).
func (n newsroom) step(t *testing.T, actor model.Account, id string, act publishing.Action, wantErr error, want model.PubState) {
	t.Helper()
	ctx := context.Background()
	_, err := n.pub.Transition(ctx, actor.ID, n.org.ID, id, publishing.TransitionInput{Action: act, Comment: "vu"})
	if !errors.Is(err, wantErr) {
		t.Fatalf("%s by %s: got %v, want %v", act, actor.Email, err, wantErr)
	}
	p, err := n.ts.Store.PublicationByID(ctx, n.org.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.State != want {
		t.Fatalf("after %s by %s: state %s, want %s", act, actor.Email, p.State, want)
	}
}

// TestValidationWorkflow follows a news item under required validation: an
// editor cannot publish (nor a manager before approval), a validator
// approves, the same approval twice is a conflict, a change after approval
// sends it back to review, the author may not approve their own text, and
// the history records every step.
func TestValidationWorkflow(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		n := newNewsroom(t, engine)
		p := n.draft(t, n.editor, "Le marché change de place")

		n.step(t, n.editor, p.ID, publishing.ActPublish, model.ErrForbidden, model.StateDraft)
		n.step(t, n.manager, p.ID, publishing.ActPublish, model.ErrForbidden, model.StateDraft) // approval first
		n.step(t, n.validator, p.ID, publishing.ActApprove, model.ErrConflict, model.StateDraft)
		n.step(t, n.editor, p.ID, publishing.ActSubmit, nil, model.StateSubmitted)
		n.step(t, n.editor, p.ID, publishing.ActApprove, model.ErrForbidden, model.StateSubmitted)
		n.step(t, n.validator, p.ID, publishing.ActApprove, nil, model.StateApproved)
		n.step(t, n.validator, p.ID, publishing.ActApprove, model.ErrConflict, model.StateApproved) // double click

		// The editor may no longer change it; a manager may, which voids the approval.
		in := publishing.PubInputOf(p)
		in.Body = "Le marché déménage place de l'Église."
		if _, err := n.pub.SavePublication(ctx, n.editor.ID, n.org.ID, in); !errors.Is(err, model.ErrForbidden) {
			t.Fatalf("editor edits an approved item: %v", err)
		}
		res, err := n.pub.SavePublication(ctx, n.manager.ID, n.org.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Changed || !res.BackToReview || res.Publication.State != model.StateSubmitted || res.Publication.Revision != p.Revision+1 {
			t.Fatalf("edit after approval: changed %v, back to review %v, state %s, revision %d (was %d)",
				res.Changed, res.BackToReview, res.Publication.State, res.Publication.Revision, p.Revision)
		}
		n.step(t, n.manager, p.ID, publishing.ActPublish, model.ErrForbidden, model.StateSubmitted)
		n.step(t, n.validator, p.ID, publishing.ActApprove, nil, model.StateApproved)
		n.step(t, n.manager, p.ID, publishing.ActPublish, nil, model.StatePublished)
		if _, err := n.ts.Store.PublishedPublication(ctx, n.org.ID, p.Slug); err != nil {
			t.Fatalf("the published item is not public: %v", err)
		}

		var got []string
		trs, err := n.pub.PublicationHistory(ctx, n.admin.ID, n.org.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range trs {
			got = append(got, string(tr.From)+">"+string(tr.To))
		}
		want := []string{"draft>submitted", "submitted>approved", "approved>submitted", "submitted>approved", "approved>published"}
		if !slices.Equal(got, want) {
			t.Fatalf("history %v, want %v", got, want)
		}

		// Four eyes: whoever wrote it may not approve it, even an administrator.
		own := n.draft(t, n.admin, "Fermeture de la piscine")
		n.step(t, n.admin, own.ID, publishing.ActSubmit, nil, model.StateSubmitted)
		n.step(t, n.admin, own.ID, publishing.ActApprove, model.ErrForbidden, model.StateSubmitted)
	})
}

// TestBadInputWritesNothing checks that a refused save or schedule returns
// the fields to fix and leaves the store as it was.
func TestBadInputWritesNothing(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		n := newNewsroom(t, engine)
		fields := func(err error) []string {
			t.Helper()
			var v *model.ValidationError
			if !errors.As(err, &v) || !errors.Is(err, model.ErrInvalid) {
				t.Fatalf("want a ValidationError, got %v", err)
			}
			var out []string
			for _, f := range v.Fields {
				out = append(out, f.Field)
			}
			slices.Sort(out)
			return out
		}

		id := core.NewID()
		_, err := n.pub.SavePublication(ctx, n.editor.ID, n.org.ID, model.PubInput{ID: id, Kind: model.KindAlert,
			Title: "  ", AlertLevel: "rouge", AlertEndsAt: "31/02/2026"})
		if got := fields(err); !slices.Equal(got, []string{"alert_ends_at", "alert_level", "title"}) {
			t.Fatalf("fields %v", got)
		}
		if _, err := n.ts.Store.PublicationByID(ctx, n.org.ID, id); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("a refused new publication was written: %v", err)
		}

		// An existing draft keeps its text and revision.
		p := n.draft(t, n.editor, "Conseil municipal")
		in := publishing.PubInputOf(p)
		in.Title = ""
		in.Body = "Nouveau texte"
		if got := fields(func() error { _, err := n.pub.SavePublication(ctx, n.editor.ID, n.org.ID, in); return err }()); !slices.Equal(got, []string{"title"}) {
			t.Fatalf("fields %v", got)
		}
		after, err := n.ts.Store.PublicationByID(ctx, n.org.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		revs, err := n.ts.Store.PublicationRevisions(ctx, n.org.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.Title != p.Title || after.BodyMD != p.BodyMD || after.Revision != p.Revision || len(revs) != 1 {
			t.Fatalf("refused save changed the draft: %q %q revision %d, %d revisions", after.Title, after.BodyMD, after.Revision, len(revs))
		}

		// Scheduling in the past is refused beside the field; the approved item stays approved.
		n.step(t, n.editor, p.ID, publishing.ActSubmit, nil, model.StateSubmitted)
		n.step(t, n.validator, p.ID, publishing.ActApprove, nil, model.StateApproved)
		past := n.ts.App.Now().Add(-time.Hour).In(dates.Paris).Format(dates.LocalDateTime)
		_, err = n.pub.Transition(ctx, n.manager.ID, n.org.ID, p.ID, publishing.TransitionInput{Action: publishing.ActSchedule, When: past})
		if got := fields(err); !slices.Equal(got, []string{"when"}) {
			t.Fatalf("fields %v", got)
		}
		n.step(t, n.manager, p.ID, publishing.ActUnschedule, model.ErrConflict, model.StateApproved)
		if len(scheduledJobs(t, n.ts)) != 0 {
			t.Fatal("a refused schedule queued a job")
		}
	})
}

// scheduledJobs lists the publish_scheduled jobs in the queue.
func scheduledJobs(t *testing.T, ts *testserver.TS) []int64 {
	t.Helper()
	res, err := ts.Server.Jobs.Client().JobList(t.Context(), river.NewJobListParams().Kinds(jobs.PublishScheduledArgs{}.Kind()).First(100))
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, j := range res.Jobs {
		ids = append(ids, j.ID)
	}
	return ids
}
