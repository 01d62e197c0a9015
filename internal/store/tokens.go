package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/parvis/parvis/internal/model"
)

// CreateToken stores a single-use token (its hash only).
func (q *Queries) CreateToken(ctx context.Context, t model.Token) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO tokens (hash, account_id, purpose, payload, expires_at, created_at)
		VALUES ($1,$2,$3,$4,$5,$6)`, t.Hash, t.AccountID, t.Purpose, t.Payload, t.ExpiresAt, t.CreatedAt)
	if err != nil {
		return fmt.Errorf("create token: %w", translate(err))
	}
	return nil
}

// TokenByHash finds a token whatever its state; callers check expiry and use.
func (q *Queries) TokenByHash(ctx context.Context, hash string, purpose model.TokenPurpose) (model.Token, error) {
	var (
		t    model.Token
		used sql.NullTime
	)
	err := q.q.QueryRowContext(ctx, `SELECT hash, account_id, purpose, payload, expires_at, used_at, created_at
		FROM tokens WHERE hash=$1 AND purpose=$2`, hash, purpose).
		Scan(&t.Hash, &t.AccountID, &t.Purpose, &t.Payload, &t.ExpiresAt, &used, &t.CreatedAt)
	if err != nil {
		return t, fmt.Errorf("token: %w", translate(err))
	}
	t.UsedAt = nullTime(used)
	t.ExpiresAt = t.ExpiresAt.UTC()
	return t, nil
}

// UseToken marks a token used, atomically: it fails with ErrNotFound if the
// token was already used, so a link clicked twice in parallel works once.
func (q *Queries) UseToken(ctx context.Context, hash string, at time.Time) error {
	return mustAffect(q.q.ExecContext(ctx, `UPDATE tokens SET used_at=$2 WHERE hash=$1 AND used_at IS NULL`, hash, at))
}

// InvalidateTokens marks every unused token of that purpose used, so that
// only the newest link works.
func (q *Queries) InvalidateTokens(ctx context.Context, accountID string, purpose model.TokenPurpose, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE tokens SET used_at=$3 WHERE account_id=$1 AND purpose=$2 AND used_at IS NULL`,
		accountID, purpose, at)
	return err
}

// DeleteStaleTokens removes tokens expired before `before`.
func (q *Queries) DeleteStaleTokens(ctx context.Context, before time.Time) (int64, error) {
	res, err := q.q.ExecContext(ctx, `DELETE FROM tokens WHERE expires_at < $1`, before)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
