package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/model"
)

const newsletterColumns = `id, org_id, slug, subject, body_md, audience_topics, audience_neighbourhoods, state,
	scheduled_at, sent_at, mailing_id, html_archive, created_by, created_at, updated_at`

func scanNewsletter(row scanner) (model.Newsletter, error) {
	var (
		n               model.Newsletter
		topics, hoods   string
		scheduled, sent sql.NullTime
	)
	err := row.Scan(&n.ID, &n.OrgID, &n.Slug, &n.Subject, &n.BodyMD, &topics, &hoods, &n.State, &scheduled, &sent,
		&n.MailingID, &n.HTMLArchive, &n.CreatedBy, &n.CreatedAt, &n.UpdatedAt)
	n.AudienceTopics, n.AudienceNeighbourhoods = splitList(topics), splitList(hoods)
	n.ScheduledAt, n.SentAt = nullTime(scheduled), nullTime(sent)
	n.CreatedAt, n.UpdatedAt = n.CreatedAt.UTC(), n.UpdatedAt.UTC()
	return n, err
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// CreateNewsletter inserts a draft; a taken slug is model.ErrConflict.
func (q *Queries) CreateNewsletter(ctx context.Context, n model.Newsletter) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO newsletters (`+newsletterColumns+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
		n.ID, n.OrgID, n.Slug, n.Subject, n.BodyMD, strings.Join(n.AudienceTopics, ","), strings.Join(n.AudienceNeighbourhoods, ","),
		n.State, timeOrNil(n.ScheduledAt), timeOrNil(n.SentAt), n.MailingID, n.HTMLArchive, n.CreatedBy, n.CreatedAt, n.UpdatedAt)
	if err != nil {
		return fmt.Errorf("create newsletter: %w", translate(err))
	}
	return nil
}

// UpdateNewsletter saves a draft's content and audience.
func (q *Queries) UpdateNewsletter(ctx context.Context, n model.Newsletter) error {
	err := mustAffect(q.q.ExecContext(ctx, `UPDATE newsletters SET subject=$3, body_md=$4, audience_topics=$5,
		audience_neighbourhoods=$6, updated_at=$7 WHERE id=$1 AND org_id=$2 AND state IN ('draft','scheduled')`,
		n.ID, n.OrgID, n.Subject, n.BodyMD, strings.Join(n.AudienceTopics, ","), strings.Join(n.AudienceNeighbourhoods, ","), n.UpdatedAt))
	if err != nil {
		return fmt.Errorf("update newsletter: %w", err)
	}
	return nil
}

// SetNewsletterState moves a newsletter on (from one of `from`).
func (q *Queries) SetNewsletterState(ctx context.Context, orgID, id string, from []model.NewsletterState, to model.NewsletterState,
	scheduledAt *time.Time, mailingID, archive string, at time.Time) error {
	args := []any{id, orgID, to, timeOrNil(scheduledAt), mailingID, archive, at}
	var in []string
	for _, f := range from {
		args = append(args, f)
		in = append(in, fmt.Sprintf("$%d", len(args)))
	}
	return mustAffect(q.q.ExecContext(ctx, `UPDATE newsletters SET state=$3, scheduled_at=$4,
		mailing_id=CASE WHEN $5 = '' THEN mailing_id ELSE $5 END, html_archive=CASE WHEN $6 = '' THEN html_archive ELSE $6 END,
		updated_at=$7 WHERE id=$1 AND org_id=$2 AND state IN (`+strings.Join(in, ",")+`)`, args...))
}

// MarkNewsletterSent records that a newsletter's mailing completed.
func (q *Queries) MarkNewsletterSent(ctx context.Context, id string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE newsletters SET state='sent', sent_at=COALESCE(sent_at, $2) WHERE id=$1 AND state='sending'`, id, at)
	return translate(err)
}

// NewsletterByID finds a newsletter of an organisation ("" for jobs).
func (q *Queries) NewsletterByID(ctx context.Context, orgID, id string) (model.Newsletter, error) {
	n, err := scanNewsletter(q.q.QueryRowContext(ctx, `SELECT `+newsletterColumns+` FROM newsletters
		WHERE id=$1 AND ($2='' OR org_id=$2)`, id, orgID))
	if err != nil {
		return n, fmt.Errorf("newsletter %s: %w", id, translate(err))
	}
	return n, nil
}

// NewsletterBySlug finds a sent newsletter for the public archive.
func (q *Queries) NewsletterBySlug(ctx context.Context, orgID, slug string) (model.Newsletter, error) {
	n, err := scanNewsletter(q.q.QueryRowContext(ctx, `SELECT `+newsletterColumns+` FROM newsletters
		WHERE org_id=$1 AND slug=$2 AND state IN ('sending','sent')`, orgID, slug))
	if err != nil {
		return n, fmt.Errorf("newsletter %q: %w", slug, translate(err))
	}
	return n, nil
}

// NewslettersOf lists an organisation's newsletters, newest first; sentOnly
// for the public archive.
func (q *Queries) NewslettersOf(ctx context.Context, orgID string, sentOnly bool) ([]model.Newsletter, error) {
	cond := ``
	if sentOnly {
		cond = ` AND state IN ('sending','sent')`
	}
	return queryAll(ctx, q, scanNewsletter, `SELECT `+newsletterColumns+` FROM newsletters WHERE org_id=$1`+cond+
		` ORDER BY COALESCE(sent_at, scheduled_at, created_at) DESC, id DESC`, orgID)
}

// DueNewsletters lists scheduled newsletters whose time has come.
func (q *Queries) DueNewsletters(ctx context.Context, now time.Time) ([]model.Newsletter, error) {
	return queryAll(ctx, q, scanNewsletter, `SELECT `+newsletterColumns+` FROM newsletters
		WHERE state='scheduled' AND scheduled_at <= $1 ORDER BY scheduled_at`, now)
}

// NewsletterBySlugAny finds a newsletter by slug whatever its state.
func (q *Queries) NewsletterBySlugAny(ctx context.Context, orgID, slug string) (model.Newsletter, error) {
	n, err := scanNewsletter(q.q.QueryRowContext(ctx, `SELECT `+newsletterColumns+` FROM newsletters WHERE org_id=$1 AND slug=$2`, orgID, slug))
	if err != nil {
		return n, fmt.Errorf("newsletter %q: %w", slug, translate(err))
	}
	return n, nil
}

// SetNewsletterSentAt records when sending started (the archive date).
func (q *Queries) SetNewsletterSentAt(ctx context.Context, id string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE newsletters SET sent_at=$2 WHERE id=$1`, id, at)
	return translate(err)
}
