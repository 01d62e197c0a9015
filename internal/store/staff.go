package store

import (
	"context"
	"fmt"
	"time"

	"github.com/parvis/parvis/internal/model"
)

// StaffOrg is an organisation an account is staff of, with its role there.
type StaffOrg struct {
	Org  model.Organisation
	Role model.Role
}

// StaffOrganisations lists the organisations an account is staff of, by name.
func (q *Queries) StaffOrganisations(ctx context.Context, accountID string) ([]StaffOrg, error) {
	// The derived table keeps only role and org_id, so orgColumns stay unambiguous.
	rows, err := q.q.QueryContext(ctx, `SELECT `+orgColumns+`, m.role
		FROM (SELECT org_id, role FROM memberships WHERE account_id=$1) m JOIN organisations o ON o.id = m.org_id
		ORDER BY o.name, o.handle`, accountID)
	if err != nil {
		return nil, fmt.Errorf("list staff organisations: %w", err)
	}
	defer rows.Close()
	var out []StaffOrg
	for rows.Next() {
		var so StaffOrg
		so.Org, err = scanOrg(withExtra{rows, []any{&so.Role}})
		if err != nil {
			return nil, fmt.Errorf("scan staff organisation: %w", err)
		}
		out = append(out, so)
	}
	return out, rows.Err()
}

// withExtra scans a row's leading columns with another scan function and its
// trailing columns into extra.
type withExtra struct {
	row   scanner
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.row.Scan(append(dest, w.extra...)...) }

// LockOrganisation takes a write lock on the organisation's row for the rest
// of the transaction (PostgreSQL row lock; SQLite transactions are already
// exclusive), so that checks such as "one admin must remain" cannot race.
func (q *Queries) LockOrganisation(ctx context.Context, orgID string) error {
	err := mustAffect(q.q.ExecContext(ctx, `UPDATE organisations SET updated_at=updated_at WHERE id=$1`, orgID))
	if err != nil {
		return fmt.Errorf("lock organisation %s: %w", orgID, err)
	}
	return nil
}

// CountRole counts an organisation's members with that role.
func (q *Queries) CountRole(ctx context.Context, orgID string, role model.Role) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships WHERE org_id=$1 AND role=$2`, orgID, role).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", role, err)
	}
	return n, nil
}

// ServiceByID finds one of an organisation's services; another
// organisation's service is ErrNotFound.
func (q *Queries) ServiceByID(ctx context.Context, orgID, id string) (model.Service, error) {
	var s model.Service
	err := q.q.QueryRowContext(ctx, `SELECT id, org_id, name, slug, created_at FROM services WHERE id=$1 AND org_id=$2`, id, orgID).
		Scan(&s.ID, &s.OrgID, &s.Name, &s.Slug, &s.CreatedAt)
	if err != nil {
		return s, fmt.Errorf("service %s: %w", id, translate(err))
	}
	return s, nil
}

// RenameService changes a service's name and slug; a taken slug is ErrConflict.
func (q *Queries) RenameService(ctx context.Context, orgID, id, name, slug string) error {
	err := mustAffect(q.q.ExecContext(ctx, `UPDATE services SET name=$3, slug=$4 WHERE id=$1 AND org_id=$2`, id, orgID, name, slug))
	if err != nil {
		return fmt.Errorf("rename service %s: %w", id, err)
	}
	return nil
}

// DeleteService removes a service; agents lose it (membership_services cascade).
func (q *Queries) DeleteService(ctx context.Context, orgID, id string) error {
	err := mustAffect(q.q.ExecContext(ctx, `DELETE FROM services WHERE id=$1 AND org_id=$2`, id, orgID))
	if err != nil {
		return fmt.Errorf("delete service %s: %w", id, err)
	}
	return nil
}

// InvitationByID finds one of an organisation's invitations.
func (q *Queries) InvitationByID(ctx context.Context, orgID, id string) (model.Invitation, error) {
	inv, err := scanInvitation(q.q.QueryRowContext(ctx, `SELECT `+invitationColumns+` FROM invitations WHERE id=$1 AND org_id=$2`, id, orgID))
	if err != nil {
		return inv, fmt.Errorf("invitation %s: %w", id, translate(err))
	}
	return inv, nil
}

// DeleteInvitation revokes one of an organisation's invitations; its link
// stops working at once.
func (q *Queries) DeleteInvitation(ctx context.Context, orgID, id string) error {
	err := mustAffect(q.q.ExecContext(ctx, `DELETE FROM invitations WHERE id=$1 AND org_id=$2`, id, orgID))
	if err != nil {
		return fmt.Errorf("delete invitation %s: %w", id, err)
	}
	return nil
}

// DeletePendingInvitations removes the unaccepted invitations of an address
// to an organisation, so that a new invitation replaces older links.
func (q *Queries) DeletePendingInvitations(ctx context.Context, orgID, email string) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM invitations WHERE org_id=$1 AND email=$2 AND accepted_at IS NULL`, orgID, email)
	if err != nil {
		return fmt.Errorf("delete pending invitations: %w", err)
	}
	return nil
}

// DeleteStaleInvitations removes invitations that expired before `before`.
func (q *Queries) DeleteStaleInvitations(ctx context.Context, before time.Time) (int64, error) {
	res, err := q.q.ExecContext(ctx, `DELETE FROM invitations WHERE accepted_at IS NULL AND expires_at < $1`, before)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
