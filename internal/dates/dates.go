// Package dates writes dates and times as French (and English) readers
// expect them, in the collectivité's time zone.
package dates

import (
	"fmt"
	"strings"
	"time"
)

// Paris is where staff live: dates they type are Europe/Paris wall time.
var Paris = mustLoadParis()

func mustLoadParis() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err) // time/tzdata is embedded by main
	}
	return loc
}

var (
	frMonths = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	frDays   = []string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
)

// EventWhen writes an event's dates in words, as a French reader expects
// them: "samedi 14 mars, de 9 h à 12 h", "samedi 14 mars, toute la
// journée", "du samedi 20 juin au dimanche 21 juin", "du vendredi 3 juillet
// à 18 h au dimanche 5 juillet à 12 h". The year is written when it is not
// now's. end is exclusive for all-day events (the day after the last).
func EventWhen(lang string, start, end time.Time, allDay bool, now time.Time) string {
	s, e := start.In(Paris), end.In(Paris)
	if allDay {
		e = e.AddDate(0, 0, -1)
	}
	year := s.Year() != now.In(Paris).Year() || e.Year() != now.In(Paris).Year()
	sameDay := s.Year() == e.Year() && s.YearDay() == e.YearDay()
	day := func(t time.Time) string { return dayName(lang, t, year) }
	if lang == "en" {
		switch {
		case allDay && sameDay:
			return day(s) + ", all day"
		case allDay:
			return "from " + day(s) + " to " + day(e)
		case sameDay:
			return day(s) + ", " + s.Format("15:04") + "–" + e.Format("15:04")
		}
		return "from " + day(s) + ", " + s.Format("15:04") + " to " + day(e) + ", " + e.Format("15:04")
	}
	switch {
	case allDay && sameDay:
		return day(s) + ", toute la journée"
	case allDay:
		return "du " + day(s) + " au " + day(e)
	case sameDay:
		return day(s) + ", de " + Hour(s) + " à " + Hour(e)
	}
	return "du " + day(s) + " à " + Hour(s) + " au " + day(e) + " à " + Hour(e)
}

// DayFR writes a day as French text does, in Paris time: "samedi 12
// avril", "lundi 1er décembre".
func DayFR(t time.Time) string {
	t = t.In(Paris)
	return fmt.Sprintf("%s %s %s", frDays[t.Weekday()], DayNumber(t.Day()), frMonths[t.Month()-1])
}

// WeekdayFR names a day of the week in French: "samedi".
func WeekdayFR(d time.Weekday) string { return frDays[d] }

// MonthFR names t's month in French, in Paris time: "avril".
func MonthFR(t time.Time) string { return frMonths[t.In(Paris).Month()-1] }

// dayName writes a day in Paris ("samedi 14 mars", "Saturday 14 March"),
// with its year when asked.
func dayName(lang string, t time.Time, year bool) string {
	t = t.In(Paris)
	if lang == "en" {
		if year {
			return t.Format("Monday 2 January 2006")
		}
		return t.Format("Monday 2 January")
	}
	d := DayFR(t)
	if year {
		d += fmt.Sprintf(" %d", t.Year())
	}
	return d
}

// DayAt writes when a date starts, without its end: "samedi 14 mars à
// 9 h" ("Saturday 14 March at 09:00"), the day alone for an all-day date.
// The year is written when it is not now's.
func DayAt(lang string, start time.Time, allDay bool, now time.Time) string {
	d := dayName(lang, start, start.In(Paris).Year() != now.In(Paris).Year())
	switch {
	case allDay:
		return d
	case lang == "en":
		return d + " at " + start.In(Paris).Format("15:04")
	}
	return d + " à " + Hour(start)
}

// dayNumber writes "1er" for the first of the month, as French does.
func DayNumber(d int) string {
	if d == 1 {
		return "1er"
	}
	return fmt.Sprint(d)
}

// Hour writes "9 h", "9 h 30", "midi" stays "12 h" (administrative style).
func Hour(t time.Time) string {
	t = t.In(Paris)
	if t.Minute() == 0 {
		return fmt.Sprintf("%d h", t.Hour())
	}
	return fmt.Sprintf("%d h %02d", t.Hour(), t.Minute())
}

// Midnight returns the Paris midnight that starts t's day.
func Midnight(t time.Time) time.Time {
	t = t.In(Paris)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Paris)
}

// Date and time formats of the editors' inputs (datetime-local, date).
const (
	LocalDateTime = "2006-01-02T15:04"
	LocalDate     = "2006-01-02"
)

// ParseLocal reads a date-time typed in Europe/Paris (datetime-local input).
func ParseLocal(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(LocalDateTime, strings.TrimSpace(s), Paris)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}
