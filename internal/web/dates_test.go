package web

import (
	"testing"
	"time"

	"github.com/parvis/parvis/internal/dates"
)

// Pages write the first of a month as French does ("1er"), with the hour
// in the French way, on the Paris wall clock.
func TestFormatDate(t *testing.T) {
	at := time.Date(2026, 12, 1, 8, 30, 0, 0, time.UTC) // 9 h 30 in Paris
	for _, c := range []struct {
		lang     string
		withTime bool
		want     string
	}{
		{"fr", false, "mardi 1er décembre 2026"},
		{"fr", true, "mardi 1er décembre 2026 à 9 h 30"},
		{"en", true, "Tuesday 1 December 2026, 09:30"},
	} {
		if got := formatDate(c.lang, at, c.withTime); got != c.want {
			t.Errorf("formatDate(%s, %t) = %q, want %q", c.lang, c.withTime, got, c.want)
		}
	}
	if got := monthLabel("fr", time.Date(2026, 3, 1, 0, 0, 0, 0, dates.Paris)); got != "mars 2026" {
		t.Errorf("monthLabel = %q", got)
	}
}
