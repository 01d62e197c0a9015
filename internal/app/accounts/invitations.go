package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// InvitationLifetime is how long an invitation link works.
const InvitationLifetime = 7 * 24 * time.Hour

// NewInvitation is what an administrator fills in to invite someone.
type NewInvitation struct {
	Email      string
	Role       model.Role
	ServiceIDs []string
}

// invitationMail is the data of the "invitation" e-mail template.
type invitationMail struct {
	OrgName, InviterName, RoleKey, Link string
	Days                                int
}

// Invite asks someone, by e-mail, to join the organisation's staff (admins
// only). A new invitation to the same address replaces the pending one, so
// only the newest link works. The e-mail is queued in the same transaction.
func (s *Service) Invite(ctx context.Context, actor model.Account, orgID string, in NewInvitation, lang string) (model.Invitation, error) {
	email := mail.NormalizeEmail(in.Email)
	v := &model.ValidationError{}
	if !mail.ValidEmail(email) {
		v.Add("email", "account.error.email")
	}
	secret, hash := core.NewSecret()
	now := s.Now()
	inv := model.Invitation{ID: core.NewID(), OrgID: orgID, Email: email, Role: in.Role, TokenHash: hash,
		InvitedBy: actor.ID, ExpiresAt: now.Add(InvitationLifetime), CreatedAt: now}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actor.ID, orgID, policy.StaffInvite); err != nil {
			return err
		}
		org, err := tx.OrganisationByID(ctx, orgID)
		if err != nil {
			return err
		}
		if inv.ServiceIDs, err = s.Roles.CheckRoleServices(ctx, tx, orgID, in.Role, in.ServiceIDs, v); err != nil {
			return err
		}
		if v.For("email") == "" {
			if acct, err := tx.AccountByEmail(ctx, email); err == nil {
				if _, err := tx.Membership(ctx, acct.ID, orgID); err == nil {
					v.Add("email", "invitation.error.already_member")
				} else if !errors.Is(err, model.ErrNotFound) {
					return err
				}
			} else if !errors.Is(err, model.ErrNotFound) {
				return err
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.DeletePendingInvitations(ctx, orgID, email); err != nil {
			return err
		}
		if err := tx.CreateInvitation(ctx, inv); err != nil {
			return err
		}
		if err := s.Audit(ctx, tx, orgID, actor.ID, "invitation.create", inv.ID, email+" "+s.Roles.DescribeRole(inv.Role, inv.ServiceIDs)); err != nil {
			return err
		}
		return s.SendMail(ctx, tx, email, lang, "invitation", invitationMail{OrgName: org.Name, InviterName: actor.DisplayName,
			RoleKey: "admin.role." + string(inv.Role), Link: s.BaseURL + "/invitations/" + secret, Days: int(InvitationLifetime.Hours() / 24)})
	})
	return inv, err
}

// PendingInvitations lists the organisation's unaccepted, unexpired
// invitations (admins only).
func (s *Service) PendingInvitations(ctx context.Context, actorID, orgID string) ([]model.Invitation, error) {
	var out []model.Invitation
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.StaffInvite); err != nil {
			return err
		}
		var err error
		out, err = tx.InvitationsOf(ctx, orgID, s.Now())
		return err
	})
	return out, err
}

// RevokeInvitation cancels a pending invitation (admins only); its link
// stops working at once.
func (s *Service) RevokeInvitation(ctx context.Context, actorID, orgID, invitationID string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.StaffInvite); err != nil {
			return err
		}
		inv, err := tx.InvitationByID(ctx, orgID, invitationID)
		if err != nil {
			return err
		}
		if inv.AcceptedAt != nil {
			return model.ErrConflict
		}
		if err := tx.DeleteInvitation(ctx, orgID, invitationID); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actorID, "invitation.revoke", inv.ID, inv.Email)
	})
}

// InvitationInfo is what the invitation page shows.
type InvitationInfo struct {
	Invitation model.Invitation
	Org        model.Organisation
	// AccountExists tells whether the invited address already has an account
	// (then the person logs in rather than signs up).
	AccountExists bool
}

// usable says why an invitation can no longer be used: model.ErrConflict
// once accepted, model.ErrExpired after its lifetime.
// ErrInvitationOtherAccount refuses an invitation to an account whose
// address is not the invited one.
var ErrInvitationOtherAccount = fmt.Errorf("%w: invitation sent to another address", model.ErrForbidden)

func (s *Service) usable(inv model.Invitation) error {
	if inv.AcceptedAt != nil {
		return model.ErrConflict
	}
	if !s.Now().Before(inv.ExpiresAt) {
		return model.ErrExpired
	}
	return nil
}

// InvitationByToken finds the invitation of a link. A revoked or unknown
// link is model.ErrNotFound; a used one model.ErrConflict (with the
// invitation, so the page can still name the organisation); an expired one
// model.ErrExpired.
func (s *Service) InvitationByToken(ctx context.Context, token string) (InvitationInfo, error) {
	var info InvitationInfo
	inv, err := s.Store.InvitationByTokenHash(ctx, core.HashSecret(token))
	if err != nil {
		return info, err
	}
	info.Invitation = inv
	if info.Org, err = s.Store.OrganisationByID(ctx, inv.OrgID); err != nil {
		return info, err
	}
	if _, err := s.Store.AccountByEmail(ctx, inv.Email); err == nil {
		info.AccountExists = true
	} else if !errors.Is(err, model.ErrNotFound) {
		return info, err
	}
	return info, s.usable(inv)
}

// AcceptInvitation makes the signed-in account staff of the inviting
// organisation, whatever its own address (the page showed which address was
// invited). The link works once.
func (s *Service) AcceptInvitation(ctx context.Context, token, accountID string) (model.Organisation, error) {
	var org model.Organisation
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		org, err = s.accept(ctx, tx, token, accountID)
		return err
	})
	return org, err
}

// AcceptInvitationWithNewAccount creates the invited person's account (its
// address counts as verified: they clicked the link sent to it) and makes it
// staff, in one transaction.
func (s *Service) AcceptInvitationWithNewAccount(ctx context.Context, token, displayName, password string) (model.Account, model.Organisation, error) {
	info, err := s.InvitationByToken(ctx, token)
	if err != nil {
		return model.Account{}, model.Organisation{}, err
	}
	v := &model.ValidationError{}
	name, ok := cleanDisplayName(displayName)
	if !ok {
		v.Add("display_name", "account.error.display_name")
	}
	if code := s.Passwords.Check(password, info.Invitation.Email, name); code != "" {
		v.Add("password", code)
	}
	if err := v.Err(); err != nil {
		return model.Account{}, info.Org, err
	}
	hash, err := s.hashPassword(password)
	if err != nil {
		return model.Account{}, info.Org, err
	}
	now := s.Now()
	acct := model.Account{ID: core.NewID(), Email: info.Invitation.Email, EmailVerifiedAt: &now, DisplayName: name,
		PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	var org model.Organisation
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateAccount(ctx, acct); errors.Is(err, model.ErrConflict) {
			return &model.FieldError{Field: "email", Code: "invitation.error.account_exists"}
		} else if err != nil {
			return err
		}
		org, err = s.accept(ctx, tx, token, acct.ID)
		return err
	})
	return acct, org, err
}

// accept applies an invitation for accountID inside tx.
func (s *Service) accept(ctx context.Context, tx *store.Tx, token, accountID string) (model.Organisation, error) {
	inv, err := tx.InvitationByTokenHash(ctx, core.HashSecret(token))
	if err != nil {
		return model.Organisation{}, err
	}
	org, err := tx.OrganisationByID(ctx, inv.OrgID)
	if err != nil {
		return org, err
	}
	if err := s.usable(inv); err != nil {
		return org, err
	}
	// The invitation is for the address it was sent to: only the account
	// with that address may accept it. Anyone who sees the link (a
	// forwarded e-mail, a shared screen, a colleague's browser still
	// signed in) must not become staff with their own account.
	acct, err := tx.AccountByID(ctx, accountID)
	if err != nil {
		return org, err
	}
	if mail.NormalizeEmail(acct.Email) != mail.NormalizeEmail(inv.Email) {
		return org, ErrInvitationOtherAccount
	}
	// Marking it first, atomically, makes a double click or two parallel
	// requests accept it once.
	if err := tx.AcceptInvitation(ctx, inv.ID, s.Now()); errors.Is(err, model.ErrNotFound) {
		return org, model.ErrConflict
	} else if err != nil {
		return org, err
	}
	if _, err := tx.Membership(ctx, accountID, org.ID); err == nil {
		// Already staff (invited twice, or an admin added them meanwhile):
		// their current role stands; admins change roles on the staff page.
		return org, s.Audit(ctx, tx, org.ID, accountID, "invitation.accept", inv.ID, "already staff")
	} else if !errors.Is(err, model.ErrNotFound) {
		return org, err
	}
	// Services deleted since the invitation are dropped.
	var services []string
	for _, id := range inv.ServiceIDs {
		if _, err := tx.ServiceByID(ctx, org.ID, id); err == nil {
			services = append(services, id)
		}
	}
	m := model.Membership{AccountID: accountID, OrgID: org.ID, Role: inv.Role, ServiceIDs: services, CreatedAt: s.Now()}
	if err := tx.PutMembership(ctx, m); err != nil {
		return org, err
	}
	return org, s.Audit(ctx, tx, org.ID, accountID, "invitation.accept", inv.ID, inv.Email+" "+s.Roles.DescribeRole(inv.Role, services))
}
