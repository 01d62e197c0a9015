package debate

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
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
	r, to, lang, err := s.newReport(in, settings)
	if err != nil {
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
		c, duplicate, err := s.fileReport(ctx, tx, in, r)
		out.Comment, out.Duplicate = c, duplicate
		if err != nil || duplicate {
			return err
		}
		c, out.Hidden, err = s.queueReported(ctx, tx, c, r.CreatedAt, settings)
		if err != nil {
			return err
		}
		out.Comment = c
		return s.announceReport(ctx, tx, in, r, c, settings, to, lang, proved)
	})
	return out, err
}

// newReport checks the form and builds the report, before any transaction:
// the reason must name a rule of the organisation or, for illegal content, a
// legal ground with an explanation; someone without an account gives a
// valid address. It returns the report, the address that gets the
// acknowledgement and its language.
func (s *Service) newReport(in NewReport, settings model.ModerationSettings) (r model.Report, to, lang string, err error) {
	v := &model.ValidationError{}
	r = model.Report{ID: core.NewID(), OrgID: in.Org.ID, CommentID: in.CommentID, CreatedAt: s.Now(),
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
	lang = in.Lang
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
		return model.Report{}, "", "", err
	}
	return r, to, lang, nil
}

// fileReport locks the comment and stores the report. Only a published or
// hidden comment can be reported; duplicate says this person had reported
// it already, which is no error but changes nothing more.
func (s *Service) fileReport(ctx context.Context, tx *store.Tx, in NewReport, r model.Report) (c model.Comment, duplicate bool, err error) {
	c, err = tx.CommentForUpdate(ctx, in.Org.ID, in.CommentID)
	if err != nil {
		return c, false, err
	}
	if c.Status != model.CommentPublished && c.Status != model.CommentHidden {
		return c, false, model.ErrNotFound
	}
	if err := tx.CreateReport(ctx, r); errors.Is(err, model.ErrConflict) {
		return c, true, nil
	} else if err != nil {
		return c, false, err
	}
	return c, false, nil
}

// queueReported puts the reported comment in the moderation queue and, once
// the organisation's threshold of distinct open reporters is reached, hides
// a published comment pending review, recording that automatic decision.
func (s *Service) queueReported(ctx context.Context, tx *store.Tx, c model.Comment, now time.Time, settings model.ModerationSettings) (model.Comment, bool, error) {
	hidden := false
	if c.Review == model.ReviewNone {
		c.Review, c.ReviewSince = model.ReviewReported, &now
	}
	n, err := tx.CountOpenReporters(ctx, c.ID)
	if err != nil {
		return c, false, err
	}
	if n >= settings.ReportThreshold && c.Status == model.CommentPublished {
		c.Status, c.RuleNumber, c.RuleText = model.CommentHidden, 0, ""
		hidden = true
		err := tx.CreateDecision(ctx, model.Decision{ID: core.NewID(), OrgID: c.OrgID, CommentID: c.ID, AuthorID: c.AccountID,
			Action: "autohide", Source: "report", Note: strconv.Itoa(n), QueuedAt: c.ReviewSince, CreatedAt: now})
		if err != nil {
			return c, hidden, err
		}
	}
	c.UpdatedAt = now
	if err := tx.UpdateComment(ctx, c); err != nil {
		return c, hidden, err
	}
	return c, hidden, nil
}

// announceReport tells the organisation's inbox, writes the audit line and
// acknowledges the report by e-mail, all in the report's transaction so
// that none happens without the others. The acknowledgement quotes the
// comment only to a proved address.
func (s *Service) announceReport(ctx context.Context, tx *store.Tx, in NewReport, r model.Report, c model.Comment, settings model.ModerationSettings, to, lang string, proved bool) error {
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
	return s.SendOrgMail(ctx, tx, in.Org, to, lang, "debate_report_ack", m)
}

// reportReason words a report's reason for e-mails and pages.
func (s *Service) reportReason(lang string, r model.Report, settings model.ModerationSettings) string {
	if r.Reason == "illegal" {
		return s.Cat.T(lang, "debate.report.illegal_label", s.Cat.T(lang, "debate.ground."+r.LegalGround))
	}
	return s.Cat.T(lang, "debate.rule_n", r.RuleNumber, settings.Rule(r.RuleNumber))
}
