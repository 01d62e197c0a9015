package publishing

import (
	"context"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
)

// The publishing pages read through these use cases, each asking the
// policy itself (publication.view unless said otherwise).

// StaffMembers lists the organisation's staff (names and roles, no
// addresses) for any of its staff: authors and actors on the staff pages.
func (s *Service) StaffMembers(ctx context.Context, actorID, orgID string) ([]model.StaffMember, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.DashboardView); err != nil {
		return nil, err
	}
	return s.Store.StaffOf(ctx, orgID)
}

// StaffPublication returns one of the organisation's publications, in any
// state, for whom the policy allows publication.view.
func (s *Service) StaffPublication(ctx context.Context, actorID, orgID, id string) (model.Publication, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.PublicationView); err != nil {
		return model.Publication{}, err
	}
	return s.Store.PublicationByID(ctx, orgID, id)
}

// PublicationList is a page of the staff publication list.
type PublicationList struct {
	Items  []model.Publication
	Total  int
	Topics []model.Topic
	Counts map[model.PubState]int
}

// Publications lists a page of the organisation's publications (f.OrgID)
// with the topics to filter on and the counts by state.
func (s *Service) Publications(ctx context.Context, actorID string, f model.PubFilter) (PublicationList, error) {
	var l PublicationList
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, f.OrgID, policy.PublicationView); err != nil {
		return l, err
	}
	var err error
	if l.Items, l.Total, err = s.Store.ListPublications(ctx, f); err != nil {
		return l, err
	}
	if l.Topics, err = s.Store.TopicsOf(ctx, f.OrgID); err != nil {
		return l, err
	}
	l.Counts, err = s.Store.CountPublicationsByState(ctx, f.OrgID)
	return l, err
}

// PublicationHistory lists a publication's workflow transitions, oldest first.
func (s *Service) PublicationHistory(ctx context.Context, actorID, orgID, id string) ([]model.PubTransition, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.PublicationView); err != nil {
		return nil, err
	}
	return s.Store.PublicationTransitions(ctx, orgID, id)
}

// PublicationRevisions returns a publication and its revisions.
func (s *Service) PublicationRevisions(ctx context.Context, actorID, orgID, id string) (model.Publication, []model.PubRevision, error) {
	p, err := s.StaffPublication(ctx, actorID, orgID, id)
	if err != nil {
		return p, nil, err
	}
	revs, err := s.Store.PublicationRevisions(ctx, orgID, p.ID)
	return p, revs, err
}

// PublicationRevision returns revision n of a publication.
func (s *Service) PublicationRevision(ctx context.Context, actorID, orgID, id string, n int) (model.PubRevision, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.PublicationView); err != nil {
		return model.PubRevision{}, err
	}
	return s.Store.PublicationRevision(ctx, orgID, id, n)
}

// ValidationQueue lists the submitted publications waiting for a decision
// (publication.review), and how many there are.
func (s *Service) ValidationQueue(ctx context.Context, actorID, orgID string, limit int) ([]model.Publication, int, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.PublicationReview); err != nil {
		return nil, 0, err
	}
	return s.Store.ListPublications(ctx, model.PubFilter{OrgID: orgID, State: model.StateSubmitted, Limit: limit})
}

// PublicationCalendar lists the publications published or scheduled in
// [from, to): the editorial calendar.
func (s *Service) PublicationCalendar(ctx context.Context, actorID, orgID string, from, to time.Time) ([]model.Publication, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.PublicationView); err != nil {
		return nil, err
	}
	return s.Store.PublicationsBetween(ctx, orgID, from, to)
}

// ValidationSettings says which kinds of publication need validation, for
// whom the policy allows publishing.settings.
func (s *Service) ValidationSettings(ctx context.Context, actorID, orgID string) (map[model.PubKind]bool, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.PublishingSettings); err != nil {
		return nil, err
	}
	return s.Store.ValidationSettings(ctx, orgID)
}

// EditorChoices is what the publication editor offers around the text.
type EditorChoices struct {
	Required   bool // this kind needs validation
	Topics     []model.Topic
	Neighbours []model.Neighbourhood
	Image      *model.Media // the chosen illustration, if it exists
	Media      []model.Media
}

// EditorChoices returns the editor's choices for a publication of kind
// with illustration imageID ("" for none); the media library only when
// withMedia (the reader may edit).
func (s *Service) EditorChoices(ctx context.Context, actorID, orgID string, kind model.PubKind, imageID string, withMedia bool) (EditorChoices, error) {
	var c EditorChoices
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.PublicationView); err != nil {
		return c, err
	}
	var err error
	if c.Required, err = s.Store.ValidationRequired(ctx, orgID, kind); err != nil {
		return c, err
	}
	if c.Topics, err = s.Store.TopicsOf(ctx, orgID); err != nil {
		return c, err
	}
	if c.Neighbours, err = s.Store.NeighbourhoodsOf(ctx, orgID); err != nil {
		return c, err
	}
	if imageID != "" {
		if im, err := s.Store.MediaByID(ctx, orgID, imageID); err == nil {
			c.Image = &im
		}
	}
	if withMedia {
		if c.Media, err = s.Store.MediaOf(ctx, orgID, "", 24); err != nil {
			return c, err
		}
	}
	return c, nil
}

// PublicationEvent returns the event details of an event publication, for
// the editor (publication.view: a validator reads what they approve).
func (s *Service) PublicationEvent(ctx context.Context, actorID, orgID, pubID string) (model.Event, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.PublicationView); err != nil {
		return model.Event{}, err
	}
	return s.Store.EventByID(ctx, orgID, pubID)
}

// Waiting is what waits in the publishing workflow, for the staff dashboard.
type Waiting struct {
	Submitted int // waiting for a validator
	Approved  int // approved, waiting to be published or scheduled
}

// WaitingCounts counts the organisation's publications waiting in the
// workflow, for whom the policy allows publication.view.
func (s *Service) WaitingCounts(ctx context.Context, actorID, orgID string) (Waiting, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.PublicationView); err != nil {
		return Waiting{}, err
	}
	n, err := s.Store.CountPublicationsByState(ctx, orgID)
	return Waiting{Submitted: n[model.StateSubmitted], Approved: n[model.StateApproved]}, err
}
