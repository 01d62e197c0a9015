package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/textdiff"
)

// renderFragment writes one named template of a page's set (for scripts).
func (h *Handler) renderFragment(w http.ResponseWriter, page, name string, v *View) error {
	t, ok := h.pages[page]
	if !ok {
		return model.ErrNotFound
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, err := w.Write(b.Bytes())
	return err
}

type revisionsData struct {
	Pub       model.Publication
	Revisions []revisionRow
}

type revisionRow struct {
	model.PubRevision
	Author string
}

func (h *Handler) pubRevisions(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	p, revs, err := h.app.Publishing.PublicationRevisions(r.Context(), acct.ID, org.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	names, _, err := h.staffNames(r)
	if err != nil {
		return err
	}
	d := revisionsData{Pub: p}
	for _, rv := range revs {
		d.Revisions = append(d.Revisions, revisionRow{PubRevision: rv, Author: names[rv.AuthorID]})
	}
	return h.pubPage(w, r, "admin/revisions", "pub.revisions.title", d)
}

// revisionData shows one revision and what changed since another.
type revisionData struct {
	Pub     model.Publication
	Rev     model.PubRevision
	Against *model.PubRevision
	Author  string
	Fields  []fieldDiff
}

type fieldDiff struct {
	Label string // catalogue key
	Lines []textdiff.Line
}

// revisionText lays out a revision's fields as lines, so that one diff
// algorithm serves them all.
func revisionFields(rv model.PubRevision) map[string]string {
	date := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(dates.Paris).Format("02/01/2006 15:04")
	}
	return map[string]string{
		"pub.field.title": rv.Title, "pub.field.summary": rv.Summary, "pub.field.body": rv.BodyMD,
		"pub.field.alert_level": string(rv.AlertLevel), "pub.field.alert_ends_at": date(rv.AlertEndsAt),
		"pub.field.job": strings.Join([]string{rv.Job.Title, rv.Job.Grade, rv.Job.Category, rv.Job.Filiere,
			rv.Job.Contract, rv.Job.Time, rv.Job.Place, date(rv.Job.ClosesAt), rv.Job.HowToApply}, "\n"),
	}
}

var revisionFieldOrder = []string{"pub.field.title", "pub.field.summary", "pub.field.body", "pub.field.alert_level",
	"pub.field.alert_ends_at", "pub.field.job"}

func (h *Handler) pubRevision(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	acct, _ := accountFrom(ctx)
	p, err := h.app.Publishing.StaffPublication(ctx, acct.ID, org.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil {
		return model.ErrNotFound
	}
	rv, err := h.app.Publishing.PublicationRevision(ctx, acct.ID, org.ID, p.ID, n)
	if err != nil {
		return err
	}
	names, _, err := h.staffNames(r)
	if err != nil {
		return err
	}
	d := revisionData{Pub: p, Rev: rv, Author: names[rv.AuthorID]}
	// Compared with the previous revision unless ?against= names another.
	against := n - 1
	if s := r.URL.Query().Get("against"); s != "" {
		if against, err = strconv.Atoi(s); err != nil {
			return model.ErrNotFound
		}
	}
	before := model.PubRevision{}
	if against >= 1 && against != n {
		old, err := h.app.Publishing.PublicationRevision(ctx, acct.ID, org.ID, p.ID, against)
		if err != nil {
			return err
		}
		d.Against, before = &old, old
	}
	a, b := revisionFields(before), revisionFields(rv)
	for _, k := range revisionFieldOrder {
		if strings.Trim(a[k], "\n") == "" && strings.Trim(b[k], "\n") == "" {
			continue
		}
		d.Fields = append(d.Fields, fieldDiff{Label: k, Lines: textdiff.Lines(a[k], b[k])})
	}
	return h.pubPage(w, r, "admin/revision", "pub.revision.title", d)
}

func (h *Handler) pubValidation(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	items, total, err := h.app.Publishing.ValidationQueue(r.Context(), acct.ID, org.ID, 200)
	if err != nil {
		return err
	}
	names, _, err := h.staffNames(r)
	if err != nil {
		return err
	}
	return h.pubPage(w, r, "admin/validation", "pub.validation.title", pubListData{Total: total, Items: pubRows(items, names)})
}

// calendarData is a month grid, Monday first, in Europe/Paris.
type calendarData struct {
	Month      time.Time
	MonthLabel string
	Prev, Next string
	Weeks      [][]calDay
}

type calDay struct {
	Day     int // 0 outside the month
	Today   bool
	Entries []calEntry
}

type calEntry struct {
	Time  time.Time
	Pub   model.Publication
	State model.PubState
}

func (h *Handler) pubCalendar(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	now := h.app.Now().In(dates.Paris)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, dates.Paris)
	if s := r.URL.Query().Get("month"); s != "" {
		m, err := time.ParseInLocation("2006-01", s, dates.Paris)
		if err != nil {
			return model.ErrNotFound
		}
		first = m
	}
	next := first.AddDate(0, 1, 0)
	acct, _ := accountFrom(ctx)
	pubs, err := h.app.Publishing.PublicationCalendar(ctx, acct.ID, org.ID, first, next)
	if err != nil {
		return err
	}
	byDay := map[int][]calEntry{}
	for _, p := range pubs {
		t := p.PublishedAt
		if p.State == model.StateScheduled {
			t = p.ScheduledAt
		}
		if t == nil {
			continue
		}
		lt := t.In(dates.Paris)
		byDay[lt.Day()] = append(byDay[lt.Day()], calEntry{Time: *t, Pub: p, State: p.State})
	}
	d := calendarData{Month: first, MonthLabel: monthLabel(lang(r), first),
		Prev: first.AddDate(0, -1, 0).Format("2006-01"), Next: next.Format("2006-01")}
	offset := (int(first.Weekday()) + 6) % 7 // Monday = 0
	days := next.AddDate(0, 0, -1).Day()
	var week []calDay
	for i := 0; i < offset; i++ {
		week = append(week, calDay{})
	}
	for day := 1; day <= days; day++ {
		week = append(week, calDay{Day: day, Entries: byDay[day],
			Today: now.Year() == first.Year() && now.Month() == first.Month() && now.Day() == day})
		if len(week) == 7 {
			d.Weeks = append(d.Weeks, week)
			week = nil
		}
	}
	if len(week) > 0 {
		for len(week) < 7 {
			week = append(week, calDay{})
		}
		d.Weeks = append(d.Weeks, week)
	}
	return h.pubPage(w, r, "admin/calendar", "pub.calendar.title", d)
}

// monthLabel names a month and its year ("mars 2026", "March 2026").
func monthLabel(lang string, t time.Time) string {
	if lang == "en" {
		return t.Format("January 2006")
	}
	return dates.MonthFR(t) + " " + strconv.Itoa(t.Year())
}

// Clock formats a time of day for the reader, in Europe/Paris ("9 h 30").
func (v *View) Clock(t time.Time) string {
	t = t.In(paris)
	if v.Lang == "en" {
		return t.Format("15:04")
	}
	if t.Minute() == 0 {
		return strconv.Itoa(t.Hour()) + " h"
	}
	return strconv.Itoa(t.Hour()) + " h " + t.Format("04")
}

type settingsData struct {
	Kinds    []model.PubKind
	Required map[model.PubKind]bool
}

func (h *Handler) pubSettings(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	req, err := h.app.Publishing.ValidationSettings(r.Context(), acct.ID, org.ID)
	if err != nil {
		return err
	}
	return h.pubPage(w, r, "admin/publishing-settings", "pub.settings.title", settingsData{Kinds: model.PubKinds, Required: req})
}

func (h *Handler) pubSettingsPost(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		return model.ErrInvalid
	}
	req := map[model.PubKind]bool{}
	for _, k := range r.PostForm["required"] {
		req[model.PubKind(k)] = true
	}
	if err := h.app.Publishing.SetValidationRequired(r.Context(), acct.ID, org.ID, req); err != nil {
		return err
	}
	h.flash(w, "pub.flash.settings")
	redirect(w, r, "/admin/"+org.Handle+"/publishing-settings")
	return nil
}

// nextStep says on d what p waits for and who, by the policy, can take
// that step: the validators (not its author when validation is required:
// four eyes) for a submitted publication, those who may publish for an
// approved one.
func (h *Handler) nextStep(r *http.Request, d *pubPageData, p model.Publication) error {
	var who func(model.StaffMember) bool
	switch p.State {
	case model.StateSubmitted:
		d.Next = "pub.next.submitted"
		who = func(s model.StaffMember) bool {
			return policy.RoleMay(s.Role, policy.PublicationValidate) && !(d.Required && s.AccountID == p.AuthorID)
		}
	case model.StateApproved:
		d.Next = "pub.next.approved"
		who = func(s model.StaffMember) bool { return policy.RoleMay(s.Role, policy.PublicationPublish) }
	case model.StateDraft, model.StateUnpublished:
		if d.Required {
			d.Next = "pub.next.draft_required"
		}
		return nil
	default:
		return nil
	}
	_, staff, err := h.staffNames(r)
	if err != nil {
		return err
	}
	var names []string
	for _, s := range staff {
		if who(s) {
			names = append(names, s.DisplayName)
		}
	}
	if len(names) == 0 && p.State == model.StateSubmitted {
		d.Next = "pub.next.submitted_nobody"
	}
	d.NextWho = strings.Join(names, ", ")
	return nil
}
