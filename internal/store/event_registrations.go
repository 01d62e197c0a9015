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

const regColumns = `r.id, r.event_id, r.org_id, r.account_id, r.email, r.name, r.seats, r.answers, r.status, r.code,
	r.checked_in_at, r.lang, r.created_at, r.confirmed_at, r.cancelled_at`

// MarkReminded records that the reminder went out; false when it had
// already (a job run twice).
func (q *Queries) MarkReminded(ctx context.Context, id string, at time.Time) (bool, error) {
	res, err := q.q.ExecContext(ctx, `UPDATE event_registrations SET reminded_at=$2 WHERE id=$1 AND reminded_at IS NULL`, id, at)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func scanRegistration(row scanner) (model.Registration, error) {
	var (
		r                             model.Registration
		answers                       string
		checked, confirmed, cancelled sql.NullTime
	)
	err := row.Scan(&r.ID, &r.EventID, &r.OrgID, &r.AccountID, &r.Email, &r.Name, &r.Seats, &answers, &r.Status, &r.Code,
		&checked, &r.Lang, &r.CreatedAt, &confirmed, &cancelled)
	if err != nil {
		return r, err
	}
	r.CreatedAt = r.CreatedAt.UTC()
	r.CheckedInAt, r.ConfirmedAt, r.CancelledAt = nullTime(checked), nullTime(confirmed), nullTime(cancelled)
	if answers != "" {
		if err := json.Unmarshal([]byte(answers), &r.Answers); err != nil {
			return r, fmt.Errorf("registration %s answers: %w", r.ID, err)
		}
	}
	return r, nil
}

func scanRegistrations(rows *sql.Rows, err error) ([]model.Registration, error) {
	if err != nil {
		return nil, fmt.Errorf("registrations: %w", err)
	}
	defer rows.Close()
	var out []model.Registration
	for rows.Next() {
		r, err := scanRegistration(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CreateRegistration inserts r with the hash of its secret link. The same
// address twice for one event is model.ErrConflict.
func (q *Queries) CreateRegistration(ctx context.Context, r model.Registration, tokenHash string) error {
	answers := ""
	if len(r.Answers) > 0 {
		b, err := json.Marshal(r.Answers)
		if err != nil {
			return err
		}
		answers = string(b)
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO event_registrations (id, event_id, org_id, account_id, email, name, seats,
		answers, status, code, token_hash, lang, created_at, confirmed_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
		r.ID, r.EventID, r.OrgID, r.AccountID, r.Email, r.Name, r.Seats, answers, r.Status, r.Code, tokenHash, r.Lang,
		r.CreatedAt, timeOrNil(r.ConfirmedAt))
	if err != nil {
		return fmt.Errorf("create registration: %w", translate(err))
	}
	return nil
}

// DeleteCancelledRegistration removes a cancelled registration so that the
// same address may register again (with a new code and link).
func (q *Queries) DeleteCancelledRegistration(ctx context.Context, eventID, email string) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM event_registrations WHERE event_id=$1 AND email=$2 AND status='cancelled'`, eventID, email)
	return err
}

// RegistrationByToken finds a registration from the hash of its link.
func (q *Queries) RegistrationByToken(ctx context.Context, tokenHash string) (model.Registration, error) {
	r, err := scanRegistration(q.q.QueryRowContext(ctx, `SELECT `+regColumns+` FROM event_registrations r WHERE r.token_hash=$1`, tokenHash))
	if err != nil {
		return r, fmt.Errorf("registration by token: %w", translate(err))
	}
	return r, nil
}

// RegistrationByID returns one registration of an organisation's event.
func (q *Queries) RegistrationByID(ctx context.Context, orgID, id string) (model.Registration, error) {
	r, err := scanRegistration(q.q.QueryRowContext(ctx, `SELECT `+regColumns+` FROM event_registrations r WHERE r.org_id=$1 AND r.id=$2`, orgID, id))
	if err != nil {
		return r, fmt.Errorf("registration %s: %w", id, translate(err))
	}
	return r, nil
}

// RegistrationByEmail returns the registration of an address to an event.
func (q *Queries) RegistrationByEmail(ctx context.Context, eventID, email string) (model.Registration, error) {
	r, err := scanRegistration(q.q.QueryRowContext(ctx, `SELECT `+regColumns+` FROM event_registrations r WHERE r.event_id=$1 AND r.email=$2`, eventID, email))
	if err != nil {
		return r, fmt.Errorf("registration: %w", translate(err))
	}
	return r, nil
}

// RegistrationByAccount returns an account's registration to an event.
func (q *Queries) RegistrationByAccount(ctx context.Context, eventID, accountID string) (model.Registration, error) {
	r, err := scanRegistration(q.q.QueryRowContext(ctx, `SELECT `+regColumns+` FROM event_registrations r
		WHERE r.event_id=$1 AND r.account_id=$2 AND r.status <> 'cancelled'`, eventID, accountID))
	if err != nil {
		return r, fmt.Errorf("registration: %w", translate(err))
	}
	return r, nil
}

// RegistrationByCode finds a registration to an event by check-in code.
func (q *Queries) RegistrationByCode(ctx context.Context, eventID, code string) (model.Registration, error) {
	r, err := scanRegistration(q.q.QueryRowContext(ctx, `SELECT `+regColumns+` FROM event_registrations r WHERE r.event_id=$1 AND r.code=$2`, eventID, code))
	if err != nil {
		return r, fmt.Errorf("registration code: %w", translate(err))
	}
	return r, nil
}

// TakenSeats sums the places of confirmed registrations.
func (q *Queries) TakenSeats(ctx context.Context, eventID string) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COALESCE(SUM(seats), 0) FROM event_registrations WHERE event_id=$1 AND status='confirmed'`, eventID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("taken seats: %w", err)
	}
	return n, nil
}

// RegistrationCounts counts registrations of an event by status (seats for
// confirmed and waiting, people otherwise).
func (q *Queries) RegistrationCounts(ctx context.Context, eventID string) (map[model.RegStatus]int, error) {
	return countBy[model.RegStatus](ctx, q, "registration counts",
		`SELECT status, COALESCE(SUM(seats), 0) FROM event_registrations WHERE event_id=$1 GROUP BY status`, eventID)
}

// CountRegistrationsSince counts the registrations to an organisation's
// events made since a time that hold a place or wait for one (people, not
// seats), for the staff dashboard.
func (q *Queries) CountRegistrationsSince(ctx context.Context, orgID string, since time.Time) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM event_registrations r JOIN events e ON e.publication_id = r.event_id
		WHERE e.org_id=$1 AND r.created_at >= $2 AND r.status IN ('confirmed', 'waiting')`, orgID, since.UTC()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count registrations since: %w", err)
	}
	return n, nil
}

// WaitingList returns the waiting registrations in order of arrival.
func (q *Queries) WaitingList(ctx context.Context, eventID string) ([]model.Registration, error) {
	return scanRegistrations(q.q.QueryContext(ctx, `SELECT `+regColumns+` FROM event_registrations r
		WHERE r.event_id=$1 AND r.status='waiting' ORDER BY r.created_at, r.id`, eventID))
}

// Registrations lists an event's registrations by status then arrival.
func (q *Queries) Registrations(ctx context.Context, f model.RegistrationFilter) ([]model.Registration, error) {
	args := []any{f.EventID}
	where := []string{"r.event_id=$1"}
	if len(f.Statuses) == 0 {
		where = append(where, "r.status <> 'cancelled'")
	} else {
		var ph []string
		for _, s := range f.Statuses {
			args = append(args, string(s))
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
		where = append(where, "r.status IN ("+strings.Join(ph, ",")+")")
	}
	if f.Name != "" {
		args = append(args, "%"+strings.ToLower(f.Name)+"%")
		where = append(where, fmt.Sprintf("LOWER(r.name) LIKE $%d", len(args)))
	}
	return scanRegistrations(q.q.QueryContext(ctx, `SELECT `+regColumns+` FROM event_registrations r WHERE `+
		strings.Join(where, " AND ")+` ORDER BY CASE r.status WHEN 'confirmed' THEN 0 WHEN 'waiting' THEN 1 WHEN 'pending' THEN 2 ELSE 3 END,
		r.created_at, r.id`, args...))
}

// SetRegistrationStatus moves a registration from one status to another
// (compare-and-set: model.ErrConflict when it is no longer in from).
func (q *Queries) SetRegistrationStatus(ctx context.Context, id string, from, to model.RegStatus, at time.Time) error {
	var confirmed, cancelled any
	if to == model.RegConfirmed || to == model.RegWaiting {
		confirmed = at
	}
	if to == model.RegCancelled {
		cancelled = at
	}
	res, err := q.q.ExecContext(ctx, `UPDATE event_registrations SET status=$3,
		confirmed_at = COALESCE($4, confirmed_at), cancelled_at = COALESCE($5, cancelled_at)
		WHERE id=$1 AND status=$2`, id, from, to, confirmed, cancelled)
	if err := mustAffect(res, err); err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return fmt.Errorf("registration %s not %s: %w", id, from, model.ErrConflict)
		}
		return err
	}
	return nil
}

// CheckIn stamps a registration as arrived (once).
func (q *Queries) CheckIn(ctx context.Context, eventID, id string, at time.Time) error {
	return mustAffect(q.q.ExecContext(ctx, `UPDATE event_registrations SET checked_in_at=$3
		WHERE event_id=$1 AND id=$2 AND checked_in_at IS NULL AND status='confirmed'`, eventID, id, at))
}

// ActiveRegistrationIDs lists the ids of an event's confirmed and waiting
// registrations (whom to tell of a change).
func (q *Queries) ActiveRegistrationIDs(ctx context.Context, eventID string) ([]string, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id FROM event_registrations WHERE event_id=$1 AND status IN ('confirmed','waiting') ORDER BY created_at`, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// SetRegistrationToken replaces the hash of a registration's secret link.
func (q *Queries) SetRegistrationToken(ctx context.Context, id, tokenHash string) error {
	return mustAffect(q.q.ExecContext(ctx, `UPDATE event_registrations SET token_hash=$2 WHERE id=$1`, id, tokenHash))
}

// HasWaiting reports whether anyone is on the event's waiting list.
func (q *Queries) HasWaiting(ctx context.Context, eventID string) (bool, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM event_registrations
		WHERE event_id=$1 AND status='waiting' LIMIT 1) w`, eventID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("waiting list: %w", err)
	}
	return n > 0, nil
}
