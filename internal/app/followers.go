package app

import (
	"context"
	"errors"
	"math"
	"time"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

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
func (a *App) SnapshotFollowers(ctx context.Context) (int, error) {
	now := a.Now()
	today := now.In(paris).Format(dayLayout)
	orgs, err := a.Store.OrgsWithoutFollowerCount(ctx, today)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, id := range orgs {
		c, err := a.Followers(ctx, id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fresh, err := a.Store.RecordFollowerCount(ctx, id, store.FollowerSnapshot{Day: today, Email: c.Email,
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

// followerHistory is what is known of an organisation's followers, day by
// day, from some day to today.
type followerHistory struct {
	today string
	live  FollowerCount
	days  map[string]FollowerCount
	first time.Time // the oldest snapshot's day (zero: none up to today)
}

// followerHistory loads the snapshots from from's day to today and counts
// today's followers.
func (a *App) followerHistory(ctx context.Context, orgID string, from, now time.Time) (followerHistory, error) {
	h := followerHistory{today: day(now).Format(dayLayout), days: map[string]FollowerCount{}}
	var err error
	if h.live, err = a.Followers(ctx, orgID); err != nil {
		return h, err
	}
	snaps, err := a.Store.FollowerSnapshots(ctx, orgID, day(from).Format(dayLayout), h.today)
	if err != nil {
		return h, err
	}
	for _, s := range snaps {
		h.days[s.Day] = FollowerCount{Email: s.Email, Fediverse: s.Fediverse}
	}
	first, err := a.Store.FirstFollowerCountDay(ctx, orgID)
	if err != nil {
		return h, err
	}
	// A snapshot dated after today (a clock set back) tells nothing of
	// the past; today's live count makes today the first day then.
	if first == "" || first > h.today {
		first = h.today
	}
	h.first, _ = time.ParseInLocation(dayLayout, first, paris)
	return h, nil
}

// base averages the counts known for the days of [from, to) up to today
// (local midnights) and divides minutesPerDay by them in thousands, falling
// back to the population when the average is zero. Without any count in
// the period its source is "none".
func (h followerHistory) base(org model.Organisation, from, to time.Time, minutesPerDay float64) PerThousand {
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

// historyMonths is how many months the figures page goes back at most.
const historyMonths = 12

// monthHistory gives, newest first, the months from the oldest snapshot's
// (at most historyMonths back) to the current one: their average
// followers, active minutes per day and minutes per 1,000 followers.
func (a *App) monthHistory(ctx context.Context, org model.Organisation, h followerHistory, now time.Time) ([]MonthFigures, error) {
	today := day(now)
	this := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, paris)
	oldest := this.AddDate(0, -(historyMonths - 1), 0)
	if first := time.Date(h.first.Year(), h.first.Month(), 1, 0, 0, 0, 0, paris); first.After(oldest) {
		oldest = first
	}
	var out []MonthFigures
	for m := this; !m.Before(oldest); m = m.AddDate(0, -1, 0) {
		to := m.AddDate(0, 1, 0)
		minutes, err := a.Store.CountActivityMinutes(ctx, org.ID, m, to)
		if err != nil {
			return nil, err
		}
		mf := MonthFigures{Month: m, Minutes: minutes}
		if days := elapsedDays(m, to, now); days > 0 {
			mf.MinutesPerDay = float64(minutes) / float64(days)
		}
		mf.PerThousand = h.base(org, m, to, mf.MinutesPerDay)
		out = append(out, mf)
	}
	return out, nil
}

// elapsedDays counts the days of [from, to) up to today (all of them for
// a past period).
func elapsedDays(from, to, now time.Time) int {
	end := to
	if now.Before(end) {
		end = day(now).AddDate(0, 0, 1)
	}
	return int(end.Sub(from).Round(24*time.Hour) / (24 * time.Hour))
}
