package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// ErrEmailTaken is a confirmed e-mail change to an address another account
// took in the meantime.
var ErrEmailTaken = fmt.Errorf("%w: e-mail address taken", model.ErrConflict)

// RequestEmailChange e-mails a confirmation link to the new address and a
// notice to the current one; the address changes only when the link is
// followed. Whether the new address already has an account is not told here
// (that would reveal it); the link then fails with a clear message.
func (s *Service) RequestEmailChange(ctx context.Context, acct model.Account, newEmail, password string) error {
	newEmail = mail.NormalizeEmail(newEmail)
	v := &model.ValidationError{}
	switch {
	case !mail.ValidEmail(newEmail):
		v.Add("new_email", "account.error.email")
	case newEmail == acct.Email:
		v.Add("new_email", "account.error.email_same")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if err := s.confirmPassword(ctx, acct, "email_password", password); err != nil {
		return err
	}
	lang := core.AccountLang(acct, "")
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if ok, err := s.MailAllowed(ctx, tx, newEmail); err != nil || !ok {
			return err
		}
		link, err := s.issueToken(ctx, tx, acct.ID, model.TokenChangeEmail, newEmail, ChangeEmailLifetime, "/email/confirm/")
		if err != nil {
			return err
		}
		data := linkMail{Name: acct.DisplayName, Link: link, Hours: int(ChangeEmailLifetime.Hours()), Email: newEmail, Base: s.BaseURL}
		if err := s.SendMail(ctx, tx, newEmail, lang, "account_email_change", data); err != nil {
			return err
		}
		data.Link = s.BaseURL + "/password/forgot"
		return s.SendMail(ctx, tx, acct.Email, lang, "account_email_change_notice", data)
	})
}

// ConfirmEmailChange consumes a change link and switches the account to the
// new, now verified, address.
func (s *Service) ConfirmEmailChange(ctx context.Context, secret string) (model.Account, error) {
	var acct model.Account
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		t, err := s.useToken(ctx, tx, secret, model.TokenChangeEmail)
		if err != nil {
			return err
		}
		old, err := tx.AccountByID(ctx, t.AccountID)
		if err != nil {
			return err
		}
		now := s.Now()
		if err := tx.SetEmail(ctx, t.AccountID, t.Payload, now); errors.Is(err, model.ErrConflict) {
			return ErrEmailTaken
		} else if err != nil {
			return err
		}
		// Links sent to the old address stop working.
		for _, p := range []model.TokenPurpose{model.TokenVerifyEmail, model.TokenResetPassword} {
			if err := tx.InvalidateTokens(ctx, t.AccountID, p, now); err != nil {
				return err
			}
		}
		if err := tx.ClearThrottle(ctx, accountKey(old.Email)); err != nil {
			return err
		}
		if err := s.Audit(ctx, tx, "", t.AccountID, "account.email_change", t.AccountID, ""); err != nil {
			return err
		}
		acct, err = tx.AccountByID(ctx, t.AccountID)
		return err
	})
	return acct, err
}
