package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/events"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/ical"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/reqinfo"
)

// What residents see of events: the event page (at the publication's URL),
// registration, the agenda of the organisation, of a topic and of a
// neighbourhood, a month view without JavaScript, and iCalendar feeds.

// eventSiteRoutes registers the public event pages on the organisation
// site mux (see orgSiteRoutes).
func (h *Handler) eventSiteRoutes(site *http.ServeMux) {
	site.Handle("GET /{org}/agenda", h.cachedPage(h.agendaPage))
	site.Handle("GET /{org}/agenda/{year}/{month}", h.cachedPage(h.monthPage))
	site.Handle("GET /{org}/agenda.ics", h.cachedPage(h.icsFeed))
	site.Handle("GET /{org}/themes/{slug}/agenda", h.cachedPage(h.agendaPage))
	site.Handle("GET /{org}/themes/{slug}/agenda.ics", h.cachedPage(h.icsFeed))
	site.Handle("GET /{org}/quartiers/{slug}/agenda", h.cachedPage(h.agendaPage))
	site.Handle("GET /{org}/quartiers/{slug}/agenda.ics", h.cachedPage(h.icsFeed))
	site.Handle("GET /{org}/p/{slug}/calendrier.ics", h.cachedPage(h.eventICS))
	site.Handle("POST /{org}/p/{slug}/inscription", h.orgPage(h.registerPost))
	site.Handle("POST /{org}/p/{slug}/desinscription", h.orgPage(h.unregisterOwn))
	site.Handle("GET /{org}/inscription/{token}", h.orgPage(h.registrationPage))
	site.Handle("POST /{org}/inscription/{token}/annuler", h.orgPage(h.registrationCancel))
	site.Handle("GET /{org}/inscription/{token}/confirmer", h.orgPage(h.registrationConfirmPage))
	site.Handle("POST /{org}/inscription/{token}/confirmer", h.orgPage(h.registrationConfirm))
}

// EventPageData is the public page of an event.
type EventPageData struct {
	Meta           Meta
	Pub            model.Publication
	Event          model.Event
	Body           template.HTML
	Topics         []model.Topic
	Neighbourhoods []model.Neighbourhood
	Image          *model.Media
	When           string // in words
	Repeats        string // "chaque samedi"
	Next           []OccurrenceView
	Over           bool
	Organiser      string
	OSM            string // OpenStreetMap link (no map tiles are loaded)
	Taken, Left    int
	Full           bool
	Closed         string // catalogue key of why registration is closed; "" when open
	Mine           *model.Registration
	Share          ShareLinks
	Comments       *commentSection
	QR             template.HTML // the poster only
}

// OccurrenceView is one date in a list.
type OccurrenceView struct {
	model.Occurrence
	When string
}

// osmLink points to OpenStreetMap: at the coordinates when known, else a
// search for the address. Only a link: no tiles, no script from elsewhere.
func osmLink(e model.Event) string {
	if e.Lat != nil && e.Lon != nil {
		la, lo := strconv.FormatFloat(*e.Lat, 'f', 5, 64), strconv.FormatFloat(*e.Lon, 'f', 5, 64)
		return "https://www.openstreetmap.org/?mlat=" + la + "&mlon=" + lo + "#map=18/" + la + "/" + lo
	}
	q := strings.TrimSpace(strings.Join([]string{e.PlaceName, e.PlaceAddress}, " "))
	if q == "" || e.Attendance == model.AttendOnline {
		return ""
	}
	return "https://www.openstreetmap.org/search?query=" + url.QueryEscape(q)
}

func (h *Handler) eventPage(w http.ResponseWriter, r *http.Request, ev *isEvent) error {
	return h.renderEvent(w, r, ev, emptyForm(), http.StatusOK)
}

// loadEventData builds the page's data (also used to re-display the
// registration form with its errors).
func (h *Handler) loadEventData(r *http.Request, ev *isEvent) (*EventPageData, error) {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	now := h.app.Now()
	hints := hintsFrom(ctx)
	p := ev.Pub
	var reader *model.Account
	if a, ok := accountFrom(ctx); ok {
		reader = &a
	}
	pe, err := h.app.Events.PublicEvent(ctx, org.ID, p, reader)
	if err != nil {
		return nil, err
	}
	e, occs := pe.Event, pe.Occurrences
	l := lang(r)
	d := &EventPageData{Pub: p, Event: e, Topics: ev.Topics, Neighbourhoods: ev.Neighbourhoods,
		Body:      template.HTML(p.BodyHTML), //nolint:gosec // rendered and sanitized on save
		Organiser: events.OrganiserName(org, e), OSM: osmLink(e)}
	first := model.Occurrence{StartsAt: e.StartsAt, EndsAt: e.EndsAt}
	for _, o := range occs {
		if !o.Cancelled {
			first = o
			break
		}
	}
	d.Over = len(occs) == 0
	d.When = dates.EventWhen(l, first.StartsAt, first.EndsAt, e.AllDay, now)
	if e.Recurring() {
		d.Repeats = events.RecurrenceText(l, e)
		for _, o := range occs[:min(len(occs), 10)] {
			d.Next = append(d.Next, OccurrenceView{Occurrence: o, When: dates.EventWhen(l, o.StartsAt, o.EndsAt, e.AllDay, now)})
		}
	}
	// The page changes by itself when an occurrence ends or registration closes.
	if len(occs) > 0 {
		hints.expireAt(occs[0].EndsAt, now)
	}
	if e.RegistrationDeadline != nil {
		hints.expireAt(*e.RegistrationDeadline, now)
	}
	hints.modified(lastChange(p))
	hints.modified(e.UpdatedAt)
	d.Image = pe.Image
	if e.Registers() {
		d.Taken, d.Mine = pe.Taken, pe.Mine
		d.Left = max(e.Capacity-d.Taken, 0)
		d.Full = d.Left == 0
		switch {
		case e.Status == model.EventCancelled:
			d.Closed = "events.register.cancelled"
		case d.Over:
			d.Closed = "events.register.over"
		case e.RegistrationDeadline != nil && now.After(*e.RegistrationDeadline):
			d.Closed = "events.register.deadline_passed"
		}
	}
	canonical := h.abs(pubPath(org, p.Slug))
	d.Share = shareLinks(canonical, p.Title, pubPath(org, p.Slug)+"/mastodon")
	modified := lastChange(p)
	d.Meta = Meta{Canonical: canonical, Description: firstNonEmpty(p.Summary, d.When), OGType: "website",
		Published: p.PublishedAt, Modified: &modified, JSONLD: h.eventJSONLD(org, d, first)}
	if d.Image != nil {
		d.Meta.Image = h.abs("/media/" + d.Image.Path)
	}
	return d, nil
}

func (h *Handler) renderEvent(w http.ResponseWriter, r *http.Request, ev *isEvent, f *Form, status int) error {
	d, err := h.loadEventData(r, ev)
	if err != nil {
		return err
	}
	org, _ := orgFrom(r.Context())
	if d.Comments, err = h.commentSection(r, org, d.Pub); err != nil {
		return err
	}
	if _, signedIn := accountFrom(r.Context()); !signedIn && f.Value("waitlist") == "" && len(f.Values) == 0 {
		f.Values.Set("waitlist", "1")
	}
	v := h.view(r, d.Pub.Title, d)
	v.Form = f
	d.Meta.Feeds = []FeedLink{{Type: "text/calendar", Title: d.Pub.Title, Label: "iCalendar", Href: pubPath(org, d.Pub.Slug) + "/calendrier.ics"}}
	h.render(w, r, status, "events/event", v)
	return nil
}

// eventPosterPage is the print version of an event for the notice board
// and the shop windows: what, when, where, price and registration, and a QR
// code to the event's page where one registers.
func (h *Handler) eventPosterPage(w http.ResponseWriter, r *http.Request, ev *isEvent) error {
	d, err := h.loadEventData(r, ev)
	if err != nil {
		return err
	}
	return h.renderPoster(w, r, "events/poster", d.Pub.Title, d.Meta.Canonical, &d.QR, d)
}

// eventJSONLD describes the event for search engines (schema.org Event).
func (h *Handler) eventJSONLD(o model.Organisation, d *EventPageData, occ model.Occurrence) map[string]any {
	e := d.Event
	layout := time.RFC3339
	if e.AllDay {
		layout = "2006-01-02"
	}
	end := occ.EndsAt
	if e.AllDay {
		end = end.Add(-time.Second)
	}
	m := map[string]any{"@context": "https://schema.org", "@type": "Event", "name": d.Pub.Title, "url": h.abs(pubPath(o, d.Pub.Slug)),
		"startDate": occ.StartsAt.In(paris).Format(layout), "endDate": end.In(paris).Format(layout),
		"organizer": map[string]any{"@type": "Organization", "name": d.Organiser}, "inLanguage": "fr"}
	if d.Pub.Summary != "" {
		m["description"] = d.Pub.Summary
	}
	switch e.Status {
	case model.EventCancelled:
		m["eventStatus"] = "https://schema.org/EventCancelled"
	case model.EventPostponed:
		m["eventStatus"] = "https://schema.org/EventPostponed"
	default:
		m["eventStatus"] = "https://schema.org/EventScheduled"
	}
	place := map[string]any{"@type": "Place", "name": e.PlaceName}
	if e.PlaceAddress != "" {
		place["address"] = map[string]any{"@type": "PostalAddress", "streetAddress": e.PlaceAddress, "addressCountry": "FR"}
	}
	if e.Lat != nil && e.Lon != nil {
		place["geo"] = map[string]any{"@type": "GeoCoordinates", "latitude": *e.Lat, "longitude": *e.Lon}
	}
	virtual := map[string]any{"@type": "VirtualLocation", "url": e.OnlineURL}
	switch e.Attendance {
	case model.AttendOnline:
		m["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
		m["location"] = virtual
	case model.AttendHybrid:
		m["eventAttendanceMode"] = "https://schema.org/MixedEventAttendanceMode"
		m["location"] = []any{place, virtual}
	default:
		m["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
		m["location"] = place
	}
	if d.Image != nil {
		m["image"] = h.abs("/media/" + d.Image.Path)
	}
	offer := map[string]any{"@type": "Offer", "url": h.abs(pubPath(o, d.Pub.Slug)), "priceCurrency": "EUR"}
	if e.Free {
		offer["price"] = "0"
	} else {
		offer["description"] = e.Price
	}
	if e.Registers() {
		if d.Full {
			offer["availability"] = "https://schema.org/SoldOut"
		} else {
			offer["availability"] = "https://schema.org/InStock"
		}
		m["maximumAttendeeCapacity"] = e.Capacity
		m["remainingAttendeeCapacity"] = d.Left
	}
	m["offers"] = offer
	return m
}

// eventBySlug loads a published event for the POST handlers.
func (h *Handler) eventBySlug(r *http.Request) (*isEvent, error) {
	org, _ := orgFrom(r.Context())
	p, topics, nbs, err := h.app.Publishing.PublishedBySlug(r.Context(), org.ID, r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	if p.Kind != model.KindEvent {
		return nil, model.ErrNotFound
	}
	return &isEvent{Pub: p, Topics: topics, Neighbourhoods: nbs}, nil
}

// registerPost registers the person (signed in, or with an e-mail address).
func (h *Handler) registerPost(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	ev, err := h.eventBySlug(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return model.ErrInvalid
	}
	f := newForm(r)
	in := events.RegisterInput{Email: f.Value("email"), Name: f.Value("name"), Seats: f.Value("seats"),
		Waitlist: f.Value("waitlist") != "", Lang: lang(r), Answers: map[string]string{}, IP: reqinfo.ClientIP(r)}
	for k := range f.Values {
		if id, ok := strings.CutPrefix(k, "q_"); ok {
			in.Answers[id] = f.Value(k)
		}
	}
	if a, ok := accountFrom(ctx); ok {
		in.AccountID = a.ID
		if in.Name == "" {
			in.Name = a.DisplayName
		}
	}
	res, err := h.app.Events.Register(ctx, org.ID, ev.Pub.ID, in)
	var limited *core.FormLimitError
	if errors.As(err, &limited) {
		f.General = "forms.error.too_many"
		w.Header().Set("Retry-After", strconv.Itoa(int(limited.Wait.Seconds())))
		return h.renderEvent(w, r, ev, f, http.StatusTooManyRequests)
	}
	if f.Absorb(err) {
		f.General = "events.register.error.summary"
		if f.Errors["registration"] != "" {
			f.General = f.Errors["registration"]
		}
		return h.renderEvent(w, r, ev, f, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	switch {
	case res.Pending:
		h.flash(w, "events.flash.pending")
	case res.Registration.Status == model.RegWaiting:
		h.flash(w, "events.flash.waiting")
	default:
		h.flash(w, "events.flash.registered")
	}
	redirect(w, r, pubPath(org, ev.Pub.Slug)+"#inscription")
	return nil
}

// unregisterOwn cancels the signed-in person's registration.
func (h *Handler) unregisterOwn(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	a, ok := accountFrom(ctx)
	if !ok {
		return model.ErrUnauthorized
	}
	ev, err := h.eventBySlug(r)
	if err != nil {
		return err
	}
	if _, err := h.app.Events.CancelOwnRegistration(ctx, a.ID, org.ID, ev.Pub.ID); err != nil && !errors.Is(err, model.ErrNotFound) {
		return err
	}
	h.flash(w, "events.flash.cancelled")
	redirect(w, r, pubPath(org, ev.Pub.Slug)+"#inscription")
	return nil
}

// RegistrationPageData is the page a registration's e-mailed link opens.
type RegistrationPageData struct {
	Reg   model.Registration
	Pub   model.Publication
	Event model.Event
	When  string
	Token string
	Done  string // catalogue key of what just happened
}

func (h *Handler) registrationData(r *http.Request) (*RegistrationPageData, error) {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	token := r.PathValue("token")
	reg, err := h.app.Events.RegistrationByLink(ctx, token)
	if err != nil || reg.OrgID != org.ID {
		return nil, model.ErrNotFound
	}
	p, e, err := h.app.Events.EventOf(ctx, org.ID, reg.EventID)
	if err != nil {
		return nil, err
	}
	return &RegistrationPageData{Reg: reg, Pub: p, Event: e, Token: token,
		When: dates.EventWhen(lang(r), e.StartsAt, e.EndsAt, e.AllDay, h.app.Now())}, nil
}

func (h *Handler) renderRegistration(w http.ResponseWriter, r *http.Request, d *RegistrationPageData, page string) error {
	v := h.view(r, d.Pub.Title, d)
	v.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer") // the URL holds a secret
	h.render(w, r, http.StatusOK, page, v)
	return nil
}

func (h *Handler) registrationPage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.registrationData(r)
	if err != nil {
		return err
	}
	return h.renderRegistration(w, r, d, "events/registration")
}

func (h *Handler) registrationCancel(w http.ResponseWriter, r *http.Request) error {
	reg, err := h.app.Events.CancelRegistration(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	org, _ := orgFrom(r.Context())
	if reg.OrgID != org.ID {
		return model.ErrNotFound
	}
	d, err := h.registrationData(r)
	if err != nil {
		return err
	}
	d.Done = "events.registration.cancelled_now"
	return h.renderRegistration(w, r, d, "events/registration")
}

func (h *Handler) registrationConfirmPage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.registrationData(r)
	if err != nil {
		return err
	}
	return h.renderRegistration(w, r, d, "events/confirm")
}

func (h *Handler) registrationConfirm(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	reg, err := h.app.Events.ConfirmRegistration(r.Context(), r.PathValue("token"))
	var fe *model.FieldError
	if errors.As(err, &fe) {
		d, derr := h.registrationData(r)
		if derr != nil {
			return derr
		}
		d.Done = fe.Code
		return h.renderRegistration(w, r, d, "events/registration")
	}
	if err != nil {
		return err
	}
	if reg.OrgID != org.ID {
		return model.ErrNotFound
	}
	redirect(w, r, "/"+org.Handle+"/inscription/"+r.PathValue("token"))
	return nil
}

// AgendaData is a list of upcoming occurrences.
type AgendaData struct {
	Meta    Meta
	Heading string
	Intro   string
	Days    []AgendaDay
	Pager   Pager
	ICS     string // the feed of this agenda
	Month   string // link to this month's calendar
	Scope   string // "org", "topic", "neighbourhood"
}

// AgendaDay groups the occurrences of one day.
type AgendaDay struct {
	Date  string // "samedi 14 mars"
	ISO   string
	Items []AgendaLine
}

// AgendaLine is one occurrence in an agenda.
type AgendaLine struct {
	model.AgendaItem
	When    string
	Full    bool
	Left    int
	Repeats string
}

// scopeOf reads the agenda's topic or neighbourhood from the URL.
func (h *Handler) scopeOf(r *http.Request) (f model.AgendaFilter, heading, intro, base, scope string, err error) {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	f.OrgID = org.ID
	slug := r.PathValue("slug")
	switch {
	case strings.Contains(r.URL.Path, "/themes/"):
		t, err := h.app.Publishing.TopicBySlug(ctx, org.ID, slug)
		if err != nil {
			return f, "", "", "", "", err
		}
		f.TopicIDs = []string{t.ID}
		return f, h.cat.T(lang(r), "events.agenda.of", t.Name), t.Description, orgPath(org) + "themes/" + t.Slug + "/agenda", "topic", nil
	case strings.Contains(r.URL.Path, "/quartiers/"):
		n, err := h.app.Publishing.NeighbourhoodBySlug(ctx, org.ID, slug)
		if err != nil {
			return f, "", "", "", "", err
		}
		f.NeighbourhoodIDs = []string{n.ID}
		return f, h.cat.T(lang(r), "events.agenda.of", n.Name), n.Description, orgPath(org) + "quartiers/" + n.Slug + "/agenda", "neighbourhood", nil
	}
	return f, h.cat.T(lang(r), "events.agenda.title"), "", orgPath(org) + "agenda", "org", nil
}

func (h *Handler) agendaPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	page, err := pageParam(r)
	if err != nil {
		return err
	}
	f, heading, intro, base, scope, err := h.scopeOf(r)
	if err != nil {
		return err
	}
	now := h.app.Now()
	f.From, f.WithCancelled, f.Limit, f.Offset = now, true, pageSize+1, (page-1)*pageSize
	items, err := h.app.Events.Agenda(ctx, f)
	if err != nil {
		return err
	}
	more := len(items) > pageSize
	if more {
		items = items[:pageSize]
	}
	if page > 1 && len(items) == 0 {
		return model.ErrNotFound
	}
	d := &AgendaData{Heading: heading, Intro: intro, Pager: newPager(base, page, more, nil), ICS: base + ".ics", Scope: scope}
	if scope == "org" {
		d.Month = base + now.In(paris).Format("/2006/01")
	}
	d.Days = h.agendaDays(r, items, now)
	d.Meta = Meta{Canonical: h.abs(base), Description: intro, OGType: "website"}
	if page > 1 {
		d.Meta.Canonical += "?page=" + strconv.Itoa(page)
	}
	d.Meta.Feeds = []FeedLink{{Type: "text/calendar", Title: heading, Label: "iCalendar", Href: d.ICS}}
	h.render(w, r, http.StatusOK, "events/agenda", h.view(r, heading, d))
	return nil
}

// agendaDays groups items by Paris day and tells the cache when the list
// changes by itself (the first occurrence ends).
func (h *Handler) agendaDays(r *http.Request, items []model.AgendaItem, now time.Time) []AgendaDay {
	l := lang(r)
	hints := hintsFrom(r.Context())
	var days []AgendaDay
	for _, it := range items {
		hints.expireAt(it.EndsAt, now)
		hints.modified(it.Event.UpdatedAt)
		day := it.StartsAt.In(paris)
		if day.Before(now.In(paris)) {
			day = now.In(paris) // started already: listed today
		}
		iso := day.Format("2006-01-02")
		if len(days) == 0 || days[len(days)-1].ISO != iso {
			days = append(days, AgendaDay{ISO: iso, Date: dayTitle(l, day, now)})
		}
		days[len(days)-1].Items = append(days[len(days)-1].Items, agendaLine(l, it, now))
	}
	return days
}

// agendaLine is an occurrence as a list shows it: its date in words, its
// places left, how it repeats.
func agendaLine(l string, it model.AgendaItem, now time.Time) AgendaLine {
	line := AgendaLine{AgendaItem: it, When: dates.EventWhen(l, it.StartsAt, it.EndsAt, it.Event.AllDay, now)}
	if it.Event.Registers() {
		line.Left = max(it.Event.Capacity-it.Taken, 0)
		line.Full = line.Left == 0
	}
	if it.Event.Recurring() {
		line.Repeats = events.RecurrenceText(l, it.Event)
	}
	return line
}

// upcoming is the next n occurrences of the organisation's agenda (the
// home page's "À venir"); the cache expires when the first one ends.
func (h *Handler) upcoming(r *http.Request, orgID string, n int) ([]AgendaLine, error) {
	ctx := r.Context()
	now := h.app.Now()
	items, err := h.app.Events.Agenda(ctx, model.AgendaFilter{OrgID: orgID, From: now, Limit: n})
	if err != nil {
		return nil, err
	}
	hints := hintsFrom(ctx)
	out := make([]AgendaLine, 0, len(items))
	for _, it := range items {
		hints.expireAt(it.EndsAt, now)
		hints.modified(it.Event.UpdatedAt)
		out = append(out, agendaLine(lang(r), it, now))
	}
	return out, nil
}

func dayTitle(l string, t, now time.Time) string {
	if l == "en" {
		if t.Year() != now.In(paris).Year() {
			return t.Format("Monday 2 January 2006")
		}
		return t.Format("Monday 2 January")
	}
	s := dates.DayFR(t)
	if t.Year() != now.In(paris).Year() {
		s += fmt.Sprintf(" %d", t.Year())
	}
	return s
}

// MonthData is the calendar of one month.
type MonthData struct {
	Meta       Meta
	Title      string // "mars 2026"
	Weeks      [][]MonthCell
	Prev, Next string
	List       string
	Empty      bool
	Weekdays   []int // column order, Monday first
}

// MonthCell is one day of the calendar grid.
type MonthCell struct {
	Day   int // 0 outside the month
	ISO   string
	Label string // for screen readers
	Today bool
	Items []AgendaLine
}

const (
	minYear = 2000
	maxYear = 2100
)

func (h *Handler) monthPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	y, err1 := strconv.Atoi(r.PathValue("year"))
	m, err2 := strconv.Atoi(r.PathValue("month"))
	if err1 != nil || err2 != nil || y < minYear || y > maxYear || m < 1 || m > 12 || len(r.PathValue("month")) != 2 {
		return model.ErrNotFound
	}
	now := h.app.Now()
	first := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, paris)
	next := first.AddDate(0, 1, 0)
	items, err := h.app.Events.Agenda(ctx, model.AgendaFilter{OrgID: org.ID, From: first.UTC(), To: next.UTC(), WithCancelled: true, Limit: 1000})
	if err != nil {
		return err
	}
	l := lang(r)
	byDay := map[int][]AgendaLine{}
	hints := hintsFrom(ctx)
	for _, it := range items {
		hints.modified(it.Event.UpdatedAt)
		// An event spanning several days shows on each of them.
		s, e := it.StartsAt.In(paris), it.EndsAt.In(paris).Add(-time.Second)
		for d := time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, paris); !d.After(e); d = d.AddDate(0, 0, 1) {
			if d.Month() == time.Month(m) && d.Year() == y {
				line := AgendaLine{AgendaItem: it, When: dates.Hour(it.StartsAt)}
				if it.Event.AllDay {
					line.When = ""
				}
				byDay[d.Day()] = append(byDay[d.Day()], line)
			}
		}
	}
	// The grid starts on Monday, as French calendars do.
	lead := (int(first.Weekday()) + 6) % 7
	days := next.AddDate(0, 0, -1).Day()
	d := &MonthData{List: orgPath(org) + "agenda", Empty: len(items) == 0, Weekdays: []int{1, 2, 3, 4, 5, 6, 0}}
	var week []MonthCell
	for i := 0; i < lead; i++ {
		week = append(week, MonthCell{})
	}
	today := now.In(paris)
	for day := 1; day <= days; day++ {
		t := time.Date(y, time.Month(m), day, 0, 0, 0, 0, paris)
		week = append(week, MonthCell{Day: day, ISO: t.Format("2006-01-02"), Label: dayTitle(l, t, t), Items: byDay[day],
			Today: today.Year() == y && int(today.Month()) == m && today.Day() == day})
		if len(week) == 7 {
			d.Weeks = append(d.Weeks, week)
			week = nil
		}
	}
	if len(week) > 0 {
		for len(week) < 7 {
			week = append(week, MonthCell{})
		}
		d.Weeks = append(d.Weeks, week)
	}
	d.Title = monthLabel(l, first)
	prev := first.AddDate(0, -1, 0)
	if prev.Year() >= minYear {
		d.Prev = orgPath(org) + "agenda/" + prev.Format("2006/01")
	}
	if next.Year() <= maxYear {
		d.Next = orgPath(org) + "agenda/" + next.Format("2006/01")
	}
	d.Meta = Meta{Canonical: h.abs(orgPath(org) + "agenda/" + first.Format("2006/01")), OGType: "website"}
	v := h.view(r, h.cat.T(l, "events.month.title", d.Title), d)
	// Months without events are not worth indexing (and are infinite).
	v.NoIndex = d.Empty
	h.render(w, r, http.StatusOK, "events/month", v)
	return nil
}

// feedSince keeps the last month in feeds, so that a calendar that syncs
// rarely still sees recent events end properly.
const feedSince = 31 * 24 * time.Hour

// maxFeedEvents bounds a feed (series count once).
const maxFeedEvents = 2000

func (h *Handler) icsFeed(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	f, heading, _, base, _, err := h.scopeOf(r)
	if err != nil {
		return err
	}
	topic, nb := "", ""
	if len(f.TopicIDs) > 0 {
		topic = f.TopicIDs[0]
	}
	if len(f.NeighbourhoodIDs) > 0 {
		nb = f.NeighbourhoodIDs[0]
	}
	now := h.app.Now()
	evs, err := h.app.Events.FeedEvents(ctx, org.ID, topic, nb, now.Add(-feedSince), maxFeedEvents)
	if err != nil {
		return err
	}
	cal := ical.Calendar{ProdID: "-//Parvis//Agenda//FR", Name: heading + " — " + org.Name, URL: h.abs(base)}
	hints := hintsFrom(ctx)
	for _, fe := range evs {
		cal.Events = append(cal.Events, h.app.Events.ICalEvent(org, fe.Pub, fe.Event, fe.Exceptions, nil))
		hints.modified(fe.Event.UpdatedAt)
		hints.modified(lastChange(fe.Pub))
	}
	w.Header().Set("Content-Type", ical.ContentType)
	_, err = w.Write(ical.Write(cal))
	return err
}

// eventICS is the "add to my calendar" file of one event.
func (h *Handler) eventICS(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	ev, err := h.eventBySlug(r)
	if err != nil {
		return err
	}
	e, xs, err := h.app.Events.EventCalendar(ctx, org.ID, ev.Pub.ID)
	if err != nil {
		return err
	}
	var cats []string
	for _, t := range ev.Topics {
		cats = append(cats, t.Name)
	}
	hintsFrom(ctx).modified(e.UpdatedAt)
	cal := ical.Calendar{ProdID: "-//Parvis//Evenement//FR", Method: "PUBLISH",
		Events: []ical.Event{h.app.Events.ICalEvent(org, ev.Pub, e, xs, cats)}}
	w.Header().Set("Content-Type", ical.ContentType)
	// The cache keeps the body and the type only: the file name comes from
	// the URL (calendrier.ics), which calendar apps and browsers accept.
	_, err = w.Write(ical.Write(cal))
	return err
}
