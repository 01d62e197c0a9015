// Package recur expands the recurrence rules of events (weekly market,
// monthly council session) into occurrences. It works in the local time of
// the event's place (Europe/Paris for Parvis) so that a market at 9:00 stays
// at 9:00 when clocks change in March and October; the instants it returns
// are in UTC. It supports the subset of RFC 5545 RRULE that staff can enter
// and that the calendar feeds write back: FREQ=DAILY/WEEKLY/MONTHLY with
// INTERVAL, BYDAY (weekdays, or one "nth weekday" for MONTHLY), UNTIL and
// COUNT.
package recur

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Freq is how often a rule repeats.
type Freq string

const (
	Daily   Freq = "daily"
	Weekly  Freq = "weekly"
	Monthly Freq = "monthly"
)

// Limits of an expansion: a series stops at whichever comes first. They bound
// the work and the rows one event can cost; a longer series must be renewed.
const (
	MaxOccurrences = 1000
	MaxSpan        = 5 * 366 * 24 * time.Hour // about five years after the first start
)

// Rule is a recurrence rule.
type Rule struct {
	Freq     Freq
	Interval int            // 1 = every day/week/month; 0 is read as 1
	Weekdays []time.Weekday // WEEKLY: the days of the week (the start's day when empty)
	// Nth is, for MONTHLY, the week of the month of the start's weekday
	// (1..4, or -1 for the last one: "le premier lundi", "le dernier
	// vendredi"); 0 repeats on the start's day of the month.
	Nth   int
	Until *time.Time // last possible start (inclusive), UTC
	Count int        // number of occurrences including the first; 0 = no count
}

// Errors of Validate, mapped to French messages by the caller.
var (
	ErrFreq     = errors.New("recur: unknown frequency")
	ErrInterval = errors.New("recur: interval out of range")
	ErrNth      = errors.New("recur: week of the month out of range")
	ErrEnd      = errors.New("recur: until before start")
	ErrCount    = errors.New("recur: count out of range")
	ErrUnsupp   = errors.New("recur: unsupported rule")
)

// Validate checks r for a series starting at start.
func (r Rule) Validate(start time.Time) error {
	switch r.Freq {
	case Daily, Weekly, Monthly:
	default:
		return ErrFreq
	}
	if r.Interval < 0 || r.Interval > 99 {
		return ErrInterval
	}
	if r.Nth != 0 && (r.Freq != Monthly || r.Nth < -1 || r.Nth > 4) {
		return ErrNth
	}
	if r.Until != nil && r.Until.Before(start) {
		return ErrEnd
	}
	if r.Count < 0 || r.Count > MaxOccurrences {
		return ErrCount
	}
	return nil
}

func (r Rule) interval() int { return max(r.Interval, 1) }

// Expand returns the start instants (UTC) of the series whose first
// occurrence starts at start, computed on the wall clock of loc. The first
// start is always the first occurrence (RFC 5545: DTSTART is an instance).
// truncated reports that the series went on beyond MaxOccurrences or
// MaxSpan and was cut there.
func (r Rule) Expand(start time.Time, loc *time.Location) (starts []time.Time, truncated bool) {
	ls := start.In(loc)
	y, mo, d := ls.Date()
	hh, mm, ss := ls.Clock()
	horizon := start.Add(MaxSpan)
	at := func(y int, mo time.Month, d int) time.Time {
		return time.Date(y, mo, d, hh, mm, ss, ls.Nanosecond(), loc).UTC()
	}
	starts = append(starts, start.UTC())
	// add appends t if it is after the first start and within the rule's
	// end; it reports false when the series is over.
	add := func(t time.Time) bool {
		if !t.After(start) {
			return true
		}
		if r.Until != nil && t.After(*r.Until) {
			return false
		}
		if r.Count > 0 && len(starts) >= r.Count {
			return false
		}
		if len(starts) >= MaxOccurrences || t.After(horizon) {
			truncated = true
			return false
		}
		starts = append(starts, t)
		return true
	}
	n := r.interval()
	switch r.Freq {
	case Daily:
		for k := n; ; k += n {
			if !add(at(y, mo, d+k)) {
				return starts, truncated
			}
		}
	case Weekly:
		days := r.Weekdays
		if len(days) == 0 {
			days = []time.Weekday{ls.Weekday()}
		}
		offsets := make([]int, 0, len(days)) // days after Monday, in week order
		for _, wd := range days {
			offsets = append(offsets, (int(wd)+6)%7)
		}
		slices.Sort(offsets)
		offsets = slices.Compact(offsets)
		monday := d - (int(ls.Weekday())+6)%7
		for k := 0; ; k += n {
			for _, off := range offsets {
				if !add(at(y, mo, monday+7*k+off)) {
					return starts, truncated
				}
			}
		}
	case Monthly:
		for k := n; ; k += n {
			first := time.Date(y, mo+time.Month(k), 1, 0, 0, 0, 0, time.UTC)
			var day int
			if r.Nth == 0 {
				day = d
				if day > daysIn(first.Year(), first.Month()) {
					// RFC 5545: a 31st in a 30-day month is skipped, not moved.
					if first.Sub(start) > MaxSpan {
						truncated = true
						return starts, truncated
					}
					continue
				}
			} else {
				day = nthWeekday(first.Year(), first.Month(), ls.Weekday(), r.Nth)
			}
			if !add(at(first.Year(), first.Month(), day)) {
				return starts, truncated
			}
		}
	}
	return starts, truncated
}

func daysIn(y int, m time.Month) int { return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day() }

// nthWeekday is the day of the month of the nth wd (n = -1: the last).
func nthWeekday(y int, m time.Month, wd time.Weekday, n int) int {
	if n < 0 {
		last := daysIn(y, m)
		lw := time.Date(y, m, last, 0, 0, 0, 0, time.UTC).Weekday()
		return last - (int(lw)-int(wd)+7)%7
	}
	fw := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).Weekday()
	return 1 + (int(wd)-int(fw)+7)%7 + 7*(n-1)
}

// WallEnd computes the end of an occurrence starting at occStart from the
// first occurrence's start and end, on the wall clock of loc: an event from
// 9:00 to 12:00 ends at 12:00 every time, even on the night clocks change,
// and a two-day event keeps its two days. The first occurrence ends at
// firstEnd itself.
func WallEnd(firstStart, firstEnd, occStart time.Time, loc *time.Location) time.Time {
	if occStart.Equal(firstStart) {
		return firstEnd
	}
	fs, fe, os := firstStart.In(loc), firstEnd.In(loc), occStart.In(loc)
	sy, sm, sd := fs.Date()
	ey, em, ed := fe.Date()
	days := int(time.Date(ey, em, ed, 0, 0, 0, 0, time.UTC).Sub(time.Date(sy, sm, sd, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	oy, om, od := os.Date()
	h, mi, s := fe.Clock()
	return time.Date(oy, om, od+days, h, mi, s, fe.Nanosecond(), loc).UTC()
}

var icalDays = []string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// String writes r as an RFC 5545 RRULE value (without "RRULE:"). weekday is
// the first start's weekday, needed for a monthly "nth weekday" rule.
func (r Rule) String(weekday time.Weekday) string {
	parts := []string{"FREQ=" + strings.ToUpper(string(r.Freq))}
	if r.interval() > 1 {
		parts = append(parts, "INTERVAL="+strconv.Itoa(r.interval()))
	}
	switch {
	case r.Freq == Weekly && len(r.Weekdays) > 0:
		var days []string
		for _, wd := range sortedDays(r.Weekdays) {
			days = append(days, icalDays[wd])
		}
		parts = append(parts, "BYDAY="+strings.Join(days, ","))
	case r.Freq == Monthly && r.Nth != 0:
		parts = append(parts, "BYDAY="+strconv.Itoa(r.Nth)+icalDays[weekday])
	}
	if r.Until != nil {
		parts = append(parts, "UNTIL="+r.Until.UTC().Format("20060102T150405Z"))
	}
	if r.Count > 0 {
		parts = append(parts, "COUNT="+strconv.Itoa(r.Count))
	}
	return strings.Join(parts, ";")
}

// sortedDays orders weekdays from Monday, as people read a week in France.
func sortedDays(days []time.Weekday) []time.Weekday {
	out := slices.Clone(days)
	slices.SortFunc(out, func(a, b time.Weekday) int { return (int(a)+6)%7 - (int(b)+6)%7 })
	return slices.Compact(out)
}

// Parse reads an RRULE value. until values in floating or dated form are
// read in loc. It accepts only what Expand supports and says ErrUnsupp for
// the rest (BYSETPOS, BYMONTH, FREQ=YEARLY…), so that an import never
// silently shows different dates than the source.
func Parse(s string, loc *time.Location) (Rule, error) {
	var r Rule
	s = strings.TrimPrefix(strings.TrimSpace(s), "RRULE:")
	if s == "" {
		return r, ErrUnsupp
	}
	for _, part := range strings.Split(s, ";") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return r, fmt.Errorf("%w: %q", ErrUnsupp, part)
		}
		switch strings.ToUpper(k) {
		case "FREQ":
			r.Freq = Freq(strings.ToLower(v))
		case "INTERVAL":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 99 {
				return r, ErrInterval
			}
			r.Interval = n
		case "COUNT":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return r, ErrCount
			}
			r.Count = n
		case "UNTIL":
			t, err := parseUntil(v, loc)
			if err != nil {
				return r, fmt.Errorf("%w: UNTIL %q", ErrUnsupp, v)
			}
			r.Until = &t
		case "BYDAY":
			for _, day := range strings.Split(strings.ToUpper(v), ",") {
				if len(day) < 2 {
					return r, fmt.Errorf("%w: BYDAY %q", ErrUnsupp, v)
				}
				idx := slices.Index(icalDays, day[len(day)-2:])
				if idx < 0 {
					return r, fmt.Errorf("%w: BYDAY %q", ErrUnsupp, v)
				}
				if prefix := day[:len(day)-2]; prefix != "" {
					n, err := strconv.Atoi(prefix)
					if err != nil || r.Nth != 0 {
						return r, fmt.Errorf("%w: BYDAY %q", ErrUnsupp, v)
					}
					r.Nth = n
				}
				r.Weekdays = append(r.Weekdays, time.Weekday(idx))
			}
		case "WKST":
			if strings.ToUpper(v) != "MO" {
				return r, fmt.Errorf("%w: WKST %q", ErrUnsupp, v)
			}
		default:
			return r, fmt.Errorf("%w: %s", ErrUnsupp, k)
		}
	}
	switch r.Freq {
	case Daily:
		if len(r.Weekdays) > 0 {
			return r, fmt.Errorf("%w: BYDAY with DAILY", ErrUnsupp)
		}
	case Weekly:
		if r.Nth != 0 {
			return r, fmt.Errorf("%w: nth weekday with WEEKLY", ErrUnsupp)
		}
	case Monthly:
		if len(r.Weekdays) > 1 || (len(r.Weekdays) == 1 && r.Nth == 0) {
			return r, fmt.Errorf("%w: monthly BYDAY", ErrUnsupp)
		}
	default:
		return r, ErrFreq
	}
	if r.Count > 0 && r.Until != nil {
		return r, fmt.Errorf("%w: both COUNT and UNTIL", ErrUnsupp)
	}
	return r, nil
}

// MonthlyWeekday is, for a monthly "nth weekday" rule parsed from BYDAY, the
// weekday it names (which must be the start's).
func (r Rule) MonthlyWeekday() (time.Weekday, bool) {
	if r.Freq != Monthly || r.Nth == 0 || len(r.Weekdays) != 1 {
		return 0, false
	}
	return r.Weekdays[0], true
}

func parseUntil(v string, loc *time.Location) (time.Time, error) {
	for _, layout := range []string{"20060102T150405Z", "20060102T150405", "20060102"} {
		l := loc
		if strings.HasSuffix(layout, "Z") {
			l = time.UTC
		}
		if t, err := time.ParseInLocation(layout, v, l); err == nil {
			if layout == "20060102" {
				t = t.AddDate(0, 0, 1).Add(-time.Second) // the whole last day
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("bad UNTIL")
}
