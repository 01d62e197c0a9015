package app

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
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// LegalGrounds are the kinds of illegal content a report may name (French
// law), as catalogue key suffixes: debate.ground.NAME.
var LegalGrounds = []string{"defamation", "insult", "hate", "threat", "harassment", "privacy", "terrorism", "child", "fraud", "other"}

// Sanctions a moderator may add to a decision, as catalogue key suffixes.
var Sanctions = []string{"", "warn", "mute1", "mute7", "mute30", "ban"}

// Decision actions a moderator takes on a comment.
var DecisionActions = []string{"approve", "hide", "delete"}

// AppealWindow is how long after a decision its author may contest it
// (DSA art. 20: at least six months).
const AppealWindow = 183 * 24 * time.Hour

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
func (a *App) ReportComment(ctx context.Context, in NewReport) (Reported, error) {
	settings, err := a.DebateSettings(ctx, in.Org.ID)
	if err != nil {
		return Reported{}, err
	}
	v := &model.ValidationError{}
	r := model.Report{ID: core.NewID(), OrgID: in.Org.ID, CommentID: in.CommentID, CreatedAt: a.Now(),
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
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		if !proved {
			if err := a.CountPublicForm(ctx, tx, "report", in.IP, to); err != nil {
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
		if err := a.Console.InboxOnModeration(ctx, tx, in.Org, model.InboxReport, c, ""); err != nil {
			return err
		}
		detail := r.Reason
		if r.Reason == "rule" {
			detail += " " + strconv.Itoa(r.RuleNumber)
		} else {
			detail += " " + r.LegalGround
		}
		if err := a.Audit(ctx, tx, c.OrgID, r.ReporterAccountID, "comment.report", c.ID, detail); err != nil {
			return err
		}
		m := reportMail{Org: in.Org.Name, Excerpt: core.Excerpt(c.Body, 200), Reason: a.reportReason(lang, r, settings), Rule: r.RuleNumber}
		if !proved {
			m.Excerpt = ""
		}
		return a.SendMail(ctx, tx, to, lang, "debate_report_ack", m)
	})
	return out, err
}

// reportReason words a report's reason for e-mails and pages.
func (a *App) reportReason(lang string, r model.Report, s model.ModerationSettings) string {
	if r.Reason == "illegal" {
		return a.Cat.T(lang, "debate.report.illegal_label", a.Cat.T(lang, "debate.ground."+r.LegalGround))
	}
	return a.Cat.T(lang, "debate.rule_n", r.RuleNumber, s.Rule(r.RuleNumber))
}

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
func (a *App) Decide(ctx context.Context, actor model.Account, org model.Organisation, commentID string, in DecisionInput) (model.Decision, error) {
	settings, err := a.DebateSettings(ctx, org.ID)
	if err != nil {
		return model.Decision{}, err
	}
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
	if err := v.Err(); err != nil {
		return model.Decision{}, err
	}
	var d model.Decision
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actor.ID, org.ID, policy.ModerationDecide); err != nil {
			return err
		}
		c, err := tx.CommentForUpdate(ctx, org.ID, commentID)
		if err != nil {
			return err
		}
		if c.Review == model.ReviewAppeal {
			v.Add("action", "debate.error.appeal_pending")
			return v
		}
		if c.Status == model.CommentWithdrawn || c.IsStaffAnswer() {
			return model.ErrForbidden
		}
		now := a.Now()
		d = model.Decision{ID: core.NewID(), OrgID: org.ID, CommentID: c.ID, AuthorID: c.AccountID, ActorID: actor.ID,
			Action: in.Action, Sanction: in.Sanction, Source: queueSource(c), RuleNumber: in.Rule,
			RuleText: settings.Rule(in.Rule), Note: in.Note, QueuedAt: c.ReviewSince, CreatedAt: now}
		was := c.Status
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
			if err := tx.AddRemovedFingerprint(ctx, org.ID, c.Fingerprint, c.ID, now); err != nil {
				return err
			}
		}
		if err := closeCase(ctx, tx, &c, d); err != nil {
			return err
		}
		var until *time.Time
		if in.Sanction != "" && c.AccountID != "" {
			s := model.Sanction{ID: core.NewID(), OrgID: org.ID, AccountID: c.AccountID, Kind: in.Sanction, DecisionID: d.ID, CreatedAt: now}
			if days, ok := strings.CutPrefix(in.Sanction, "mute"); ok {
				n, _ := strconv.Atoi(days)
				t := now.Add(time.Duration(n) * 24 * time.Hour)
				s.Kind, s.Until, until = "mute", &t, &t
			}
			if err := tx.CreateSanction(ctx, s); err != nil {
				return err
			}
		}
		if in.Sanction != "" && c.AccountID == "" && c.RemoteActor != "" {
			// A Fediverse author: muted or banned from this organisation's
			// debate through federation (docs/FEDERATION.md).
			if err := a.Fediverse.SanctionRemote(ctx, tx, org.ID, c.RemoteActor, in.Sanction, d.ID, actor.ID, now); err != nil {
				return err
			}
		}
		detail := fmt.Sprintf("action=%s sanction=%s source=%s rule=%d ground=%s note=%s", d.Action, d.Sanction, d.Source,
			d.RuleNumber, d.LegalGround, d.Note)
		if err := a.Audit(ctx, tx, org.ID, actor.ID, "moderation.decide", c.ID, detail); err != nil {
			return err
		}
		if err := a.tellReporters(ctx, tx, org, c, d, settings); err != nil {
			return err
		}
		if err := a.Console.InboxOnDecision(ctx, tx, org, c, d); err != nil {
			return err
		}
		if err := a.notifyIfNowPublished(ctx, tx, was, c); err != nil {
			return err
		}
		return a.sendStatement(ctx, tx, org, c, d, until)
	})
	return d, err
}

// notifyIfNowPublished tells a thread's followers about a comment that a
// moderator has just made public (held by screening or pre-moderation, then
// approved; or restored on appeal). The thread mailing is unique per
// comment, so a comment published, hidden and restored is announced once.
func (a *App) notifyIfNowPublished(ctx context.Context, tx *store.Tx, was model.CommentStatus, c model.Comment) error {
	if was == model.CommentPublished || c.Status != model.CommentPublished {
		return nil
	}
	return a.Mailing.NotifyThreadFollowers(ctx, tx, c.PublicationID, c.ID)
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
func (a *App) tellReporters(ctx context.Context, tx *store.Tx, org model.Organisation, c model.Comment, d model.Decision, s model.ModerationSettings) error {
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
		m := reportMail{Org: org.Name, Reason: a.reportReason(core.LangOr(lang), r, s), Decision: a.Cat.T(core.LangOr(lang), "debate.action."+d.Action),
			Rule: d.RuleNumber, RuleText: d.RuleText}
		if quote {
			m.Excerpt = core.Excerpt(c.Body, 200)
		}
		err := a.SendMail(ctx, tx, to, lang, "debate_report_decision", m)
		if err != nil {
			return err
		}
	}
	return nil
}

// sendStatement e-mails the author a statement of reasons (DSA art. 17):
// what was decided, on which ground, from which source, whether automated
// means were used, and how to appeal.
func (a *App) sendStatement(ctx context.Context, tx *store.Tx, org model.Organisation, c model.Comment, d model.Decision, until *time.Time) error {
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
		Action: a.Cat.T(lang, "debate.action."+d.Action), Source: a.Cat.T(lang, "debate.source."+d.Source),
		Note: d.Note, Rule: d.RuleNumber, RuleText: d.RuleText, Automated: d.ActorID == "",
		// An automatic hold waits for a moderator, whose decision will come
		// with its own statement: nothing to appeal yet.
		Restrictive: d.Action != "approve" && d.Action != "restore" && d.Action != "hold" || d.Sanction != ""}
	if d.Sanction != "" {
		m.Sanction = a.Cat.T(lang, "debate.sanction."+d.Sanction)
	}
	if d.LegalGround != "" {
		m.LegalGround = a.Cat.T(lang, "debate.ground."+d.LegalGround)
	}
	if until != nil {
		m.Until = until.In(paris).Format("02/01/2006 15:04")
	}
	if m.Restrictive {
		m.AppealLink = fmt.Sprintf("%s/%s/commentaires/%s/contester", a.BaseURL, org.Handle, c.ID)
	}
	return a.SendMail(ctx, tx, acct.Email, lang, "debate_statement", m)
}

// paris is the time zone of dates in e-mails.
var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// RequestReview is an author asking a human to look at a comment screening
// rejected: it goes to the moderation queue.
func (a *App) RequestReview(ctx context.Context, org model.Organisation, acct model.Account, id string) error {
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		c, err := a.ownComment(ctx, tx, org.ID, id, acct)
		if err != nil {
			return err
		}
		if c.Status != model.CommentRejected {
			return model.ErrForbidden
		}
		if c.Review == model.ReviewRequest {
			return nil // asked already
		}
		now := a.Now()
		c.Review, c.ReviewSince, c.UpdatedAt = model.ReviewRequest, &now, now
		if err := tx.UpdateComment(ctx, c); err != nil {
			return err
		}
		if err := a.Console.InboxOnModeration(ctx, tx, org, model.InboxHeld, c, ""); err != nil {
			return err
		}
		return a.Audit(ctx, tx, org.ID, acct.ID, "comment.review_request", c.ID, "")
	})
}

// Appealable returns the latest restrictive decision about the author's
// comment that can still be appealed, or model.ErrNotFound.
func (a *App) Appealable(ctx context.Context, org model.Organisation, acct model.Account, id string) (model.Comment, model.Decision, error) {
	c, err := a.Store.CommentByID(ctx, org.ID, id)
	if err != nil {
		return c, model.Decision{}, err
	}
	if c.AccountID != acct.ID {
		return c, model.Decision{}, model.ErrForbidden
	}
	ds, err := a.Store.DecisionsOf(ctx, org.ID, c.ID)
	if err != nil {
		return c, model.Decision{}, err
	}
	appeals, err := a.Store.AppealsOf(ctx, org.ID, c.ID)
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
	if a.Now().Sub(d.CreatedAt) > AppealWindow {
		return c, d, model.ErrExpired
	}
	return c, d, nil
}

// Appeal is an author contesting the latest decision about their comment
// (DSA art. 20); a moderator other than the one who decided will decide.
func (a *App) Appeal(ctx context.Context, org model.Organisation, acct model.Account, id, text string) error {
	text = strings.TrimSpace(text)
	v := &model.ValidationError{}
	if n := utf8.RuneCountInString(text); n < 10 || n > 2000 {
		v.Add("text", "debate.error.appeal_text")
		return v
	}
	c, d, err := a.Appealable(ctx, org, acct, id)
	if errors.Is(err, model.ErrConflict) {
		return nil // appealed already: a second submission changes nothing
	}
	if err != nil {
		return err
	}
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		now := a.Now()
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
		if err := a.Console.InboxOnModeration(ctx, tx, org, model.InboxAppeal, c, text); err != nil {
			return err
		}
		return a.Audit(ctx, tx, org.ID, acct.ID, "moderation.appeal", c.ID, d.ID)
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
func (a *App) DecideAppeal(ctx context.Context, actor model.Account, org model.Organisation, commentID, outcome, answer string) error {
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
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
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
		now := a.Now()
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
				if err := a.notifyIfNowPublished(ctx, tx, was, c); err != nil {
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
		if err := a.Console.InboxOnDecision(ctx, tx, org, c, d); err != nil {
			return err
		}
		if err := a.Audit(ctx, tx, org.ID, actor.ID, "moderation.appeal_decide", c.ID, outcome+" "+ap.ID+" note="+answer); err != nil {
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
		return a.SendMail(ctx, tx, acct.Email, core.AccountLang(acct, ""), "debate_appeal_decision", appealMail{Name: acct.DisplayName,
			Org: org.Name, Excerpt: core.Excerpt(c.Body, 300), Answer: answer, Reversed: outcome == "reversed"})
	})
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
func (a *App) AuthorProfile(ctx context.Context, actorID, orgID, accountID string) (*AuthorProfile, error) {
	if _, err := core.Authorize(ctx, a.Store.Queries, actorID, orgID, policy.ModerationDecide); err != nil {
		return nil, err
	}
	return a.authorProfile(ctx, orgID, accountID)
}

func (a *App) authorProfile(ctx context.Context, orgID, accountID string) (*AuthorProfile, error) {
	acct, err := a.Store.AccountByID(ctx, accountID)
	if err != nil {
		return nil, err
	}
	p := &AuthorProfile{AccountID: acct.ID, DisplayName: acct.DisplayName, JoinedAt: acct.CreatedAt}
	if p.Comments, err = a.Store.CommentsBy(ctx, orgID, accountID, 30); err != nil {
		return nil, err
	}
	if p.Decisions, err = a.Store.DecisionsAbout(ctx, orgID, accountID, 30); err != nil {
		return nil, err
	}
	if s, err := a.Store.ActiveSanction(ctx, orgID, accountID, a.Now()); err == nil {
		p.Sanction = &s
	} else if !errors.Is(err, model.ErrNotFound) {
		return nil, err
	}
	return p, nil
}

// OpenCase returns a comment's case file for a moderator and records, the
// first time, when staff first opened its reports (proof of prompt action).
func (a *App) OpenCase(ctx context.Context, actor model.Account, org model.Organisation, commentID string) (CaseFile, error) {
	var cf CaseFile
	if _, err := core.Authorize(ctx, a.Store.Queries, actor.ID, org.ID, policy.ModerationDecide); err != nil {
		return cf, err
	}
	c, err := a.Store.CommentByID(ctx, org.ID, commentID)
	if err != nil {
		return cf, err
	}
	cf.Comment = c
	if err := a.Store.MarkReportsSeen(ctx, c.ID, actor.ID, a.Now()); err != nil {
		return cf, err
	}
	if cf.Publication, err = a.Store.PublicationByID(ctx, org.ID, c.PublicationID); err != nil {
		return cf, err
	}
	if c.ParentID != "" {
		p, err := a.Store.CommentByID(ctx, org.ID, c.ParentID)
		if err != nil {
			return cf, err
		}
		cf.Parent = &p
	}
	if cf.Reports, err = a.Store.ReportsOf(ctx, org.ID, c.ID); err != nil {
		return cf, err
	}
	if cf.Decisions, err = a.Store.DecisionsOf(ctx, org.ID, c.ID); err != nil {
		return cf, err
	}
	if cf.Appeals, err = a.Store.AppealsOf(ctx, org.ID, c.ID); err != nil {
		return cf, err
	}
	if cf.Revisions, err = a.Store.CommentRevisions(ctx, c.ID); err != nil {
		return cf, err
	}
	if op, err := a.Store.OpinionOf(ctx, c.ID); err == nil {
		cf.Opinion = &op
	} else if !errors.Is(err, model.ErrNotFound) {
		return cf, err
	}
	if c.AccountID != "" {
		if cf.Author, err = a.authorProfile(ctx, org.ID, c.AccountID); err != nil {
			return cf, err
		}
	}
	return cf, nil
}

// SaveDebateSettings saves the organisation's mode, charter (one rule per
// line) and report threshold. Pre-moderation needs the person to acknowledge
// what it means for the directeur de la publication's liability.
func (a *App) SaveDebateSettings(ctx context.Context, actor model.Account, orgID string, mode model.ModerationMode, charter string, threshold string, preAck bool) error {
	v := &model.ValidationError{}
	if !mode.Valid() {
		v.Add("mode", "debate.error.mode")
	}
	if mode == model.ModePre && !preAck {
		v.Add("pre_ack", "debate.error.pre_ack")
	}
	rules := core.Lines(charter)
	if len(rules) == 0 || len(rules) > 30 {
		v.Add("charter", "debate.error.charter")
	}
	for _, r := range rules {
		if utf8.RuneCountInString(r) > 500 {
			v.Add("charter", "debate.error.charter")
			break
		}
	}
	n, err := strconv.Atoi(strings.TrimSpace(threshold))
	if err != nil || n < 1 || n > 50 {
		v.Add("report_threshold", "debate.error.threshold")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actor.ID, orgID, policy.ModerationSettings); err != nil {
			return err
		}
		err := tx.PutModerationSettings(ctx, model.ModerationSettings{OrgID: orgID, Mode: mode, Charter: rules,
			ReportThreshold: n, UpdatedAt: a.Now()})
		if err != nil {
			return err
		}
		return a.Audit(ctx, tx, orgID, actor.ID, "moderation.settings", string(mode),
			fmt.Sprintf("threshold=%d rules=%d", n, len(rules)))
	})
}

// SetPublicationMode gives a publication its own mode ("" follows the organisation's).
func (a *App) SetPublicationMode(ctx context.Context, actor model.Account, orgID, publicationID string, mode model.ModerationMode, preAck bool) (model.Publication, error) {
	var pub model.Publication
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actor.ID, orgID, policy.ModerationDecide); err != nil {
			return err
		}
		var err error
		// The publication comes back even when the mode is refused: the
		// page sends the moderator back to its thread with the message.
		if pub, err = tx.PublicationByID(ctx, orgID, publicationID); err != nil {
			return err
		}
		if mode != "" && !mode.Valid() {
			return model.ErrInvalid
		}
		if mode == model.ModePre && !preAck {
			return &model.FieldError{Field: "pre_ack", Code: "debate.error.pre_ack"}
		}
		if err := tx.SetPublicationCommentMode(ctx, orgID, publicationID, mode, a.Now()); err != nil {
			return err
		}
		return a.Audit(ctx, tx, orgID, actor.ID, "moderation.publication_mode", publicationID, string(mode))
	})
	return pub, err
}

// TransparencyReport is an organisation's yearly figures.
type TransparencyReport struct {
	Year int
	store.Transparency
	MedianWait time.Duration
	Decided    int // human decisions with a queue time
}

// Transparency counts an organisation's debate for a calendar year (Europe/Paris).
func (a *App) Transparency(ctx context.Context, orgID string, year int) (TransparencyReport, error) {
	from := time.Date(year, 1, 1, 0, 0, 0, 0, paris).UTC()
	to := time.Date(year+1, 1, 1, 0, 0, 0, 0, paris).UTC()
	t, err := a.Store.TransparencyOf(ctx, orgID, from, to)
	if err != nil {
		return TransparencyReport{}, err
	}
	r := TransparencyReport{Year: year, Transparency: t, Decided: len(t.Waits)}
	if len(t.Waits) > 0 {
		w := slices.Clone(t.Waits)
		slices.Sort(w)
		if len(w)%2 == 1 {
			r.MedianWait = w[len(w)/2]
		} else {
			r.MedianWait = (w[len(w)/2-1] + w[len(w)/2]) / 2
		}
	}
	return r, nil
}
