package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app/mailing"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
)

// newsletterRoutes registers the staff pages for newsletters and subscriber
// figures. Staff see counts; only an administrator may export addresses.
func (h *Handler) newsletterRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/{org}/newsletters", h.staff(policy.NewsletterEdit, h.newsletters))
	mux.Handle("GET /admin/{org}/newsletters/new", h.staff(policy.NewsletterEdit, h.newNewsletter))
	mux.Handle("POST /admin/{org}/newsletters", h.staff(policy.NewsletterEdit, h.createNewsletter))
	mux.Handle("GET /admin/{org}/newsletters/{id}", h.staff(policy.NewsletterEdit, h.newsletter))
	mux.Handle("POST /admin/{org}/newsletters/{id}", h.staff(policy.NewsletterEdit, h.updateNewsletter))
	mux.Handle("POST /admin/{org}/newsletters/{id}/test", h.staff(policy.NewsletterSend, h.testNewsletter))
	mux.Handle("GET /admin/{org}/newsletters/{id}/send", h.staff(policy.NewsletterSend, h.confirmSend))
	mux.Handle("POST /admin/{org}/newsletters/{id}/send", h.staff(policy.NewsletterSend, h.sendNewsletter))
	mux.Handle("POST /admin/{org}/newsletters/{id}/unschedule", h.staff(policy.NewsletterSend, h.unscheduleNewsletter))
	mux.Handle("POST /admin/{org}/newsletters/{id}/state", h.staff(policy.NewsletterSend, h.mailingState))
	mux.Handle("GET /admin/{org}/newsletters/{id}/progress.json", h.staff(policy.NewsletterEdit, h.mailingProgress))
	mux.Handle("GET /admin/{org}/abonnes", h.staff(policy.SubscribersView, h.subscriberFigures))
	mux.Handle("POST /admin/{org}/abonnes/settings", h.staff(policy.SubscribersSettings, h.saveMailSettings))
	mux.Handle("POST /admin/{org}/abonnes/export.csv", h.staff(policy.SubscribersExport, h.exportSubscribers))
	mux.Handle("GET /admin/{org}/abonnes/resumes", h.staff(policy.SubscribersView, h.digestList))
	mux.Handle("GET /admin/{org}/abonnes/resumes/{id}", h.staff(policy.SubscribersView, h.digestFigures))
	mux.Handle("GET /c/{token}", h.public(h.click))
}

// click counts one click on a newsletter or digest link (when the
// organisation counts them) and sends the reader on. The token names the
// mailing and the link only: nothing here knows who clicked, no cookie is
// set and nothing is logged about the reader. Only a GET counts, so link
// checkers that probe with HEAD do not inflate the figures.
func (h *Handler) click(w http.ResponseWriter, r *http.Request) error {
	var (
		u   string
		err error
	)
	if r.Method == http.MethodGet {
		u, err = h.app.Mailing.Click(r.Context(), r.PathValue("token"))
	} else {
		u, err = h.app.Mailing.ClickTarget(r.Context(), r.PathValue("token"))
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, u, http.StatusSeeOther)
	return nil
}

type newslettersData struct {
	List []model.Newsletter
}

func (h *Handler) newsletters(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	list, err := h.app.Mailing.Newsletters(r.Context(), acct.ID, org.ID)
	if err != nil {
		return err
	}
	v := h.view(r, "newsletters.title", newslettersData{List: list})
	v.NoIndex = true
	h.render(w, r, http.StatusOK, "admin/newsletters", v)
	return nil
}

// newsletterData is the edit page: form, previews, audience and progress.
type newsletterData struct {
	mailing.NewsletterFile
	New bool
	// PreviewHTML is Preview.BodyHTML, sanitised by the markdown package.
	PreviewHTML template.HTML
	Progress    progress
	Refresh     bool // meta refresh for browsers without JavaScript
}

// progress is a mailing's state for the progress bar and its JSON twin.
type progress struct {
	State    string `json:"state"`
	Total    int    `json:"total"`
	Sent     int    `json:"sent"`
	Failed   int    `json:"failed"`
	Skipped  int    `json:"skipped"`
	Percent  int    `json:"percent"`
	EndsIn   int    `json:"ends_in_seconds"` // estimate; -1 when unknown
	Finished bool   `json:"finished"`
}

func progressOf(m model.Mailing, now time.Time) progress {
	p := progress{State: string(m.State), Total: m.Total, Sent: m.Sent, Failed: m.Failed, Skipped: m.Skipped, EndsIn: -1}
	done := m.Sent + m.Failed + m.Skipped
	if m.Total > 0 {
		p.Percent = done * 100 / m.Total
	}
	p.Finished = m.State == model.MailingDone || m.State == model.MailingCancelled
	if m.State == model.MailingSending && m.StartedAt != nil && done > 0 && done < m.Total {
		elapsed := now.Sub(*m.StartedAt).Seconds()
		p.EndsIn = int(elapsed / float64(done) * float64(m.Total-done))
	}
	return p
}

func (h *Handler) newNewsletter(w http.ResponseWriter, r *http.Request) error {
	f := emptyForm()
	f.Values.Set("body", "Bonjour,\n\n\n## Les dernières nouvelles\n\n[[publications 5]]\n")
	return h.renderNewsletter(w, r, http.StatusOK, "", f)
}

// renderNewsletter renders the page of newsletter id ("" for a new one).
func (h *Handler) renderNewsletter(w http.ResponseWriter, r *http.Request, status int, id string, f *Form) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	file, err := h.app.Mailing.NewsletterFile(r.Context(), acct.ID, org, id)
	if err != nil {
		return err
	}
	d := newsletterData{NewsletterFile: file, New: id == ""}
	if id != "" {
		d.PreviewHTML = template.HTML(d.Preview.BodyHTML)
	}
	if d.Mailing != nil {
		d.Progress = progressOf(*d.Mailing, time.Now())
	}
	v := h.view(r, "newsletters.edit.title", d)
	v.Form = f
	v.NoIndex = true
	d.Refresh = d.Mailing != nil && d.Mailing.State == model.MailingSending
	v.Data = d
	h.render(w, r, status, "admin/newsletter", v)
	return nil
}

func newsletterForm(n model.Newsletter) *Form {
	f := emptyForm()
	f.Values.Set("subject", n.Subject)
	f.Values.Set("body", n.BodyMD)
	f.Values["topics"] = n.AudienceTopics
	f.Values["neighbourhoods"] = n.AudienceNeighbourhoods
	return f
}

func (h *Handler) newsletter(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	n, err := h.app.Mailing.Newsletter(r.Context(), acct.ID, org.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return h.renderNewsletter(w, r, http.StatusOK, n.ID, newsletterForm(n))
}

func newsletterInput(r *http.Request) mailing.NewsletterInput {
	return mailing.NewsletterInput{Subject: r.PostFormValue("subject"), BodyMD: r.PostFormValue("body"),
		Topics: r.PostForm["topics"], Neighbourhoods: r.PostForm["neighbourhoods"]}
}

func (h *Handler) createNewsletter(w http.ResponseWriter, r *http.Request) error {
	return h.saveNewsletter(w, r, "")
}

func (h *Handler) updateNewsletter(w http.ResponseWriter, r *http.Request) error {
	return h.saveNewsletter(w, r, r.PathValue("id"))
}

func (h *Handler) saveNewsletter(w http.ResponseWriter, r *http.Request, id string) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		return model.ErrInvalid
	}
	f := newForm(r)
	n, err := h.app.Mailing.SaveNewsletter(r.Context(), acct.ID, org.ID, id, newsletterInput(r))
	if f.Absorb(err) {
		return h.renderNewsletter(w, r, http.StatusUnprocessableEntity, id, f)
	}
	if err != nil {
		return err
	}
	h.flash(w, "newsletters.saved")
	redirect(w, r, "/admin/"+org.Handle+"/newsletters/"+n.ID)
	return nil
}

func (h *Handler) testNewsletter(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	if err := h.app.Mailing.SendNewsletterTest(r.Context(), acct, org, r.PathValue("id")); err != nil {
		return err
	}
	h.flash(w, "newsletters.test_sent")
	redirect(w, r, "/admin/"+org.Handle+"/newsletters/"+r.PathValue("id"))
	return nil
}

// sendWhen reads the send form's when and at (Europe/Paris): nil for now.
// Nothing is chosen in advance: a send is always a decision.
func (h *Handler) sendWhen(f *Form, when, at string) *time.Time {
	switch when {
	case "now":
		return nil
	case "later":
		t, err := time.ParseInLocation("2006-01-02T15:04", at, paris)
		if err != nil {
			f.Set("at", "newsletters.error.bad_time")
		} else if t = t.UTC(); !t.After(h.app.Now()) {
			f.Set("at", "newsletters.error.past_time")
		} else {
			return &t
		}
	default:
		f.Set("when", "newsletters.error.when_required")
	}
	return nil
}

// sendNewsletter sends or schedules a newsletter. A send to more than one
// person goes out only with the confirmation step's field (confirm: the
// number of recipients shown); without it, or when the audience changed
// since, nothing is sent and the person is taken to that step.
func (h *Handler) sendNewsletter(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		return model.ErrInvalid
	}
	id := r.PathValue("id")
	f := newForm(r)
	when, atText := r.PostFormValue("when"), r.PostFormValue("at")
	at := h.sendWhen(f, when, atText)
	confirmed, _ := strconv.Atoi(r.PostFormValue("confirm"))
	var err error
	if !f.HasErrors() {
		err = h.app.Mailing.SendNewsletter(r.Context(), acct.ID, org, id, at, confirmed)
	}
	var unconfirmed *mailing.ConfirmError
	if errors.As(err, &unconfirmed) {
		q := url.Values{"when": {when}}
		if when == "later" {
			q.Set("at", atText)
		}
		if confirmed != 0 { // confirmed for another audience: it changed
			q.Set("changed", "1")
		}
		redirect(w, r, "/admin/"+org.Handle+"/newsletters/"+id+"/send?"+q.Encode())
		return nil
	}
	if f.HasErrors() || f.Absorb(err) {
		return h.newsletterAgain(w, r, id, f, when, atText)
	}
	if err != nil {
		return err
	}
	if at != nil {
		h.flash(w, "newsletters.scheduled")
	} else {
		h.flash(w, "newsletters.sending")
	}
	redirect(w, r, "/admin/"+org.Handle+"/newsletters/"+id)
	return nil
}

// newsletterAgain shows newsletter id again with f's errors and the send
// choices as made.
func (h *Handler) newsletterAgain(w http.ResponseWriter, r *http.Request, id string, f *Form, when, at string) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	n, err := h.app.Mailing.Newsletter(r.Context(), acct.ID, org.ID, id)
	if err != nil {
		return err
	}
	full := newsletterForm(n)
	full.Errors = f.Errors
	full.Values.Set("when", when)
	full.Values.Set("at", at)
	return h.renderNewsletter(w, r, http.StatusUnprocessableEntity, n.ID, full)
}

// sendConfirmData is the confirmation step of a send.
type sendConfirmData struct {
	N        model.Newsletter
	Count    int
	When, At string
	AtTime   *time.Time
	Changed  bool
}

// confirmSend is the confirmation step (GET, changes nothing): who the
// letter goes to and when, with the button that sends.
func (h *Handler) confirmSend(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	id := r.PathValue("id")
	q := r.URL.Query()
	f := emptyForm()
	d := sendConfirmData{When: q.Get("when"), At: q.Get("at"), Changed: q.Get("changed") != ""}
	d.AtTime = h.sendWhen(f, d.When, d.At)
	file, err := h.app.Mailing.NewsletterFile(r.Context(), acct.ID, org, id)
	if err != nil {
		return err
	}
	d.N, d.Count = file.N, file.Audience
	if d.N.State != model.NewsletterDraft && d.N.State != model.NewsletterScheduled {
		f.Set("send", "newsletters.error.already_sent")
	} else if d.Count == 0 {
		f.Set("audience", "newsletters.error.empty_audience")
	}
	if f.HasErrors() {
		return h.newsletterAgain(w, r, id, f, d.When, d.At)
	}
	v := h.view(r, "newsletters.confirm.title", d)
	v.NoIndex = true
	h.render(w, r, http.StatusOK, "admin/newsletter-confirm", v)
	return nil
}

func (h *Handler) unscheduleNewsletter(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	if err := h.app.Mailing.UnscheduleNewsletter(r.Context(), acct.ID, org.ID, r.PathValue("id")); err != nil && !errors.Is(err, model.ErrNotFound) {
		return err
	}
	redirect(w, r, "/admin/"+org.Handle+"/newsletters/"+r.PathValue("id"))
	return nil
}

// mailingState pauses, resumes or cancels a newsletter's sending. Repeating
// a click is harmless (the state has moved already).
func (h *Handler) mailingState(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	n, err := h.app.Mailing.Newsletter(r.Context(), acct.ID, org.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	to := model.MailingState(r.PostFormValue("to"))
	if n.MailingID == "" {
		return model.ErrNotFound
	}
	if err := h.app.Mailing.SetMailingState(r.Context(), acct.ID, org.ID, n.MailingID, to); err != nil && !errors.Is(err, model.ErrNotFound) {
		return err
	}
	redirect(w, r, "/admin/"+org.Handle+"/newsletters/"+n.ID)
	return nil
}

func (h *Handler) mailingProgress(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	m, err := h.app.Mailing.NewsletterMailing(r.Context(), acct.ID, org.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(progressOf(m, time.Now()))
}

// The subscriber figures page shows app.SubscriberFigures: counts only,
// never addresses.
func (h *Handler) subscriberFigures(w http.ResponseWriter, r *http.Request) error {
	return h.renderSubscribers(w, r, http.StatusOK, emptyForm())
}

// renderSubscribers shows the figures and settings; f carries the export
// form's input and errors when an export was refused.
func (h *Handler) renderSubscribers(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	d, err := h.app.Mailing.SubscriberFigures(r.Context(), acct.ID, org.ID)
	if err != nil {
		return err
	}
	v := h.view(r, "subs.figures.title", subscribersView{SubscriberFigures: d, PurposeOptions: append([]string{""}, mailing.ExportPurposes...)})
	v.NoIndex = true
	f.Values.Set("digest_hour", strconv.Itoa(d.Settings.DigestHour))
	f.Values.Set("rate", strconv.Itoa(d.Settings.RatePerSecond))
	if d.Settings.ClickCounts {
		f.Values.Set("click_counts", "1")
	}
	v.Form = f
	h.render(w, r, status, "admin/subscribers", v)
	return nil
}

// digestsView is the list of digest mailings.
type digestsView struct {
	mailing.DigestPage
	Prev, Next string
}

// digestList shows the organisation's digest mailings, newest first, with
// their recipients and clicks: counts only, never who.
func (h *Handler) digestList(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	p, err := h.app.Mailing.DigestMailings(r.Context(), actorID(r), org.ID, page)
	if err != nil {
		return err
	}
	d := digestsView{DigestPage: p}
	base := "/admin/" + org.Handle + "/abonnes/resumes?page="
	if p.Page > 1 {
		d.Prev = base + strconv.Itoa(p.Page-1)
	}
	if p.Page < p.Pages {
		d.Next = base + strconv.Itoa(p.Page+1)
	}
	h.renderStaff(w, r, http.StatusOK, "admin/digests", "digests.title", d, nil)
	return nil
}

// digestView is one digest mailing with its clicks per link.
type digestView struct {
	mailing.DigestFigures
	PerLink []model.ClickCount
}

func (h *Handler) digestFigures(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	d, clicks, err := h.app.Mailing.DigestMailing(r.Context(), actorID(r), org.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	h.renderStaff(w, r, http.StatusOK, "admin/digest", "digests.one_title", digestView{DigestFigures: d, PerLink: clicks}, nil)
	return nil
}

// DigestPeriod names what a digest covered ("quotidien du jeudi 12 mars
// 2026", "hebdomadaire, semaine 11 de 2026").
func (v *View) DigestPeriod(period, key string) string {
	switch period {
	case string(model.FreqDaily):
		if t, err := time.ParseInLocation("2006-01-02", key, paris); err == nil {
			return v.T("digests.period.daily", v.Date(t))
		}
	case string(model.FreqWeekly):
		var year, week int
		if _, err := fmt.Sscanf(key, "%d-W%d", &year, &week); err == nil {
			return v.T("digests.period.weekly", week, year)
		}
	}
	return key
}

func (h *Handler) saveMailSettings(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	hour, err1 := strconv.Atoi(r.PostFormValue("digest_hour"))
	rate, err2 := strconv.Atoi(strings.TrimSpace(r.PostFormValue("rate")))
	if err1 != nil || err2 != nil {
		return model.ErrInvalid
	}
	clicks := r.PostFormValue("click_counts") == "1"
	if err := h.app.Mailing.SaveMailSettings(r.Context(), acct.ID, org.ID, hour, rate, clicks); err != nil {
		return err
	}
	h.flash(w, "subs.saved")
	redirect(w, r, "/admin/"+org.Handle+"/abonnes")
	return nil
}

// subscribersView is the subscribers page: figures, settings, and the
// purposes an export may state.
type subscribersView struct {
	mailing.SubscriberFigures
	// PurposeOptions starts with "" so that no purpose is chosen for the
	// administrator: stating one must be deliberate.
	PurposeOptions []string
}

// exportSubscribers gives an administrator the address list as CSV; the
// export is written to the audit log.
func (h *Handler) exportSubscribers(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	f, err := parse(r)
	if err != nil {
		return err
	}
	rows, err := h.app.Mailing.ExportSubscribers(r.Context(), acct.ID, org.ID, f.Value("export_purpose"), f.Value("export_detail"))
	if err != nil {
		if f.Absorb(err) {
			return h.renderSubscribers(w, r, http.StatusUnprocessableEntity, f)
		}
		return err
	}
	cw := newCSVExport(w, "abonnes-"+org.Handle+".csv")
	cw.Row("email", "statut", "confirme_le", "tout", "alertes", "actualites", "lettre", "themes", "quartiers")
	for _, e := range rows {
		confirmed := ""
		if e.ConfirmedAt != nil {
			confirmed = e.ConfirmedAt.Format(time.RFC3339)
		}
		cw.Row(e.Email, e.Status, confirmed, strconv.FormatBool(e.Choices.Everything),
			strconv.FormatBool(e.Choices.Alerts), string(e.Choices.News), strconv.FormatBool(e.Choices.Newsletter),
			strings.Join(e.Choices.TopicIDs, " "), strings.Join(e.Choices.NeighbourhoodIDs, " "))
	}
	return cw.Close()
}

// archiveData is the public newsletter archive.
type archiveData struct {
	List []model.Newsletter
	N    model.Newsletter
	HTML any
}

func (h *Handler) newsletterArchive(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	list, err := h.app.Mailing.SentNewsletters(r.Context(), org.ID)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "subs/archive", h.view(r, "newsletters.archive.title", archiveData{List: list}))
	return nil
}

func (h *Handler) newsletterPage(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	n, err := h.app.Mailing.SentNewsletter(r.Context(), org.ID, r.PathValue("slug"))
	if err != nil {
		return err
	}
	// HTMLArchive was rendered by the markdown package, which sanitises it.
	v := h.view(r, "", archiveData{N: n, HTML: template.HTML(n.HTMLArchive)})
	v.Title = n.Subject
	h.render(w, r, http.StatusOK, "subs/letter", v)
	return nil
}
