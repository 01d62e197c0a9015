package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app/console"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/officehours"
	"github.com/parvis/parvis/internal/reqinfo"
)

// availabilityNotice is what the out-of-hours partial shows.
type availabilityNotice struct {
	console.Availability
	Next string // the next opening, worded for the reader
}

func (h *Handler) availability(r *http.Request, orgID string) (*availabilityNotice, error) {
	av, err := h.app.Console.Availability(r.Context(), orgID, h.app.Now())
	if err != nil {
		return nil, err
	}
	n := &availabilityNotice{Availability: av}
	if !av.NextOpening.IsZero() {
		n.Next = formatDate(lang(r), av.NextOpening, true)
	}
	return n, nil
}

// permanenceView is the public office hours page.
type permanenceView struct {
	Days     []permanenceDay
	Closures []model.OfficeClosure
	Holidays []officehours.Holiday
	Year     int
	Avail    *availabilityNotice
}

type permanenceDay struct {
	Weekday time.Weekday
	Spans   string
}

func (h *Handler) permanence(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	sched, settings, err := h.app.Console.Schedule(r.Context(), nil, org.ID)
	if err != nil {
		return err
	}
	now := h.app.Now().In(paris)
	d := permanenceView{Year: now.Year()}
	for _, wd := range console.WeekdayOrder {
		d.Days = append(d.Days, permanenceDay{Weekday: wd, Spans: officehours.FormatSpans(sched.Week[wd])})
	}
	if settings.Holidays {
		d.Holidays = officehours.FrenchHolidays(now.Year())
	}
	if d.Closures, err = h.app.PublicClosures(r.Context(), org.ID, now.Format("2006-01-02")); err != nil {
		return err
	}
	if d.Avail, err = h.availability(r, org.ID); err != nil {
		return err
	}
	noStore(w) // "open now" changes by the minute
	h.render(w, r, http.StatusOK, "console/permanence", h.view(r, "console.permanence.title", d))
	return nil
}

// rightsRequest tells the data protection rights form from the question
// form: the same page and use case, with the right asked for.
func rightsRequest(r *http.Request) bool {
	return strings.HasSuffix(r.URL.Path, "/donnees-personnelles/demande")
}

// askView is the "poser une question" page.
type askView struct {
	Pub      *model.Publication
	Services []model.Service
	Action   string
	Avail    *availabilityNotice
	Token    string
	Asked    *console.Asked
	Received string
	LegalDue string
	// Rights lists the data protection rights to choose from ("" first)
	// when the form is a rights request (/{org}/donnees-personnelles/demande).
	Rights []string
}

func (h *Handler) askData(r *http.Request) (*askView, error) {
	org, _ := orgFrom(r.Context())
	d := &askView{Action: "/" + org.Handle + "/question"}
	if rightsRequest(r) {
		d.Action, d.Rights = "/"+org.Handle+"/donnees-personnelles/demande", append([]string{""}, model.DataRights...)
	}
	if slug := r.PathValue("slug"); slug != "" {
		p, err := h.app.Publishing.PublishedPublication(r.Context(), org.ID, slug)
		if err != nil {
			return nil, err
		}
		d.Pub, d.Action = &p, "/"+org.Handle+"/p/"+p.Slug+"/question"
	}
	var err error
	if d.Services, err = h.app.PublicServices(r.Context(), org.ID); err != nil {
		return nil, err
	}
	if d.Avail, err = h.availability(r, org.ID); err != nil {
		return nil, err
	}
	d.Token, _ = core.NewSecret()
	return d, nil
}

func askTitle(d *askView) string {
	if d.Rights != nil {
		return "privacy.request.title"
	}
	return "console.ask.title"
}

func (h *Handler) askForm(w http.ResponseWriter, r *http.Request) error {
	d, err := h.askData(r)
	if err != nil {
		return err
	}
	f := emptyForm()
	if a, ok := accountFrom(r.Context()); ok {
		f.Values.Set("name", a.DisplayName)
	}
	org, _ := orgFrom(r.Context())
	if slug := r.URL.Query().Get("service"); slug != "" {
		for _, s := range d.Services {
			if s.Slug == slug && s.OrgID == org.ID {
				f.Values.Set("service", s.ID)
			}
		}
	}
	v := h.view(r, askTitle(d), d)
	v.Form = f
	noStore(w)
	h.render(w, r, http.StatusOK, "console/ask", v)
	return nil
}

func (h *Handler) ask(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	d, err := h.askData(r)
	if err != nil {
		return err
	}
	org, _ := orgFrom(r.Context())
	in := console.NewRequest{Org: org, Name: f.Value("name"), Email: f.Value("email"), Body: f.Value("body"), Publication: d.Pub,
		ServiceID: f.Value("service"), IdemKey: f.Value("idem"), Lang: lang(r), IP: reqinfo.ClientIP(r)}
	if rightsRequest(r) {
		in.Rights, in.Right, in.ServiceID = true, f.Value("right"), ""
	}
	if a, ok := accountFrom(r.Context()); ok {
		in.Account = &a
	}
	asked, err := h.app.Console.AskQuestion(r.Context(), in)
	if err != nil {
		status := http.StatusUnprocessableEntity
		var limited *core.FormLimitError
		switch {
		case errors.As(err, &limited):
			f.General, status = "forms.error.too_many", http.StatusTooManyRequests
			w.Header().Set("Retry-After", strconv.Itoa(int(limited.Wait.Seconds())))
		case !f.Absorb(err):
			return err
		}
		v := h.view(r, askTitle(d), d)
		v.Form = f
		noStore(w)
		h.render(w, r, status, "console/ask", v)
		return nil
	}
	d.Asked = &asked
	d.Received = formatDate(lang(r), asked.Request.CreatedAt, true)
	if asked.Item.LegalDueAt != nil {
		d.LegalDue = formatDate(lang(r), *asked.Item.LegalDueAt, false)
	}
	if asked.Duplicate {
		// The same form sent twice: the first request stands, and the
		// notice reflects the time it was received.
		if av, err := h.app.Console.Availability(r.Context(), org.ID, asked.Request.CreatedAt); err == nil {
			d.Avail.Availability = av
		} else if !errors.Is(err, model.ErrNotFound) {
			return err
		}
	}
	noStore(w)
	h.render(w, r, http.StatusOK, "console/asked", h.view(r, "console.asked.title", d))
	return nil
}
