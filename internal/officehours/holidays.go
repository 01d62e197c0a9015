package officehours

import (
	"sort"
	"time"
)

// Easter returns Easter Sunday of a Gregorian year (the anonymous
// algorithm of Meeus, Jones and Butcher).
func Easter(year int) (time.Month, int) {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	n := h + l - 7*m + 114
	return time.Month(n / 31), n%31 + 1
}

// Holiday is a public holiday.
type Holiday struct {
	Date time.Time // midnight UTC of the day; only the date counts
	Name string
}

// FrenchHolidays lists the eleven public holidays of metropolitan France
// for a year (Code du travail L3133-1), in date order. Alsace-Moselle's two
// extra days (Vendredi saint, 26 décembre) are not included.
func FrenchHolidays(year int) []Holiday {
	em, ed := Easter(year)
	easter := time.Date(year, em, ed, 0, 0, 0, 0, time.UTC)
	fixed := func(m time.Month, d int, name string) Holiday {
		return Holiday{time.Date(year, m, d, 0, 0, 0, 0, time.UTC), name}
	}
	out := []Holiday{
		fixed(time.January, 1, "Jour de l'an"),
		{easter.AddDate(0, 0, 1), "Lundi de Pâques"},
		fixed(time.May, 1, "Fête du Travail"),
		fixed(time.May, 8, "Victoire 1945"),
		{easter.AddDate(0, 0, 39), "Ascension"},
		{easter.AddDate(0, 0, 50), "Lundi de Pentecôte"},
		fixed(time.July, 14, "Fête nationale"),
		fixed(time.August, 15, "Assomption"),
		fixed(time.November, 1, "Toussaint"),
		fixed(time.November, 11, "Armistice 1918"),
		fixed(time.December, 25, "Noël"),
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out
}

// FrenchHoliday names the public holiday on that date, if it is one.
func FrenchHoliday(year int, month time.Month, day int) (string, bool) {
	for _, h := range FrenchHolidays(year) {
		if h.Date.Month() == month && h.Date.Day() == day {
			return h.Name, true
		}
	}
	return "", false
}
