package accounts

import (
	"context"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Retention of residents' accounts (docs/PRIVACY.md). An account nobody
// has signed in to for InactiveAfter is warned by e-mail; if nobody signs
// in within InactiveGrace of the warning, it is deleted like a deletion the
// person asked for (comments stay, shown as « Compte supprimé »). Staff
// and operator accounts are never deleted for inactivity: their
// organisation removes them.
const (
	InactiveAfter = 3 * 365 * 24 * time.Hour
	InactiveGrace = 30 * 24 * time.Hour
	// inactiveBatch bounds the work of one cleanup pass; the next pass,
	// an hour later, takes the rest.
	inactiveBatch = 200
)

// purgeInactive warns and then deletes inactive resident accounts. Each
// account is handled in its own transaction with its e-mail, so a crash
// leaves every account either warned and mailed or untouched.
func (s *Service) purgeInactive(ctx context.Context, now time.Time) (warned, deleted int, err error) {
	toWarn, err := s.Store.InactiveToWarn(ctx, now.Add(-InactiveAfter), inactiveBatch)
	if err != nil {
		return 0, 0, err
	}
	for _, acct := range toWarn {
		err := s.Store.InTx(ctx, func(tx *store.Tx) error {
			if err := s.SendMail(ctx, tx, acct.Email, core.AccountLang(acct, ""), "account_inactive",
				linkMail{Name: acct.DisplayName, Link: s.BaseURL + "/login", Days: int(InactiveGrace / (24 * time.Hour)), Base: s.BaseURL}); err != nil {
				return err
			}
			if err := tx.MarkInactiveWarned(ctx, acct.ID, now); err != nil {
				return err
			}
			return s.Audit(ctx, tx, "", "", "account.inactive_warned", acct.ID, "")
		})
		if err != nil {
			return warned, deleted, err
		}
		warned++
	}
	toDelete, err := s.Store.InactiveToDelete(ctx, now.Add(-InactiveGrace), inactiveBatch)
	if err != nil {
		return warned, deleted, err
	}
	for _, acct := range toDelete {
		if err := s.deleteInactive(ctx, acct); err != nil {
			return warned, deleted, err
		}
		deleted++
	}
	return warned, deleted, nil
}

func (s *Service) deleteInactive(ctx context.Context, acct model.Account) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := s.SendMail(ctx, tx, acct.Email, core.AccountLang(acct, ""), "account_deleted_inactive",
			linkMail{Name: acct.DisplayName, Base: s.BaseURL}); err != nil {
			return err
		}
		for _, key := range []string{accountKey(acct.Email), mailKey(acct.Email)} {
			if err := tx.ClearThrottle(ctx, key); err != nil {
				return err
			}
		}
		if err := tx.DeleteAccount(ctx, acct.ID); err != nil {
			return err
		}
		return s.Audit(ctx, tx, "", "", "account.delete_inactive", acct.ID, "")
	})
}
