package store

import (
	"context"
	"fmt"
	"time"

	"github.com/parvis/parvis/internal/model"
)

// CreateSession stores a new session.
func (q *Queries) CreateSession(ctx context.Context, s model.Session) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO sessions (id_hash, account_id, created_at, last_seen_at, expires_at, user_agent, ip)
		VALUES ($1,$2,$3,$4,$5,$6,$7)`, s.IDHash, s.AccountID, s.CreatedAt, s.LastSeenAt, s.ExpiresAt, s.UserAgent, s.IP)
	if err != nil {
		return fmt.Errorf("create session: %w", translate(err))
	}
	return nil
}

// SessionAccount returns the live session with this hash and its account in
// one query (it runs on every signed-in request).
func (q *Queries) SessionAccount(ctx context.Context, idHash string, now time.Time) (model.Session, model.Account, error) {
	var s model.Session
	row := q.q.QueryRowContext(ctx, `SELECT s.id_hash, s.account_id, s.created_at, s.last_seen_at, s.expires_at, s.user_agent, s.ip,
		a.id, a.email, a.email_verified_at, a.display_name, a.password_hash, a.locale, a.is_operator, a.created_at, a.updated_at
		FROM sessions s JOIN accounts a ON a.id = s.account_id
		WHERE s.id_hash=$1 AND s.expires_at > $2`, idHash, now)
	var a accountRow
	err := row.Scan(append([]any{&s.IDHash, &s.AccountID, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt, &s.UserAgent, &s.IP},
		a.dest()...)...)
	if err != nil {
		return s, model.Account{}, fmt.Errorf("session: %w", translate(err))
	}
	return s, a.account(), nil
}

// TouchSession extends a session seen again.
func (q *Queries) TouchSession(ctx context.Context, idHash string, seen, expires time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE sessions SET last_seen_at=$2, expires_at=$3 WHERE id_hash=$1`, idHash, seen, expires)
	return err
}

// DeleteSession ends one session.
func (q *Queries) DeleteSession(ctx context.Context, idHash string) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash=$1`, idHash)
	return err
}

// DeleteSessionsOf ends every session of an account except keep (may be "").
func (q *Queries) DeleteSessionsOf(ctx context.Context, accountID, keep string) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM sessions WHERE account_id=$1 AND id_hash <> $2`, accountID, keep)
	return err
}

// SessionsOf lists an account's live sessions, newest first.
func (q *Queries) SessionsOf(ctx context.Context, accountID string, now time.Time) ([]model.Session, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id_hash, account_id, created_at, last_seen_at, expires_at, user_agent, ip
		FROM sessions WHERE account_id=$1 AND expires_at > $2 ORDER BY last_seen_at DESC`, accountID, now)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	defer rows.Close()
	var out []model.Session
	for rows.Next() {
		var s model.Session
		if err := rows.Scan(&s.IDHash, &s.AccountID, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt, &s.UserAgent, &s.IP); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// DeleteExpiredSessions removes sessions past their expiry.
func (q *Queries) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := q.q.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, now)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
