package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// OpinionQueue works second opinions apart from mail and federation: a
// language model server is slow, and its outage must delay nothing else.
const OpinionQueue = "second_opinion"

// OpinionAttempts bounds the calls for one comment: with OpinionBackoff the
// last one comes about half an hour after the first, past the breaker's
// default cool-down of five minutes.
const OpinionAttempts = 6

// OpinionBackoff is the wait before retry number attempt (1-based): 1, 2,
// 4, 8, 16 minutes.
func OpinionBackoff(attempt int) time.Duration {
	return time.Minute << min(max(attempt-1, 0), 4)
}

// SecondOpinionArgs asks the language model about one comment.
type SecondOpinionArgs struct {
	OrgID     string `json:"org_id"`
	CommentID string `json:"comment_id"`
}

// Kind identifies the job type.
func (SecondOpinionArgs) Kind() string { return "second_opinion" }

// InsertOpts puts the job on its queue with its bounded retries.
func (SecondOpinionArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: OpinionQueue, MaxAttempts: OpinionAttempts}
}

// Opinioner is what the worker needs of the use cases.
type Opinioner interface {
	// SecondOpinion asks and records; lastAttempt tells it to record a
	// failure rather than return an error for another try.
	SecondOpinion(ctx context.Context, orgID, commentID string, lastAttempt bool) error
}

// SecondOpinionWorker runs the jobs; the use case is idempotent (it works
// only on a pending opinion).
type SecondOpinionWorker struct {
	river.WorkerDefaults[SecondOpinionArgs]
	Opinioner Opinioner
}

// Work asks for one opinion.
func (w *SecondOpinionWorker) Work(ctx context.Context, job *river.Job[SecondOpinionArgs]) error {
	return w.Opinioner.SecondOpinion(ctx, job.Args.OrgID, job.Args.CommentID, job.Attempt >= job.MaxAttempts)
}

// NextRetry spaces the retries (River's default is much shorter at first).
func (w *SecondOpinionWorker) NextRetry(job *river.Job[SecondOpinionArgs]) time.Time {
	from := time.Now()
	if job.AttemptedAt != nil {
		from = *job.AttemptedAt // River's clock (a test clock in tests)
	}
	return from.Add(OpinionBackoff(job.Attempt))
}

// Timeout bounds one attempt; the HTTP client has its own, shorter limit.
func (w *SecondOpinionWorker) Timeout(*river.Job[SecondOpinionArgs]) time.Duration {
	return 3 * time.Minute
}
