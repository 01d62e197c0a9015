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

// PutMembership creates or replaces an account's role (and services) in an
// organisation.
func (q *Queries) PutMembership(ctx context.Context, m model.Membership) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO memberships (account_id, org_id, role, created_at) VALUES ($1,$2,$3,$4)
		ON CONFLICT (account_id, org_id) DO UPDATE SET role = excluded.role`, m.AccountID, m.OrgID, m.Role, m.CreatedAt)
	if err != nil {
		return fmt.Errorf("put membership: %w", translate(err))
	}
	if _, err := q.q.ExecContext(ctx, `DELETE FROM membership_services WHERE account_id=$1 AND org_id=$2`, m.AccountID, m.OrgID); err != nil {
		return fmt.Errorf("reset membership services: %w", err)
	}
	for _, sid := range m.ServiceIDs {
		// The join on services proves the service belongs to this organisation.
		res, err := q.q.ExecContext(ctx, `INSERT INTO membership_services (account_id, org_id, service_id)
			SELECT $1, $2, id FROM services WHERE id=$3 AND org_id=$2`, m.AccountID, m.OrgID, sid)
		if err := mustAffect(res, err); err != nil {
			return fmt.Errorf("membership service %s: %w", sid, err)
		}
	}
	return nil
}

// Membership returns the account's membership in org, with its services.
func (q *Queries) Membership(ctx context.Context, accountID, orgID string) (model.Membership, error) {
	m := model.Membership{AccountID: accountID, OrgID: orgID}
	var services sql.NullString
	err := q.q.QueryRowContext(ctx, `SELECT m.role, m.created_at,
		(SELECT `+q.groupConcat("ms.service_id")+` FROM membership_services ms WHERE ms.account_id=m.account_id AND ms.org_id=m.org_id)
		FROM memberships m WHERE m.account_id=$1 AND m.org_id=$2`, accountID, orgID).Scan(&m.Role, &m.CreatedAt, &services)
	if err != nil {
		return m, fmt.Errorf("membership: %w", translate(err))
	}
	if services.Valid && services.String != "" {
		m.ServiceIDs = strings.Split(services.String, ",")
	}
	return m, nil
}

// HasMembership reports whether the account is staff of any organisation
// (the memberships primary key starts with account_id: one index probe).
func (q *Queries) HasMembership(ctx context.Context, accountID string) (bool, error) {
	var one int
	err := q.q.QueryRowContext(ctx, `SELECT 1 FROM memberships WHERE account_id=$1 LIMIT 1`, accountID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("has membership: %w", err)
	}
	return true, nil
}

// groupConcat aggregates strings with commas; the one function whose name
// differs between the engines.
func (q *Queries) groupConcat(expr string) string {
	if q.engine == Postgres {
		return "string_agg(" + expr + ", ',')"
	}
	return "group_concat(" + expr + ", ',')"
}

// StaffOf lists an organisation's staff, by name.
func (q *Queries) StaffOf(ctx context.Context, orgID string) ([]model.StaffMember, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT m.account_id, m.role, m.created_at, a.display_name, a.email,
		(SELECT `+q.groupConcat("ms.service_id")+` FROM membership_services ms WHERE ms.account_id=m.account_id AND ms.org_id=m.org_id)
		FROM memberships m JOIN accounts a ON a.id=m.account_id WHERE m.org_id=$1 ORDER BY a.display_name`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	defer rows.Close()
	var out []model.StaffMember
	for rows.Next() {
		var (
			s        model.StaffMember
			services sql.NullString
		)
		s.OrgID = orgID
		if err := rows.Scan(&s.AccountID, &s.Role, &s.CreatedAt, &s.DisplayName, &s.Email, &services); err != nil {
			return nil, err
		}
		if services.Valid && services.String != "" {
			s.ServiceIDs = strings.Split(services.String, ",")
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// DeleteMembership removes an account from an organisation's staff.
func (q *Queries) DeleteMembership(ctx context.Context, accountID, orgID string) error {
	return mustAffect(q.q.ExecContext(ctx, `DELETE FROM memberships WHERE account_id=$1 AND org_id=$2`, accountID, orgID))
}

// CreateService adds a service to an organisation; a taken slug is ErrConflict.
func (q *Queries) CreateService(ctx context.Context, s model.Service) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO services (id, org_id, name, slug, created_at) VALUES ($1,$2,$3,$4,$5)`,
		s.ID, s.OrgID, s.Name, s.Slug, s.CreatedAt)
	if err != nil {
		return fmt.Errorf("create service %q: %w", s.Slug, translate(err))
	}
	return nil
}

// ServicesOf lists an organisation's services by name.
func (q *Queries) ServicesOf(ctx context.Context, orgID string) ([]model.Service, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, org_id, name, slug, created_at FROM services WHERE org_id=$1 ORDER BY name`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list services: %w", err)
	}
	defer rows.Close()
	var out []model.Service
	for rows.Next() {
		var s model.Service
		if err := rows.Scan(&s.ID, &s.OrgID, &s.Name, &s.Slug, &s.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// CreateInvitation stores a staff invitation.
func (q *Queries) CreateInvitation(ctx context.Context, inv model.Invitation) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO invitations (id, org_id, email, role, service_ids, token_hash, invited_by, expires_at, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, inv.ID, inv.OrgID, inv.Email, inv.Role, strings.Join(inv.ServiceIDs, ","),
		inv.TokenHash, inv.InvitedBy, inv.ExpiresAt, inv.CreatedAt)
	if err != nil {
		return fmt.Errorf("create invitation: %w", translate(err))
	}
	return nil
}

const invitationColumns = `id, org_id, email, role, service_ids, token_hash, invited_by, expires_at, accepted_at, created_at`

func scanInvitation(row scanner) (model.Invitation, error) {
	var (
		inv      model.Invitation
		services string
		accepted sql.NullTime
	)
	err := row.Scan(&inv.ID, &inv.OrgID, &inv.Email, &inv.Role, &services, &inv.TokenHash, &inv.InvitedBy,
		&inv.ExpiresAt, &accepted, &inv.CreatedAt)
	if services != "" {
		inv.ServiceIDs = strings.Split(services, ",")
	}
	inv.AcceptedAt = nullTime(accepted)
	inv.ExpiresAt = inv.ExpiresAt.UTC()
	return inv, err
}

// InvitationByTokenHash finds an invitation from its link.
func (q *Queries) InvitationByTokenHash(ctx context.Context, hash string) (model.Invitation, error) {
	inv, err := scanInvitation(q.q.QueryRowContext(ctx, `SELECT `+invitationColumns+` FROM invitations WHERE token_hash=$1`, hash))
	if err != nil {
		return inv, fmt.Errorf("invitation: %w", translate(err))
	}
	return inv, nil
}

// InvitationsOf lists an organisation's pending invitations.
func (q *Queries) InvitationsOf(ctx context.Context, orgID string, now time.Time) ([]model.Invitation, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+invitationColumns+` FROM invitations
		WHERE org_id=$1 AND accepted_at IS NULL AND expires_at > $2 ORDER BY created_at DESC`, orgID, now)
	if err != nil {
		return nil, fmt.Errorf("list invitations: %w", err)
	}
	defer rows.Close()
	var out []model.Invitation
	for rows.Next() {
		inv, err := scanInvitation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}

// AcceptInvitation marks it accepted, once.
func (q *Queries) AcceptInvitation(ctx context.Context, id string, at time.Time) error {
	return mustAffect(q.q.ExecContext(ctx, `UPDATE invitations SET accepted_at=$2 WHERE id=$1 AND accepted_at IS NULL`, id, at))
}
