package recur

import (
	"errors"
	"testing"
	"time"
)

var paris, _ = time.LoadLocation("Europe/Paris")

func local(y int, m time.Month, d, h, mi int) time.Time {
	return time.Date(y, m, d, h, mi, 0, 0, paris)
}

// The Saturday market opens at 9:00 Paris time before and after the change
// to summer time (last Sunday of March 2026: 29 March) and back (25 October).
func TestWeeklyKeepsWallClockAcrossDaylightSaving(t *testing.T) {
	start := local(2026, 3, 14, 9, 0) // UTC+1
	r := Rule{Freq: Weekly, Weekdays: []time.Weekday{time.Saturday}, Count: 40}
	starts, truncated := r.Expand(start.UTC(), paris)
	if truncated || len(starts) != 40 {
		t.Fatalf("got %d occurrences (truncated %v), want 40", len(starts), truncated)
	}
	for i, s := range starts {
		l := s.In(paris)
		if l.Weekday() != time.Saturday || l.Hour() != 9 || l.Minute() != 0 {
			t.Fatalf("occurrence %d = %s, want a Saturday at 9:00 Paris", i, l)
		}
	}
	// Before the March change 9:00 is 08:00 UTC; after it 07:00 UTC.
	if got := starts[1].Format("2006-01-02 15:04"); got != "2026-03-21 08:00" {
		t.Errorf("21 March = %s UTC, want 08:00", got)
	}
	if got := starts[3].Format("2006-01-02 15:04"); got != "2026-04-04 07:00" {
		t.Errorf("4 April = %s UTC, want 07:00", got)
	}
	// October: 24 October is still summer time, 31 October winter time.
	oct24, oct31 := starts[32], starts[33]
	if oct24.Format("2006-01-02 15:04") != "2026-10-24 07:00" || oct31.Format("2006-01-02 15:04") != "2026-10-31 08:00" {
		t.Errorf("October = %s and %s UTC, want 07:00 then 08:00", oct24, oct31)
	}
}

// A daily rule crossing the night of the change itself keeps 9:00.
func TestDailyAcrossTheNightOfTheChange(t *testing.T) {
	r := Rule{Freq: Daily, Count: 3}
	for _, start := range []time.Time{local(2026, 3, 28, 9, 0), local(2026, 10, 24, 9, 0)} {
		starts, _ := r.Expand(start.UTC(), paris)
		for _, s := range starts {
			if h := s.In(paris).Hour(); h != 9 {
				t.Errorf("%s: hour %d, want 9", s.In(paris), h)
			}
		}
		if d := starts[2].Sub(starts[0]); d == 48*time.Hour {
			t.Errorf("from %s: 48 h between day 1 and 3: the wall clock was not kept", start)
		}
	}
}

// The end of an occurrence follows the wall clock too.
func TestWallEnd(t *testing.T) {
	fs, fe := local(2026, 3, 28, 9, 0), local(2026, 3, 28, 12, 0)
	occ := local(2026, 3, 29, 9, 0)
	end := WallEnd(fs.UTC(), fe.UTC(), occ.UTC(), paris).In(paris)
	if end.Hour() != 12 || end.Day() != 29 {
		t.Errorf("end = %s, want 29 March 12:00", end)
	}
	// A two-day festival keeps its two days.
	fs, fe = local(2026, 6, 20, 10, 0), local(2026, 6, 21, 23, 0)
	end = WallEnd(fs.UTC(), fe.UTC(), local(2026, 6, 27, 10, 0).UTC(), paris).In(paris)
	if end.Day() != 28 || end.Hour() != 23 {
		t.Errorf("end = %s, want 28 June 23:00", end)
	}
}

// Council sessions: the first Monday of the month at 19:00, through DST.
func TestMonthlyNthWeekday(t *testing.T) {
	start := local(2026, 1, 5, 19, 0)
	r := Rule{Freq: Monthly, Nth: 1, Count: 12}
	starts, _ := r.Expand(start.UTC(), paris)
	want := []int{5, 2, 2, 6, 4, 1, 6, 3, 7, 5, 2, 7}
	for i, s := range starts {
		l := s.In(paris)
		if l.Weekday() != time.Monday || l.Day() != want[i] || l.Hour() != 19 {
			t.Errorf("session %d = %s, want Monday %d at 19:00", i, l, want[i])
		}
	}
	last := Rule{Freq: Monthly, Nth: -1, Count: 3}
	starts, _ = last.Expand(local(2026, 1, 30, 18, 0).UTC(), paris) // last Friday of January
	for i, d := range []int{30, 27, 27} {
		if got := starts[i].In(paris); got.Day() != d || got.Weekday() != time.Friday {
			t.Errorf("last Friday %d = %s, want day %d", i, got, d)
		}
	}
}

// The 31st repeats only in months that have one (RFC 5545).
func TestMonthlyDaySkipsShortMonths(t *testing.T) {
	starts, _ := Rule{Freq: Monthly, Count: 4}.Expand(local(2026, 1, 31, 10, 0).UTC(), paris)
	var got []string
	for _, s := range starts {
		got = append(got, s.In(paris).Format("01-02"))
	}
	if want := "[01-31 03-31 05-31 07-31]"; fmtSlice(got) != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

func fmtSlice(s []string) string {
	out := "["
	for i, v := range s {
		if i > 0 {
			out += " "
		}
		out += v
	}
	return out + "]"
}

// Without an end a series is cut at the caps, and says so.
func TestCaps(t *testing.T) {
	starts, truncated := Rule{Freq: Daily}.Expand(local(2026, 1, 1, 8, 0).UTC(), paris)
	if !truncated || len(starts) != MaxOccurrences {
		t.Errorf("daily without end: %d occurrences, truncated %v; want %d, true", len(starts), truncated, MaxOccurrences)
	}
	starts, truncated = Rule{Freq: Weekly}.Expand(local(2026, 1, 3, 8, 0).UTC(), paris)
	if !truncated || len(starts) > 5*53+1 || starts[len(starts)-1].Sub(starts[0]) > MaxSpan {
		t.Errorf("weekly without end: %d occurrences, truncated %v: not cut at five years", len(starts), truncated)
	}
}

func TestUntilAndInterval(t *testing.T) {
	until := local(2026, 4, 30, 23, 59).UTC()
	r := Rule{Freq: Weekly, Interval: 2, Weekdays: []time.Weekday{time.Tuesday, time.Thursday}, Until: &until}
	starts, truncated := r.Expand(local(2026, 4, 7, 18, 30).UTC(), paris)
	var got []string
	for _, s := range starts {
		got = append(got, s.In(paris).Format("01-02 15:04"))
	}
	if truncated || fmtSlice(got) != "[04-07 18:30 04-09 18:30 04-21 18:30 04-23 18:30]" {
		t.Errorf("got %v (truncated %v)", got, truncated)
	}
}

func TestStringAndParseRoundTrip(t *testing.T) {
	until := time.Date(2026, 12, 31, 22, 59, 59, 0, time.UTC)
	for _, r := range []Rule{
		{Freq: Weekly, Weekdays: []time.Weekday{time.Saturday}},
		{Freq: Weekly, Interval: 2, Weekdays: []time.Weekday{time.Thursday, time.Monday}, Until: &until},
		{Freq: Monthly, Nth: 1, Count: 10},
		{Freq: Daily, Interval: 3, Count: 5},
	} {
		s := r.String(time.Monday)
		back, err := Parse(s, paris)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		if back.String(time.Monday) != s {
			t.Errorf("round trip %q → %q", s, back.String(time.Monday))
		}
	}
	for _, bad := range []string{"FREQ=YEARLY", "FREQ=WEEKLY;BYSETPOS=1", "FREQ=MONTHLY;BYDAY=MO,TU", "FREQ=DAILY;COUNT=x",
		"FREQ=WEEKLY;BYDAY=XX", "", "FREQ=DAILY;COUNT=3;UNTIL=20260101"} {
		if _, err := Parse(bad, paris); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	if err := (Rule{Freq: "yearly"}).Validate(time.Now()); !errors.Is(err, ErrFreq) {
		t.Errorf("Validate yearly = %v", err)
	}
}
