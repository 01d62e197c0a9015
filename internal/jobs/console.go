package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// OverdueDigestArgs asks for the daily e-mail of overdue inbox items to
// each organisation's managers (docs/CONSOLE.md).
type OverdueDigestArgs struct{}

// Kind identifies the job type.
func (OverdueDigestArgs) Kind() string { return "console_overdue_digest" }

// OverdueDigestWorker sends the digests. It is idempotent: the use case
// records each organisation's digest of the day and sends it once.
type OverdueDigestWorker struct {
	river.WorkerDefaults[OverdueDigestArgs]
	Run func(ctx context.Context) (int, error)
}

// Work sends the day's digests that are due.
func (w *OverdueDigestWorker) Work(ctx context.Context, _ *river.Job[OverdueDigestArgs]) error {
	_, err := w.Run(ctx)
	return err
}

// OverdueDigestJob runs hourly; the use case sends each organisation's
// digest once a day, from 8:00 Europe/Paris.
func OverdueDigestJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return OverdueDigestArgs{}, nil },
		&river.PeriodicJobOpts{ID: "console_overdue_digest", RunOnStart: true})
}

// FollowerSnapshotArgs asks for the day's follower count of every
// organisation (docs/CONSOLE.md, "Followers").
type FollowerSnapshotArgs struct{}

// Kind identifies the job type.
func (FollowerSnapshotArgs) Kind() string { return "follower_snapshot" }

// FollowerSnapshotWorker records the counts. It is idempotent: the use case
// keeps the first count of each organisation and day, so a run after a
// restart, or on another process, adds nothing.
type FollowerSnapshotWorker struct {
	river.WorkerDefaults[FollowerSnapshotArgs]
	Run func(ctx context.Context) (int, error)
}

// Work records the counts missing for today.
func (w *FollowerSnapshotWorker) Work(ctx context.Context, _ *river.Job[FollowerSnapshotArgs]) error {
	_, err := w.Run(ctx)
	return err
}

// FollowerSnapshotJob runs at start-up and hourly: the first run of each
// day (Europe/Paris) takes the day's counts, the others find them taken.
// Hourly rather than daily so that a process started late, or a leader
// changed at midnight, still counts the day.
func FollowerSnapshotJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return FollowerSnapshotArgs{}, nil },
		&river.PeriodicJobOpts{ID: "follower_snapshot", RunOnStart: true})
}
