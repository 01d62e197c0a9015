package console

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// isLead reports whether a member sees every item of the organisation.
func isLead(m model.Membership) bool { return policy.Wide(m, policy.ConsoleAnswer) }

// InboxVisibility is what the member may see: nil (everything) for
// administrators and managers; their services' items and the items
// assigned to them for everyone else.
func InboxVisibility(m model.Membership) *model.Visibility {
	if isLead(m) {
		return nil
	}
	return &model.Visibility{ServiceIDs: m.ServiceIDs, AccountID: m.AccountID}
}

// maySee reports whether the member may see the item.
func maySee(m model.Membership, it model.InboxItem) bool {
	return isLead(m) || it.AssigneeID == m.AccountID || (it.ServiceID != "" && slices.Contains(m.ServiceIDs, it.ServiceID))
}

// Inbox lists one page of the items the staff member actorID may see in
// the organisation (console.answer; an agent sees their services' items
// and those assigned to them), and how many match. A text search is not counted (total -1): counting would scan the
// whole table a second time; one more row than the page tells whether a
// next page exists.
func (s *Desk) Inbox(ctx context.Context, actorID, orgID string, f model.InboxFilter) (items []model.InboxItem, total int, err error) {
	m, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.ConsoleAnswer)
	if err != nil {
		return nil, 0, err
	}
	f.OrgID, f.Visible = m.OrgID, InboxVisibility(m)
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if strings.TrimSpace(f.Query) != "" {
		f.Limit++
		items, err = s.Store.ListInbox(ctx, f)
		return items, -1, err
	}
	if items, err = s.Store.ListInbox(ctx, f); err != nil {
		return nil, 0, err
	}
	total, err = s.Store.CountInbox(ctx, f)
	return items, total, err
}

// ItemFile is everything staff see about an item.
type ItemFile struct {
	Item        model.InboxItem
	Events      []model.InboxEvent
	Request     *model.ResidentRequest // requests, without the e-mail address
	Comment     *model.Comment
	Publication *model.Publication
	Answers     []model.Comment // staff answers under the comment
	// AttachedHeld lists the held e-mails (their "email_held" events)
	// that staff joined to the thread since.
	AttachedHeld map[string]bool
}

// OpenItem returns an item's file for a staff member allowed to see it
// (console.answer, and the item is theirs to see: maySee).
func (s *Desk) OpenItem(ctx context.Context, actorID, orgID, id string) (ItemFile, error) {
	var f ItemFile
	m, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.ConsoleAnswer)
	if err != nil {
		return f, err
	}
	it, err := s.Store.InboxItemByID(ctx, m.OrgID, id)
	if err != nil {
		return f, err
	}
	if !maySee(m, it) {
		return f, model.ErrForbidden
	}
	f.Item = it
	if f.Events, err = s.Store.InboxEvents(ctx, m.OrgID, it.ID); err != nil {
		return f, err
	}
	f.AttachedHeld = attachedHeld(f.Events)
	switch it.Kind {
	case model.InboxRequest, model.InboxEventQuestion:
		r, err := s.Store.ResidentRequestByID(ctx, m.OrgID, it.SourceID)
		if err != nil {
			return f, err
		}
		r.Email = "" // staff never see residents' addresses
		f.Request = &r
	default:
		c, err := s.Store.CommentByID(ctx, m.OrgID, it.SourceID)
		if err != nil && !errors.Is(err, model.ErrNotFound) {
			return f, err
		}
		if err == nil {
			f.Comment = &c
			thread, err := s.Store.ThreadComments(ctx, c.PublicationID)
			if err != nil {
				return f, err
			}
			for _, x := range thread {
				if x.ParentID == c.ID && x.IsStaffAnswer() && x.Status == model.CommentPublished {
					f.Answers = append(f.Answers, x)
				}
			}
		}
	}
	if it.PublicationID != "" {
		p, err := s.Store.PublicationByID(ctx, m.OrgID, it.PublicationID)
		if err == nil {
			f.Publication = &p
		} else if !errors.Is(err, model.ErrNotFound) {
			return f, err
		}
	}
	return f, nil
}

// ConflictError refuses a change to an item someone changed first.
type ConflictError struct{ Item model.InboxItem }

func (e *ConflictError) Error() string { return "inbox item changed meanwhile" }

// Unwrap maps to model.ErrConflict.
func (e *ConflictError) Unwrap() error { return model.ErrConflict }

// itemForChange loads an item in tx for a member who may see it, and checks
// the version they saw (0 skips the check: bulk actions).
func (s *Desk) itemForChange(ctx context.Context, tx *store.Tx, actor model.Account, orgID, id string, version int) (model.InboxItem, model.Membership, error) {
	m, err := core.Authorize(ctx, tx.Queries, actor.ID, orgID, policy.ConsoleAnswer)
	if err != nil {
		return model.InboxItem{}, m, err
	}
	it, err := tx.InboxItemByID(ctx, orgID, id)
	if err != nil {
		return it, m, err
	}
	if !maySee(m, it) {
		return it, m, model.ErrForbidden
	}
	if version != 0 && it.Version != version {
		return it, m, &ConflictError{Item: it}
	}
	return it, m, nil
}

// save writes the item (checking its version) and one history line.
func (s *Desk) save(ctx context.Context, tx *store.Tx, it model.InboxItem, actorID, kind, detail, body string) error {
	v := it.Version
	it.UpdatedAt = s.Now()
	if err := tx.UpdateInboxItem(ctx, it, v); err != nil {
		if errors.Is(err, model.ErrConflict) {
			cur, cerr := tx.InboxItemByID(ctx, it.OrgID, it.ID)
			if cerr == nil {
				return &ConflictError{Item: cur}
			}
		}
		return err
	}
	return s.inboxEvent(ctx, tx, it, actorID, kind, detail, body)
}

// Assign gives an item to a service and/or a person (both "" sends it back
// to "new"). The person must be staff of the organisation.
func (s *Desk) Assign(ctx context.Context, actor model.Account, org model.Organisation, id string, version int, serviceID, assigneeID string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		it, _, err := s.itemForChange(ctx, tx, actor, org.ID, id, version)
		if err != nil {
			return err
		}
		return s.assign(ctx, tx, actor, org, it, serviceID, assigneeID)
	})
}

func (s *Desk) assign(ctx context.Context, tx *store.Tx, actor model.Account, org model.Organisation, it model.InboxItem, serviceID, assigneeID string) error {
	v := &model.ValidationError{}
	var names []string
	if serviceID != "" {
		svc, err := tx.ServiceByID(ctx, org.ID, serviceID)
		if errors.Is(err, model.ErrNotFound) {
			v.Add("service", "console.error.service")
			return v
		} else if err != nil {
			return err
		}
		it.ServiceName = svc.Name
		names = append(names, svc.Name)
	}
	if assigneeID != "" {
		if _, err := tx.Membership(ctx, assigneeID, org.ID); errors.Is(err, model.ErrNotFound) {
			v.Add("assignee", "console.error.assignee")
			return v
		} else if err != nil {
			return err
		}
		acct, err := tx.AccountByID(ctx, assigneeID)
		if err != nil {
			return err
		}
		names = append(names, acct.DisplayName)
	}
	serviceChanged := serviceID != it.ServiceID
	it.ServiceID, it.AssigneeID = serviceID, assigneeID
	if it.State.Open() || it.State == model.StateWaiting {
		it.State = model.StateNew
		if serviceID != "" || assigneeID != "" {
			it.State = model.StateAssigned
		}
	}
	if err := s.save(ctx, tx, it, actor.ID, "assigned", strings.Join(names, " / "), ""); err != nil {
		return err
	}
	if serviceChanged && serviceID != "" {
		it.Version++
		return s.notifyService(ctx, tx, org, it, nil)
	}
	return nil
}

// SetState moves an item to another state (answered and closed items leave
// the queue; "waiting" means waiting for the resident).
func (s *Desk) SetState(ctx context.Context, actor model.Account, org model.Organisation, id string, version int, state model.InboxState) error {
	if !state.Valid() {
		return &model.FieldError{Field: "state", Code: "console.error.state"}
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		it, _, err := s.itemForChange(ctx, tx, actor, org.ID, id, version)
		if err != nil {
			return err
		}
		return s.setState(ctx, tx, actor, it, state)
	})
}

func (s *Desk) setState(ctx context.Context, tx *store.Tx, actor model.Account, it model.InboxItem, state model.InboxState) error {
	if it.State == state {
		return nil // a second click
	}
	now := s.Now()
	it.State = state
	if state == model.StateNew && (it.ServiceID != "" || it.AssigneeID != "") {
		it.State = model.StateAssigned
	}
	it.ClosedAt = nil
	if state == model.StateClosed {
		it.ClosedAt = &now
	}
	return s.save(ctx, tx, it, actor.ID, "state", string(it.State), "")
}

// AddNote appends an internal note (staff only) to an item's history.
// Notes do not change the item, so they never conflict.
func (s *Desk) AddNote(ctx context.Context, actor model.Account, org model.Organisation, id, body string) error {
	body = strings.TrimSpace(body)
	if body == "" || utf8.RuneCountInString(body) > 4000 {
		return &model.FieldError{Field: "note", Code: "console.error.note"}
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		it, _, err := s.itemForChange(ctx, tx, actor, org.ID, id, 0)
		if err != nil {
			return err
		}
		return s.inboxEvent(ctx, tx, it, actor.ID, "note", "", body)
	})
}

// ReplyInput is an answer given from the console.
type ReplyInput struct {
	Version int
	Body    string
	As      string // "org" or a service id, for public answers under a comment
	Then    model.InboxState
	IdemKey string
}

// replyMail is a request's answer, e-mailed to the resident.
type replyMail struct {
	Name, Org, Service, Reference, Body, Received string
	// Greeted: the answer opens with its own greeting (saved replies say
	// "Bonjour {nom}"), so the e-mail does not greet twice.
	Greeted bool
	ReplyTo string // the reply address, when residents can answer by e-mail
}

// Reply answers an item: a request by e-mail to the resident, a question or
// a Fediverse reply publicly under the comment (as the organisation or a
// service). If a colleague changed the item since Version, nothing is sent
// and *ConflictError tells what they did.
func (s *Service) Reply(ctx context.Context, actor model.Account, org model.Organisation, id string, in ReplyInput) error {
	body := strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	if body == "" || utf8.RuneCountInString(body) > model.MaxCommentRunes {
		return &model.FieldError{Field: "body", Code: "console.error.reply"}
	}
	if err := CheckPlaceholders(body); err != nil {
		return err // an unexpanded {placeholder} must not reach a resident
	}
	if in.Then != "" && in.Then != model.StateAnswered && in.Then != model.StateWaiting && in.Then != model.StateClosed {
		return &model.FieldError{Field: "then", Code: "console.error.state"}
	}
	m, err := s.Store.Membership(ctx, actor.ID, org.ID)
	if err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return model.ErrForbidden
		}
		return err
	}
	it, err := s.Store.InboxItemByID(ctx, org.ID, id)
	if err != nil {
		return err
	}
	if !maySee(m, it) {
		return model.ErrForbidden
	}
	if it.Version != in.Version {
		return &ConflictError{Item: it}
	}
	switch {
	case it.Kind.Request():
		return s.Store.InTx(ctx, func(tx *store.Tx) error {
			it, _, err := s.itemForChange(ctx, tx, actor, org.ID, id, in.Version)
			if err != nil {
				return err
			}
			r, err := tx.ResidentRequestByID(ctx, org.ID, it.SourceID)
			if err != nil {
				return err
			}
			lang := langDefault
			if r.AccountID != "" {
				if acct, err := tx.AccountByID(ctx, r.AccountID); err == nil {
					lang = core.AccountLang(acct, "")
				}
			}
			replyTo, err := s.replyAddress(ctx, tx, it)
			if err != nil {
				return err
			}
			err = s.sendAboutItem(ctx, tx, org, r.Email, replyTo, lang, "console_reply", replyMail{Name: r.Name, Org: org.Name,
				Service: s.serviceLabel(lang, org, it.ServiceName), Reference: r.Reference, Body: body,
				Received: formatWhen(lang, r.CreatedAt), Greeted: mail.StartsWithGreeting(body), ReplyTo: replyTo})
			if err != nil {
				return err
			}
			if err := s.markAnswered(ctx, tx, it, in.Version, actor.ID, s.Now(), "email", body); err != nil {
				return err
			}
			return s.afterReply(ctx, tx, actor, org, id, in.Then)
		})
	case it.Kind.Moderation():
		return &model.FieldError{Field: "body", Code: "console.error.no_reply"}
	}
	if it.PublicationID == "" {
		return &model.FieldError{Field: "body", Code: "console.error.no_reply"}
	}
	pub, err := s.Store.PublicationByID(ctx, org.ID, it.PublicationID)
	if err != nil {
		return err
	}
	as := in.As
	if as == "" {
		as = defaultAs(m, it)
	}
	acct, err := s.Store.AccountByID(ctx, actor.ID)
	if err != nil {
		return err
	}
	err = s.comments.PostAnswer(ctx, Answer{Org: org, Publication: pub, Author: acct, ParentID: it.SourceID, Body: body, As: as,
		IdemKey: in.IdemKey, ItemID: it.ID, ItemVersion: in.Version})
	if errors.Is(err, model.ErrConflict) {
		cur, cerr := s.Store.InboxItemByID(ctx, org.ID, id)
		if cerr == nil {
			return &ConflictError{Item: cur}
		}
	}
	if err != nil {
		return err
	}
	if in.Then == model.StateWaiting || in.Then == model.StateClosed {
		return s.Store.InTx(ctx, func(tx *store.Tx) error { return s.afterReply(ctx, tx, actor, org, id, in.Then) })
	}
	return nil
}

// afterReply moves an answered item on to "waiting" or "closed" if asked.
func (s *Desk) afterReply(ctx context.Context, tx *store.Tx, actor model.Account, org model.Organisation, id string, then model.InboxState) error {
	if then != model.StateWaiting && then != model.StateClosed {
		return nil
	}
	it, _, err := s.itemForChange(ctx, tx, actor, org.ID, id, 0)
	if err != nil {
		return err
	}
	return s.setState(ctx, tx, actor, it, then)
}

// defaultAs is who a public answer speaks for: the item's service if the
// person belongs to it, else the organisation for leads, else their first
// service.
func defaultAs(m model.Membership, it model.InboxItem) string {
	if it.ServiceID != "" && (isLead(m) || slices.Contains(m.ServiceIDs, it.ServiceID)) {
		return it.ServiceID
	}
	if isLead(m) || len(m.ServiceIDs) == 0 {
		return "org"
	}
	return m.ServiceIDs[0]
}

// BulkActions are what the inbox's checkboxes can do at once.
var BulkActions = []string{"assign_me", "assign_service", "waiting", "answered", "close", "reopen"}

// Bulk applies one action to several items; items the person may not see
// are skipped. It returns how many items changed.
func (s *Desk) Bulk(ctx context.Context, actor model.Account, org model.Organisation, ids []string, action, serviceID string) (int, error) {
	if !slices.Contains(BulkActions, action) {
		return 0, &model.FieldError{Field: "action", Code: "console.error.bulk_action"}
	}
	if len(ids) == 0 {
		return 0, &model.FieldError{Field: "action", Code: "console.error.bulk_none"}
	}
	if len(ids) > 200 {
		ids = ids[:200]
	}
	n := 0
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		for _, id := range ids {
			it, _, err := s.itemForChange(ctx, tx, actor, org.ID, id, 0)
			if errors.Is(err, model.ErrNotFound) || errors.Is(err, model.ErrForbidden) {
				continue
			} else if err != nil {
				return err
			}
			before := it.Version
			switch action {
			case "assign_me":
				err = s.assign(ctx, tx, actor, org, it, it.ServiceID, actor.ID)
			case "assign_service":
				if serviceID == "" {
					return &model.FieldError{Field: "service", Code: "console.error.service"}
				}
				err = s.assign(ctx, tx, actor, org, it, serviceID, it.AssigneeID)
			case "waiting":
				err = s.setState(ctx, tx, actor, it, model.StateWaiting)
			case "answered":
				err = s.setState(ctx, tx, actor, it, model.StateAnswered)
			case "close":
				err = s.setState(ctx, tx, actor, it, model.StateClosed)
			case "reopen":
				err = s.setState(ctx, tx, actor, it, model.StateNew)
			}
			if err != nil {
				return err
			}
			if cur, err := tx.InboxItemByID(ctx, org.ID, id); err == nil && cur.Version != before {
				n++
			}
		}
		return s.Audit(ctx, tx, org.ID, actor.ID, "console.bulk", action, fmt.Sprintf("%d/%d", n, len(ids)))
	})
	return n, err
}

// digestMail lists overdue items for a manager.
type digestMail struct {
	Name, Org, Link string
	Items           []digestLine
}

type digestLine struct{ Kind, Excerpt, Service, Due, Link string }

// DigestHour is the local hour from which the daily digest goes out.
const DigestHour = 8

// SendOverdueDigests e-mails each organisation's managers, once a day from
// DigestHour (Europe/Paris), the list of open items past their due time.
// Run by an hourly job; a second run the same day sends nothing.
func (s *Desk) SendOverdueDigests(ctx context.Context) (int, error) {
	now := s.Now()
	local := now.In(dates.Paris)
	if local.Hour() < DigestHour {
		return 0, nil
	}
	orgs, err := s.Store.OrgsWithOverdue(ctx, now)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, orgID := range orgs {
		err := s.Store.InTx(ctx, func(tx *store.Tx) error {
			fresh, err := tx.MarkDigestSent(ctx, orgID, local.Format("2006-01-02"), now)
			if err != nil || !fresh {
				return err
			}
			org, err := tx.OrganisationByID(ctx, orgID)
			if err != nil {
				return err
			}
			items, err := tx.Overdue(ctx, orgID, now, 100)
			if err != nil {
				return err
			}
			managers, err := tx.Managers(ctx, orgID)
			if err != nil {
				return err
			}
			for _, m := range managers {
				lang := core.LangOr(m.Locale)
				d := digestMail{Name: m.DisplayName, Org: org.Name, Link: fmt.Sprintf("%s/admin/%s/inbox?sort=due", s.BaseURL, org.Handle)}
				for _, it := range items {
					d.Items = append(d.Items, digestLine{Kind: s.Cat.T(lang, "console.kind."+string(it.Kind)), Excerpt: core.Excerpt(it.Excerpt, 120),
						Service: it.ServiceName, Due: formatWhen(lang, *it.DueAt), Link: s.itemLink(org, it)})
				}
				if err := s.SendMail(ctx, tx, m.Email, lang, "console_digest", d); err != nil {
					return err
				}
				sent++
			}
			return nil
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// RecordActivity notes a staff member's active minute in the staff area.
func (s *Desk) RecordActivity(ctx context.Context, orgID, accountID string, at time.Time) error {
	return s.Store.RecordActivity(ctx, orgID, accountID, at)
}
