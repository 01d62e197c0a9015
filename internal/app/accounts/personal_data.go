package accounts

import (
	"context"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// MyData gathers what Parvis holds about the signed-in person (right of
// access and portability, RGPD art. 15 and 20), read in one transaction so
// that the picture is consistent. The download is recorded in the audit
// log (the account id only): a request and its handling must be provable,
// and the person can see it was answered at once.
func (s *Service) MyData(ctx context.Context, acct model.Account) (model.PersonalData, error) {
	var d model.PersonalData
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if d, err = tx.PersonalData(ctx, acct.ID); err != nil {
			return err
		}
		d.GeneratedAt = s.Clock.Now()
		return s.Audit(ctx, tx, "", acct.ID, "account.data_download", acct.ID, "")
	})
	return d, err
}
