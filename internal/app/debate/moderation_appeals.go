package debate

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// AppealWindow is how long after a decision its author may contest it
// (DSA art. 20: at least six months).
const AppealWindow = 183 * 24 * time.Hour

// RequestReview is an author asking a human to look at a comment screening
// rejected: it goes to the moderation queue.
func (s *Service) RequestReview(ctx context.Context, org model.Organisation, acct model.Account, id string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		c, err := s.ownComment(ctx, tx, org.ID, id, acct)
		if err != nil {
			return err
		}
		if c.Status != model.CommentRejected {
			return model.ErrForbidden
		}
		if c.Review == model.ReviewRequest {
			return nil // asked already
		}
		now := s.Now()
		c.Review, c.ReviewSince, c.UpdatedAt = model.ReviewRequest, &now, now
		if err := tx.UpdateComment(ctx, c); err != nil {
			return err
		}
		if err := s.console.InboxOnModeration(ctx, tx, org, model.InboxHeld, c, ""); err != nil {
			return err
		}
		return s.Audit(ctx, tx, org.ID, acct.ID, "comment.review_request", c.ID, "")
	})
}

// Appealable returns the latest restrictive decision about the author's
// comment that can still be appealed, or model.ErrNotFound.
func (s *Service) Appealable(ctx context.Context, org model.Organisation, acct model.Account, id string) (model.Comment, model.Decision, error) {
	c, err := s.Store.CommentByID(ctx, org.ID, id)
	if err != nil {
		return c, model.Decision{}, err
	}
	if c.AccountID != acct.ID {
		return c, model.Decision{}, model.ErrForbidden
	}
	ds, err := s.Store.DecisionsOf(ctx, org.ID, c.ID)
	if err != nil {
		return c, model.Decision{}, err
	}
	appeals, err := s.Store.AppealsOf(ctx, org.ID, c.ID)
	if err != nil {
		return c, model.Decision{}, err
	}
	// Only the latest decision can be contested.
	if len(ds) == 0 {
		return c, model.Decision{}, model.ErrNotFound
	}
	d := ds[len(ds)-1]
	restrictive := d.Action == "hide" || d.Action == "delete" || d.Action == "autohide" || d.Sanction != ""
	if d.Source == "appeal" || !restrictive {
		// The latest decision stands as the outcome; nothing to contest.
		return c, model.Decision{}, model.ErrNotFound
	}
	for _, ap := range appeals {
		if ap.DecisionID == d.ID {
			return c, d, model.ErrConflict
		}
	}
	if s.Now().Sub(d.CreatedAt) > AppealWindow {
		return c, d, model.ErrExpired
	}
	return c, d, nil
}

// Appeal is an author contesting the latest decision about their comment
// (DSA art. 20); a moderator other than the one who decided will decide.
func (s *Service) Appeal(ctx context.Context, org model.Organisation, acct model.Account, id, text string) error {
	text = strings.TrimSpace(text)
	v := &model.ValidationError{}
	if n := utf8.RuneCountInString(text); n < 10 || n > 2000 {
		v.Add("text", "debate.error.appeal_text")
		return v
	}
	c, d, err := s.Appealable(ctx, org, acct, id)
	if errors.Is(err, model.ErrConflict) {
		return nil // appealed already: a second submission changes nothing
	}
	if err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		now := s.Now()
		err := tx.CreateAppeal(ctx, model.Appeal{ID: core.NewID(), OrgID: org.ID, CommentID: c.ID, DecisionID: d.ID,
			AccountID: acct.ID, Text: text, CreatedAt: now})
		if errors.Is(err, model.ErrConflict) {
			return nil
		} else if err != nil {
			return err
		}
		c, err := tx.CommentForUpdate(ctx, org.ID, c.ID)
		if err != nil {
			return err
		}
		c.Review, c.ReviewSince, c.UpdatedAt = model.ReviewAppeal, &now, now
		if err := tx.UpdateComment(ctx, c); err != nil {
			return err
		}
		if err := s.console.InboxOnModeration(ctx, tx, org, model.InboxAppeal, c, text); err != nil {
			return err
		}
		return s.Audit(ctx, tx, org.ID, acct.ID, "moderation.appeal", c.ID, d.ID)
	})
}

// ErrSameModerator refuses an appeal decision by the moderator whose
// decision is contested.
var ErrSameModerator = &model.FieldError{Field: "outcome", Code: "debate.error.same_moderator"}

// appealMail tells the author the outcome of their appeal.
type appealMail struct {
	Name, Org, Excerpt, Answer string
	Reversed                   bool
}

// DecideAppeal settles a pending appeal: "upheld" (the decision stands) or
// "reversed" (the comment is restored and any sanction lifted). The
// moderator must not be the one who took the contested decision.
func (s *Service) DecideAppeal(ctx context.Context, actor model.Account, org model.Organisation, commentID, outcome, answer string) error {
	answer = strings.TrimSpace(answer)
	v := &model.ValidationError{}
	if outcome != "upheld" && outcome != "reversed" {
		v.Add("outcome", "debate.error.outcome")
	}
	if n := utf8.RuneCountInString(answer); n < 10 || n > 2000 {
		v.Add("answer", "debate.error.answer")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actor.ID, org.ID, policy.ModerationDecide); err != nil {
			return err
		}
		c, err := tx.CommentForUpdate(ctx, org.ID, commentID)
		if err != nil {
			return err
		}
		appeals, err := tx.AppealsOf(ctx, org.ID, c.ID)
		if err != nil {
			return err
		}
		var ap *model.Appeal
		for i := range appeals {
			if appeals[i].Status == "pending" {
				ap = &appeals[i]
			}
		}
		if ap == nil {
			return model.ErrConflict // decided already
		}
		contested, err := tx.DecisionByID(ctx, org.ID, ap.DecisionID)
		if err != nil {
			return err
		}
		if contested.ActorID == actor.ID {
			return ErrSameModerator
		}
		now := s.Now()
		ap.Status, ap.DecidedBy, ap.DecidedAt, ap.Answer = outcome, actor.ID, &now, answer
		if err := tx.DecideAppeal(ctx, *ap); err != nil {
			return err
		}
		d := model.Decision{ID: core.NewID(), OrgID: org.ID, CommentID: c.ID, AuthorID: c.AccountID, ActorID: actor.ID,
			Action: "uphold", Source: "appeal", RuleNumber: contested.RuleNumber, RuleText: contested.RuleText,
			Note: answer, QueuedAt: c.ReviewSince, CreatedAt: now}
		if outcome == "reversed" {
			d.Action, d.RuleNumber, d.RuleText = "restore", 0, ""
			if c.Status == model.CommentHidden || c.Status == model.CommentDeleted {
				was := c.Status
				c.Status, c.RuleNumber, c.RuleText = model.CommentPublished, 0, ""
				if err := s.notifyIfNowPublished(ctx, tx, was, c); err != nil {
					return err
				}
			}
			if err := tx.DropRemovedFingerprint(ctx, org.ID, c.ID); err != nil {
				return err
			}
			if err := tx.LiftSanctions(ctx, org.ID, contested.ID, now); err != nil {
				return err
			}
		}
		if err := closeCase(ctx, tx, &c, d); err != nil {
			return err
		}
		if err := s.console.InboxOnDecision(ctx, tx, org, c, d); err != nil {
			return err
		}
		if err := s.Audit(ctx, tx, org.ID, actor.ID, "moderation.appeal_decide", c.ID, outcome+" "+ap.ID+" note="+answer); err != nil {
			return err
		}
		if c.AccountID == "" {
			return nil
		}
		acct, err := tx.AccountByID(ctx, c.AccountID)
		if errors.Is(err, model.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		return s.SendOrgMail(ctx, tx, org, acct.Email, core.AccountLang(acct, ""), "debate_appeal_decision", appealMail{Name: acct.DisplayName,
			Org: org.Name, Excerpt: core.Excerpt(c.Body, 300), Answer: answer, Reversed: outcome == "reversed"})
	})
}
