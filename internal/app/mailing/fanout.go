package mailing

import (
	"context"
	"errors"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// massData is what every mass mail template receives beside its own data:
// the organisation and the per-recipient link placeholders.
type massData struct {
	Org   string
	Prefs string
	Unsub string
}

func newMassData(org string) massData {
	return massData{Org: org, Prefs: mail.Slot(0), Unsub: mail.Slot(1)}
}

type pubMail struct {
	massData
	Kind    model.PubKind
	Urgent  bool
	Title   string
	Summary string
	URL     string
}

// PublicationURL is a publication's public address.
func (s *Service) PublicationURL(org model.Organisation, p model.Publication) string {
	return s.BaseURL + "/" + org.Handle + "/p/" + p.Slug
}

// FanOut e-mails a published alert or news item to the subscribers who want
// it at once, then starts sending: the list is drawn and the sending begins
// in the same job, so an urgent alert reaches the mail server within
// moments of publication. Run twice, it creates one mailing.
func (s *Service) FanOut(ctx context.Context, orgID, publicationID string) error {
	p, err := s.Store.PublicationByID(ctx, orgID, publicationID)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if p.State != model.StatePublished {
		return nil
	}
	kind := model.MailingNews
	switch p.Kind {
	case model.KindAlert:
		kind = model.MailingAlert
	case model.KindNews, model.KindEvent, model.KindJob:
	default:
		return nil // standing pages are not announced
	}
	org, err := s.Store.OrganisationByID(ctx, orgID)
	if err != nil {
		return err
	}
	urgent := p.Kind == model.KindAlert && p.AlertLevel == model.AlertUrgence
	data := pubMail{massData: newMassData(org.Name), Kind: p.Kind, Urgent: urgent, Title: p.Title, Summary: p.Summary,
		URL: s.PublicationURL(org, p)}
	r, err := s.renderMass("pub", func(string) any { return data })
	if err != nil {
		return err
	}
	// An urgent alert goes to every alert subscriber of the organisation,
	// whatever topics or neighbourhoods they chose.
	aud := store.Audience{OrgID: orgID, Kind: kind, Restrict: !urgent, TopicIDs: p.TopicIDs, NeighbourhoodIDs: p.NeighbourhoodIDs}
	if urgent {
		aud.TopicIDs, aud.NeighbourhoodIDs = nil, nil
	}
	var id string
	var n int
	if err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		id, n, err = s.startMailing(ctx, tx, withMessage(model.Mailing{OrgID: orgID, Kind: kind, RefID: p.ID}, r), aud, false)
		return err
	}); err != nil {
		return err
	}
	if n == 0 {
		_, err := s.Store.FinishMailing(ctx, id, s.Now())
		return err
	}
	return s.RunMailing(ctx, id)
}

type threadMail struct {
	massData
	Title string
	URL   string
}

// NotifyThread e-mails a new comment's thread followers.
func (s *Service) NotifyThread(ctx context.Context, publicationID, commentID string) error {
	orgID, err := s.Store.PublicationOrg(ctx, publicationID)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	// A comment hidden or withdrawn before this job ran is not announced
	// (if it is made public again, that decision queues a new job).
	c, err := s.Store.CommentByID(ctx, orgID, commentID)
	if errors.Is(err, model.ErrNotFound) || (err == nil && c.Status != model.CommentPublished) {
		return nil
	}
	if err != nil {
		return err
	}
	p, err := s.Store.PublicationByID(ctx, orgID, publicationID)
	if err != nil {
		return err
	}
	org, err := s.Store.OrganisationByID(ctx, orgID)
	if err != nil {
		return err
	}
	// Whoever wrote the comment follows the thread too, often: it is not
	// news to them.
	var author string
	if c.AccountID != "" {
		sub, err := s.Store.SubscriberByAccount(ctx, c.AccountID)
		switch {
		case err == nil:
			author = sub.ID
		case !errors.Is(err, model.ErrNotFound):
			return err
		}
	}
	data := threadMail{massData: newMassData(org.Name), Title: p.Title, URL: s.PublicationURL(org, p) + "#comment-" + commentID}
	r, err := s.renderMass("thread", func(string) any { return data })
	if err != nil {
		return err
	}
	var id string
	var n int
	if err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		id, n, err = s.startMailing(ctx, tx, withMessage(model.Mailing{OrgID: orgID, Kind: model.MailingThread, RefID: commentID}, r),
			store.Audience{OrgID: orgID, Kind: model.MailingThread, ThreadID: publicationID, Exclude: author}, false)
		return err
	}); err != nil {
		return err
	}
	if n == 0 {
		_, err := s.Store.FinishMailing(ctx, id, s.Now())
		return err
	}
	return s.RunMailing(ctx, id)
}

// recordBounce counts a bounce against a subscriber, suspending the address
// after Config.BounceLimit hard bounces.
func (s *Service) recordBounce(ctx context.Context, tx *store.Tx, subscriberID, kind, status, reason string) (bool, error) {
	return tx.RecordBounce(ctx, core.NewID(), subscriberID, kind, status, reason, s.Config.bounceLimit(), s.Now())
}

// HandleBounce records an asynchronous bounce report (DSN) addressed to a
// VERP return address. Unknown or forged tokens are ignored.
func (s *Service) HandleBounce(ctx context.Context, token, kind, status, reason string) error {
	subID, err := s.links.ParseBounceToken(token)
	if err != nil {
		return nil
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.SubscriberByID(ctx, subID); err != nil {
			if errors.Is(err, model.ErrNotFound) {
				return nil
			}
			return err
		}
		_, err := s.recordBounce(ctx, tx, subID, kind, status, reason)
		return err
	})
}
