package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/store/storetest"
)

// The digests of an organisation, newest first, a page at a time, with
// their click totals; another organisation's digests and other kinds of
// mailing are not listed. The list reads the (org_id, kind, created_at, id)
// index.
func TestDigestMailingsList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := twoOrgs(t, s)
		add := func(org string, kind model.MailingKind, i int) string {
			t.Helper()
			id := fmt.Sprintf("%s-%s-%02d", org, kind, i)
			m := model.Mailing{ID: id, OrgID: org, Kind: kind, RefID: fmt.Sprintf("%s/daily/2026-03-%02d/h", org, i+1),
				Subject: "Résumé", State: model.MailingDone, CreatedAt: now.Add(time.Duration(i) * 24 * time.Hour)}
			if _, _, err := s.CreateMailing(ctx, m); err != nil {
				t.Fatal(err)
			}
			return id
		}
		for i := 0; i < 5; i++ {
			add("ville-a", model.MailingDigest, i)
			add("ville-b", model.MailingDigest, i)
		}
		add("ville-a", model.MailingNewsletter, 9)
		if err := s.AddClickLinks(ctx, "ville-a-digest-04", []string{"https://ville.test/a", "https://ville.test/b"}); err != nil {
			t.Fatal(err)
		}
		for _, link := range []int{0, 1, 1} {
			if _, err := s.CountClick(ctx, "ville-a-digest-04", link); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.CountDigestMailings(ctx, "ville-a"); err != nil || n != 5 {
			t.Fatalf("count: %d %v", n, err)
		}
		page1, err := s.DigestMailings(ctx, "ville-a", 2, 0)
		if err != nil || len(page1) != 2 || page1[0].ID != "ville-a-digest-04" || page1[1].ID != "ville-a-digest-03" {
			t.Fatalf("page 1: %+v %v", page1, err)
		}
		if page1[0].Links != 2 || page1[0].Clicks != 3 || page1[1].Links != 0 || page1[1].Clicks != 0 {
			t.Fatalf("click totals: %+v", page1)
		}
		page3, err := s.DigestMailings(ctx, "ville-a", 2, 4)
		if err != nil || len(page3) != 1 || page3[0].ID != "ville-a-digest-00" || !page3[0].CreatedAt.Equal(now) {
			t.Fatalf("page 3: %+v %v", page3, err)
		}

		// The plan: one range of the index, no sort of the organisation's
		// mailings (SQLite says so plainly; PostgreSQL is asked to avoid a
		// sequential scan, which it prefers on a table this small).
		const list = `SELECT id FROM mailings WHERE org_id = 'ville-a' AND kind = 'digest' ORDER BY created_at DESC, id DESC LIMIT 20`
		var plan []string
		err = s.InTx(ctx, func(tx *store.Tx) error {
			explain := "EXPLAIN QUERY PLAN "
			if s.Engine() == store.Postgres {
				if _, err := tx.SQLTx().ExecContext(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
					return err
				}
				explain = "EXPLAIN "
			}
			rows, err := tx.SQLTx().QueryContext(ctx, explain+list)
			if err != nil {
				return err
			}
			defer rows.Close()
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					return err
				}
				plan = append(plan, fmt.Sprint(vals...))
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		p := strings.Join(plan, "\n")
		if !strings.Contains(p, "mailings_org_kind") || strings.Contains(p, "TEMP B-TREE") || strings.Contains(p, "Sort") {
			t.Fatalf("the digest list does not read the index in order:\n%s", p)
		}
	})
}
