package events

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/recur"
	"github.com/parvis/parvis/internal/store"
)

// Limits of event fields.
const (
	MaxQuestions = 5
	MaxSeats     = 10 // places one registration may take ("number of people")
	MaxCapacity  = 100_000
)

// EventInput is the event part of the editor, as typed.
type EventInput struct {
	StartDate, StartTime string // dates.LocalDate, "15:04"
	EndDate, EndTime     string
	AllDay               bool
	PlaceName            string
	PlaceAddress         string
	Lat, Lon             string
	Attendance           string
	OnlineURL            string
	AccessWheelchair     bool
	AccessSign           bool
	AccessLoop           bool
	AccessOther          string
	Free                 bool
	Price                string
	OrganiserKind        string
	OrganiserServiceID   string
	OrganiserName        string
	RecurFreq            string // "", daily, weekly, monthly
	RecurInterval        string
	RecurWeekdays        []string // "0".."6"
	RecurNth             string   // monthly: "", "1".."4", "-1"
	RecurUntil           string   // dates.LocalDate
	RecurCount           string
	JoinMode             string
	ExternalURL          string
	Capacity             string
	Deadline             string // dates.LocalDateTime
	AskSeats             bool   // ask "how many people"
	Questions            string // one free-text question per line
}

// EventInputOf fills the editor from an event.
func EventInputOf(e model.Event) EventInput {
	in := EventInput{AllDay: e.AllDay, PlaceName: e.PlaceName, PlaceAddress: e.PlaceAddress, Attendance: string(e.Attendance),
		OnlineURL: e.OnlineURL, AccessWheelchair: e.Access.Wheelchair, AccessSign: e.Access.SignLanguage,
		AccessLoop: e.Access.InductionLoop, AccessOther: e.Access.Other, Free: e.Free, Price: e.Price,
		OrganiserKind: string(e.OrganiserKind), OrganiserServiceID: e.OrganiserServiceID, JoinMode: string(e.JoinMode),
		ExternalURL: e.ExternalURL, RecurFreq: e.Recurrence.Freq}
	if e.OrganiserKind == model.OrganiserAssociation {
		in.OrganiserName = e.OrganiserName
	}
	s, end := e.StartsAt.In(dates.Paris), e.EndsAt.In(dates.Paris)
	if e.AllDay {
		end = end.AddDate(0, 0, -1) // the form shows the last day, the model keeps the day after
	}
	in.StartDate, in.EndDate = s.Format(dates.LocalDate), end.Format(dates.LocalDate)
	if !e.AllDay {
		in.StartTime, in.EndTime = s.Format("15:04"), end.Format("15:04")
	}
	if e.Lat != nil && e.Lon != nil {
		in.Lat, in.Lon = strconv.FormatFloat(*e.Lat, 'f', -1, 64), strconv.FormatFloat(*e.Lon, 'f', -1, 64)
	}
	if e.Recurrence.Interval > 1 {
		in.RecurInterval = strconv.Itoa(e.Recurrence.Interval)
	}
	for _, d := range e.Recurrence.Weekdays {
		in.RecurWeekdays = append(in.RecurWeekdays, strconv.Itoa(int(d)))
	}
	if e.Recurrence.Nth != 0 {
		in.RecurNth = strconv.Itoa(e.Recurrence.Nth)
	}
	if e.Recurrence.Until != nil {
		in.RecurUntil = e.Recurrence.Until.In(dates.Paris).Format(dates.LocalDate)
	}
	if e.Recurrence.Count > 0 {
		in.RecurCount = strconv.Itoa(e.Recurrence.Count)
	}
	if e.Capacity > 0 {
		in.Capacity = strconv.Itoa(e.Capacity)
	}
	if e.RegistrationDeadline != nil {
		in.Deadline = e.RegistrationDeadline.In(dates.Paris).Format(dates.LocalDateTime)
	}
	var qs []string
	for _, q := range e.Questions {
		if q.ID == "seats" {
			in.AskSeats = true
		} else {
			qs = append(qs, q.Label)
		}
	}
	in.Questions = strings.Join(qs, "\n")
	return in
}

// webURL accepts only http(s) links with a host.
func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(s) <= 2000
}

func ruleOf(r model.Recurrence) recur.Rule {
	return recur.Rule{Freq: recur.Freq(r.Freq), Interval: r.Interval, Weekdays: r.Weekdays, Nth: r.Nth, Until: r.Until, Count: r.Count}
}

// RRule is the event's RRULE value, "" for a single event.
func RRule(e model.Event) string {
	if !e.Recurring() {
		return ""
	}
	return ruleOf(e.Recurrence).String(e.StartsAt.In(dates.Paris).Weekday())
}

// ExpandEvent computes an event's occurrences with its exceptions applied; the
// bool reports that the series was cut at recur's caps.
func ExpandEvent(e model.Event, exceptions []model.EventException) ([]model.Occurrence, bool) {
	starts := []time.Time{e.StartsAt}
	truncated := false
	if e.Recurring() {
		starts, truncated = ruleOf(e.Recurrence).Expand(e.StartsAt, dates.Paris)
	}
	byStart := map[time.Time]model.EventException{}
	for _, x := range exceptions {
		byStart[x.OriginalStart.UTC()] = x
	}
	occs := make([]model.Occurrence, 0, len(starts))
	for _, s := range starts {
		o := model.Occurrence{EventID: e.PublicationID, OrgID: e.OrgID, OriginalStart: s, StartsAt: s,
			EndsAt: recur.WallEnd(e.StartsAt, e.EndsAt, s, dates.Paris)}
		if x, ok := byStart[s]; ok {
			o.Note = x.Note
			switch x.Kind {
			case model.ExceptionCancel:
				o.Cancelled = true
			case model.ExceptionMove:
				if x.StartsAt != nil && x.EndsAt != nil {
					o.StartsAt, o.EndsAt, o.Moved = *x.StartsAt, *x.EndsAt, true
				}
			}
		}
		occs = append(occs, o)
	}
	slices.SortFunc(occs, func(a, b model.Occurrence) int { return a.StartsAt.Compare(b.StartsAt) })
	return occs, truncated
}

// SaveEvent creates or updates an event: the publication (same rules as
// publishing's SavePublication) and its details, in one transaction, then recomputes
// its occurrences. Participants are told when a published event's date or
// place changes.
func (s *Service) SaveEvent(ctx context.Context, actorID, orgID string, in model.PubInput, ein EventInput) (model.SaveResult, error) {
	in.Kind = model.KindEvent
	ev, v := parseEvent(ein)
	var res model.SaveResult
	pre, err := s.Publishing.Prerender(ctx, orgID, in)
	if err != nil {
		return res, err
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if ev.OrganiserKind == model.OrganiserService && ev.OrganiserServiceID != "" {
			if _, err := tx.ServiceByID(ctx, orgID, ev.OrganiserServiceID); errors.Is(err, model.ErrNotFound) {
				v.Add("organiser_service_id", "events.error.service_required")
			} else if err != nil {
				return err
			}
		}
		var err error
		res, err = s.Publishing.SaveInTx(ctx, tx, actorID, orgID, in, pre, true)
		var pv *model.ValidationError
		if errors.As(err, &pv) {
			pv.Fields = append(pv.Fields, v.Fields...)
			return pv
		}
		if err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		old, err := tx.EventByID(ctx, orgID, res.Publication.ID)
		exists := err == nil
		if err != nil && !errors.Is(err, model.ErrNotFound) {
			return err
		}
		now := s.Now()
		ev.PublicationID, ev.OrgID, ev.CreatedAt, ev.UpdatedAt = res.Publication.ID, orgID, now, now
		if exists {
			ev.CreatedAt, ev.Status, ev.StatusNote = old.CreatedAt, old.Status, old.StatusNote
			ev.ImportUID, ev.ImportSource = old.ImportUID, old.ImportSource
			if old.Registers() && !ev.Registers() {
				if n, err := tx.RegistrationCounts(ctx, ev.PublicationID); err != nil {
					return err
				} else if n[model.RegConfirmed]+n[model.RegWaiting]+n[model.RegPending] > 0 {
					return &model.FieldError{Field: "join_mode", Code: "events.error.has_registrations"}
				}
			}
		}
		if !exists || !sameEvent(old, ev) {
			res.Changed = true
		}
		if err := s.putEvent(ctx, tx, ev, exists); err != nil {
			return err
		}
		if exists && res.Changed && res.Publication.State == model.StatePublished {
			// Fediverse followers get the new text and details (app/fediverse).
			if err := s.Fediverse.FederatePublication(ctx, tx, orgID, res.Publication.ID, "Update"); err != nil {
				return err
			}
		}
		if exists && res.Publication.State == model.StatePublished && old.Registers() && movedOrRelocated(old, ev) {
			if err := s.notifyParticipants(ctx, tx, ev, res.Publication, "event_changed", ""); err != nil {
				return err
			}
		}
		if exists && ev.Registers() && ev.Capacity > old.Capacity {
			// More places: the waiting list moves up.
			if err := s.promote(ctx, tx, ev, res.Publication); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

// putEvent writes the details and the occurrences (keeping the exceptions
// that still name an occurrence).
func (s *Service) putEvent(ctx context.Context, tx *store.Tx, ev model.Event, exists bool) error {
	if err := tx.PutEvent(ctx, ev); err != nil {
		return err
	}
	var xs []model.EventException
	if exists {
		var err error
		if xs, err = tx.EventExceptions(ctx, ev.PublicationID); err != nil {
			return err
		}
	}
	occs, _ := ExpandEvent(ev, xs)
	// Exceptions of dates the rule no longer produces go.
	starts := map[time.Time]bool{}
	for _, o := range occs {
		starts[o.OriginalStart] = true
	}
	for _, x := range xs {
		if !starts[x.OriginalStart] {
			if err := tx.DeleteException(ctx, ev.PublicationID, x.ID); err != nil {
				return err
			}
		}
	}
	return tx.ReplaceOccurrences(ctx, ev.PublicationID, occs)
}

func sameEvent(a, b model.Event) bool {
	a.CreatedAt, a.UpdatedAt, b.CreatedAt, b.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return fmt.Sprintf("%+v", flat(a)) == fmt.Sprintf("%+v", flat(b))
}

// flat dereferences pointers so that two equal events print the same.
func flat(e model.Event) []any {
	deref := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().String()
	}
	f := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'g', -1, 64)
	}
	r := e.Recurrence
	until := deref(r.Until)
	r.Until = nil
	dl := deref(e.RegistrationDeadline)
	lat, lon := f(e.Lat), f(e.Lon)
	e.Lat, e.Lon, e.RegistrationDeadline, e.Recurrence = nil, nil, nil, model.Recurrence{}
	return []any{e, r, until, dl, lat, lon}
}

func movedOrRelocated(old, ev model.Event) bool {
	return !old.StartsAt.Equal(ev.StartsAt) || !old.EndsAt.Equal(ev.EndsAt) || old.PlaceName != ev.PlaceName ||
		old.PlaceAddress != ev.PlaceAddress || old.OnlineURL != ev.OnlineURL || RRule(old) != RRule(ev)
}

// ExceptionInput cancels or moves one occurrence.
type ExceptionInput struct {
	OriginalStart time.Time
	Cancel        bool
	StartDate     string // dates.LocalDate, for a move
	StartTime     string
	Note          string
}

// SetException cancels or moves one occurrence of a series (editors and
// up). When the event is published, participants are e-mailed and
// Fediverse followers sent an Update of the Event, in the same
// transaction. The same change made twice (a second click) is
// model.ErrConflict: nothing is sent again.
func (s *Service) SetException(ctx context.Context, actorID, orgID, eventID string, in ExceptionInput) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.EventEdit); err != nil {
			return err
		}
		ev, err := tx.EventForUpdate(ctx, orgID, eventID)
		if err != nil {
			return err
		}
		occs, _ := ExpandEvent(ev, nil)
		if !ev.Recurring() || !slices.ContainsFunc(occs, func(o model.Occurrence) bool { return o.OriginalStart.Equal(in.OriginalStart) }) {
			return model.ErrNotFound
		}
		x := model.EventException{ID: core.NewID(), EventID: eventID, OriginalStart: in.OriginalStart, Kind: model.ExceptionCancel,
			Note: strings.TrimSpace(in.Note), CreatedAt: s.Now()}
		if core.TooLong(x.Note, model.MaxField) {
			return &model.FieldError{Field: "note", Code: "pub.error.field_long"}
		}
		if !in.Cancel {
			x.Kind = model.ExceptionMove
			t, ok := dates.ParseLocal(strings.TrimSpace(in.StartDate) + "T" + strings.TrimSpace(in.StartTime))
			if !ok {
				return &model.FieldError{Field: "start", Code: "pub.error.datetime"}
			}
			end := t.Add(recur.WallEnd(ev.StartsAt, ev.EndsAt, in.OriginalStart, dates.Paris).Sub(in.OriginalStart))
			x.StartsAt, x.EndsAt = &t, &end
		}
		xs, err := tx.EventExceptions(ctx, eventID)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(xs, func(old model.EventException) bool { return sameException(old, x) }) {
			return model.ErrConflict
		}
		if err := tx.PutException(ctx, x); err != nil {
			return err
		}
		if err := s.putEvent(ctx, tx, ev, true); err != nil {
			return err
		}
		if err := s.Audit(ctx, tx, orgID, actorID, "event.exception."+string(x.Kind), eventID, in.OriginalStart.Format(time.RFC3339)); err != nil {
			return err
		}
		p, err := tx.PublicationByID(ctx, orgID, eventID)
		if err != nil {
			return err
		}
		if p.State != model.StatePublished {
			return nil
		}
		// Followers' servers learn it as Mobilizon and Mastodon can show it:
		// the Event again, opening with the changed date (app/fediverse).
		if err := s.Fediverse.FederateOccurrence(ctx, tx, orgID, ev, x, false); err != nil {
			return err
		}
		if ev.Registers() {
			return s.notifyParticipants(ctx, tx, ev, p, "event_occurrence_changed", occurrenceWhen(in.OriginalStart, ev))
		}
		return nil
	})
}

// sameException reports whether two exceptions make the same change to
// the same date.
func sameException(a, b model.EventException) bool {
	same := func(s, t *time.Time) bool { return s == nil && t == nil || s != nil && t != nil && s.Equal(*t) }
	return a.OriginalStart.Equal(b.OriginalStart) && a.Kind == b.Kind && a.Note == b.Note &&
		same(a.StartsAt, b.StartsAt) && same(a.EndsAt, b.EndsAt)
}

// RemoveException restores an occurrence; Fediverse followers of a
// published event are sent an Update saying the date is back on. A second
// click finds no exception (model.ErrNotFound) and sends nothing.
func (s *Service) RemoveException(ctx context.Context, actorID, orgID, eventID, exceptionID string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.EventEdit); err != nil {
			return err
		}
		ev, err := tx.EventForUpdate(ctx, orgID, eventID)
		if err != nil {
			return err
		}
		xs, err := tx.EventExceptions(ctx, eventID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(xs, func(x model.EventException) bool { return x.ID == exceptionID })
		if i < 0 {
			return model.ErrNotFound
		}
		if err := tx.DeleteException(ctx, eventID, exceptionID); err != nil {
			return err
		}
		if err := s.putEvent(ctx, tx, ev, true); err != nil {
			return err
		}
		if err := s.Audit(ctx, tx, orgID, actorID, "event.exception.remove", eventID, exceptionID); err != nil {
			return err
		}
		p, err := tx.PublicationByID(ctx, orgID, eventID)
		if err != nil || p.State != model.StatePublished {
			return err
		}
		return s.Fediverse.FederateOccurrence(ctx, tx, orgID, ev, xs[i], true)
	})
}

// SetEventStatus cancels or postpones an event (or puts it back on
// schedule); participants are e-mailed, with note, and Fediverse followers
// sent an Update, in the same transaction.
func (s *Service) SetEventStatus(ctx context.Context, actorID, orgID, eventID string, status model.EventStatus, note string) error {
	note = strings.TrimSpace(note)
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.EventStatus); err != nil {
			return err
		}
		switch status {
		case model.EventScheduled, model.EventCancelled, model.EventPostponed:
		default:
			return model.ErrInvalid
		}
		if core.TooLong(note, model.MaxApply) {
			return &model.FieldError{Field: "note", Code: "pub.error.field_long"}
		}
		ev, err := tx.EventForUpdate(ctx, orgID, eventID)
		if err != nil {
			return err
		}
		if ev.Status == status {
			return model.ErrConflict // a second click
		}
		if err := tx.SetEventStatus(ctx, orgID, eventID, status, note, s.Now()); err != nil {
			return err
		}
		ev.Status, ev.StatusNote = status, note
		if err := s.Audit(ctx, tx, orgID, actorID, "event."+string(status), eventID, note); err != nil {
			return err
		}
		p, err := tx.PublicationByID(ctx, orgID, eventID)
		if err != nil {
			return err
		}
		if p.State == model.StatePublished {
			// Fediverse followers (Mobilizon, Mastodon…) get the Event
			// again with its new ical:status (app/fediverse).
			if err := s.Fediverse.FederatePublication(ctx, tx, orgID, eventID, "Update"); err != nil {
				return err
			}
		}
		return s.notifyParticipants(ctx, tx, ev, p, "event_"+string(status), note)
	})
}

// MessageParticipants e-mails every confirmed and waiting participant.
func (s *Service) MessageParticipants(ctx context.Context, actorID, orgID, eventID, subject, body string) (int, error) {
	subject, body = strings.TrimSpace(subject), strings.TrimSpace(body)
	v := &model.ValidationError{}
	if subject == "" {
		v.Add("subject", "events.error.subject_required")
	} else if core.TooLong(subject, model.MaxField) || strings.ContainsAny(subject, "\r\n") {
		v.Add("subject", "pub.error.field_long")
	}
	if body == "" {
		v.Add("body", "events.error.body_required")
	} else if core.TooLong(body, model.MaxApply*2) {
		v.Add("body", "pub.error.field_long")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	n := 0
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.EventEdit); err != nil {
			return err
		}
		ev, err := tx.EventByID(ctx, orgID, eventID)
		if err != nil {
			return err
		}
		p, err := tx.PublicationByID(ctx, orgID, eventID)
		if err != nil {
			return err
		}
		ids, err := tx.ActiveRegistrationIDs(ctx, eventID)
		if err != nil {
			return err
		}
		n = len(ids)
		if err := s.Audit(ctx, tx, orgID, actorID, "event.message", eventID, fmt.Sprintf("%d : %s", n, subject)); err != nil {
			return err
		}
		return s.mailRegistrations(ctx, tx, ev, p, ids, "event_message", eventMailExtra{Subject: subject, Body: body})
	})
	return n, err
}

// UpcomingEvents lists the occurrences of an organisation's published
// events between from and to, filed under any of topicIDs or
// neighbourhoodIDs (both empty: all), in start order, at most 200. The
// subscriptions feature lists them in digests.
func (s *Service) UpcomingEvents(ctx context.Context, orgID string, topicIDs, neighbourhoodIDs []string, from, to time.Time) ([]model.AgendaItem, error) {
	return s.Store.Agenda(ctx, model.AgendaFilter{OrgID: orgID, TopicIDs: topicIDs, NeighbourhoodIDs: neighbourhoodIDs,
		From: from, To: to, Limit: 200})
}
