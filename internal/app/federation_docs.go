package app

import (
	"context"

	"github.com/parvis/parvis/internal/federation"
	"github.com/parvis/parvis/internal/model"
)

// The public ActivityPub documents read through these: anyone (a remote
// server) may fetch what is published.

// PersonActor returns the federation actor of a local account (not found
// when it has none).
func (a *App) PersonActor(ctx context.Context, accountID string) (model.FedActor, error) {
	return a.Store.FedActorOf(ctx, model.ActorPerson, accountID)
}

// PublishedNote returns the ActivityPub object of the organisation's
// publication slug, if it is published.
func (a *App) PublishedNote(ctx context.Context, org model.Organisation, slug string) (federation.Note, error) {
	p, err := a.PublishedPublication(ctx, org.ID, slug)
	if err != nil {
		return federation.Note{}, err
	}
	return a.PublicationObject(ctx, a.Store.Queries, org, p)
}

// PublicationNote returns the ActivityPub object of the organisation's
// publication id, read whole (topics, image): an outbox page's item.
func (a *App) PublicationNote(ctx context.Context, org model.Organisation, id string) (federation.Note, error) {
	p, err := a.Store.PublicationByID(ctx, org.ID, id)
	if err != nil {
		return federation.Note{}, err
	}
	return a.PublicationObject(ctx, a.Store.Queries, org, p)
}

// CommentAndPublication returns comment id of the organisation and the
// publication it was posted under.
func (a *App) CommentAndPublication(ctx context.Context, orgID, id string) (model.Comment, model.Publication, error) {
	c, err := a.Store.CommentByID(ctx, orgID, id)
	if err != nil {
		return c, model.Publication{}, err
	}
	p, err := a.Store.PublicationByID(ctx, orgID, c.PublicationID)
	return c, p, err
}

// CommentByID returns comment id of the organisation.
func (a *App) CommentByID(ctx context.Context, orgID, id string) (model.Comment, error) {
	return a.Store.CommentByID(ctx, orgID, id)
}
