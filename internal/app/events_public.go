package app

import (
	"context"

	"github.com/parvis/parvis/internal/model"
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
func (a *App) PublicEvent(ctx context.Context, orgID string, p model.Publication, reader *model.Account) (PublicEvent, error) {
	var d PublicEvent
	var err error
	if d.Event, err = a.Store.EventByID(ctx, orgID, p.ID); err != nil {
		return d, err
	}
	if d.Occurrences, err = a.Store.Occurrences(ctx, d.Event.PublicationID, a.Now(), 11); err != nil {
		return d, err
	}
	if p.ImageID != "" {
		if im, err := a.Store.MediaByID(ctx, orgID, p.ImageID); err == nil {
			d.Image = &im
		}
	}
	if d.Event.Registers() {
		if d.Taken, err = a.Store.TakenSeats(ctx, d.Event.PublicationID); err != nil {
			return d, err
		}
		if reader != nil {
			if reg, err := a.Store.RegistrationByAccount(ctx, d.Event.PublicationID, reader.ID); err == nil {
				d.Mine = &reg
			}
		}
	}
	return d, nil
}

// EventOf returns event id of the organisation with its publication: the
// page a registration link leads to.
func (a *App) EventOf(ctx context.Context, orgID, id string) (model.Publication, model.Event, error) {
	p, err := a.Store.PublicationByID(ctx, orgID, id)
	if err != nil {
		return p, model.Event{}, err
	}
	e, err := a.Store.EventByID(ctx, orgID, id)
	return p, e, err
}

// EventCalendar returns an event and its exceptions: its calendar file.
func (a *App) EventCalendar(ctx context.Context, orgID, id string) (model.Event, []model.EventException, error) {
	e, err := a.Store.EventByID(ctx, orgID, id)
	if err != nil {
		return e, nil, err
	}
	xs, err := a.Store.EventExceptions(ctx, e.PublicationID)
	return e, xs, err
}
