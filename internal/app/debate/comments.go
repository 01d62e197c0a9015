package debate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

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

// staffLabel decides how a staff member answers: as the organisation
// (administrators and managers) or as one of their services, never as a
// private person.
func (s *Service) staffLabel(ctx context.Context, m model.Membership, org model.Organisation, as string) (serviceID string, asOrg bool, label string, err error) {
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
			svc, err := s.Store.ServiceByID(ctx, org.ID, as)
			if err == nil {
				return svc.ID, false, s.Cat.T(i18n.Default, "debate.staff_label.service", svc.Name, org.Name), nil
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
func (s *Service) authorChecks(ctx context.Context, q *store.Queries, in NewComment, c model.Comment, now time.Time) error {
	if sanc, err := q.ActiveSanction(ctx, in.Org.ID, in.Author.ID, now); err == nil {
		return &SanctionError{Sanction: sanc}
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

// PostComment screens and stores a comment (or a staff answer) under a
// publication whose comments are open.
func (s *Service) PostComment(ctx context.Context, in NewComment) (Posted, error) {
	if in.IdemKey != "" {
		if c, err := s.Store.CommentByIdem(ctx, in.Author.ID, in.IdemKey); err == nil {
			return Posted{Comment: c, Duplicate: true}, nil
		} else if !errors.Is(err, model.ErrNotFound) {
			return Posted{}, err
		}
	}
	p, err := s.draftComment(ctx, in)
	if err != nil {
		return Posted{}, err
	}
	if err := s.ScreenNew(ctx, &p.c, p.mode, p.staff); err != nil {
		return Posted{}, err
	}
	if !p.staff && p.c.Status != model.CommentRejected {
		if p.services, err = s.Store.PublicationServices(ctx, in.Publication.ID); err != nil {
			return Posted{}, err
		}
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := s.saveComment(ctx, tx, in, p); err != nil {
			return err
		}
		return s.afterComment(ctx, tx, in, p)
	})
	if errors.Is(err, model.ErrConflict) && in.IdemKey != "" {
		// The same form, submitted twice at once: the first one won.
		if prev, perr := s.Store.CommentByIdem(ctx, in.Author.ID, in.IdemKey); perr == nil {
			return Posted{Comment: prev, Duplicate: true}, nil
		}
	}
	if err != nil {
		return Posted{}, err
	}
	return Posted{Comment: p.c}, nil
}

// posting is a comment on its way through PostComment's steps.
type posting struct {
	c        model.Comment
	settings model.ModerationSettings
	mode     model.ModerationMode // the mode in force
	staff    bool                 // a staff answer
	answered *model.Comment       // the comment answered, before threads are flattened
	services []string             // the services whose agents are told
}

// draftComment checks that the author may comment on the publication and
// builds the comment from the form: its text, how staff sign it, the thread
// it answers. Every mistake in the form is reported at once.
func (s *Service) draftComment(ctx context.Context, in NewComment) (*posting, error) {
	if !in.Author.Verified() {
		return nil, ErrVerifyFirst
	}
	if in.Publication.OrgID != in.Org.ID || in.Publication.State != model.StatePublished {
		return nil, model.ErrNotFound
	}
	p := &posting{}
	var err error
	if p.settings, err = s.DebateSettings(ctx, in.Org.ID); err != nil {
		return nil, err
	}
	if p.mode, _, err = s.CommentMode(ctx, p.settings, in.Publication.ID); err != nil {
		return nil, err
	}
	if p.mode == model.ModeClosed {
		return nil, ErrCommentsClosed
	}
	now := s.Now()
	v := &model.ValidationError{}
	body := s.CheckCommentBody(in.Body, v)
	p.c = model.Comment{ID: core.NewID(), OrgID: in.Org.ID, PublicationID: in.Publication.ID, AccountID: in.Author.ID,
		AuthorName: in.Author.DisplayName, Body: body, Fingerprint: screen.Fingerprint(body), IdemKey: in.IdemKey,
		CreatedAt: now, UpdatedAt: now}
	if err := s.signAsStaff(ctx, in, p, v); err != nil {
		return nil, err
	}
	if err := s.threadOf(ctx, in, p, v); err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return p, nil
}

// signAsStaff tells a staff answer from a resident's comment and, for a
// staff member, sets how they sign it (staffLabel).
func (s *Service) signAsStaff(ctx context.Context, in NewComment, p *posting, v *model.ValidationError) error {
	m, err := s.Store.Membership(ctx, in.Author.ID, in.Org.ID)
	p.staff = err == nil
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return err
	}
	if !p.staff {
		return nil
	}
	p.c.ServiceID, p.c.AsOrg, p.c.StaffLabel, err = s.staffLabel(ctx, m, in.Org, in.As)
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		v.Fields = append(v.Fields, ve.Fields...)
	} else if err != nil {
		return err
	}
	return nil
}

// threadOf places an answer in the thread of the comment it answers, which
// must still be public under the same publication.
func (s *Service) threadOf(ctx context.Context, in NewComment, p *posting, v *model.ValidationError) error {
	if in.ParentID == "" {
		return nil
	}
	parent, err := s.Store.CommentByID(ctx, in.Org.ID, in.ParentID)
	p.answered = &parent
	switch {
	case errors.Is(err, model.ErrNotFound) || (err == nil && parent.PublicationID != in.Publication.ID):
		v.Add("body", "debate.error.parent_gone")
	case err != nil:
		return err
	case parent.Status != model.CommentPublished:
		v.Add("body", "debate.error.parent_gone")
	default:
		// One level of replies: answering a reply answers its thread.
		p.c.ParentID = parent.ID
		if parent.ParentID != "" {
			p.c.ParentID = parent.ParentID
		}
	}
	return nil
}

// saveComment stores the comment, after the author's checks for a
// resident, and records screening's rejection as a decision.
func (s *Service) saveComment(ctx context.Context, tx *store.Tx, in NewComment, p *posting) error {
	c := p.c
	if !p.staff {
		// Checked in the transaction that writes, with the author's
		// row locked: checked before it, 30 parallel posts from a new
		// account all saw the same two earlier comments and 13 got
		// through a limit of 3 (issue 15).
		if err := tx.LockAccount(ctx, in.Author.ID); err != nil {
			return err
		}
		if err := s.authorChecks(ctx, tx.Queries, in, c, c.CreatedAt); err != nil {
			return err
		}
	}
	if err := tx.CreateComment(ctx, c); err != nil {
		return err
	}
	if c.Status == model.CommentRejected {
		return tx.CreateDecision(ctx, model.Decision{ID: core.NewID(), OrgID: c.OrgID, CommentID: c.ID, AuthorID: c.AccountID,
			Action: "reject", Source: "screening", Note: strings.Join(c.ScreenReasons, "; "), CreatedAt: c.CreatedAt})
	}
	return nil
}

// afterComment tells, in the transaction that stored it, those who must
// hear of a comment: the remote author a staff answer answers, the agents
// of the publication's services, the console's inbox, the language model
// when screening was unsure, and the thread's followers once it is public.
func (s *Service) afterComment(ctx context.Context, tx *store.Tx, in NewComment, p *posting) error {
	c := p.c
	if p.staff && p.answered != nil && p.answered.RemoteObject != "" {
		// A staff answer to a Fediverse author goes back to their server.
		if err := s.fediverse.FederateAnswer(ctx, tx, in.Org, in.Publication, c, *p.answered); err != nil {
			return err
		}
	}
	if err := s.RouteComment(ctx, tx, in.Org, in.Publication, c, p.services); err != nil {
		return err
	}
	if err := s.console.InboxOnComment(ctx, tx, c, model.CommentPosted{Org: in.Org, AuthorID: in.Author.ID,
		Staff: p.staff, Question: in.Question, ItemID: in.InboxItemID, ItemVersion: in.InboxVersion, Notified: p.services}); err != nil {
		return err
	}
	if err := s.AskOpinion(ctx, tx, p.settings, c); err != nil {
		return err
	}
	if c.Status == model.CommentPublished {
		return s.mailing.NotifyThreadFollowers(ctx, tx, in.Publication.ID, c.ID)
	}
	return nil
}

// ownComment loads a comment of the organisation written by acct.
func (s *Service) ownComment(ctx context.Context, tx *store.Tx, orgID, id string, acct model.Account) (model.Comment, error) {
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
func (s *Service) EditComment(ctx context.Context, org model.Organisation, acct model.Account, id, body string) (model.Comment, error) {
	v := &model.ValidationError{}
	body = s.CheckCommentBody(body, v)
	if err := v.Err(); err != nil {
		return model.Comment{}, err
	}
	res, err := s.Screen(ctx, org.ID, body)
	if err != nil {
		return model.Comment{}, err
	}
	settings, err := s.DebateSettings(ctx, org.ID)
	if err != nil {
		return model.Comment{}, err
	}
	var out model.Comment
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		c, err := s.ownComment(ctx, tx, org.ID, id, acct)
		if err != nil {
			return err
		}
		now := s.Now()
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
		before := c
		if err := s.ScreenEdit(ctx, tx, &c, body, res, now); err != nil {
			return err
		}
		out = c
		if err := tx.UpdateComment(ctx, c); err != nil {
			return err
		}
		// The new text is asked about again if it is uncertain.
		if err := s.AskOpinion(ctx, tx, settings, c); err != nil {
			return err
		}
		return s.console.InboxOnEdit(ctx, tx, org, before, c) // same rule as a Fediverse reply's edit
	})
	return out, err
}

// WithdrawComment is an author deleting their own comment: it leaves the
// public page (replies stay, under "commentaire supprimé par son auteur");
// the text stays in the archive.
func (s *Service) WithdrawComment(ctx context.Context, org model.Organisation, acct model.Account, id string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		c, err := s.ownComment(ctx, tx, org.ID, id, acct)
		if err != nil {
			return err
		}
		if c.Status == model.CommentWithdrawn {
			return nil // a second click
		}
		if c.Status == model.CommentHidden || c.Status == model.CommentDeleted {
			return model.ErrForbidden // a moderated comment keeps its notice
		}
		now := s.Now()
		c.Status, c.Review, c.ReviewSince, c.UpdatedAt = model.CommentWithdrawn, model.ReviewNone, nil, now
		if err := tx.UpdateComment(ctx, c); err != nil {
			return err
		}
		if _, err := tx.CloseReports(ctx, c.ID, now); err != nil {
			return err
		}
		return s.Audit(ctx, tx, org.ID, acct.ID, "comment.withdraw", c.ID, "")
	})
}

// MarkUseful marks (or unmarks) someone else's published comment as useful.
func (s *Service) MarkUseful(ctx context.Context, org model.Organisation, acct model.Account, id string, on bool) error {
	c, err := s.Store.CommentByID(ctx, org.ID, id)
	if err != nil {
		return err
	}
	if c.Status != model.CommentPublished || c.AccountID == acct.ID {
		return model.ErrForbidden
	}
	_, err = s.Store.SetUseful(ctx, c.ID, acct.ID, on, s.Now())
	return err
}

// SetOfficial marks a staff answer as the official answer to its question
// (the one pinned under it), or unmarks it. Administrators, managers and
// agents of the answering service may.
func (s *Service) SetOfficial(ctx context.Context, org model.Organisation, actor model.Account, id string, on bool) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
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
			for _, sib := range siblings {
				if sib.ParentID == c.ParentID && sib.Official && sib.ID != c.ID {
					sib.Official, sib.UpdatedAt = false, s.Now()
					if err := tx.UpdateComment(ctx, sib); err != nil {
						return err
					}
				}
			}
		}
		c.Official, c.UpdatedAt = on, s.Now()
		if err := tx.UpdateComment(ctx, c); err != nil {
			return err
		}
		action := "comment.official"
		if !on {
			action = "comment.unofficial"
		}
		return s.Audit(ctx, tx, org.ID, actor.ID, action, c.ID, c.StaffLabel)
	})
}
