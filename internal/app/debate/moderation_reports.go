package debate

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// LegalGrounds are the kinds of illegal content a report may name (French
// law), as catalogue key suffixes: debate.ground.NAME.
var LegalGrounds = []string{"defamation", "insult", "hate", "threat", "harassment", "privacy", "terrorism", "child", "fraud", "other"}

// NewReport is someone's report of a comment.
type NewReport struct {
	Org         model.Organisation
	CommentID   string
	Reporter    *model.Account // nil without an account
	Email       string         // contact address of a non-member
	Reason      string         // "rule-N" or "illegal"
	LegalGround string
	Explanation string
	Lang        string
	IP          string // the client's address, for the form's limits
}

// Reported says what became of a report.
type Reported struct {
	Comment   model.Comment
	Duplicate bool // this person had reported this comment already
	Hidden    bool // the report hid the comment pending review
}

// reportMail is the acknowledgement and the decision sent to a reporter.
type reportMail struct {
	Org, Excerpt, Reason, Decision, Link string
	Rule                                 int
	RuleText                             string
}

// ReportComment records a report (DSA art. 16), acknowledges it by e-mail,
// puts the comment in the moderation queue and, once enough distinct people
// reported it, hides it pending review.
func (s *Service) ReportComment(ctx context.Context, in NewReport) (Reported, error) {
	settings, err := s.DebateSettings(ctx, in.Org.ID)
	if err != nil {
		return Reported{}, err
	}
	v := &model.ValidationError{}
	r := model.Report{ID: core.NewID(), OrgID: in.Org.ID, CommentID: in.CommentID, CreatedAt: s.Now(),
		Explanation: strings.TrimSpace(in.Explanation), LegalGround: in.LegalGround}
	switch {
	case in.Reason == "illegal":
		r.Reason = "illegal"
		if !slices.Contains(LegalGrounds, in.LegalGround) {
			v.Add("legal_ground", "debate.error.legal_ground")
		}
		if utf8.RuneCountInString(r.Explanation) < 10 {
			v.Add("explanation", "debate.error.explanation")
		}
	case strings.HasPrefix(in.Reason, "rule-"):
		n, _ := strconv.Atoi(strings.TrimPrefix(in.Reason, "rule-"))
		if settings.Rule(n) == "" {
			v.Add("reason", "debate.error.reason")
		}
		r.Reason, r.RuleNumber, r.LegalGround = "rule", n, ""
	default:
		v.Add("reason", "debate.error.reason")
	}
	if utf8.RuneCountInString(r.Explanation) > 2000 {
		v.Add("explanation", "debate.error.explanation_long")
	}
	to, lang := "", in.Lang
	if in.Reporter != nil {
		r.ReporterAccountID, r.ReporterKey, to = in.Reporter.ID, "a:"+in.Reporter.ID, in.Reporter.Email
		lang = core.AccountLang(*in.Reporter, in.Lang)
	} else {
		email := mail.NormalizeEmail(in.Email)
		if !mail.ValidEmail(email) {
			v.Add("email", "debate.error.report_email")
		}
		r.ReporterEmail, r.ReporterKey, to = email, "e:"+core.HashSecret(email), email
	}
	if err := v.Err(); err != nil {
		return Reported{}, err
	}
	var out Reported
	// An address typed in the form (no verified account) is nobody's
	// proved address: the form is limited like the other public forms
	// that send e-mail, and the messages to it quote no comment (the
	// reporter and the comment's author may be the same person, sending
	// a text of their choice to someone else) (docs/EMAIL.md).
	proved := in.Reporter != nil && in.Reporter.Verified()
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if !proved {
			if err := s.CountPublicForm(ctx, tx, "report", in.IP, to); err != nil {
				return err
			}
		}
		c, err := tx.CommentForUpdate(ctx, in.Org.ID, in.CommentID)
		if err != nil {
			return err
		}
		out.Comment = c
		if c.Status != model.CommentPublished && c.Status != model.CommentHidden {
			return model.ErrNotFound
		}
		if err := tx.CreateReport(ctx, r); errors.Is(err, model.ErrConflict) {
			out.Duplicate = true
			return nil
		} else if err != nil {
			return err
		}
		now := r.CreatedAt
		if c.Review == model.ReviewNone {
			c.Review, c.ReviewSince = model.ReviewReported, &now
		}
		n, err := tx.CountOpenReporters(ctx, c.ID)
		if err != nil {
			return err
		}
		if n >= settings.ReportThreshold && c.Status == model.CommentPublished {
			c.Status, c.RuleNumber, c.RuleText = model.CommentHidden, 0, ""
			out.Hidden = true
			err := tx.CreateDecision(ctx, model.Decision{ID: core.NewID(), OrgID: c.OrgID, CommentID: c.ID, AuthorID: c.AccountID,
				Action: "autohide", Source: "report", Note: strconv.Itoa(n), QueuedAt: c.ReviewSince, CreatedAt: now})
			if err != nil {
				return err
			}
		}
		c.UpdatedAt = now
		if err := tx.UpdateComment(ctx, c); err != nil {
			return err
		}
		out.Comment = c
		if err := s.console.InboxOnModeration(ctx, tx, in.Org, model.InboxReport, c, ""); err != nil {
			return err
		}
		detail := r.Reason
		if r.Reason == "rule" {
			detail += " " + strconv.Itoa(r.RuleNumber)
		} else {
			detail += " " + r.LegalGround
		}
		if err := s.Audit(ctx, tx, c.OrgID, r.ReporterAccountID, "comment.report", c.ID, detail); err != nil {
			return err
		}
		m := reportMail{Org: in.Org.Name, Excerpt: core.Excerpt(c.Body, 200), Reason: s.reportReason(lang, r, settings), Rule: r.RuleNumber}
		if !proved {
			m.Excerpt = ""
		}
		return s.SendMail(ctx, tx, to, lang, "debate_report_ack", m)
	})
	return out, err
}

// reportReason words a report's reason for e-mails and pages.
func (s *Service) reportReason(lang string, r model.Report, settings model.ModerationSettings) string {
	if r.Reason == "illegal" {
		return s.Cat.T(lang, "debate.report.illegal_label", s.Cat.T(lang, "debate.ground."+r.LegalGround))
	}
	return s.Cat.T(lang, "debate.rule_n", r.RuleNumber, settings.Rule(r.RuleNumber))
}
