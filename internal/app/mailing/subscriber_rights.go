package mailing

import (
	"context"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// A subscriber without an account exercises the rights of access and
// erasure from the preferences page, reached by the link every message
// carries: the link, sent to the address, proves the person owns it. An
// expired link only shows the page; these need a fresh one (docs/PRIVACY.md).

// SubscriberData returns what is kept about the link's address, and
// records the download in the audit log (the subscriber's id only).
func (s *Service) SubscriberData(ctx context.Context, token string) (model.PersonalData, error) {
	p, err := s.PreferencesByToken(ctx, token)
	if err != nil {
		return model.PersonalData{}, err
	}
	if p.Expired {
		return model.PersonalData{}, model.ErrForbidden
	}
	var d model.PersonalData
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if d, err = tx.SubscriberPersonalData(ctx, p.Subscriber.ID); err != nil {
			return err
		}
		d.GeneratedAt = s.Now()
		return s.Audit(ctx, tx, "", "", "subscriber.data_download", p.Subscriber.ID, "")
	})
	return d, err
}

// EraseSubscriber erases the link's address everywhere (store.ErasePerson):
// the subscription with its choices and consent records, registrations,
// reports; requests keep their text without name or address. An address
// that belongs to an account is erased by deleting the account instead,
// which the page says.
func (s *Service) EraseSubscriber(ctx context.Context, token string) error {
	p, err := s.PreferencesByToken(ctx, token)
	if err != nil {
		return err
	}
	if p.Expired || p.Subscriber.AccountID != "" {
		return model.ErrForbidden
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ErasePerson(ctx, "", p.Subscriber.Email); err != nil {
			return err
		}
		return s.Audit(ctx, tx, "", "", "subscriber.erase", p.Subscriber.ID, "")
	})
}
