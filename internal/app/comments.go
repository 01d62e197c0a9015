package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parvis/parvis/internal/app/console"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/store"
)

// Comment rules (docs/DEBATE.md).
const (
	EditWindow = 15 * time.Minute
	// NewAccountAge is how long an account counts as new for flood control.
	NewAccountAge = 24 * time.Hour
	// DefaultReportThreshold distinct reporters hide a comment pending review.
	DefaultReportThreshold = 3
)

// floodRule allows Limit comments per Window; NewOnly rules apply to new
// accounts only.
type floodRule struct {
	Limit   int
	Window  time.Duration
	NewOnly bool
}

// floodRules are checked in order; the first that refuses is reported.
var floodRules = []floodRule{
	{Limit: 3, Window: 10 * time.Minute, NewOnly: true},
	{Limit: 10, Window: 10 * time.Minute},
	{Limit: 50, Window: 24 * time.Hour},
}

// Errors a comment can meet besides validation.
var (
	ErrVerifyFirst    = fmt.Errorf("%w: verify your e-mail address first", model.ErrForbidden)
	ErrCommentsClosed = fmt.Errorf("%w: comments are closed", model.ErrForbidden)
)

// RateError refuses a comment until At; Limit comments per Window were
// reached.
type RateError struct {
	Limit      int
	Window     time.Duration
	NewAccount bool
	At         time.Time
}

func (e *RateError) Error() string {
	return fmt.Sprintf("at most %d comments per %s; next at %s", e.Limit, e.Window, e.At)
}

// Unwrap lets callers test errors.Is(err, model.ErrRateLimited).
func (e *RateError) Unwrap() error { return model.ErrRateLimited }

// SanctionError refuses a comment from a muted or banned author.
type SanctionError struct{ Sanction model.Sanction }

func (e *SanctionError) Error() string { return "author is " + e.Sanction.Kind + "d" }

// Unwrap maps to model.ErrForbidden.
func (e *SanctionError) Unwrap() error { return model.ErrForbidden }

// DebateSettings returns an organisation's debate settings, defaults filled in.
func (a *App) DebateSettings(ctx context.Context, orgID string) (model.ModerationSettings, error) {
	s, err := a.Store.ModerationSettings(ctx, orgID)
	if errors.Is(err, model.ErrNotFound) {
		s = model.ModerationSettings{OrgID: orgID, Mode: model.ModePost, ReportThreshold: DefaultReportThreshold}
	} else if err != nil {
		return s, err
	}
	if len(s.Charter) == 0 {
		s.Charter = a.DefaultCharter()
	}
	if !s.Mode.Valid() {
		s.Mode = model.ModePost
	}
	if s.ReportThreshold < 1 {
		s.ReportThreshold = DefaultReportThreshold
	}
	return s, nil
}

// DefaultCharter is the charter an organisation starts with, in French: it
// is the organisation's own text once edited.
func (a *App) DefaultCharter() []string {
	return core.Lines(a.Cat.T(i18n.Default, "debate.charter.default"))
}

// CommentMode is the mode in force for a publication: its own, else the
// organisation's.
func (a *App) CommentMode(ctx context.Context, s model.ModerationSettings, publicationID string) (model.ModerationMode, model.ModerationMode, error) {
	return commentMode(ctx, a.Store.Queries, s, publicationID)
}

// commentMode is CommentMode reading through q (a transaction's Queries
// inside one: store/txguard.go).
func commentMode(ctx context.Context, q *store.Queries, s model.ModerationSettings, publicationID string) (model.ModerationMode, model.ModerationMode, error) {
	own, err := q.PublicationCommentMode(ctx, publicationID)
	if err != nil {
		return "", "", err
	}
	if own.Valid() {
		return own, own, nil
	}
	return s.Mode, "", nil
}

// NewComment is a comment to post.
type NewComment struct {
	Org         model.Organisation
	Publication model.Publication
	Author      model.Account
	ParentID    string
	Body        string
	// As is how staff answer: "org" or a service id. Ignored for residents.
	As      string
	IdemKey string
	// Question is the resident's "c'est une question" box (the console's
	// inbox also takes comments with a question mark).
	Question bool
	// InboxItemID and InboxVersion are set when staff answer from the
	// console: the answer is refused (model.ErrConflict) if a colleague
	// changed the item since InboxVersion.
	InboxItemID  string
	InboxVersion int
}

// Posted is what became of a comment.
type Posted struct {
	Comment   model.Comment
	Duplicate bool // the same form was submitted before: nothing new was stored
}

// CheckCommentBody validates a comment's text into v and returns it trimmed.
func (a *App) CheckCommentBody(body string, v *model.ValidationError) string {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	switch {
	case !utf8.ValidString(body):
		v.Add("body", "debate.error.body_invalid")
	case screen.Normalize(body) == "":
		v.Add("body", "debate.error.body_empty")
	case utf8.RuneCountInString(body) > model.MaxCommentRunes:
		v.Add("body", "debate.error.body_long")
	}
	return body
}

// staffLabel decides how a staff member answers: as the organisation
// (administrators and managers) or as one of their services, never as a
// private person.
func (a *App) staffLabel(ctx context.Context, m model.Membership, org model.Organisation, as string) (serviceID string, asOrg bool, label string, err error) {
	lead := policy.Wide(m, policy.CommentAnswer)
	if as == "org" && lead {
		return "", true, org.Name, nil
	}
	if as != "" && as != "org" {
		allowed := lead
		for _, id := range m.ServiceIDs {
			if id == as {
				allowed = true
			}
		}
		if allowed {
			svc, err := a.Store.ServiceByID(ctx, org.ID, as)
			if err == nil {
				return svc.ID, false, a.Cat.T(i18n.Default, "debate.staff_label.service", svc.Name, org.Name), nil
			}
			if !errors.Is(err, model.ErrNotFound) {
				return "", false, "", err
			}
		}
	}
	v := &model.ValidationError{}
	v.Add("as", "debate.error.as")
	return "", false, "", v
}

// authorChecks refuses a resident's comment while a sanction runs, when its
// text was removed by moderation before, or when it breaks a flood rule.
func (a *App) authorChecks(ctx context.Context, q *store.Queries, in NewComment, c model.Comment, now time.Time) error {
	if s, err := q.ActiveSanction(ctx, in.Org.ID, in.Author.ID, now); err == nil {
		return &SanctionError{Sanction: s}
	} else if !errors.Is(err, model.ErrNotFound) {
		return err
	}
	v := &model.ValidationError{}
	removed, err := q.FingerprintRemoved(ctx, in.Org.ID, c.Fingerprint)
	if err != nil {
		return err
	}
	if removed {
		v.Add("body", "debate.error.removed")
		return v
	}
	return floodCheck(ctx, q, in.Author, c.Fingerprint, now, v)
}

// floodCheck refuses a comment that would exceed the flood rules or repeat
// the author's previous text.
func floodCheck(ctx context.Context, q *store.Queries, author model.Account, fp string, now time.Time, v *model.ValidationError) error {
	recent, err := q.RecentComments(ctx, author.ID, 60)
	if err != nil {
		return err
	}
	if len(recent) > 0 && recent[0].Fingerprint == fp {
		v.Add("body", "debate.error.repeat")
		return v
	}
	isNew := now.Sub(author.CreatedAt) < NewAccountAge
	for _, r := range floodRules {
		if r.NewOnly && !isNew {
			continue
		}
		var in []time.Time
		for _, c := range recent {
			if now.Sub(c.CreatedAt) < r.Window {
				in = append(in, c.CreatedAt) // newest first
			}
		}
		if len(in) >= r.Limit {
			return &RateError{Limit: r.Limit, Window: r.Window, NewAccount: r.NewOnly, At: in[r.Limit-1].Add(r.Window)}
		}
	}
	return nil
}

// PostAnswer publishes a staff answer given from the console's inbox
// (console.Commenter).
func (a *App) PostAnswer(ctx context.Context, in console.Answer) error {
	_, err := a.PostComment(ctx, NewComment{Org: in.Org, Publication: in.Publication, Author: in.Author, ParentID: in.ParentID,
		Body: in.Body, As: in.As, IdemKey: in.IdemKey, InboxItemID: in.ItemID, InboxVersion: in.ItemVersion})
	return err
}

// PostComment screens and stores a comment (or a staff answer) under a
// publication whose comments are open.
func (a *App) PostComment(ctx context.Context, in NewComment) (Posted, error) {
	if in.IdemKey != "" {
		if c, err := a.Store.CommentByIdem(ctx, in.Author.ID, in.IdemKey); err == nil {
			return Posted{Comment: c, Duplicate: true}, nil
		} else if !errors.Is(err, model.ErrNotFound) {
			return Posted{}, err
		}
	}
	if !in.Author.Verified() {
		return Posted{}, ErrVerifyFirst
	}
	if in.Publication.OrgID != in.Org.ID || in.Publication.State != model.StatePublished {
		return Posted{}, model.ErrNotFound
	}
	settings, err := a.DebateSettings(ctx, in.Org.ID)
	if err != nil {
		return Posted{}, err
	}
	mode, _, err := a.CommentMode(ctx, settings, in.Publication.ID)
	if err != nil {
		return Posted{}, err
	}
	if mode == model.ModeClosed {
		return Posted{}, ErrCommentsClosed
	}
	now := a.Now()
	v := &model.ValidationError{}
	body := a.CheckCommentBody(in.Body, v)
	c := model.Comment{ID: core.NewID(), OrgID: in.Org.ID, PublicationID: in.Publication.ID, AccountID: in.Author.ID,
		AuthorName: in.Author.DisplayName, Body: body, Fingerprint: screen.Fingerprint(body), IdemKey: in.IdemKey,
		CreatedAt: now, UpdatedAt: now}
	m, err := a.Store.Membership(ctx, in.Author.ID, in.Org.ID)
	staff := err == nil
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return Posted{}, err
	}
	if staff {
		c.ServiceID, c.AsOrg, c.StaffLabel, err = a.staffLabel(ctx, m, in.Org, in.As)
		var ve *model.ValidationError
		if errors.As(err, &ve) {
			v.Fields = append(v.Fields, ve.Fields...)
		} else if err != nil {
			return Posted{}, err
		}
	}
	var answered *model.Comment // the comment answered, before threads are flattened
	if in.ParentID != "" {
		parent, err := a.Store.CommentByID(ctx, in.Org.ID, in.ParentID)
		answered = &parent
		switch {
		case errors.Is(err, model.ErrNotFound) || (err == nil && parent.PublicationID != in.Publication.ID):
			v.Add("body", "debate.error.parent_gone")
		case err != nil:
			return Posted{}, err
		case parent.Status != model.CommentPublished:
			v.Add("body", "debate.error.parent_gone")
		default:
			// One level of replies: answering a reply answers its thread.
			c.ParentID = parent.ID
			if parent.ParentID != "" {
				c.ParentID = parent.ParentID
			}
		}
	}
	if err := v.Err(); err != nil {
		return Posted{}, err
	}
	words, err := a.ScreenWordLists(ctx, in.Org.ID)
	if err != nil {
		return Posted{}, err
	}
	res := a.Screener.Check(body, words)
	c.ScreenVerdict, c.ScreenScore, c.ScreenReasons = string(res.Verdict), res.Score, res.Reasons
	switch {
	case staff:
		// Staff answer for the organisation and are accountable for it;
		// screening is recorded, not applied.
		c.Status = model.CommentPublished
	case res.Verdict == screen.Reject:
		c.Status = model.CommentRejected
	case res.Verdict == screen.Hold || mode == model.ModePre:
		c.Status, c.Review, c.ReviewSince = model.CommentHeld, model.ReviewHeld, &now
	default:
		c.Status = model.CommentPublished
	}
	c.InitialStatus = c.Status
	var services []string
	if !staff && c.Status != model.CommentRejected {
		if services, err = a.Store.PublicationServices(ctx, in.Publication.ID); err != nil {
			return Posted{}, err
		}
	}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		if !staff {
			// Checked in the transaction that writes, with the author's
			// row locked: checked before it, 30 parallel posts from a new
			// account all saw the same two earlier comments and 13 got
			// through a limit of 3 (issue 15).
			if err := tx.LockAccount(ctx, in.Author.ID); err != nil {
				return err
			}
			if err := a.authorChecks(ctx, tx.Queries, in, c, now); err != nil {
				return err
			}
		}
		if err := tx.CreateComment(ctx, c); err != nil {
			return err
		}
		if c.Status == model.CommentRejected {
			err := tx.CreateDecision(ctx, model.Decision{ID: core.NewID(), OrgID: c.OrgID, CommentID: c.ID, AuthorID: c.AccountID,
				Action: "reject", Source: "screening", Note: strings.Join(c.ScreenReasons, "; "), CreatedAt: now})
			if err != nil {
				return err
			}
		}
		if staff && answered != nil && answered.RemoteObject != "" {
			// A staff answer to a Fediverse author goes back to their server.
			if err := a.Fediverse.FederateAnswer(ctx, tx, in.Org, in.Publication, c, *answered); err != nil {
				return err
			}
		}
		if err := a.RouteComment(ctx, tx, in.Org, in.Publication, c, services); err != nil {
			return err
		}
		if err := a.Console.InboxOnComment(ctx, tx, c, console.CommentPosted{Org: in.Org, AuthorID: in.Author.ID,
			Staff: staff, Question: in.Question, ItemID: in.InboxItemID, ItemVersion: in.InboxVersion, Notified: services}); err != nil {
			return err
		}
		if err := a.AskOpinion(ctx, tx, settings, c); err != nil {
			return err
		}
		if c.Status == model.CommentPublished {
			return a.Mailing.NotifyThreadFollowers(ctx, tx, in.Publication.ID, c.ID)
		}
		return nil
	})
	if errors.Is(err, model.ErrConflict) && in.IdemKey != "" {
		// The same form, submitted twice at once: the first one won.
		if prev, perr := a.Store.CommentByIdem(ctx, in.Author.ID, in.IdemKey); perr == nil {
			return Posted{Comment: prev, Duplicate: true}, nil
		}
	}
	if err != nil {
		return Posted{}, err
	}
	return Posted{Comment: c}, nil
}

// routedMail is the e-mail telling an agent about a comment for their service.
type routedMail struct {
	Name, Org, Publication, Excerpt, Link string
}

// RouteComment tells the agents of the services responsible for the publication's
// topics about a new comment: in the staff area, and by e-mail for those who
// asked for it.
func (a *App) RouteComment(ctx context.Context, tx *store.Tx, org model.Organisation, pub model.Publication, c model.Comment, services []string) error {
	if len(services) == 0 {
		return nil
	}
	agents, err := tx.AgentsOfServices(ctx, org.ID, services)
	if err != nil {
		return err
	}
	for _, ag := range agents {
		if ag.AccountID == c.AccountID {
			continue
		}
		if err := tx.Notify(ctx, core.NewID(), org.ID, ag.AccountID, c.ID, ag.ServiceID, c.CreatedAt); err != nil {
			return err
		}
		if ag.EmailRouted {
			link := fmt.Sprintf("%s/%s/p/%s/commentaires?c=%s#c-%s", a.BaseURL, org.Handle, pub.Slug, c.ID, c.ID)
			err := a.SendMail(ctx, tx, ag.Email, ag.Locale, "debate_routed", routedMail{Name: ag.DisplayName, Org: org.Name,
				Publication: pub.Title, Excerpt: core.Excerpt(c.Body, 300), Link: link})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// ownComment loads a comment of the organisation written by acct.
func (a *App) ownComment(ctx context.Context, tx *store.Tx, orgID, id string, acct model.Account) (model.Comment, error) {
	c, err := tx.CommentForUpdate(ctx, orgID, id)
	if err != nil {
		return c, err
	}
	if c.AccountID == "" || c.AccountID != acct.ID {
		return c, model.ErrForbidden
	}
	return c, nil
}

// ScreenRejectedError refuses an edit that screening rejects.
type ScreenRejectedError struct{ Reasons []string }

func (e *ScreenRejectedError) Error() string { return "rejected by screening" }

// Unwrap maps to model.ErrInvalid.
func (e *ScreenRejectedError) Unwrap() error { return model.ErrInvalid }

// EditComment changes a comment's text within EditWindow of its posting; the
// earlier text is kept and the comment is marked "modifié".
func (a *App) EditComment(ctx context.Context, org model.Organisation, acct model.Account, id, body string) (model.Comment, error) {
	v := &model.ValidationError{}
	body = a.CheckCommentBody(body, v)
	if err := v.Err(); err != nil {
		return model.Comment{}, err
	}
	words, err := a.ScreenWordLists(ctx, org.ID)
	if err != nil {
		return model.Comment{}, err
	}
	res := a.Screener.Check(body, words)
	settings, err := a.DebateSettings(ctx, org.ID)
	if err != nil {
		return model.Comment{}, err
	}
	var out model.Comment
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		c, err := a.ownComment(ctx, tx, org.ID, id, acct)
		if err != nil {
			return err
		}
		now := a.Now()
		if now.Sub(c.CreatedAt) > EditWindow || (c.Status != model.CommentPublished && c.Status != model.CommentHeld) {
			v.Add("body", "debate.error.edit_late")
			return v
		}
		if body == c.Body {
			out = c
			return nil
		}
		fp := screen.Fingerprint(body)
		if removed, err := tx.FingerprintRemoved(ctx, org.ID, fp); err != nil {
			return err
		} else if removed {
			v.Add("body", "debate.error.removed")
			return v
		}
		if !c.IsStaffAnswer() && res.Verdict == screen.Reject {
			return &ScreenRejectedError{Reasons: res.Reasons}
		}
		if err := tx.AddCommentRevision(ctx, core.NewID(), c.ID, c.Body, now); err != nil {
			return err
		}
		before := c
		c.Body, c.Fingerprint, c.EditedAt, c.UpdatedAt = body, fp, &now, now
		c.ScreenVerdict, c.ScreenScore, c.ScreenReasons = string(res.Verdict), res.Score, res.Reasons
		if !c.IsStaffAnswer() && res.Verdict == screen.Hold && c.Status == model.CommentPublished {
			c.Status, c.Review, c.ReviewSince = model.CommentHeld, model.ReviewHeld, &now
		}
		out = c
		if err := tx.UpdateComment(ctx, c); err != nil {
			return err
		}
		// The new text is asked about again if it is uncertain.
		if err := a.AskOpinion(ctx, tx, settings, c); err != nil {
			return err
		}
		return a.Console.InboxOnEdit(ctx, tx, org, before, c) // same rule as a Fediverse reply's edit
	})
	return out, err
}

// WithdrawComment is an author deleting their own comment: it leaves the
// public page (replies stay, under "commentaire supprimé par son auteur");
// the text stays in the archive.
func (a *App) WithdrawComment(ctx context.Context, org model.Organisation, acct model.Account, id string) error {
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		c, err := a.ownComment(ctx, tx, org.ID, id, acct)
		if err != nil {
			return err
		}
		if c.Status == model.CommentWithdrawn {
			return nil // a second click
		}
		if c.Status == model.CommentHidden || c.Status == model.CommentDeleted {
			return model.ErrForbidden // a moderated comment keeps its notice
		}
		now := a.Now()
		c.Status, c.Review, c.ReviewSince, c.UpdatedAt = model.CommentWithdrawn, model.ReviewNone, nil, now
		if err := tx.UpdateComment(ctx, c); err != nil {
			return err
		}
		if _, err := tx.CloseReports(ctx, c.ID, now); err != nil {
			return err
		}
		return a.Audit(ctx, tx, org.ID, acct.ID, "comment.withdraw", c.ID, "")
	})
}

// MarkUseful marks (or unmarks) someone else's published comment as useful.
func (a *App) MarkUseful(ctx context.Context, org model.Organisation, acct model.Account, id string, on bool) error {
	c, err := a.Store.CommentByID(ctx, org.ID, id)
	if err != nil {
		return err
	}
	if c.Status != model.CommentPublished || c.AccountID == acct.ID {
		return model.ErrForbidden
	}
	_, err = a.Store.SetUseful(ctx, c.ID, acct.ID, on, a.Now())
	return err
}

// SetOfficial marks a staff answer as the official answer to its question
// (the one pinned under it), or unmarks it. Administrators, managers and
// agents of the answering service may.
func (a *App) SetOfficial(ctx context.Context, org model.Organisation, actor model.Account, id string, on bool) error {
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		m, err := core.Authorize(ctx, tx.Queries, actor.ID, org.ID, policy.CommentAnswer)
		if err != nil {
			return err
		}
		c, err := tx.CommentForUpdate(ctx, org.ID, id)
		if err != nil {
			return err
		}
		allowed := c.AccountID == actor.ID || policy.AllowsItem(&m, org.ID, policy.CommentAnswer, c.ServiceID)
		if !allowed || !c.IsStaffAnswer() || c.ParentID == "" || c.Status != model.CommentPublished {
			return model.ErrForbidden
		}
		if on {
			// One official answer per question.
			siblings, err := tx.ThreadComments(ctx, c.PublicationID)
			if err != nil {
				return err
			}
			for _, s := range siblings {
				if s.ParentID == c.ParentID && s.Official && s.ID != c.ID {
					s.Official, s.UpdatedAt = false, a.Now()
					if err := tx.UpdateComment(ctx, s); err != nil {
						return err
					}
				}
			}
		}
		c.Official, c.UpdatedAt = on, a.Now()
		if err := tx.UpdateComment(ctx, c); err != nil {
			return err
		}
		action := "comment.official"
		if !on {
			action = "comment.unofficial"
		}
		return a.Audit(ctx, tx, org.ID, actor.ID, action, c.ID, c.StaffLabel)
	})
}
