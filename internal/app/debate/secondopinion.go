package debate

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/jobs"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/secondopinion"
	"github.com/parvis/parvis/internal/store"
)

// The second opinion (docs/MODERATION.md, "Second opinion"). The screen's
// verdict (decision, score, reasons) is the interface: which comments are
// asked about, and what an answer may change by itself, depend only on it.
const (
	// OpinionNearBelow: a published comment whose score is at least the
	// hold threshold minus this is "published near the threshold".
	OpinionNearBelow = 0.15
	// OpinionWeakAbove: a comment held on the statistical model alone with
	// a score below the hold threshold plus this is held on weak evidence;
	// only such holds may be released automatically.
	OpinionWeakAbove = 0.20
	// OpinionConfidence is the model's confidence an automatic change needs.
	OpinionConfidence = 0.85
)

// statisticalReason starts the reason the screen gives for its model's
// probability ("modèle statistique : probabilité d'abus 0.52"); a hold whose
// reasons are all of this kind rests on the model alone, no rule fired.
const statisticalReason = "modèle statistique"

// statisticalOnly reports whether reasons name the statistical model and
// nothing else.
func statisticalOnly(reasons []string) bool {
	for _, r := range reasons {
		if !strings.HasPrefix(r, statisticalReason) {
			return false
		}
	}
	return len(reasons) > 0
}

// OpinionBand says why a screened comment would be shown to the model: ""
// when the screen is sure enough. Rejections are never asked about (a
// person asks for a human review instead), nor holds with rule evidence.
func OpinionBand(res screen.Result, hold float64) string {
	switch {
	case res.Verdict == screen.Hold && statisticalOnly(res.Reasons):
		return model.BandHeldWeak
	case res.Verdict == screen.Allow && res.Score >= hold-OpinionNearBelow:
		return model.BandPublishedNear
	}
	return ""
}

// holdThreshold is the screen's threshold for holding on the model alone.
func (s *Rules) holdThreshold() float64 {
	hold, _ := s.Screener.Thresholds()
	return hold
}

// SecondOpinionOn reports whether comments of the organisation are shown to
// the model: the operator configured a server and an administrator switched
// it on.
func (s *Rules) SecondOpinionOn(settings model.ModerationSettings) bool {
	return s.Opinion != nil && settings.SecondOpinion
}

// AskOpinion queues a second opinion on c, in the transaction that stores
// it, when its screening is uncertain: posting never waits for the model.
func (s *Rules) AskOpinion(ctx context.Context, tx *store.Tx, settings model.ModerationSettings, c model.Comment) error {
	if !s.SecondOpinionOn(settings) || c.IsStaffAnswer() || c.Status == model.CommentRejected {
		return nil
	}
	band := OpinionBand(screen.Result{Verdict: screen.Verdict(c.ScreenVerdict), Score: c.ScreenScore, Reasons: c.ScreenReasons}, s.holdThreshold())
	if band == "" {
		if c.EditedAt != nil {
			// An opinion on the earlier text says nothing of this one.
			return tx.SkipOpinion(ctx, c.ID, noteEdited, s.Now())
		}
		return nil
	}
	if err := tx.RequestOpinion(ctx, c.OrgID, c.ID, band, s.Now()); err != nil {
		return err
	}
	return s.Jobs.Enqueue(ctx, tx, jobs.SecondOpinionArgs{OrgID: c.OrgID, CommentID: c.ID}, nil)
}

// Notes recorded when there is no opinion (catalogue debate.opinion.note.*).
const (
	noteUnusable      = "unusable"
	noteUnreachable   = "unreachable"
	noteNotConfigured = "not_configured"
	noteDecided       = "decided"
	noteEdited        = "edited"
)

// SecondOpinion asks the model about a comment and records its answer;
// the job queue calls it and retries it while the server is unreachable
// (lastAttempt: record the failure instead). An answer may change, by
// itself and only with confidence ≥ OpinionConfidence in post-moderation:
//   - a comment held on weak statistical evidence alone that the model says
//     to publish is published;
//   - a comment published near the threshold that the model says to hold is
//     put in the queue, out of public view, for a moderator.
//
// It never rejects nor hides for good. Every change is a decision with the
// model's reason (source second_opinion, no actor), in the audit log and in
// the author's statement of reasons.
func (s *Service) SecondOpinion(ctx context.Context, orgID, commentID string, lastAttempt bool) error {
	op, err := s.Store.OpinionOf(ctx, commentID)
	if errors.Is(err, model.ErrNotFound) {
		return nil // the comment is gone
	} else if err != nil {
		return err
	}
	if op.Status != model.OpinionPending || op.OrgID != orgID {
		return nil // answered already (a job run twice)
	}
	if s.Opinion == nil {
		return s.closeOpinion(ctx, op, model.OpinionFailed, noteNotConfigured)
	}
	c, err := s.Store.CommentByID(ctx, orgID, commentID)
	if err != nil {
		return err
	}
	if !opinionUseful(op.Band, c) {
		return s.closeOpinion(ctx, op, model.OpinionSkipped, noteDecided)
	}
	pub, err := s.Store.PublicationByID(ctx, orgID, c.PublicationID)
	if err != nil {
		return err
	}
	answer, err := s.Opinion.Ask(ctx, secondopinion.Request{Publication: pub.Title, Comment: c.Body})
	switch {
	case errors.Is(err, secondopinion.ErrNoOpinion):
		s.Logger.Warn("second opinion: unusable answer", "comment", c.ID, "error", err)
		return s.closeOpinion(ctx, op, model.OpinionNone, noteUnusable)
	case err != nil && lastAttempt:
		s.Logger.Warn("second opinion: giving up", "comment", c.ID, "error", err)
		return s.closeOpinion(ctx, op, model.OpinionFailed, noteUnreachable)
	case err != nil:
		return err // retried by the job queue
	}
	return s.applyOpinion(ctx, orgID, commentID, answer)
}

// opinionUseful reports whether an answer can still matter: a moderator may
// have decided, or the author withdrawn the comment, while the model thought.
func opinionUseful(band string, c model.Comment) bool {
	switch band {
	case model.BandHeldWeak:
		return c.Status == model.CommentHeld
	case model.BandPublishedNear:
		return c.Status == model.CommentPublished || c.Status == model.CommentHeld
	}
	return false
}

func (s *Service) closeOpinion(ctx context.Context, op model.CommentOpinion, status, note string) error {
	now := s.Now()
	op.Status, op.Note, op.AnsweredAt = status, note, &now
	return s.Store.SaveOpinion(ctx, op)
}

// applyOpinion records the answer and makes the change it allows, in one
// transaction with the comment locked.
func (s *Service) applyOpinion(ctx context.Context, orgID, commentID string, answer secondopinion.Opinion) error {
	org, err := s.Store.OrganisationByID(ctx, orgID)
	if err != nil {
		return err
	}
	settings, err := s.DebateSettings(ctx, orgID)
	if err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.CommentForUpdate(ctx, orgID, commentID)
		if err != nil {
			return err
		}
		op, err := tx.OpinionOf(ctx, commentID)
		if err != nil {
			return err
		}
		if op.Status != model.OpinionPending {
			return nil
		}
		now := s.Now()
		op.Status, op.Decision, op.Category, op.Confidence, op.Reason, op.Model, op.AnsweredAt =
			model.OpinionAnswered, answer.Decision, answer.Category, answer.Confidence, answer.Reason, s.Opinion.Model(), &now
		mode, _, err := commentMode(ctx, tx.Queries, settings, c.PublicationID)
		if err != nil {
			return err
		}
		sure := answer.Confidence >= OpinionConfidence && mode == model.ModePost
		hold := s.holdThreshold()
		var d *model.Decision
		switch {
		case sure && answer.Decision == "publish" && op.Band == model.BandHeldWeak && c.Status == model.CommentHeld &&
			c.Review == model.ReviewHeld && statisticalOnly(c.ScreenReasons) && c.ScreenScore < hold+OpinionWeakAbove:
			d = &model.Decision{Action: "approve"}
			c.Status, c.Review, c.ReviewSince = model.CommentPublished, model.ReviewNone, nil
			op.Action = model.OpinionReleased
		case sure && answer.Decision == "hold" && op.Band == model.BandPublishedNear && c.Status == model.CommentPublished &&
			c.Review == model.ReviewNone:
			d = &model.Decision{Action: "hold"}
			c.Status, c.Review, c.ReviewSince = model.CommentHeld, model.ReviewHeld, &now
			op.Action = model.OpinionHeld
		}
		if err := tx.SaveOpinion(ctx, op); err != nil {
			return err
		}
		if d == nil {
			return nil // recorded for moderators; nothing changes by itself
		}
		was := model.CommentHeld
		if d.Action == "hold" {
			was = model.CommentPublished
		}
		d.ID, d.OrgID, d.CommentID, d.AuthorID, d.Source, d.CreatedAt = core.NewID(), orgID, c.ID, c.AccountID, "second_opinion", now
		d.Note = s.Cat.T(i18n.Default, "debate.opinion.decision_note", s.Cat.T(i18n.Default, "debate.opinion.category."+answer.Category), answer.Reason)
		if d.Action == "approve" {
			d.QueuedAt = c.ReviewSince
		}
		c.UpdatedAt = now
		if err := tx.UpdateComment(ctx, c); err != nil {
			return err
		}
		if err := tx.CreateDecision(ctx, *d); err != nil {
			return err
		}
		detail := fmt.Sprintf("action=%s band=%s decision=%s category=%s confidence=%.2f model=%s reason=%s",
			op.Action, op.Band, answer.Decision, answer.Category, answer.Confidence, op.Model, answer.Reason)
		if err := s.Audit(ctx, tx, orgID, "", "moderation.second_opinion", c.ID, detail); err != nil {
			return err
		}
		if d.Action == "approve" {
			if err := s.console.InboxOnDecision(ctx, tx, org, c, *d); err != nil {
				return err
			}
			if err := s.notifyIfNowPublished(ctx, tx, was, c); err != nil {
				return err
			}
		} else if err := s.console.InboxOnModeration(ctx, tx, org, model.InboxHeld, c, ""); err != nil {
			return err
		}
		return s.sendStatement(ctx, tx, org, c, *d, nil)
	})
}

// SetSecondOpinion switches the organisation's second opinion on or off
// (administrators). It cannot be switched on when the operator configured
// no server: there would be nobody to ask.
func (s *Service) SetSecondOpinion(ctx context.Context, actor model.Account, orgID string, on bool) error {
	if on && s.Opinion == nil {
		return &model.FieldError{Field: "second_opinion", Code: "debate.error.opinion_unconfigured"}
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actor.ID, orgID, policy.ModerationSettings); err != nil {
			return err
		}
		if err := tx.SetSecondOpinion(ctx, orgID, on, s.Now()); err != nil {
			return err
		}
		detail := "off"
		if on {
			detail = "on model=" + s.Opinion.Model() + " host=" + s.Opinion.Host()
		}
		return s.Audit(ctx, tx, orgID, actor.ID, "moderation.second_opinion_setting", "", detail)
	})
}
