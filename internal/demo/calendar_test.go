package demo

import (
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/dates"
)

// The demo's texts follow the day it runs: works announced last week are
// under way, registrations open next month, a clean-up is coming.
func TestCalendarFollowsToday(t *testing.T) {
	for _, today := range []string{"2026-11-28", "2027-03-01", "2027-08-31", "2027-12-31"} {
		now, err := time.ParseInLocation("2006-01-02 15:04", today+" 10:00", dates.Paris)
		if err != nil {
			t.Fatal(err)
		}
		c := newCalendar(now)
		if c.worksFrom.Weekday() != time.Monday || c.worksTo.Weekday() != time.Friday ||
			c.worksFrom.Before(now.AddDate(0, 0, -6)) || c.worksFrom.After(now.AddDate(0, 0, 2)) || !c.worksTo.After(now) {
			t.Errorf("%s: works from %s to %s", today, long(c.worksFrom), long(c.worksTo))
		}
		if c.musicFrom.Day() != 1 || !c.musicFrom.After(now) || c.musicTo.Month() != c.musicFrom.Month() ||
			c.musicTo.AddDate(0, 0, 1).Day() != 1 {
			t.Errorf("%s: registrations from %s to %s", today, long(c.musicFrom), long(c.musicTo))
		}
		if c.cleanup.Weekday() != time.Saturday || c.cleanup.Before(now.AddDate(0, 0, 10)) {
			t.Errorf("%s: clean-up on %s", today, long(c.cleanup))
		}
		if !c.poolTo.Before(now) || !c.budgetDebate.Before(now) {
			t.Errorf("%s: past events in the future", today)
		}
		var text strings.Builder
		for _, p := range demoPublications(c) {
			text.WriteString(p.title + p.summary + p.body + p.updated)
		}
		for _, want := range []string{long(c.worksFrom), short(c.musicTo), long(c.cleanup), fromMonth(c.bulkyFrom)} {
			if !strings.Contains(text.String(), want) {
				t.Errorf("%s: no %q in the demo's publications", today, want)
			}
		}
	}
	if got := fromMonth(time.Date(2027, 4, 1, 12, 0, 0, 0, dates.Paris)); got != "À partir d'avril" {
		t.Errorf("fromMonth(avril) = %q", got)
	}
	if got := fromMonth(time.Date(2027, 1, 1, 12, 0, 0, 0, dates.Paris)); got != "À partir de janvier" {
		t.Errorf("fromMonth(janvier) = %q", got)
	}
}
