package accounts

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// SignUp is what the sign-up form asks.
type SignUp struct {
	Email       string
	DisplayName string
	Password    string
	Locale      string // the language the person was reading
	// Next is the page the person signed up from (a path of this site,
	// checked by the caller): the verification link leads back to it.
	Next string
	// Org is the organisation whose pages the person came from (zero when
	// none): the e-mail goes out in its name (docs/ACCOUNTS.md).
	Org model.Organisation
}

// errSignupRace ends a transaction that lost a race to create the same
// address: the winner sent the e-mail.
var errSignupRace = errors.New("sign-up raced")

// SignUp creates an unverified account and e-mails a verification link. For
// an address that already has an account it e-mails its owner a notice
// instead, and answers the same, so that the form does not tell who has an
// account.
func (s *Service) SignUp(ctx context.Context, in SignUp) error {
	v := &model.ValidationError{}
	email, name := s.checkNewAccount(in.Email, in.DisplayName, in.Password, v)
	if err := v.Err(); err != nil {
		return err
	}
	// Hash first, whatever happens next, so that both answers cost the same.
	hash, err := s.hashPassword(in.Password)
	if err != nil {
		return err
	}
	now := s.Now()
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		existing, err := tx.AccountByEmail(ctx, email)
		if err == nil {
			if ok, err := s.MailAllowed(ctx, tx, email); err != nil || !ok {
				return err
			}
			return s.sendAccountMail(ctx, tx, in.Org, email, core.AccountLang(existing, in.Locale), "account_signup_exists",
				linkMail{Name: existing.DisplayName, Link: s.BaseURL + "/password/forgot", Base: s.BaseURL})
		}
		if !errors.Is(err, model.ErrNotFound) {
			return err
		}
		acct := model.Account{ID: core.NewID(), Email: email, DisplayName: name, PasswordHash: hash,
			Locale: core.AccountLang(model.Account{}, in.Locale), CreatedAt: now, UpdatedAt: now}
		if err := tx.CreateAccount(ctx, acct); errors.Is(err, model.ErrConflict) {
			return errSignupRace
		} else if err != nil {
			return err
		}
		if _, err := s.MailAllowed(ctx, tx, email); err != nil {
			return err
		}
		link, err := s.issueToken(ctx, tx, acct.ID, model.TokenVerifyEmail, "", VerifyLifetime, "/verify/")
		if err != nil {
			return err
		}
		if in.Next != "" {
			link += "?next=" + url.QueryEscape(in.Next)
		}
		return s.sendAccountMail(ctx, tx, in.Org, email, acct.Locale, "account_verify",
			linkMail{Name: name, Link: link, Hours: int(VerifyLifetime.Hours()), Base: s.BaseURL})
	})
	if errors.Is(err, errSignupRace) {
		return nil
	}
	return err
}

// sendAccountMail sends an account e-mail from the instance, or, when the
// person came from an organisation's pages, in its name: the text says
// "your Ville de Bellerive account" and From carries its name.
func (s *Service) sendAccountMail(ctx context.Context, tx *store.Tx, org model.Organisation, to, lang, name string, data linkMail) error {
	if org.ID == "" {
		return s.SendMail(ctx, tx, to, lang, name, data)
	}
	data.Site = org.Name
	return s.SendOrgMail(ctx, tx, org, to, lang, name, data)
}

// ResendVerification e-mails a new verification link to an unverified
// account's address. It does nothing, silently, for an unknown or verified
// address, so the answer tells nothing.
func (s *Service) ResendVerification(ctx context.Context, email, lang string) error {
	return s.ResendVerificationFrom(ctx, LinkRequest{Email: email, Lang: lang})
}

// LinkRequest asks for an account link by e-mail (a new confirmation link,
// a password reset) from a form. Next and Org are as in SignUp: the page to
// return to (a path of this site, checked by the caller), carried by the
// link, and the organisation whose name the e-mail goes out in.
type LinkRequest struct {
	Email, Lang string
	Next        string
	Org         model.Organisation
}

// ResendVerificationFrom is ResendVerification from an organisation's pages.
func (s *Service) ResendVerificationFrom(ctx context.Context, in LinkRequest) error {
	return s.mailAccountLink(ctx, in, func(acct model.Account) bool { return !acct.Verified() },
		model.TokenVerifyEmail, VerifyLifetime, "/verify/", "account_verify")
}

// mailAccountLink e-mails a fresh link of that purpose to the account with
// that address when wanted(account); for an unknown address it does nothing,
// and answers the same.
func (s *Service) mailAccountLink(ctx context.Context, in LinkRequest, wanted func(model.Account) bool,
	purpose model.TokenPurpose, life time.Duration, path, template string) error {
	email := mail.NormalizeEmail(in.Email)
	if !mail.ValidEmail(email) {
		v := &model.ValidationError{}
		v.Add("email", "account.error.email")
		return v
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		acct, err := tx.AccountByEmail(ctx, email)
		if errors.Is(err, model.ErrNotFound) {
			return nil
		}
		if err != nil || !wanted(acct) {
			return err
		}
		if ok, err := s.MailAllowed(ctx, tx, email); err != nil || !ok {
			return err
		}
		link, err := s.issueToken(ctx, tx, acct.ID, purpose, "", life, path)
		if err != nil {
			return err
		}
		if in.Next != "" {
			link += "?next=" + url.QueryEscape(in.Next)
		}
		return s.sendAccountMail(ctx, tx, in.Org, email, core.AccountLang(acct, in.Lang), template,
			linkMail{Name: acct.DisplayName, Link: link, Hours: int(life.Hours()), Base: s.BaseURL})
	})
}

// VerifyEmail consumes a verification link and marks the address verified.
func (s *Service) VerifyEmail(ctx context.Context, secret string) (model.Account, error) {
	var acct model.Account
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		t, err := s.useToken(ctx, tx, secret, model.TokenVerifyEmail)
		if err != nil {
			return err
		}
		if err := tx.MarkEmailVerified(ctx, t.AccountID, s.Now()); err != nil {
			return err
		}
		acct, err = tx.AccountByID(ctx, t.AccountID)
		return err
	})
	return acct, err
}
