package accounts

import (
	"context"

	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// UpdateProfile saves the display name and language of an account.
func (s *Service) UpdateProfile(ctx context.Context, acct model.Account, displayName, locale string) (model.Account, error) {
	name, ok := cleanDisplayName(displayName)
	v := &model.ValidationError{}
	if !ok {
		v.Add("display_name", "account.error.display_name")
	}
	if !i18n.Supported(locale) {
		v.Add("locale", "account.error.locale")
	}
	if err := v.Err(); err != nil {
		return acct, err
	}
	if err := s.saveProfile(ctx, acct.ID, name, locale); err != nil {
		return acct, err
	}
	acct.DisplayName, acct.Locale = name, locale
	return acct, nil
}

// SetLanguage saves the language an account reads (the language switch).
func (s *Service) SetLanguage(ctx context.Context, acct model.Account, locale string) error {
	if !i18n.Supported(locale) {
		return model.ErrInvalid
	}
	return s.saveProfile(ctx, acct.ID, acct.DisplayName, locale)
}

// saveProfile stores name and language, and the language of the account's
// e-mail subscriptions with them, so mass mail follows the account.
func (s *Service) saveProfile(ctx context.Context, accountID, name, locale string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateAccountProfile(ctx, accountID, name, locale, s.Now()); err != nil {
			return err
		}
		return tx.SetAccountSubscriberLang(ctx, accountID, locale)
	})
}
