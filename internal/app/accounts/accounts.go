package accounts

import (
	"context"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/parvis/parvis/internal/mail"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// cleanDisplayName trims and refuses control or invisible characters.
func cleanDisplayName(s string) (string, bool) {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	if n < 2 || n > 60 {
		return s, false
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return s, false
		}
	}
	return s, true
}

// checkNewAccount validates a new account's e-mail, display name and
// password into v, and returns the normalised e-mail and cleaned name.
func (s *Service) checkNewAccount(email, displayName, password string, v *model.ValidationError) (string, string) {
	email = mail.NormalizeEmail(email)
	name, nameOK := cleanDisplayName(displayName)
	if !mail.ValidEmail(email) {
		v.Add("email", "account.error.email")
	}
	if !nameOK {
		v.Add("display_name", "account.error.display_name")
	}
	if code := s.Passwords.Check(password, email, name); code != "" {
		v.Add("password", code)
	}
	return email, name
}

// NewAccount is an account to create directly (operator command line, demo).
type NewAccount struct {
	Email       string
	DisplayName string
	Password    string
	Verified    bool
	Operator    bool
	// Org and Role optionally make the account staff of an organisation.
	OrgHandle string
	Role      model.Role
}

// CreateAccount validates and creates an account, optionally as staff.
func (s *Service) CreateAccount(ctx context.Context, in NewAccount) (model.Account, error) {
	v := &model.ValidationError{}
	email, name := s.checkNewAccount(in.Email, in.DisplayName, in.Password, v)
	if in.OrgHandle != "" && !in.Role.Valid() {
		v.Add("role", "account.error.role")
	}
	if err := v.Err(); err != nil {
		return model.Account{}, err
	}
	hash, err := s.hashPassword(in.Password)
	if err != nil {
		return model.Account{}, err
	}
	now := s.Now()
	acct := model.Account{ID: core.NewID(), Email: email, DisplayName: name, PasswordHash: hash, IsOperator: in.Operator,
		CreatedAt: now, UpdatedAt: now}
	if in.Verified {
		acct.EmailVerifiedAt = &now
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateAccount(ctx, acct); err != nil {
			if errors.Is(err, model.ErrConflict) {
				v.Add("email", "account.error.email_taken")
				return v
			}
			return err
		}
		if in.OrgHandle == "" {
			return nil
		}
		org, err := tx.OrganisationByHandle(ctx, in.OrgHandle)
		if errors.Is(err, model.ErrNotFound) {
			v.Add("org", "account.error.org_unknown")
			return v
		}
		if err != nil {
			return err
		}
		if err := tx.PutMembership(ctx, model.Membership{AccountID: acct.ID, OrgID: org.ID, Role: in.Role, CreatedAt: now}); err != nil {
			return err
		}
		return s.Audit(ctx, tx, org.ID, "", "staff.add", acct.ID, string(in.Role))
	})
	return acct, err
}
