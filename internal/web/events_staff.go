package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app/events"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/ical"
	"github.com/parvis/parvis/internal/model"
)

// The staff side of events beyond the editor: the list, the event's page
// (participants, messages, cancellation, occurrences), the CSV export, the
// check-in page for a phone at the entrance and the iCalendar import.

func (h *Handler) eventRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/{org}/events", h.staff(policy.EventView, h.staffEvents))
	mux.Handle("POST /admin/{org}/events/import", h.staff(policy.EventEdit, h.eventImport))
	mux.Handle("GET /admin/{org}/events/{id}", h.staff(policy.EventView, h.staffEvent))
	mux.Handle("GET /admin/{org}/events/{id}/participants.csv", h.staff(policy.EventParticipantsExport, h.participantsCSV))
	mux.Handle("GET /admin/{org}/events/{id}/checkin", h.staff(policy.EventCheckin, h.checkinPage))
	mux.Handle("POST /admin/{org}/events/{id}/checkin", h.staff(policy.EventCheckin, h.checkinPost))
	mux.Handle("POST /admin/{org}/events/{id}/message", h.staff(policy.EventEdit, h.eventMessage))
	mux.Handle("POST /admin/{org}/events/{id}/status", h.staff(policy.EventStatus, h.eventStatus))
	mux.Handle("POST /admin/{org}/events/{id}/exceptions", h.staff(policy.EventEdit, h.eventException))
	mux.Handle("POST /admin/{org}/events/{id}/exceptions/{xid}/delete", h.staff(policy.EventEdit, h.eventExceptionDelete))
}

// staffEventsData is the staff list of events.
type staffEventsData struct {
	Items    []staffEventRow
	Past     bool
	Page     int
	Prev     string
	Next     string
	CanWrite bool
	Topics   []model.Topic
	Imported *events.ImportResult
}

type staffEventRow struct {
	model.StaffEvent
	When    string
	Repeats string
}

func (h *Handler) staffEvents(w http.ResponseWriter, r *http.Request) error {
	return h.renderStaffEvents(w, r, emptyForm(), http.StatusOK, nil)
}

func (h *Handler) renderStaffEvents(w http.ResponseWriter, r *http.Request, f *Form, status int, imported *events.ImportResult) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	m, _ := membershipFrom(ctx)
	acct, _ := accountFrom(ctx)
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	d := staffEventsData{Past: q.Get("past") == "1", Page: page, CanWrite: may(m, policy.EventEdit), Imported: imported}
	now := h.app.Now()
	items, topics, err := h.app.Events.StaffEvents(ctx, acct.ID, org.ID, d.Past, staffPageSize+1, (page-1)*staffPageSize)
	if err != nil {
		return err
	}
	d.Topics = topics
	base := "/admin/" + org.Handle + "/events?"
	if d.Past {
		base += "past=1&"
	}
	if len(items) > staffPageSize {
		items = items[:staffPageSize]
		d.Next = base + "page=" + strconv.Itoa(page+1)
	}
	if page > 1 {
		d.Prev = base + "page=" + strconv.Itoa(page-1)
	}
	for _, it := range items {
		row := staffEventRow{StaffEvent: it, When: dates.EventWhen(lang(r), it.Event.StartsAt, it.Event.EndsAt, it.Event.AllDay, now)}
		if it.Event.Recurring() {
			row.Repeats = events.RecurrenceText(lang(r), it.Event)
		}
		d.Items = append(d.Items, row)
	}
	v := h.view(r, "events.staff.title", d)
	v.Form = f
	v.NoIndex = true
	h.render(w, r, status, "events/staff-list", v)
	return nil
}

// eventImport imports an uploaded .ics file or an agenda URL.
func (h *Handler) eventImport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	acct, _ := accountFrom(ctx)
	r.Body = http.MaxBytesReader(w, r.Body, ical.MaxBytes+1<<20)
	if err := r.ParseMultipartForm(4 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			f := emptyForm()
			f.Set("file", "events.import.error.too_large")
			f.Values.Set("import_n", strconv.Itoa(ical.MaxBytes>>20))
			f.General = "events.import.error.summary"
			return h.renderStaffEvents(w, r, f, http.StatusUnprocessableEntity, nil)
		}
		return model.ErrInvalid
	}
	if err := refuseNUL(r); err != nil {
		return err
	}
	f := newForm(r)
	in := events.ImportInput{Association: f.Value("association"), TopicIDs: f.Values["topics"], Publish: f.Value("publish") != ""}
	var (
		res events.ImportResult
		err error
	)
	name, data, uerr := readUpload(r, "file", ical.MaxBytes)
	switch {
	case uerr != nil:
		return uerr
	case data != nil:
		in.Source, in.Data = name, data
		res, err = h.app.Events.ImportEvents(ctx, acct.ID, org.ID, in)
	case strings.TrimSpace(f.Value("url")) != "":
		res, err = h.app.Events.ImportEventsFromURL(ctx, acct.ID, org.ID, f.Value("url"), in)
	default:
		f.Set("file", "events.import.error.nothing")
	}
	var ie *ical.ImportError
	switch {
	case errors.As(err, &ie):
		field := "file"
		if data == nil {
			field = "url"
		}
		f.Set(field, ie.Code)
		f.General = "events.import.error.summary"
		f.Values.Set("import_uid", ie.UID)
		f.Values.Set("import_summary", ie.Summary)
		if ie.N != 0 { // only the messages that take a number get one
			f.Values.Set("import_n", strconv.Itoa(ie.N))
		}
		var ve *model.ValidationError
		if errors.As(err, &ve) && len(ve.Fields) > 0 {
			f.Values.Set("import_detail", ve.Fields[0].Code)
		}
	case f.Absorb(err):
		f.General = "events.import.error.summary"
	case errors.Is(err, model.ErrForbidden):
		return err
	case err != nil:
		return err
	}
	if f.HasErrors() {
		return h.renderStaffEvents(w, r, f, http.StatusUnprocessableEntity, nil)
	}
	return h.renderStaffEvents(w, r, emptyForm(), http.StatusOK, &res)
}

// staffEventData is the event's staff page.
type staffEventData struct {
	Pub          model.Publication
	Event        model.Event
	When         string
	Repeats      string
	Counts       map[string]int
	Left         int
	Participants []model.Registration
	Query        string
	Occurrences  []OccurrenceView
	Exceptions   []model.EventException
	CanWrite     bool
	CanStatus    bool
	Statuses     []model.EventStatus
}

func (h *Handler) loadStaffEvent(r *http.Request) (*staffEventData, error) {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	m, _ := membershipFrom(ctx)
	file, err := h.app.Events.EventFile(ctx, m.AccountID, org.ID, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	e := file.Event
	now := h.app.Now()
	d := &staffEventData{Pub: file.Pub, Event: e, When: dates.EventWhen(lang(r), e.StartsAt, e.EndsAt, e.AllDay, now),
		CanWrite: may(m, policy.EventEdit), CanStatus: may(m, policy.EventStatus),
		Statuses: []model.EventStatus{model.EventScheduled, model.EventPostponed, model.EventCancelled}}
	if e.Recurring() {
		d.Repeats = events.RecurrenceText(lang(r), e)
		for _, o := range file.Occurrences {
			d.Occurrences = append(d.Occurrences, OccurrenceView{Occurrence: o, When: dates.EventWhen(lang(r), o.StartsAt, o.EndsAt, e.AllDay, now)})
		}
		d.Exceptions = file.Exceptions
	}
	d.Counts = countsByName(file.Counts)
	d.Left = max(e.Capacity-d.Counts["confirmed"], 0)
	return d, nil
}

func (h *Handler) staffEvent(w http.ResponseWriter, r *http.Request) error {
	return h.renderStaffEvent(w, r, emptyForm(), http.StatusOK)
}

func (h *Handler) renderStaffEvent(w http.ResponseWriter, r *http.Request, f *Form, status int) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	acct, _ := accountFrom(ctx)
	d, err := h.loadStaffEvent(r)
	if err != nil {
		return err
	}
	d.Query = strings.TrimSpace(r.URL.Query().Get("q"))
	if d.Participants, err = h.app.Events.Participants(ctx, acct.ID, org.ID, d.Pub.ID, model.RegistrationFilter{Name: d.Query}); err != nil {
		return err
	}
	v := h.view(r, d.Pub.Title, d)
	v.Form = f
	v.NoIndex = true
	h.render(w, r, status, "events/staff-event", v)
	return nil
}

// participantsCSV exports the list (names, places, answers, status, code,
// arrival; no e-mail addresses: staff never see them). The export is
// written in the audit log.
func (h *Handler) participantsCSV(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	acct, _ := accountFrom(ctx)
	p, e, err := h.app.Events.StaffEvent(ctx, acct.ID, org.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	regs, err := h.app.Events.ExportParticipants(ctx, acct.ID, org.ID, e.PublicationID)
	if err != nil {
		return err
	}
	l := lang(r)
	cw := newCSVExport(w, "participants-"+p.Slug+".csv")
	head := []string{h.cat.T(l, "events.csv.name"), h.cat.T(l, "events.csv.seats"), h.cat.T(l, "events.csv.status"),
		h.cat.T(l, "events.csv.code"), h.cat.T(l, "events.csv.registered_at"), h.cat.T(l, "events.csv.checked_in_at")}
	for _, q := range e.Questions {
		if q.ID != "seats" {
			head = append(head, q.Label)
		}
	}
	cw.Row(head...)
	for _, reg := range regs {
		checked := ""
		if reg.CheckedInAt != nil {
			checked = reg.CheckedInAt.In(paris).Format("2006-01-02 15:04")
		}
		row := []string{reg.Name, strconv.Itoa(reg.Seats), h.cat.T(l, "events.reg."+string(reg.Status)), reg.Code,
			reg.CreatedAt.In(paris).Format("2006-01-02 15:04"), checked}
		for _, q := range e.Questions {
			if q.ID != "seats" {
				row = append(row, reg.Answers[q.ID])
			}
		}
		cw.Row(row...)
	}
	return cw.Close()
}

// checkinData is the check-in page.
type checkinData struct {
	Pub     model.Publication
	Event   model.Event
	Counts  map[string]int
	Arrived int
	Query   string
	Found   []model.Registration
	Shown   *model.Registration // from a scanned code
	Done    *model.Registration // just checked in
	Already bool
}

func (h *Handler) checkinPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderCheckin(w, r, emptyForm(), http.StatusOK, nil, false)
}

func (h *Handler) renderCheckin(w http.ResponseWriter, r *http.Request, f *Form, status int, done *model.Registration, already bool) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	acct, _ := accountFrom(ctx)
	id := r.PathValue("id")
	p, e, err := h.app.Events.StaffEvent(ctx, acct.ID, org.ID, id)
	if err != nil {
		return err
	}
	d := checkinData{Pub: p, Event: e, Done: done, Already: already, Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	counts, err := h.app.Events.RegistrationCounts(ctx, acct.ID, org.ID, id)
	if err != nil {
		return err
	}
	d.Counts = countsByName(counts)
	all, err := h.app.Events.Participants(ctx, acct.ID, org.ID, id, model.RegistrationFilter{Statuses: []model.RegStatus{model.RegConfirmed}})
	if err != nil {
		return err
	}
	for _, reg := range all {
		if reg.CheckedInAt != nil {
			d.Arrived++
		}
	}
	if d.Query != "" {
		if d.Found, err = h.app.Events.Participants(ctx, acct.ID, org.ID, id, model.RegistrationFilter{Statuses: []model.RegStatus{model.RegConfirmed},
			Name: d.Query}); err != nil {
			return err
		}
	}
	if code := events.NormalizeCode(r.URL.Query().Get("code")); code != "" && r.Method == http.MethodGet {
		reg, err := h.app.Events.RegistrationByCode(ctx, acct.ID, org.ID, id, code)
		if err == nil {
			d.Shown = &reg
		} else if errors.Is(err, model.ErrNotFound) {
			f.Set("code", "events.checkin.unknown")
			f.Values.Set("code", code)
		} else {
			return err
		}
	}
	v := h.view(r, "events.checkin.title", d)
	v.Form = f
	v.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	h.render(w, r, status, "events/checkin", v)
	return nil
}

func (h *Handler) checkinPost(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	acct, _ := accountFrom(ctx)
	if err := r.ParseForm(); err != nil {
		return model.ErrInvalid
	}
	f := newForm(r)
	reg, err := h.app.Events.CheckIn(ctx, acct.ID, org.ID, r.PathValue("id"), f.Value("registration"), f.Value("code"))
	switch {
	case errors.Is(err, model.ErrConflict):
		return h.renderCheckin(w, r, emptyForm(), http.StatusOK, &reg, true)
	case f.Absorb(err):
		return h.renderCheckin(w, r, f, http.StatusUnprocessableEntity, nil, false)
	case err != nil:
		return err
	}
	return h.renderCheckin(w, r, emptyForm(), http.StatusOK, &reg, false)
}

func (h *Handler) eventMessage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	acct, _ := accountFrom(ctx)
	if err := r.ParseForm(); err != nil {
		return model.ErrInvalid
	}
	f := newForm(r)
	_, err := h.app.Events.MessageParticipants(ctx, acct.ID, org.ID, r.PathValue("id"), f.Value("subject"), f.Value("body"))
	if f.Absorb(err) {
		f.General = "events.message.error"
		return h.renderStaffEvent(w, r, f, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	h.flash(w, "events.flash.message_sent")
	redirect(w, r, "/admin/"+org.Handle+"/events/"+r.PathValue("id"))
	return nil
}

func (h *Handler) eventStatus(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	acct, _ := accountFrom(ctx)
	if err := r.ParseForm(); err != nil {
		return model.ErrInvalid
	}
	f := newForm(r)
	err := h.app.Events.SetEventStatus(ctx, acct.ID, org.ID, r.PathValue("id"), model.EventStatus(f.Value("status")), f.Value("note"))
	switch {
	case f.Absorb(err):
		return h.renderStaffEvent(w, r, f, http.StatusUnprocessableEntity)
	case errors.Is(err, model.ErrConflict):
		h.flash(w, "pub.flash.already")
	case err != nil:
		return err
	default:
		h.flash(w, "events.flash.status_"+f.Value("status"))
	}
	redirect(w, r, "/admin/"+org.Handle+"/events/"+r.PathValue("id"))
	return nil
}

func (h *Handler) eventException(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	acct, _ := accountFrom(ctx)
	if err := r.ParseForm(); err != nil {
		return model.ErrInvalid
	}
	f := newForm(r)
	orig, err := time.Parse(time.RFC3339, f.Value("original"))
	if err != nil {
		return model.ErrInvalid
	}
	err = h.app.Events.SetException(ctx, acct.ID, org.ID, r.PathValue("id"), events.ExceptionInput{OriginalStart: orig.UTC(),
		Cancel: f.Value("op") == "cancel", StartDate: f.Value("date"), StartTime: f.Value("time"), Note: f.Value("note")})
	if f.Absorb(err) {
		f.General = "events.exception.error"
		return h.renderStaffEvent(w, r, f, http.StatusUnprocessableEntity)
	}
	switch {
	case errors.Is(err, model.ErrConflict):
		h.flash(w, "events.flash.exception_already") // a second click: nothing sent twice
	case err != nil:
		return err
	default:
		h.flash(w, "events.flash.exception")
	}
	redirect(w, r, "/admin/"+org.Handle+"/events/"+r.PathValue("id")+"#occurrences")
	return nil
}

func (h *Handler) eventExceptionDelete(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	acct, _ := accountFrom(ctx)
	err := h.app.Events.RemoveException(ctx, acct.ID, org.ID, r.PathValue("id"), r.PathValue("xid"))
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return err
	}
	h.flash(w, "events.flash.exception_removed")
	redirect(w, r, "/admin/"+org.Handle+"/events/"+r.PathValue("id")+"#occurrences")
	return nil
}

// countsByName keys registration counts by status name, for templates.
func countsByName(counts map[model.RegStatus]int) map[string]int {
	out := map[string]int{}
	for k, v := range counts {
		out[string(k)] = v
	}
	return out
}
