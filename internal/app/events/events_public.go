package events

import (
	"context"
	"time"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// PublicEvent is what the public page of a published event shows besides
// the publication itself.
type PublicEvent struct {
	Event model.Event
	// Occurrences are the next 11 dates (10 shown, the 11th tells that
	// there are more), cancelled ones included.
	Occurrences []model.Occurrence
	Image       *model.Media // the illustration, when it exists
	Taken       int          // seats taken, for an event taking registrations
	// Mine is the reader's registration, if any.
	Mine *model.Registration
}

// PublicEvent returns the public details of event publication p of the
// organisation for reader (nil: anonymous). The caller has found p
// published.
func (s *Service) PublicEvent(ctx context.Context, orgID string, p model.Publication, reader *model.Account) (PublicEvent, error) {
	var d PublicEvent
	var err error
	if d.Event, err = s.Store.EventByID(ctx, orgID, p.ID); err != nil {
		return d, err
	}
	if d.Occurrences, err = s.Store.Occurrences(ctx, d.Event.PublicationID, s.Now(), 11); err != nil {
		return d, err
	}
	if p.ImageID != "" {
		if im, err := s.Store.MediaByID(ctx, orgID, p.ImageID); err == nil {
			d.Image = &im
		}
	}
	if d.Event.Registers() {
		if d.Taken, err = s.Store.TakenSeats(ctx, d.Event.PublicationID); err != nil {
			return d, err
		}
		if reader != nil {
			if reg, err := s.Store.RegistrationByAccount(ctx, d.Event.PublicationID, reader.ID); err == nil {
				d.Mine = &reg
			}
		}
	}
	return d, nil
}

// EventOf returns event id of the organisation with its publication: the
// page a registration link leads to.
func (s *Service) EventOf(ctx context.Context, orgID, id string) (model.Publication, model.Event, error) {
	p, err := s.Store.PublicationByID(ctx, orgID, id)
	if err != nil {
		return p, model.Event{}, err
	}
	e, err := s.Store.EventByID(ctx, orgID, id)
	return p, e, err
}

// EventCalendar returns an event and its exceptions: its calendar file.
func (s *Service) EventCalendar(ctx context.Context, orgID, id string) (model.Event, []model.EventException, error) {
	e, err := s.Store.EventByID(ctx, orgID, id)
	if err != nil {
		return e, nil, err
	}
	xs, err := s.Store.EventExceptions(ctx, e.PublicationID)
	return e, xs, err
}

// Agenda lists the public agenda.
func (s *Service) Agenda(ctx context.Context, f model.AgendaFilter) ([]model.AgendaItem, error) {
	return s.Store.Agenda(ctx, f)
}

// FeedEvents lists the events of the organisation's public calendar feed.
func (s *Service) FeedEvents(ctx context.Context, orgID, topicID, neighbourhoodID string, since time.Time, limit int) ([]store.FeedEvent, error) {
	return s.Store.FeedEvents(ctx, orgID, topicID, neighbourhoodID, since, limit)
}

// EventDate is when an event takes place, as a list of results says it.
type EventDate struct {
	Event model.Event
	// Next is the next occurrence not cancelled; when the event is over,
	// its first dates (Over).
	Next model.Occurrence
	Over bool
}

// EventDates returns the dates of the organisation's events among ids, by
// id (other ids are absent), in two queries whatever their number.
func (s *Service) EventDates(ctx context.Context, orgID string, ids []string) (map[string]EventDate, error) {
	evs, err := s.Store.EventsByIDs(ctx, orgID, ids)
	if err != nil || len(evs) == 0 {
		return nil, err
	}
	next, err := s.Store.NextOccurrences(ctx, orgID, ids, s.Now())
	if err != nil {
		return nil, err
	}
	out := make(map[string]EventDate, len(evs))
	for id, e := range evs {
		d := EventDate{Event: e}
		if o, ok := next[id]; ok {
			d.Next = o
		} else {
			d.Next, d.Over = model.Occurrence{EventID: id, StartsAt: e.StartsAt, EndsAt: e.EndsAt}, true
		}
		out[id] = d
	}
	return out, nil
}
