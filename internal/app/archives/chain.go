package archives

import (
	"context"

	"github.com/parvis/parvis/internal/store"
)

// backfillBatch is how many old rows one transaction links.
const backfillBatch = 500

// Verify recomputes the organisation's tamper-evident history from the rows
// themselves (`parvis archive verify`); the report names the first link
// that does not hold.
func (s *Service) Verify(ctx context.Context, handle string) (store.ChainReport, error) {
	org, err := s.Store.OrganisationByHandle(ctx, handle)
	if err != nil {
		return store.ChainReport{}, err
	}
	return s.Store.VerifyChain(ctx, org.ID)
}

// Backfill links the organisation's rows stored before the history existed
// (`parvis archive backfill`), a batch per transaction, and returns how
// many it linked. Running it again links nothing more.
func (s *Service) Backfill(ctx context.Context, handle string) (int, error) {
	org, err := s.Store.OrganisationByHandle(ctx, handle)
	if err != nil {
		return 0, err
	}
	total := 0
	for {
		var n int
		err := s.Store.InTx(ctx, func(tx *store.Tx) error {
			var err error
			n, err = tx.ChainBackfill(ctx, org.ID, backfillBatch, s.Now())
			return err
		})
		total += n
		if err != nil || n < backfillBatch {
			return total, err
		}
	}
}
