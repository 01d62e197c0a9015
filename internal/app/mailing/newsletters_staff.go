package mailing

import (
	"context"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Newsletters lists the organisation's newsletters, drafts included, for
// whom the policy allows newsletter.edit.
func (s *Service) Newsletters(ctx context.Context, actorID, orgID string) ([]model.Newsletter, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.NewsletterEdit); err != nil {
		return nil, err
	}
	return s.Store.NewslettersOf(ctx, orgID, false)
}

// Newsletter returns one of the organisation's newsletters for whom the
// policy allows newsletter.edit.
func (s *Service) Newsletter(ctx context.Context, actorID, orgID, id string) (model.Newsletter, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.NewsletterEdit); err != nil {
		return model.Newsletter{}, err
	}
	return s.Store.NewsletterByID(ctx, orgID, id)
}

// NewsletterFile is everything the newsletter page shows: the letter, the
// choices of audience, its preview, how many it would reach and, once
// sending, its mailing and the clicks on its links.
type NewsletterFile struct {
	N        model.Newsletter
	Topics   []model.Topic
	Hoods    []model.Neighbourhood
	Preview  RenderedNewsletter
	Audience int
	// AsSent: the letter has gone out, and Preview is the letter as sent
	// (the HTML frozen at send time, the mailing's text), not a new
	// rendering with today's publications.
	AsSent  bool
	Mailing *model.Mailing
	// Clicks are the letter's links and their clicks, when the
	// organisation counts them (aggregate only).
	Clicks []model.ClickCount
}

// NewsletterFile returns newsletter id's file ("" for a new letter: only
// the choices of audience) for whom the policy allows newsletter.edit.
func (s *Service) NewsletterFile(ctx context.Context, actorID string, org model.Organisation, id string) (NewsletterFile, error) {
	var f NewsletterFile
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, org.ID, policy.NewsletterEdit); err != nil {
		return f, err
	}
	var err error
	if f.Topics, err = s.Store.TopicsOf(ctx, org.ID); err != nil {
		return f, err
	}
	if f.Hoods, err = s.Store.NeighbourhoodsOf(ctx, org.ID); err != nil {
		return f, err
	}
	if id == "" {
		return f, nil
	}
	if f.N, err = s.Store.NewsletterByID(ctx, org.ID, id); err != nil {
		return f, err
	}
	if f.Audience, err = s.NewsletterAudience(ctx, f.N); err != nil {
		return f, err
	}
	if f.N.MailingID != "" {
		m, err := s.Store.MailingByID(ctx, org.ID, f.N.MailingID)
		if err != nil {
			return f, err
		}
		f.Mailing = &m
		if f.Clicks, err = s.Store.ClickCounts(ctx, m.ID); err != nil {
			return f, err
		}
		if f.N.HTMLArchive != "" {
			f.AsSent = true
			f.Preview = RenderedNewsletter{BodyHTML: f.N.HTMLArchive, BodyText: m.Text, Subject: m.Subject,
				MailText: m.Text, MailHTML: m.HTML}
			return f, nil
		}
	}
	f.Preview, err = s.RenderNewsletter(ctx, org, f.N)
	return f, err
}

// NewsletterMailing returns the mailing of newsletter id (not found before
// it is sent) for whom the policy allows newsletter.edit: the progress bar.
func (s *Service) NewsletterMailing(ctx context.Context, actorID, orgID, id string) (model.Mailing, error) {
	n, err := s.Newsletter(ctx, actorID, orgID, id)
	if err != nil {
		return model.Mailing{}, err
	}
	if n.MailingID == "" {
		return model.Mailing{}, model.ErrNotFound
	}
	return s.Store.MailingByID(ctx, orgID, n.MailingID)
}

// SubscriberFigures are the subscriber figures page's data: counts only,
// never addresses.
type SubscriberFigures struct {
	Counts    store.SubscriberCounts
	Topics    []model.Topic
	Hoods     []model.Neighbourhood
	Suspended int
	Bounces   []model.BounceStat
	Settings  model.MailSettings
	// DigestClicks are the most clicked links of the last 30 days'
	// digests, all recipients together (when clicks are counted).
	DigestClicks []model.ClickCount
}

// SubscriberFigures returns the organisation's subscriber figures for whom
// the policy allows subscribers.view.
func (s *Service) SubscriberFigures(ctx context.Context, actorID, orgID string) (SubscriberFigures, error) {
	var d SubscriberFigures
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.SubscribersView); err != nil {
		return d, err
	}
	var err error
	if d.Counts, err = s.Store.CountSubscribers(ctx, orgID); err != nil {
		return d, err
	}
	if d.Topics, err = s.Store.TopicsOf(ctx, orgID); err != nil {
		return d, err
	}
	if d.Hoods, err = s.Store.NeighbourhoodsOf(ctx, orgID); err != nil {
		return d, err
	}
	if d.Suspended, d.Bounces, err = s.Store.BounceStats(ctx, orgID); err != nil {
		return d, err
	}
	if d.Settings, err = s.Store.MailSettings(ctx, orgID); err != nil {
		return d, err
	}
	if d.DigestClicks, err = s.Store.DigestClicks(ctx, orgID, s.Now().Add(-30*24*time.Hour), 20); err != nil {
		return d, err
	}
	return d, nil
}

// SentNewsletters lists the organisation's sent newsletters: the public
// archive.
func (s *Service) SentNewsletters(ctx context.Context, orgID string) ([]model.Newsletter, error) {
	return s.Store.NewslettersOf(ctx, orgID, true)
}

// SentNewsletter returns a newsletter of the public archive by its slug.
func (s *Service) SentNewsletter(ctx context.Context, orgID, slug string) (model.Newsletter, error) {
	return s.Store.NewsletterBySlug(ctx, orgID, slug)
}
