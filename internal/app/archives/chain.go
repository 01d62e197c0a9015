package archives

import (
	"context"

	"github.com/parvis/parvis/internal/store"
)

// backfillBatch is how many old rows one transaction links.
const backfillBatch = 500

// chainOf returns the id of the chain of the organisation handle; "" is the
// instance's own chain (audit entries of no organisation: accounts…).
func (s *Service) chainOf(ctx context.Context, handle string) (string, error) {
	if handle == "" {
		return "", nil
	}
	org, err := s.Store.OrganisationByHandle(ctx, handle)
	return org.ID, err
}

// Verify recomputes the tamper-evident history of the organisation handle
// ("" for the instance's own) from the rows themselves (`parvis archive
// verify`); the report names the first link that does not hold.
func (s *Service) Verify(ctx context.Context, handle string) (store.ChainReport, error) {
	id, err := s.chainOf(ctx, handle)
	if err != nil {
		return store.ChainReport{}, err
	}
	return s.Store.VerifyChain(ctx, id)
}

// Backfill links the rows of the organisation handle ("" for the
// instance's own) stored before the history existed (`parvis archive
// backfill`), a batch per transaction, and returns how many it linked.
// Running it again links nothing more.
func (s *Service) Backfill(ctx context.Context, handle string) (int, error) {
	id, err := s.chainOf(ctx, handle)
	if err != nil {
		return 0, err
	}
	total := 0
	for {
		var n int
		err := s.Store.InTx(ctx, func(tx *store.Tx) error {
			var err error
			n, err = tx.ChainBackfill(ctx, id, backfillBatch, s.Now())
			return err
		})
		total += n
		if err != nil || n < backfillBatch {
			return total, err
		}
	}
}
