package accounts

import (
	"context"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// DeleteAccount erases an account after its password is confirmed: its
// sessions, links and staff memberships go with it (foreign keys cascade),
// and so does what is kept under its address (store.ErasePerson).
// A confirmation goes to the address, and the audit log keeps the account id
// only, no personal data.
func (s *Service) DeleteAccount(ctx context.Context, acct model.Account, password string) error {
	if err := s.confirmPassword(ctx, acct, "delete_password", password); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := s.SendMail(ctx, tx, acct.Email, core.AccountLang(acct, ""), "account_deleted",
			linkMail{Name: acct.DisplayName, Base: s.BaseURL}); err != nil {
			return err
		}
		for _, key := range []string{accountKey(acct.Email), mailKey(acct.Email)} {
			if err := tx.ClearThrottle(ctx, key); err != nil {
				return err
			}
		}
		// Erasure removes the person everywhere they are kept by address
		// (subscription, registrations, reports) and takes their name and
		// address off their requests; comments stay, signed « Compte
		// supprimé » (docs/PRIVACY.md).
		if err := tx.ErasePerson(ctx, acct.ID, acct.Email); err != nil {
			return err
		}
		if err := tx.DeleteAccount(ctx, acct.ID); err != nil {
			return err
		}
		return s.Audit(ctx, tx, "", acct.ID, "account.delete", acct.ID, "")
	})
}
