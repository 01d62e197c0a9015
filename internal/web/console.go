package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/parvis/parvis/internal/app/console"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/officehours"
)

// consoleRoutes registers the community manager's console (docs/CONSOLE.md).
func (h *Handler) consoleRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/{org}/inbox", h.staff(policy.ConsoleAnswer, h.inbox))
	mux.Handle("POST /admin/{org}/inbox", h.staff(policy.ConsoleAnswer, h.inboxBulk))
	mux.Handle("GET /admin/{org}/inbox/{id}", h.staff(policy.ConsoleAnswer, h.inboxItem))
	mux.Handle("POST /admin/{org}/inbox/{id}/reply", h.staff(policy.ConsoleAnswer, h.inboxReply))
	mux.Handle("POST /admin/{org}/inbox/{id}/assign", h.staff(policy.ConsoleAnswer, h.inboxAssign))
	mux.Handle("POST /admin/{org}/inbox/{id}/state", h.staff(policy.ConsoleAnswer, h.inboxState))
	mux.Handle("POST /admin/{org}/inbox/{id}/note", h.staff(policy.ConsoleAnswer, h.inboxNote))
	mux.Handle("POST /admin/{org}/inbox/{id}/held/{event}/attach", h.staff(policy.ConsoleAnswer, h.inboxAttachHeld))
	mux.Handle("GET /admin/{org}/saved-replies", h.staff(policy.ConsoleAnswer, h.savedReplies))
	mux.Handle("POST /admin/{org}/saved-replies", h.staff(policy.ConsoleAnswer, h.saveReply))
	mux.Handle("POST /admin/{org}/saved-replies/{id}/delete", h.staff(policy.ConsoleAnswer, h.deleteReply))
	mux.Handle("GET /admin/{org}/office-hours", h.staff(policy.ConsoleConfigure, h.officeHours))
	mux.Handle("POST /admin/{org}/office-hours", h.staff(policy.ConsoleConfigure, h.saveOfficeHours))
	mux.Handle("POST /admin/{org}/office-hours/closures", h.staff(policy.ConsoleConfigure, h.addClosure))
	mux.Handle("POST /admin/{org}/office-hours/closures/{id}/delete", h.staff(policy.ConsoleConfigure, h.deleteClosure))
	mux.Handle("GET /admin/{org}/routing", h.staff(policy.ConsoleConfigure, h.routing))
	mux.Handle("POST /admin/{org}/routing", h.staff(policy.ConsoleConfigure, h.addRule))
	mux.Handle("POST /admin/{org}/routing/{id}/delete", h.staff(policy.ConsoleConfigure, h.deleteRule))
	mux.Handle("GET /admin/{org}/console-settings", h.staff(policy.ConsoleSettings, h.consoleSettings))
	mux.Handle("POST /admin/{org}/console-settings", h.staff(policy.ConsoleSettings, h.saveConsoleSettings))
	mux.Handle("GET /admin/{org}/chiffres", h.staff(policy.FiguresView, h.figures))
	mux.Handle("GET /admin/{org}/chiffres/cout", h.staff(policy.FiguresView, h.costReport))
}

// consoleSiteRoutes registers the console's public pages on the
// organisation's site mux.
func (h *Handler) consoleSiteRoutes(site *http.ServeMux) {
	site.Handle("GET /{org}/permanence", h.orgPage(h.permanence))
	site.Handle("GET /{org}/question", h.orgPage(h.askForm))
	site.Handle("POST /{org}/question", h.orgPage(h.ask))
	site.Handle("GET /{org}/p/{slug}/question", h.orgPage(h.askForm))
	site.Handle("POST /{org}/p/{slug}/question", h.orgPage(h.ask))
}

// activity records staff members' active minutes in the staff area, one
// row per person, organisation and minute; the last minute written per
// person is remembered so that most requests cost no write.
type activity struct {
	mu   sync.Mutex
	last map[string]time.Time
}

func (h *Handler) recordActivity(r *http.Request, orgID, accountID string) {
	minute := h.app.Now().Truncate(time.Minute)
	key := orgID + "/" + accountID
	h.act.mu.Lock()
	if h.act.last == nil {
		h.act.last = map[string]time.Time{}
	}
	seen := h.act.last[key].Equal(minute)
	if !seen {
		if len(h.act.last) > 10000 {
			clear(h.act.last)
		}
		h.act.last[key] = minute
	}
	h.act.mu.Unlock()
	if seen {
		return
	}
	if err := h.app.Console.RecordActivity(r.Context(), orgID, accountID, minute); err != nil {
		h.log.Warn("record staff activity", "error", err)
	}
}

// inboxView is the inbox page.
type inboxView struct {
	Items    []inboxRow
	Total    int
	Filter   model.InboxFilter
	Query    url.Values
	Services []model.Service
	Kinds    []model.InboxKind
	States   []model.InboxState
	Page     int
	Pages    int
	Prev     string
	Next     string
	Bulk     []string
	Lead     bool
	Mine     int // new items for the person's services
}

// inboxRow is one line of the inbox with its deadline status.
type inboxRow struct {
	model.InboxItem
	Soon    bool // close to its due time
	Overdue bool
}

func rowOf(it model.InboxItem, now time.Time) inboxRow {
	r := inboxRow{InboxItem: it}
	if it.DueAt != nil && it.State.Open() {
		r.Overdue = now.After(*it.DueAt)
		r.Soon = !r.Overdue && it.DueAt.Sub(now) < 4*time.Hour
	}
	if it.LegalDueAt != nil && it.State.Open() && now.After(*it.LegalDueAt) {
		r.Overdue = true
	}
	return r
}

const inboxPageSize = 50

func (h *Handler) inbox(w http.ResponseWriter, r *http.Request) error {
	m, _ := membershipFrom(r.Context()) // for what the page offers; Inbox checks the policy itself
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	q := r.URL.Query()
	f := model.InboxFilter{Open: q.Get("state") == "", State: model.InboxState(q.Get("state")), Kind: model.InboxKind(q.Get("kind")),
		ServiceID: q.Get("service"), Query: q.Get("q"), Sort: q.Get("sort"), Limit: inboxPageSize}
	if q.Get("state") == "all" {
		f.Open, f.State = false, ""
	}
	if q.Get("mine") == "1" {
		f.AssigneeID = acct.ID
	}
	page, _ := strconv.Atoi(q.Get("page"))
	if page < 1 {
		page = 1
	}
	f.Offset = (page - 1) * inboxPageSize
	items, total, err := h.app.Console.Inbox(r.Context(), acct.ID, org.ID, f)
	if err != nil {
		return err
	}
	services, err := h.app.Organisations.Services(r.Context(), acct.ID, org.ID)
	if err != nil {
		return err
	}
	now := h.app.Now()
	d := inboxView{Total: total, Filter: f, Query: q, Services: services, Kinds: model.InboxKinds, States: model.InboxStates,
		Page: page, Pages: (total + inboxPageSize - 1) / inboxPageSize, Bulk: console.BulkActions, Lead: console.InboxVisibility(m) == nil}
	more := total < 0 && len(items) > inboxPageSize
	if more {
		items = items[:inboxPageSize]
	}
	for _, it := range items {
		d.Items = append(d.Items, rowOf(it, now))
	}
	if total < 0 {
		d.Pages = page
		if more {
			d.Pages = page + 1
		}
	}
	link := func(p int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(p))
		return "?" + v.Encode()
	}
	if page > 1 {
		d.Prev = link(page - 1)
	}
	if page < d.Pages {
		d.Next = link(page + 1)
	}
	h.renderStaff(w, r, http.StatusOK, "console/inbox", "console.inbox.title", d, nil)
	return nil
}

func (h *Handler) inboxBulk(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	n, err := h.app.Console.Bulk(r.Context(), acct, org, f.Values["id"], f.Value("action"), f.Value("bulk_service"))
	var fe *model.FieldError
	if errors.As(err, &fe) {
		h.flash(w, fe.Code)
		redirect(w, r, "/admin/"+org.Handle+"/inbox")
		return nil
	}
	if err != nil {
		return err
	}
	h.flash(w, "console.flash.bulk")
	_ = n
	back := "/admin/" + org.Handle + "/inbox"
	if ret := f.Value("return"); strings.HasPrefix(ret, "?") && sameSitePath("/"+ret) {
		back += ret
	}
	redirect(w, r, back)
	return nil
}

// itemView is an item's page.
type itemView struct {
	console.ItemPage
	Row       inboxRow
	As        []asOption
	Reply     *Form
	Note      *Form
	Conflict  *model.InboxItem // a colleague changed the item first
	Unknown   string           // the unknown placeholder refused
	States    []model.InboxState
	Moderates bool // the viewer may open the moderation case
	CanReply  bool
}

func (h *Handler) itemData(r *http.Request) (*itemView, error) {
	m, _ := membershipFrom(r.Context())
	org, _ := orgFrom(r.Context())
	page, err := h.app.Console.OpenItemPage(r.Context(), m.AccountID, org.ID, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	file := page.ItemFile
	d := &itemView{ItemPage: page, Row: rowOf(file.Item, h.app.Now()), Reply: emptyForm(), Note: emptyForm(),
		States: model.InboxStates, Moderates: may(m, policy.ModerationDecide)}
	d.CanReply = file.Item.Kind.Request() || (!file.Item.Kind.Moderation() && file.Comment != nil)
	if file.Comment != nil {
		d.As = h.answerOptions(org, m, page.Services)
	}
	d.Reply.Values.Set("version", strconv.Itoa(file.Item.Version))
	return d, nil
}

func (h *Handler) inboxItem(w http.ResponseWriter, r *http.Request) error {
	d, err := h.itemData(r)
	if err != nil {
		return err
	}
	if id := r.URL.Query().Get("modele"); id != "" {
		org, _ := orgFrom(r.Context())
		acct, _ := accountFrom(r.Context())
		sr, err := h.app.Console.SavedReply(r.Context(), acct.ID, org.ID, id)
		if err != nil {
			return err
		}
		d.Reply.Values.Set("body", h.expand(r, d, sr.Body))
	}
	h.renderStaff(w, r, http.StatusOK, "console/item", "console.item.title", d, nil)
	return nil
}

// expand fills a saved reply's placeholders for the item.
func (h *Handler) expand(r *http.Request, d *itemView, text string) string {
	org, _ := orgFrom(r.Context())
	sched, _, err := h.app.Console.Schedule(r.Context(), nil, org.ID)
	hours := ""
	if err == nil {
		hours = h.app.Console.HoursText(lang(r), sched)
	}
	service := org.Name
	if d.Item.ServiceName != "" {
		service = d.Item.ServiceName
	}
	ref := ""
	if d.Request != nil {
		ref = d.Request.Reference
	}
	return console.Expand(text, map[string]string{"nom": d.Item.AuthorName, "service": service, "horaires": hours,
		"organisation": org.Name, "reference": ref})
}

func (h *Handler) itemRefused(w http.ResponseWriter, r *http.Request, err error, reply, note *Form) error {
	d, derr := h.itemData(r)
	if derr != nil {
		return derr
	}
	var conflict *console.ConflictError
	var ph *console.PlaceholderError
	status := http.StatusUnprocessableEntity
	target := reply
	if target == nil {
		target = note
	}
	switch {
	case errors.As(err, &conflict):
		status = http.StatusConflict
		d.Conflict = &conflict.Item
		target.General = "console.error.conflict"
		// The person's draft stays; the version moves on to what they now see.
		target.Values.Set("version", strconv.Itoa(conflict.Item.Version))
	case errors.As(err, &ph):
		target.Set("body", "console.error.placeholder")
		d.Unknown = ph.Name
	case target.Absorb(err):
	default:
		return err
	}
	if reply != nil {
		d.Reply = reply
	}
	if note != nil {
		d.Note = note
	}
	h.renderStaff(w, r, status, "console/item", "console.item.title", d, nil)
	return nil
}

func (h *Handler) itemPath(r *http.Request) string {
	org, _ := orgFrom(r.Context())
	return "/admin/" + org.Handle + "/inbox/" + r.PathValue("id")
}

func (h *Handler) inboxReply(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	version, _ := strconv.Atoi(f.Value("version"))
	err = h.app.Console.Reply(r.Context(), acct, org, r.PathValue("id"), console.ReplyInput{Version: version, Body: f.Value("body"),
		As: f.Value("as"), Then: model.InboxState(f.Value("then")), IdemKey: f.Value("idem")})
	if err != nil {
		return h.itemRefused(w, r, err, f, nil)
	}
	h.flash(w, "console.flash.replied")
	redirect(w, r, h.itemPath(r))
	return nil
}

func (h *Handler) inboxAssign(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	version, _ := strconv.Atoi(f.Value("version"))
	assignee := f.Value("assignee")
	if assignee == "me" {
		assignee = acct.ID
	}
	err = h.app.Console.Assign(r.Context(), acct, org, r.PathValue("id"), version, f.Value("service"), assignee)
	if err != nil {
		return h.itemRefused(w, r, err, nil, f)
	}
	h.flash(w, "console.flash.assigned")
	redirect(w, r, h.itemPath(r))
	return nil
}

func (h *Handler) inboxState(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	version, _ := strconv.Atoi(f.Value("version"))
	err = h.app.Console.SetState(r.Context(), acct, org, r.PathValue("id"), version, model.InboxState(f.Value("state")))
	if err != nil {
		return h.itemRefused(w, r, err, nil, f)
	}
	h.flash(w, "console.flash.state")
	redirect(w, r, h.itemPath(r))
	return nil
}

func (h *Handler) inboxNote(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	if err := h.app.Console.AddNote(r.Context(), acct, org, r.PathValue("id"), f.Value("note")); err != nil {
		return h.itemRefused(w, r, err, nil, f)
	}
	h.flash(w, "console.flash.note")
	redirect(w, r, h.itemPath(r)+"#history")
	return nil
}

// inboxAttachHeld joins a resident's e-mail held for coming from another
// address to the item's thread (docs/CONSOLE.md, "Réponses par courriel").
func (h *Handler) inboxAttachHeld(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	if err := h.app.Console.AttachHeldReply(r.Context(), acct, org, r.PathValue("id"), r.PathValue("event")); err != nil {
		return err
	}
	h.flash(w, "console.flash.held_attached")
	redirect(w, r, h.itemPath(r)+"#history")
	return nil
}

// repliesView is the saved replies page.
type repliesView struct {
	Replies      []model.SavedReply
	Services     []model.Service
	Placeholders []string
	Unknown      string
	Editing      string
}

func (h *Handler) renderReplies(w http.ResponseWriter, r *http.Request, status int, f *Form, unknown string) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	d := repliesView{Placeholders: console.Placeholders, Unknown: unknown, Editing: f.Value("id")}
	var err error
	if d.Replies, d.Services, err = h.app.Console.SavedReplies(r.Context(), acct.ID, org.ID); err != nil {
		return err
	}
	h.renderStaff(w, r, status, "console/replies", "console.replies.title", d, f)
	return nil
}

func (h *Handler) savedReplies(w http.ResponseWriter, r *http.Request) error {
	f := emptyForm()
	if id := r.URL.Query().Get("edit"); id != "" {
		org, _ := orgFrom(r.Context())
		acct, _ := accountFrom(r.Context())
		sr, err := h.app.Console.SavedReply(r.Context(), acct.ID, org.ID, id)
		if err != nil {
			return err
		}
		f.Values = url.Values{"id": {sr.ID}, "title": {sr.Title}, "body": {sr.Body}, "service": {sr.ServiceID}}
	}
	return h.renderReplies(w, r, http.StatusOK, f, "")
}

func (h *Handler) saveReply(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	_, err = h.app.Console.SaveReply(r.Context(), acct, org.ID, f.Value("id"), f.Value("service"), f.Value("title"), f.Value("body"))
	var ph *console.PlaceholderError
	if errors.As(err, &ph) {
		f.Set("body", "console.error.placeholder")
		return h.renderReplies(w, r, http.StatusUnprocessableEntity, f, ph.Name)
	}
	if f.Absorb(err) {
		return h.renderReplies(w, r, http.StatusUnprocessableEntity, f, "")
	}
	if err != nil {
		return err
	}
	h.flash(w, "console.flash.reply_saved")
	redirect(w, r, "/admin/"+org.Handle+"/saved-replies")
	return nil
}

func (h *Handler) deleteReply(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	if err := h.app.Console.DeleteReply(r.Context(), acct, org.ID, r.PathValue("id")); err != nil && !errors.Is(err, model.ErrNotFound) {
		return err
	}
	h.flash(w, "console.flash.reply_deleted")
	redirect(w, r, "/admin/"+org.Handle+"/saved-replies")
	return nil
}

// hoursView is the office hours page.
type hoursView struct {
	Days     []hoursDay
	Closures []model.OfficeClosure
	Closure  *Form
	Holidays []officehours.Holiday
	Year     int
	Settings model.ConsoleSettings
}

type hoursDay struct {
	Weekday time.Weekday
	Field   string
}

func (h *Handler) renderHours(w http.ResponseWriter, r *http.Request, status int, f, closure *Form) error {
	org, _ := orgFrom(r.Context())
	sched, settings, err := h.app.Console.Schedule(r.Context(), nil, org.ID)
	if err != nil {
		return err
	}
	now := h.app.Now().In(paris)
	acct, _ := accountFrom(r.Context())
	closures, err := h.app.Console.OfficeClosures(r.Context(), acct.ID, org.ID, now.Format("2006-01-02"))
	if err != nil {
		return err
	}
	d := hoursView{Closures: closures, Closure: closure, Year: now.Year(), Holidays: officehours.FrenchHolidays(now.Year()), Settings: settings}
	if f == nil {
		f = emptyForm()
		for _, wd := range console.WeekdayOrder {
			f.Values.Set("day"+strconv.Itoa(int(wd)), officehours.EditSpans(sched.Week[wd]))
		}
	}
	if d.Closure == nil {
		d.Closure = emptyForm()
	}
	for _, wd := range console.WeekdayOrder {
		d.Days = append(d.Days, hoursDay{Weekday: wd, Field: "day" + strconv.Itoa(int(wd))})
	}
	h.renderStaff(w, r, status, "console/hours", "console.hours.title", d, f)
	return nil
}

func (h *Handler) officeHours(w http.ResponseWriter, r *http.Request) error {
	return h.renderHours(w, r, http.StatusOK, nil, nil)
}

func (h *Handler) saveOfficeHours(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	days := map[time.Weekday]string{}
	for _, wd := range console.WeekdayOrder {
		days[wd] = f.Value("day" + strconv.Itoa(int(wd)))
	}
	err = h.app.Console.SaveOfficeHours(r.Context(), acct, org.ID, days)
	if f.Absorb(err) {
		return h.renderHours(w, r, http.StatusUnprocessableEntity, f, nil)
	}
	if err != nil {
		return err
	}
	h.flash(w, "console.flash.hours")
	redirect(w, r, "/admin/"+org.Handle+"/office-hours")
	return nil
}

func (h *Handler) addClosure(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	err = h.app.Console.AddClosure(r.Context(), acct, org.ID, f.Value("starts_on"), f.Value("ends_on"), f.Value("label"))
	if f.Absorb(err) {
		return h.renderHours(w, r, http.StatusUnprocessableEntity, nil, f)
	}
	if err != nil {
		return err
	}
	h.flash(w, "console.flash.closure")
	redirect(w, r, "/admin/"+org.Handle+"/office-hours")
	return nil
}

func (h *Handler) deleteClosure(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	if err := h.app.Console.DeleteClosure(r.Context(), acct, org.ID, r.PathValue("id")); err != nil && !errors.Is(err, model.ErrNotFound) {
		return err
	}
	redirect(w, r, "/admin/"+org.Handle+"/office-hours")
	return nil
}

// routingView is the routing rules page.
type routingView struct {
	console.RoutingChoices
	Names map[string]string // topic and neighbourhood ids → names
}

func (h *Handler) renderRouting(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	org, _ := orgFrom(r.Context())
	ctx := r.Context()
	acct, _ := accountFrom(ctx)
	choices, err := h.app.Console.RoutingChoices(ctx, acct.ID, org.ID)
	if err != nil {
		return err
	}
	d := routingView{RoutingChoices: choices, Names: map[string]string{}}
	for _, t := range d.Topics {
		d.Names[t.ID] = t.Name
	}
	for _, n := range d.Neighbourhoods {
		d.Names[n.ID] = n.Name
	}
	h.renderStaff(w, r, status, "console/routing", "console.routing.title", d, f)
	return nil
}

func (h *Handler) routing(w http.ResponseWriter, r *http.Request) error {
	return h.renderRouting(w, r, http.StatusOK, emptyForm())
}

func (h *Handler) addRule(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	kind := f.Value("kind")
	value := f.Value("keyword")
	switch kind {
	case "topic":
		value = f.Value("topic")
	case "neighbourhood":
		value = f.Value("neighbourhood")
	}
	err = h.app.Console.AddRoutingRule(r.Context(), acct, org.ID, kind, value, f.Value("service"))
	if f.Absorb(err) {
		return h.renderRouting(w, r, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	h.flash(w, "console.flash.rule")
	redirect(w, r, "/admin/"+org.Handle+"/routing")
	return nil
}

func (h *Handler) deleteRule(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	if err := h.app.Console.DeleteRoutingRule(r.Context(), acct, org.ID, r.PathValue("id")); err != nil && !errors.Is(err, model.ErrNotFound) {
		return err
	}
	redirect(w, r, "/admin/"+org.Handle+"/routing")
	return nil
}

func (h *Handler) renderConsoleSettings(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	h.renderStaff(w, r, status, "console/settings", "console.settings.title", nil, f)
	return nil
}

func (h *Handler) consoleSettings(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	s, err := h.app.Console.ConsoleSettings(r.Context(), org.ID)
	if err != nil {
		return err
	}
	f := emptyForm()
	f.Values = url.Values{"oncall_phone": {s.OnCallPhone}, "oncall_email": {s.OnCallEmail},
		"urgent_words": {strings.Join(s.UrgentWords, "\n")}, "legal_months": {strconv.Itoa(s.LegalMonths)},
		"target_hours": {strconv.Itoa(s.TargetHours)}, "hourly_cost": {strconv.FormatFloat(float64(s.HourlyCostCents)/100, 'f', 2, 64)}}
	if s.Holidays {
		f.Values.Set("holidays", "1")
	}
	return h.renderConsoleSettings(w, r, http.StatusOK, f)
}

func (h *Handler) saveConsoleSettings(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	err = h.app.Console.SaveConsoleSettings(r.Context(), acct, org.ID, console.ConsoleSettingsInput{Holidays: f.Value("holidays") == "1",
		OnCallPhone: f.Value("oncall_phone"), OnCallMail: f.Value("oncall_email"), UrgentWords: f.Value("urgent_words"),
		LegalMonths: f.Value("legal_months"), TargetHours: f.Value("target_hours"), HourlyCost: f.Value("hourly_cost")})
	if f.Absorb(err) {
		return h.renderConsoleSettings(w, r, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	h.flash(w, "console.flash.settings")
	redirect(w, r, "/admin/"+org.Handle+"/console-settings")
	return nil
}

// figuresView is the workload page.
type figuresView struct {
	console.Figures
	Month string // the previous month, for the cost report link
	This  string
}

func (h *Handler) figures(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	now := h.app.Now()
	f, err := h.app.Console.Figures(r.Context(), actorID(r), org, now)
	if err != nil {
		return err
	}
	local := now.In(paris)
	d := figuresView{Figures: f, This: local.Format("2006-01"),
		Month: time.Date(local.Year(), local.Month()-1, 1, 0, 0, 0, 0, paris).Format("2006-01")}
	h.renderStaff(w, r, http.StatusOK, "console/figures", "console.figures.title", d, nil)
	return nil
}

// costView is the monthly cost report.
type costView struct {
	console.CostReport
	MonthName string
}

func (h *Handler) costReport(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	month := r.URL.Query().Get("mois")
	t, err := time.ParseInLocation("2006-01", month, paris)
	if err != nil {
		t = h.app.Now().In(paris)
	}
	rep, err := h.app.Console.MonthlyCost(r.Context(), actorID(r), org, t.Year(), t.Month())
	if err != nil {
		return err
	}
	h.renderStaff(w, r, http.StatusOK, "console/cost", "console.cost.title", costView{CostReport: rep, MonthName: monthLabel(lang(r), t)}, nil)
	return nil
}

// MonthName names t's month in the page's language.
func (v *View) MonthName(t time.Time) string { return monthLabel(v.Lang, t.In(paris)) }

// Hours formats a duration of open time ("1 h 30").
func (v *View) Hours(d time.Duration) string { return console.FormatOpenDuration(v.Lang, d) }

// Euros formats cents as "1 234,50 €".
func (v *View) Euros(cents int) string {
	s := strconv.Itoa(cents / 100)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u202f')
		}
		b.WriteRune(c)
	}
	return fmt.Sprintf("%s,%02d\u00a0€", b.String(), cents%100)
}

// Decimal formats a number with one decimal, the French way.
func (v *View) Decimal(x float64) string { return v.Decimals(x, 1) }

// Weekday names a weekday in the page's language.
func (v *View) Weekday(d time.Weekday) string { return v.T("console.weekday." + strconv.Itoa(int(d))) }
