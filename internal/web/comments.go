package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/debate"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/reqinfo"
)

// debateSiteRoutes registers the public side of the debate on the
// organisation's site mux (docs/DEBATE.md).
func (h *Handler) debateSiteRoutes(site *http.ServeMux) {
	site.Handle("GET /{org}/p/{slug}/commentaires", h.cachedPage(h.commentThread))
	site.Handle("POST /{org}/p/{slug}/commentaires", h.orgResident(h.postComment))
	site.Handle("GET /{org}/p/{slug}/commentaires/{id}/modifier", h.orgResident(h.editCommentForm))
	site.Handle("POST /{org}/p/{slug}/commentaires/{id}/modifier", h.orgResident(h.editComment))
	site.Handle("POST /{org}/p/{slug}/commentaires/{id}/supprimer", h.orgResident(h.withdrawComment))
	site.Handle("POST /{org}/p/{slug}/commentaires/{id}/utile", h.orgResident(h.usefulComment))
	site.Handle("POST /{org}/p/{slug}/commentaires/{id}/officielle", h.orgResident(h.officialComment))
	site.Handle("POST /{org}/p/{slug}/commentaires/{id}/examen", h.orgResident(h.requestReview))
	site.Handle("GET /{org}/p/{slug}/commentaires/{id}/signaler", h.orgPage(h.reportForm))
	site.Handle("POST /{org}/p/{slug}/commentaires/{id}/signaler", h.orgPage(h.report))
	site.Handle("POST /{org}/p/{slug}/suivre-discussion", h.orgResident(h.followDiscussion))
	site.Handle("GET /{org}/commentaires/{id}/contester", h.orgResident(h.appealForm))
	site.Handle("POST /{org}/commentaires/{id}/contester", h.orgResident(h.appeal))
	site.Handle("GET /{org}/charte", h.orgPage(h.charterPage))
	site.Handle("GET /{org}/transparence", h.orgPage(h.transparencyNow))
	site.Handle("GET /{org}/transparence/{year}", h.orgPage(h.transparencyPage))
}

// orgResident is orgPage for a signed-in person.
func (h *Handler) orgResident(fn handlerFunc) http.Handler {
	return h.signedIn(func(w http.ResponseWriter, r *http.Request) error {
		org, err := h.app.OrganisationByHandle(r.Context(), r.PathValue("org"))
		if err != nil {
			return err
		}
		return fn(w, r.WithContext(withOrg(r.Context(), org)))
	})
}

// commentItem is one comment as a given reader sees it (app.CommentThread
// applies the visibility rules).
type commentItem = debate.ThreadComment

// asOption is one identity a staff member may answer under.
type asOption struct {
	Value, Label string
}

// commentSection is everything the "comments" partial shows. Built by one
// call (commentSection) in a constant number of queries, whatever the
// number of comments.
type commentSection struct {
	Org       model.Organisation
	Pub       model.Publication
	Base      string // /{org}/p/{slug}/commentaires
	Mode      model.ModerationMode
	OwnMode   model.ModerationMode
	Charter   []string
	Threads   []commentItem
	Count     int
	SignedIn  bool
	Verified  bool
	Staff     bool
	Lead      bool // may change the publication's mode and pin answers
	As        []asOption
	Form      *Form  // the posting form being re-displayed, if any
	FormFor   string // "" for a new comment, else the parent's id
	Token     string // idempotency token of this render
	RateUntil string // when a rate-limited author may post again
	Modes     []model.ModerationMode
	// Avail tells a signed-in resident, out of office hours, when the team
	// answers and what to do in an emergency (the console).
	Avail *availabilityNotice
	// Threads are shown a page at a time: a page of 500 comments would
	// weigh 300 KB on a phone. Page counts from 1; Pages is the number of pages.
	Page, Pages int
	OnThread    bool // the thread page (else the publication page)
	// Following: the signed-in resident gets new comments by e-mail
	// (docs/EMAIL.md); offered to verified accounts only.
	Following bool
}

// Comment pages: the publication page shows the first threads, the thread
// page all of them, a page at a time.
const (
	threadsOnPublication = 30
	threadsPerPage       = 100
)

// PageLink is the URL of comment page n.
func (s *commentSection) PageLink(n int) string {
	if n <= 1 {
		return s.Base + "#commentaires"
	}
	return s.Base + "?page=" + strconv.Itoa(n) + "#commentaires"
}

// Prev and Next are the neighbouring page numbers.
func (s *commentSection) Prev() int { return s.Page - 1 }
func (s *commentSection) Next() int { return s.Page + 1 }

// paginate keeps the threads of the requested page.
func (s *commentSection) paginate(page, per int) {
	s.Pages = max(1, (len(s.Threads)+per-1)/per)
	s.Page = min(max(page, 1), s.Pages)
	from := (s.Page - 1) * per
	s.Threads = s.Threads[from:min(from+per, len(s.Threads))]
}

// Reply reports whether the re-displayed form is the reply form of id.
func (s *commentSection) FormOf(id string) *Form {
	if s.Form != nil && s.FormFor == id {
		return s.Form
	}
	return emptyForm()
}

// commentPublication returns the organisation's published publication {slug}.
func (h *Handler) commentPublication(r *http.Request) (model.Organisation, model.Publication, error) {
	org, _ := orgFrom(r.Context())
	p, err := h.app.Publishing.PublishedPublication(r.Context(), org.ID, r.PathValue("slug"))
	return org, p, err
}

// CommentSection builds a publication's comment section for the request's
// reader; the publication page includes it with one template line.
func (h *Handler) commentSection(r *http.Request, org model.Organisation, pub model.Publication) (*commentSection, error) {
	ctx := r.Context()
	var reader *model.Account
	acct, signed := accountFrom(ctx)
	if signed {
		reader = &acct
	}
	th, err := h.app.Debate.CommentThread(ctx, reader, org.ID, pub)
	if err != nil {
		return nil, err
	}
	s := &commentSection{Org: org, Pub: pub, Base: "/" + org.Handle + "/p/" + pub.Slug + "/commentaires", Mode: th.Mode,
		OwnMode: th.OwnMode, Charter: th.Settings.Charter, Modes: model.ModerationModes,
		Threads: th.Threads, Count: th.Count, Following: th.Following}
	if signed {
		s.SignedIn, s.Verified = true, acct.Verified()
		if s.Avail, err = h.availability(r, org.ID); err != nil {
			return nil, err
		}
		s.Token, _ = core.NewSecret()
		if th.Staff != nil {
			s.Staff, s.Lead = true, th.Lead
			s.As = h.asOptions(org, th.Lead, th.AnswerServices)
		}
	}
	if r.PathValue("id") == "" && strings.HasSuffix(r.URL.Path, "/commentaires") {
		s.OnThread = true
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if id := r.URL.Query().Get("c"); id != "" {
			// Back from an action on comment id: open the page holding it.
			for i, t := range s.Threads {
				if t.ID == id || slices.ContainsFunc(t.Replies, func(c commentItem) bool { return c.ID == id }) {
					page = i/threadsPerPage + 1
				}
			}
		}
		s.paginate(page, threadsPerPage)
	} else {
		s.paginate(1, threadsOnPublication)
	}
	return s, nil
}

// answerOptions lists the identities staff member m may answer under,
// among the organisation's services.
func (h *Handler) answerOptions(org model.Organisation, m model.Membership, services []model.Service) []asOption {
	lead := policy.Wide(m, policy.CommentAnswer)
	var mine []model.Service
	for _, s := range services {
		if lead || slices.Contains(m.ServiceIDs, s.ID) {
			mine = append(mine, s)
		}
	}
	return h.asOptions(org, lead, mine)
}

// asOptions labels the identities a staff member answers under: the
// organisation for whom answers for all of it, then their services.
func (h *Handler) asOptions(org model.Organisation, lead bool, services []model.Service) []asOption {
	var out []asOption
	if lead {
		out = append(out, asOption{Value: "org", Label: org.Name})
	}
	for _, s := range services {
		out = append(out, asOption{Value: s.ID, Label: h.cat.T("fr", "debate.staff_label.service", s.Name, org.Name)})
	}
	return out
}

// threadView is the data of the thread page.
type threadView struct {
	S *commentSection
}

func (h *Handler) renderThread(w http.ResponseWriter, r *http.Request, status int, s *commentSection) {
	v := h.view(r, "", threadView{S: s})
	v.Title = s.Pub.Title
	if s.SignedIn {
		noStore(w)
	}
	h.render(w, r, status, "debate/thread", v)
}

// commentThread is the publication's comment page.
func (h *Handler) commentThread(w http.ResponseWriter, r *http.Request) error {
	org, pub, err := h.commentPublication(r)
	if err != nil {
		return err
	}
	s, err := h.commentSection(r, org, pub)
	if err != nil {
		return err
	}
	h.renderThread(w, r, http.StatusOK, s)
	return nil
}

// postComment publishes, holds or refuses a comment, then shows the thread.
func (h *Handler) postComment(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	org, pub, err := h.commentPublication(r)
	if err != nil {
		return err
	}
	acct, _ := accountFrom(r.Context())
	parent := f.Value("parent")
	key := f.Value("idem")
	if key != "" {
		key += "/" + parent
	}
	res, err := h.app.Debate.PostComment(r.Context(), debate.NewComment{Org: org, Publication: pub, Author: acct, ParentID: parent,
		Body: f.Value("body"), As: f.Value("as"), IdemKey: key, Question: f.Value("question") == "1"})
	if err != nil {
		return h.commentRefused(w, r, org, pub, f, parent, err)
	}
	c := res.Comment
	switch c.Status {
	case model.CommentHeld:
		h.flash(w, "debate.flash.held")
	case model.CommentRejected:
		h.flash(w, "debate.flash.rejected")
	default:
		h.flash(w, "debate.flash.published")
	}
	redirect(w, r, "/"+org.Handle+"/p/"+pub.Slug+"/commentaires?c="+c.ID+"#c-"+c.ID)
	return nil
}

// commentRefused shows the thread again with the author's text and why it
// was refused, beside the form they used.
func (h *Handler) commentRefused(w http.ResponseWriter, r *http.Request, org model.Organisation, pub model.Publication, f *Form, parent string, err error) error {
	status := http.StatusUnprocessableEntity
	var rate *debate.RateError
	var sanction *debate.SanctionError
	s, serr := h.commentSection(r, org, pub)
	if serr != nil {
		return serr
	}
	switch {
	case errors.As(err, &rate):
		status = http.StatusTooManyRequests
		if rate.NewAccount {
			f.General = "debate.error.rate_new"
		} else {
			f.General = "debate.error.rate"
		}
		s.RateUntil = formatDate(lang(r), rate.At, true)
		if rate.At.Sub(h.app.Now()) < 24*time.Hour {
			s.RateUntil = formatClock(lang(r), rate.At)
		}
	case errors.As(err, &sanction):
		status = http.StatusForbidden
		f.General = "debate.error.muted"
		if sanction.Sanction.Kind == "ban" {
			f.General = "debate.error.banned"
		} else if sanction.Sanction.Until != nil {
			s.RateUntil = formatDate(lang(r), *sanction.Sanction.Until, true)
		}
	case errors.Is(err, debate.ErrCommentsClosed):
		status, f.General = http.StatusForbidden, "debate.error.closed"
	case errors.Is(err, debate.ErrVerifyFirst):
		status, f.General = http.StatusForbidden, "debate.error.verify"
	case f.Absorb(err):
	default:
		return err
	}
	if f.General == "" {
		f.General = "form.has_errors"
	}
	s.Form, s.FormFor = f, ""
	for _, t := range s.Threads {
		// The reply form exists only under a published comment; otherwise
		// the message and the text go to the main form.
		if t.ID == parent && t.Status == model.CommentPublished {
			s.FormFor = parent
		}
	}
	h.renderThread(w, r, status, s)
	return nil
}

// formatClock writes "14 h 32" or "14:32" in Europe/Paris.
func formatClock(l string, t time.Time) string {
	t = t.In(paris)
	if l == "en" {
		return t.Format("15:04")
	}
	return t.Format("15 h 04")
}

// commentOf loads the comment {id} of the publication {slug}.
func (h *Handler) commentOf(r *http.Request) (model.Organisation, model.Publication, model.Comment, error) {
	org, pub, err := h.commentPublication(r)
	if err != nil {
		return org, pub, model.Comment{}, err
	}
	c, err := h.app.PublicationComment(r.Context(), org.ID, pub.ID, r.PathValue("id"))
	return org, pub, c, err
}

// editView is the edit form's data.
type editView struct {
	Comment model.Comment
	Base    string
	Until   string
	Reasons []string
}

func (h *Handler) editCommentForm(w http.ResponseWriter, r *http.Request) error {
	org, pub, c, err := h.commentOf(r)
	if err != nil {
		return err
	}
	acct, _ := accountFrom(r.Context())
	if c.AccountID != acct.ID {
		return model.ErrForbidden
	}
	f := &Form{Values: url.Values{"body": {c.Body}}, Errors: map[string]string{}}
	return h.renderEdit(w, r, http.StatusOK, org, pub, c, f, nil)
}

func (h *Handler) renderEdit(w http.ResponseWriter, r *http.Request, status int, org model.Organisation, pub model.Publication, c model.Comment, f *Form, reasons []string) error {
	d := editView{Comment: c, Base: "/" + org.Handle + "/p/" + pub.Slug + "/commentaires", Reasons: reasons,
		Until: formatClock(lang(r), c.CreatedAt.Add(debate.EditWindow))}
	if h.app.Now().Sub(c.CreatedAt) > debate.EditWindow && f.Error("body") == "" {
		f.Set("body", "debate.error.edit_late")
	}
	v := h.view(r, "debate.edit.title", d)
	v.Form, v.NoIndex = f, true
	noStore(w)
	h.render(w, r, status, "debate/edit", v)
	return nil
}

func (h *Handler) editComment(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	org, pub, c, err := h.commentOf(r)
	if err != nil {
		return err
	}
	acct, _ := accountFrom(r.Context())
	_, err = h.app.Debate.EditComment(r.Context(), org, acct, c.ID, f.Value("body"))
	var rej *debate.ScreenRejectedError
	if errors.As(err, &rej) {
		f.Set("body", "debate.error.edit_rejected")
		return h.renderEdit(w, r, http.StatusUnprocessableEntity, org, pub, c, f, rej.Reasons)
	}
	if f.Absorb(err) {
		return h.renderEdit(w, r, http.StatusUnprocessableEntity, org, pub, c, f, nil)
	}
	if err != nil {
		return err
	}
	h.flash(w, "debate.flash.edited")
	redirect(w, r, "/"+org.Handle+"/p/"+pub.Slug+"/commentaires?c="+c.ID+"#c-"+c.ID)
	return nil
}

// afterAction returns to the comment in its thread.
func (h *Handler) afterAction(w http.ResponseWriter, r *http.Request, org model.Organisation, pub model.Publication, id, flash string) {
	if flash != "" {
		h.flash(w, flash)
	}
	redirect(w, r, "/"+org.Handle+"/p/"+pub.Slug+"/commentaires?c="+id+"#c-"+id)
}

// followDiscussion follows (follow=1) or stops following a publication's
// comments by e-mail: a plain form, so it works without JavaScript.
func (h *Handler) followDiscussion(w http.ResponseWriter, r *http.Request) error {
	org, pub, err := h.commentPublication(r)
	if err != nil {
		return err
	}
	acct, _ := accountFrom(r.Context())
	on := r.PostFormValue("follow") == "1"
	if err := h.app.Mailing.FollowThread(r.Context(), acct, org.ID, pub.ID, on); err != nil {
		return err
	}
	flash := "debate.follow.done"
	if !on {
		flash = "debate.follow.stopped"
	}
	h.flash(w, flash)
	redirect(w, r, "/"+org.Handle+"/p/"+pub.Slug+"#commentaires")
	return nil
}

func (h *Handler) withdrawComment(w http.ResponseWriter, r *http.Request) error {
	org, pub, c, err := h.commentOf(r)
	if err != nil {
		return err
	}
	acct, _ := accountFrom(r.Context())
	if err := h.app.Debate.WithdrawComment(r.Context(), org, acct, c.ID); err != nil {
		return err
	}
	h.afterAction(w, r, org, pub, c.ID, "debate.flash.withdrawn")
	return nil
}

func (h *Handler) usefulComment(w http.ResponseWriter, r *http.Request) error {
	org, pub, c, err := h.commentOf(r)
	if err != nil {
		return err
	}
	acct, _ := accountFrom(r.Context())
	if err := h.app.Debate.MarkUseful(r.Context(), org, acct, c.ID, r.PostFormValue("on") != "0"); err != nil {
		return err
	}
	h.afterAction(w, r, org, pub, c.ID, "")
	return nil
}

func (h *Handler) officialComment(w http.ResponseWriter, r *http.Request) error {
	org, pub, c, err := h.commentOf(r)
	if err != nil {
		return err
	}
	acct, _ := accountFrom(r.Context())
	on := r.PostFormValue("on") != "0"
	if err := h.app.Debate.SetOfficial(r.Context(), org, acct, c.ID, on); err != nil {
		return err
	}
	flash := "debate.flash.official"
	if !on {
		flash = "debate.flash.unofficial"
	}
	h.afterAction(w, r, org, pub, c.ID, flash)
	return nil
}

func (h *Handler) requestReview(w http.ResponseWriter, r *http.Request) error {
	org, pub, c, err := h.commentOf(r)
	if err != nil {
		return err
	}
	acct, _ := accountFrom(r.Context())
	if err := h.app.Debate.RequestReview(r.Context(), org, acct, c.ID); err != nil {
		return err
	}
	h.afterAction(w, r, org, pub, c.ID, "debate.flash.review_requested")
	return nil
}

// reportView is the report form's data.
type reportView struct {
	Comment model.Comment
	Pub     model.Publication
	Base    string
	Rules   []ruleOption
	Grounds []string
}

// ruleOption is a numbered charter rule in a form.
type ruleOption struct {
	N    int
	Text string
}

// ruleOptions numbers the charter's rules.
func ruleOptions(charter []string) []ruleOption {
	out := make([]ruleOption, len(charter))
	for i, r := range charter {
		out[i] = ruleOption{N: i + 1, Text: r}
	}
	return out
}

func (h *Handler) reportForm(w http.ResponseWriter, r *http.Request) error {
	return h.renderReport(w, r, http.StatusOK, emptyForm())
}

func (h *Handler) renderReport(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	org, pub, c, err := h.commentOf(r)
	if err != nil {
		return err
	}
	if c.Status != model.CommentPublished && c.Status != model.CommentHidden {
		return model.ErrNotFound
	}
	settings, err := h.app.Debate.DebateSettings(r.Context(), org.ID)
	if err != nil {
		return err
	}
	d := reportView{Comment: c, Pub: pub, Base: "/" + org.Handle + "/p/" + pub.Slug + "/commentaires", Rules: ruleOptions(settings.Charter),
		Grounds: debate.LegalGrounds}
	v := h.view(r, "debate.report.title", d)
	v.Form, v.NoIndex = f, true
	h.render(w, r, status, "debate/report", v)
	return nil
}

func (h *Handler) report(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	org, pub, c, err := h.commentOf(r)
	if err != nil {
		return err
	}
	in := debate.NewReport{Org: org, CommentID: c.ID, Email: f.Value("email"), Reason: f.Value("reason"),
		LegalGround: f.Value("legal_ground"), Explanation: f.Value("explanation"), Lang: lang(r), IP: reqinfo.ClientIP(r)}
	if acct, ok := accountFrom(r.Context()); ok {
		in.Reporter = &acct
	}
	res, err := h.app.Debate.ReportComment(r.Context(), in)
	var limited *core.FormLimitError
	if errors.As(err, &limited) {
		f.General = "forms.error.too_many"
		w.Header().Set("Retry-After", strconv.Itoa(int(limited.Wait.Seconds())))
		return h.renderReport(w, r, http.StatusTooManyRequests, f)
	}
	if f.Absorb(err) {
		return h.renderReport(w, r, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	flash := "debate.flash.reported"
	if res.Duplicate {
		flash = "debate.flash.reported_again"
	}
	h.afterAction(w, r, org, pub, c.ID, flash)
	return nil
}

// appealView is the appeal form's data.
type appealView struct {
	Comment  model.Comment
	Decision model.Decision
	Problem  string // catalogue key when no appeal is possible
}

func (h *Handler) appealForm(w http.ResponseWriter, r *http.Request) error {
	return h.renderAppeal(w, r, http.StatusOK, emptyForm())
}

func (h *Handler) renderAppeal(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	c, d, err := h.app.Debate.Appealable(r.Context(), org, acct, r.PathValue("id"))
	data := appealView{Comment: c, Decision: d}
	switch {
	case errors.Is(err, model.ErrConflict):
		data.Problem = "debate.appeal.already"
	case errors.Is(err, model.ErrExpired):
		data.Problem = "debate.appeal.expired"
	case errors.Is(err, model.ErrNotFound) && c.ID != "":
		data.Problem = "debate.appeal.nothing"
	case err != nil:
		return err
	}
	v := h.view(r, "debate.appeal.title", data)
	v.Form, v.NoIndex = f, true
	noStore(w)
	h.render(w, r, status, "debate/appeal", v)
	return nil
}

func (h *Handler) appeal(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	err = h.app.Debate.Appeal(r.Context(), org, acct, r.PathValue("id"), f.Value("text"))
	if f.Absorb(err) {
		return h.renderAppeal(w, r, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "account/notice", h.view(r, "debate.appeal.title", "debate.appeal.sent"))
	return nil
}

// charterPage shows the organisation's moderation charter.
func (h *Handler) charterPage(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	s, err := h.app.Debate.DebateSettings(r.Context(), org.ID)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "debate/charter", h.view(r, "debate.charter.title", s))
	return nil
}

func (h *Handler) transparencyNow(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	http.Redirect(w, r, "/"+org.Handle+"/transparence/"+h.app.Now().In(paris).Format("2006"), http.StatusFound)
	return nil
}

// transparencyView is the transparency page's data.
type transparencyView struct {
	debate.TransparencyReport
	Hidden, Deleted, Approved, Restored, Upheld, AutoHidden, AutoHeld []decisionRow
	Median                                                            string
	Prev, Next                                                        int
}

// decisionRow is one line of the decisions table.
type decisionRow struct {
	Source   string
	Rule     int
	RuleText string
	N        int
}

func (h *Handler) transparencyPage(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	year, err := parseYear(r.PathValue("year"))
	if err != nil {
		return err
	}
	rep, err := h.app.Debate.Transparency(r.Context(), org.ID, year)
	if err != nil {
		return err
	}
	d := transparencyView{TransparencyReport: rep}
	// Link only to years the organisation existed in: an endless chain of
	// empty reports back to 2000 helps nobody and wastes crawlers' time.
	if year > org.CreatedAt.In(paris).Year() {
		d.Prev = year - 1
	}
	if year < h.app.Now().In(paris).Year() {
		d.Next = year + 1
	}
	for _, dc := range rep.Decisions {
		row := decisionRow{Source: dc.Source, Rule: dc.RuleNumber, RuleText: dc.RuleText, N: dc.N}
		switch dc.Action {
		case "hide":
			d.Hidden = append(d.Hidden, row)
		case "delete":
			d.Deleted = append(d.Deleted, row)
		case "approve":
			d.Approved = append(d.Approved, row)
		case "autohide":
			d.AutoHidden = append(d.AutoHidden, row)
		case "hold":
			d.AutoHeld = append(d.AutoHeld, row)
		}
	}
	if rep.Decided > 0 {
		d.Median = humanDuration(lang(r), rep.MedianWait)
	}
	v := h.view(r, "debate.transparency.title", d)
	h.render(w, r, http.StatusOK, "debate/transparency", v)
	return nil
}

// parseYear accepts a four-digit year from 2000 to 2200.
func parseYear(s string) (int, error) {
	if len(s) != 4 || strings.Trim(s, "0123456789") != "" {
		return 0, model.ErrNotFound
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 2000 || y > 2200 {
		return 0, model.ErrNotFound
	}
	return y, nil
}

// humanDuration writes "3 h 12 min", "45 min" or "2 j 4 h".
func humanDuration(l string, d time.Duration) string {
	d = d.Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	day := "j"
	if l == "en" {
		day = "d"
	}
	var parts []string
	if days > 0 {
		parts = append(parts, strconv.Itoa(days)+" "+day)
	}
	if hours > 0 {
		parts = append(parts, strconv.Itoa(hours)+" h")
	}
	if mins > 0 || len(parts) == 0 {
		parts = append(parts, strconv.Itoa(mins)+" min")
	}
	return strings.Join(parts, " ")
}
