package officehours

import (
	"errors"
	"testing"
	"time"
)

var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return l
}()

// bellerive: lundi–vendredi 9 h–12 h, 14 h–17 h; samedi 9 h–12 h.
func bellerive() Schedule {
	var s Schedule
	for d := time.Monday; d <= time.Friday; d++ {
		s.Week[d] = []Span{{9 * 60, 12 * 60}, {14 * 60, 17 * 60}}
	}
	s.Week[time.Saturday] = []Span{{9 * 60, 12 * 60}}
	s.Holidays, s.Loc = true, paris
	return s
}

func at(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, paris) }

func TestEaster(t *testing.T) {
	for _, c := range []struct {
		year  int
		month time.Month
		day   int
	}{{2000, 4, 23}, {2024, 3, 31}, {2025, 4, 20}, {2026, 4, 5}, {2027, 3, 28}, {2038, 4, 25}, {1818, 3, 22}, {1943, 4, 25}, {2285, 3, 22}} {
		if m, d := Easter(c.year); m != c.month || d != c.day {
			t.Errorf("Easter %d = %s %d, want %s %d", c.year, m, d, c.month, c.day)
		}
	}
}

func TestFrenchHolidays2026(t *testing.T) {
	want := map[string]string{"Lundi de Pâques": "2026-04-06", "Ascension": "2026-05-14", "Lundi de Pentecôte": "2026-05-25",
		"Jour de l'an": "2026-01-01", "Fête nationale": "2026-07-14", "Noël": "2026-12-25", "Armistice 1918": "2026-11-11"}
	hs := FrenchHolidays(2026)
	if len(hs) != 11 {
		t.Fatalf("%d holidays, want 11", len(hs))
	}
	for _, h := range hs {
		if w, ok := want[h.Name]; ok && h.Date.Format("2006-01-02") != w {
			t.Errorf("%s = %s, want %s", h.Name, h.Date.Format("2006-01-02"), w)
		}
	}
	if _, ok := FrenchHoliday(2026, time.May, 8); !ok {
		t.Error("8 mai is not a holiday")
	}
	if _, ok := FrenchHoliday(2026, time.May, 9); ok {
		t.Error("9 mai is a holiday")
	}
}

func TestOpenBetween(t *testing.T) {
	s := bellerive()
	s.Closures = []Closure{{From: at(2026, 8, 10, 0, 0), To: at(2026, 8, 14, 0, 0), Label: "Fermeture estivale"}}
	for _, c := range []struct {
		name string
		a, b time.Time
		want time.Duration
	}{
		{"saturday night to monday morning", at(2026, 3, 14, 22, 0), at(2026, 3, 16, 10, 30), 90 * time.Minute},
		{"inside one span", at(2026, 3, 16, 9, 15), at(2026, 3, 16, 9, 45), 30 * time.Minute},
		{"over lunch", at(2026, 3, 16, 11, 0), at(2026, 3, 16, 15, 0), 2 * time.Hour},
		{"whole week", at(2026, 3, 16, 0, 0), at(2026, 3, 23, 0, 0), 33 * time.Hour},
		{"holiday friday (1er mai) and saturday", at(2026, 4, 30, 16, 0), at(2026, 5, 4, 10, 0), 5 * time.Hour},
		{"closure and a saturday holiday (15 août)", at(2026, 8, 7, 16, 0), at(2026, 8, 17, 9, 30), 270 * time.Minute},
		{"lundi de Pâques", at(2026, 4, 6, 8, 0), at(2026, 4, 6, 18, 0), 0},
		{"reversed", at(2026, 3, 16, 10, 0), at(2026, 3, 16, 9, 0), 0},
	} {
		if got := s.OpenBetween(c.a, c.b); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestOpenBetweenAcrossDST(t *testing.T) {
	var s Schedule
	s.Week[time.Sunday] = []Span{{0, 24 * 60}}
	s.Week[time.Saturday] = []Span{{22 * 60, 24 * 60}}
	s.Loc = paris
	// 29 March 2026: clocks go forward, the Sunday has 23 hours.
	if got := s.OpenBetween(at(2026, 3, 29, 0, 0), at(2026, 3, 30, 0, 0)); got != 23*time.Hour {
		t.Errorf("spring Sunday: %s, want 23h", got)
	}
	// 25 October 2026: clocks go back, the Sunday has 25 hours.
	if got := s.OpenBetween(at(2026, 10, 24, 23, 0), at(2026, 10, 26, 0, 0)); got != 26*time.Hour {
		t.Errorf("autumn Saturday 23:00 to Monday: %s, want 26h", got)
	}
	// 9:00-17:00 on the spring Sunday is still 8 hours.
	var day Schedule
	day.Week[time.Sunday] = []Span{{9 * 60, 17 * 60}}
	day.Loc = paris
	if got := day.OpenBetween(at(2026, 3, 28, 12, 0), at(2026, 3, 30, 12, 0)); got != 8*time.Hour {
		t.Errorf("office day on the DST Sunday: %s, want 8h", got)
	}
}

func TestNextOpeningAndAddOpen(t *testing.T) {
	s := bellerive()
	for _, c := range []struct{ from, want time.Time }{
		{at(2026, 3, 14, 22, 0), at(2026, 3, 16, 9, 0)},
		{at(2026, 3, 14, 10, 0), at(2026, 3, 14, 10, 0)},
		{at(2026, 3, 13, 12, 30), at(2026, 3, 13, 14, 0)},
		{at(2026, 4, 4, 12, 0), at(2026, 4, 7, 9, 0)}, // Saturday noon before lundi de Pâques
	} {
		got, ok := s.NextOpening(c.from)
		if !ok || !got.Equal(c.want) {
			t.Errorf("next opening after %s = %s, want %s", c.from, got, c.want)
		}
	}
	got, ok := s.AddOpen(at(2026, 3, 14, 22, 0), 16*time.Hour)
	if want := at(2026, 3, 18, 15, 0); !ok || !got.Equal(want) {
		t.Errorf("16 open hours after Saturday night = %s, want %s", got, want)
	}
	if _, ok := (Schedule{Loc: paris}).NextOpening(at(2026, 3, 14, 22, 0)); ok {
		t.Error("an empty schedule opens")
	}
	if !s.IsOpen(at(2026, 3, 16, 9, 0)) || s.IsOpen(at(2026, 3, 16, 12, 0)) || s.IsOpen(at(2026, 3, 15, 10, 0)) {
		t.Error("IsOpen is wrong at span edges or on Sunday")
	}
}

func TestValidateAndParse(t *testing.T) {
	spans, err := ParseSpans("9:00-12:00, 14h-17h30")
	if err != nil || len(spans) != 2 || spans[1] != (Span{14 * 60, 17*60 + 30}) {
		t.Fatalf("parse: %v %v", spans, err)
	}
	if FormatSpans(spans) != "9 h – 12 h, 14 h – 17 h 30" || EditSpans(spans) != "9:00-12:00, 14:00-17:30" {
		t.Errorf("format: %q / %q", FormatSpans(spans), EditSpans(spans))
	}
	for _, bad := range []string{"9-", "9:00", "25:00-26:00", "9:5-10:00", "abc-def"} {
		if _, err := ParseSpans(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	var s Schedule
	s.Week[time.Monday] = []Span{{14 * 60, 17 * 60}, {9 * 60, 15 * 60}}
	if err := s.Validate(); !errors.Is(err, ErrOverlap) {
		t.Errorf("overlap: %v", err)
	}
	s.Week[time.Monday] = []Span{{17 * 60, 9 * 60}}
	var se *SpanError
	if err := s.Validate(); !errors.Is(err, ErrEndBeforeStart) || !errors.As(err, &se) || se.Day != time.Monday {
		t.Errorf("end before start: %v", err)
	}
	s.Week[time.Monday] = []Span{{14 * 60, 17 * 60}, {9 * 60, 12 * 60}}
	if err := s.Validate(); err != nil || s.Week[time.Monday][0].Start != 9*60 {
		t.Errorf("valid schedule refused or not sorted: %v %v", err, s.Week[time.Monday])
	}
}
