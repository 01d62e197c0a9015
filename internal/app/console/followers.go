package console

import (
	"context"
	"errors"
	"math"
	"time"

	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// FollowerCount is how many distinct people follow an organisation, by
// channel.
type FollowerCount struct {
	Email     int // confirmed e-mail subscribers (account-holders included)
	Fediverse int // distinct Fediverse accounts following its actors
}

// Total is the number of followers.
func (f FollowerCount) Total() int { return f.Email + f.Fediverse }

// Followers counts the people following the organisation: confirmed
// e-mail subscribers plus distinct Fediverse followers of the organisation
// and topic actors. The two cannot be matched to each other (a Fediverse
// account has no e-mail address), so someone following both ways counts
// twice; that is the reach the console serves.
func (s *Desk) Followers(ctx context.Context, orgID string) (FollowerCount, error) {
	email, fedi, err := s.Store.OrgFollowers(ctx, orgID)
	return FollowerCount{Email: email, Fediverse: fedi}, err
}

// PerThousand is the workload per 1,000 people following the organisation,
// or per 1,000 residents when nobody follows it.
type PerThousand struct {
	Per1000     float64
	Denominator int
	// DenominatorSource is "followers" (e-mail subscribers and Fediverse
	// followers, averaged over the period's days), "population" when their
	// average is zero, or "none" when no count exists for the period (a
	// past period before the daily counts began): no figure then.
	DenominatorSource string
	Followers         FollowerCount // the period's average, by channel
	// CountedDays is how many of the PeriodDays (up to today) have a count;
	// TodayOnly is true when the only one is today's live count.
	CountedDays, PeriodDays int
	TodayOnly               bool
	// Since is the day of the organisation's oldest daily count.
	Since time.Time
}

// Follower history: the follower_snapshot job records, once a day, how
// many people follow each organisation (follower_counts). A period's
// "minutes per day per 1,000 followers" divides by the average of the
// counts of its days, today's live count standing for today; a past period
// without any count says so instead of borrowing today's (docs/CONSOLE.md).

const dayLayout = "2006-01-02"

// SnapshotFollowers records today's (Europe/Paris) follower count of every
// organisation that has none yet, and returns how many it recorded. The
// periodic job calls it every hour and at start-up; only the first count of
// a day is kept, so a restart, a second run or another process adds nothing.
func (s *Desk) SnapshotFollowers(ctx context.Context) (int, error) {
	now := s.Now()
	today := now.In(dates.Paris).Format(dayLayout)
	orgs, err := s.Store.OrgsWithoutFollowerCount(ctx, today)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, id := range orgs {
		c, err := s.Followers(ctx, id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fresh, err := s.Store.RecordFollowerCount(ctx, id, store.FollowerSnapshot{Day: today, Email: c.Email,
			Fediverse: c.Fediverse, TakenAt: now})
		if err != nil {
			errs = append(errs, err)
		}
		if fresh {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// FollowerHistory is what is known of an organisation's followers, day by
// day, from some day to today.
type FollowerHistory struct {
	today string
	live  FollowerCount
	days  map[string]FollowerCount
	first time.Time // the oldest snapshot's day (zero: none up to today)
}

// FollowerHistory loads the snapshots from from's day to today and counts
// today's followers.
func (s *Desk) FollowerHistory(ctx context.Context, orgID string, from, now time.Time) (FollowerHistory, error) {
	h := FollowerHistory{today: dates.Midnight(now).Format(dayLayout), days: map[string]FollowerCount{}}
	var err error
	if h.live, err = s.Followers(ctx, orgID); err != nil {
		return h, err
	}
	snaps, err := s.Store.FollowerSnapshots(ctx, orgID, dates.Midnight(from).Format(dayLayout), h.today)
	if err != nil {
		return h, err
	}
	for _, snap := range snaps {
		h.days[snap.Day] = FollowerCount{Email: snap.Email, Fediverse: snap.Fediverse}
	}
	first, err := s.Store.FirstFollowerCountDay(ctx, orgID)
	if err != nil {
		return h, err
	}
	// A snapshot dated after today (a clock set back) tells nothing of
	// the past; today's live count makes today the first day then.
	if first == "" || first > h.today {
		first = h.today
	}
	h.first, _ = time.ParseInLocation(dayLayout, first, dates.Paris)
	return h, nil
}

// Base averages the counts known for the days of [from, to) up to today
// (local midnights) and divides minutesPerDay by them in thousands, falling
// back to the population when the average is zero. Without any count in
// the period its source is "none".
func (h FollowerHistory) Base(org model.Organisation, from, to time.Time, minutesPerDay float64) PerThousand {
	p := PerThousand{DenominatorSource: "none", Since: h.first}
	var email, fedi int
	withToday := false
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		key := d.Format(dayLayout)
		if key > h.today {
			break
		}
		p.PeriodDays++
		c, ok := h.days[key]
		if key == h.today {
			c, ok, withToday = h.live, true, true
		}
		if ok {
			p.CountedDays++
			email += c.Email
			fedi += c.Fediverse
		}
	}
	if p.CountedDays == 0 {
		return p
	}
	p.TodayOnly = withToday && p.CountedDays == 1
	p.Followers = FollowerCount{Email: roundDiv(email, p.CountedDays), Fediverse: roundDiv(fedi, p.CountedDays)}
	p.Denominator, p.DenominatorSource = p.Followers.Total(), "followers"
	if p.Denominator == 0 {
		p.Denominator, p.DenominatorSource = org.Population, "population"
	}
	if p.Denominator > 0 {
		p.Per1000 = minutesPerDay * 1000 / float64(p.Denominator)
	}
	return p
}

func roundDiv(sum, n int) int { return int(math.Round(float64(sum) / float64(n))) }

// MonthFigures is one month of the follower history on the figures page.
type MonthFigures struct {
	Month         time.Time // local midnight of the 1st
	Minutes       int
	MinutesPerDay float64 // over the month's days up to today
	PerThousand
}

// HistoryMonths is how many months the figures page goes back at most.
const HistoryMonths = 12

// MonthHistory gives, newest first, the months from the oldest snapshot's
// (at most HistoryMonths back) to the current one: their average
// followers, active minutes per day and minutes per 1,000 followers.
func (s *Desk) MonthHistory(ctx context.Context, org model.Organisation, h FollowerHistory, now time.Time) ([]MonthFigures, error) {
	today := dates.Midnight(now)
	this := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, dates.Paris)
	oldest := this.AddDate(0, -(HistoryMonths - 1), 0)
	if first := time.Date(h.first.Year(), h.first.Month(), 1, 0, 0, 0, 0, dates.Paris); first.After(oldest) {
		oldest = first
	}
	var out []MonthFigures
	for m := this; !m.Before(oldest); m = m.AddDate(0, -1, 0) {
		to := m.AddDate(0, 1, 0)
		minutes, err := s.Store.CountActivityMinutes(ctx, org.ID, m, to)
		if err != nil {
			return nil, err
		}
		mf := MonthFigures{Month: m, Minutes: minutes}
		if days := ElapsedDays(m, to, now); days > 0 {
			mf.MinutesPerDay = float64(minutes) / float64(days)
		}
		mf.PerThousand = h.Base(org, m, to, mf.MinutesPerDay)
		out = append(out, mf)
	}
	return out, nil
}

// ElapsedDays counts the days of [from, to) up to today (all of them for
// a past period).
func ElapsedDays(from, to, now time.Time) int {
	end := to
	if now.Before(end) {
		end = dates.Midnight(now).AddDate(0, 0, 1)
	}
	return int(end.Sub(from).Round(24*time.Hour) / (24 * time.Hour))
}
