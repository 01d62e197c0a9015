package publishing

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// TagInput is a topic or neighbourhood as typed in the staff area.
type TagInput struct {
	Name        string
	Slug        string // "" to derive it from the name
	Description string
	ServiceID   string // topics only
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// checkTag validates a tag's fields and fills the slug.
func checkTag(in *TagInput) error {
	in.Name, in.Slug, in.Description = strings.TrimSpace(in.Name), strings.TrimSpace(in.Slug), strings.TrimSpace(in.Description)
	v := &model.ValidationError{}
	if in.Name == "" || core.TooLong(in.Name, 80) {
		v.Add("name", "tag.error.name")
	}
	if in.Slug == "" {
		in.Slug = core.Slugify(in.Name)
	}
	if !slugPattern.MatchString(in.Slug) || len(in.Slug) > 60 {
		v.Add("slug", "tag.error.slug")
	}
	if core.TooLong(in.Description, 500) {
		v.Add("description", "tag.error.description")
	}
	return v.Err()
}

// SaveTopic creates (id "") or updates an organisation's topic (administrators).
func (s *Service) SaveTopic(ctx context.Context, actorID, orgID, id string, in TagInput) (model.Topic, error) {
	if err := checkTag(&in); err != nil {
		return model.Topic{}, err
	}
	t := model.Topic{ID: id, OrgID: orgID, Slug: in.Slug, Name: in.Name, Description: in.Description, ServiceID: in.ServiceID, CreatedAt: s.Now()}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.TaxonomyManage); err != nil {
			return err
		}
		org, err := tx.OrganisationByID(ctx, orgID)
		if err != nil {
			return err
		}
		if s.Fediverse.CollidesWithHost(org.Handle, t.Slug) {
			// "{org}.{topic}@host" would be the instance actor's address.
			return &model.FieldError{Field: "slug", Code: "tag.error.slug_host"}
		}
		if t.ID == "" {
			t.ID = core.NewID()
			err = tx.CreateTopic(ctx, t)
		} else {
			err = tx.UpdateTopic(ctx, t)
		}
		if err := tagError(err, in.ServiceID != ""); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actorID, "topic.save", t.ID, t.Name)
	})
	return t, err
}

// DeleteTopic removes a topic from the organisation (administrators).
func (s *Service) DeleteTopic(ctx context.Context, actorID, orgID, id string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.TaxonomyManage); err != nil {
			return err
		}
		t, err := tx.TopicByID(ctx, orgID, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteTopic(ctx, orgID, id); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actorID, "topic.delete", id, t.Name)
	})
}

// SaveNeighbourhood creates (id "") or updates a neighbourhood (administrators).
func (s *Service) SaveNeighbourhood(ctx context.Context, actorID, orgID, id string, in TagInput) (model.Neighbourhood, error) {
	if err := checkTag(&in); err != nil {
		return model.Neighbourhood{}, err
	}
	n := model.Neighbourhood{ID: id, OrgID: orgID, Slug: in.Slug, Name: in.Name, Description: in.Description, CreatedAt: s.Now()}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.TaxonomyManage); err != nil {
			return err
		}
		var err error
		if n.ID == "" {
			n.ID = core.NewID()
			err = tx.CreateNeighbourhood(ctx, n)
		} else {
			err = tx.UpdateNeighbourhood(ctx, n)
		}
		if err := tagError(err, false); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actorID, "neighbourhood.save", n.ID, n.Name)
	})
	return n, err
}

// DeleteNeighbourhood removes a neighbourhood (administrators).
func (s *Service) DeleteNeighbourhood(ctx context.Context, actorID, orgID, id string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.TaxonomyManage); err != nil {
			return err
		}
		n, err := tx.NeighbourhoodByID(ctx, orgID, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteNeighbourhood(ctx, orgID, id); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actorID, "neighbourhood.delete", id, n.Name)
	})
}

// tagError turns store refusals into form messages.
func tagError(err error, hasService bool) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, model.ErrConflict):
		return &model.FieldError{Field: "slug", Code: "tag.error.slug_taken"}
	case errors.Is(err, model.ErrNotFound) && hasService:
		// Either the tag or the service is not the organisation's; both
		// are refused the same way.
		return &model.FieldError{Field: "service_id", Code: "tag.error.service"}
	}
	return err
}

// TaxonomyTopics lists the organisation's topics and the services they may
// be routed to, for whom the policy allows taxonomy.manage.
func (s *Service) TaxonomyTopics(ctx context.Context, actorID, orgID string) ([]model.Topic, []model.Service, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.TaxonomyManage); err != nil {
		return nil, nil, err
	}
	services, err := s.Store.ServicesOf(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	topics, err := s.Store.TopicsOf(ctx, orgID)
	return topics, services, err
}

// TaxonomyNeighbourhoods lists the organisation's neighbourhoods for whom
// the policy allows taxonomy.manage.
func (s *Service) TaxonomyNeighbourhoods(ctx context.Context, actorID, orgID string) ([]model.Neighbourhood, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.TaxonomyManage); err != nil {
		return nil, err
	}
	return s.Store.NeighbourhoodsOf(ctx, orgID)
}
