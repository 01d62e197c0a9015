package debate

import (
	"context"
	"errors"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// QueueItem is a line of the moderation queue: a comment with its
// publication, open reports and second opinion.
type QueueItem = store.QueueItem

// ModerationQueue lists the comments waiting for a moderator's decision in
// the organisation, oldest first, for whom the policy allows
// moderation.decide; with reviews, only those waiting for one of these
// reasons (the dashboard's counts link to them).
func (s *Service) ModerationQueue(ctx context.Context, actorID, orgID string, limit int, reviews ...model.Review) ([]store.QueueItem, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.ModerationDecide); err != nil {
		return nil, err
	}
	return s.Store.NeedsDecision(ctx, orgID, limit, reviews...)
}

// CaseFile is everything a moderator sees about one comment.
type CaseFile struct {
	Comment     model.Comment
	Publication model.Publication
	Parent      *model.Comment
	Reports     []model.Report
	Decisions   []model.Decision
	Appeals     []model.Appeal
	Author      *AuthorProfile
	Revisions   []string
	// Opinion is the language model's second opinion, nil when none was asked.
	Opinion *model.CommentOpinion
}

// AuthorProfile is the pseudonymous view staff have of a resident: never
// their e-mail address.
type AuthorProfile struct {
	AccountID   string
	DisplayName string
	JoinedAt    time.Time
	Comments    []model.Comment
	Decisions   []model.Decision
	Sanction    *model.Sanction
}

// AuthorProfile returns a resident's pseudonymous profile within the organisation.
func (s *Service) AuthorProfile(ctx context.Context, actorID, orgID, accountID string) (*AuthorProfile, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.ModerationDecide); err != nil {
		return nil, err
	}
	return s.authorProfile(ctx, orgID, accountID)
}

func (s *Service) authorProfile(ctx context.Context, orgID, accountID string) (*AuthorProfile, error) {
	acct, err := s.Store.AccountByID(ctx, accountID)
	if err != nil {
		return nil, err
	}
	p := &AuthorProfile{AccountID: acct.ID, DisplayName: acct.DisplayName, JoinedAt: acct.CreatedAt}
	if p.Comments, err = s.Store.CommentsBy(ctx, orgID, accountID, 30); err != nil {
		return nil, err
	}
	if p.Decisions, err = s.Store.DecisionsAbout(ctx, orgID, accountID, 30); err != nil {
		return nil, err
	}
	if sanc, err := s.Store.ActiveSanction(ctx, orgID, accountID, s.Now()); err == nil {
		p.Sanction = &sanc
	} else if !errors.Is(err, model.ErrNotFound) {
		return nil, err
	}
	return p, nil
}

// OpenCase returns a comment's case file for a moderator and records, the
// first time, when staff first opened its reports (proof of prompt action).
func (s *Service) OpenCase(ctx context.Context, actor model.Account, org model.Organisation, commentID string) (CaseFile, error) {
	var cf CaseFile
	if _, err := core.Authorize(ctx, s.Store.Queries, actor.ID, org.ID, policy.ModerationDecide); err != nil {
		return cf, err
	}
	c, err := s.Store.CommentByID(ctx, org.ID, commentID)
	if err != nil {
		return cf, err
	}
	cf.Comment = c
	if err := s.Store.MarkReportsSeen(ctx, c.ID, actor.ID, s.Now()); err != nil {
		return cf, err
	}
	if cf.Publication, err = s.Store.PublicationByID(ctx, org.ID, c.PublicationID); err != nil {
		return cf, err
	}
	if c.ParentID != "" {
		p, err := s.Store.CommentByID(ctx, org.ID, c.ParentID)
		if err != nil {
			return cf, err
		}
		cf.Parent = &p
	}
	if cf.Reports, err = s.Store.ReportsOf(ctx, org.ID, c.ID); err != nil {
		return cf, err
	}
	if cf.Decisions, err = s.Store.DecisionsOf(ctx, org.ID, c.ID); err != nil {
		return cf, err
	}
	if cf.Appeals, err = s.Store.AppealsOf(ctx, org.ID, c.ID); err != nil {
		return cf, err
	}
	if cf.Revisions, err = s.Store.CommentRevisions(ctx, c.ID); err != nil {
		return cf, err
	}
	if op, err := s.Store.OpinionOf(ctx, c.ID); err == nil {
		cf.Opinion = &op
	} else if !errors.Is(err, model.ErrNotFound) {
		return cf, err
	}
	if c.AccountID != "" {
		if cf.Author, err = s.authorProfile(ctx, org.ID, c.AccountID); err != nil {
			return cf, err
		}
	}
	return cf, nil
}

// Waiting counts the comments waiting for a moderator's decision, by
// reason, for the staff dashboard.
type Waiting struct {
	Held     int // held by screening or pre-moderation
	Reported int // reported by someone
	Appeals  int // contested by their author: appeals and review requests
}

// ModerationCounts counts the comments waiting for a moderator's decision,
// per reason, for whom the policy allows moderation.decide.
func (s *Service) ModerationCounts(ctx context.Context, actorID, orgID string) (Waiting, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.ModerationDecide); err != nil {
		return Waiting{}, err
	}
	n, err := s.Store.CountNeedsDecision(ctx, orgID)
	return Waiting{Held: n[model.ReviewHeld], Reported: n[model.ReviewReported],
		Appeals: n[model.ReviewAppeal] + n[model.ReviewRequest]}, err
}
