package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/model"
)

// Mailings: one body, many recipients. The recipient list is materialised
// when sending starts (in chunks for alerts); the sender reads pending rows
// in batches and marks them sent in groups once the mail server accepted
// them (see docs/EMAIL.md, "Crash safety").

const mailingColumns = `id, org_id, kind, ref_id, subject, text_body, html_body, state, total, sent, failed, skipped,
	rate_per_second, lease_owner, lease_until, created_at, started_at, finished_at, CASE WHEN audience = '' THEN 0 ELSE 1 END`

func scanMailing(row scanner) (model.Mailing, error) {
	var (
		m                      model.Mailing
		lease, started, finish sql.NullTime
	)
	err := row.Scan(&m.ID, &m.OrgID, &m.Kind, &m.RefID, &m.Subject, &m.Text, &m.HTML, &m.State, &m.Total, &m.Sent,
		&m.Failed, &m.Skipped, &m.RatePerSecond, &m.LeaseOwner, &lease, &m.CreatedAt, &started, &finish, &m.Drawing)
	m.LeaseUntil, m.StartedAt, m.FinishedAt = nullTime(lease), nullTime(started), nullTime(finish)
	m.CreatedAt = m.CreatedAt.UTC()
	return m, err
}

// CreateMailing inserts m unless a mailing for the same (kind, ref) exists;
// it returns the id of the mailing that exists afterwards and whether it is
// new, so that a job run twice creates it once.
func (q *Queries) CreateMailing(ctx context.Context, m model.Mailing) (string, bool, error) {
	res, err := q.q.ExecContext(ctx, `INSERT INTO mailings (id, org_id, kind, ref_id, subject, text_body, html_body, state,
		rate_per_second, created_at, started_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) ON CONFLICT (kind, ref_id) DO NOTHING`,
		m.ID, m.OrgID, m.Kind, m.RefID, m.Subject, m.Text, m.HTML, m.State, m.RatePerSecond, m.CreatedAt, timeOrNil(m.StartedAt))
	if err != nil {
		return "", false, fmt.Errorf("create mailing: %w", translate(err))
	}
	if n, _ := res.RowsAffected(); n == 1 {
		for _, b := range m.Bodies {
			if _, err := q.q.ExecContext(ctx, `INSERT INTO mailing_bodies (mailing_id, lang, subject, text_body, html_body)
				VALUES ($1,$2,$3,$4,$5)`, m.ID, b.Lang, b.Subject, b.Text, b.HTML); err != nil {
				return "", false, fmt.Errorf("mailing body %s: %w", b.Lang, translate(err))
			}
		}
		return m.ID, true, nil
	}
	var id string
	if err := q.q.QueryRowContext(ctx, `SELECT id FROM mailings WHERE kind=$1 AND ref_id=$2`, m.Kind, m.RefID).Scan(&id); err != nil {
		return "", false, fmt.Errorf("existing mailing: %w", translate(err))
	}
	return id, false, nil
}

// MailingByID finds a mailing; orgID "" skips the organisation check (jobs).
func (q *Queries) MailingByID(ctx context.Context, orgID, id string) (model.Mailing, error) {
	m, err := scanMailing(q.q.QueryRowContext(ctx, `SELECT `+mailingColumns+` FROM mailings WHERE id=$1 AND ($2='' OR org_id=$2)`, id, orgID))
	if err != nil {
		return m, fmt.Errorf("mailing %s: %w", id, translate(err))
	}
	return m, nil
}

// MailingBodies returns a mailing's message in its other languages.
func (q *Queries) MailingBodies(ctx context.Context, id string) ([]model.MailingBody, error) {
	return queryAll(ctx, q, func(row scanner) (model.MailingBody, error) {
		var b model.MailingBody
		return b, row.Scan(&b.Lang, &b.Subject, &b.Text, &b.HTML)
	}, `SELECT lang, subject, text_body, html_body FROM mailing_bodies WHERE mailing_id=$1 ORDER BY lang`, id)
}

// MailingsInState lists the ids of mailings in a state (resuming after a
// restart).
func (q *Queries) MailingsInState(ctx context.Context, state model.MailingState) ([]string, error) {
	return queryAll(ctx, q, func(row scanner) (string, error) {
		var id string
		return id, row.Scan(&id)
	}, `SELECT id FROM mailings WHERE state=$1 ORDER BY created_at`, state)
}

// Audience says who receives a mailing.
type Audience struct {
	OrgID string
	Kind  model.MailingKind
	// TopicIDs and NeighbourhoodIDs restrict to subscribers following one of
	// them (or everything); both empty means everyone of the kind.
	TopicIDs         []string
	NeighbourhoodIDs []string
	// Restrict is true when the tags above must match (publications); a
	// newsletter with no tags goes to every newsletter subscriber.
	Restrict bool
	ThreadID string // MailingThread: the publication whose thread is followed
	Exclude  string // a subscriber not to include (the comment's author)
}

// wants is the condition, per kind, that a subscriber (so, s) still wants
// this kind of mail; checked when drawing the list and again when sending.
var wants = map[model.MailingKind]string{
	model.MailingNewsletter: `so.newsletter = 1`,
	model.MailingAlert:      `so.alerts = 1`,
	model.MailingNews:       `so.news = 'immediate'`,
	model.MailingDigest:     `so.news IN ('daily','weekly')`,
}

func (a Audience) where(args *[]any) string {
	add := func(v any) string {
		*args = append(*args, v)
		return fmt.Sprintf("$%d", len(*args))
	}
	cond := []string{`so.org_id = ` + add(a.OrgID), wants[a.Kind], `s.status = 'active'`}
	if a.Exclude != "" {
		cond = append(cond, `so.subscriber_id <> `+add(a.Exclude))
	}
	if a.Restrict || len(a.TopicIDs)+len(a.NeighbourhoodIDs) > 0 {
		var tags []string
		for _, t := range a.TopicIDs {
			tags = append(tags, `(f.kind = 'topic' AND f.target_id = `+add(t)+`)`)
		}
		for _, n := range a.NeighbourhoodIDs {
			tags = append(tags, `(f.kind = 'neighbourhood' AND f.target_id = `+add(n)+`)`)
		}
		match := `so.everything = 1`
		if len(tags) > 0 {
			match += ` OR EXISTS (SELECT 1 FROM subscriber_follows f WHERE f.subscriber_id = so.subscriber_id AND (` +
				strings.Join(tags, " OR ") + `))`
		}
		cond = append(cond, `(`+match+`)`)
	}
	return strings.Join(cond, " AND ")
}

// CountAudience counts who an audience would reach now.
func (q *Queries) CountAudience(ctx context.Context, a Audience) (int, error) {
	var args []any
	var n int
	query := `SELECT COUNT(*) FROM subscriber_orgs so JOIN subscribers s ON s.id = so.subscriber_id WHERE ` + a.where(&args)
	if a.Kind == model.MailingThread {
		args = []any{a.ThreadID, a.Exclude}
		query = `SELECT COUNT(*) FROM subscriber_follows f JOIN subscribers s ON s.id = f.subscriber_id
			WHERE f.kind = 'thread' AND f.target_id = $1 AND f.subscriber_id <> $2 AND s.status = 'active'`
	}
	if err := q.q.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count audience: %w", err)
	}
	return n, nil
}

// AddAudience draws the recipient list of a mailing in one statement and
// sets its total. Already present recipients are kept (idempotent).
func (q *Queries) AddAudience(ctx context.Context, mailingID string, a Audience) (int, error) {
	args := []any{mailingID}
	query := `INSERT INTO mailing_recipients (mailing_id, subscriber_id, state)
		SELECT $1, so.subscriber_id, 'pending' FROM subscriber_orgs so JOIN subscribers s ON s.id = so.subscriber_id
		WHERE ` + a.where(&args) + ` ON CONFLICT (mailing_id, subscriber_id) DO NOTHING`
	if a.Kind == model.MailingThread {
		args = []any{mailingID, a.ThreadID, a.Exclude}
		query = `INSERT INTO mailing_recipients (mailing_id, subscriber_id, state)
			SELECT $1, f.subscriber_id, 'pending' FROM subscriber_follows f JOIN subscribers s ON s.id = f.subscriber_id
			WHERE f.kind = 'thread' AND f.target_id = $2 AND f.subscriber_id <> $3 AND s.status = 'active'
			ON CONFLICT (mailing_id, subscriber_id) DO NOTHING`
	}
	if _, err := q.q.ExecContext(ctx, query, args...); err != nil {
		return 0, fmt.Errorf("draw recipients: %w", translate(err))
	}
	return q.updateTotal(ctx, mailingID)
}

// StatsAfter is the size of a recipient list from which PostgreSQL's
// statistics of mailing_recipients are refreshed before sending
// (RefreshRecipientStats).
const StatsAfter = 10000

// RefreshRecipientStats analyses mailing_recipients on PostgreSQL; call it
// outside a transaction, after a large list was drawn. Until autovacuum
// gets to it (up to a minute later), the planner believes the new mailing
// has a handful of rows and marks messages sent by walking all its pending
// rows for every group (measured: 40-140 ms per 500 marks at 100,000
// recipients instead of ~8 ms, and the marks fell minutes behind the
// sending). Analysing inside the drawing transaction leaves no column
// statistics. A no-op on SQLite, whose plans do not depend on them here.
func (s *Store) RefreshRecipientStats(ctx context.Context) error {
	if s.engine != Postgres {
		return nil
	}
	if _, err := s.db.ExecContext(ctx, `ANALYZE mailing_recipients`); err != nil {
		return fmt.Errorf("analyze recipients: %w", err)
	}
	return nil
}

// StartDrawing stores a mailing's audience so that its list can be drawn in
// chunks (DrawMore) while it is sent. Thread audiences are small and drawn
// at once (AddAudience).
func (q *Queries) StartDrawing(ctx context.Context, mailingID string, a Audience) error {
	if a.Kind == model.MailingThread {
		return fmt.Errorf("start drawing: thread audiences are drawn at once")
	}
	js, err := json.Marshal(a)
	if err != nil {
		return err
	}
	_, err = q.q.ExecContext(ctx, `UPDATE mailings SET audience=$2, draw_after='' WHERE id=$1`, mailingID, string(js))
	return translate(err)
}

// DrawMore adds up to limit more recipients to a mailing whose list is being
// drawn, in subscriber order after the previous chunk, and counts them in
// its total. It returns how many were added and whether the list is now
// complete (true at once for a mailing not being drawn). Only the mailing's
// creator (in its transaction) and then its lease holder call it.
func (q *Queries) DrawMore(ctx context.Context, mailingID string, limit int) (int, bool, error) {
	var js, after string
	if err := q.q.QueryRowContext(ctx, `SELECT audience, draw_after FROM mailings WHERE id=$1`, mailingID).Scan(&js, &after); err != nil {
		return 0, false, fmt.Errorf("draw: %w", translate(err))
	}
	if js == "" {
		return 0, true, nil
	}
	var a Audience
	if err := json.Unmarshal([]byte(js), &a); err != nil {
		return 0, false, fmt.Errorf("draw: audience: %w", err)
	}
	// The chunk ends at the limit-th matching subscriber; none means this
	// is the last chunk.
	var upper string
	args := []any{after}
	err := q.q.QueryRowContext(ctx, `SELECT so.subscriber_id FROM subscriber_orgs so JOIN subscribers s ON s.id = so.subscriber_id
		WHERE so.subscriber_id > $1 AND `+a.where(&args)+` ORDER BY so.subscriber_id LIMIT 1 OFFSET `+fmt.Sprint(max(limit-1, 0)),
		args...).Scan(&upper)
	last := errors.Is(err, sql.ErrNoRows)
	if err != nil && !last {
		return 0, false, fmt.Errorf("draw: chunk end: %w", err)
	}
	args = []any{mailingID, after}
	where := `so.subscriber_id > $2 AND ` + a.where(&args)
	if !last {
		args = append(args, upper)
		where += fmt.Sprintf(` AND so.subscriber_id <= $%d`, len(args))
	}
	res, err := q.q.ExecContext(ctx, `INSERT INTO mailing_recipients (mailing_id, subscriber_id, state)
		SELECT $1, so.subscriber_id, 'pending' FROM subscriber_orgs so JOIN subscribers s ON s.id = so.subscriber_id
		WHERE `+where+` ON CONFLICT (mailing_id, subscriber_id) DO NOTHING`, args...)
	if err != nil {
		return 0, false, fmt.Errorf("draw recipients: %w", translate(err))
	}
	n, _ := res.RowsAffected()
	if last {
		js, upper = "", after
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE mailings SET audience=$2, draw_after=$3, total=total+$4 WHERE id=$1`,
		mailingID, js, upper, n); err != nil {
		return 0, false, fmt.Errorf("draw: cursor: %w", translate(err))
	}
	return int(n), last, nil
}

// AddRecipients adds listed subscribers to a mailing (digests).
func (q *Queries) AddRecipients(ctx context.Context, mailingID string, subscriberIDs []string) (int, error) {
	const chunk = 400
	for i := 0; i < len(subscriberIDs); i += chunk {
		ids := subscriberIDs[i:min(i+chunk, len(subscriberIDs))]
		var b strings.Builder
		args := []any{mailingID}
		for j, id := range ids {
			if j > 0 {
				b.WriteByte(',')
			}
			args = append(args, id)
			fmt.Fprintf(&b, "($1,$%d,'pending')", len(args))
		}
		if _, err := q.q.ExecContext(ctx, `INSERT INTO mailing_recipients (mailing_id, subscriber_id, state) VALUES `+
			b.String()+` ON CONFLICT (mailing_id, subscriber_id) DO NOTHING`, args...); err != nil {
			return 0, fmt.Errorf("add recipients: %w", translate(err))
		}
	}
	return q.updateTotal(ctx, mailingID)
}

func (q *Queries) updateTotal(ctx context.Context, mailingID string) (int, error) {
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM mailing_recipients WHERE mailing_id=$1`, mailingID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count recipients: %w", err)
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE mailings SET total=$2 WHERE id=$1`, mailingID, n); err != nil {
		return 0, fmt.Errorf("set total: %w", err)
	}
	return n, nil
}

// AcquireMailingLease makes owner the only sender of a mailing until
// `until`, if nobody else holds a live lease. Leases use the wall clock:
// they are about processes being alive, not about business time.
func (q *Queries) AcquireMailingLease(ctx context.Context, id, owner string, now, until time.Time) (bool, error) {
	res, err := q.q.ExecContext(ctx, `UPDATE mailings SET lease_owner=$2, lease_until=$4 WHERE id=$1 AND state='sending'
		AND (lease_owner=$2 OR lease_owner='' OR lease_until IS NULL OR lease_until < $3)`, id, owner, now, until)
	if err != nil {
		return false, fmt.Errorf("lease mailing: %w", translate(err))
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// TakeOverMailingLease gives owner the lease held by dead, a process known
// to have died (InstanceAlive), without waiting for the lease to expire.
func (q *Queries) TakeOverMailingLease(ctx context.Context, id, dead, owner string, until time.Time) (bool, error) {
	res, err := q.q.ExecContext(ctx, `UPDATE mailings SET lease_owner=$3, lease_until=$4 WHERE id=$1 AND state='sending'
		AND lease_owner=$2`, id, dead, owner, until)
	if err != nil {
		return false, fmt.Errorf("take over mailing lease: %w", translate(err))
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ReleaseMailingLease gives the lease up.
func (q *Queries) ReleaseMailingLease(ctx context.Context, id, owner string) error {
	_, err := q.q.ExecContext(ctx, `UPDATE mailings SET lease_owner='', lease_until=NULL WHERE id=$1 AND lease_owner=$2`, id, owner)
	return translate(err)
}

// RequeueClaims returns recipients left "claimed" to pending. Claiming
// is gone (a run reads pending rows after a cursor instead, see
// NextRecipients); rows claimed by a process of an earlier version that
// stopped mid-send would otherwise never be sent.
func (q *Queries) RequeueClaims(ctx context.Context, mailingID string) error {
	_, err := q.q.ExecContext(ctx, `UPDATE mailing_recipients SET state='pending', claimed_by=''
		WHERE mailing_id=$1 AND state='claimed'`, mailingID)
	return translate(err)
}

// NextRecipients reads up to limit pending recipients after the subscriber
// id `after`, in subscriber order, and tells for each whether they still
// want this mail. It writes nothing: only the lease holder sends, its
// cursor never goes back within a run, and a row stays pending until the
// mail server accepted its message (MarkSent), so whatever a dead sender
// had in hand is simply still pending. The cursor keeps each read an index
// range that starts where the previous one ended.
func (q *Queries) NextRecipients(ctx context.Context, m model.Mailing, after string, limit int) ([]model.Recipient, error) {
	// The batch is taken first (a range of the pending index), then its
	// subscribers and their subscriptions are looked up row by row. As one
	// join with an EXISTS, PostgreSQL planned a merge join walking the
	// subscribers from the first one to the cursor and a hash of every
	// subscription of the organisation, for every batch (EXPLAIN ANALYZE:
	// 270 ms per 500 in the middle of a 100,000 list, against 4 ms now).
	still := `LEFT JOIN subscriber_orgs so ON so.subscriber_id = r.subscriber_id AND so.org_id = $4`
	wanted := `CASE WHEN so.subscriber_id IS NOT NULL AND ` + wants[m.Kind] + ` THEN 1 ELSE 0 END`
	if m.Kind == model.MailingThread {
		// Still following a thread of this organisation (short lists).
		still, wanted = ``, `EXISTS (SELECT 1 FROM subscriber_follows f WHERE f.subscriber_id = r.subscriber_id AND f.kind = 'thread' AND f.org_id = $4)`
	}
	rows, err := q.q.QueryContext(ctx, `WITH r AS MATERIALIZED (SELECT subscriber_id FROM mailing_recipients
			WHERE mailing_id = $1 AND state = 'pending' AND subscriber_id > $2 ORDER BY subscriber_id LIMIT $3)
		SELECT r.subscriber_id, s.email, s.lang, s.status, `+wanted+`
		FROM r JOIN subscribers s ON s.id = r.subscriber_id `+still+` ORDER BY r.subscriber_id`,
		m.ID, after, limit, m.OrgID)
	if err != nil {
		return nil, fmt.Errorf("next recipients: %w", err)
	}
	defer rows.Close()
	out := make([]model.Recipient, 0, limit)
	for rows.Next() {
		var (
			r      model.Recipient
			status string
			wanted bool
		)
		if err := rows.Scan(&r.SubscriberID, &r.Email, &r.Lang, &status, &wanted); err != nil {
			return nil, err
		}
		r.Wanted = wanted && model.SubscriberStatus(status) == model.SubActive
		out = append(out, r)
	}
	return out, rows.Err()
}

// MarkSent records that the mail server accepted these pending recipients'
// messages, and counts them in the mailing. It returns how many were
// marked (fewer when another run marked some: a lease taken over).
func (q *Queries) MarkSent(ctx context.Context, mailingID string, ids []string, at time.Time) (int, error) {
	const chunk = 500
	total := 0
	for i := 0; i < len(ids); i += chunk {
		part := ids[i:min(i+chunk, len(ids))]
		args := make([]any, 0, 2+len(part))
		args = append(args, mailingID, at)
		for _, id := range part {
			args = append(args, id)
		}
		res, err := q.q.ExecContext(ctx, `UPDATE mailing_recipients SET state='sent', sent_at=$2, error=''
			WHERE mailing_id=$1 AND state='pending' AND subscriber_id IN (`+placeholders(3, len(part))+`)`, args...)
		if err != nil {
			return 0, fmt.Errorf("mark sent: %w", translate(err))
		}
		n, _ := res.RowsAffected()
		total += int(n)
	}
	if total == 0 {
		return 0, nil
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE mailings SET sent=sent+$2 WHERE id=$1`, mailingID, total); err != nil {
		return 0, fmt.Errorf("count sent: %w", err)
	}
	return total, nil
}

// Outcome is how one recipient's message ended, other than accepted.
type Outcome struct {
	SubscriberID string
	State        string // "failed", "skipped", or "pending" (retry later)
	Error        string
}

// SettleRecipients records refusals and skips of pending recipients in one
// transaction's worth of statements, keeping the mailing's counters right.
func (q *Queries) SettleRecipients(ctx context.Context, mailingID string, outs []Outcome) error {
	var skipped int
	for _, o := range outs {
		if len(o.Error) > 300 {
			o.Error = o.Error[:300]
		}
		query := `UPDATE mailing_recipients SET state=$3, error=$4, attempts=attempts+1, sent_at=NULL
			WHERE mailing_id=$1 AND subscriber_id=$2 AND state='pending'`
		if o.State == "pending" {
			// A transient refusal is retried twice, then counted failed.
			query = `UPDATE mailing_recipients SET state=CASE WHEN attempts >= 2 THEN 'failed' ELSE 'pending' END,
				error=$4, attempts=attempts+1, sent_at=NULL WHERE mailing_id=$1 AND subscriber_id=$2 AND state='pending' AND $3 <> ''`
		}
		if _, err := q.q.ExecContext(ctx, query, mailingID, o.SubscriberID, o.State, o.Error); err != nil {
			return fmt.Errorf("settle recipient: %w", translate(err))
		}
		if o.State == "skipped" {
			skipped++
		}
	}
	// Retries that ran out become failures: recount those from the rows.
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM mailing_recipients WHERE mailing_id=$1 AND state='failed'`, mailingID).Scan(&n); err != nil {
		return fmt.Errorf("count failed: %w", err)
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE mailings SET failed=$2, skipped=skipped+$3 WHERE id=$1`,
		mailingID, n, skipped); err != nil {
		return fmt.Errorf("count outcomes: %w", err)
	}
	return nil
}

// FinishMailing marks a mailing done when its list is complete and nothing
// is left to send.
func (q *Queries) FinishMailing(ctx context.Context, id string, at time.Time) (bool, error) {
	res, err := q.q.ExecContext(ctx, `UPDATE mailings SET state='done', finished_at=$2, lease_owner='', lease_until=NULL
		WHERE id=$1 AND state='sending' AND audience = ''
		AND NOT EXISTS (SELECT 1 FROM mailing_recipients WHERE mailing_id=$1 AND state='pending')
		AND NOT EXISTS (SELECT 1 FROM mailing_recipients WHERE mailing_id=$1 AND state='claimed')`, id, at)
	if err != nil {
		return false, fmt.Errorf("finish mailing: %w", translate(err))
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// SetMailingState pauses, resumes or cancels a mailing (from, to).
func (q *Queries) SetMailingState(ctx context.Context, orgID, id string, from []model.MailingState, to model.MailingState, at time.Time) error {
	args := []any{id, orgID, to, at}
	var in []string
	for _, f := range from {
		args = append(args, f)
		in = append(in, fmt.Sprintf("$%d", len(args)))
	}
	finished := `finished_at`
	if to == model.MailingCancelled {
		finished = `$4`
	}
	return mustAffect(q.q.ExecContext(ctx, `UPDATE mailings SET state=$3, finished_at=`+finished+`
		WHERE id=$1 AND org_id=$2 AND state IN (`+strings.Join(in, ",")+`)`, args...))
}

// RecipientStates counts a mailing's recipients per state (tests, checks).
func (q *Queries) RecipientStates(ctx context.Context, mailingID string) (map[string]int, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT state, COUNT(*) FROM mailing_recipients WHERE mailing_id=$1 GROUP BY state`, mailingID)
	if err != nil {
		return nil, fmt.Errorf("recipient states: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var (
			s string
			n int
		)
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// CountClick adds one click to a link of a mailing (aggregate only).
func (q *Queries) CountClick(ctx context.Context, mailingID string, link int) (string, error) {
	var u string
	err := q.q.QueryRowContext(ctx, `UPDATE click_counts SET clicks=clicks+1 WHERE mailing_id=$1 AND link=$2 RETURNING url`,
		mailingID, link).Scan(&u)
	if err != nil {
		return "", fmt.Errorf("count click: %w", translate(err))
	}
	return u, nil
}

// ClickURL returns a counted link's address without counting.
func (q *Queries) ClickURL(ctx context.Context, mailingID string, link int) (string, error) {
	var u string
	err := q.q.QueryRowContext(ctx, `SELECT url FROM click_counts WHERE mailing_id=$1 AND link=$2`, mailingID, link).Scan(&u)
	if err != nil {
		return "", fmt.Errorf("click link: %w", translate(err))
	}
	return u, nil
}

// AddClickLinks registers a mailing's tracked links.
func (q *Queries) AddClickLinks(ctx context.Context, mailingID string, urls []string) error {
	for i, u := range urls {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO click_counts (mailing_id, link, url, clicks) VALUES ($1,$2,$3,0)
			ON CONFLICT (mailing_id, link) DO NOTHING`, mailingID, i, u); err != nil {
			return fmt.Errorf("click link: %w", translate(err))
		}
	}
	return nil
}

// ClickCounts lists a mailing's links and their clicks.
func (q *Queries) ClickCounts(ctx context.Context, mailingID string) ([]model.ClickCount, error) {
	return queryAll(ctx, q, func(row scanner) (model.ClickCount, error) {
		var c model.ClickCount
		return c, row.Scan(&c.URL, &c.Clicks)
	}, `SELECT url, clicks FROM click_counts WHERE mailing_id=$1 ORDER BY link`, mailingID)
}

// DigestClicks sums the clicks on the links of an organisation's digests
// created since a time, per address, most clicked first.
func (q *Queries) DigestClicks(ctx context.Context, orgID string, since time.Time, limit int) ([]model.ClickCount, error) {
	return queryAll(ctx, q, func(row scanner) (model.ClickCount, error) {
		var c model.ClickCount
		return c, row.Scan(&c.URL, &c.Clicks)
	}, `SELECT c.url, SUM(c.clicks) FROM click_counts c JOIN mailings m ON m.id = c.mailing_id
		WHERE m.org_id=$1 AND m.kind='digest' AND m.created_at >= $2 GROUP BY c.url ORDER BY SUM(c.clicks) DESC, c.url LIMIT $3`,
		orgID, since, limit)
}

// PublicationOrg returns the organisation a publication belongs to (jobs
// that only carry the publication id).
func (q *Queries) PublicationOrg(ctx context.Context, publicationID string) (string, error) {
	var org string
	if err := q.q.QueryRowContext(ctx, `SELECT org_id FROM publications WHERE id=$1`, publicationID).Scan(&org); err != nil {
		return "", fmt.Errorf("publication %s: %w", publicationID, translate(err))
	}
	return org, nil
}

// DigestCandidate is a subscriber due for a digest.
type DigestCandidate struct {
	SubscriberID     string
	Since            time.Time
	Everything       bool
	TopicIDs         []string
	NeighbourhoodIDs []string
}

// DigestCandidates lists an organisation's active subscribers receiving
// news at freq who have no digest run for (period, key) yet.
func (q *Queries) DigestCandidates(ctx context.Context, orgID string, freq model.Frequency, period, key string) ([]DigestCandidate, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT so.subscriber_id, so.last_digest_at, so.created_at, so.everything,
		(SELECT `+q.groupConcat("f.kind || ':' || f.target_id")+` FROM subscriber_follows f
			WHERE f.subscriber_id = so.subscriber_id AND f.org_id = so.org_id AND f.kind IN ('topic','neighbourhood'))
		FROM subscriber_orgs so JOIN subscribers s ON s.id = so.subscriber_id AND s.status = 'active'
		WHERE so.org_id = $1 AND so.news = $2 AND NOT EXISTS (SELECT 1 FROM digest_runs d
			WHERE d.subscriber_id = so.subscriber_id AND d.org_id = so.org_id AND d.period = $3 AND d.period_key = $4)
		ORDER BY so.subscriber_id`, orgID, freq, period, key)
	if err != nil {
		return nil, fmt.Errorf("digest candidates: %w", err)
	}
	defer rows.Close()
	var out []DigestCandidate
	for rows.Next() {
		var (
			c          DigestCandidate
			everything int
			last       sql.NullTime
			follows    sql.NullString
		)
		if err := rows.Scan(&c.SubscriberID, &last, &c.Since, &everything, &follows); err != nil {
			return nil, err
		}
		if last.Valid {
			c.Since = last.Time
		}
		c.Since = c.Since.UTC()
		c.Everything = everything == 1
		for _, f := range splitIDs(follows) {
			kind, id, _ := strings.Cut(f, ":")
			if model.FollowKind(kind) == model.FollowTopic {
				c.TopicIDs = append(c.TopicIDs, id)
			} else {
				c.NeighbourhoodIDs = append(c.NeighbourhoodIDs, id)
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// AddDigestRun records that a subscriber's digest for (period, key) is done
// (items 0: there was nothing new, nothing was sent). A second run for the
// same period is model.ErrConflict.
func (q *Queries) AddDigestRun(ctx context.Context, subscriberID, orgID, period, key string, items int, at time.Time) error {
	if _, err := q.q.ExecContext(ctx, `INSERT INTO digest_runs (subscriber_id, org_id, period, period_key, items, created_at)
		VALUES ($1,$2,$3,$4,$5,$6)`, subscriberID, orgID, period, key, items, at); err != nil {
		return fmt.Errorf("digest run: %w", translate(err))
	}
	return q.SetLastDigest(ctx, subscriberID, orgID, at)
}
