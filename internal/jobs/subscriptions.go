package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
)

// MailingQueue runs mass mail (newsletters, alert fan-out, digests) apart
// from the transactional mail queue, so a newsletter never delays a
// password reset.
const MailingQueue = "mailing"

// Sentinel answers of the mass mail engine that are not failures.
var (
	// ErrLeaseBusy: another live process is sending this mailing.
	ErrLeaseBusy = errors.New("mailing is being sent by another process")
	// ErrRetryLater: recipients refused for the time being (4xx) are left
	// pending; the mailing runs again later.
	ErrRetryLater = errors.New("some recipients are to be retried later")
)

// RunMailingArgs is the job that sends a mailing.
type RunMailingArgs struct {
	MailingID string `json:"mailing_id"`
}

// Kind identifies the job type.
func (RunMailingArgs) Kind() string { return "run_mailing" }

// InsertOpts puts mailings on their own queue.
func (RunMailingArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: MailingQueue} }

// FanOutArgs asks for a published publication to be e-mailed to the
// subscribers who want it at once.
type FanOutArgs struct {
	OrgID         string `json:"org_id"`
	PublicationID string `json:"publication_id"`
}

// Kind identifies the job type.
func (FanOutArgs) Kind() string { return "mail_fanout" }

// InsertOpts makes the fan-out unique per publication and urgent.
func (FanOutArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: MailingQueue, Priority: 1, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// ThreadArgs asks for a new comment to be e-mailed to a thread's followers.
type ThreadArgs struct {
	PublicationID string `json:"publication_id"`
	CommentID     string `json:"comment_id"`
}

// Kind identifies the job type.
func (ThreadArgs) Kind() string { return "mail_thread" }

// InsertOpts puts thread notifications on the mass mail queue.
func (ThreadArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: MailingQueue, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// SendNewsletterArgs is the job that sends a scheduled newsletter.
type SendNewsletterArgs struct {
	NewsletterID string    `json:"newsletter_id"`
	At           time.Time `json:"at"`
}

// Kind identifies the job type.
func (SendNewsletterArgs) Kind() string { return "send_newsletter" }

// Mailer is what the mass mail workers need of the use cases (mailing.Service).
type Mailer interface {
	RunMailing(ctx context.Context, id string) error
	FanOut(ctx context.Context, orgID, publicationID string) error
	NotifyThread(ctx context.Context, publicationID, commentID string) error
	SendScheduledNewsletter(ctx context.Context, id string, at time.Time) error
	RunDigests(ctx context.Context) error
	ResumeMailings(ctx context.Context) error
	SendDueNewsletters(ctx context.Context) error
}

// MailingWorker sends a mailing. Many runs of one mailing are harmless: a
// lease lets one send while the others wait.
type MailingWorker struct {
	river.WorkerDefaults[RunMailingArgs]
	Mailer Mailer
}

// Timeout: a mailing at a limited rate may take hours; its lease, not the
// job timeout, protects it.
func (w *MailingWorker) Timeout(*river.Job[RunMailingArgs]) time.Duration { return -1 }

// Work sends until done, paused or cancelled.
func (w *MailingWorker) Work(ctx context.Context, job *river.Job[RunMailingArgs]) error {
	return mailingOutcome(w.Mailer.RunMailing(ctx, job.Args.MailingID))
}

// mailingOutcome turns the engine's "not now" answers into snoozes.
func mailingOutcome(err error) error {
	switch {
	case errors.Is(err, ErrLeaseBusy):
		return river.JobSnooze(5 * time.Second)
	case errors.Is(err, ErrRetryLater):
		return river.JobSnooze(time.Minute)
	}
	return err
}

// FanOutWorker e-mails a publication to "immediately" subscribers.
type FanOutWorker struct {
	river.WorkerDefaults[FanOutArgs]
	Mailer Mailer
}

// Timeout: see MailingWorker.
func (w *FanOutWorker) Timeout(*river.Job[FanOutArgs]) time.Duration { return -1 }

// Work draws the list and sends.
func (w *FanOutWorker) Work(ctx context.Context, job *river.Job[FanOutArgs]) error {
	return mailingOutcome(w.Mailer.FanOut(ctx, job.Args.OrgID, job.Args.PublicationID))
}

// ThreadWorker e-mails a new comment's thread followers.
type ThreadWorker struct {
	river.WorkerDefaults[ThreadArgs]
	Mailer Mailer
}

// Work draws the list and sends.
func (w *ThreadWorker) Work(ctx context.Context, job *river.Job[ThreadArgs]) error {
	return mailingOutcome(w.Mailer.NotifyThread(ctx, job.Args.PublicationID, job.Args.CommentID))
}

// NewsletterWorker starts a scheduled newsletter.
type NewsletterWorker struct {
	river.WorkerDefaults[SendNewsletterArgs]
	Mailer Mailer
}

// Work starts the sending if the newsletter is still scheduled for At.
func (w *NewsletterWorker) Work(ctx context.Context, job *river.Job[SendNewsletterArgs]) error {
	return w.Mailer.SendScheduledNewsletter(ctx, job.Args.NewsletterID, job.Args.At)
}

// MailTickArgs is the periodic job that builds digests and resumes
// mailings left behind by a process that stopped.
type MailTickArgs struct{}

// Kind identifies the job type.
func (MailTickArgs) Kind() string { return "mail_tick" }

// MailTickWorker runs the tick.
type MailTickWorker struct {
	river.WorkerDefaults[MailTickArgs]
	Mailer Mailer
}

// Work builds due digests and re-queues interrupted mailings.
func (w *MailTickWorker) Work(ctx context.Context, _ *river.Job[MailTickArgs]) error {
	m := w.Mailer
	return errors.Join(m.RunDigests(ctx), m.ResumeMailings(ctx), m.SendDueNewsletters(ctx))
}

// MailTickEvery is how often digests are looked for; they go out at the
// first tick after the organisation's hour.
const MailTickEvery = 5 * time.Minute

// MailTickJob is the periodic job to add to Config.Periodic.
func MailTickJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(MailTickEvery),
		func() (river.JobArgs, *river.InsertOpts) { return MailTickArgs{}, nil },
		// Not on start: `parvis serve` resumes interrupted mailings itself
		// before serving, and digests can wait for the first tick.
		&river.PeriodicJobOpts{ID: "mail_tick"})
}
