package jobs

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// MailQueue is the queue that sends e-mail, separate from other work so a
// slow SMTP server does not hold up publication jobs.
const MailQueue = "mail"

// SendMailArgs names a message stored in mail_queue.
type SendMailArgs struct {
	ID string `json:"id"`
}

// Kind identifies the job type.
func (SendMailArgs) Kind() string { return "send_mail" }

// InsertOpts routes the job to the mail queue.
func (SendMailArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: MailQueue} }

// Mail stores m and inserts the job that sends it, both in tx: if the change
// that causes the message rolls back, no message goes out.
func (q *Queue) Mail(ctx context.Context, tx *store.Tx, m mail.Message, now time.Time) error {
	var headers strings.Builder
	for _, h := range m.Headers {
		headers.WriteString(h.Name + ": " + h.Value + "\n")
	}
	// The sender's name and Reply-To travel with the extra headers (no
	// column of their own); Work puts them back in their fields.
	if m.FromName != "" {
		headers.WriteString(fromNameLine + oneLine(m.FromName) + "\n")
	}
	if m.ReplyTo != "" {
		headers.WriteString(replyToLine + oneLine(m.ReplyTo) + "\n")
	}
	id := uuid.Must(uuid.NewV7()).String()
	qm := store.QueuedMail{ID: id, To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML,
		Headers: headers.String(), CreatedAt: now}
	if a := m.Attachment; a != nil {
		qm.AttachmentName, qm.AttachmentType, qm.Attachment = a.Name, a.ContentType, string(a.Data)
	}
	if err := tx.QueueMail(ctx, qm); err != nil {
		return err
	}
	return q.Enqueue(ctx, tx, SendMailArgs{ID: id}, nil)
}

// Lines of mail_queue.headers that are not headers as such: the display
// name of From (the address stays the instance's) and Reply-To, which the
// sender sets through its own calls so that they are encoded and checked.
const (
	fromNameLine = "X-Parvis-From-Name: "
	replyToLine  = "X-Parvis-Reply-To: "
)

// oneLine keeps a value on its header line.
func oneLine(s string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(s) }

// MailWorker sends queued messages. It is idempotent: a message already sent
// (its row deleted) is skipped when the job runs again.
type MailWorker struct {
	river.WorkerDefaults[SendMailArgs]
	Store  *store.Store
	Sender mail.Sender
	Logger *slog.Logger
	OnSent func(ok bool) // metrics hook; may be nil
}

// Work sends one message.
func (w *MailWorker) Work(ctx context.Context, job *river.Job[SendMailArgs]) error {
	m, err := w.Store.QueuedMailByID(ctx, job.Args.ID)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	msg := mail.Message{To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML}
	if m.AttachmentName != "" {
		msg.Attachment = &mail.Attachment{Name: m.AttachmentName, ContentType: m.AttachmentType, Data: []byte(m.Attachment)}
	}
	for _, line := range strings.Split(strings.TrimSpace(m.Headers), "\n") {
		switch {
		case strings.HasPrefix(line, fromNameLine):
			msg.FromName = strings.TrimPrefix(line, fromNameLine)
		case strings.HasPrefix(line, replyToLine):
			msg.ReplyTo = strings.TrimPrefix(line, replyToLine)
		default:
			if name, value, ok := strings.Cut(line, ": "); ok {
				msg.Headers = append(msg.Headers, mail.Header{Name: name, Value: value})
			}
		}
	}
	err = w.Sender.Send(ctx, msg)
	if w.OnSent != nil {
		w.OnSent(err == nil)
	}
	var perm *mail.PermanentError
	if errors.As(err, &perm) {
		w.logger().Warn("mail refused permanently", "job", job.ID, "error", err)
		_ = w.Store.DeleteQueuedMail(ctx, m.ID)
		return river.JobCancel(err)
	}
	if err != nil {
		return err // River retries with backoff
	}
	return w.Store.DeleteQueuedMail(ctx, m.ID)
}

// NextRetry spaces retries: 10 s, 40 s, 90 s… capped at an hour.
func (w *MailWorker) NextRetry(job *river.Job[SendMailArgs]) time.Time {
	d := time.Duration(job.Attempt*job.Attempt) * 10 * time.Second
	if d > time.Hour {
		d = time.Hour
	}
	return time.Now().Add(d)
}

func (w *MailWorker) logger() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.Default()
}
