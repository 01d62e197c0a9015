package dates

import (
	"testing"
	"time"
)

func TestEventWhen(t *testing.T) {
	p := func(y int, m time.Month, d, h, mi int) time.Time { return time.Date(y, m, d, h, mi, 0, 0, Paris) }
	now := p(2026, 2, 1, 12, 0)
	cases := []struct {
		start, end time.Time
		allDay     bool
		fr, en     string
	}{
		{p(2026, 3, 14, 9, 0), p(2026, 3, 14, 12, 0), false, "samedi 14 mars, de 9 h à 12 h", "Saturday 14 March, 09:00–12:00"},
		{p(2026, 3, 14, 0, 0), p(2026, 3, 15, 0, 0), true, "samedi 14 mars, toute la journée", "Saturday 14 March, all day"},
		{p(2026, 6, 20, 0, 0), p(2026, 6, 22, 0, 0), true, "du samedi 20 juin au dimanche 21 juin", "from Saturday 20 June to Sunday 21 June"},
		{p(2026, 7, 3, 18, 0), p(2026, 7, 5, 12, 30), false, "du vendredi 3 juillet à 18 h au dimanche 5 juillet à 12 h 30", "from Friday 3 July, 18:00 to Sunday 5 July, 12:30"},
		{p(2027, 1, 1, 10, 15), p(2027, 1, 1, 11, 0), false, "vendredi 1er janvier 2027, de 10 h 15 à 11 h", "Friday 1 January 2027, 10:15–11:00"},
	}
	for _, c := range cases {
		if got := EventWhen("fr", c.start.UTC(), c.end.UTC(), c.allDay, now); got != c.fr {
			t.Errorf("fr: %q, want %q", got, c.fr)
		}
		if got := EventWhen("en", c.start.UTC(), c.end.UTC(), c.allDay, now); got != c.en {
			t.Errorf("en: %q, want %q", got, c.en)
		}
	}
}
