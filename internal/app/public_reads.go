package app

import (
	"context"

	"github.com/parvis/parvis/internal/model"
)

// Public reads outside the publishing and events features (app/publishing
// and app/events have their own): organisations, memberships, the
// instance's counts, the office's closures and services, comments. They
// need no policy and only pass the query on, so that pages read through app
// and never through the store.

// OrganisationByHandle finds an organisation by its handle.
func (a *App) OrganisationByHandle(ctx context.Context, handle string) (model.Organisation, error) {
	return a.Store.OrganisationByHandle(ctx, handle)
}

// OrganisationByID finds an organisation by its id.
func (a *App) OrganisationByID(ctx context.Context, id string) (model.Organisation, error) {
	return a.Store.OrganisationByID(ctx, id)
}

// PublicGeneration returns the organisation's public cache generation.
func (a *App) PublicGeneration(ctx context.Context, handle string) (orgID string, gen int64, err error) {
	return a.Store.PublicGeneration(ctx, handle)
}

// CountLocalAccounts counts the instance's accounts and posts (NodeInfo).
func (a *App) CountLocalAccounts(ctx context.Context) (users, posts int, err error) {
	return a.Store.CountLocalAccounts(ctx)
}

// CountFollowers counts a federation actor's followers.
func (a *App) CountFollowers(ctx context.Context, actorID string) (int, error) {
	return a.Store.CountFollowers(ctx, actorID)
}

// Membership returns an account's own membership of an organisation (not
// found when it has none): the route table asks the policy with it.
func (a *App) Membership(ctx context.Context, accountID, orgID string) (model.Membership, error) {
	return a.Store.Membership(ctx, accountID, orgID)
}

// Ping reports whether the database answers.
func (a *App) Ping(ctx context.Context) error {
	return a.Store.Ping(ctx)
}

// PublicationComment returns comment id of a publication of the
// organisation (not found when it belongs to another publication).
func (a *App) PublicationComment(ctx context.Context, orgID, pubID, id string) (model.Comment, error) {
	c, err := a.Store.CommentByID(ctx, orgID, id)
	if err == nil && c.PublicationID != pubID {
		err = model.ErrNotFound
	}
	return c, err
}

// PublicClosures lists the organisation's office closures from day
// (YYYY-MM-DD) on: the public "permanence" page announces them.
func (a *App) PublicClosures(ctx context.Context, orgID, day string) ([]model.OfficeClosure, error) {
	return a.Store.OfficeClosures(ctx, orgID, day)
}

// PublicServices lists the organisation's services: a resident addresses
// a question to one of them.
func (a *App) PublicServices(ctx context.Context, orgID string) ([]model.Service, error) {
	return a.Store.ServicesOf(ctx, orgID)
}
