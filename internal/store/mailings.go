package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/model"
)

// Mailings: one body, many recipients. The recipient list is materialised
// when sending starts; workers claim pending rows in batches and mark each
// one sent in small transactions (see docs/EMAIL.md, "Crash safety").

const mailingColumns = `id, org_id, kind, ref_id, subject, text_body, html_body, state, total, sent, failed, skipped,
	rate_per_second, lease_owner, lease_until, created_at, started_at, finished_at`

func scanMailing(row scanner) (model.Mailing, error) {
	var (
		m                      model.Mailing
		lease, started, finish sql.NullTime
	)
	err := row.Scan(&m.ID, &m.OrgID, &m.Kind, &m.RefID, &m.Subject, &m.Text, &m.HTML, &m.State, &m.Total, &m.Sent,
		&m.Failed, &m.Skipped, &m.RatePerSecond, &m.LeaseOwner, &lease, &m.CreatedAt, &started, &finish)
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

// ReleaseMailingLease gives the lease up.
func (q *Queries) ReleaseMailingLease(ctx context.Context, id, owner string) error {
	_, err := q.q.ExecContext(ctx, `UPDATE mailings SET lease_owner='', lease_until=NULL WHERE id=$1 AND lease_owner=$2`, id, owner)
	return translate(err)
}

// RequeueClaims returns recipients claimed by anyone but owner to pending:
// called by a new lease holder, the previous one being dead. Their end of
// data was never sent (see MarkSent), so they were not delivered.
func (q *Queries) RequeueClaims(ctx context.Context, mailingID, owner string) error {
	_, err := q.q.ExecContext(ctx, `UPDATE mailing_recipients SET state='pending', claimed_by=''
		WHERE mailing_id=$1 AND state='claimed' AND claimed_by <> $2`, mailingID, owner)
	return translate(err)
}

// UnclaimAll returns owner's claimed recipients to pending (pause, or a
// connection lost before the end of data).
func (q *Queries) UnclaimAll(ctx context.Context, mailingID, owner string) error {
	_, err := q.q.ExecContext(ctx, `UPDATE mailing_recipients SET state='pending', claimed_by=''
		WHERE mailing_id=$1 AND state='claimed' AND claimed_by=$2`, mailingID, owner)
	return translate(err)
}

// ClaimRecipients claims up to limit pending recipients for owner, in
// subscriber order, and tells for each whether they still want this mail.
// Only the lease holder calls it, so the range update cannot race.
func (q *Queries) ClaimRecipients(ctx context.Context, m model.Mailing, owner string, limit int) ([]model.Recipient, error) {
	still := `EXISTS (SELECT 1 FROM subscriber_orgs so WHERE so.subscriber_id = r.subscriber_id AND so.org_id = $3 AND ` + wants[m.Kind] + `)`
	if m.Kind == model.MailingThread {
		// Still following a thread of this organisation.
		still = `EXISTS (SELECT 1 FROM subscriber_follows f WHERE f.subscriber_id = r.subscriber_id AND f.kind = 'thread' AND f.org_id = $3)`
	}
	rows, err := q.q.QueryContext(ctx, `SELECT r.subscriber_id, s.email, s.lang, s.status, `+still+`
		FROM mailing_recipients r JOIN subscribers s ON s.id = r.subscriber_id
		WHERE r.mailing_id = $1 AND r.state = 'pending' ORDER BY r.subscriber_id LIMIT $2`, m.ID, limit, m.OrgID)
	if err != nil {
		return nil, fmt.Errorf("claim recipients: %w", err)
	}
	var out []model.Recipient
	for rows.Next() {
		var (
			r      model.Recipient
			status string
			wanted bool
		)
		if err := rows.Scan(&r.SubscriberID, &r.Email, &r.Lang, &status, &wanted); err != nil {
			rows.Close()
			return nil, err
		}
		r.Wanted = wanted && model.SubscriberStatus(status) == model.SubActive
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE mailing_recipients SET state='claimed', claimed_by=$2
		WHERE mailing_id=$1 AND state='pending' AND subscriber_id <= $3`, m.ID, owner, out[len(out)-1].SubscriberID); err != nil {
		return nil, fmt.Errorf("claim: %w", translate(err))
	}
	return out, nil
}

// MarkSent records, in one statement, that these claimed recipients are
// being delivered, and returns those that were still claimed by owner.
// The sender calls it before ending each message's data: a crash after it
// loses at most the messages whose end of data had not left yet, and never
// sends one twice.
func (q *Queries) MarkSent(ctx context.Context, mailingID, owner string, ids []string, at time.Time) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{mailingID, owner, at}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := q.q.QueryContext(ctx, `UPDATE mailing_recipients SET state='sent', sent_at=$3, error=''
		WHERE mailing_id=$1 AND claimed_by=$2 AND state='claimed' AND subscriber_id IN (`+placeholders(4, len(ids))+`)
		RETURNING subscriber_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("mark sent: %w", translate(err))
	}
	var done []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		done = append(done, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE mailings SET sent=sent+$2 WHERE id=$1`, mailingID, len(done)); err != nil {
		return nil, fmt.Errorf("count sent: %w", err)
	}
	return done, nil
}

// Outcome is how one recipient's message ended, other than accepted.
type Outcome struct {
	SubscriberID string
	State        string // "failed", "skipped", or "pending" (retry later)
	Error        string
	WasSent      bool // marked sent before the server refused the end of data
}

// SettleRecipients records refusals and skips of claimed recipients in one
// transaction's worth of statements, keeping the mailing's counters right.
func (q *Queries) SettleRecipients(ctx context.Context, mailingID string, outs []Outcome) error {
	var skipped, unsent int
	for _, o := range outs {
		if len(o.Error) > 300 {
			o.Error = o.Error[:300]
		}
		from := `'claimed'`
		if o.WasSent {
			from = `'sent'`
			unsent++
		}
		query := `UPDATE mailing_recipients SET state=$3, claimed_by='', error=$4, attempts=attempts+1, sent_at=NULL
			WHERE mailing_id=$1 AND subscriber_id=$2 AND state=` + from
		if o.State == "pending" {
			// A transient refusal is retried twice, then counted failed.
			query = `UPDATE mailing_recipients SET state=CASE WHEN attempts >= 2 THEN 'failed' ELSE 'pending' END,
				claimed_by='', error=$4, attempts=attempts+1, sent_at=NULL WHERE mailing_id=$1 AND subscriber_id=$2 AND state=` + from + ` AND $3 <> ''`
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
	if _, err := q.q.ExecContext(ctx, `UPDATE mailings SET failed=$2, skipped=skipped+$3, sent=sent-$4 WHERE id=$1`,
		mailingID, n, skipped, unsent); err != nil {
		return fmt.Errorf("count outcomes: %w", err)
	}
	return nil
}

// FinishMailing marks a mailing done when nothing is left to send.
func (q *Queries) FinishMailing(ctx context.Context, id string, at time.Time) (bool, error) {
	res, err := q.q.ExecContext(ctx, `UPDATE mailings SET state='done', finished_at=$2, lease_owner='', lease_until=NULL
		WHERE id=$1 AND state='sending' AND NOT EXISTS (SELECT 1 FROM mailing_recipients
		WHERE mailing_id=$1 AND state IN ('pending','claimed'))`, id, at)
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
func (q *Queries) ClickCounts(ctx context.Context, mailingID string) ([]ClickCount, error) {
	return queryAll(ctx, q, func(row scanner) (ClickCount, error) {
		var c ClickCount
		return c, row.Scan(&c.URL, &c.Clicks)
	}, `SELECT url, clicks FROM click_counts WHERE mailing_id=$1 ORDER BY link`, mailingID)
}

// DigestClicks sums the clicks on the links of an organisation's digests
// created since a time, per address, most clicked first.
func (q *Queries) DigestClicks(ctx context.Context, orgID string, since time.Time, limit int) ([]ClickCount, error) {
	return queryAll(ctx, q, func(row scanner) (ClickCount, error) {
		var c ClickCount
		return c, row.Scan(&c.URL, &c.Clicks)
	}, `SELECT c.url, SUM(c.clicks) FROM click_counts c JOIN mailings m ON m.id = c.mailing_id
		WHERE m.org_id=$1 AND m.kind='digest' AND m.created_at >= $2 GROUP BY c.url ORDER BY SUM(c.clicks) DESC, c.url LIMIT $3`,
		orgID, since, limit)
}

// ClickCount is one link's aggregate clicks.
type ClickCount struct {
	URL    string
	Clicks int
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
