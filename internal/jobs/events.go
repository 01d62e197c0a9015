package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// EventReminderArgs asks for the reminder of one registration the day
// before the occurrence starting at Start.
type EventReminderArgs struct {
	OrgID          string    `json:"org_id"`
	RegistrationID string    `json:"registration_id"`
	Start          time.Time `json:"start"`
}

// Kind identifies the job type.
func (EventReminderArgs) Kind() string { return "event_reminder" }

// Reminder is what the worker needs of the use cases.
type Reminder interface {
	SendReminder(ctx context.Context, orgID, registrationID string, start time.Time) error
}

// EventReminderWorker sends reminders. It is idempotent: the use case skips
// cancelled registrations and events, moved dates, and reminders already
// sent (reminded_at, set with the message).
type EventReminderWorker struct {
	river.WorkerDefaults[EventReminderArgs]
	Reminder Reminder // set once the app is built
}

// Work sends one reminder.
func (w *EventReminderWorker) Work(ctx context.Context, job *river.Job[EventReminderArgs]) error {
	return w.Reminder.SendReminder(ctx, job.Args.OrgID, job.Args.RegistrationID, job.Args.Start)
}
