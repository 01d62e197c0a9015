package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// CleanupArgs asks for the hourly removal of expired sessions, links and
// login counters.
type CleanupArgs struct{}

// Kind identifies the job type.
func (CleanupArgs) Kind() string { return "cleanup_expired" }

// CleanupWorker runs the cleanup. It is idempotent: it deletes what has
// expired at the time it runs.
type CleanupWorker struct {
	river.WorkerDefaults[CleanupArgs]
	Run func(ctx context.Context) error
}

// Work runs one cleanup.
func (w *CleanupWorker) Work(ctx context.Context, _ *river.Job[CleanupArgs]) error { return w.Run(ctx) }

// CleanupEvery is how often the cleanup runs; it also runs at start-up.
// River runs periodic jobs on the elected leader only, so several processes
// do not repeat the work.
const CleanupEvery = time.Hour

// CleanupJob is the periodic job to add to Config.Periodic.
func CleanupJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(CleanupEvery),
		func() (river.JobArgs, *river.InsertOpts) { return CleanupArgs{}, nil },
		&river.PeriodicJobOpts{ID: "cleanup_expired", RunOnStart: true})
}
