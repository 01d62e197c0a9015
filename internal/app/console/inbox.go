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
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/officehours"
	"github.com/parvis/parvis/internal/store"
)

// InboxSource is something that needs a human, for the inbox: created in
// the transaction of its source. Features whose sources live elsewhere
// (federation's remote replies, events' questions) call AddToInbox.
type InboxSource struct {
	Org           model.Organisation
	Kind          model.InboxKind
	SourceID      string
	PublicationID string
	// ServiceID names the service in charge when the resident chose it;
	// otherwise routing rules, then the publication's topics, decide.
	ServiceID string
	// FallbackServiceID takes the item when neither a rule nor the
	// publication's topics name a service: the service organising an event.
	FallbackServiceID string
	AuthorName        string
	Text              string
	ReceivedAt        time.Time
	// Notified lists services whose agents were told already (debate's
	// routing of comments), so that they get one e-mail, not two.
	Notified []string
}

// AddToInbox records an item for src inside tx: routed to a service,
// flagged urgent (and escalated by e-mail at once) when it names an urgent
// word, timed against the organisation's office hours. A source already in
// the inbox under that kind is reopened if it was settled, not duplicated.
func (s *Desk) AddToInbox(ctx context.Context, tx *store.Tx, src InboxSource) (model.InboxItem, error) {
	sched, settings, err := schedule(ctx, tx.Queries, src.Org.ID)
	if err != nil {
		return model.InboxItem{}, err
	}
	now := src.ReceivedAt
	if now.IsZero() {
		now = s.Now()
	}
	existing, err := tx.InboxItemBySource(ctx, src.Org.ID, src.Kind, src.SourceID)
	if err == nil {
		if existing.State.Open() {
			return existing, nil
		}
		return s.reopen(ctx, tx, existing, now)
	} else if !errors.Is(err, model.ErrNotFound) {
		return model.InboxItem{}, err
	}
	it := model.InboxItem{ID: core.NewID(), OrgID: src.Org.ID, Kind: src.Kind, SourceID: src.SourceID, PublicationID: src.PublicationID,
		AuthorName: src.AuthorName, Excerpt: core.Excerpt(strings.TrimSpace(src.Text), 400), State: model.StateNew,
		ReceivedAt: now, UpdatedAt: now, Version: 1}
	it.OutOfHours = !sched.Empty() && !sched.IsOpen(now)
	if due, ok := sched.AddOpen(now, time.Duration(settings.TargetHours)*time.Hour); ok {
		it.DueAt = &due
	}
	if src.Kind.Request() {
		months := settings.LegalMonths
		if src.Kind == model.InboxRights {
			months = model.RightsDeadlineMonths
		}
		legal := now.In(dates.Paris).AddDate(0, months, 0).UTC()
		it.LegalDueAt = &legal
	}
	rule := ""
	it.ServiceID = src.ServiceID
	if it.ServiceID == "" {
		if it.ServiceID, rule, err = s.routeService(ctx, tx, src); err != nil {
			return it, err
		}
		if it.ServiceID == "" && src.FallbackServiceID != "" {
			it.ServiceID, rule = src.FallbackServiceID, "organiser"
		}
	} else {
		rule = "choice"
	}
	if it.ServiceID != "" {
		it.State = model.StateAssigned
	}
	word := urgentMatch(src.Text, settings.UrgentWords)
	it.Urgent = word != ""
	if err := tx.CreateInboxItem(ctx, it); err != nil {
		return it, err
	}
	if err := s.inboxEvent(ctx, tx, it, "", "created", string(src.Kind), ""); err != nil {
		return it, err
	}
	if it.ServiceID != "" {
		svc, err := tx.ServiceByID(ctx, it.OrgID, it.ServiceID)
		if err != nil {
			return it, err
		}
		it.ServiceName = svc.Name
		why := s.Cat.T(langDefault, "console.why."+strings.ReplaceAll(rule, ":", "_"))
		if err := s.inboxEvent(ctx, tx, it, "", "routed", svc.Name+" ("+why+")", ""); err != nil {
			return it, err
		}
		if err := s.notifyService(ctx, tx, src.Org, it, src.Notified); err != nil {
			return it, err
		}
	}
	if it.Urgent {
		if err := s.escalate(ctx, tx, src.Org, it, word, settings); err != nil {
			return it, err
		}
	}
	return it, nil
}

// reopen puts a settled item back in the queue (a comment reported again).
func (s *Desk) reopen(ctx context.Context, tx *store.Tx, it model.InboxItem, now time.Time) (model.InboxItem, error) {
	v := it.Version
	it.State, it.ClosedAt, it.UpdatedAt = model.StateNew, nil, now
	if it.ServiceID != "" {
		it.State = model.StateAssigned
	}
	if err := tx.UpdateInboxItem(ctx, it, v); err != nil {
		return it, err
	}
	it.Version++
	return it, s.inboxEvent(ctx, tx, it, "", "reopened", "", "")
}

// routeService applies the organisation's routing rules in order (topic,
// neighbourhood or keyword → service), then falls back to the service
// responsible for one of the publication's topics.
func (s *Desk) routeService(ctx context.Context, tx *store.Tx, src InboxSource) (serviceID, why string, err error) {
	rules, err := tx.RoutingRules(ctx, src.Org.ID)
	if err != nil {
		return "", "", err
	}
	var topics, places []string
	if src.PublicationID != "" {
		if topics, places, err = tx.PublicationTaxonomy(ctx, src.PublicationID); err != nil {
			return "", "", err
		}
	}
	for _, r := range rules {
		switch {
		case r.Kind == "topic" && slices.Contains(topics, r.Value),
			r.Kind == "neighbourhood" && slices.Contains(places, r.Value),
			r.Kind == "keyword" && keywordMatch(src.Text, r.Value):
			return r.ServiceID, "rule:" + r.Kind, nil
		}
	}
	if src.PublicationID != "" {
		services, err := tx.PublicationServices(ctx, src.PublicationID)
		if err != nil {
			return "", "", err
		}
		if len(services) > 0 {
			return services[0], "topic", nil
		}
	}
	return "", "", nil
}

// inboxMail is the e-mail telling staff about an item.
type inboxMail struct {
	Name, Org, Service, Kind, Excerpt, Link, Word, Received string
	Urgent                                                  bool
	Reply                                                   bool // the resident answered by e-mail
}

func (s *Desk) itemLink(org model.Organisation, it model.InboxItem) string {
	return fmt.Sprintf("%s/admin/%s/inbox/%s", s.BaseURL, org.Handle, it.ID)
}

// notifyService tells the agents of the item's service (by e-mail for those
// who asked for it). A service without agents falls back to the
// organisation's managers, who are e-mailed whatever their preference: an
// item must reach someone.
func (s *Desk) notifyService(ctx context.Context, tx *store.Tx, org model.Organisation, it model.InboxItem, notified []string) error {
	return s.tellService(ctx, tx, org, it, notified, false)
}

// tellService is notifyService; reply says the news is the resident's
// e-mailed reply (the excerpt is then the reply's).
func (s *Desk) tellService(ctx context.Context, tx *store.Tx, org model.Organisation, it model.InboxItem, notified []string, reply bool) error {
	agents, err := tx.AgentsOfServices(ctx, org.ID, []string{it.ServiceID})
	if err != nil {
		return err
	}
	fallback := len(agents) == 0
	if fallback {
		if agents, err = tx.Managers(ctx, org.ID); err != nil {
			return err
		}
		if err := s.inboxEvent(ctx, tx, it, "", "no_agent", it.ServiceName, ""); err != nil {
			return err
		}
	}
	if !fallback && slices.Contains(notified, it.ServiceID) {
		return nil
	}
	for _, ag := range agents {
		if !fallback && !ag.EmailRouted {
			continue
		}
		lang := core.LangOr(ag.Locale)
		err := s.SendMail(ctx, tx, ag.Email, lang, "console_routed", inboxMail{Name: ag.DisplayName, Org: org.Name,
			Service: it.ServiceName, Kind: s.Cat.T(lang, "console.kind."+string(it.Kind)), Excerpt: it.Excerpt,
			Link: s.itemLink(org, it), Urgent: it.Urgent, Reply: reply})
		if err != nil {
			return err
		}
	}
	return nil
}

// escalate e-mails an urgent item at once, whatever the hour: to the
// on-call address if set, and to the managers.
func (s *Desk) escalate(ctx context.Context, tx *store.Tx, org model.Organisation, it model.InboxItem, word string, settings model.ConsoleSettings) error {
	to := map[string]string{}
	if settings.OnCallEmail != "" {
		to[settings.OnCallEmail] = langDefault
	}
	managers, err := tx.Managers(ctx, org.ID)
	if err != nil {
		return err
	}
	for _, m := range managers {
		to[m.Email] = core.LangOr(m.Locale)
	}
	addrs := make([]string, 0, len(to))
	for addr := range to {
		addrs = append(addrs, addr)
	}
	slices.Sort(addrs)
	for _, addr := range addrs {
		lang := to[addr]
		err := s.SendMail(ctx, tx, addr, lang, "console_urgent", inboxMail{Org: org.Name, Service: it.ServiceName,
			Kind: s.Cat.T(lang, "console.kind."+string(it.Kind)), Excerpt: it.Excerpt, Link: s.itemLink(org, it), Word: word,
			Received: it.ReceivedAt.In(dates.Paris).Format("02/01/2006 15:04"), Urgent: true})
		if err != nil {
			return err
		}
	}
	return s.inboxEvent(ctx, tx, it, "", "escalated", word, strings.Join(addrs, ", "))
}

func (s *Desk) inboxEvent(ctx context.Context, tx *store.Tx, it model.InboxItem, actorID, kind, detail, body string) error {
	return tx.AddInboxEvent(ctx, model.InboxEvent{ID: core.NewID(), ItemID: it.ID, OrgID: it.OrgID, ActorID: actorID, Kind: kind,
		Detail: detail, Body: body, CreatedAt: s.Now()})
}

// IsQuestion reports whether a comment asks something: the author ticked
// "c'est une question" or wrote a question mark.
func IsQuestion(ticked bool, body string) bool {
	return ticked || strings.ContainsAny(body, "?？")
}

// InboxOnComment is debate's hook, in PostComment's transaction: a
// resident's held comment or question becomes an item; a staff answer under
// a question answers its item (checking the version the answering person
// saw, when it comes from the inbox).
func (s *Desk) InboxOnComment(ctx context.Context, tx *store.Tx, c model.Comment, p model.CommentPosted) error {
	if p.Staff {
		if c.ParentID == "" {
			return nil
		}
		items, err := tx.InboxItemsOfSource(ctx, c.OrgID, c.ParentID)
		if err != nil {
			return err
		}
		for _, it := range items {
			if it.Kind.Moderation() {
				continue
			}
			version := it.Version
			if p.ItemID == it.ID {
				version = p.ItemVersion
			}
			if err := s.markAnswered(ctx, tx, it, version, p.AuthorID, c.CreatedAt, "comment", c.Body); err != nil {
				return err
			}
		}
		return nil
	}
	return s.InboxFromComment(ctx, tx, p.Org, c, p.Question, p.Notified)
}

// InboxFromComment adds a resident's (or a remote author's) comment to the
// inbox if it needs a human: held for moderation, a question, or naming an
// urgent word. A Fediverse reply follows the same rule as a resident's
// comment (a remote server has no "c'est une question" box, so only the
// question mark and urgent words count) and enters as a "remote" item.
// Federation calls it in the transaction that stores the reply.
func (s *Desk) InboxFromComment(ctx context.Context, tx *store.Tx, org model.Organisation, c model.Comment, ticked bool, notified []string) error {
	src, asking := commentSource(org, c, c.CreatedAt)
	src.Notified = notified
	switch {
	case c.Status == model.CommentHeld:
		src.Kind = model.InboxHeld
	case c.Status != model.CommentPublished:
		return nil
	case IsQuestion(ticked, c.Body):
		src.Kind = asking
	default:
		// A comment naming an urgent word needs a human, question or not.
		settings, err := consoleSettings(ctx, tx.Queries, org.ID)
		if err != nil {
			return err
		}
		if urgentMatch(c.Body, settings.UrgentWords) == "" {
			return nil
		}
		src.Kind = asking
	}
	_, err := s.AddToInbox(ctx, tx, src)
	return err
}

// commentSource is a comment as an inbox source received at the given
// time, and the kind of item it makes when it asks something: a remote
// reply for a Fediverse author, a question otherwise.
func commentSource(org model.Organisation, c model.Comment, at time.Time) (InboxSource, model.InboxKind) {
	src := InboxSource{Org: org, SourceID: c.ID, PublicationID: c.PublicationID, AuthorName: c.AuthorName, Text: c.Body,
		ReceivedAt: at}
	if src.AuthorName == "" {
		src.AuthorName = c.RemoteName
	}
	if c.RemoteActor != "" {
		return src, model.InboxRemote
	}
	return src, model.InboxQuestion
}

// InboxOnEdit is called in the transaction that applies an author's edit
// of their comment (a remote author's Update, a resident's EditComment,
// the demo), with the comment before and after:
//
//   - the comment's items (question, remote reply, held) show the new
//     text, and their history keeps the earlier one; their state and
//     version stay, so an answer being written is not refused;
//   - an edit that makes the comment need a human, by the rule a new
//     comment follows (a question mark or an urgent word; or held by
//     screening), enters the inbox as that comment would have: a new item
//     routed and escalated the same way, or a settled item of the comment
//     reopened, never a second one;
//   - an urgent word added to a question already in the inbox flags it
//     urgent and escalates it (reopening it if it was settled).
func (s *Desk) InboxOnEdit(ctx context.Context, tx *store.Tx, org model.Organisation, before, after model.Comment) error {
	if after.IsStaffAnswer() || before.Body == after.Body {
		return nil
	}
	settings, err := consoleSettings(ctx, tx.Queries, org.ID)
	if err != nil {
		return err
	}
	asks := func(body string) bool {
		return IsQuestion(false, body) || urgentMatch(body, settings.UrgentWords) != ""
	}
	word := urgentMatch(after.Body, settings.UrgentWords)
	now := s.Now()
	src, asking := commentSource(org, after, now)
	items, err := tx.InboxItemsOfSource(ctx, org.ID, after.ID)
	if err != nil {
		return err
	}
	for _, it := range items {
		if it.Kind != asking && it.Kind != model.InboxHeld {
			continue // reports and appeals quote their own text
		}
		newlyUrgent := it.Kind == asking && word != "" && !it.Urgent
		it.Excerpt, it.Urgent = core.Excerpt(strings.TrimSpace(after.Body), 400), it.Urgent || newlyUrgent
		if err := tx.EditInboxItemText(ctx, it, now); err != nil {
			return err
		}
		if err := s.inboxEvent(ctx, tx, it, "", "edited", "", before.Body); err != nil {
			return err
		}
		if !newlyUrgent {
			continue
		}
		if !it.State.Open() {
			if it, err = s.reopen(ctx, tx, it, now); err != nil {
				return err
			}
		}
		if err := s.escalate(ctx, tx, org, it, word, settings); err != nil {
			return err
		}
	}
	switch {
	case after.Status == model.CommentHeld && before.Status != model.CommentHeld:
		src.Kind = model.InboxHeld
	case after.Status == model.CommentPublished && !asks(before.Body) && asks(after.Body):
		src.Kind = asking
	default:
		return nil
	}
	existed := slices.ContainsFunc(items, func(it model.InboxItem) bool { return it.Kind == src.Kind })
	it, err := s.AddToInbox(ctx, tx, src)
	if err != nil || existed {
		return err
	}
	// A new item: its history says it comes from an edit, and of what.
	return s.inboxEvent(ctx, tx, it, "", "edited", "", before.Body)
}

// markAnswered records the first answer (timed in open hours) and moves the
// item to "answered". version is what the answering person saw: a colleague
// who answered in between makes it model.ErrConflict.
func (s *Desk) markAnswered(ctx context.Context, tx *store.Tx, it model.InboxItem, version int, actorID string, at time.Time, how, body string) error {
	if it.FirstAnswerAt == nil {
		sched, _, err := schedule(ctx, tx.Queries, it.OrgID)
		if err != nil {
			return err
		}
		open := openTime(sched, it.ReceivedAt, at)
		it.FirstAnswerAt, it.FirstAnswerOpen = &at, &open
	}
	if it.State != model.StateClosed {
		it.State = model.StateAnswered
	}
	it.UpdatedAt = at
	if err := tx.UpdateInboxItem(ctx, it, version); err != nil {
		return err
	}
	return s.inboxEvent(ctx, tx, it, actorID, "reply", how, body)
}

// openTime is the open time between two instants; without published hours
// every hour counts.
func openTime(s officehours.Schedule, from, to time.Time) time.Duration {
	if s.Empty() {
		if to.After(from) {
			return to.Sub(from)
		}
		return 0
	}
	return s.OpenBetween(from, to)
}

// InboxOnModeration is debate's hook when a comment enters the moderation
// queue (reported, appealed, review requested).
func (s *Desk) InboxOnModeration(ctx context.Context, tx *store.Tx, org model.Organisation, kind model.InboxKind, c model.Comment, text string) error {
	if text == "" {
		text = c.Body
	}
	_, err := s.AddToInbox(ctx, tx, InboxSource{Org: org, Kind: kind, SourceID: c.ID, PublicationID: c.PublicationID,
		AuthorName: c.AuthorName, Text: text, ReceivedAt: s.Now()})
	return err
}

// InboxOnDecision is debate's hook when a moderator decides: the comment's
// moderation items are settled (the decision is their answer); an approved
// held comment that asks something becomes a question.
func (s *Desk) InboxOnDecision(ctx context.Context, tx *store.Tx, org model.Organisation, c model.Comment, d model.Decision) error {
	items, err := tx.InboxItemsOfSource(ctx, org.ID, c.ID)
	if err != nil {
		return err
	}
	for _, it := range items {
		if !it.Kind.Moderation() || it.State == model.StateClosed {
			continue
		}
		if err := s.markAnswered(ctx, tx, it, it.Version, d.ActorID, d.CreatedAt, "decision", d.Action); err != nil {
			return err
		}
		it, err = tx.InboxItemByID(ctx, org.ID, it.ID)
		if err != nil {
			return err
		}
		it.State, it.ClosedAt, it.UpdatedAt = model.StateClosed, &d.CreatedAt, d.CreatedAt
		if err := tx.UpdateInboxItem(ctx, it, it.Version); err != nil {
			return err
		}
	}
	if d.Action == "approve" && c.Status == model.CommentPublished && c.ParentID == "" && IsQuestion(false, c.Body) {
		return s.InboxFromComment(ctx, tx, org, c, true, nil)
	}
	return nil
}

// NewRequest is a resident's request sent through the "poser une question" form.
type NewRequest struct {
	Org         model.Organisation
	Account     *model.Account // nil without an account
	Name        string
	Email       string
	Body        string
	Publication *model.Publication
	ServiceID   string
	IdemKey     string
	Lang        string
	IP          string // the client's address, for the form's limits
	// Rights makes this a data protection rights request for Right (one
	// of model.DataRights, required): its deadline is one month, and the
	// right asked for heads the text the staff read.
	Rights bool
	Right  string
}

// Asked is what became of a request.
type Asked struct {
	Request      model.ResidentRequest
	Item         model.InboxItem
	ServiceName  string
	Availability Availability
	Duplicate    bool
}

// ackMail is the acknowledgement of receipt (CRPA L112-11).
type ackMail struct {
	Name, Org, Reference, Received, Service, LegalDue, Excerpt, Address, Phone, Email string
	About                                                                             string // the publication or event asked about
	OutOfHours                                                                        bool
	NextOpening, OnCall, Typical                                                      string
	// ReplyTo is the request's reply address when the receiver is on: the
	// message then says that answering it adds to the request.
	ReplyTo string
	// Neutral: the address was typed in a public form and nobody proved
	// it is theirs, so the message carries nothing the visitor typed (no
	// name, no excerpt): the town's form cannot be used to send someone
	// else a text of the visitor's choice (docs/EMAIL.md).
	Neutral bool
}

// AskQuestion records a request to the administration, puts it in the
// inbox and acknowledges it by e-mail: date received, service in charge,
// deadline, and, out of hours, when the team will answer and what to do in
// an emergency.
func (s *Desk) AskQuestion(ctx context.Context, in NewRequest) (Asked, error) {
	// A question asked from an event's page is an event question: the
	// inbox shows it as such and links it to the event.
	kind := model.InboxRequest
	switch {
	case in.Rights:
		kind = model.InboxRights
	case in.Publication != nil && in.Publication.Kind == model.KindEvent:
		kind = model.InboxEventQuestion
	}
	if in.IdemKey != "" {
		if r, err := s.Store.ResidentRequestByIdem(ctx, in.Org.ID, in.IdemKey); err == nil {
			it, err := s.Store.InboxItemBySource(ctx, in.Org.ID, kind, r.ID)
			return Asked{Request: r, Item: it, ServiceName: it.ServiceName, Duplicate: true}, err
		}
	}
	name, email, body, err := s.checkRequest(ctx, in)
	if err != nil {
		return Asked{}, err
	}
	now := s.Now()
	av, err := s.Availability(ctx, in.Org.ID, now)
	if err != nil {
		return Asked{}, err
	}
	r := model.ResidentRequest{ID: core.NewID(), OrgID: in.Org.ID, Name: name, Email: email, Body: body, ServiceID: in.ServiceID,
		IdemKey: in.IdemKey, CreatedAt: now}
	r.Reference = now.In(dates.Paris).Format("20060102") + "-" + strings.ToUpper(r.ID[len(r.ID)-6:])
	if in.Account != nil {
		r.AccountID = in.Account.ID
	}
	if in.Publication != nil {
		r.PublicationID = in.Publication.ID
	}
	out := Asked{Request: r, Availability: av}
	organiser := ""
	if kind == model.InboxEventQuestion {
		ev, err := s.Store.EventByID(ctx, in.Org.ID, in.Publication.ID)
		if err != nil && !errors.Is(err, model.ErrNotFound) {
			return Asked{}, err
		}
		organiser = ev.OrganiserServiceID
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := s.CountPublicForm(ctx, tx, "question", in.IP, email); err != nil {
			return err
		}
		if err := tx.CreateResidentRequest(ctx, r); err != nil {
			return err
		}
		it, err := s.AddToInbox(ctx, tx, InboxSource{Org: in.Org, Kind: kind, SourceID: r.ID,
			PublicationID: r.PublicationID, ServiceID: r.ServiceID, FallbackServiceID: organiser, AuthorName: name, Text: body, ReceivedAt: now})
		if err != nil {
			return err
		}
		out.Item, out.ServiceName = it, it.ServiceName
		return s.acknowledge(ctx, tx, in, r, it, av)
	})
	if errors.Is(err, model.ErrConflict) && in.IdemKey != "" {
		if prev, perr := s.Store.ResidentRequestByIdem(ctx, in.Org.ID, in.IdemKey); perr == nil {
			return Asked{Request: prev, Duplicate: true, Availability: av}, nil
		}
	}
	return out, err
}

// checkRequest validates the form and returns the name, address and text
// to record; a signed-in resident's own name and address fill the blanks.
func (s *Desk) checkRequest(ctx context.Context, in NewRequest) (name, email, body string, err error) {
	v := &model.ValidationError{}
	name, email = strings.TrimSpace(in.Name), mail.NormalizeEmail(in.Email)
	if in.Account != nil {
		if name == "" {
			name = in.Account.DisplayName
		}
		if email == "" {
			email = in.Account.Email
		}
	}
	if n := utf8.RuneCountInString(name); n < 2 || n > 100 {
		v.Add("name", "console.error.name")
	}
	if !mail.ValidEmail(email) {
		v.Add("email", "console.error.email")
	}
	body = strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	if n := utf8.RuneCountInString(body); n < 10 || n > model.MaxCommentRunes || !utf8.ValidString(body) {
		v.Add("body", "console.error.question")
	}
	if in.Rights {
		if !slices.Contains(model.DataRights, in.Right) {
			v.Add("right", "console.error.right")
		} else {
			body = s.Cat.T(langDefault, "console.rights.heading", s.Cat.T(langDefault, "privacy.right."+in.Right)) + "\n\n" + body
		}
	}
	if in.ServiceID != "" {
		if _, err := s.Store.ServiceByID(ctx, in.Org.ID, in.ServiceID); errors.Is(err, model.ErrNotFound) {
			v.Add("service", "console.error.service")
		} else if err != nil {
			return "", "", "", err
		}
	}
	return name, email, body, v.Err()
}

// acknowledge e-mails the acknowledgement of request r, put in the inbox
// as it, inside tx.
func (s *Desk) acknowledge(ctx context.Context, tx *store.Tx, in NewRequest, r model.ResidentRequest, it model.InboxItem, av Availability) (err error) {
	lang := core.LangOr(in.Lang)
	if in.Account != nil {
		lang = core.AccountLang(*in.Account, in.Lang)
	}
	// Only the address of a verified account is known to be the visitor's.
	verified := in.Account != nil && in.Account.Verified() && mail.NormalizeEmail(in.Account.Email) == r.Email
	m := ackMail{Name: r.Name, Org: in.Org.Name, Reference: r.Reference, Received: formatWhen(lang, r.CreatedAt),
		Service: s.serviceLabel(lang, in.Org, it.ServiceName), Excerpt: core.Excerpt(r.Body, 300), Address: in.Org.Address,
		Phone: in.Org.ContactPhone, Email: in.Org.ContactEmail, OutOfHours: !av.Open, OnCall: av.OnCallPhone}
	if !verified {
		m.Name, m.Excerpt, m.Neutral = "", "", true
	}
	if in.Publication != nil {
		m.About = in.Publication.Title
	}
	if it.LegalDueAt != nil {
		m.LegalDue = formatWhen(lang, *it.LegalDueAt)[:10]
	}
	if !av.NextOpening.IsZero() {
		m.NextOpening = formatWhen(lang, av.NextOpening)
	}
	if av.HasTypical {
		m.Typical = FormatOpenDuration(lang, av.Typical)
	}
	if m.ReplyTo, err = s.replyAddress(ctx, tx, it); err != nil {
		return err
	}
	if err := s.sendAboutItem(ctx, tx, in.Org, r.Email, m.ReplyTo, lang, "console_ack", m); err != nil {
		return err
	}
	return s.inboxEvent(ctx, tx, it, "", "acknowledged", r.Reference, "")
}

// serviceLabel names the service in charge: "Service Voirie — Ville de X",
// or the organisation itself when no service is.
func (s *Desk) serviceLabel(lang string, org model.Organisation, service string) string {
	if service == "" {
		return org.Name
	}
	return s.Cat.T(lang, "debate.staff_label.service", service, org.Name)
}

// formatWhen writes "14/03/2026 à 22 h 00" (dd/mm/yyyy first, so the date
// alone is its first ten characters).
func formatWhen(lang string, t time.Time) string {
	t = t.In(dates.Paris)
	if lang == "en" {
		return t.Format("02/01/2006 at 15:04")
	}
	return t.Format("02/01/2006") + " à " + t.Format("15 h 04")
}

// FormatOpenDuration writes a duration in hours and minutes ("1 h 30", "45 min").
func FormatOpenDuration(lang string, d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	switch {
	case m < 60:
		return fmt.Sprintf("%d min", m)
	case m%60 == 0:
		return fmt.Sprintf("%d h", m/60)
	default:
		return fmt.Sprintf("%d h %02d", m/60, m%60)
	}
}
