package events_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/events"
	"github.com/parvis/parvis/internal/app/publishing"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// venue is a test server with one organisation and its manager.
type venue struct {
	ts      *testserver.TS
	ev      *events.Service
	org     model.Organisation
	manager model.Account
}

func newVenue(t *testing.T, engine store.Engine) venue {
	t.Helper()
	ts := testserver.Start(t, testserver.Options{Engine: engine})
	v := venue{ts: ts, ev: ts.App.Events, org: ts.Org(t, "bellerive")}
	v.manager = ts.Staff(t, "chef@bellerive.test", v.org.Handle, model.RoleManager)
	return v
}

// eventInput is a two-hour event at the salle des fêtes in ten days, Paris
// time, taking registrations within capacity.
func (v venue) eventInput(capacity int) (events.EventInput, time.Time) {
	day := v.ts.App.Now().In(dates.Paris).AddDate(0, 0, 10)
	start := time.Date(day.Year(), day.Month(), day.Day(), 18, 30, 0, 0, dates.Paris)
	return events.EventInput{StartDate: start.Format(dates.LocalDate), StartTime: "18:30",
		EndDate: start.Format(dates.LocalDate), EndTime: "20:30", PlaceName: "Salle des fêtes",
		PlaceAddress: "2 place de la Mairie, Bellerive", Lat: "45,75", Lon: "4.85", Free: true,
		JoinMode: string(model.JoinRestricted), Capacity: fmt.Sprint(capacity)}, start
}

// publishedEvent saves and publishes an event of that capacity.
func (v venue) publishedEvent(t *testing.T, capacity int) model.Publication {
	t.Helper()
	ctx := context.Background()
	ein, _ := v.eventInput(capacity)
	res, err := v.ev.SaveEvent(ctx, v.manager.ID, v.org.ID, model.PubInput{Title: "Bal du 14 juillet", Body: "Orchestre et buvette."}, ein)
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.ts.App.Publishing.Transition(ctx, v.manager.ID, v.org.ID, res.Publication.ID,
		publishing.TransitionInput{Action: publishing.ActPublish})
	if err != nil || p.State != model.StatePublished {
		t.Fatalf("publish the event: %v (%s)", err, p.State)
	}
	return p
}

// counts returns the event's seats by registration status.
func (v venue) counts(t *testing.T, eventID string) map[model.RegStatus]int {
	t.Helper()
	n, err := v.ts.Store.RegistrationCounts(context.Background(), eventID)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestEventSaved checks that an event keeps its place and Paris dates, and
// that a bad one is refused with its fields and writes nothing.
func TestEventSaved(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		v := newVenue(t, engine)
		p := v.publishedEvent(t, 2)
		_, start := v.eventInput(2)
		_, ev, err := v.ev.StaffEvent(ctx, v.manager.ID, v.org.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ev.PlaceName != "Salle des fêtes" || ev.Lat == nil || *ev.Lat != 45.75 || ev.Capacity != 2 ||
			!ev.StartsAt.Equal(start) || !ev.EndsAt.Equal(start.Add(2*time.Hour)) {
			t.Fatalf("event saved as %+v, want %s at the salle des fêtes", ev, start)
		}

		bad, _ := v.eventInput(2)
		bad.PlaceName, bad.EndTime, bad.Capacity = "", "17:00", "zéro"
		id := core.NewID()
		_, err = v.ev.SaveEvent(ctx, v.manager.ID, v.org.ID, model.PubInput{ID: id, Title: "Sans lieu"}, bad)
		var ve *model.ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("want a ValidationError, got %v", err)
		}
		var fields []string
		for _, f := range ve.Fields {
			fields = append(fields, f.Field)
		}
		slices.Sort(fields)
		if !slices.Equal(fields, []string{"capacity", "end_date", "place_name"}) {
			t.Fatalf("fields %v", fields)
		}
		if _, err := v.ts.Store.PublicationByID(ctx, v.org.ID, id); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("a refused event's publication was written: %v", err)
		}
		if _, err := v.ts.Store.EventByID(ctx, v.org.ID, id); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("a refused event was written: %v", err)
		}
	})
}

// TestWaitingList fills an event of two places: the next residents wait
// in order (or are refused when they do not accept to wait), and a
// cancellation gives the place to the first one waiting.
func TestWaitingList(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		v := newVenue(t, engine)
		p := v.publishedEvent(t, 2)
		register := func(email string, waitlist bool) (model.Registration, error) {
			a := v.ts.Account(t, email)
			res, err := v.ev.Register(ctx, v.org.ID, p.ID, events.RegisterInput{AccountID: a.ID, Name: a.DisplayName, Waitlist: waitlist})
			return res.Registration, err
		}
		var regs []model.Registration
		for i, want := range []model.RegStatus{model.RegConfirmed, model.RegConfirmed, model.RegWaiting, model.RegWaiting} {
			r, err := register(fmt.Sprintf("habitant%d@exemple.fr", i), true)
			if err != nil || r.Status != want {
				t.Fatalf("resident %d: %v, status %s, want %s", i, err, r.Status, want)
			}
			regs = append(regs, r)
		}
		var fe *model.FieldError
		if _, err := register("presse@exemple.fr", false); !errors.As(err, &fe) || fe.Code != "events.register.full" {
			t.Fatalf("a full event without the waiting list: %v", err)
		}
		if _, err := register("habitant0@exemple.fr", true); !errors.As(err, &fe) || fe.Code != "events.register.error.already" {
			t.Fatalf("registering twice: %v", err)
		}
		if n := v.counts(t, p.ID); n[model.RegConfirmed] != 2 || n[model.RegWaiting] != 2 || len(n) != 2 {
			t.Fatalf("counts %v", n)
		}

		r, err := v.ev.CancelOwnRegistration(ctx, regs[0].AccountID, v.org.ID, p.ID)
		if err != nil || r.Status != model.RegCancelled {
			t.Fatalf("cancel: %v, %s", err, r.Status)
		}
		want := []model.RegStatus{model.RegCancelled, model.RegConfirmed, model.RegConfirmed, model.RegWaiting}
		for i, reg := range regs {
			got, err := v.ts.Store.RegistrationByID(ctx, v.org.ID, reg.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != want[i] {
				t.Fatalf("after the cancellation, resident %d is %s, want %s", i, got.Status, want[i])
			}
		}
		if n := v.counts(t, p.ID); n[model.RegConfirmed] != 2 || n[model.RegWaiting] != 1 || n[model.RegCancelled] != 1 {
			t.Fatalf("counts after the cancellation %v", n)
		}
	})
}
