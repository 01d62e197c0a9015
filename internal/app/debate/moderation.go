package debate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Sanctions a moderator may add to a decision, as catalogue key suffixes.
var Sanctions = []string{"", "warn", "mute1", "mute7", "mute30", "ban"}

// Decision actions a moderator takes on a comment.
var DecisionActions = []string{"approve", "hide", "delete"}

// DecisionInput is a moderator's decision on a comment.
type DecisionInput struct {
	Action      string // approve, hide, delete
	Rule        int
	LegalGround string
	Sanction    string
	Note        string
}

// statementMail is the statement of reasons sent to an author (DSA art. 17).
type statementMail struct {
	Name, Org, Excerpt, Action, Sanction, Until, Source, Note, AppealLink, LegalGround string
	Rule                                                                               int
	RuleText                                                                           string
	Automated, Restrictive                                                             bool
}

// queueSource is where the decision's case came from, for the statement and
// the transparency report.
func queueSource(c model.Comment) string {
	switch c.Review {
	case model.ReviewReported:
		return "report"
	case model.ReviewRequest:
		return "screening"
	case model.ReviewHeld:
		if c.ScreenVerdict == "allow" && c.InitialStatus == model.CommentPublished {
			return "second_opinion" // published, then held by the language model's opinion
		}
		if c.ScreenVerdict == "allow" {
			return "premoderation"
		}
		return "screening"
	}
	return "staff"
}

// Decide applies a moderator's decision to a comment: approve, hide citing a
// charter rule, or delete (illegal content); optionally with a warning, a
// mute or a ban of its author. The author gets a statement of reasons, the
// reporters the decision; everything is in the audit log.
func (s *Service) Decide(ctx context.Context, actor model.Account, org model.Organisation, commentID string, in DecisionInput) (model.Decision, error) {
	settings, err := s.DebateSettings(ctx, org.ID)
	if err != nil {
		return model.Decision{}, err
	}
	if err := checkDecision(&in, settings); err != nil {
		return model.Decision{}, err
	}
	var d model.Decision
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		c, err := lockDecidable(ctx, tx, actor, org, commentID)
		if err != nil {
			return err
		}
		d = model.Decision{ID: core.NewID(), OrgID: org.ID, CommentID: c.ID, AuthorID: c.AccountID, ActorID: actor.ID,
			Action: in.Action, Sanction: in.Sanction, Source: queueSource(c), RuleNumber: in.Rule,
			RuleText: settings.Rule(in.Rule), Note: in.Note, QueuedAt: c.ReviewSince, CreatedAt: s.Now()}
		was := c.Status
		if err := applyDecision(ctx, tx, &c, &d, in); err != nil {
			return err
		}
		until, err := s.sanctionAuthor(ctx, tx, org, actor, c, d)
		if err != nil {
			return err
		}
		return s.announceDecision(ctx, tx, org, actor, c, d, was, until, settings)
	})
	return d, err
}

// checkDecision validates a moderator's decision against the organisation's
// rules before any transaction, and trims its note.
func checkDecision(in *DecisionInput, settings model.ModerationSettings) error {
	v := &model.ValidationError{}
	if !slices.Contains(DecisionActions, in.Action) {
		v.Add("action", "debate.error.action")
	}
	if in.Action == "hide" && settings.Rule(in.Rule) == "" {
		v.Add("rule", "debate.error.rule")
	}
	if in.Action == "delete" && !slices.Contains(LegalGrounds, in.LegalGround) {
		v.Add("legal_ground", "debate.error.legal_ground")
	}
	if in.Rule != 0 && settings.Rule(in.Rule) == "" {
		v.Add("rule", "debate.error.rule")
	}
	if !slices.Contains(Sanctions, in.Sanction) {
		v.Add("sanction", "debate.error.sanction")
	}
	in.Note = strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(in.Note) > 2000 {
		v.Add("note", "debate.error.note_long")
	}
	return v.Err()
}

// lockDecidable checks the actor may decide, then locks the comment. A
// comment under appeal waits for the appeal's decision; a withdrawn comment
// or a staff answer is not moderated.
func lockDecidable(ctx context.Context, tx *store.Tx, actor model.Account, org model.Organisation, commentID string) (model.Comment, error) {
	if _, err := core.Authorize(ctx, tx.Queries, actor.ID, org.ID, policy.ModerationDecide); err != nil {
		return model.Comment{}, err
	}
	c, err := tx.CommentForUpdate(ctx, org.ID, commentID)
	if err != nil {
		return model.Comment{}, err
	}
	if c.Review == model.ReviewAppeal {
		v := &model.ValidationError{}
		v.Add("action", "debate.error.appeal_pending")
		return model.Comment{}, v
	}
	if c.Status == model.CommentWithdrawn || c.IsStaffAnswer() {
		return model.Comment{}, model.ErrForbidden
	}
	return c, nil
}

// applyDecision sets the comment's new status and closes its case. A
// removed comment's fingerprint is kept, so that posting it again is
// recognised.
func applyDecision(ctx context.Context, tx *store.Tx, c *model.Comment, d *model.Decision, in DecisionInput) error {
	switch in.Action {
	case "approve":
		c.Status, c.RuleNumber, c.RuleText = model.CommentPublished, 0, ""
	case "hide":
		c.Status, c.RuleNumber, c.RuleText = model.CommentHidden, in.Rule, d.RuleText
	case "delete":
		d.LegalGround = in.LegalGround
		c.Status, c.RuleNumber, c.RuleText = model.CommentDeleted, in.Rule, d.RuleText
	}
	if in.Action != "approve" {
		if err := tx.AddRemovedFingerprint(ctx, d.OrgID, c.Fingerprint, c.ID, d.CreatedAt); err != nil {
			return err
		}
	}
	return closeCase(ctx, tx, c, *d)
}

// sanctionAuthor records the decision's sanction on the comment's author, a
// member or a Fediverse author. It returns the end of a mute, for the
// statement of reasons (nil otherwise).
func (s *Service) sanctionAuthor(ctx context.Context, tx *store.Tx, org model.Organisation, actor model.Account, c model.Comment, d model.Decision) (*time.Time, error) {
	now := d.CreatedAt
	var until *time.Time
	if d.Sanction != "" && c.AccountID != "" {
		sanc := model.Sanction{ID: core.NewID(), OrgID: org.ID, AccountID: c.AccountID, Kind: d.Sanction, DecisionID: d.ID, CreatedAt: now}
		if days, ok := strings.CutPrefix(d.Sanction, "mute"); ok {
			n, _ := strconv.Atoi(days)
			t := now.Add(time.Duration(n) * 24 * time.Hour)
			sanc.Kind, sanc.Until, until = "mute", &t, &t
		}
		if err := tx.CreateSanction(ctx, sanc); err != nil {
			return nil, err
		}
	}
	if d.Sanction != "" && c.AccountID == "" && c.RemoteActor != "" {
		// A Fediverse author: muted or banned from this organisation's
		// debate through federation (docs/FEDERATION.md).
		if err := s.fediverse.SanctionRemote(ctx, tx, org.ID, c.RemoteActor, d.Sanction, d.ID, actor.ID, now); err != nil {
			return nil, err
		}
	}
	return until, nil
}

// announceDecision writes the audit line and tells everyone concerned, in
// the decision's transaction: the reporters, the organisation's inbox, the
// thread's followers when the comment has just become public, and the
// author (statement of reasons).
func (s *Service) announceDecision(ctx context.Context, tx *store.Tx, org model.Organisation, actor model.Account, c model.Comment, d model.Decision, was model.CommentStatus, until *time.Time, settings model.ModerationSettings) error {
	detail := fmt.Sprintf("action=%s sanction=%s source=%s rule=%d ground=%s note=%s", d.Action, d.Sanction, d.Source,
		d.RuleNumber, d.LegalGround, d.Note)
	if err := s.Audit(ctx, tx, org.ID, actor.ID, "moderation.decide", c.ID, detail); err != nil {
		return err
	}
	if err := s.tellReporters(ctx, tx, org, c, d, settings); err != nil {
		return err
	}
	if err := s.console.InboxOnDecision(ctx, tx, org, c, d); err != nil {
		return err
	}
	if err := s.notifyIfNowPublished(ctx, tx, was, c); err != nil {
		return err
	}
	return s.sendStatement(ctx, tx, org, c, d, until)
}

// notifyIfNowPublished tells a thread's followers about a comment that a
// moderator has just made public (held by screening or pre-moderation, then
// approved; or restored on appeal). The thread mailing is unique per
// comment, so a comment published, hidden and restored is announced once.
func (s *Service) notifyIfNowPublished(ctx context.Context, tx *store.Tx, was model.CommentStatus, c model.Comment) error {
	if was == model.CommentPublished || c.Status != model.CommentPublished {
		return nil
	}
	return s.mailing.NotifyThreadFollowers(ctx, tx, c.PublicationID, c.ID)
}

// closeCase takes the comment out of the queue and records the decision.
func closeCase(ctx context.Context, tx *store.Tx, c *model.Comment, d model.Decision) error {
	c.Review, c.ReviewSince, c.UpdatedAt = model.ReviewNone, nil, d.CreatedAt
	if err := tx.UpdateComment(ctx, *c); err != nil {
		return err
	}
	return tx.CreateDecision(ctx, d)
}

// tellReporters closes the comment's open reports and e-mails each reporter
// the decision (DSA art. 16(5)).
func (s *Service) tellReporters(ctx context.Context, tx *store.Tx, org model.Organisation, c model.Comment, d model.Decision, settings model.ModerationSettings) error {
	reports, err := tx.CloseReports(ctx, c.ID, d.CreatedAt)
	if err != nil {
		return err
	}
	for _, r := range reports {
		to, lang := r.ReporterEmail, ""
		quote := false // an address typed in the report form gets no excerpt (ReportComment)
		if r.ReporterAccountID != "" {
			acct, err := tx.AccountByID(ctx, r.ReporterAccountID)
			if errors.Is(err, model.ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			to, lang, quote = acct.Email, core.AccountLang(acct, ""), acct.Verified()
		}
		if to == "" {
			continue
		}
		m := reportMail{Org: org.Name, Reason: s.reportReason(core.LangOr(lang), r, settings), Decision: s.Cat.T(core.LangOr(lang), "debate.action."+d.Action),
			Rule: d.RuleNumber, RuleText: d.RuleText}
		if quote {
			m.Excerpt = core.Excerpt(c.Body, 200)
		}
		err := s.SendOrgMail(ctx, tx, org, to, lang, "debate_report_decision", m)
		if err != nil {
			return err
		}
	}
	return nil
}

// sendStatement e-mails the author a statement of reasons (DSA art. 17):
// what was decided, on which ground, from which source, whether automated
// means were used, and how to appeal.
func (s *Service) sendStatement(ctx context.Context, tx *store.Tx, org model.Organisation, c model.Comment, d model.Decision, until *time.Time) error {
	if c.AccountID == "" {
		return nil // remote authors are told through federation, not e-mail
	}
	acct, err := tx.AccountByID(ctx, c.AccountID)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	lang := core.AccountLang(acct, "")
	m := statementMail{Name: acct.DisplayName, Org: org.Name, Excerpt: core.Excerpt(c.Body, 300),
		Action: s.Cat.T(lang, "debate.action."+d.Action), Source: s.Cat.T(lang, "debate.source."+d.Source),
		Note: d.Note, Rule: d.RuleNumber, RuleText: d.RuleText, Automated: d.ActorID == "",
		// An automatic hold waits for a moderator, whose decision will come
		// with its own statement: nothing to appeal yet.
		Restrictive: d.Action != "approve" && d.Action != "restore" && d.Action != "hold" || d.Sanction != ""}
	if d.Sanction != "" {
		m.Sanction = s.Cat.T(lang, "debate.sanction."+d.Sanction)
	}
	if d.LegalGround != "" {
		m.LegalGround = s.Cat.T(lang, "debate.ground."+d.LegalGround)
	}
	if until != nil {
		m.Until = until.In(dates.Paris).Format("02/01/2006 15:04")
	}
	if m.Restrictive {
		m.AppealLink = fmt.Sprintf("%s/%s/commentaires/%s/contester", s.BaseURL, org.Handle, c.ID)
	}
	return s.SendOrgMail(ctx, tx, org, acct.Email, lang, "debate_statement", m)
}
