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

// Subscribers, their per-organisation choices, follows, opt-in requests and
// consents. Staff-side reads here return counts, never addresses, except
// ExportSubscribers which the app audits.

// InstanceSecret returns the secret called name, storing gen() first if none
// exists yet. Concurrent first starts agree on one value (the first insert).
func (q *Queries) InstanceSecret(ctx context.Context, name string, gen func() string, at time.Time) (string, error) {
	if _, err := q.q.ExecContext(ctx, `INSERT INTO instance_secrets (name, value, created_at) VALUES ($1,$2,$3)
		ON CONFLICT (name) DO NOTHING`, name, gen(), at); err != nil {
		return "", fmt.Errorf("store secret %s: %w", name, translate(err))
	}
	var v string
	if err := q.q.QueryRowContext(ctx, `SELECT value FROM instance_secrets WHERE name=$1`, name).Scan(&v); err != nil {
		return "", fmt.Errorf("secret %s: %w", name, translate(err))
	}
	return v, nil
}

const subscriberColumns = `id, email, account_id, lang, status, confirmed_at, hard_bounces, last_bounce_at,
	last_bounce_reason, suspended_at, confirm_sent_at, confirm_sends, created_at, updated_at`

func scanSubscriber(row scanner) (model.Subscriber, error) {
	var (
		s                                        model.Subscriber
		account                                  sql.NullString
		confirmed, bounced, suspended, confirmSt sql.NullTime
	)
	err := row.Scan(&s.ID, &s.Email, &account, &s.Lang, &s.Status, &confirmed, &s.HardBounces, &bounced,
		&s.LastBounceReason, &suspended, &confirmSt, &s.ConfirmSends, &s.CreatedAt, &s.UpdatedAt)
	s.AccountID = account.String
	s.ConfirmedAt, s.LastBounceAt, s.SuspendedAt, s.ConfirmSentAt = nullTime(confirmed), nullTime(bounced), nullTime(suspended), nullTime(confirmSt)
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return s, err
}

// CreateSubscriber inserts s; a known address is model.ErrConflict.
func (q *Queries) CreateSubscriber(ctx context.Context, s model.Subscriber) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO subscribers (id, email, account_id, lang, status, confirmed_at,
		created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		s.ID, s.Email, stringOrNil(s.AccountID), s.Lang, s.Status, timeOrNil(s.ConfirmedAt), s.CreatedAt, s.UpdatedAt)
	if err != nil {
		return fmt.Errorf("create subscriber: %w", translate(err))
	}
	return nil
}

// SubscriberByEmail finds a subscriber by normalised address.
func (q *Queries) SubscriberByEmail(ctx context.Context, email string) (model.Subscriber, error) {
	s, err := scanSubscriber(q.q.QueryRowContext(ctx, `SELECT `+subscriberColumns+` FROM subscribers WHERE email=$1`, email))
	if err != nil {
		return s, fmt.Errorf("subscriber by e-mail: %w", translate(err))
	}
	return s, nil
}

// SubscriberByID finds a subscriber.
func (q *Queries) SubscriberByID(ctx context.Context, id string) (model.Subscriber, error) {
	s, err := scanSubscriber(q.q.QueryRowContext(ctx, `SELECT `+subscriberColumns+` FROM subscribers WHERE id=$1`, id))
	if err != nil {
		return s, fmt.Errorf("subscriber %s: %w", id, translate(err))
	}
	return s, nil
}

// SubscriberByAccount finds the subscriber linked to an account.
func (q *Queries) SubscriberByAccount(ctx context.Context, accountID string) (model.Subscriber, error) {
	s, err := scanSubscriber(q.q.QueryRowContext(ctx, `SELECT `+subscriberColumns+` FROM subscribers WHERE account_id=$1`, accountID))
	if err != nil {
		return s, fmt.Errorf("subscriber of account: %w", translate(err))
	}
	return s, nil
}

// LinkSubscriberAccount ties a subscriber to an account.
func (q *Queries) LinkSubscriberAccount(ctx context.Context, id, accountID string, at time.Time) error {
	return mustAffect(q.q.ExecContext(ctx, `UPDATE subscribers SET account_id=$2, updated_at=$3 WHERE id=$1`, id, accountID, at))
}

// ActivateSubscriber confirms a pending subscriber (a suspended one stays
// suspended: a confirmation does not undo bounces).
func (q *Queries) ActivateSubscriber(ctx context.Context, id string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE subscribers SET status='active', confirmed_at=COALESCE(confirmed_at, $2), updated_at=$2
		WHERE id=$1 AND status='pending'`, id, at)
	return translate(err)
}

// NoteConfirmSent records that a confirmation was e-mailed (rate limiting).
func (q *Queries) NoteConfirmSent(ctx context.Context, id string, at time.Time) error {
	return mustAffect(q.q.ExecContext(ctx, `UPDATE subscribers SET confirm_sent_at=$2, confirm_sends=confirm_sends+1,
		updated_at=$2 WHERE id=$1`, id, at))
}

// PutSubscriberOrg saves a subscriber's choices for an organisation and
// replaces the topics and neighbourhoods followed there (threads are kept).
func (q *Queries) PutSubscriberOrg(ctx context.Context, so model.SubscriberOrg) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO subscriber_orgs (subscriber_id, org_id, everything, alerts, news,
		newsletter, last_digest_at, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$8)
		ON CONFLICT (subscriber_id, org_id) DO UPDATE SET everything=$3, alerts=$4, news=$5, newsletter=$6, updated_at=$8`,
		so.SubscriberID, so.OrgID, boolInt(so.Everything), boolInt(so.Alerts), so.News, boolInt(so.Newsletter),
		timeOrNil(so.LastDigestAt), so.UpdatedAt)
	if err != nil {
		return fmt.Errorf("save choices: %w", translate(err))
	}
	if _, err := q.q.ExecContext(ctx, `DELETE FROM subscriber_follows WHERE subscriber_id=$1 AND org_id=$2 AND kind IN ('topic','neighbourhood')`,
		so.SubscriberID, so.OrgID); err != nil {
		return fmt.Errorf("clear follows: %w", translate(err))
	}
	for _, f := range []struct {
		kind model.FollowKind
		ids  []string
	}{{model.FollowTopic, so.TopicIDs}, {model.FollowNeighbourhood, so.NeighbourhoodIDs}} {
		for _, id := range f.ids {
			if err := q.Follow(ctx, so.SubscriberID, so.OrgID, f.kind, id, so.UpdatedAt); err != nil {
				return err
			}
		}
	}
	return nil
}

// Follow records that a subscriber follows a topic, neighbourhood or thread.
func (q *Queries) Follow(ctx context.Context, subscriberID, orgID string, kind model.FollowKind, targetID string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO subscriber_follows (subscriber_id, org_id, kind, target_id, created_at)
		VALUES ($1,$2,$3,$4,$5) ON CONFLICT (subscriber_id, kind, target_id) DO NOTHING`, subscriberID, orgID, kind, targetID, at)
	if err != nil {
		return fmt.Errorf("follow %s: %w", kind, translate(err))
	}
	return nil
}

// Unfollow removes one follow.
func (q *Queries) Unfollow(ctx context.Context, subscriberID string, kind model.FollowKind, targetID string) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM subscriber_follows WHERE subscriber_id=$1 AND kind=$2 AND target_id=$3`,
		subscriberID, kind, targetID)
	return translate(err)
}

// SetAccountSubscriberLang keeps the language of an account's subscriber in
// step with the account's: mass mail is written in it.
func (q *Queries) SetAccountSubscriberLang(ctx context.Context, accountID, lang string) error {
	_, err := q.q.ExecContext(ctx, `UPDATE subscribers SET lang=$2 WHERE account_id=$1 AND lang<>$2`, accountID, lang)
	if err != nil {
		return fmt.Errorf("subscriber language: %w", translate(err))
	}
	return nil
}

// AccountFollowsThread tells whether the subscriber of an account follows
// a publication's comments (the button on the publication page).
func (q *Queries) AccountFollowsThread(ctx context.Context, accountID, publicationID string) (bool, error) {
	var ok bool
	err := q.q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM subscriber_follows f JOIN subscribers s ON s.id = f.subscriber_id
		WHERE s.account_id = $1 AND f.kind = 'thread' AND f.target_id = $2)`, accountID, publicationID).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("follows thread: %w", translate(err))
	}
	return ok, nil
}

// Follows lists what a subscriber follows of one kind ("" org: all).
func (q *Queries) Follows(ctx context.Context, subscriberID string, kind model.FollowKind) ([]string, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT target_id FROM subscriber_follows WHERE subscriber_id=$1 AND kind=$2 ORDER BY target_id`,
		subscriberID, kind)
	if err != nil {
		return nil, fmt.Errorf("follows: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

const subscriberOrgColumns = `so.subscriber_id, so.org_id, so.everything, so.alerts, so.news, so.newsletter,
	so.last_digest_at, so.created_at, so.updated_at`

func scanSubscriberOrg(row scanner) (model.SubscriberOrg, error) {
	var (
		so                             model.SubscriberOrg
		everything, alerts, newsletter int
		last                           sql.NullTime
	)
	err := row.Scan(&so.SubscriberID, &so.OrgID, &everything, &alerts, &so.News, &newsletter, &last, &so.CreatedAt, &so.UpdatedAt)
	so.Everything, so.Alerts, so.Newsletter = everything == 1, alerts == 1, newsletter == 1
	so.LastDigestAt = nullTime(last)
	so.CreatedAt, so.UpdatedAt = so.CreatedAt.UTC(), so.UpdatedAt.UTC()
	return so, err
}

// SubscriberOrgs lists a subscriber's choices per organisation, with the
// topics and neighbourhoods followed.
func (q *Queries) SubscriberOrgs(ctx context.Context, subscriberID string) ([]model.SubscriberOrg, error) {
	list, err := queryAll(ctx, q, scanSubscriberOrg, `SELECT `+subscriberOrgColumns+` FROM subscriber_orgs so
		WHERE so.subscriber_id=$1 ORDER BY so.created_at`, subscriberID)
	if err != nil {
		return nil, fmt.Errorf("subscriber orgs: %w", err)
	}
	rows, err := q.q.QueryContext(ctx, `SELECT org_id, kind, target_id FROM subscriber_follows
		WHERE subscriber_id=$1 AND kind IN ('topic','neighbourhood') ORDER BY target_id`, subscriberID)
	if err != nil {
		return nil, fmt.Errorf("subscriber follows: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var org, kind, target string
		if err := rows.Scan(&org, &kind, &target); err != nil {
			return nil, err
		}
		for i := range list {
			if list[i].OrgID != org {
				continue
			}
			if model.FollowKind(kind) == model.FollowTopic {
				list[i].TopicIDs = append(list[i].TopicIDs, target)
			} else {
				list[i].NeighbourhoodIDs = append(list[i].NeighbourhoodIDs, target)
			}
		}
	}
	return list, rows.Err()
}

// SubscriberOrg returns one organisation's choices.
func (q *Queries) SubscriberOrg(ctx context.Context, subscriberID, orgID string) (model.SubscriberOrg, error) {
	list, err := q.SubscriberOrgs(ctx, subscriberID)
	if err != nil {
		return model.SubscriberOrg{}, err
	}
	for _, so := range list {
		if so.OrgID == orgID {
			return so, nil
		}
	}
	return model.SubscriberOrg{}, fmt.Errorf("choices for organisation: %w", model.ErrNotFound)
}

// DeleteSubscriberOrg stops everything a subscriber receives from an
// organisation (threads included).
func (q *Queries) DeleteSubscriberOrg(ctx context.Context, subscriberID, orgID string) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM subscriber_follows WHERE subscriber_id=$1 AND org_id=$2`, subscriberID, orgID); err != nil {
		return fmt.Errorf("unfollow: %w", translate(err))
	}
	if _, err := q.q.ExecContext(ctx, `DELETE FROM subscriber_orgs WHERE subscriber_id=$1 AND org_id=$2`, subscriberID, orgID); err != nil {
		return fmt.Errorf("unsubscribe: %w", translate(err))
	}
	return nil
}

// SetLastDigest records when a subscriber's last digest covered up to.
func (q *Queries) SetLastDigest(ctx context.Context, subscriberID, orgID string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE subscriber_orgs SET last_digest_at=$3 WHERE subscriber_id=$1 AND org_id=$2`,
		subscriberID, orgID, at)
	return translate(err)
}

// SubscriptionRequest is a pending double opt-in.
type SubscriptionRequest struct {
	TokenHash      string
	SubscriberID   string
	OrgID          string
	Choices        string // JSON
	ConsentVersion string
	IP             string
	CreatedAt      time.Time
	ExpiresAt      time.Time
	UsedAt         *time.Time
}

// CreateSubscriptionRequest stores a pending confirmation.
func (q *Queries) CreateSubscriptionRequest(ctx context.Context, r SubscriptionRequest) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO subscription_requests (token_hash, subscriber_id, org_id, choices,
		consent_version, ip, created_at, expires_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		r.TokenHash, r.SubscriberID, r.OrgID, r.Choices, r.ConsentVersion, r.IP, r.CreatedAt, r.ExpiresAt)
	if err != nil {
		return fmt.Errorf("create subscription request: %w", translate(err))
	}
	return nil
}

// SubscriptionRequestByHash finds a request whatever its state.
func (q *Queries) SubscriptionRequestByHash(ctx context.Context, hash string) (SubscriptionRequest, error) {
	var (
		r    SubscriptionRequest
		used sql.NullTime
	)
	err := q.q.QueryRowContext(ctx, `SELECT token_hash, subscriber_id, org_id, choices, consent_version, ip,
		created_at, expires_at, used_at FROM subscription_requests WHERE token_hash=$1`, hash).
		Scan(&r.TokenHash, &r.SubscriberID, &r.OrgID, &r.Choices, &r.ConsentVersion, &r.IP, &r.CreatedAt, &r.ExpiresAt, &used)
	if err != nil {
		return r, fmt.Errorf("subscription request: %w", translate(err))
	}
	r.UsedAt = nullTime(used)
	r.CreatedAt, r.ExpiresAt = r.CreatedAt.UTC(), r.ExpiresAt.UTC()
	return r, nil
}

// UseSubscriptionRequest marks a request used, once: a second use (a link
// clicked twice, even in parallel) is model.ErrNotFound.
func (q *Queries) UseSubscriptionRequest(ctx context.Context, hash string, at time.Time) error {
	return mustAffect(q.q.ExecContext(ctx, `UPDATE subscription_requests SET used_at=$2 WHERE token_hash=$1 AND used_at IS NULL`, hash, at))
}

// AddConsent appends to the proof of consent.
func (q *Queries) AddConsent(ctx context.Context, c model.Consent) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO consents (id, subscriber_id, org_id, action, consent_version,
		consent_text, choices, ip, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
		c.ID, c.SubscriberID, c.OrgID, c.Action, c.ConsentVersion, c.ConsentText, c.Choices, c.IP, c.CreatedAt)
	if err != nil {
		return fmt.Errorf("record consent: %w", translate(err))
	}
	return nil
}

// ConsentsOf lists a subscriber's consent history, oldest first.
func (q *Queries) ConsentsOf(ctx context.Context, subscriberID string) ([]model.Consent, error) {
	return queryAll(ctx, q, func(row scanner) (model.Consent, error) {
		var c model.Consent
		err := row.Scan(&c.ID, &c.SubscriberID, &c.OrgID, &c.Action, &c.ConsentVersion, &c.ConsentText, &c.Choices, &c.IP, &c.CreatedAt)
		c.CreatedAt = c.CreatedAt.UTC()
		return c, err
	}, `SELECT id, subscriber_id, org_id, action, consent_version, consent_text, choices, ip, created_at
		FROM consents WHERE subscriber_id=$1 ORDER BY created_at, id`, subscriberID)
}

// MailSettings returns an organisation's e-mail settings (defaults when
// never saved).
func (q *Queries) MailSettings(ctx context.Context, orgID string) (model.MailSettings, error) {
	s := model.MailSettings{OrgID: orgID, DigestHour: 7, WeeklyDay: int(time.Monday)}
	var clicks int
	err := q.q.QueryRowContext(ctx, `SELECT digest_hour, weekly_day, click_counts, rate_per_second, updated_at
		FROM mail_settings WHERE org_id=$1`, orgID).Scan(&s.DigestHour, &s.WeeklyDay, &clicks, &s.RatePerSecond, &s.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	s.ClickCounts = clicks == 1
	if err != nil {
		return s, fmt.Errorf("mail settings: %w", err)
	}
	return s, nil
}

// PutMailSettings saves an organisation's e-mail settings.
func (q *Queries) PutMailSettings(ctx context.Context, s model.MailSettings) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO mail_settings (org_id, digest_hour, weekly_day, click_counts, rate_per_second, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (org_id) DO UPDATE SET digest_hour=$2, weekly_day=$3, click_counts=$4,
		rate_per_second=$5, updated_at=$6`, s.OrgID, s.DigestHour, s.WeeklyDay, boolInt(s.ClickCounts), s.RatePerSecond, s.UpdatedAt)
	if err != nil {
		return fmt.Errorf("save mail settings: %w", translate(err))
	}
	return nil
}

// SubscriberCounts are the figures staff see: counts, never addresses.
type SubscriberCounts struct {
	Active, Pending, Suspended int
	Alerts, Newsletter         int
	News                       map[string]int
	ByTopic                    map[string]int
	ByNeighbourhood            map[string]int
	Everything                 int
}

// CountSubscribers counts an organisation's subscribers.
func (q *Queries) CountSubscribers(ctx context.Context, orgID string) (SubscriberCounts, error) {
	c := SubscriberCounts{News: map[string]int{}, ByTopic: map[string]int{}, ByNeighbourhood: map[string]int{}}
	rows, err := q.q.QueryContext(ctx, `SELECT s.status, so.alerts, so.news, so.newsletter, so.everything, COUNT(*)
		FROM subscriber_orgs so JOIN subscribers s ON s.id = so.subscriber_id WHERE so.org_id=$1
		GROUP BY s.status, so.alerts, so.news, so.newsletter, so.everything`, orgID)
	if err != nil {
		return c, fmt.Errorf("count subscribers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			status, news                   string
			alerts, newsletter, everything int
			n                              int
		)
		if err := rows.Scan(&status, &alerts, &news, &newsletter, &everything, &n); err != nil {
			return c, err
		}
		switch model.SubscriberStatus(status) {
		case model.SubActive:
			c.Active += n
		case model.SubPending:
			c.Pending += n
			continue
		case model.SubSuspended:
			c.Suspended += n
			continue
		}
		if alerts == 1 {
			c.Alerts += n
		}
		if newsletter == 1 {
			c.Newsletter += n
		}
		if everything == 1 {
			c.Everything += n
		}
		c.News[news] += n
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	rows2, err := q.q.QueryContext(ctx, `SELECT f.kind, f.target_id, COUNT(*) FROM subscriber_follows f
		JOIN subscribers s ON s.id = f.subscriber_id AND s.status='active'
		WHERE f.org_id=$1 AND f.kind IN ('topic','neighbourhood') GROUP BY f.kind, f.target_id`, orgID)
	if err != nil {
		return c, fmt.Errorf("count follows: %w", err)
	}
	defer rows2.Close()
	for rows2.Next() {
		var (
			kind, target string
			n            int
		)
		if err := rows2.Scan(&kind, &target, &n); err != nil {
			return c, err
		}
		if model.FollowKind(kind) == model.FollowTopic {
			c.ByTopic[target] = n
		} else {
			c.ByNeighbourhood[target] = n
		}
	}
	return c, rows2.Err()
}

// ExportRow is one line of an administrator's export.
type ExportRow struct {
	Email       string
	Status      string
	ConfirmedAt *time.Time
	Choices     model.Choices
}

// ExportSubscribers lists an organisation's subscribers with their choices.
func (q *Queries) ExportSubscribers(ctx context.Context, orgID string) ([]ExportRow, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT s.id, s.email, s.status, s.confirmed_at, so.everything, so.alerts, so.news, so.newsletter
		FROM subscriber_orgs so JOIN subscribers s ON s.id = so.subscriber_id WHERE so.org_id=$1 ORDER BY s.email`, orgID)
	if err != nil {
		return nil, fmt.Errorf("export subscribers: %w", err)
	}
	var (
		out   []ExportRow
		index = map[string]int{}
	)
	for rows.Next() {
		var (
			r                              ExportRow
			id                             string
			confirmed                      sql.NullTime
			everything, alerts, newsletter int
		)
		if err := rows.Scan(&id, &r.Email, &r.Status, &confirmed, &everything, &alerts, &r.Choices.News, &newsletter); err != nil {
			rows.Close()
			return nil, err
		}
		r.ConfirmedAt = nullTime(confirmed)
		r.Choices.Everything, r.Choices.Alerts, r.Choices.Newsletter = everything == 1, alerts == 1, newsletter == 1
		index[id] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	frows, err := q.q.QueryContext(ctx, `SELECT subscriber_id, kind, target_id FROM subscriber_follows
		WHERE org_id=$1 AND kind IN ('topic','neighbourhood') ORDER BY target_id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("export follows: %w", err)
	}
	defer frows.Close()
	for frows.Next() {
		var id, kind, target string
		if err := frows.Scan(&id, &kind, &target); err != nil {
			return nil, err
		}
		if i, ok := index[id]; ok {
			if model.FollowKind(kind) == model.FollowTopic {
				out[i].Choices.TopicIDs = append(out[i].Choices.TopicIDs, target)
			} else {
				out[i].Choices.NeighbourhoodIDs = append(out[i].Choices.NeighbourhoodIDs, target)
			}
		}
	}
	return out, frows.Err()
}

// RecordBounce notes a bounce; after `threshold` hard bounces the address is
// suspended. It reports whether this bounce suspended it.
func (q *Queries) RecordBounce(ctx context.Context, id, subscriberID, kind, status, reason string, threshold int, at time.Time) (bool, error) {
	if len(reason) > 300 {
		reason = reason[:300]
	}
	if _, err := q.q.ExecContext(ctx, `INSERT INTO bounces (id, subscriber_id, kind, status, reason, created_at)
		VALUES ($1,$2,$3,$4,$5,$6)`, id, subscriberID, kind, status, reason, at); err != nil {
		return false, fmt.Errorf("record bounce: %w", translate(err))
	}
	if kind != "hard" {
		return false, nil
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE subscribers SET hard_bounces=hard_bounces+1, last_bounce_at=$2,
		last_bounce_reason=$3, updated_at=$2 WHERE id=$1`, subscriberID, at, reason); err != nil {
		return false, fmt.Errorf("count bounce: %w", translate(err))
	}
	res, err := q.q.ExecContext(ctx, `UPDATE subscribers SET status='suspended', suspended_at=$2
		WHERE id=$1 AND hard_bounces >= $3 AND status <> 'suspended'`, subscriberID, at, threshold)
	if err != nil {
		return false, fmt.Errorf("suspend: %w", translate(err))
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// BounceStats aggregates the bounce reasons of an organisation's
// subscribers, with how many are suspended, never naming anyone.
func (q *Queries) BounceStats(ctx context.Context, orgID string) (suspended int, reasons []model.BounceStat, err error) {
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM subscriber_orgs so JOIN subscribers s ON s.id=so.subscriber_id
		WHERE so.org_id=$1 AND s.status='suspended'`, orgID).Scan(&suspended); err != nil {
		return 0, nil, fmt.Errorf("count suspended: %w", err)
	}
	reasons, err = queryAll(ctx, q, func(row scanner) (model.BounceStat, error) {
		var b model.BounceStat
		err := row.Scan(&b.Reason, &b.Count)
		return b, err
	}, `SELECT CASE WHEN b.status <> '' THEN b.status || ' ' || b.kind ELSE b.kind END, COUNT(*) FROM bounces b
		JOIN subscriber_orgs so ON so.subscriber_id = b.subscriber_id AND so.org_id=$1
		GROUP BY b.status, b.kind ORDER BY COUNT(*) DESC`, orgID)
	return suspended, reasons, err
}

// placeholders returns "$from,$from+1,…" for n values.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}
