package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/store/storetest"
)

func auditIn(ctx context.Context, s *store.Store, org, id string, at time.Time) error {
	return s.InTx(ctx, func(tx *store.Tx) error {
		return tx.Audit(ctx, model.AuditEntry{ID: id, OrgID: org, Action: "test.write", Detail: id, CreatedAt: at})
	})
}

// TestChainConcurrentAppendsDoNotFork: writers appending to the same
// organisation's chain at once all land, one after the other, and the
// chain verifies; another organisation's chain is apart.
func TestChainConcurrentAppendsDoNotFork(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := twoOrgs(t, s)
		const writers = 16
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for i := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				org := "ville-a"
				if i%4 == 0 {
					org = "ville-b"
				}
				errs <- auditIn(ctx, s, org, fmt.Sprintf("audit-%02d", i), now.Add(time.Duration(i)*time.Second))
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		for org, want := range map[string]int64{"ville-a": 12, "ville-b": 4} {
			rep, err := s.VerifyChain(ctx, org)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Break != nil || rep.Links != want || rep.Head.Seq != want || len(rep.Head.Hash) != 64 {
				t.Fatalf("%s: %+v (break %+v), want %d links", org, rep, rep.Break, want)
			}
		}
	})
}

// TestChainNamesTheTamperedRow: changing a stored row, removing one or
// inserting one behind the application's back makes the verification fail
// on that row; the backfill links rows older than the chain.
func TestChainNamesTheTamperedRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := twoOrgs(t, s)
		newPub(t, s, "ville-a", "p1", "travaux", model.KindNews, now)
		for i := range 3 {
			if err := auditIn(ctx, s, "ville-a", fmt.Sprintf("audit-%d", i), now.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		verify := func() *store.ChainBreak {
			t.Helper()
			rep, err := s.VerifyChain(ctx, "ville-a")
			if err != nil {
				t.Fatal(err)
			}
			return rep.Break
		}
		if b := verify(); b != nil {
			t.Fatalf("untouched chain: %+v", b)
		}
		exec(t, s, `UPDATE publication_revisions SET body_md = 'Corps réécrit' WHERE id = 'rev-p1-1'`)
		if b := verify(); b == nil || b.Kind != "publication_revision" || b.RowID != "rev-p1-1" || b.Reason != "changed" || b.Seq != 1 {
			t.Fatalf("changed revision: %+v", b)
		}
		exec(t, s, `UPDATE publication_revisions SET body_md = 'Corps' WHERE id = 'rev-p1-1'`)
		if b := verify(); b != nil {
			t.Fatalf("restored: %+v", b)
		}
		exec(t, s, `DELETE FROM audit_log WHERE id = 'audit-1'`)
		if b := verify(); b == nil || b.RowID != "audit-1" || b.Reason != "missing" {
			t.Fatalf("removed audit entry: %+v", b)
		}
		exec(t, s, `INSERT INTO audit_log (id, org_id, actor_id, action, target, detail, created_at) VALUES ('audit-1', 'ville-a', '', 'test.write', '', 'audit-1', $1)`, now.Add(time.Minute))
		if b := verify(); b != nil {
			t.Fatalf("put back as it was: %+v", b)
		}
		exec(t, s, `INSERT INTO audit_log (id, org_id, actor_id, action, target, detail, created_at) VALUES ('forged', 'ville-a', '', 'test.write', '', '', $1)`, now)
		if b := verify(); b == nil || b.RowID != "forged" || b.Reason != "unchained" {
			t.Fatalf("inserted behind the application: %+v", b)
		}
		err := s.InTx(ctx, func(tx *store.Tx) error {
			n, err := tx.ChainBackfill(ctx, "ville-a", 100, now)
			if n != 1 {
				t.Errorf("backfilled %d rows, want 1", n)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if b := verify(); b != nil {
			t.Fatalf("after backfill: %+v", b)
		}
	})
}
