package publishing_test

import (
	"context"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/publishing"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestScheduledPublication schedules two approved items an hour ahead on
// the test clock: neither goes out early; when the clock passes, the job
// publishes the first; the second, whose job was lost (a restored backup),
// is published by PublishDue, which then finds nothing more to do.
func TestScheduledPublication(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		n := newNewsroom(t, engine)
		n.ts.Clock.Set(time.Now().Truncate(time.Minute))
		when := n.ts.App.Now().Add(time.Hour)
		schedule := func(title string) model.Publication {
			t.Helper()
			p := n.draft(t, n.editor, title)
			n.step(t, n.editor, p.ID, publishing.ActSubmit, nil, model.StateSubmitted)
			n.step(t, n.validator, p.ID, publishing.ActApprove, nil, model.StateApproved)
			p, err := n.pub.Transition(ctx, n.manager.ID, n.org.ID, p.ID, publishing.TransitionInput{Action: publishing.ActSchedule,
				When: when.In(dates.Paris).Format(dates.LocalDateTime)})
			if err != nil {
				t.Fatal(err)
			}
			if p.State != model.StateScheduled || p.ScheduledAt == nil || !p.ScheduledAt.Equal(when) {
				t.Fatalf("scheduled: state %s at %v, want %v", p.State, p.ScheduledAt, when)
			}
			return p
		}
		byJob := schedule("Fête de la musique")
		jobIDs := scheduledJobs(t, n.ts)
		if len(jobIDs) != 1 {
			t.Fatalf("%d publish jobs queued, want 1", len(jobIDs))
		}
		lost := schedule("Travaux rue Haute")
		for _, id := range scheduledJobs(t, n.ts) {
			if id != jobIDs[0] {
				if _, err := n.ts.Server.Jobs.Client().JobDelete(ctx, id); err != nil {
					t.Fatal(err)
				}
			}
		}
		state := func(p model.Publication) model.PubState {
			t.Helper()
			cur, err := n.ts.Store.PublicationByID(ctx, n.org.ID, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			return cur.State
		}

		n.ts.Clock.Advance(59 * time.Minute)
		n.ts.WaitSchedulerPass(t)
		n.ts.WaitJobsIdle(t)
		if got, err := n.pub.PublishDue(ctx); err != nil || got != 0 {
			t.Fatalf("PublishDue before the time: %d, %v", got, err)
		}
		if state(byJob) != model.StateScheduled || state(lost) != model.StateScheduled {
			t.Fatalf("published early: %s, %s", state(byJob), state(lost))
		}

		n.ts.Clock.Advance(2 * time.Minute)
		n.ts.WaitSchedulerPass(t)
		n.ts.WaitJobsIdle(t)
		if state(byJob) != model.StatePublished {
			t.Fatalf("the job did not publish: %s", state(byJob))
		}
		if state(lost) != model.StateScheduled {
			t.Fatalf("without its job: %s", state(lost))
		}
		if got, err := n.pub.PublishDue(ctx); err != nil || got != 1 {
			t.Fatalf("PublishDue: %d, %v", got, err)
		}
		if state(lost) != model.StatePublished {
			t.Fatalf("PublishDue did not publish: %s", state(lost))
		}
		if got, err := n.pub.PublishDue(ctx); err != nil || got != 0 {
			t.Fatalf("PublishDue again: %d, %v", got, err)
		}
	})
}
