package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/parvis/parvis/internal/model"
)

const accountColumns = `id, email, email_verified_at, display_name, password_hash, locale, is_operator, created_at, updated_at`

// accountRow holds an account's scan targets, so that joins can scan an
// account beside other columns.
type accountRow struct {
	a        model.Account
	verified sql.NullTime
	operator int
}

func (r *accountRow) dest() []any {
	return []any{&r.a.ID, &r.a.Email, &r.verified, &r.a.DisplayName, &r.a.PasswordHash, &r.a.Locale,
		&r.operator, &r.a.CreatedAt, &r.a.UpdatedAt}
}

func (r *accountRow) account() model.Account {
	a := r.a
	a.EmailVerifiedAt = nullTime(r.verified)
	a.IsOperator = r.operator == 1
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a
}

func scanAccount(row scanner) (model.Account, error) {
	var r accountRow
	err := row.Scan(r.dest()...)
	return r.account(), err
}

// CreateAccount inserts a; a taken e-mail is model.ErrConflict. Callers
// normalise the e-mail (lower case) first.
func (q *Queries) CreateAccount(ctx context.Context, a model.Account) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO accounts (`+accountColumns+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
		a.ID, a.Email, timeOrNil(a.EmailVerifiedAt), a.DisplayName, a.PasswordHash, a.Locale,
		boolInt(a.IsOperator), a.CreatedAt, a.UpdatedAt)
	if err != nil {
		return fmt.Errorf("create account: %w", translate(err))
	}
	return nil
}

// AccountByID finds an account.
func (q *Queries) AccountByID(ctx context.Context, id string) (model.Account, error) {
	a, err := scanAccount(q.q.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id=$1`, id))
	if err != nil {
		return a, fmt.Errorf("account %s: %w", id, translate(err))
	}
	return a, nil
}

// AccountByEmail finds an account by its normalised e-mail.
func (q *Queries) AccountByEmail(ctx context.Context, email string) (model.Account, error) {
	a, err := scanAccount(q.q.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE email=$1`, email))
	if err != nil {
		return a, fmt.Errorf("account by e-mail: %w", translate(err))
	}
	return a, nil
}

// MarkEmailVerified records that the account's address was confirmed.
func (q *Queries) MarkEmailVerified(ctx context.Context, id string, at time.Time) error {
	return mustAffect(q.q.ExecContext(ctx,
		`UPDATE accounts SET email_verified_at=$2, updated_at=$2 WHERE id=$1`, id, at))
}

// SetPassword replaces the password hash.
func (q *Queries) SetPassword(ctx context.Context, id, hash string, at time.Time) error {
	return mustAffect(q.q.ExecContext(ctx,
		`UPDATE accounts SET password_hash=$2, updated_at=$3 WHERE id=$1`, id, hash, at))
}

// SetEmail replaces the address, verified at `at` (the change was confirmed
// through a link sent to the new address).
func (q *Queries) SetEmail(ctx context.Context, id, email string, at time.Time) error {
	err := mustAffect(q.q.ExecContext(ctx,
		`UPDATE accounts SET email=$2, email_verified_at=$3, updated_at=$3 WHERE id=$1`, id, email, at))
	if err != nil {
		return fmt.Errorf("set e-mail: %w", err)
	}
	return nil
}

// UpdateAccountProfile saves the display name and language.
func (q *Queries) UpdateAccountProfile(ctx context.Context, id, displayName, locale string, at time.Time) error {
	return mustAffect(q.q.ExecContext(ctx,
		`UPDATE accounts SET display_name=$2, locale=$3, updated_at=$4 WHERE id=$1`, id, displayName, locale, at))
}

// SetOperator grants or removes instance operator rights.
func (q *Queries) SetOperator(ctx context.Context, id string, operator bool, at time.Time) error {
	return mustAffect(q.q.ExecContext(ctx,
		`UPDATE accounts SET is_operator=$2, updated_at=$3 WHERE id=$1`, id, boolInt(operator), at))
}

// DeleteAccount removes the account; sessions, tokens and memberships go with it.
func (q *Queries) DeleteAccount(ctx context.Context, id string) error {
	return mustAffect(q.q.ExecContext(ctx, `DELETE FROM accounts WHERE id=$1`, id))
}

// LockAccount serialises, until the transaction ends, the writers that
// check a limit on this account's own rows before adding one (comment
// flood rules): on PostgreSQL a row lock that leaves foreign-key inserts
// alone (FOR NO KEY UPDATE); SQLite runs one writer at a time anyway.
func (q *Queries) LockAccount(ctx context.Context, id string) error {
	if q.engine != Postgres {
		return nil
	}
	var one int
	err := q.q.QueryRowContext(ctx, `SELECT 1 FROM accounts WHERE id=$1 FOR NO KEY UPDATE`, id).Scan(&one)
	if err == sql.ErrNoRows {
		return model.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("lock account: %w", err)
	}
	return nil
}
