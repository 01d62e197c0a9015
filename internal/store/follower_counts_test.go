package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/store/storetest"
)

// One follower count per organisation and day: the first stands, a second
// (a restart, another process) adds nothing and changes nothing; the
// organisations still missing the day's count are the ones listed.
func TestFollowerCountsOncePerDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := twoOrgs(t, s)
		missing := func(day string) string {
			t.Helper()
			ids, err := s.OrgsWithoutFollowerCount(ctx, day)
			if err != nil {
				t.Fatal(err)
			}
			return strings.Join(ids, ",")
		}
		if got := missing("2026-03-01"); got != "ville-a,ville-b" {
			t.Fatalf("missing before any count: %q", got)
		}
		for i, c := range []store.FollowerSnapshot{{Day: "2026-03-01", Email: 120, Fediverse: 7, TakenAt: now},
			{Day: "2026-03-01", Email: 999, Fediverse: 99, TakenAt: now.Add(time.Hour)}} {
			fresh, err := s.RecordFollowerCount(ctx, "ville-a", c)
			if err != nil || fresh != (i == 0) {
				t.Fatalf("count #%d: fresh %v, %v", i, fresh, err)
			}
		}
		if got := missing("2026-03-01"); got != "ville-b" {
			t.Fatalf("missing after ville-a's count: %q", got)
		}
		for _, c := range []store.FollowerSnapshot{{Day: "2026-02-28", Email: 110, Fediverse: 6, TakenAt: now},
			{Day: "2026-03-02", Email: 125, Fediverse: 7, TakenAt: now}} {
			if _, err := s.RecordFollowerCount(ctx, "ville-a", c); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.RecordFollowerCount(ctx, "ville-b", store.FollowerSnapshot{Day: "2026-01-15", Email: 3, TakenAt: now}); err != nil {
			t.Fatal(err)
		}
		got, err := s.FollowerSnapshots(ctx, "ville-a", "2026-03-01", "2026-03-03")
		if err != nil || len(got) != 2 || got[0].Day != "2026-03-01" || got[0].Email != 120 || got[0].Fediverse != 7 || got[1].Email != 125 {
			t.Fatalf("March snapshots: %+v %v (the first count of the day must stand)", got, err)
		}
		if first, err := s.FirstFollowerCountDay(ctx, "ville-a"); err != nil || first != "2026-02-28" {
			t.Fatalf("first day: %q %v", first, err)
		}
		if first, err := s.FirstFollowerCountDay(ctx, "nobody"); err != nil || first != "" {
			t.Fatalf("first day without counts: %q %v", first, err)
		}
	})
}
