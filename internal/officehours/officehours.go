// Package officehours computes with an organisation's published office hours
// (its "permanence numérique"): whether it is open, when it opens next, and
// how much open time lies between two instants. Response-time clocks count
// only open hours, so a question asked on Saturday night and answered on
// Monday at 10:30 waited 1 h 30, not 36 hours. Pure functions, no I/O.
package officehours

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Span is an opening span within a day, in minutes after local midnight:
// [Start, End).
type Span struct {
	Start int
	End   int
}

// Closure closes the organisation on every day from From to To inclusive
// (dates in the schedule's location; only year, month and day count).
type Closure struct {
	From  time.Time
	To    time.Time
	Label string
}

// Schedule is a weekly timetable with public holidays and closures.
type Schedule struct {
	Week     [7][]Span // indexed by time.Weekday
	Closures []Closure
	// Holidays closes on French public holidays (FrenchHolidays).
	Holidays bool
	Loc      *time.Location
}

// Errors Validate reports, per weekday.
var (
	ErrEndBeforeStart = errors.New("a span ends before it starts")
	ErrOverlap        = errors.New("two spans overlap")
	ErrOutOfDay       = errors.New("a span lies outside the day")
)

// SpanError tells which weekday is wrong and why.
type SpanError struct {
	Day time.Weekday
	Err error
}

func (e *SpanError) Error() string { return fmt.Sprintf("%s: %v", e.Day, e.Err) }

func (e *SpanError) Unwrap() error { return e.Err }

// Validate refuses spans that end before they start, leave the day, or
// overlap one another; it sorts each day's spans.
func (s *Schedule) Validate() error {
	for d := range s.Week {
		spans := s.Week[d]
		sort.Slice(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
		for i, sp := range spans {
			switch {
			case sp.Start < 0 || sp.End > 24*60:
				return &SpanError{time.Weekday(d), ErrOutOfDay}
			case sp.End <= sp.Start:
				return &SpanError{time.Weekday(d), ErrEndBeforeStart}
			case i > 0 && sp.Start < spans[i-1].End:
				return &SpanError{time.Weekday(d), ErrOverlap}
			}
		}
	}
	return nil
}

// Empty reports whether the schedule never opens.
func (s Schedule) Empty() bool {
	for _, d := range s.Week {
		if len(d) > 0 {
			return false
		}
	}
	return true
}

func (s Schedule) loc() *time.Location {
	if s.Loc == nil {
		return time.UTC
	}
	return s.Loc
}

// date is a calendar day.
type date struct {
	y int
	m time.Month
	d int
}

func dayOf(t time.Time) date { return date{t.Year(), t.Month(), t.Day()} }

func (d date) before(o date) bool {
	if d.y != o.y {
		return d.y < o.y
	}
	if d.m != o.m {
		return d.m < o.m
	}
	return d.d < o.d
}

// ClosedOn reports whether the whole day of t (in the schedule's location)
// is a public holiday or within a closure, and names it.
func (s Schedule) ClosedOn(t time.Time) (bool, string) {
	t = t.In(s.loc())
	d := dayOf(t)
	if s.Holidays {
		if name, ok := FrenchHoliday(d.y, d.m, d.d); ok {
			return true, name
		}
	}
	for _, c := range s.Closures {
		from, to := dayOf(c.From), dayOf(c.To)
		if !d.before(from) && !to.before(d) {
			return true, c.Label
		}
	}
	return false, ""
}

// intervals returns the day's open intervals, as instants.
func (s Schedule) intervals(day time.Time) [][2]time.Time {
	loc := s.loc()
	if closed, _ := s.ClosedOn(day); closed {
		return nil
	}
	var out [][2]time.Time
	y, m, d := day.Date()
	for _, sp := range s.Week[day.Weekday()] {
		// time.Date resolves wall-clock times across DST changes.
		a := time.Date(y, m, d, sp.Start/60, sp.Start%60, 0, 0, loc)
		b := time.Date(y, m, d, sp.End/60, sp.End%60, 0, 0, loc)
		if sp.End == 24*60 {
			b = time.Date(y, m, d+1, 0, 0, 0, 0, loc)
		}
		out = append(out, [2]time.Time{a, b})
	}
	return out
}

// maxDays bounds every walk through the calendar: a schedule closed for ten
// years is as good as never open.
const maxDays = 3660

// midnight returns the start of t's day in the schedule's location.
func (s Schedule) midnight(t time.Time) time.Time {
	t = t.In(s.loc())
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, s.loc())
}

// IsOpen reports whether t falls in an open span.
func (s Schedule) IsOpen(t time.Time) bool {
	for _, iv := range s.intervals(s.midnight(t)) {
		if !t.Before(iv[0]) && t.Before(iv[1]) {
			return true
		}
	}
	return false
}

// NextOpening returns t itself when open, else the start of the next open
// span; ok is false when the schedule never opens again.
func (s Schedule) NextOpening(t time.Time) (time.Time, bool) {
	if s.Empty() {
		return time.Time{}, false
	}
	day := s.midnight(t)
	for i := 0; i < maxDays; i++ {
		for _, iv := range s.intervals(day) {
			if t.Before(iv[1]) {
				if t.Before(iv[0]) {
					return iv[0], true
				}
				return t, true
			}
		}
		y, m, d := day.Date()
		day = time.Date(y, m, d+1, 0, 0, 0, 0, s.loc())
	}
	return time.Time{}, false
}

// OpenBetween is the open time between a and b (zero when b is before a).
func (s Schedule) OpenBetween(a, b time.Time) time.Duration {
	if !b.After(a) || s.Empty() {
		return 0
	}
	var total time.Duration
	day := s.midnight(a)
	for i := 0; i < maxDays && day.Before(b); i++ {
		for _, iv := range s.intervals(day) {
			lo, hi := iv[0], iv[1]
			if lo.Before(a) {
				lo = a
			}
			if hi.After(b) {
				hi = b
			}
			if hi.After(lo) {
				total += hi.Sub(lo)
			}
		}
		y, m, d := day.Date()
		day = time.Date(y, m, d+1, 0, 0, 0, 0, s.loc())
	}
	return total
}

// AddOpen returns the instant when d of open time has passed after t (a
// service target of "16 open hours"); ok is false for a schedule that
// never opens.
func (s Schedule) AddOpen(t time.Time, d time.Duration) (time.Time, bool) {
	if s.Empty() {
		return time.Time{}, false
	}
	day := s.midnight(t)
	for i := 0; i < maxDays; i++ {
		for _, iv := range s.intervals(day) {
			lo, hi := iv[0], iv[1]
			if hi.Before(t) || hi.Equal(t) {
				continue
			}
			if lo.Before(t) {
				lo = t
			}
			if span := hi.Sub(lo); span >= d {
				return lo.Add(d), true
			} else {
				d -= span
			}
		}
		y, m, dd := day.Date()
		day = time.Date(y, m, dd+1, 0, 0, 0, 0, s.loc())
	}
	return time.Time{}, false
}

// ParseSpans reads "9:00-12:00, 14:00-17:00" (also "9h-12h", "9 h 30 - 12 h").
func ParseSpans(text string) ([]Span, error) {
	var out []Span
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, nil
	}
	for _, part := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ';' }) {
		from, to, ok := strings.Cut(part, "-")
		if !ok {
			from, to, ok = strings.Cut(part, "–")
		}
		if !ok {
			return nil, fmt.Errorf("%q: want start-end", strings.TrimSpace(part))
		}
		a, err := parseClock(from)
		if err != nil {
			return nil, err
		}
		b, err := parseClock(to)
		if err != nil {
			return nil, err
		}
		out = append(out, Span{a, b})
	}
	return out, nil
}

func parseClock(s string) (int, error) {
	s = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	s = strings.Replace(s, "h", ":", 1)
	hs, ms, _ := strings.Cut(s, ":")
	var h, m int
	if _, err := fmt.Sscanf(hs, "%d", &h); err != nil || len(hs) > 2 {
		return 0, fmt.Errorf("%q: not a time", s)
	}
	if ms != "" {
		if _, err := fmt.Sscanf(ms, "%d", &m); err != nil || len(ms) != 2 {
			return 0, fmt.Errorf("%q: not a time", s)
		}
	}
	if h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("%q: not a time", s)
	}
	return h*60 + m, nil
}

// FormatSpans writes spans as "9 h – 12 h, 14 h – 17 h".
func FormatSpans(spans []Span) string {
	var parts []string
	for _, sp := range spans {
		parts = append(parts, FormatClock(sp.Start)+" – "+FormatClock(sp.End))
	}
	return strings.Join(parts, ", ")
}

// FormatClock writes minutes after midnight the French way: "9 h", "9 h 30".
func FormatClock(m int) string {
	if m%60 == 0 {
		return fmt.Sprintf("%d h", m/60)
	}
	return fmt.Sprintf("%d h %02d", m/60, m%60)
}

// EditSpans writes spans in the form ParseSpans reads: "9:00-12:00, 14:00-17:00".
func EditSpans(spans []Span) string {
	var parts []string
	for _, sp := range spans {
		parts = append(parts, fmt.Sprintf("%d:%02d-%d:%02d", sp.Start/60, sp.Start%60, sp.End/60, sp.End%60))
	}
	return strings.Join(parts, ", ")
}
