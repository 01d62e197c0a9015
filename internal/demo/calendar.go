package demo

import (
	"strings"
	"time"

	"github.com/parvis/parvis/internal/dates"
)

// calendar dates the demo's texts around the day the demo runs, so that a
// newcomer reads works "du lundi 30 novembre au vendredi 18 décembre"
// published last week, not dates of a spring long gone.
type calendar struct {
	worksFrom, worksTo, paving       time.Time // rue des Tanneurs, announced 6 days ago
	musicFrom, musicTo, musicOpenDay time.Time // registrations at the music school, next month
	marketFrom                       time.Time // the market moves, announced 3 days ago
	cleanup                          time.Time // a Saturday morning in about two weeks
	bulkyFrom                        time.Time // the new bulky-waste calendar starts next month
	budgetDebate                     time.Time // the council debated the budget two weeks ago
	poolFrom, poolTo                 time.Time // the pool was closed a month ago
	budgetYear                       int       // the participatory budget being prepared
}

func newCalendar(now time.Time) calendar {
	var c calendar
	c.worksFrom = nextWeekday(now, time.Monday, -6+1)
	c.worksTo = c.worksFrom.AddDate(0, 0, 18) // Friday of the third week
	c.paving = c.worksTo.AddDate(0, 0, -3)
	p := now.In(dates.Paris)
	nextMonth := time.Date(p.Year(), p.Month()+1, 1, 9, 0, 0, 0, dates.Paris)
	c.musicFrom, c.musicTo = nextMonth, nextMonth.AddDate(0, 1, -1)
	c.musicOpenDay = nextWeekday(nextMonth, time.Saturday, 0)
	c.marketFrom = nextWeekday(now, time.Saturday, -3+1)
	c.cleanup = nextWeekday(now, time.Saturday, 10)
	c.bulkyFrom = nextMonth
	c.budgetDebate = nextWeekday(now, time.Tuesday, -16)
	c.poolFrom = nextWeekday(now, time.Monday, -36)
	c.poolTo = c.poolFrom.AddDate(0, 0, 4)
	c.budgetYear = p.Year()
	if p.Month() >= time.September {
		c.budgetYear++
	}
	return c
}

// long is "samedi 12 avril"; short is "12 avril".
func long(t time.Time) string { return dates.DayFR(t) }

func short(t time.Time) string {
	_, d, _ := strings.Cut(dates.DayFR(t), " ")
	return d
}

// fromMonth is "à partir de janvier" or "à partir d'avril".
func fromMonth(t time.Time) string {
	m := dates.MonthFR(t)
	if strings.ContainsRune("aeiouéè", []rune(m)[0]) {
		return "À partir d'" + m
	}
	return "À partir de " + m
}
