package ical

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/parvis/parvis/internal/recur"
)

func at(y int, m time.Month, d, h, mi int) time.Time {
	return time.Date(y, m, d, h, mi, 0, 0, paris).UTC()
}

func sampleCalendar() (Calendar, recur.Rule) {
	rule := recur.Rule{Freq: recur.Weekly, Weekdays: []time.Weekday{time.Saturday}, Count: 30}
	lat, lon := 47.3941, 0.6848
	long := strings.Repeat("Marché de producteurs, fromages, légumes ; pains « bio » — ", 6) + "\nDeuxième ligne\\fin"
	return Calendar{ProdID: "-//Parvis//Agenda//FR", Name: "Agenda de Bellerive, été", URL: "https://parvis.example/bellerive/agenda",
		Events: []Event{
			{UID: "market@parvis.example", Stamp: at(2026, 3, 1, 10, 0), Start: at(2026, 3, 14, 9, 0), End: at(2026, 3, 14, 12, 30),
				Summary: "Marché du samedi", Description: long, Location: "Place de la Mairie, 1 rue du Port", Lat: &lat, Lon: &lon,
				URL: "https://parvis.example/bellerive/p/marche", RRule: rule.String(time.Saturday),
				ExDates:    []time.Time{at(2026, 4, 4, 9, 0)},
				Overrides:  []Override{{OriginalStart: at(2026, 4, 11, 9, 0), Start: at(2026, 4, 12, 10, 0), End: at(2026, 4, 12, 13, 0)}},
				Categories: []string{"Commerce, marchés", "Vie locale"}, Organizer: "Ville de Bellerive-sur-Loire"},
			{UID: "fete@parvis.example", Stamp: at(2026, 3, 1, 10, 0), Start: at(2026, 6, 20, 0, 0), End: at(2026, 6, 22, 0, 0), AllDay: true,
				Summary: "Fête de la Loire"},
			{UID: "conseil@parvis.example", Stamp: at(2026, 3, 1, 10, 0), Start: at(2026, 3, 30, 19, 0), End: at(2026, 3, 30, 21, 0),
				Summary: "Conseil municipal", Cancelled: true},
		}}, rule
}

// What we write is valid for a real parser, folded and terminated as RFC
// 5545 says, and a client computing the recurrence finds the same dates as
// Parvis, at 9:00 Paris before and after the change to summer time.
func TestWriteIsReadByARealParser(t *testing.T) {
	c, rule := sampleCalendar()
	out := Write(c)
	for i, l := range bytes.Split(bytes.TrimSuffix(out, []byte("\r\n")), []byte("\r\n")) {
		if len(l) > 75 {
			t.Errorf("line %d has %d octets: %q", i, len(l), l)
		}
		if bytes.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF", i)
		}
	}
	if !bytes.HasSuffix(out, []byte("END:VCALENDAR\r\n")) {
		t.Error("not CRLF-terminated")
	}
	cal, err := goical.NewDecoder(bytes.NewReader(out)).Decode()
	if err != nil {
		t.Fatalf("go-ical cannot read our output: %v\n%s", err, out)
	}
	evs := cal.Events()
	if len(evs) != 4 { // the series, its moved occurrence, the festival, the council
		t.Fatalf("%d VEVENTs, want 4", len(evs))
	}
	market := evs[0]
	desc, _ := market.Props.Text(goical.PropDescription)
	if desc != c.Events[0].Description {
		t.Errorf("description did not survive folding and escaping:\n%q\n%q", desc, c.Events[0].Description)
	}
	if cats, _ := market.Props.Get(goical.PropCategories).TextList(); len(cats) != 2 || cats[0] != "Commerce, marchés" {
		t.Errorf("categories = %q", cats)
	}
	set, err := market.RecurrenceSet(paris)
	if err != nil || set == nil {
		t.Fatalf("recurrence set: %v", err)
	}
	theirs := set.All()
	ours, _ := rule.Expand(c.Events[0].Start, paris)
	// Ours minus the cancelled 4 April; the moved 11 April stays in the set
	// (RECURRENCE-ID overrides it).
	want := []time.Time{}
	for _, o := range ours {
		if !o.Equal(at(2026, 4, 4, 9, 0)) {
			want = append(want, o)
		}
	}
	if len(theirs) != len(want) {
		t.Fatalf("client finds %d occurrences, Parvis %d", len(theirs), len(want))
	}
	for i := range want {
		if !theirs[i].Equal(want[i]) {
			t.Errorf("occurrence %d: client %s, Parvis %s", i, theirs[i].In(paris), want[i].In(paris))
		}
		if h := theirs[i].In(paris).Hour(); h != 9 {
			t.Errorf("occurrence %d at %d h Paris", i, h)
		}
	}
	moved := evs[1]
	rid, err := moved.Props.DateTime(goical.PropRecurrenceID, paris)
	if err != nil || !rid.Equal(at(2026, 4, 11, 9, 0)) {
		t.Errorf("RECURRENCE-ID = %s, %v", rid, err)
	}
	fete := evs[2]
	if p := fete.Props.Get(goical.PropDateTimeStart); p.ValueType() != goical.ValueDate || p.Value != "20260620" {
		t.Errorf("all-day DTSTART = %+v", p)
	}
	if end := fete.Props.Get(goical.PropDateTimeEnd); end.Value != "20260622" {
		t.Errorf("all-day DTEND = %s, want the day after the last (exclusive)", end.Value)
	}
	if st, _ := evs[3].Status(); st != goical.EventCancelled {
		t.Errorf("status = %s", st)
	}
}

// What we write, we read back (imports of another Parvis's feed).
func TestRoundTrip(t *testing.T) {
	c, rule := sampleCalendar()
	got, err := Parse(bytes.NewReader(Write(c)))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d events", len(got))
	}
	m := got[0]
	if m.Rule == nil || m.Rule.String(time.Saturday) != rule.String(time.Saturday) {
		t.Errorf("rule = %+v", m.Rule)
	}
	if len(m.Cancels) != 1 || !m.Cancels[0].Equal(at(2026, 4, 4, 9, 0)) {
		t.Errorf("cancels = %v", m.Cancels)
	}
	if len(m.Moves) != 1 || !m.Moves[0].Start.Equal(at(2026, 4, 12, 10, 0)) {
		t.Errorf("moves = %+v", m.Moves)
	}
	if m.Lat == nil || *m.Lat != 47.3941 {
		t.Errorf("geo = %v", m.Lat)
	}
	if !got[1].AllDay || !got[1].Start.Equal(at(2026, 6, 20, 0, 0)) || !got[1].End.Equal(at(2026, 6, 22, 0, 0)) {
		t.Errorf("festival = %+v", got[1])
	}
	if !got[2].Cancelled {
		t.Errorf("council not cancelled")
	}
}

func TestHostileImports(t *testing.T) {
	ev := func(body string) string {
		return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\n" + body + "END:VEVENT\r\nEND:VCALENDAR\r\n"
	}
	cases := map[string]struct{ in, code string }{
		"missing UID":     {ev("SUMMARY:Atelier\r\nDTSTART:20260301T100000Z\r\n"), "events.import.error.no_uid"},
		"no summary":      {ev("UID:a\r\nDTSTART:20260301T100000Z\r\n"), "events.import.error.no_summary"},
		"bad date":        {ev("UID:a\r\nSUMMARY:x\r\nDTSTART:demain\r\n"), "events.import.error.date"},
		"end before":      {ev("UID:a\r\nSUMMARY:x\r\nDTSTART:20260301T100000Z\r\nDTEND:20260301T090000Z\r\n"), "events.import.error.end_before_start"},
		"10,000 times":    {ev("UID:a\r\nSUMMARY:x\r\nDTSTART:20260301T100000Z\r\nRRULE:FREQ=DAILY;COUNT=10000\r\n"), "events.import.error.too_many_occurrences"},
		"endless daily":   {ev("UID:a\r\nSUMMARY:x\r\nDTSTART:20260301T100000Z\r\nRRULE:FREQ=DAILY\r\n"), "events.import.error.too_many_occurrences"},
		"yearly":          {ev("UID:a\r\nSUMMARY:x\r\nDTSTART:20260301T100000Z\r\nRRULE:FREQ=YEARLY\r\n"), "events.import.error.rrule"},
		"malformed":       {"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nEND:VTODO\r\n", "events.import.error.malformed"},
		"not a calendar":  {"<html><body>Agenda</body></html>", "events.import.error.malformed"},
		"empty":           {"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "events.import.error.empty"},
		"duplicate UID":   {ev("UID:a\r\nSUMMARY:x\r\nDTSTART:20260301T100000Z\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:y\r\nDTSTART:20260302T100000Z\r\n"), "events.import.error.duplicate_uid"},
		"huge":            {ev("UID:a\r\nSUMMARY:" + strings.Repeat("x", MaxBytes) + "\r\n"), "events.import.error.too_large"},
		"unknown zone":    {ev("UID:a\r\nSUMMARY:x\r\nDTSTART;TZID=Mars/Olympus:20260301T100000\r\n"), "events.import.error.date"},
		"orphan override": {ev("UID:a\r\nSUMMARY:x\r\nRECURRENCE-ID:20260301T100000Z\r\nDTSTART:20260301T100000Z\r\n"), "events.import.error.orphan_override"},
		// Issue 15 (10): text PostgreSQL would refuse (500) never reaches it.
		"NUL byte":     {ev("UID:a\r\nSUMMARY:x\x00y\r\nDTSTART:20260301T100000Z\r\n"), "events.import.error.malformed"},
		"invalid UTF8": {ev("UID:a\r\nSUMMARY:f\xeate\r\nDTSTART:20260301T100000Z\r\n"), "events.import.error.malformed"},
	}
	for name, c := range cases {
		_, err := Parse(strings.NewReader(c.in))
		var ie *ImportError
		if !errors.As(err, &ie) || ie.Code != c.code {
			t.Errorf("%s: err = %v, want code %s", name, err, c.code)
		}
	}
}
