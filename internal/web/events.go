package web

import (
	"context"
	"strconv"
	"time"

	"github.com/parvis/parvis/internal/app/events"
	"github.com/parvis/parvis/internal/model"
)

// Events in the publication editor: an event is a publication of kind
// "event" with more fields (templates/partials/events.html), saved by
// app.Events.SaveEvent in the same transaction as the publication.

// eventEditor is what the editor shows of an event beyond the form.
type eventEditor struct {
	Event       *model.Event // nil while not saved
	Services    []model.Service
	Weekdays    []weekdayOption
	Freqs       []string
	Nths        []string
	Attendances []model.Attendance
	JoinModes   []model.JoinMode
	Organisers  []model.OrganiserKind
}

type weekdayOption struct {
	Value string
	Key   string
}

// isEvent is what loadPublication reports for an event: the public page
// of an event is rendered by eventPage (events_public.go). Pages that have
// no event version (the poster, the Mastodon share form) see not found.
type isEvent struct {
	Pub            model.Publication
	Topics         []model.Topic
	Neighbourhoods []model.Neighbourhood
}

func (e *isEvent) Error() string { return "publication is an event" }
func (e *isEvent) Unwrap() error { return model.ErrNotFound }

// newEventForm sets the defaults of a new event.
func newEventForm(f *Form) {
	for k, v := range map[string]string{"free": "1", "attendance": string(model.AttendInPerson),
		"organiser_kind": string(model.OrganiserOrg), "join_mode": string(model.JoinFree), "waitlist": "1"} {
		f.Values.Set(k, v)
	}
}

// eventForm completes an editor form with an event's details.
func (h *Handler) eventForm(ctx context.Context, f *Form, p model.Publication) error {
	if p.Kind != model.KindEvent {
		return nil
	}
	acct, _ := accountFrom(ctx)
	e, err := h.app.Publishing.PublicationEvent(ctx, acct.ID, p.OrgID, p.ID)
	if err != nil {
		return err
	}
	in := events.EventInputOf(e)
	set := f.Values.Set
	flag := func(k string, b bool) {
		if b {
			set(k, "1")
		}
	}
	set("start_date", in.StartDate)
	set("start_time", in.StartTime)
	set("end_date", in.EndDate)
	set("end_time", in.EndTime)
	flag("all_day", in.AllDay)
	set("place_name", in.PlaceName)
	set("place_address", in.PlaceAddress)
	set("lat", in.Lat)
	set("lon", in.Lon)
	set("attendance", in.Attendance)
	set("online_url", in.OnlineURL)
	flag("access_wheelchair", in.AccessWheelchair)
	flag("access_sign", in.AccessSign)
	flag("access_loop", in.AccessLoop)
	set("access_other", in.AccessOther)
	flag("free", in.Free)
	set("price", in.Price)
	set("organiser_kind", in.OrganiserKind)
	set("organiser_service_id", in.OrganiserServiceID)
	set("organiser_name", in.OrganiserName)
	set("recur_freq", in.RecurFreq)
	set("recur_interval", in.RecurInterval)
	f.Values["recur_weekdays"] = in.RecurWeekdays
	set("recur_nth", in.RecurNth)
	set("recur_until", in.RecurUntil)
	set("recur_count", in.RecurCount)
	set("join_mode", in.JoinMode)
	set("external_url", in.ExternalURL)
	set("capacity", in.Capacity)
	set("deadline", in.Deadline)
	flag("ask_seats", in.AskSeats)
	set("questions", in.Questions)
	return nil
}

// eventInputOf reads the event fields of the editor.
func eventInputOf(f *Form) events.EventInput {
	on := func(k string) bool { return f.Value(k) != "" }
	return events.EventInput{StartDate: f.Value("start_date"), StartTime: f.Value("start_time"), EndDate: f.Value("end_date"),
		EndTime: f.Value("end_time"), AllDay: on("all_day"), PlaceName: f.Value("place_name"),
		PlaceAddress: f.Value("place_address"), Lat: f.Value("lat"), Lon: f.Value("lon"), Attendance: f.Value("attendance"),
		OnlineURL: f.Value("online_url"), AccessWheelchair: on("access_wheelchair"), AccessSign: on("access_sign"),
		AccessLoop: on("access_loop"), AccessOther: f.Value("access_other"), Free: on("free"), Price: f.Value("price"),
		OrganiserKind: f.Value("organiser_kind"), OrganiserServiceID: f.Value("organiser_service_id"),
		OrganiserName: f.Value("organiser_name"), RecurFreq: f.Value("recur_freq"), RecurInterval: f.Value("recur_interval"),
		RecurWeekdays: f.Values["recur_weekdays"], RecurNth: f.Value("recur_nth"), RecurUntil: f.Value("recur_until"),
		RecurCount: f.Value("recur_count"), JoinMode: f.Value("join_mode"), ExternalURL: f.Value("external_url"),
		Capacity: f.Value("capacity"), Deadline: f.Value("deadline"), AskSeats: on("ask_seats"), Questions: f.Value("questions")}
}

// savePublication saves the editor's content: an event with its details,
// any other kind as before.
func (h *Handler) savePublication(ctx context.Context, actorID, orgID string, f *Form) (model.SaveResult, error) {
	if model.PubKind(f.Value("kind")) == model.KindEvent {
		return h.app.Events.SaveEvent(ctx, actorID, orgID, inputOf(f), eventInputOf(f))
	}
	return h.app.Publishing.SavePublication(ctx, actorID, orgID, inputOf(f))
}

var weekdayOptions = func() []weekdayOption {
	var out []weekdayOption
	for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		out = append(out, weekdayOption{Value: strconv.Itoa(int(d)), Key: "events.weekday." + strconv.Itoa(int(d))})
	}
	return out
}()

// eventEditor loads what the event part of the editor needs.
func (h *Handler) eventEditor(ctx context.Context, org model.Organisation, kind model.PubKind, p *model.Publication) (*eventEditor, error) {
	if kind != model.KindEvent {
		return nil, nil
	}
	d := &eventEditor{Weekdays: weekdayOptions, Freqs: []string{"", "daily", "weekly", "monthly"}, Nths: []string{"", "1", "2", "3", "4", "-1"},
		Attendances: []model.Attendance{model.AttendInPerson, model.AttendOnline, model.AttendHybrid},
		JoinModes:   []model.JoinMode{model.JoinFree, model.JoinRestricted, model.JoinExternal},
		Organisers:  []model.OrganiserKind{model.OrganiserOrg, model.OrganiserService, model.OrganiserAssociation}}
	var err error
	acct, _ := accountFrom(ctx)
	if d.Services, err = h.app.Organisations.Services(ctx, acct.ID, org.ID); err != nil {
		return nil, err
	}
	if p != nil {
		if e, err := h.app.Publishing.PublicationEvent(ctx, acct.ID, org.ID, p.ID); err == nil {
			d.Event = &e
		}
	}
	return d, nil
}
