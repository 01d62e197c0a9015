// Package ical writes RFC 5545 calendars (the agenda feeds, the .ics of one
// event, the attachment of a registration e-mail) and reads the calendars
// staff import. Writing is done here, by hand, because the output must be
// exactly what calendar clients expect (CRLF, lines folded at 75 octets
// without cutting a UTF-8 character, VTIMEZONE for recurring events);
// reading uses github.com/emersion/go-ical.
package ical

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// TZID is the only time zone Parvis writes: local times of recurring events
// carry it so that clients keep 9:00 at 9:00 across daylight-saving changes.
const TZID = "Europe/Paris"

// vtimezone describes Europe/Paris since 1996 (EU rules): enough for every
// date Parvis writes.
const vtimezone = "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n" +
	"BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n" +
	"BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n" +
	"END:VTIMEZONE\r\n"

// Calendar is what a feed or a file holds.
type Calendar struct {
	ProdID string // "-//Parvis//Agenda//FR"
	Name   string // X-WR-CALNAME: the name clients show for a subscription
	URL    string
	Method string // "PUBLISH" for attachments; "" for feeds
	Events []Event
}

// Event is one VEVENT, or a series with its exceptions.
type Event struct {
	UID         string
	Stamp       time.Time // DTSTAMP: last change
	Start, End  time.Time // UTC instants; for AllDay the Paris dates count
	AllDay      bool
	Summary     string
	Description string
	Location    string
	Lat, Lon    *float64
	URL         string
	Cancelled   bool     // STATUS:CANCELLED
	Categories  []string // topic names
	Organizer   string   // CN only (no address is published)
	// RRule is an RRULE value ("FREQ=WEEKLY;BYDAY=SA"); "" for a single event.
	RRule string
	// ExDates are the original starts of cancelled occurrences.
	ExDates []time.Time
	// Moved occurrences, written as VEVENTs with RECURRENCE-ID.
	Overrides []Override
	Sequence  int
}

// Override is one occurrence of a series at another time.
type Override struct {
	OriginalStart time.Time
	Start, End    time.Time
}

// Write renders c as an iCalendar stream.
func Write(c Calendar) []byte {
	var b bytes.Buffer
	w := &writer{b: &b}
	w.line("BEGIN:VCALENDAR")
	w.line("VERSION:2.0")
	w.prop("PRODID", c.ProdID)
	w.line("CALSCALE:GREGORIAN")
	if c.Method != "" {
		w.line("METHOD:" + c.Method)
	}
	if c.Name != "" {
		w.prop("X-WR-CALNAME", escape(c.Name))
		w.line("X-WR-TIMEZONE:" + TZID)
		w.line("REFRESH-INTERVAL;VALUE=DURATION:PT6H")
		w.line("X-PUBLISHED-TTL:PT6H")
	}
	if c.URL != "" {
		w.prop("URL", c.URL)
	}
	// The time zone definition comes once, before the events that use it.
	b.WriteString(vtimezone)
	for _, e := range c.Events {
		w.event(e, nil)
		for _, o := range e.Overrides {
			o := o
			w.event(e, &o)
		}
	}
	w.line("END:VCALENDAR")
	return b.Bytes()
}

type writer struct{ b *bytes.Buffer }

func (w *writer) event(e Event, o *Override) {
	w.line("BEGIN:VEVENT")
	w.prop("UID", escape(e.UID))
	w.line("DTSTAMP:" + utc(e.Stamp))
	start, end := e.Start, e.End
	if o != nil {
		start, end = o.Start, o.End
		w.line("RECURRENCE-ID" + w.timeValue(o.OriginalStart, e.AllDay, true))
	}
	// A series is written in Paris local time (with TZID) so that its
	// occurrences keep their wall clock; a single event in UTC.
	local := e.RRule != "" || o != nil
	w.line("DTSTART" + w.timeValue(start, e.AllDay, local))
	w.line("DTEND" + w.timeValue(end, e.AllDay, local))
	if e.RRule != "" && o == nil {
		w.line("RRULE:" + e.RRule)
		for _, x := range e.ExDates {
			w.line("EXDATE" + w.timeValue(x, e.AllDay, true))
		}
	}
	w.prop("SUMMARY", escape(e.Summary))
	if e.Description != "" {
		w.prop("DESCRIPTION", escape(e.Description))
	}
	if e.Location != "" {
		w.prop("LOCATION", escape(e.Location))
	}
	if e.Lat != nil && e.Lon != nil {
		w.line("GEO:" + strconv.FormatFloat(*e.Lat, 'f', 6, 64) + ";" + strconv.FormatFloat(*e.Lon, 'f', 6, 64))
	}
	if e.URL != "" {
		w.prop("URL", e.URL)
	}
	if len(e.Categories) > 0 {
		var cs []string
		for _, c := range e.Categories {
			cs = append(cs, escape(c))
		}
		w.prop("CATEGORIES", strings.Join(cs, ","))
	}
	if e.Organizer != "" {
		// RFC 5545 wants a cal-address; none is published (privacy), so the
		// organiser is named with a neutral placeholder address.
		w.prop("ORGANIZER;CN="+paramValue(e.Organizer), "mailto:noreply@invalid")
	}
	if e.Cancelled {
		w.line("STATUS:CANCELLED")
	} else {
		w.line("STATUS:CONFIRMED")
	}
	if e.Sequence > 0 {
		w.line("SEQUENCE:" + strconv.Itoa(e.Sequence))
	}
	w.line("END:VEVENT")
}

var paris = mustParis()

func mustParis() *time.Location {
	loc, err := time.LoadLocation(TZID)
	if err != nil {
		panic(err) // time/tzdata is embedded by main
	}
	return loc
}

// timeValue writes ";VALUE=DATE:20260314", ";TZID=Europe/Paris:20260314T090000"
// or ":20260314T080000Z".
func (w *writer) timeValue(t time.Time, allDay, local bool) string {
	switch {
	case allDay:
		return ";VALUE=DATE:" + t.In(paris).Format("20060102")
	case local:
		return ";TZID=" + TZID + ":" + t.In(paris).Format("20060102T150405")
	}
	return ":" + utc(t)
}

func utc(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

func (w *writer) prop(name, value string) { w.line(name + ":" + value) }

// line writes one content line folded at 75 octets (RFC 5545 §3.1): a
// continuation starts with a space, and no UTF-8 sequence is cut.
func (w *writer) line(s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.b.WriteString(s[:cut])
		w.b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	w.b.WriteString(s)
	w.b.WriteString("\r\n")
}

// escape writes a TEXT value (§3.3.11).
func escape(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`, "\r", `\n`)
	return r.Replace(stripControls(s))
}

// paramValue quotes a parameter value; quotes inside are not allowed.
func paramValue(s string) string {
	s = strings.ReplaceAll(stripControls(s), `"`, "'")
	return `"` + s + `"`
}

func stripControls(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// ContentType is the media type of what Write returns.
const ContentType = "text/calendar; charset=utf-8"

// Sprintf-free helper kept for callers building UIDs.
func UID(id, host string) string { return fmt.Sprintf("%s@%s", id, host) }
