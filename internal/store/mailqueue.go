package store

import (
	"context"
	"fmt"
	"time"
)

// QueuedMail is a rendered message waiting for the mail job.
type QueuedMail struct {
	ID        string
	To        string
	Subject   string
	Text      string
	HTML      string
	Headers   string // extra headers, one "Name: value" per line
	CreatedAt time.Time
	// One optional text attachment (an .ics); AttachmentName "" when none.
	AttachmentName, AttachmentType, Attachment string
}

// QueueMail stores a rendered message; the caller inserts the job that sends
// it in the same transaction.
func (q *Queries) QueueMail(ctx context.Context, m QueuedMail) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO mail_queue (id, to_addr, subject, text_body, html_body, headers, created_at,
		attachment_name, attachment_type, attachment)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`, m.ID, m.To, m.Subject, m.Text, m.HTML, m.Headers, m.CreatedAt,
		m.AttachmentName, m.AttachmentType, m.Attachment)
	if err != nil {
		return fmt.Errorf("queue mail: %w", translate(err))
	}
	return nil
}

// QueuedMailByID loads a queued message; ErrNotFound means it was already sent.
func (q *Queries) QueuedMailByID(ctx context.Context, id string) (QueuedMail, error) {
	var m QueuedMail
	err := q.q.QueryRowContext(ctx, `SELECT id, to_addr, subject, text_body, html_body, headers, created_at,
		attachment_name, attachment_type, attachment FROM mail_queue WHERE id=$1`, id).
		Scan(&m.ID, &m.To, &m.Subject, &m.Text, &m.HTML, &m.Headers, &m.CreatedAt, &m.AttachmentName, &m.AttachmentType, &m.Attachment)
	if err != nil {
		return m, fmt.Errorf("queued mail %s: %w", id, translate(err))
	}
	return m, nil
}

// DeleteQueuedMail forgets a sent message.
func (q *Queries) DeleteQueuedMail(ctx context.Context, id string) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM mail_queue WHERE id=$1`, id)
	return err
}
