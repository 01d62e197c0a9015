package events

import (
	"context"
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/ical"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/recur"
	"github.com/parvis/parvis/internal/store"
	"rsc.io/qr"
)

// The e-mails about an event (confirmations, reminders, changes), with
// their calendar attachment and the wording of dates and series.

// eventMailExtra carries what some messages add.
type eventMailExtra struct {
	Subject, Body, Note, Occurrence string
}

// EventMail is the data of every event e-mail.
type EventMail struct {
	Name, Title, When, Place, Org string
	// Greeted: the staff's message opens with its own greeting, so the
	// e-mail does not say "Bonjour" twice.
	Greeted                         bool
	Link, ConfirmLink, CancelLink   string
	Code, CheckinLink               string
	QR                              template.HTML
	Seats                           int
	Subject, Body, Note, Occurrence string
}

func (s *Service) eventMail(o model.Organisation, p model.Publication, ev model.Event, r model.Registration, secret string, x eventMailExtra) EventMail {
	base := s.BaseURL + "/" + o.Handle
	d := EventMail{Name: r.Name, Title: p.Title, When: dates.EventWhen(r.Lang, ev.StartsAt, ev.EndsAt, ev.AllDay, s.Now()),
		Place: strings.TrimSpace(strings.Join(nonEmpty(ev.PlaceName, ev.PlaceAddress), ", ")), Org: o.Name,
		Link: base + "/p/" + p.Slug, Code: r.Code, Seats: r.Seats,
		Subject: x.Subject, Body: x.Body, Note: x.Note, Occurrence: x.Occurrence, Greeted: mail.StartsWithGreeting(x.Body)}
	if ev.Recurring() {
		d.When = RecurrenceText(r.Lang, ev) + " — " + d.When
	}
	if secret != "" {
		d.ConfirmLink = base + "/inscription/" + secret + "/confirmer"
		d.CancelLink = base + "/inscription/" + secret
	}
	if r.Code != "" {
		d.CheckinLink = s.BaseURL + "/admin/" + o.Handle + "/events/" + ev.PublicationID + "/checkin?code=" + url.QueryEscape(r.Code)
		d.QR = qrTable(d.CheckinLink)
	}
	return d
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// qrTable draws a QR code as an HTML table: e-mail clients show it without
// loading any image (many block images by default).
func qrTable(text string) template.HTML {
	code, err := qr.Encode(text, qr.L)
	if err != nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<table role="img" aria-label="QR code" cellpadding="0" cellspacing="0" style="border-collapse:collapse;border:12px solid #fff;background:#fff">`)
	for y := 0; y < code.Size; y++ {
		b.WriteString("<tr>")
		for x := 0; x < code.Size; x++ {
			c := "#fff"
			if code.Black(x, y) {
				c = "#000"
			}
			b.WriteString(`<td style="width:4px;height:4px;padding:0;background:` + c + `"></td>`)
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</table>")
	return template.HTML(b.String()) //nolint:gosec // fixed markup and colours only
}

// notifyParticipants e-mails every confirmed and waiting participant with
// message name (event_cancelled, event_postponed, event_changed…).
func (s *Service) notifyParticipants(ctx context.Context, tx *store.Tx, ev model.Event, p model.Publication, name, note string) error {
	ids, err := tx.ActiveRegistrationIDs(ctx, ev.PublicationID)
	if err != nil || len(ids) == 0 {
		return err
	}
	x := eventMailExtra{Note: note}
	if name == "event_occurrence_changed" {
		x = eventMailExtra{Occurrence: note}
	}
	return s.mailRegistrations(ctx, tx, ev, p, ids, name, x)
}

func (s *Service) mailRegistrations(ctx context.Context, tx *store.Tx, ev model.Event, p model.Publication, ids []string, name string, x eventMailExtra) error {
	o, err := tx.OrganisationByID(ctx, ev.OrgID)
	if err != nil {
		return err
	}
	var att *mail.Attachment
	if name == "event_changed" || name == "event_scheduled" {
		xs, err := tx.EventExceptions(ctx, ev.PublicationID)
		if err != nil {
			return err
		}
		att = s.icsAttachment(o, p, ev, xs)
	}
	for _, id := range ids {
		r, err := tx.RegistrationByID(ctx, ev.OrgID, id)
		if err != nil {
			return err
		}
		secret, hash := core.NewSecret()
		if err := tx.SetRegistrationToken(ctx, r.ID, hash); err != nil {
			return err
		}
		if err := s.sendMailWith(ctx, tx, o, r.Email, r.Lang, name, s.eventMail(o, p, ev, r, secret, x), att); err != nil {
			return err
		}
	}
	return nil
}

// sendMailWith is SendOrgMail with an optional attachment.
func (s *Service) sendMailWith(ctx context.Context, tx *store.Tx, o model.Organisation, to, lang, name string, data any, att *mail.Attachment) error {
	if att == nil {
		return s.SendOrgMail(ctx, tx, o, to, lang, name, data)
	}
	r, err := s.Mail.Render(name, lang, data)
	if err != nil {
		return err
	}
	return s.Jobs.Mail(ctx, tx, core.OrgMessage(o, mail.Message{To: to, Subject: r.Subject, Text: r.Text, HTML: r.HTML, Attachment: att}), s.Now())
}

func (s *Service) icsAttachment(o model.Organisation, p model.Publication, ev model.Event, xs []model.EventException) *mail.Attachment {
	cal := ical.Calendar{ProdID: "-//Parvis//Evenement//FR", Method: "PUBLISH",
		Events: []ical.Event{s.ICalEvent(o, p, ev, xs, nil)}}
	return &mail.Attachment{Name: p.Slug + ".ics", ContentType: "text/calendar; charset=utf-8; method=PUBLISH", Data: ical.Write(cal)}
}

// ICalEvent describes an event for a calendar: a VEVENT, with its rule,
// cancelled dates (EXDATE) and moved ones (RECURRENCE-ID).
func (s *Service) ICalEvent(o model.Organisation, p model.Publication, ev model.Event, xs []model.EventException, categories []string) ical.Event {
	host := "parvis"
	if u, err := url.Parse(s.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	stamp := ev.UpdatedAt
	if p.UpdatedAt.After(stamp) {
		stamp = p.UpdatedAt
	}
	e := ical.Event{UID: ical.UID(ev.PublicationID, host), Stamp: stamp, Start: ev.StartsAt, End: ev.EndsAt, AllDay: ev.AllDay,
		Summary: p.Title, Description: p.Summary, Location: strings.Join(nonEmpty(ev.PlaceName, ev.PlaceAddress), ", "),
		Lat: ev.Lat, Lon: ev.Lon, URL: s.BaseURL + "/" + o.Handle + "/p/" + p.Slug, Cancelled: ev.Status == model.EventCancelled,
		Categories: categories, Organizer: OrganiserName(o, ev), RRule: RRule(ev), Sequence: p.Revision - 1}
	if ev.OnlineURL != "" {
		e.Description = strings.TrimSpace(e.Description + "\n\n" + ev.OnlineURL)
	}
	if e.Description == "" {
		e.Description = e.URL
	} else {
		e.Description += "\n\n" + e.URL
	}
	if e.RRule != "" {
		for _, x := range xs {
			switch {
			case x.Kind == model.ExceptionCancel:
				e.ExDates = append(e.ExDates, x.OriginalStart)
			case x.StartsAt != nil && x.EndsAt != nil:
				e.Overrides = append(e.Overrides, ical.Override{OriginalStart: x.OriginalStart, Start: *x.StartsAt, End: *x.EndsAt})
			}
		}
	}
	return e
}

// OrganiserName is who the page credits.
func OrganiserName(o model.Organisation, ev model.Event) string {
	if ev.OrganiserKind != model.OrganiserOrg && ev.OrganiserName != "" {
		if ev.OrganiserKind == model.OrganiserService {
			return ev.OrganiserName + " — " + o.Name
		}
		return ev.OrganiserName
	}
	return o.Name
}

// RecurrenceText says how a series repeats: "chaque samedi", "le premier
// lundi de chaque mois", "tous les 2 jours".
func RecurrenceText(lang string, ev model.Event) string {
	r := ev.Recurrence
	n := max(r.Interval, 1)
	wd := ev.StartsAt.In(dates.Paris).Weekday()
	if lang == "en" {
		switch r.Freq {
		case "daily":
			if n == 1 {
				return "every day"
			}
			return fmt.Sprintf("every %d days", n)
		case "weekly":
			var days []string
			for _, d := range r.Weekdays {
				days = append(days, d.String())
			}
			if n == 1 {
				return "every " + strings.Join(days, ", ")
			}
			return fmt.Sprintf("every %d weeks on %s", n, strings.Join(days, ", "))
		case "monthly":
			if r.Nth != 0 {
				return fmt.Sprintf("the %s %s of every month", []string{"last", "", "first", "second", "third", "fourth"}[r.Nth+1], wd)
			}
			return fmt.Sprintf("every month on the %d", ev.StartsAt.In(dates.Paris).Day())
		}
		return ""
	}
	switch r.Freq {
	case "daily":
		if n == 1 {
			return "tous les jours"
		}
		return fmt.Sprintf("tous les %d jours", n)
	case "weekly":
		var days []string
		for _, d := range r.Weekdays {
			days = append(days, dates.WeekdayFR(d))
		}
		if n == 1 {
			return "chaque " + strings.Join(days, ", ")
		}
		return fmt.Sprintf("toutes les %d semaines, le %s", n, strings.Join(days, ", "))
	case "monthly":
		if r.Nth != 0 {
			return fmt.Sprintf("le %s %s de chaque mois", []string{"dernier", "", "premier", "deuxième", "troisième", "quatrième"}[r.Nth+1], dates.WeekdayFR(wd))
		}
		return fmt.Sprintf("le %s de chaque mois", dates.DayNumber(ev.StartsAt.In(dates.Paris).Day()))
	}
	return ""
}

// occurrenceWhen names one occurrence of a series in an e-mail.
func occurrenceWhen(start time.Time, ev model.Event) string {
	return dates.EventWhen("fr", start, recur.WallEnd(ev.StartsAt, ev.EndsAt, start, dates.Paris), ev.AllDay, start)
}
