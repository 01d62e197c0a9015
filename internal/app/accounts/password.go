package accounts

import (
	"context"
	"errors"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/passwords"
	"github.com/parvis/parvis/internal/store"
)

// ForgotPassword e-mails a reset link to the account with that address, if
// there is one; the answer is the same either way.
func (s *Service) ForgotPassword(ctx context.Context, email, lang string) error {
	return s.ForgotPasswordFrom(ctx, LinkRequest{Email: email, Lang: lang})
}

// ForgotPasswordFrom is ForgotPassword from an organisation's pages: the
// e-mail goes out in its name, and the link returns to in.Next.
func (s *Service) ForgotPasswordFrom(ctx context.Context, in LinkRequest) error {
	return s.mailAccountLink(ctx, in, func(model.Account) bool { return true },
		model.TokenResetPassword, ResetLifetime, "/password/reset/", "account_reset")
}

// CheckResetLink tells whether a reset link can still be used, before the
// form is shown.
func (s *Service) CheckResetLink(ctx context.Context, secret string) error {
	_, err := s.checkToken(ctx, s.Store.Queries, secret, model.TokenResetPassword)
	return err
}

// ResetPassword sets a new password from a reset link. It ends every session
// of the account, clears its login throttle (the owner is never locked out
// for long), and counts as a verification of the address, which the link
// proved. The caller then starts a fresh session.
func (s *Service) ResetPassword(ctx context.Context, secret, password string) (model.Account, error) {
	t, err := s.checkToken(ctx, s.Store.Queries, secret, model.TokenResetPassword)
	if err != nil {
		return model.Account{}, err
	}
	acct, err := s.Store.AccountByID(ctx, t.AccountID)
	if err != nil {
		return model.Account{}, err
	}
	hash, err := s.newPasswordHash(acct, "password", password)
	if err != nil {
		return model.Account{}, err
	}
	now := s.Now()
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.useToken(ctx, tx, secret, model.TokenResetPassword); err != nil {
			return err
		}
		if err := tx.SetPassword(ctx, acct.ID, hash, now); err != nil {
			return err
		}
		if !acct.Verified() {
			if err := tx.MarkEmailVerified(ctx, acct.ID, now); err != nil {
				return err
			}
			acct.EmailVerifiedAt = &now
		}
		if err := tx.DeleteSessionsOf(ctx, acct.ID, ""); err != nil {
			return err
		}
		if err := tx.ClearThrottle(ctx, accountKey(acct.Email)); err != nil {
			return err
		}
		if err := s.Audit(ctx, tx, "", acct.ID, "account.password_reset", acct.ID, ""); err != nil {
			return err
		}
		return s.SendMail(ctx, tx, acct.Email, core.AccountLang(acct, ""), "account_password_changed",
			linkMail{Name: acct.DisplayName, Link: s.BaseURL + "/password/forgot", Base: s.BaseURL})
	})
	return acct, err
}

// newPasswordHash checks a new password's strength (reported on field) and
// hashes it.
func (s *Service) newPasswordHash(acct model.Account, field, password string) (string, error) {
	if code := s.Passwords.Check(password, acct.Email, acct.DisplayName); code != "" {
		v := &model.ValidationError{}
		v.Add(field, code)
		return "", v
	}
	return s.hashPassword(password)
}

// confirmPassword checks the password of a signed-in person before a
// sensitive change. Failures count against the account's login throttle, so
// a borrowed session cannot be used to guess the password.
func (s *Service) confirmPassword(ctx context.Context, acct model.Account, field, password string) error {
	now := s.Now()
	rules := []core.ThrottleRule{{Key: accountKey(acct.Email), Limit: AccountFailureLimit}}
	res, err := s.checkReserved(ctx, now, rules, acct.PasswordHash, password)
	switch {
	case err == nil:
		return s.refund(ctx, res, 0, now)
	case errors.Is(err, errMismatch):
		v := &model.ValidationError{}
		v.Add(field, "account.error.current_password")
		return v
	}
	return err
}

// ChangePassword replaces the password of a signed-in person, who gives the
// current one. Every other session ends; keepSession (the hash of the
// current session) stays.
func (s *Service) ChangePassword(ctx context.Context, acct model.Account, keepSession, current, password string) error {
	if err := s.confirmPassword(ctx, acct, "current_password", current); err != nil {
		return err
	}
	hash, err := s.newPasswordHash(acct, "new_password", password)
	if err != nil {
		return err
	}
	now := s.Now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetPassword(ctx, acct.ID, hash, now); err != nil {
			return err
		}
		if err := tx.DeleteSessionsOf(ctx, acct.ID, keepSession); err != nil {
			return err
		}
		// A reset link sent earlier must not undo this change.
		if err := tx.InvalidateTokens(ctx, acct.ID, model.TokenResetPassword, now); err != nil {
			return err
		}
		if err := s.Audit(ctx, tx, "", acct.ID, "account.password_change", acct.ID, ""); err != nil {
			return err
		}
		return s.SendMail(ctx, tx, acct.Email, core.AccountLang(acct, ""), "account_password_changed",
			linkMail{Name: acct.DisplayName, Link: s.BaseURL + "/password/forgot", Base: s.BaseURL})
	})
}

// hashPassword hashes a new password; ErrPasswordsBusy when too many
// hashes run at this moment.
func (s *Service) hashPassword(password string) (string, error) {
	h, err := s.Passwords.Hash(password)
	if errors.Is(err, passwords.ErrBusy) {
		return "", ErrPasswordsBusy
	}
	return h, err
}
