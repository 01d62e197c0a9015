package events

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/recur"
	"github.com/parvis/parvis/internal/store"
)

// parseEvent checks the event fields and builds the details. Every event
// is saved complete (dates, place or link), drafts included, so that the
// workflow never has to check them again.
func parseEvent(in EventInput) (model.Event, *model.ValidationError) {
	v := &model.ValidationError{}
	trim := strings.TrimSpace
	e := model.Event{AllDay: in.AllDay, PlaceName: trim(in.PlaceName), PlaceAddress: trim(in.PlaceAddress),
		Attendance: model.Attendance(trim(in.Attendance)), OnlineURL: trim(in.OnlineURL),
		Access: model.AccessInfo{Wheelchair: in.AccessWheelchair, SignLanguage: in.AccessSign, InductionLoop: in.AccessLoop,
			Other: trim(in.AccessOther)},
		Free: in.Free, Price: trim(in.Price), OrganiserKind: model.OrganiserKind(trim(in.OrganiserKind)),
		OrganiserServiceID: trim(in.OrganiserServiceID), OrganiserName: trim(in.OrganiserName),
		JoinMode: model.JoinMode(trim(in.JoinMode)), ExternalURL: trim(in.ExternalURL), Status: model.EventScheduled}
	if e.Attendance == "" {
		e.Attendance = model.AttendInPerson
	}
	if e.OrganiserKind == "" {
		e.OrganiserKind = model.OrganiserOrg
	}
	if e.JoinMode == "" {
		e.JoinMode = model.JoinFree
	}
	parseEventDates(in, &e, v)
	parseEventPlace(in, &e, v)
	parseEventOrganiser(&e, v)
	if f := trim(in.RecurFreq); f != "" {
		e.Recurrence = parseRecurrence(in, f, e.StartsAt, v)
	}
	parseRegistration(in, &e, v)
	if e.JoinMode != model.JoinRestricted {
		e.Capacity, e.RegistrationDeadline, e.Questions = 0, nil, nil
	}
	return e, v
}

// parseEventDates reads the dates and times, Paris wall clock, into e.
func parseEventDates(in EventInput, e *model.Event, v *model.ValidationError) {
	trim := strings.TrimSpace
	sd, errS := time.ParseInLocation(dates.LocalDate, trim(in.StartDate), dates.Paris)
	ed, errE := time.ParseInLocation(dates.LocalDate, trim(in.EndDate), dates.Paris)
	if trim(in.EndDate) == "" {
		ed, errE = sd, errS
	}
	switch {
	case trim(in.StartDate) == "":
		v.Add("start_date", "events.error.start_required")
	case errS != nil:
		v.Add("start_date", "pub.error.date")
	}
	if errE != nil && trim(in.EndDate) != "" {
		v.Add("end_date", "pub.error.date")
	}
	clock := func(field, s string) (int, int, bool) {
		t, err := time.Parse("15:04", trim(s))
		if err != nil {
			if trim(s) == "" {
				v.Add(field, "events.error.time_required")
			} else {
				v.Add(field, "events.error.time")
			}
			return 0, 0, false
		}
		return t.Hour(), t.Minute(), true
	}
	if errS == nil && errE == nil {
		if e.AllDay {
			e.StartsAt = time.Date(sd.Year(), sd.Month(), sd.Day(), 0, 0, 0, 0, dates.Paris).UTC()
			e.EndsAt = time.Date(ed.Year(), ed.Month(), ed.Day()+1, 0, 0, 0, 0, dates.Paris).UTC()
		} else {
			sh, sm, ok1 := clock("start_time", in.StartTime)
			eh, em, ok2 := clock("end_time", in.EndTime)
			if ok1 && ok2 {
				e.StartsAt = time.Date(sd.Year(), sd.Month(), sd.Day(), sh, sm, 0, 0, dates.Paris).UTC()
				e.EndsAt = time.Date(ed.Year(), ed.Month(), ed.Day(), eh, em, 0, 0, dates.Paris).UTC()
			}
		}
		if !e.StartsAt.IsZero() {
			switch {
			case !e.EndsAt.After(e.StartsAt):
				v.Add("end_date", "events.error.end_before_start")
			case e.EndsAt.Sub(e.StartsAt) > store.MaxEventLength:
				v.Add("end_date", "events.error.too_long")
			}
		}
	}
}

// parseEventPlace reads how to attend: the place, the online link, the
// access details and the map coordinates.
func parseEventPlace(in EventInput, e *model.Event, v *model.ValidationError) {
	trim := strings.TrimSpace
	switch e.Attendance {
	case model.AttendInPerson, model.AttendOnline, model.AttendHybrid:
	default:
		v.Add("attendance", "events.error.choice")
	}
	if e.Attendance != model.AttendOnline && e.PlaceName == "" {
		v.Add("place_name", "events.error.place_required")
	}
	if e.Attendance != model.AttendInPerson {
		if e.OnlineURL == "" {
			v.Add("online_url", "events.error.online_required")
		} else if !webURL(e.OnlineURL) {
			v.Add("online_url", "events.error.url")
		}
	} else {
		e.OnlineURL = ""
	}
	for field, val := range map[string]string{"place_name": e.PlaceName, "place_address": e.PlaceAddress,
		"price": e.Price, "organiser_name": e.OrganiserName} {
		if core.TooLong(val, model.MaxField) {
			v.Add(field, "pub.error.field_long")
		}
	}
	if core.TooLong(e.Access.Other, model.MaxApply) {
		v.Add("access_other", "pub.error.field_long")
	}
	if lat, lon := trim(in.Lat), trim(in.Lon); lat != "" || lon != "" {
		la, err1 := strconv.ParseFloat(strings.Replace(lat, ",", ".", 1), 64)
		lo, err2 := strconv.ParseFloat(strings.Replace(lon, ",", ".", 1), 64)
		switch {
		case err1 != nil || la < -90 || la > 90:
			v.Add("lat", "events.error.lat")
		case err2 != nil || lo < -180 || lo > 180:
			v.Add("lon", "events.error.lon")
		default:
			e.Lat, e.Lon = &la, &lo
		}
	}
}

// parseEventOrganiser checks the price and who organises.
func parseEventOrganiser(e *model.Event, v *model.ValidationError) {
	if !e.Free && e.Price == "" {
		v.Add("price", "events.error.price_required")
	}
	if e.Free {
		e.Price = ""
	}
	switch e.OrganiserKind {
	case model.OrganiserOrg:
		e.OrganiserServiceID, e.OrganiserName = "", ""
	case model.OrganiserService:
		e.OrganiserName = ""
		if e.OrganiserServiceID == "" {
			v.Add("organiser_service_id", "events.error.service_required")
		}
	case model.OrganiserAssociation:
		e.OrganiserServiceID = ""
		if e.OrganiserName == "" {
			v.Add("organiser_name", "events.error.association_required")
		}
	default:
		v.Add("organiser_kind", "events.error.choice")
	}
}

// parseRecurrence reads the repetition rule of an event starting at start
// (zero when its dates were wrong) with frequency f.
func parseRecurrence(in EventInput, f string, start time.Time, v *model.ValidationError) model.Recurrence {
	trim := strings.TrimSpace
	r := model.Recurrence{Freq: f}
	if s := trim(in.RecurInterval); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 99 {
			v.Add("recur_interval", "events.error.interval")
		}
		r.Interval = n
	}
	for _, d := range in.RecurWeekdays {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 6 {
			v.Add("recur_weekdays", "events.error.choice")
			continue
		}
		r.Weekdays = append(r.Weekdays, time.Weekday(n))
	}
	if s := trim(in.RecurNth); s != "" && f == string(recur.Monthly) {
		n, err := strconv.Atoi(s)
		if err != nil || n < -1 || n > 4 || n == 0 {
			v.Add("recur_nth", "events.error.choice")
		}
		r.Nth = n
	}
	if f != string(recur.Weekly) {
		r.Weekdays = nil
	} else if !start.IsZero() {
		// RFC 5545: the first start must be one of the days.
		if wd := start.In(dates.Paris).Weekday(); !slices.Contains(r.Weekdays, wd) {
			r.Weekdays = append(r.Weekdays, wd)
		}
		slices.Sort(r.Weekdays)
	}
	if s := trim(in.RecurUntil); s != "" {
		d, err := time.ParseInLocation(dates.LocalDate, s, dates.Paris)
		if err != nil {
			v.Add("recur_until", "pub.error.date")
		} else {
			end := d.AddDate(0, 0, 1).Add(-time.Second).UTC()
			r.Until = &end
		}
	}
	if s := trim(in.RecurCount); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > recur.MaxOccurrences {
			v.Add("recur_count", "events.error.count")
		}
		r.Count = n
	}
	if r.Until != nil && r.Count > 0 {
		v.Add("recur_count", "events.error.until_and_count")
	}
	if v.For("recur_interval") == "" && v.For("recur_count") == "" && !start.IsZero() {
		switch err := ruleOf(r).Validate(start); {
		case errors.Is(err, recur.ErrFreq):
			v.Add("recur_freq", "events.error.choice")
		case errors.Is(err, recur.ErrEnd):
			v.Add("recur_until", "events.error.until_before_start")
		case err != nil:
			v.Add("recur_freq", "events.error.rule")
		}
	}
	return r
}

// parseRegistration reads how people join: freely, on another site, or
// by registering here within a capacity, a deadline and questions.
func parseRegistration(in EventInput, e *model.Event, v *model.ValidationError) {
	trim := strings.TrimSpace
	switch e.JoinMode {
	case model.JoinFree:
		e.ExternalURL = ""
	case model.JoinExternal:
		if !webURL(e.ExternalURL) {
			v.Add("external_url", "events.error.url")
		}
	case model.JoinRestricted:
		e.ExternalURL = ""
		n, err := strconv.Atoi(trim(in.Capacity))
		switch {
		case trim(in.Capacity) == "":
			v.Add("capacity", "events.error.capacity_required")
		case err != nil || n < 1:
			v.Add("capacity", "events.error.capacity")
		case n > MaxCapacity:
			v.Add("capacity", "events.error.capacity_large")
		}
		e.Capacity = n
		if s := trim(in.Deadline); s != "" {
			t, ok := dates.ParseLocal(s)
			switch {
			case !ok:
				v.Add("deadline", "pub.error.datetime")
			case !e.EndsAt.IsZero() && t.After(e.EndsAt):
				v.Add("deadline", "events.error.deadline_after_end")
			default:
				e.RegistrationDeadline = &t
			}
		}
		if in.AskSeats {
			e.Questions = append(e.Questions, model.Question{ID: "seats", Label: "", Kind: "number", Required: true})
		}
		n = 0
		for _, line := range strings.Split(in.Questions, "\n") {
			if line = trim(line); line == "" {
				continue
			}
			n++
			if core.TooLong(line, model.MaxField) {
				v.Add("questions", "events.error.question_long")
			}
			e.Questions = append(e.Questions, model.Question{ID: "q" + strconv.Itoa(n), Label: line, Kind: "text"})
		}
		if n > MaxQuestions {
			v.Add("questions", "events.error.too_many_questions")
		}
	default:
		v.Add("join_mode", "events.error.choice")
	}
}
