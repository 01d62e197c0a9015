package console

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/officehours"
	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/store"
)

// Console defaults (docs/CONSOLE.md).
const (
	DefaultLegalMonths     = 2  // CRPA: two months before an implicit decision
	DefaultTargetHours     = 16 // two open days
	DefaultHourlyCostCents = 3500
)

// DefaultUrgentWords escalate an item to the on-call staff at once.
var DefaultUrgentWords = []string{"danger", "inondation", "incendie", "agression", "fuite de gaz", "effondrement",
	"blessé", "accident", "odeur de gaz", "électrocution"}

// ConsoleSettings returns an organisation's console settings, defaults filled in.
func (s *Desk) ConsoleSettings(ctx context.Context, orgID string) (model.ConsoleSettings, error) {
	return consoleSettings(ctx, s.Store.Queries, orgID)
}

// consoleSettings reads the settings through q: a use case holding a
// transaction passes tx.Queries, never the pool (store/txguard.go).
func consoleSettings(ctx context.Context, q *store.Queries, orgID string) (model.ConsoleSettings, error) {
	s, err := q.ConsoleSettings(ctx, orgID)
	if errors.Is(err, model.ErrNotFound) {
		return model.ConsoleSettings{OrgID: orgID, Holidays: true, UrgentWords: DefaultUrgentWords,
			LegalMonths: DefaultLegalMonths, TargetHours: DefaultTargetHours, HourlyCostCents: DefaultHourlyCostCents}, nil
	}
	return s, err
}

// Schedule returns the organisation's office hours as a schedule in
// Europe/Paris, with its closures and (unless switched off) the French
// public holidays. A nil q reads through the pool.
func (s *Desk) Schedule(ctx context.Context, q *store.Queries, orgID string) (officehours.Schedule, model.ConsoleSettings, error) {
	if q == nil {
		q = s.Store.Queries
	}
	return schedule(ctx, q, orgID)
}

// schedule is Schedule reading everything through q (a transaction's
// Queries inside one: store/txguard.go).
func schedule(ctx context.Context, q *store.Queries, orgID string) (officehours.Schedule, model.ConsoleSettings, error) {
	s := officehours.Schedule{Loc: dates.Paris}
	settings, err := consoleSettings(ctx, q, orgID)
	if err != nil {
		return s, settings, err
	}
	s.Holidays = settings.Holidays
	spans, err := q.OfficeSpans(ctx, orgID)
	if err != nil {
		return s, settings, err
	}
	for _, sp := range spans {
		s.Week[sp.Weekday] = append(s.Week[sp.Weekday], officehours.Span{Start: sp.Start, End: sp.End})
	}
	closures, err := q.OfficeClosures(ctx, orgID, "")
	if err != nil {
		return s, settings, err
	}
	for _, c := range closures {
		from, err1 := time.ParseInLocation("2006-01-02", c.StartsOn, dates.Paris)
		to, err2 := time.ParseInLocation("2006-01-02", c.EndsOn, dates.Paris)
		if err1 == nil && err2 == nil {
			s.Closures = append(s.Closures, officehours.Closure{From: from, To: to, Label: c.Label})
		}
	}
	return s, settings, nil
}

// Availability is what a resident is told about when the team answers.
type Availability struct {
	Open        bool
	Configured  bool      // the organisation published office hours
	NextOpening time.Time // zero when open or never
	OnCallPhone string
	// Typical is the median first-response time in open hours over the last
	// 30 days; HasTypical is false without answers to measure.
	Typical    time.Duration
	HasTypical bool
}

// TypicalWindow is how far back the typical response time looks.
const TypicalWindow = 30 * 24 * time.Hour

// Availability tells whether the organisation is open at t, when it opens
// next, and how fast it usually answers.
func (s *Desk) Availability(ctx context.Context, orgID string, t time.Time) (Availability, error) {
	sched, settings, err := s.Schedule(ctx, nil, orgID)
	if err != nil {
		return Availability{}, err
	}
	av := Availability{Configured: !sched.Empty(), OnCallPhone: settings.OnCallPhone}
	av.Open = !av.Configured || sched.IsOpen(t)
	if !av.Open {
		av.NextOpening, _ = sched.NextOpening(t)
	}
	times, err := s.Store.FirstAnswerTimes(ctx, orgID, t.Add(-TypicalWindow))
	if err != nil {
		return av, err
	}
	if len(times) > 0 {
		av.Typical, av.HasTypical = Percentile(times, 50), true
	}
	return av, nil
}

// Percentile returns the p-th percentile (nearest rank) of ds.
func Percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := (p*len(s) + 99) / 100 // ceil(p/100 × n)
	if rank < 1 {
		rank = 1
	}
	return s[rank-1]
}

// WeekdayOrder is Monday first, as French timetables read.
var WeekdayOrder = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// SaveOfficeHours replaces the weekly timetable from one text per weekday
// ("9:00-12:00, 14:00-17:00"). Spans that overlap, end before they start or
// cannot be read are refused per day, with the person's text kept.
func (s *Desk) SaveOfficeHours(ctx context.Context, actor model.Account, orgID string, days map[time.Weekday]string) error {
	v := &model.ValidationError{}
	var sched officehours.Schedule
	for _, d := range WeekdayOrder {
		spans, err := officehours.ParseSpans(days[d])
		if err != nil {
			v.Add("day"+strconv.Itoa(int(d)), "console.error.hours_format")
			continue
		}
		sched.Week[d] = spans
	}
	for d := range sched.Week {
		// One day at a time, so that every wrong day gets its message.
		var one officehours.Schedule
		one.Week[d] = sched.Week[d]
		if err := one.Validate(); err != nil {
			code := "console.error.hours_overlap"
			if errors.Is(err, officehours.ErrEndBeforeStart) {
				code = "console.error.hours_order"
			} else if errors.Is(err, officehours.ErrOutOfDay) {
				code = "console.error.hours_format"
			}
			v.Add("day"+strconv.Itoa(d), code)
		}
		sched.Week[d] = one.Week[d]
	}
	if err := v.Err(); err != nil {
		return err
	}
	var spans []model.OfficeSpan
	for d, ss := range sched.Week {
		for _, sp := range ss {
			spans = append(spans, model.OfficeSpan{Weekday: time.Weekday(d), Start: sp.Start, End: sp.End})
		}
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actor.ID, orgID, policy.ConsoleConfigure); err != nil {
			return err
		}
		if err := tx.ReplaceOfficeSpans(ctx, orgID, spans); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actor.ID, "console.hours", "", fmt.Sprintf("%d spans", len(spans)))
	})
}

// AddClosure records a closure from one date to another (YYYY-MM-DD).
func (s *Desk) AddClosure(ctx context.Context, actor model.Account, orgID, from, to, label string) error {
	v := &model.ValidationError{}
	f, err1 := time.Parse("2006-01-02", strings.TrimSpace(from))
	t, err2 := time.Parse("2006-01-02", strings.TrimSpace(to))
	if err1 != nil {
		v.Add("starts_on", "console.error.date")
	}
	if err2 != nil {
		v.Add("ends_on", "console.error.date")
	}
	if err1 == nil && err2 == nil && t.Before(f) {
		v.Add("ends_on", "console.error.closure_order")
	}
	label = strings.TrimSpace(label)
	if label == "" || utf8.RuneCountInString(label) > 120 {
		v.Add("label", "console.error.label")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actor.ID, orgID, policy.ConsoleConfigure); err != nil {
			return err
		}
		c := model.OfficeClosure{ID: core.NewID(), OrgID: orgID, StartsOn: f.Format("2006-01-02"), EndsOn: t.Format("2006-01-02"), Label: label}
		if err := tx.AddOfficeClosure(ctx, c, s.Now()); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actor.ID, "console.closure", c.ID, c.StartsOn+" "+c.EndsOn+" "+label)
	})
}

// DeleteClosure removes a closure.
func (s *Desk) DeleteClosure(ctx context.Context, actor model.Account, orgID, id string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actor.ID, orgID, policy.ConsoleConfigure); err != nil {
			return err
		}
		if err := tx.DeleteOfficeClosure(ctx, orgID, id); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actor.ID, "console.closure_delete", id, "")
	})
}

// ConsoleSettingsInput is the settings form.
type ConsoleSettingsInput struct {
	Holidays                             bool
	OnCallPhone, OnCallMail              string
	UrgentWords                          string // one per line
	LegalMonths, TargetHours, HourlyCost string
}

// SaveConsoleSettings validates and saves the console settings.
func (s *Desk) SaveConsoleSettings(ctx context.Context, actor model.Account, orgID string, in ConsoleSettingsInput) error {
	v := &model.ValidationError{}
	cs := model.ConsoleSettings{OrgID: orgID, Holidays: in.Holidays, OnCallPhone: strings.TrimSpace(in.OnCallPhone),
		OnCallEmail: mail.NormalizeEmail(in.OnCallMail), UpdatedAt: s.Now()}
	if utf8.RuneCountInString(cs.OnCallPhone) > 30 {
		v.Add("oncall_phone", "console.error.phone")
	}
	if cs.OnCallEmail != "" && !mail.ValidEmail(cs.OnCallEmail) {
		v.Add("oncall_email", "console.error.email")
	}
	for _, w := range core.Lines(in.UrgentWords) {
		if utf8.RuneCountInString(w) > 60 {
			v.Add("urgent_words", "console.error.words")
			break
		}
		cs.UrgentWords = append(cs.UrgentWords, w)
	}
	var err error
	if cs.LegalMonths, err = strconv.Atoi(strings.TrimSpace(in.LegalMonths)); err != nil || cs.LegalMonths < 1 || cs.LegalMonths > 12 {
		v.Add("legal_months", "console.error.legal_months")
	}
	if cs.TargetHours, err = strconv.Atoi(strings.TrimSpace(in.TargetHours)); err != nil || cs.TargetHours < 1 || cs.TargetHours > 400 {
		v.Add("target_hours", "console.error.target_hours")
	}
	cost, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(in.HourlyCost), ",", "."), 64)
	if err != nil || cost < 0 || cost > 1000 {
		v.Add("hourly_cost", "console.error.hourly_cost")
	}
	cs.HourlyCostCents = int(cost*100 + 0.5)
	if err := v.Err(); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actor.ID, orgID, policy.ConsoleSettings); err != nil {
			return err
		}
		if err := tx.PutConsoleSettings(ctx, cs); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actor.ID, "console.settings", "", fmt.Sprintf("target=%dh legal=%dm words=%d",
			cs.TargetHours, cs.LegalMonths, len(cs.UrgentWords)))
	})
}

// RuleKinds are the routing rule kinds.
var RuleKinds = []string{"topic", "neighbourhood", "keyword"}

// AddRoutingRule adds a rule sending a topic, a neighbourhood or a keyword
// to a service.
func (s *Desk) AddRoutingRule(ctx context.Context, actor model.Account, orgID, kind, value, serviceID string) error {
	v := &model.ValidationError{}
	value = strings.TrimSpace(value)
	if !slices.Contains(RuleKinds, kind) {
		v.Add("kind", "console.error.rule_kind")
	}
	if value == "" || utf8.RuneCountInString(value) > 80 {
		v.Add("value", "console.error.rule_value")
	}
	if serviceID == "" {
		v.Add("service", "console.error.service")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actor.ID, orgID, policy.ConsoleConfigure); err != nil {
			return err
		}
		var err error
		switch kind {
		case "topic":
			_, err = tx.TopicByID(ctx, orgID, value)
		case "neighbourhood":
			_, err = tx.NeighbourhoodByID(ctx, orgID, value)
		}
		if errors.Is(err, model.ErrNotFound) {
			v.Add("value", "console.error.rule_value")
			return v
		} else if err != nil {
			return err
		}
		r := model.RoutingRule{ID: core.NewID(), OrgID: orgID, Kind: kind, Value: value, ServiceID: serviceID, CreatedAt: s.Now()}
		if err := tx.CreateRoutingRule(ctx, r); errors.Is(err, model.ErrNotFound) {
			v.Add("service", "console.error.service")
			return v
		} else if err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actor.ID, "console.rule", r.ID, kind+" "+value+" → "+serviceID)
	})
}

// DeleteRoutingRule removes a rule.
func (s *Desk) DeleteRoutingRule(ctx context.Context, actor model.Account, orgID, id string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actor.ID, orgID, policy.ConsoleConfigure); err != nil {
			return err
		}
		if err := tx.DeleteRoutingRule(ctx, orgID, id); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actor.ID, "console.rule_delete", id, "")
	})
}

// Placeholders are the names a saved reply may use, between braces.
var Placeholders = []string{"nom", "service", "horaires", "organisation", "reference"}

var placeholderRE = regexp.MustCompile(`\{([^{}\s]{0,40})\}`)

// PlaceholderError refuses a saved reply naming an unknown placeholder.
type PlaceholderError struct{ Name string }

func (e *PlaceholderError) Error() string { return "unknown placeholder {" + e.Name + "}" }

// Unwrap maps to model.ErrInvalid.
func (e *PlaceholderError) Unwrap() error { return model.ErrInvalid }

// CheckPlaceholders returns the first unknown placeholder of text, if any.
func CheckPlaceholders(text string) error {
	for _, m := range placeholderRE.FindAllStringSubmatch(text, -1) {
		if !slices.Contains(Placeholders, strings.ToLower(m[1])) {
			return &PlaceholderError{Name: m[1]}
		}
	}
	return nil
}

// Expand fills a saved reply's placeholders.
func Expand(text string, values map[string]string) string {
	return placeholderRE.ReplaceAllStringFunc(text, func(m string) string {
		name := strings.ToLower(m[1 : len(m)-1])
		if v, ok := values[name]; ok {
			return v
		}
		return m
	})
}

// SaveReply creates (id "") or updates a saved reply of the organisation or
// of one service. Managers may edit every reply; an agent only their
// services'.
func (s *Desk) SaveReply(ctx context.Context, actor model.Account, orgID, id, serviceID, title, body string) (model.SavedReply, error) {
	v := &model.ValidationError{}
	title, body = strings.TrimSpace(title), strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	if title == "" || utf8.RuneCountInString(title) > 120 {
		v.Add("title", "console.error.reply_title")
	}
	if body == "" || utf8.RuneCountInString(body) > model.MaxCommentRunes {
		v.Add("body", "console.error.reply_body")
	}
	if err := CheckPlaceholders(body); err != nil {
		return model.SavedReply{}, err
	}
	if err := v.Err(); err != nil {
		return model.SavedReply{}, err
	}
	now := s.Now()
	r := model.SavedReply{ID: id, OrgID: orgID, ServiceID: serviceID, Title: title, Body: body, CreatedAt: now, UpdatedAt: now}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		m, err := core.Authorize(ctx, tx.Queries, actor.ID, orgID, policy.ConsoleAnswer)
		if err != nil {
			return err
		}
		lead := policy.Wide(m, policy.ConsoleAnswer)
		if !lead && (serviceID == "" || !slices.Contains(m.ServiceIDs, serviceID)) {
			return model.ErrForbidden
		}
		if id != "" {
			old, err := tx.SavedReplyByID(ctx, orgID, id)
			if err != nil {
				return err
			}
			if !lead && !slices.Contains(m.ServiceIDs, old.ServiceID) {
				return model.ErrForbidden
			}
			r.CreatedAt = old.CreatedAt
		} else {
			r.ID = core.NewID()
		}
		if err := tx.PutSavedReply(ctx, r); errors.Is(err, model.ErrNotFound) {
			v.Add("service", "console.error.service")
			return v
		} else if err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actor.ID, "console.saved_reply", r.ID, title)
	})
	return r, err
}

// DeleteReply removes a saved reply (same rights as SaveReply).
func (s *Desk) DeleteReply(ctx context.Context, actor model.Account, orgID, id string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		m, err := core.Authorize(ctx, tx.Queries, actor.ID, orgID, policy.ConsoleAnswer)
		if err != nil {
			return err
		}
		old, err := tx.SavedReplyByID(ctx, orgID, id)
		if err != nil {
			return err
		}
		if !policy.AllowsItem(&m, orgID, policy.ConsoleAnswer, old.ServiceID) {
			return model.ErrForbidden
		}
		if err := tx.DeleteSavedReply(ctx, orgID, id); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actor.ID, "console.saved_reply_delete", id, old.Title)
	})
}

// HoursText words the weekly timetable for a saved reply's {horaires}:
// "lundi : 9 h – 12 h, 14 h – 17 h ; samedi : 9 h – 12 h".
func (s *Desk) HoursText(lang string, sched officehours.Schedule) string {
	var parts []string
	for _, d := range WeekdayOrder {
		if len(sched.Week[d]) > 0 {
			parts = append(parts, s.Cat.T(lang, "console.weekday."+strconv.Itoa(int(d)))+" : "+officehours.FormatSpans(sched.Week[d]))
		}
	}
	if len(parts) == 0 {
		return s.Cat.T(lang, "console.hours.none")
	}
	return strings.Join(parts, " ; ")
}

// urgentMatch returns the first urgent word found in text, compared in
// normalised form (case, accents and disguises undone).
func urgentMatch(text string, words []string) string {
	norm := " " + screen.Normalize(text) + " "
	for _, w := range words {
		nw := screen.Normalize(w)
		if nw != "" && strings.Contains(norm, nw) {
			return w
		}
	}
	return ""
}

// keywordMatch reports whether a routing keyword occurs in text.
func keywordMatch(text, keyword string) bool {
	nk := screen.Normalize(keyword)
	return nk != "" && strings.Contains(" "+screen.Normalize(text)+" ", nk)
}

// langDefault is the language of staff-facing texts without a reader.
var langDefault = i18n.Default
