package events

import (
	"context"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/model"
)

// StaffEvents lists a page of the organisation's events, upcoming or past,
// with the topics an import may file them under, for whom the policy
// allows event.view.
func (s *Service) StaffEvents(ctx context.Context, actorID, orgID string, past bool, limit, offset int) ([]model.StaffEvent, []model.Topic, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.EventView); err != nil {
		return nil, nil, err
	}
	items, err := s.Store.StaffEvents(ctx, orgID, s.Now(), past, limit, offset)
	if err != nil {
		return nil, nil, err
	}
	topics, err := s.Store.TopicsOf(ctx, orgID)
	return items, topics, err
}

// StaffEvent returns event id of the organisation and its publication for
// whom the policy allows event.view (every staff action on an event is
// allowed only to roles that may view it).
func (s *Service) StaffEvent(ctx context.Context, actorID, orgID, id string) (model.Publication, model.Event, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.EventView); err != nil {
		return model.Publication{}, model.Event{}, err
	}
	e, err := s.Store.EventByID(ctx, orgID, id)
	if err != nil {
		return model.Publication{}, e, err
	}
	p, err := s.Store.PublicationByID(ctx, orgID, e.PublicationID)
	return p, e, err
}

// EventFile is what the staff event page shows besides its participants.
type EventFile struct {
	Pub   model.Publication
	Event model.Event
	// Counts are the seats taken, by registration status.
	Counts map[model.RegStatus]int
	// Occurrences (the next 30) and Exceptions of a recurring event.
	Occurrences []model.Occurrence
	Exceptions  []model.EventException
}

// EventFile returns event id's file for whom the policy allows event.view.
func (s *Service) EventFile(ctx context.Context, actorID, orgID, id string) (EventFile, error) {
	var f EventFile
	var err error
	if f.Pub, f.Event, err = s.StaffEvent(ctx, actorID, orgID, id); err != nil {
		return f, err
	}
	if f.Event.Recurring() {
		if f.Occurrences, err = s.Store.Occurrences(ctx, f.Event.PublicationID, s.Now(), 30); err != nil {
			return f, err
		}
		if f.Exceptions, err = s.Store.EventExceptions(ctx, f.Event.PublicationID); err != nil {
			return f, err
		}
	}
	f.Counts, err = s.Store.RegistrationCounts(ctx, f.Event.PublicationID)
	return f, err
}

// RegistrationCounts counts an event's seats by registration status for
// whom the policy allows event.view.
func (s *Service) RegistrationCounts(ctx context.Context, actorID, orgID, eventID string) (map[model.RegStatus]int, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.EventView); err != nil {
		return nil, err
	}
	if _, err := s.Store.EventByID(ctx, orgID, eventID); err != nil {
		return nil, err
	}
	return s.Store.RegistrationCounts(ctx, eventID)
}

// RegistrationByCode finds an event's registration by the code shown at
// the entrance, for whom the policy allows event.checkin.
func (s *Service) RegistrationByCode(ctx context.Context, actorID, orgID, eventID, code string) (model.Registration, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.EventCheckin); err != nil {
		return model.Registration{}, err
	}
	if _, err := s.Store.EventByID(ctx, orgID, eventID); err != nil {
		return model.Registration{}, err
	}
	return s.Store.RegistrationByCode(ctx, eventID, code)
}

// RegistrationsToday counts the registrations to the organisation's events
// made since Paris midnight that hold a place or wait for one, for the
// staff dashboard of whom the policy allows event.view.
func (s *Service) RegistrationsToday(ctx context.Context, actorID, orgID string) (int, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.EventView); err != nil {
		return 0, err
	}
	return s.Store.CountRegistrationsSince(ctx, orgID, dates.Midnight(s.Now()))
}
