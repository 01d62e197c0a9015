package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/store/storetest"
)

// An alert's list drawn in chunks ends with exactly the audience, in
// subscriber order, the total counting as it grows, and the mailing cannot
// finish before the list is complete.
func TestMailingListDrawnInChunks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		if err := s.CreateOrganisation(ctx, model.Organisation{ID: "org", Handle: "ville", Name: "Ville", Kind: model.KindCommune,
			CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
		// Seven subscribers want alerts; s03 does not, s05 is suspended.
		for i := 0; i < 9; i++ {
			id := fmt.Sprintf("s%02d", i)
			status := model.SubActive
			if i == 5 {
				status = model.SubSuspended
			}
			if err := s.CreateSubscriber(ctx, model.Subscriber{ID: id, Email: id + "@example.test", Lang: "fr", Status: status,
				ConfirmedAt: &now, CreatedAt: now, UpdatedAt: now}); err != nil {
				t.Fatal(err)
			}
			if err := s.PutSubscriberOrg(ctx, model.SubscriberOrg{SubscriberID: id, OrgID: "org", Choices: model.Choices{
				Everything: true, Alerts: i != 3, News: model.FreqWeekly}, CreatedAt: now, UpdatedAt: now}); err != nil {
				t.Fatal(err)
			}
		}
		m := model.Mailing{ID: "m1", OrgID: "org", Kind: model.MailingAlert, RefID: "p1", Subject: "Alerte", State: model.MailingSending, CreatedAt: now}
		if _, _, err := s.CreateMailing(ctx, m); err != nil {
			t.Fatal(err)
		}
		if err := s.StartDrawing(ctx, "m1", store.Audience{OrgID: "org", Kind: model.MailingAlert}); err != nil {
			t.Fatal(err)
		}
		var got []int
		for i := 0; ; i++ {
			if i > 5 {
				t.Fatal("drawing never ends")
			}
			n, last, err := s.DrawMore(ctx, "m1", 3)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, n)
			mm, err := s.MailingByID(ctx, "", "m1")
			if err != nil {
				t.Fatal(err)
			}
			if mm.Drawing == last {
				t.Fatalf("after chunk %d: Drawing %v, last %v", i, mm.Drawing, last)
			}
			if last {
				if mm.Total != 7 {
					t.Fatalf("total %d, want 7", mm.Total)
				}
				break
			}
			if done, err := s.FinishMailing(ctx, "m1", now); err != nil || done {
				t.Fatalf("finished while drawing: %v %v", done, err)
			}
		}
		if fmt.Sprint(got) != "[3 3 1]" {
			t.Fatalf("chunks %v, want [3 3 1]", got)
		}
		if n, last, err := s.DrawMore(ctx, "m1", 3); n != 0 || !last || err != nil {
			t.Fatalf("drawing a complete list: %d %v %v", n, last, err)
		}
		batch, err := s.NextRecipients(ctx, m, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range batch {
			ids = append(ids, r.SubscriberID)
		}
		if fmt.Sprint(ids) != "[s00 s01 s02 s04 s06 s07 s08]" {
			t.Fatalf("recipients %v", ids)
		}
	})
}
