package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// PublishScheduledArgs asks for a scheduled publication to go out. At is the
// time it was scheduled for: if the publication was rescheduled or
// unscheduled since, the job finds a different time and does nothing.
type PublishScheduledArgs struct {
	OrgID         string    `json:"org_id"`
	PublicationID string    `json:"publication_id"`
	At            time.Time `json:"at"`
}

// Kind identifies the job type.
func (PublishScheduledArgs) Kind() string { return "publish_scheduled" }

// Publisher is what the worker needs of the use cases.
type Publisher interface {
	PublishScheduled(ctx context.Context, orgID, publicationID string, at time.Time) error
}

// PublishWorker publishes scheduled publications. It is idempotent: the use
// case checks, in its transaction, that the publication is still scheduled
// for At.
type PublishWorker struct {
	river.WorkerDefaults[PublishScheduledArgs]
	// Publisher is set once the app is built (the app needs the queue first).
	Publisher Publisher
}

// Work publishes one publication.
func (w *PublishWorker) Work(ctx context.Context, job *river.Job[PublishScheduledArgs]) error {
	return w.Publisher.PublishScheduled(ctx, job.Args.OrgID, job.Args.PublicationID, job.Args.At)
}

// ClockTime makes River follow a controllable clock (tests), so that a job
// scheduled for tomorrow runs once the test clock says it is tomorrow.
func ClockTime(now func() time.Time) rivertype.TimeGenerator { return clockTime(now) }

type clockTime func() time.Time

func (c clockTime) Now() time.Time { return c() }

func (c clockTime) NowOrNil() *time.Time {
	t := c()
	return &t
}
