package app

import (
	"context"
	"time"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Public reads: what anyone may see of the public sites and feeds (only
// published content, organisations, their topics and neighbourhoods). They
// need no policy and only pass the query on, so that pages read through
// app and never through the store.

// OrganisationByHandle finds an organisation by its handle.
func (a *App) OrganisationByHandle(ctx context.Context, handle string) (model.Organisation, error) {
	return a.Store.OrganisationByHandle(ctx, handle)
}

// OrganisationByID finds an organisation by its id.
func (a *App) OrganisationByID(ctx context.Context, id string) (model.Organisation, error) {
	return a.Store.OrganisationByID(ctx, id)
}

// TopicBySlug finds one of the organisation's topics.
func (a *App) TopicBySlug(ctx context.Context, orgID, slug string) (model.Topic, error) {
	return a.Store.TopicBySlug(ctx, orgID, slug)
}

// TopicsOf lists the organisation's topics.
func (a *App) TopicsOf(ctx context.Context, orgID string) ([]model.Topic, error) {
	return a.Store.TopicsOf(ctx, orgID)
}

// NeighbourhoodBySlug finds one of the organisation's neighbourhoods.
func (a *App) NeighbourhoodBySlug(ctx context.Context, orgID, slug string) (model.Neighbourhood, error) {
	return a.Store.NeighbourhoodBySlug(ctx, orgID, slug)
}

// NeighbourhoodsOf lists the organisation's neighbourhoods.
func (a *App) NeighbourhoodsOf(ctx context.Context, orgID string) ([]model.Neighbourhood, error) {
	return a.Store.NeighbourhoodsOf(ctx, orgID)
}

// PublicList lists published publications.
func (a *App) PublicList(ctx context.Context, f model.PublicFilter) ([]model.Publication, error) {
	return a.Store.PublicList(ctx, f)
}

// PublishedCount counts the organisation's published publications.
func (a *App) PublishedCount(ctx context.Context, orgID string) (int, error) {
	return a.Store.PublishedCount(ctx, orgID)
}

// PublishedBySlug returns a published publication with its topics and
// neighbourhoods.
func (a *App) PublishedBySlug(ctx context.Context, orgID, slug string) (model.Publication, []model.Topic, []model.Neighbourhood, error) {
	return a.Store.PublishedBySlug(ctx, orgID, slug)
}

// PublicSitemap lists a page of the organisation's sitemap.
func (a *App) PublicSitemap(ctx context.Context, orgID string, limit, offset int) ([]store.SitemapEntry, error) {
	return a.Store.PublicSitemap(ctx, orgID, limit, offset)
}

// SearchPublications searches the organisation's published publications.
func (a *App) SearchPublications(ctx context.Context, orgID, query string, limit, offset int) (store.SearchResult, error) {
	return a.Store.SearchPublications(ctx, orgID, query, limit, offset)
}

// Agenda lists the public agenda.
func (a *App) Agenda(ctx context.Context, f model.AgendaFilter) ([]model.AgendaItem, error) {
	return a.Store.Agenda(ctx, f)
}

// FeedEvents lists the events of the organisation's public calendar feed.
func (a *App) FeedEvents(ctx context.Context, orgID, topicID, neighbourhoodID string, since time.Time, limit int) ([]store.FeedEvent, error) {
	return a.Store.FeedEvents(ctx, orgID, topicID, neighbourhoodID, since, limit)
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

// PublishedPublication returns the organisation's publication slug if it
// is published (not found otherwise: a draft has no public page).
func (a *App) PublishedPublication(ctx context.Context, orgID, slug string) (model.Publication, error) {
	p, err := a.Store.PublicationBySlug(ctx, orgID, slug)
	if err != nil {
		return p, err
	}
	if p.State != model.StatePublished {
		return p, model.ErrNotFound
	}
	return p, nil
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

// PublicMedia returns one of the organisation's media (a published
// publication's illustration).
func (a *App) PublicMedia(ctx context.Context, orgID, id string) (model.Media, error) {
	return a.Store.MediaByID(ctx, orgID, id)
}

// ReactionsOf counts the Fediverse's reactions to a publication.
func (a *App) ReactionsOf(ctx context.Context, publicationID string) (model.Reactions, error) {
	return a.Store.ReactionsOf(ctx, publicationID)
}
