package ical

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	goical "github.com/emersion/go-ical"

	"github.com/parvis/parvis/internal/recur"
)

// Limits of an import: a file is refused whole beyond them.
const (
	MaxBytes  = 2 << 20 // 2 MB
	MaxEvents = 2000    // VEVENTs in one file
)

// ImportError says why a file (or one of its events) was refused. Code is a
// catalogue key; UID and Summary name the event when there is one; N is a
// number for the message (a limit).
type ImportError struct {
	Code    string
	UID     string
	Summary string
	N       int
	Err     error
}

func (e *ImportError) Error() string {
	s := "ical import: " + e.Code
	if e.UID != "" {
		s += " (" + e.UID + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *ImportError) Unwrap() error { return e.Err }

// Imported is one event read from a calendar, in Parvis's terms.
type Imported struct {
	UID         string
	Summary     string
	Description string
	Location    string
	Lat, Lon    *float64
	URL         string
	Start, End  time.Time // UTC
	AllDay      bool
	Cancelled   bool
	Rule        *recur.Rule
	// Exceptions of a series: cancelled (EXDATE or a cancelled
	// RECURRENCE-ID) or moved occurrences, by original start.
	Cancels []time.Time
	Moves   []Override
}

// Parse reads a calendar of at most MaxBytes. Anything it cannot take
// faithfully is an *ImportError: nothing of the file should then be saved.
func Parse(r io.Reader) (events []Imported, err error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, &ImportError{Code: "events.import.error.read", Err: err}
	}
	if len(data) > MaxBytes {
		return nil, &ImportError{Code: "events.import.error.too_large", N: MaxBytes >> 20}
	}
	if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
		// Not text: PostgreSQL would refuse it, SQLite would keep garbage.
		return nil, &ImportError{Code: "events.import.error.malformed", Err: errors.New("NUL byte or invalid UTF-8")}
	}
	// The decoder is not ours: a malformed file must give a message, not
	// bring the process down.
	defer func() {
		if p := recover(); p != nil {
			events, err = nil, &ImportError{Code: "events.import.error.malformed", Err: fmt.Errorf("panic: %v", p)}
		}
	}()
	cal, err := goical.NewDecoder(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff"))).Decode()
	if err != nil {
		return nil, &ImportError{Code: "events.import.error.malformed", Err: err}
	}
	if cal.Name != goical.CompCalendar {
		return nil, &ImportError{Code: "events.import.error.malformed", Err: errors.New("not a VCALENDAR")}
	}
	var comps []*goical.Component
	for _, c := range cal.Children {
		if c.Name == goical.CompEvent {
			comps = append(comps, c)
		}
	}
	if len(comps) == 0 {
		return nil, &ImportError{Code: "events.import.error.empty"}
	}
	if len(comps) > MaxEvents {
		return nil, &ImportError{Code: "events.import.error.too_many", N: MaxEvents}
	}
	byUID := map[string]int{}
	var overrides []*goical.Component
	for _, c := range comps {
		if c.Props.Get(goical.PropRecurrenceID) != nil {
			overrides = append(overrides, c)
			continue
		}
		ev, err := readEvent(c)
		if err != nil {
			return nil, err
		}
		if _, dup := byUID[ev.UID]; dup {
			return nil, &ImportError{Code: "events.import.error.duplicate_uid", UID: ev.UID, Summary: ev.Summary}
		}
		byUID[ev.UID] = len(events)
		events = append(events, ev)
	}
	for _, c := range overrides {
		uid := text(c, goical.PropUID)
		i, ok := byUID[uid]
		if !ok || events[i].Rule == nil {
			return nil, &ImportError{Code: "events.import.error.orphan_override", UID: uid}
		}
		orig, _, err := dateTime(c, goical.PropRecurrenceID)
		if err != nil {
			return nil, &ImportError{Code: "events.import.error.date", UID: uid, Err: err}
		}
		if strings.EqualFold(text(c, goical.PropStatus), "CANCELLED") {
			events[i].Cancels = append(events[i].Cancels, orig)
			continue
		}
		start, end, _, err := span(c)
		if err != nil {
			return nil, &ImportError{Code: "events.import.error.date", UID: uid, Err: err}
		}
		events[i].Moves = append(events[i].Moves, Override{OriginalStart: orig, Start: start, End: end})
	}
	return events, nil
}

func readEvent(c *goical.Component) (Imported, error) {
	ev := Imported{UID: strings.TrimSpace(text(c, goical.PropUID)), Summary: strings.TrimSpace(text(c, goical.PropSummary)),
		Description: text(c, goical.PropDescription), Location: text(c, goical.PropLocation), URL: text(c, goical.PropURL),
		Cancelled: strings.EqualFold(text(c, goical.PropStatus), "CANCELLED")}
	fail := func(code string, err error) (Imported, error) {
		return Imported{}, &ImportError{Code: code, UID: ev.UID, Summary: ev.Summary, Err: err}
	}
	if ev.UID == "" {
		return fail("events.import.error.no_uid", nil)
	}
	if len(ev.UID) > 255 {
		return fail("events.import.error.uid_long", nil)
	}
	if ev.Summary == "" {
		return fail("events.import.error.no_summary", nil)
	}
	var err error
	if ev.Start, ev.End, ev.AllDay, err = span(c); err != nil {
		return fail("events.import.error.date", err)
	}
	if !ev.End.After(ev.Start) {
		return fail("events.import.error.end_before_start", nil)
	}
	if g := c.Props.Get(goical.PropGeo); g != nil {
		lat, lon, ok := strings.Cut(g.Value, ";")
		la, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
		lo, err2 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
		if ok && err1 == nil && err2 == nil && la >= -90 && la <= 90 && lo >= -180 && lo <= 180 {
			ev.Lat, ev.Lon = &la, &lo
		}
	}
	if rr := c.Props.Values(goical.PropRecurrenceRule); len(rr) > 0 {
		if len(rr) > 1 || c.Props.Get(goical.PropRecurrenceDates) != nil {
			return fail("events.import.error.rrule", errors.New("several RRULE or RDATE"))
		}
		rule, err := recur.Parse(rr[0].Value, paris)
		if err != nil {
			return fail("events.import.error.rrule", err)
		}
		if wd, ok := rule.MonthlyWeekday(); ok && wd != ev.Start.In(paris).Weekday() {
			return fail("events.import.error.rrule", errors.New("monthly weekday differs from DTSTART"))
		}
		if rule.Freq == recur.Monthly {
			rule.Weekdays = nil
		}
		if _, truncated := rule.Expand(ev.Start, paris); truncated {
			return fail("events.import.error.too_many_occurrences", nil)
		}
		ev.Rule = &rule
		for _, p := range c.Props.Values(goical.PropExceptionDates) {
			for _, v := range strings.Split(p.Value, ",") {
				one := p
				one.Value = v
				t, err := one.DateTime(paris)
				if err != nil {
					return fail("events.import.error.date", err)
				}
				ev.Cancels = append(ev.Cancels, t.UTC())
			}
		}
	}
	return ev, nil
}

func text(c *goical.Component, name string) string {
	p := c.Props.Get(name)
	if p == nil {
		return ""
	}
	s, err := p.Text()
	if err != nil {
		return p.Value
	}
	return s
}

// dateTime reads a DATE or DATE-TIME property; floating times are Paris time.
func dateTime(c *goical.Component, name string) (time.Time, bool, error) {
	p := c.Props.Get(name)
	if p == nil {
		return time.Time{}, false, fmt.Errorf("no %s", name)
	}
	allDay := p.ValueType() == goical.ValueDate || len(p.Value) == len("20060102")
	t, err := p.DateTime(paris)
	if err != nil {
		return time.Time{}, false, err
	}
	if allDay {
		// A date is a whole day in Paris.
		y, m, d := t.Date()
		t = time.Date(y, m, d, 0, 0, 0, 0, paris)
	}
	return t.UTC(), allDay, nil
}

// span reads DTSTART and DTEND (or DURATION); an event without an end lasts
// one day when dated, nothing otherwise (RFC 5545 §3.6.1) — then one hour
// here, so that it shows.
func span(c *goical.Component) (start, end time.Time, allDay bool, err error) {
	start, allDay, err = dateTime(c, goical.PropDateTimeStart)
	if err != nil {
		return
	}
	switch {
	case c.Props.Get(goical.PropDateTimeEnd) != nil:
		end, _, err = dateTime(c, goical.PropDateTimeEnd)
	case c.Props.Get(goical.PropDuration) != nil:
		var d time.Duration
		d, err = c.Props.Get(goical.PropDuration).Duration()
		end = start.Add(d)
	case allDay:
		end = start.In(paris).AddDate(0, 0, 1).UTC()
	default:
		end = start.Add(time.Hour)
	}
	return
}
