package publishing

import (
	"context"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Public reads: what anyone may see of the public sites and feeds (only
// published content, the organisations' topics and neighbourhoods). They
// need no policy and only pass the query on, so that pages read through
// app and never through the store.

// TopicBySlug finds one of the organisation's topics.
func (s *Service) TopicBySlug(ctx context.Context, orgID, slug string) (model.Topic, error) {
	return s.Store.TopicBySlug(ctx, orgID, slug)
}

// TopicsOf lists the organisation's topics.
func (s *Service) TopicsOf(ctx context.Context, orgID string) ([]model.Topic, error) {
	return s.Store.TopicsOf(ctx, orgID)
}

// NeighbourhoodBySlug finds one of the organisation's neighbourhoods.
func (s *Service) NeighbourhoodBySlug(ctx context.Context, orgID, slug string) (model.Neighbourhood, error) {
	return s.Store.NeighbourhoodBySlug(ctx, orgID, slug)
}

// NeighbourhoodsOf lists the organisation's neighbourhoods.
func (s *Service) NeighbourhoodsOf(ctx context.Context, orgID string) ([]model.Neighbourhood, error) {
	return s.Store.NeighbourhoodsOf(ctx, orgID)
}

// PublicList lists published publications.
func (s *Service) PublicList(ctx context.Context, f model.PublicFilter) ([]model.Publication, error) {
	return s.Store.PublicList(ctx, f)
}

// PublishedCount counts the organisation's published publications.
func (s *Service) PublishedCount(ctx context.Context, orgID string) (int, error) {
	return s.Store.PublishedCount(ctx, orgID)
}

// PublishedBySlug returns a published publication with its topics and
// neighbourhoods.
func (s *Service) PublishedBySlug(ctx context.Context, orgID, slug string) (model.Publication, []model.Topic, []model.Neighbourhood, error) {
	return s.Store.PublishedBySlug(ctx, orgID, slug)
}

// PublicSitemap lists a page of the organisation's sitemap.
func (s *Service) PublicSitemap(ctx context.Context, orgID string, limit, offset int) ([]store.SitemapEntry, error) {
	return s.Store.PublicSitemap(ctx, orgID, limit, offset)
}

// SearchPublications searches the organisation's published publications.
func (s *Service) SearchPublications(ctx context.Context, orgID, query string, limit, offset int) (store.SearchResult, error) {
	return s.Store.SearchPublications(ctx, orgID, query, limit, offset)
}

// PublishedPublication returns the organisation's publication slug if it
// is published (not found otherwise).
func (s *Service) PublishedPublication(ctx context.Context, orgID, slug string) (model.Publication, error) {
	return s.Store.PublishedPublication(ctx, orgID, slug)
}

// PublicMedia returns one of the organisation's media (a published
// publication's illustration).
func (s *Service) PublicMedia(ctx context.Context, orgID, id string) (model.Media, error) {
	return s.Store.MediaByID(ctx, orgID, id)
}

// ReactionsOf counts the Fediverse's reactions to a publication.
func (s *Service) ReactionsOf(ctx context.Context, publicationID string) (model.Reactions, error) {
	return s.Store.ReactionsOf(ctx, publicationID)
}

// PublicMediaOf returns the organisation's media among ids, by id: the
// illustrations of a list of cards, in one query.
func (s *Service) PublicMediaOf(ctx context.Context, orgID string, ids []string) (map[string]model.Media, error) {
	return s.Store.MediaByIDs(ctx, orgID, ids)
}
