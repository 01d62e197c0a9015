package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/model"
)

// Retention of the data residents leave behind: inactive accounts,
// unconfirmed and abandoned e-mail subscriptions, closed requests
// (docs/PRIVACY.md). The periods are the use cases'; these queries only
// find and remove.

// MarkAccountActive records a sign-in: the inactivity clock restarts and
// a pending deletion warning is withdrawn.
func (q *Queries) MarkAccountActive(ctx context.Context, id string, now time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE accounts SET last_active_at=$2, inactive_warned_at=NULL WHERE id=$1`, id, now)
	return err
}

// residentOnly keeps accounts nobody else depends on: staff accounts and
// operators are the organisations' business, never deleted for inactivity.
const residentOnly = `is_operator = 0 AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.account_id = accounts.id)`

// InactiveToWarn lists resident accounts not signed in since before and
// not yet warned, oldest first.
func (q *Queries) InactiveToWarn(ctx context.Context, before time.Time, limit int) ([]model.Account, error) {
	return q.accountsWhere(ctx, `COALESCE(last_active_at, created_at) < $1 AND inactive_warned_at IS NULL AND `+residentOnly+
		` ORDER BY COALESCE(last_active_at, created_at) LIMIT $2`, before, limit)
}

// MarkInactiveWarned records that the deletion warning was sent.
func (q *Queries) MarkInactiveWarned(ctx context.Context, id string, now time.Time) error {
	return mustAffect(q.q.ExecContext(ctx, `UPDATE accounts SET inactive_warned_at=$2 WHERE id=$1`, id, now))
}

// InactiveToDelete lists resident accounts warned before warnedBefore that
// have not signed in since the warning.
func (q *Queries) InactiveToDelete(ctx context.Context, warnedBefore time.Time, limit int) ([]model.Account, error) {
	return q.accountsWhere(ctx, `inactive_warned_at < $1 AND COALESCE(last_active_at, created_at) < inactive_warned_at AND `+residentOnly+
		` ORDER BY inactive_warned_at LIMIT $2`, warnedBefore, limit)
}

func (q *Queries) accountsWhere(ctx context.Context, where string, args ...any) ([]model.Account, error) {
	return listOf(ctx, q, `SELECT id, email, email_verified_at, display_name, password_hash, locale, is_operator, created_at, updated_at
		FROM accounts WHERE `+where, func(r *sql.Rows, v *model.Account) error {
		var row accountRow
		if err := r.Scan(row.dest()...); err != nil {
			return err
		}
		*v = row.account()
		return nil
	}, args...)
}

// DeleteUnconfirmedSubscribers deletes addresses whose double opt-in was
// never confirmed since before (their choices and consent rows go with
// them).
func (q *Queries) DeleteUnconfirmedSubscribers(ctx context.Context, before time.Time) (int64, error) {
	res, err := q.q.ExecContext(ctx, `DELETE FROM subscribers WHERE status = 'pending' AND confirmed_at IS NULL AND created_at < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("delete unconfirmed subscribers: %w", err)
	}
	return res.RowsAffected()
}

// HashedAddressPrefix marks an address replaced by its digest.
const HashedAddressPrefix = "sha256:"

// HashAddress is the digest kept of an abandoned address.
func HashAddress(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return HashedAddressPrefix + hex.EncodeToString(sum[:])
}

// PseudonymiseAbandonedSubscribers replaces by its digest the address of
// every subscriber that follows nothing any more, has no account and whose
// last consent change (the unsubscribe) is older than before, and clears
// the IP addresses of its consent records. The digest still recognises the
// address (an unsubscribe is honoured, the proof of consent and withdrawal
// stays) without keeping it. It returns how many addresses it replaced.
func (q *Queries) PseudonymiseAbandonedSubscribers(ctx context.Context, before time.Time, limit int) (int, error) {
	type sub struct{ id, email string }
	subs, err := listOf(ctx, q, `SELECT s.id, s.email FROM subscribers s
		WHERE s.account_id IS NULL AND s.status <> 'pending' AND s.email NOT LIKE 'sha256:%'
		AND NOT EXISTS (SELECT 1 FROM subscriber_orgs so WHERE so.subscriber_id = s.id)
		AND COALESCE((SELECT MAX(c.created_at) FROM consents c WHERE c.subscriber_id = s.id), s.updated_at) < $1
		ORDER BY s.id LIMIT $2`, func(r *sql.Rows, v *sub) error { return r.Scan(&v.id, &v.email) }, before, limit)
	if err != nil {
		return 0, fmt.Errorf("abandoned subscribers: %w", err)
	}
	for _, s := range subs {
		hashed := HashAddress(s.email)
		// Another row may already hold this digest (the address came back
		// and left again): then this one is a duplicate and goes.
		var exists bool
		if err := q.q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM subscribers WHERE email=$1)`, hashed).Scan(&exists); err != nil {
			return 0, err
		}
		if exists {
			if _, err := q.q.ExecContext(ctx, `DELETE FROM subscribers WHERE id=$1`, s.id); err != nil {
				return 0, err
			}
			continue
		}
		if _, err := q.q.ExecContext(ctx, `UPDATE subscribers SET email=$2, last_bounce_reason='' WHERE id=$1`, s.id, hashed); err != nil {
			return 0, fmt.Errorf("pseudonymise subscriber: %w", err)
		}
		if _, err := q.q.ExecContext(ctx, `UPDATE consents SET ip='' WHERE subscriber_id=$1`, s.id); err != nil {
			return 0, err
		}
	}
	return len(subs), nil
}

// DeleteClosedRequests deletes the requests sent through the "poser une
// question" form whose console item was closed before `before`, with the
// item and its history.
func (q *Queries) DeleteClosedRequests(ctx context.Context, before time.Time) (int64, error) {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM resident_requests WHERE id IN (
		SELECT source_id FROM inbox_items WHERE kind = 'request' AND open = 0 AND closed_at < $1)`, before); err != nil {
		return 0, fmt.Errorf("delete closed requests: %w", err)
	}
	res, err := q.q.ExecContext(ctx, `DELETE FROM inbox_items WHERE kind = 'request' AND open = 0 AND closed_at < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("delete closed request items: %w", err)
	}
	return res.RowsAffected()
}
