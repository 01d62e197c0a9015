package fediverse

import (
	"context"

	"github.com/parvis/parvis/internal/federation"
	"github.com/parvis/parvis/internal/model"
)

// The public ActivityPub documents read through these: anyone (a remote
// server) may fetch what is published.

// PersonActor returns the federation actor of a local account (not found
// when it has none).
func (s *Service) PersonActor(ctx context.Context, accountID string) (model.FedActor, error) {
	return s.Store.FedActorOf(ctx, model.ActorPerson, accountID)
}

// PublishedNote returns the ActivityPub object of the organisation's
// publication slug, if it is published.
func (s *Service) PublishedNote(ctx context.Context, org model.Organisation, slug string) (federation.Note, error) {
	p, err := s.Store.PublishedPublication(ctx, org.ID, slug)
	if err != nil {
		return federation.Note{}, err
	}
	return s.PublicationObject(ctx, s.Store.Queries, org, p)
}

// PublicationNote returns the ActivityPub object of the organisation's
// publication id, read whole (topics, image): an outbox page's item.
func (s *Service) PublicationNote(ctx context.Context, org model.Organisation, id string) (federation.Note, error) {
	p, err := s.Store.PublicationByID(ctx, org.ID, id)
	if err != nil {
		return federation.Note{}, err
	}
	return s.PublicationObject(ctx, s.Store.Queries, org, p)
}

// CommentAndPublication returns comment id of the organisation and the
// publication it was posted under.
func (s *Service) CommentAndPublication(ctx context.Context, orgID, id string) (model.Comment, model.Publication, error) {
	c, err := s.Store.CommentByID(ctx, orgID, id)
	if err != nil {
		return c, model.Publication{}, err
	}
	p, err := s.Store.PublicationByID(ctx, orgID, c.PublicationID)
	return c, p, err
}

// CommentByID returns comment id of the organisation.
func (s *Service) CommentByID(ctx context.Context, orgID, id string) (model.Comment, error) {
	return s.Store.CommentByID(ctx, orgID, id)
}
