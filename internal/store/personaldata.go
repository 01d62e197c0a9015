package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/model"
)

// PersonalData gathers what the database holds about one account and the
// address it signs in with (registrations, requests and the e-mail
// subscription can have been made with the address before the account
// existed). Run it in a transaction for a consistent picture.
func (q *Queries) PersonalData(ctx context.Context, accountID string) (model.PersonalData, error) {
	var d model.PersonalData
	var email string
	err := q.q.QueryRowContext(ctx, `SELECT email, email_verified_at, display_name, locale, created_at, updated_at
		FROM accounts WHERE id=$1`, accountID).Scan(&email, nullTimeDest(&d.Account.EmailVerifiedAt), &d.Account.DisplayName,
		&d.Account.Locale, &d.Account.CreatedAt, &d.Account.UpdatedAt)
	if err != nil {
		return d, fmt.Errorf("personal data: account: %w", translate(err))
	}
	d.Account.Email = email
	email = strings.ToLower(email)
	steps := []func() error{
		func() (err error) { d.Memberships, err = q.personalMemberships(ctx, accountID); return },
		func() (err error) { d.Sessions, err = q.personalSessions(ctx, accountID); return },
		func() (err error) { d.Subscription, err = q.personalSubscription(ctx, accountID, email); return },
		func() (err error) { d.Comments, err = q.personalComments(ctx, accountID); return },
		func() (err error) { d.UsefulMarks, err = q.personalMarks(ctx, accountID); return },
		func() (err error) { d.Reports, err = q.personalReports(ctx, accountID, email); return },
		func() (err error) { d.Registrations, err = q.personalRegistrations(ctx, accountID, email); return },
		func() (err error) { d.Requests, err = q.personalRequests(ctx, accountID, email); return },
		func() (err error) { d.Sanctions, err = q.personalSanctions(ctx, accountID); return },
		func() (err error) { d.Appeals, err = q.personalAppeals(ctx, accountID); return },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return d, fmt.Errorf("personal data: %w", err)
		}
	}
	return d, nil
}

// nullTimeDest scans a nullable timestamp into a *time.Time field.
func nullTimeDest(dst **time.Time) sql.Scanner { return nullTimeScanner{dst: dst} }

type nullTimeScanner struct{ dst **time.Time }

func (s nullTimeScanner) Scan(v any) error {
	var nt sql.NullTime
	if err := nt.Scan(v); err != nil {
		return err
	}
	*s.dst = nullTime(nt)
	return nil
}

// listOf runs a query and scans each row with scan; the result is never nil
// so that the JSON export shows [] rather than null.
func listOf[T any](ctx context.Context, q *Queries, query string, scan func(*sql.Rows, *T) error, args ...any) ([]T, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (q *Queries) personalMemberships(ctx context.Context, accountID string) ([]model.PersonalMembership, error) {
	return listOf(ctx, q, `SELECT o.name, m.role, m.created_at FROM memberships m JOIN organisations o ON o.id = m.org_id
		WHERE m.account_id=$1 ORDER BY o.name`, func(r *sql.Rows, v *model.PersonalMembership) error {
		return r.Scan(&v.Organisation, &v.Role, &v.Since)
	}, accountID)
}

func (q *Queries) personalSessions(ctx context.Context, accountID string) ([]model.PersonalSession, error) {
	return listOf(ctx, q, `SELECT created_at, last_seen_at, expires_at, user_agent, ip FROM sessions
		WHERE account_id=$1 ORDER BY created_at`, func(r *sql.Rows, v *model.PersonalSession) error {
		return r.Scan(&v.CreatedAt, &v.LastSeenAt, &v.ExpiresAt, &v.UserAgent, &v.IP)
	}, accountID)
}

func (q *Queries) personalSubscription(ctx context.Context, accountID, email string) (*model.PersonalSubscription, error) {
	var s model.PersonalSubscription
	var id string
	err := q.q.QueryRowContext(ctx, `SELECT id, email, status, confirmed_at, created_at FROM subscribers
		WHERE account_id=$1 OR lower(email)=$2 ORDER BY created_at LIMIT 1`, accountID, email).
		Scan(&id, &s.Email, &s.Status, nullTimeDest(&s.ConfirmedAt), &s.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err)
	}
	if s.Organisations, err = listOf(ctx, q, `SELECT o.name, so.everything, so.alerts, so.news, so.newsletter, so.created_at
		FROM subscriber_orgs so JOIN organisations o ON o.id = so.org_id WHERE so.subscriber_id=$1 ORDER BY o.name`,
		func(r *sql.Rows, v *model.PersonalSubscriptionOrg) error {
			return r.Scan(&v.Organisation, &v.Everything, &v.Alerts, &v.News, &v.Newsletter, &v.Since)
		}, id); err != nil {
		return nil, err
	}
	if s.Follows, err = listOf(ctx, q, `SELECT o.name, f.kind,
		COALESCE(t.name, n.name, p.title, ''), f.created_at
		FROM subscriber_follows f JOIN organisations o ON o.id = f.org_id
		LEFT JOIN topics t ON f.kind = 'topic' AND t.id = f.target_id
		LEFT JOIN neighbourhoods n ON f.kind = 'neighbourhood' AND n.id = f.target_id
		LEFT JOIN publications p ON f.kind = 'thread' AND p.id = f.target_id
		WHERE f.subscriber_id=$1 ORDER BY o.name, f.kind, f.created_at`,
		func(r *sql.Rows, v *model.PersonalFollow) error {
			return r.Scan(&v.Organisation, &v.Kind, &v.Name, &v.Since)
		}, id); err != nil {
		return nil, err
	}
	s.Consents, err = listOf(ctx, q, `SELECT COALESCE(o.name, ''), c.action, c.consent_version, c.consent_text, c.choices, c.ip, c.created_at
		FROM consents c LEFT JOIN organisations o ON o.id = c.org_id WHERE c.subscriber_id=$1 ORDER BY c.created_at`,
		func(r *sql.Rows, v *model.PersonalConsent) error {
			return r.Scan(&v.Organisation, &v.Action, &v.Version, &v.Text, &v.Choices, &v.IP, &v.At)
		}, id)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

func (q *Queries) personalComments(ctx context.Context, accountID string) ([]model.PersonalComment, error) {
	type row struct {
		id string
		c  model.PersonalComment
	}
	rows, err := listOf(ctx, q, `SELECT c.id, o.name, p.title, c.body, c.status, c.created_at
		FROM comments c JOIN organisations o ON o.id = c.org_id JOIN publications p ON p.id = c.publication_id
		WHERE c.account_id=$1 ORDER BY c.created_at, c.id`, func(r *sql.Rows, v *row) error {
		return r.Scan(&v.id, &v.c.Organisation, &v.c.Publication, &v.c.Body, &v.c.Status, &v.c.CreatedAt)
	}, accountID)
	if err != nil {
		return nil, err
	}
	revs, err := listOf(ctx, q, `SELECT r.comment_id, r.body, r.created_at FROM comment_revisions r
		JOIN comments c ON c.id = r.comment_id WHERE c.account_id=$1 ORDER BY r.created_at, r.id`,
		func(r *sql.Rows, v *struct {
			id  string
			rev model.PersonalRevision
		}) error {
			return r.Scan(&v.id, &v.rev.Body, &v.rev.CreatedAt)
		}, accountID)
	if err != nil {
		return nil, err
	}
	byID := make(map[string][]model.PersonalRevision, len(revs))
	for _, r := range revs {
		byID[r.id] = append(byID[r.id], r.rev)
	}
	out := make([]model.PersonalComment, len(rows))
	for i, r := range rows {
		out[i] = r.c
		out[i].Versions = byID[r.id]
		if out[i].Versions == nil {
			out[i].Versions = []model.PersonalRevision{}
		}
	}
	return out, nil
}

func (q *Queries) personalMarks(ctx context.Context, accountID string) ([]model.PersonalMark, error) {
	return listOf(ctx, q, `SELECT o.name, p.title, u.created_at FROM comment_useful u
		JOIN comments c ON c.id = u.comment_id JOIN organisations o ON o.id = c.org_id JOIN publications p ON p.id = c.publication_id
		WHERE u.account_id=$1 ORDER BY u.created_at`, func(r *sql.Rows, v *model.PersonalMark) error {
		return r.Scan(&v.Organisation, &v.Publication, &v.At)
	}, accountID)
}

func (q *Queries) personalReports(ctx context.Context, accountID, email string) ([]model.PersonalReport, error) {
	return listOf(ctx, q, `SELECT o.name, p.title, r.reason, r.explanation, r.status, r.created_at FROM comment_reports r
		JOIN comments c ON c.id = r.comment_id JOIN organisations o ON o.id = r.org_id JOIN publications p ON p.id = c.publication_id
		WHERE r.reporter_account_id=$1 OR (r.reporter_email <> '' AND lower(r.reporter_email)=$2) ORDER BY r.created_at, r.id`,
		func(r *sql.Rows, v *model.PersonalReport) error {
			return r.Scan(&v.Organisation, &v.Publication, &v.Reason, &v.Explanation, &v.Status, &v.CreatedAt)
		}, accountID, email)
}

func (q *Queries) personalRegistrations(ctx context.Context, accountID, email string) ([]model.PersonalRegistration, error) {
	return listOf(ctx, q, `SELECT o.name, p.title, g.name, g.email, g.seats, g.answers, g.status, g.created_at, g.cancelled_at
		FROM event_registrations g JOIN publications p ON p.id = g.event_id JOIN organisations o ON o.id = p.org_id
		WHERE g.account_id=$1 OR lower(g.email)=$2 ORDER BY g.created_at, g.id`,
		func(r *sql.Rows, v *model.PersonalRegistration) error {
			return r.Scan(&v.Organisation, &v.Event, &v.Name, &v.Email, &v.Seats, &v.Answers, &v.Status, &v.CreatedAt,
				nullTimeDest(&v.CancelledAt))
		}, accountID, email)
}

func (q *Queries) personalRequests(ctx context.Context, accountID, email string) ([]model.PersonalRequest, error) {
	type row struct {
		id string
		r  model.PersonalRequest
	}
	const mine = `(r.account_id=$1 OR lower(r.email)=$2)`
	rows, err := listOf(ctx, q, `SELECT r.id, o.name, r.reference, r.name, r.email, r.body, r.created_at
		FROM resident_requests r JOIN organisations o ON o.id = r.org_id
		WHERE `+mine+` ORDER BY r.created_at, r.id`,
		func(r *sql.Rows, v *row) error {
			return r.Scan(&v.id, &v.r.Organisation, &v.r.Reference, &v.r.Name, &v.r.Email, &v.r.Body, &v.r.CreatedAt)
		}, accountID, email)
	if err != nil {
		return nil, err
	}
	// The staff's answers and the person's e-mailed replies; notes,
	// assignments and held mail from other senders are the staff's own.
	msgs, err := listOf(ctx, q, `SELECT i.source_id, CASE e.kind WHEN 'reply' THEN 'answer' ELSE 'your_reply' END, e.body, e.created_at
		FROM inbox_events e JOIN inbox_items i ON i.id = e.item_id JOIN resident_requests r ON r.id = i.source_id
		WHERE i.kind = 'request' AND e.kind IN ('reply', 'resident_email') AND `+mine+` ORDER BY e.created_at, e.id`,
		func(r *sql.Rows, v *struct {
			id string
			m  model.PersonalMessage
		}) error {
			return r.Scan(&v.id, &v.m.Kind, &v.m.Body, &v.m.At)
		}, accountID, email)
	if err != nil {
		return nil, err
	}
	byID := map[string][]model.PersonalMessage{}
	for _, m := range msgs {
		byID[m.id] = append(byID[m.id], m.m)
	}
	out := make([]model.PersonalRequest, len(rows))
	for i, r := range rows {
		out[i] = r.r
		if out[i].Messages = byID[r.id]; out[i].Messages == nil {
			out[i].Messages = []model.PersonalMessage{}
		}
	}
	return out, nil
}

func (q *Queries) personalSanctions(ctx context.Context, accountID string) ([]model.PersonalSanction, error) {
	return listOf(ctx, q, `SELECT o.name, s.kind, s.until_at, s.lifted_at, s.created_at
		FROM moderation_sanctions s JOIN organisations o ON o.id = s.org_id WHERE s.account_id=$1 ORDER BY s.created_at`,
		func(r *sql.Rows, v *model.PersonalSanction) error {
			return r.Scan(&v.Organisation, &v.Kind, nullTimeDest(&v.Until), nullTimeDest(&v.LiftedAt), &v.CreatedAt)
		}, accountID)
}

func (q *Queries) personalAppeals(ctx context.Context, accountID string) ([]model.PersonalAppeal, error) {
	return listOf(ctx, q, `SELECT o.name, a.text, a.status, a.answer, a.created_at, a.decided_at
		FROM moderation_appeals a JOIN organisations o ON o.id = a.org_id WHERE a.account_id=$1 ORDER BY a.created_at`,
		func(r *sql.Rows, v *model.PersonalAppeal) error {
			return r.Scan(&v.Organisation, &v.Text, &v.Status, &v.Answer, &v.CreatedAt, nullTimeDest(&v.DecidedAt))
		}, accountID)
}
