package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// StaffOrganisations lists the organisations the account is staff of, with
// its role in each.
func (a *App) StaffOrganisations(ctx context.Context, accountID string) ([]store.StaffOrg, error) {
	return a.Store.StaffOrganisations(ctx, accountID)
}

// requireRole checks, inside tx, that the actor is staff of the organisation
// with one of roles. The web layer checks too; checking again here keeps the
// use case safe whoever calls it.
func requireRole(ctx context.Context, tx *store.Tx, actorID, orgID string, roles ...model.Role) (model.Membership, error) {
	m, err := tx.Membership(ctx, actorID, orgID)
	if errors.Is(err, model.ErrNotFound) {
		return m, model.ErrForbidden
	}
	if err != nil {
		return m, err
	}
	for _, r := range roles {
		if m.Role == r {
			return m, nil
		}
	}
	return m, model.ErrForbidden
}

// CreateOrganisationAsOperator creates an organisation from the web. Only
// instance operators may; the operator becomes its first administrator, so
// that someone can invite the collectivité's own staff (and then leave).
func (a *App) CreateOrganisationAsOperator(ctx context.Context, actor model.Account, in NewOrganisation) (model.Organisation, error) {
	if !actor.IsOperator {
		return model.Organisation{}, model.ErrForbidden
	}
	return a.createOrganisation(ctx, actor.ID, in, func(tx *store.Tx, o model.Organisation) error {
		err := tx.PutMembership(ctx, model.Membership{AccountID: actor.ID, OrgID: o.ID, Role: model.RoleAdmin, CreatedAt: a.Now()})
		if err != nil {
			return fmt.Errorf("make operator admin: %w", err)
		}
		return a.audit(ctx, tx, o.ID, actor.ID, "staff.add", actor.ID, string(model.RoleAdmin))
	})
}
