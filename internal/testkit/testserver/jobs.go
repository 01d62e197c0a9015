package testserver

import (
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/parvis/parvis/internal/jobs"
)

// WaitJobsIdle waits until the job queue has nothing left to do now: no job
// available or running, and none scheduled or waiting for a retry whose time
// has come on the test clock. A negative check ("nothing more arrived")
// calls it before counting, so it counts after everything the steps before
// it queued has run, however slow the machine, instead of after a guess at
// how long that takes. Jobs due later (a reminder next week, a retry after
// a backoff) do not hold it up.
func (ts *TS) WaitJobsIdle(t testing.TB) {
	t.Helper()
	WaitQueueIdle(t, ts.Server.Jobs, ts.Clock.Now, time.Time{})
}

// WaitQueueIdle is WaitJobsIdle for a queue on a database that no TS owns
// (a server run as a separate process); now is the clock its jobs run on.
// Jobs marked running since before started were taken by a process that was
// killed since (River rescues them only after an hour): nothing works them,
// so they are not waited for.
func WaitQueueIdle(t testing.TB, q *jobs.Queue, now func() time.Time, started time.Time) {
	t.Helper()
	// A safety limit, not a measure: under the race detector on a busy
	// 2-core machine, River's SQLite producer has been seen to lose its
	// leadership and need more than a minute to take the queue back.
	deadline := time.Now().Add(3 * time.Minute)
	params := river.NewJobListParams().First(1000).States(rivertype.JobStateAvailable, rivertype.JobStateRunning,
		rivertype.JobStateScheduled, rivertype.JobStateRetryable)
	for {
		res, err := q.Client().JobList(t.Context(), params)
		if err != nil {
			t.Fatalf("list jobs: %v", err)
		}
		at := now()
		var busy []string
		for _, j := range res.Jobs {
			switch j.State {
			case rivertype.JobStateRunning:
				if j.AttemptedAt != nil && j.AttemptedAt.Before(started) {
					continue
				}
				busy = append(busy, j.Kind+" "+string(j.State))
			case rivertype.JobStateAvailable:
				busy = append(busy, j.Kind+" "+string(j.State))
			case rivertype.JobStateScheduled, rivertype.JobStateRetryable:
				if !j.ScheduledAt.After(at) {
					busy = append(busy, j.Kind+" "+string(j.State)+" (due)")
				}
			}
		}
		if len(busy) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job queue is still busy after 3 min: %v", busy)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// probeQueue is worked by no one: a probe job promoted there stays put.
const probeQueue = "testkit_probe"

// WaitSchedulerPass waits until River's scheduler has made one pass over the
// scheduled jobs after the call (it runs every few seconds and promotes
// every job due on its clock in one go). A check that a job scheduled for
// later has not been started ("not published early") calls it first, so
// the check is made after the scheduler had its chance to get it wrong. It
// inserts a probe job, already due, in a queue no worker takes, waits until
// the scheduler promotes it, and deletes it.
func (ts *TS) WaitSchedulerPass(t testing.TB) {
	t.Helper()
	c := ts.Server.Jobs.Client()
	res, err := c.Insert(t.Context(), jobs.CleanupArgs{}, &river.InsertOpts{Queue: probeQueue, ScheduledAt: ts.Clock.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatalf("insert the probe job: %v", err)
	}
	id := res.Job.ID
	// A safety limit, not a measure: under the race detector on a busy
	// 2-core machine, River's SQLite producer has been seen to lose its
	// leadership and need more than a minute to take the queue back.
	deadline := time.Now().Add(3 * time.Minute)
	for {
		j, err := c.JobGet(t.Context(), id)
		if err != nil {
			t.Fatalf("probe job: %v", err)
		}
		if j.State != rivertype.JobStateScheduled {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("River's scheduler made no pass in 60 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := c.JobDelete(t.Context(), id); err != nil {
		t.Fatalf("delete the probe job: %v", err)
	}
}
