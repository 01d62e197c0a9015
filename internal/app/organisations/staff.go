package organisations

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// StaffOrganisations lists the organisations the account is staff of, with
// its role in each.
func (s *Service) StaffOrganisations(ctx context.Context, accountID string) ([]store.StaffOrg, error) {
	return s.Store.StaffOrganisations(ctx, accountID)
}

// IsStaff reports whether the account may use the staff pages: an instance
// operator, or a member of some organisation's staff. The header asks it on
// every page a signed-in person sees, so it is one lookup on the
// memberships primary key (account_id first) and nothing for operators.
func (s *Service) IsStaff(ctx context.Context, acct model.Account) (bool, error) {
	if acct.IsOperator {
		return true, nil
	}
	return s.Store.HasMembership(ctx, acct.ID)
}

// CreateOrganisationAsOperator creates an organisation from the web. Only
// instance operators may; the operator becomes its first administrator, so
// that someone can invite the collectivité's own staff (and then leave).
func (s *Service) CreateOrganisationAsOperator(ctx context.Context, actor model.Account, in NewOrganisation) (model.Organisation, error) {
	if !actor.IsOperator {
		return model.Organisation{}, model.ErrForbidden
	}
	return s.createOrganisation(ctx, actor.ID, in, func(tx *store.Tx, o model.Organisation) error {
		err := tx.PutMembership(ctx, model.Membership{AccountID: actor.ID, OrgID: o.ID, Role: model.RoleAdmin, CreatedAt: s.Now()})
		if err != nil {
			return fmt.Errorf("make operator admin: %w", err)
		}
		return s.Audit(ctx, tx, o.ID, actor.ID, "staff.add", actor.ID, string(model.RoleAdmin))
	})
}

// Staff lists an organisation's staff and services for its administrators.
func (s *Service) Staff(ctx context.Context, actorID, orgID string) ([]model.StaffMember, []model.Service, error) {
	var (
		members  []model.StaffMember
		services []model.Service
	)
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.StaffManage); err != nil {
			return err
		}
		var err error
		if members, err = tx.StaffOf(ctx, orgID); err != nil {
			return err
		}
		services, err = tx.ServicesOf(ctx, orgID)
		return err
	})
	return members, services, err
}

// CheckRoleServices validates a role and, for agents, their services (at
// least one, each belonging to the organisation). Other roles carry none.
// Invitations (package accounts) check roles with it too.
func (s *Service) CheckRoleServices(ctx context.Context, tx *store.Tx, orgID string, role model.Role, serviceIDs []string, v *model.ValidationError) ([]string, error) {
	if !role.Valid() {
		v.Add("role", "staff.error.role")
		return nil, nil
	}
	if role != model.RoleAgent {
		return nil, nil
	}
	seen := map[string]bool{}
	var out []string
	for _, id := range serviceIDs {
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		if _, err := tx.ServiceByID(ctx, orgID, id); errors.Is(err, model.ErrNotFound) {
			v.Add("services", "staff.error.service_unknown")
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	if len(out) == 0 {
		v.Add("services", "staff.error.agent_needs_service")
	}
	return out, nil
}

// keepAnAdmin refuses a change that would leave the organisation without an
// administrator; the organisation row is locked first so that two admins
// demoting each other at the same moment cannot both succeed.
func keepAnAdmin(ctx context.Context, tx *store.Tx, orgID string, current model.Membership, newRole model.Role) error {
	if current.Role != model.RoleAdmin || newRole == model.RoleAdmin {
		return nil
	}
	n, err := tx.CountRole(ctx, orgID, model.RoleAdmin)
	if err != nil {
		return err
	}
	if n <= 1 {
		return &model.FieldError{Field: "role", Code: "staff.error.last_admin"}
	}
	return nil
}

// memberForChange checks that the actor administers the organisation, locks
// it, and returns the membership to change. Only existing members qualify:
// PutMembership would otherwise add anyone.
func memberForChange(ctx context.Context, tx *store.Tx, actorID, orgID, accountID string) (model.Membership, error) {
	if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.StaffManage); err != nil {
		return model.Membership{}, err
	}
	if err := tx.LockOrganisation(ctx, orgID); err != nil {
		return model.Membership{}, err
	}
	return tx.Membership(ctx, accountID, orgID)
}

// ChangeMember sets a staff member's role and services (admins only).
func (s *Service) ChangeMember(ctx context.Context, actorID, orgID, accountID string, role model.Role, serviceIDs []string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		current, err := memberForChange(ctx, tx, actorID, orgID, accountID)
		if err != nil {
			return err
		}
		v := &model.ValidationError{}
		services, err := s.CheckRoleServices(ctx, tx, orgID, role, serviceIDs, v)
		if err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := keepAnAdmin(ctx, tx, orgID, current, role); err != nil {
			return err
		}
		current.Role, current.ServiceIDs = role, services
		if err := tx.PutMembership(ctx, current); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actorID, "staff.change", accountID, s.DescribeRole(role, services))
	})
}

// RemoveMember takes someone off the staff (admins only); the last
// administrator cannot be removed.
func (s *Service) RemoveMember(ctx context.Context, actorID, orgID, accountID string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		current, err := memberForChange(ctx, tx, actorID, orgID, accountID)
		if err != nil {
			return err
		}
		if err := keepAnAdmin(ctx, tx, orgID, current, ""); err != nil {
			return err
		}
		if err := tx.DeleteMembership(ctx, accountID, orgID); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actorID, "staff.remove", accountID, string(current.Role))
	})
}

// DescribeRole is the audit detail of a role change (and of an invitation,
// package accounts).
func (s *Service) DescribeRole(role model.Role, serviceIDs []string) string {
	if len(serviceIDs) == 0 {
		return string(role)
	}
	return string(role) + " services=" + strings.Join(serviceIDs, ",")
}

// cleanServiceName validates a service's name and derives its slug.
func cleanServiceName(name string, v *model.ValidationError) (string, string) {
	name = strings.Join(strings.Fields(name), " ")
	slug := core.Slugify(name)
	if name == "" || utf8.RuneCountInString(name) > 60 || slug == "" {
		v.Add("name", "service.error.name")
	}
	return name, slug
}

// CreateService adds a service (admins only); a name whose slug is taken is
// refused beside the field.
func (s *Service) CreateService(ctx context.Context, actorID, orgID, name string) (model.Service, error) {
	v := &model.ValidationError{}
	name, slug := cleanServiceName(name, v)
	if err := v.Err(); err != nil {
		return model.Service{}, err
	}
	svc := model.Service{ID: core.NewID(), OrgID: orgID, Name: name, Slug: slug, CreatedAt: s.Now()}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.ServicesManage); err != nil {
			return err
		}
		if err := tx.CreateService(ctx, svc); errors.Is(err, model.ErrConflict) {
			v.Add("name", "service.error.taken")
			return v
		} else if err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actorID, "service.create", svc.ID, svc.Name)
	})
	return svc, err
}

// serviceForChange checks that the actor administers the organisation and
// returns its service; another organisation's service is ErrNotFound.
func serviceForChange(ctx context.Context, tx *store.Tx, actorID, orgID, serviceID string) (model.Service, error) {
	if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.ServicesManage); err != nil {
		return model.Service{}, err
	}
	return tx.ServiceByID(ctx, orgID, serviceID)
}

// RenameService renames one of the organisation's services (admins only).
func (s *Service) RenameService(ctx context.Context, actorID, orgID, serviceID, name string) error {
	v := &model.ValidationError{}
	name, slug := cleanServiceName(name, v)
	if err := v.Err(); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		old, err := serviceForChange(ctx, tx, actorID, orgID, serviceID)
		if err != nil {
			return err
		}
		if err := tx.RenameService(ctx, orgID, serviceID, name, slug); errors.Is(err, model.ErrConflict) {
			v.Add("name", "service.error.taken")
			return v
		} else if err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actorID, "service.rename", serviceID, old.Name+" → "+name)
	})
}

// DeleteService removes one of the organisation's services (admins only);
// its agents stay staff without it.
func (s *Service) DeleteService(ctx context.Context, actorID, orgID, serviceID string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		old, err := serviceForChange(ctx, tx, actorID, orgID, serviceID)
		if err != nil {
			return err
		}
		if err := tx.DeleteService(ctx, orgID, serviceID); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actorID, "service.delete", serviceID, old.Name)
	})
}

// Service returns one of the organisation's services for whom the policy
// allows services.manage.
func (s *Service) Service(ctx context.Context, actorID, orgID, id string) (model.Service, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.ServicesManage); err != nil {
		return model.Service{}, err
	}
	return s.Store.ServiceByID(ctx, orgID, id)
}

// Services lists the organisation's services for any of its staff
// (dashboard.view): the filters and choices of the staff pages.
func (s *Service) Services(ctx context.Context, actorID, orgID string) ([]model.Service, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.DashboardView); err != nil {
		return nil, err
	}
	return s.Store.ServicesOf(ctx, orgID)
}
