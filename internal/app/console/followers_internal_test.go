package console

import (
	"testing"
	"time"

	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/model"
)

// The follower base of a period averages the counts of its days up to
// today, counts Paris days across a DST change, falls back to the
// population only when the average is zero, and has no source ("none")
// when nothing was counted in the period.
func TestFollowerBase(t *testing.T) {
	org := model.Organisation{Population: 12000}
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, dates.Paris) }
	h := FollowerHistory{today: "2026-04-02", live: FollowerCount{Email: 400, Fediverse: 10}, days: map[string]FollowerCount{}}
	// March 2026 (29 March: 23 hours) counted every day: 100 + 10 to
	// 130 + 10.
	for d := at(2026, 3, 1); d.Before(at(2026, 4, 1)); d = d.AddDate(0, 0, 1) {
		h.days[d.Format(dayLayout)] = FollowerCount{Email: 100 + d.Day(), Fediverse: 10}
	}
	mar := h.Base(org, at(2026, 3, 1), at(2026, 4, 1), 20)
	if mar.DenominatorSource != "followers" || mar.PeriodDays != 31 || mar.CountedDays != 31 || mar.TodayOnly ||
		mar.Followers != (FollowerCount{Email: 116, Fediverse: 10}) || mar.Denominator != 126 {
		t.Fatalf("March: %+v", mar)
	}
	// April so far: nothing stored but today, which is the live count.
	apr := h.Base(org, at(2026, 4, 1), at(2026, 5, 1), 20)
	if apr.PeriodDays != 2 || apr.CountedDays != 1 || !apr.TodayOnly || apr.Denominator != 410 || apr.Per1000 != 20*1000/410.0 {
		t.Fatalf("April: %+v", apr)
	}
	// February: no count at all; not today's in its place.
	feb := h.Base(org, at(2026, 2, 1), at(2026, 3, 1), 20)
	if feb.DenominatorSource != "none" || feb.Denominator != 0 || feb.Per1000 != 0 || feb.PeriodDays != 28 || feb.CountedDays != 0 {
		t.Fatalf("February: %+v", feb)
	}
	// Counted, but nobody followed: the population.
	h.days = map[string]FollowerCount{"2026-01-10": {}}
	jan := h.Base(org, at(2026, 1, 1), at(2026, 2, 1), 24)
	if jan.DenominatorSource != "population" || jan.Denominator != 12000 || jan.Per1000 != 2 || jan.CountedDays != 1 {
		t.Fatalf("January: %+v", jan)
	}
	// A month still to come has no day up to today.
	if may := h.Base(org, at(2026, 5, 1), at(2026, 6, 1), 0); may.DenominatorSource != "none" || may.PeriodDays != 0 {
		t.Fatalf("May: %+v", may)
	}
}
