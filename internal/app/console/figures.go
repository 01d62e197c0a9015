package console

import (
	"context"
	"sort"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Bucket is one day or week of workload figures.
type Bucket struct {
	From, To time.Time
	Received int
	Answered int // first answers given in the bucket
	Backlog  int // items neither answered nor closed at the bucket's end
	Median   time.Duration
	P90      time.Duration
	HasTimes bool
	Minutes  int // active staff minutes in the staff area
}

// ServiceCount is how many items a service received.
type ServiceCount struct {
	Name  string
	Count int
}

// Figures is the workload page.
type Figures struct {
	// History is the follower base and the time spent month by month,
	// newest first, from the oldest daily count (at most a year back).
	History    []MonthFigures
	Days       []Bucket // the last 30 days, newest first
	Weeks      []Bucket // the last 12 weeks (Monday to Sunday), newest first
	PerService []ServiceCount
	// MinutesPerDay is the average active minutes per day over 30 days.
	MinutesPerDay float64
	PerThousand
	Median, P90 time.Duration
	HasTimes    bool
	Open        int
}

// Figures computes an organisation's workload at now: per day over 30
// days, per week over 12 weeks, per service, time spent, minutes per day
// per 1,000 followers.
func (s *Desk) Figures(ctx context.Context, actorID string, org model.Organisation, now time.Time) (Figures, error) {
	var f Figures
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, org.ID, policy.FiguresView); err != nil {
		return f, err
	}
	today := dates.Midnight(now)
	monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	from := monday.AddDate(0, 0, -7*11)
	if d30 := today.AddDate(0, 0, -29); d30.Before(from) {
		from = d30
	}
	to := today.AddDate(0, 0, 1)
	stats, err := s.Store.InboxStats(ctx, org.ID, from.UTC(), to.UTC())
	if err != nil {
		return f, err
	}
	minutes, err := s.Store.ActivityMinutes(ctx, org.ID, from.UTC(), to.UTC())
	if err != nil {
		return f, err
	}
	for i := 0; i < 30; i++ {
		d := today.AddDate(0, 0, -i)
		f.Days = append(f.Days, bucket(stats, minutes, d, d.AddDate(0, 0, 1)))
	}
	for i := 0; i < 12; i++ {
		w := monday.AddDate(0, 0, -7*i)
		f.Weeks = append(f.Weeks, bucket(stats, minutes, w, w.AddDate(0, 0, 7)))
	}
	month := bucket(stats, minutes, today.AddDate(0, 0, -29), to)
	f.Median, f.P90, f.HasTimes = month.Median, month.P90, month.HasTimes
	f.MinutesPerDay = float64(month.Minutes) / 30
	services, err := s.Store.ServicesOf(ctx, org.ID)
	if err != nil {
		return f, err
	}
	names := map[string]string{}
	for _, svc := range services {
		names[svc.ID] = svc.Name
	}
	counts := map[string]int{}
	for _, st := range stats {
		if !st.ReceivedAt.Before(today.AddDate(0, 0, -29)) {
			counts[st.ServiceID]++
		}
		if st.FirstAnswerAt == nil && st.ClosedAt == nil {
			f.Open++
		}
	}
	for id, n := range counts {
		f.PerService = append(f.PerService, ServiceCount{Name: names[id], Count: n})
	}
	sort.Slice(f.PerService, func(i, j int) bool {
		if f.PerService[i].Count != f.PerService[j].Count {
			return f.PerService[i].Count > f.PerService[j].Count
		}
		return f.PerService[i].Name < f.PerService[j].Name
	})
	h, err := s.FollowerHistory(ctx, org.ID, today.AddDate(0, -HistoryMonths, 0), now)
	if err != nil {
		return f, err
	}
	f.PerThousand = h.Base(org, today.AddDate(0, 0, -29), to, f.MinutesPerDay)
	if f.History, err = s.MonthHistory(ctx, org, h, now); err != nil {
		return f, err
	}
	return f, nil
}

// bucket counts the figures of [from, to).
func bucket(stats []store.InboxStat, minutes []time.Time, from, to time.Time) Bucket {
	b := Bucket{From: from, To: to}
	in := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
	var times []time.Duration
	for _, s := range stats {
		if in(s.ReceivedAt) {
			b.Received++
		}
		if s.FirstAnswerAt != nil && in(*s.FirstAnswerAt) {
			b.Answered++
			if s.Open != nil {
				times = append(times, *s.Open)
			}
		}
		if s.ReceivedAt.Before(to) && (s.FirstAnswerAt == nil || !s.FirstAnswerAt.Before(to)) &&
			(s.ClosedAt == nil || !s.ClosedAt.Before(to)) {
			b.Backlog++
		}
	}
	for _, m := range minutes {
		if in(m) {
			b.Minutes++
		}
	}
	if len(times) > 0 {
		b.Median, b.P90, b.HasTimes = Percentile(times, 50), Percentile(times, 90), true
	}
	return b
}

// CostReport is the monthly "coût réel" report for elected officials.
type CostReport struct {
	Month           time.Time
	Bucket                  // the month's figures
	Hours           float64 // active hours in the console
	Handled         int     // items answered or closed in the month
	HourlyCostCents int
	CostCents       int
	Days            int // days with staff activity
	Staff           int // people active
	PerService      []ServiceCount
	// MinutesPerDay averages the active minutes over the month's days (up
	// to today for the month in progress), per 1,000 of the month's
	// followers below.
	MinutesPerDay float64
	PerThousand
}

// MonthlyCost computes the "coût réel" report of a month (Europe/Paris).
func (s *Desk) MonthlyCost(ctx context.Context, actorID string, org model.Organisation, year int, month time.Month) (CostReport, error) {
	from := time.Date(year, month, 1, 0, 0, 0, 0, dates.Paris)
	to := from.AddDate(0, 1, 0)
	r := CostReport{Month: from}
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, org.ID, policy.FiguresView); err != nil {
		return r, err
	}
	settings, err := s.ConsoleSettings(ctx, org.ID)
	if err != nil {
		return r, err
	}
	stats, err := s.Store.InboxStats(ctx, org.ID, from.UTC(), to.UTC())
	if err != nil {
		return r, err
	}
	minutes, err := s.Store.ActivityMinutes(ctx, org.ID, from.UTC(), to.UTC())
	if err != nil {
		return r, err
	}
	r.Bucket = bucket(stats, minutes, from, to)
	days := map[string]bool{}
	for _, m := range minutes {
		days[m.In(dates.Paris).Format("2006-01-02")] = true
	}
	r.Days = len(days)
	staff, err := s.Store.ActiveStaff(ctx, org.ID, from.UTC(), to.UTC())
	if err != nil {
		return r, err
	}
	r.Staff = staff
	services, err := s.Store.ServicesOf(ctx, org.ID)
	if err != nil {
		return r, err
	}
	names := map[string]string{}
	for _, svc := range services {
		names[svc.ID] = svc.Name
	}
	counts := map[string]int{}
	for _, st := range stats {
		handled := (st.FirstAnswerAt != nil && !st.FirstAnswerAt.Before(from) && st.FirstAnswerAt.Before(to)) ||
			(st.FirstAnswerAt == nil && st.ClosedAt != nil && !st.ClosedAt.Before(from) && st.ClosedAt.Before(to))
		if handled {
			r.Handled++
		}
		if !st.ReceivedAt.Before(from) && st.ReceivedAt.Before(to) {
			counts[st.ServiceID]++
		}
	}
	for id, n := range counts {
		r.PerService = append(r.PerService, ServiceCount{Name: names[id], Count: n})
	}
	sort.Slice(r.PerService, func(i, j int) bool { return r.PerService[i].Count > r.PerService[j].Count })
	r.Hours = float64(r.Minutes) / 60
	r.HourlyCostCents = settings.HourlyCostCents
	r.CostCents = int(float64(r.Minutes) * float64(settings.HourlyCostCents) / 60)
	now := s.Now()
	if days := ElapsedDays(from, to, now); days > 0 {
		r.MinutesPerDay = float64(r.Minutes) / float64(days)
	}
	// The base of the month's own days: the average of their daily
	// counts, not today's count (which may be years later).
	h, err := s.FollowerHistory(ctx, org.ID, from, now)
	if err != nil {
		return r, err
	}
	r.PerThousand = h.Base(org, from, to, r.MinutesPerDay)
	return r, nil
}
