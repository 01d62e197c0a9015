package web

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/app/publishing"
	"github.com/parvis/parvis/internal/markdown"
	"github.com/parvis/parvis/internal/media"
	"github.com/parvis/parvis/internal/model"
)

// publicationRoutes registers the editorial staff area. Fine-grained rules
// (editors only their own drafts, four-eyes approval…) are the app's.
func (h *Handler) publicationRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/{org}/publications", h.staff(policy.PublicationView, h.pubList))
	mux.Handle("GET /admin/{org}/publications/new", h.staff(policy.PublicationEdit, h.pubNew))
	mux.Handle("POST /admin/{org}/publications", h.staff(policy.PublicationView, h.pubPost))
	mux.Handle("POST /admin/{org}/publications/preview", h.staff(policy.PublicationEdit, h.pubPreview))
	mux.Handle("POST /admin/{org}/publications/autosave", h.staff(policy.PublicationEdit, h.pubAutosave))
	mux.Handle("GET /admin/{org}/publications/{id}", h.staff(policy.PublicationView, h.pubShow))
	mux.Handle("GET /admin/{org}/publications/{id}/revisions", h.staff(policy.PublicationView, h.pubRevisions))
	mux.Handle("GET /admin/{org}/publications/{id}/revisions/{n}", h.staff(policy.PublicationView, h.pubRevision))
	mux.Handle("GET /admin/{org}/validation", h.staff(policy.PublicationReview, h.pubValidation))
	mux.Handle("GET /admin/{org}/calendar", h.staff(policy.PublicationView, h.pubCalendar))
	mux.Handle("GET /admin/{org}/publishing-settings", h.staff(policy.PublishingSettings, h.pubSettings))
	mux.Handle("POST /admin/{org}/publishing-settings", h.staff(policy.PublishingSettings, h.pubSettingsPost))
	h.taxonomyRoutes(mux)
}

// pubListData is the staff list of publications.
type pubListData struct {
	Items          []pubRow
	Total          int
	Page, Pages    int
	Filter         model.PubFilter
	Topics         []model.Topic
	Authors        []model.StaffMember
	Kinds          []model.PubKind
	States         []model.PubState
	Counts         map[model.PubState]int
	PrevURL        string
	NextURL        string
	CanWrite       bool
	NewKinds       []model.PubKind
	ValidationOpen bool
}

// pubRow is a publication with the names a list shows.
type pubRow struct {
	model.Publication
	Author string
}

const staffPageSize = 25

func (h *Handler) pubList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	m, _ := membershipFrom(ctx)
	acct, _ := accountFrom(ctx)
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	f := model.PubFilter{OrgID: org.ID, State: model.PubState(q.Get("state")), Kind: model.PubKind(q.Get("kind")),
		TopicID: q.Get("topic"), AuthorID: q.Get("author"), Limit: staffPageSize, Offset: (page - 1) * staffPageSize}
	if !f.State.Valid() {
		f.State = ""
	}
	if !f.Kind.Valid() {
		f.Kind = ""
	}
	list, err := h.app.Publishing.Publications(ctx, acct.ID, f)
	if err != nil {
		return err
	}
	items, total := list.Items, list.Total
	names, staff, err := h.staffNames(r)
	if err != nil {
		return err
	}
	d := pubListData{Total: total, Page: page, Pages: max(1, (total+staffPageSize-1)/staffPageSize), Filter: f, Topics: list.Topics,
		Authors: staff, Kinds: model.PubKinds, States: model.PubStates, Counts: list.Counts,
		CanWrite: may(m, policy.PublicationEdit), NewKinds: model.PubKinds}
	d.Items = pubRows(items, names)
	link := func(p int) string {
		v := url.Values{}
		for _, k := range []string{"state", "kind", "topic", "author"} {
			if q.Get(k) != "" {
				v.Set(k, q.Get(k))
			}
		}
		v.Set("page", strconv.Itoa(p))
		return "?" + v.Encode()
	}
	if page > 1 {
		d.PrevURL = link(page - 1)
	}
	if page < d.Pages {
		d.NextURL = link(page + 1)
	}
	return h.pubPage(w, r, "admin/publications", "pub.list.title", d)
}

// pubRows adds authors' names to publications.
func pubRows(items []model.Publication, names map[string]string) []pubRow {
	out := make([]pubRow, 0, len(items))
	for _, p := range items {
		out = append(out, pubRow{Publication: p, Author: names[p.AuthorID]})
	}
	return out
}

// pubPage renders a staff page (never indexed) with data d.
func (h *Handler) pubPage(w http.ResponseWriter, r *http.Request, page, title string, d any) error {
	v := h.view(r, title, d)
	v.NoIndex = true
	h.render(w, r, http.StatusOK, page, v)
	return nil
}

// staffNames maps the organisation's staff ids to display names.
func (h *Handler) staffNames(r *http.Request) (map[string]string, []model.StaffMember, error) {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	staff, err := h.app.Publishing.StaffMembers(r.Context(), acct.ID, org.ID)
	if err != nil {
		return nil, nil, err
	}
	names := map[string]string{}
	for _, s := range staff {
		names[s.AccountID] = s.DisplayName
	}
	return names, staff, nil
}

// pubPageData is the publication page: the editor (or a read-only view),
// the workflow actions and the history.
type pubPageData struct {
	ID          string
	Kind        model.PubKind
	Pub         *model.Publication // nil while not yet saved
	CanEdit     bool
	CanEvent    bool // may open the event's staff page (validators may not)
	Autosave    bool
	Required    bool
	Actions     []publishing.Action
	Topics      []model.Topic
	Neighbours  []model.Neighbourhood
	Image       *model.Media
	Images      []model.Media
	PDFs        []model.Media
	Preview     template.HTML
	ShowPreview bool
	Problems    []markdown.Problem
	History     []historyRow
	AlertLevels []model.AlertLevel
	Categories  []string
	Contracts   []string
	Times       []string
	Event       *eventEditor // events only (events.go)
	// PublishNow offers "Publier maintenant" on a new publication: the
	// person may publish alone and its kind needs no approval.
	PublishNow bool
	// Next says what happens next and who can do it (a catalogue key
	// and the names, "" when there is nothing to wait for).
	Next    string
	NextWho string
}

type historyRow struct {
	model.PubTransition
	Actor string
}

// HasAction reports whether act is offered.
func (d pubPageData) HasAction(act string) bool {
	for _, a := range d.Actions {
		if string(a) == act {
			return true
		}
	}
	return false
}

// Has reports whether a multi-valued field (checkboxes) holds value.
func (f *Form) Has(name, value string) bool {
	if f == nil {
		return false
	}
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// formOf fills an editor form from a publication.
func formOf(p model.Publication) *Form {
	in := publishing.PubInputOf(p)
	f := emptyForm()
	set := func(k, v string) { f.Values.Set(k, v) }
	set("id", p.ID)
	set("kind", string(p.Kind))
	set("title", in.Title)
	set("summary", in.Summary)
	set("body", in.Body)
	set("alert_level", in.AlertLevel)
	set("alert_ends_at", in.AlertEndsAt)
	set("job_title", in.JobTitle)
	set("job_grade", in.JobGrade)
	set("job_category", in.JobCategory)
	set("job_filiere", in.JobFiliere)
	set("job_contract", in.JobContract)
	set("job_time", in.JobTime)
	set("job_place", in.JobPlace)
	set("job_closes_at", in.JobClosesAt)
	set("job_apply", in.JobApply)
	set("image_id", in.ImageID)
	f.Values["topics"] = in.TopicIDs
	f.Values["neighbourhoods"] = in.NeighbourhoodIDs
	return f
}

// inputOf reads the editor form.
func inputOf(f *Form) model.PubInput {
	return model.PubInput{ID: f.Value("id"), Kind: model.PubKind(f.Value("kind")), Title: f.Value("title"),
		Summary: f.Value("summary"), Body: f.Value("body"), AlertLevel: f.Value("alert_level"),
		AlertEndsAt: f.Value("alert_ends_at"), JobTitle: f.Value("job_title"), JobGrade: f.Value("job_grade"),
		JobCategory: f.Value("job_category"), JobFiliere: f.Value("job_filiere"), JobContract: f.Value("job_contract"),
		JobTime: f.Value("job_time"), JobPlace: f.Value("job_place"), JobClosesAt: f.Value("job_closes_at"),
		JobApply: f.Value("job_apply"), TopicIDs: f.Values["topics"], NeighbourhoodIDs: f.Values["neighbourhoods"],
		ImageID: f.Value("image_id")}
}

func (h *Handler) pubNew(w http.ResponseWriter, r *http.Request) error {
	kind := model.PubKind(r.URL.Query().Get("kind"))
	if kind == "" {
		kind = model.KindNews
	}
	if !kind.Valid() {
		return model.ErrNotFound
	}
	f := emptyForm()
	if kind == model.KindEvent {
		newEventForm(f) // events.go
	}
	// The id is chosen now so that a double submission or an autosave
	// followed by "Enregistrer" all land on the same draft.
	f.Values.Set("id", core.NewID())
	f.Values.Set("kind", string(kind))
	return h.renderPub(w, r, http.StatusOK, nil, f, false)
}

func (h *Handler) pubShow(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	p, err := h.app.Publishing.StaffPublication(r.Context(), acct.ID, org.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := formOf(p)
	if err := h.eventForm(r.Context(), f, p); err != nil { // events.go
		return err
	}
	return h.renderPub(w, r, http.StatusOK, &p, f, false)
}

// renderPub renders the publication page with form f (as typed, or from p).
func (h *Handler) renderPub(w http.ResponseWriter, r *http.Request, status int, p *model.Publication, f *Form, preview bool) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	m, _ := membershipFrom(ctx)
	kind := model.PubKind(f.Value("kind"))
	if p != nil {
		kind = p.Kind
	}
	d := pubPageData{ID: f.Value("id"), Kind: kind, Pub: p, AlertLevels: model.AlertLevels,
		Categories: []string{"A", "B", "C"}, Contracts: []string{"permanent", "contract"}, Times: []string{"full", "part"},
		CanEvent: may(m, policy.EventView)}
	var err error
	if p == nil {
		d.CanEdit, d.Autosave = may(m, policy.PublicationEdit), true
	} else {
		d.CanEdit = publishing.CanEdit(m, *p)
		d.Autosave = d.CanEdit && p.State == model.StateDraft
		if d.Actions, err = h.app.Publishing.Actions(ctx, m, *p); err != nil {
			return err
		}
		names, _, err := h.staffNames(r)
		if err != nil {
			return err
		}
		trs, err := h.app.Publishing.PublicationHistory(ctx, m.AccountID, org.ID, p.ID)
		if err != nil {
			return err
		}
		for i := len(trs) - 1; i >= 0; i-- {
			d.History = append(d.History, historyRow{PubTransition: trs[i], Actor: names[trs[i].ActorID]})
		}
	}
	choices, err := h.app.Publishing.EditorChoices(ctx, m.AccountID, org.ID, kind, f.Value("image_id"), d.CanEdit)
	if err != nil {
		return err
	}
	d.Required, d.Topics, d.Neighbours, d.Image = choices.Required, choices.Topics, choices.Neighbours, choices.Image
	if p != nil {
		if err := h.nextStep(r, &d, *p); err != nil {
			return err
		}
	}
	d.PublishNow = p == nil && d.CanEdit && !d.Required && kind != model.KindEvent && may(m, policy.PublicationPublish)
	if d.Event, err = h.eventEditor(ctx, org, kind, p); err != nil { // events.go
		return err
	}
	if d.CanEdit {
		for _, md := range choices.Media {
			if md.Kind == "pdf" {
				d.PDFs = append(d.PDFs, md)
			} else {
				d.Images = append(d.Images, md)
			}
		}
	}
	// The rendering (and its problems) is shown on request, and always when
	// the body has problems so the person sees which image to fix.
	res, err := publishing.Preview(f.Value("body"))
	var fe *model.FieldError
	if errors.As(err, &fe) { // over the Markdown limits: said beside the text
		f.Set(fe.Field, fe.Code)
		err = nil
	}
	if err != nil {
		return err
	}
	d.Problems = res.Problems()
	d.ShowPreview = preview
	d.Preview = template.HTML(res.HTML) // sanitized by markdown.Render
	title := "pub.new.title." + string(kind)
	if p != nil {
		title = p.Title
	}
	v := h.view(r, title, d)
	v.Form = f
	v.NoIndex = true
	h.render(w, r, status, "admin/publication", v)
	return nil
}

// maxUpload bounds a whole editor submission (an image, a PDF and the text).
const maxUpload = media.MaxImageBytes + media.MaxPDFBytes + 2<<20

// parseEditor reads a multipart (or plain) editor form.
func parseEditor(w http.ResponseWriter, r *http.Request) (*Form, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return nil, model.ErrInvalid
	}
	if err := refuseNUL(r); err != nil {
		return nil, err
	}
	return newForm(r), nil
}

// readUpload returns an uploaded file's name and bytes (nil when none was
// chosen). Reading one byte past the limit lets the app say "too large".
func readUpload(r *http.Request, field string, limit int64) (string, []byte, error) {
	file, hdr, err := r.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, model.ErrInvalid
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, limit+1))
	if err != nil {
		return "", nil, err
	}
	if len(data) == 0 {
		return "", nil, nil
	}
	return hdr.Filename, data, nil
}

// saveFromForm uploads the chosen files and saves the editor's content. Upload
// problems are put on f; the text is saved regardless, so nothing typed is lost.
// With publish (the editor's "Publier maintenant"), the content is saved and
// published in one transaction, unless an upload was refused (then it is
// only saved, and the person sees why).
func (h *Handler) saveFromForm(r *http.Request, f *Form, publish bool) (model.SaveResult, error) {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	acct, _ := accountFrom(ctx)
	if err := h.uploadFiles(r, f); err != nil {
		return model.SaveResult{}, err
	}
	if publish && !f.HasErrors() {
		return h.app.Publishing.SaveAndPublish(ctx, acct.ID, org.ID, inputOf(f))
	}
	return h.savePublication(ctx, acct.ID, org.ID, f) // events.go: events have more fields
}

// uploadFiles stores the image and the PDF chosen in the editor as media
// and puts them on f: the image's id in image_id (a hidden field or the
// selected choice when the form is shown again, so that a preview keeps a
// freshly chosen image), the PDF as a link at the end of the body.
func (h *Handler) uploadFiles(r *http.Request, f *Form) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	acct, _ := accountFrom(ctx)
	err := uploadInto(r, f, "image_file", media.MaxImageBytes, func(name string, data []byte) (model.Media, error) {
		return h.app.Publishing.UploadImage(ctx, acct.ID, org.ID, name, data, f.Value("image_alt"))
	}, func(im model.Media) {
		f.Values.Set("image_id", im.ID)
		f.Values.Del("image_alt")
	})
	if err != nil {
		return err
	}
	err = uploadInto(r, f, "attachment_file", media.MaxPDFBytes, func(name string, data []byte) (model.Media, error) {
		return h.app.Publishing.UploadPDF(ctx, acct.ID, org.ID, name, data, f.Value("attachment_title"))
	}, func(pdf model.Media) {
		// The attachment is linked at the end of the text.
		body := strings.TrimRight(f.Value("body"), "\n ")
		link := fmt.Sprintf("[%s (PDF, %s)](/media/%s)", pdf.Alt, humanSize(pdf.Bytes), pdf.Path)
		f.Values.Set("body", strings.TrimLeft(body+"\n\n"+link, "\n"))
		f.Values.Del("attachment_title")
	})
	return err
}

// uploadInto stores the file chosen in field (if any) with up; a refusal
// goes on the form, a success to done.
func uploadInto(r *http.Request, f *Form, field string, limit int64, up func(string, []byte) (model.Media, error), done func(model.Media)) error {
	name, data, err := readUpload(r, field, limit)
	if err != nil || data == nil {
		return err
	}
	m, err := up(name, data)
	if f.Absorb(err) {
		return nil
	}
	if err != nil {
		return err
	}
	done(m)
	return nil
}

// humanSize writes a file size the French way ("1,2 Mo", "350 ko").
func humanSize(n int64) string {
	if n >= 1<<20 {
		return strings.Replace(fmt.Sprintf("%.1f Mo", float64(n)/(1<<20)), ".", ",", 1)
	}
	return fmt.Sprintf("%d ko", max(1, n/1024))
}

// pubPost handles every button of the publication page: save, preview, and
// the workflow actions (which save the editor's content first, so that
// "Soumettre" after typing loses nothing).
func (h *Handler) pubPost(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	acct, _ := accountFrom(ctx)
	f, err := parseEditor(w, r)
	if err != nil {
		return err
	}
	op := f.Value("op")
	id := f.Value("id")
	var cur *model.Publication
	if p, err := h.app.Publishing.StaffPublication(ctx, acct.ID, org.ID, id); err == nil {
		cur = &p
	} else if !errors.Is(err, model.ErrNotFound) {
		return err
	}
	if op == "preview" {
		// Files chosen are stored now, or the preview would drop them.
		if err := h.uploadFiles(r, f); err != nil {
			return err
		}
		return h.renderPub(w, r, http.StatusOK, cur, f, true)
	}
	// Save when the editor's fields were sent (validators send only a comment).
	if _, editing := f.Values["title"]; editing {
		// "Publier maintenant" saves and publishes in one transaction
		// (events are saved by their own use case: not offered for them).
		publish := op == "publish_now" && model.PubKind(f.Value("kind")) != model.KindEvent
		res, err := h.saveFromForm(r, f, publish)
		var notReady *publishing.NotReadyError
		if errors.As(err, &notReady) {
			return h.keepNotReady(w, r, f, cur, notReady)
		}
		if f.Absorb(err) {
			f.General = "pub.error.not_saved"
			return h.renderPub(w, r, http.StatusUnprocessableEntity, cur, f, false)
		}
		if err != nil {
			return err
		}
		cur = &res.Publication
		f.Values.Set("id", cur.ID)
		if f.HasErrors() { // an upload was refused; the text is saved
			f.General = "pub.error.upload_refused"
			return h.renderPub(w, r, http.StatusUnprocessableEntity, cur, f, false)
		}
		if publish {
			h.flash(w, "pub.flash.publish_now")
			redirect(w, r, "/admin/"+org.Handle+"/publications/"+cur.ID)
			return nil
		}
		if op == "save" || op == "" {
			if res.BackToReview {
				h.flash(w, "pub.flash.back_to_review")
			} else {
				h.flash(w, "pub.flash.saved")
			}
			redirect(w, r, "/admin/"+org.Handle+"/publications/"+cur.ID)
			return nil
		}
	}
	if cur == nil {
		return model.ErrNotFound
	}
	p, err := h.app.Publishing.Transition(ctx, acct.ID, org.ID, cur.ID, publishing.TransitionInput{Action: publishing.Action(op),
		Comment: f.Value("comment"), When: f.Value("when")})
	var notReady *publishing.NotReadyError
	switch {
	case errors.As(err, &notReady):
		f.Absorb(notReady.Fields)
		f.General = "pub.error.not_ready"
		return h.renderPub(w, r, http.StatusUnprocessableEntity, cur, withContent(f, *cur), false)
	case f.Absorb(err):
		return h.renderPub(w, r, http.StatusUnprocessableEntity, cur, withContent(f, *cur), false)
	case errors.Is(err, model.ErrConflict):
		// Someone (or a second click) moved it already: show where it stands.
		h.flash(w, "pub.flash.already")
		redirect(w, r, "/admin/"+org.Handle+"/publications/"+cur.ID)
		return nil
	case err != nil:
		return err
	}
	h.flash(w, "pub.flash."+op)
	redirect(w, r, "/admin/"+org.Handle+"/publications/"+p.ID)
	return nil
}

// keepNotReady answers a "Publier maintenant" whose content is not ready
// to go out: it is kept as a draft, as "Publier" on an existing item does,
// so nothing typed is lost, and the form says what to fix.
func (h *Handler) keepNotReady(w http.ResponseWriter, r *http.Request, f *Form, cur *model.Publication, notReady *publishing.NotReadyError) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	acct, _ := accountFrom(ctx)
	res, err := h.savePublication(ctx, acct.ID, org.ID, f)
	if err == nil {
		cur = &res.Publication
		f.Values.Set("id", cur.ID)
	} else if !f.Absorb(err) {
		return err
	}
	f.Absorb(notReady.Fields)
	f.General = "pub.error.not_ready"
	return h.renderPub(w, r, http.StatusUnprocessableEntity, cur, f, false)
}

// withContent completes a form that carried only workflow fields (a
// validator's comment) with the publication's content for re-display.
func withContent(f *Form, p model.Publication) *Form {
	if _, editing := f.Values["title"]; editing {
		return f
	}
	full := formOf(p)
	for _, k := range []string{"comment", "when"} {
		full.Values.Set(k, f.Value(k))
	}
	full.Errors, full.General = f.Errors, f.General
	return full
}

// pubPreview renders the body for the editor's live preview (script).
func (h *Handler) pubPreview(w http.ResponseWriter, r *http.Request) error {
	f, err := parseEditor(w, r)
	if err != nil {
		return err
	}
	res, err := publishing.Preview(f.Value("body"))
	var fe *model.FieldError
	if errors.As(err, &fe) { // over the Markdown limits: no preview, the reason instead
		v := h.view(r, "", pubPageData{Problems: []markdown.Problem{{Code: strings.TrimPrefix(fe.Code, "pub.error.")}}})
		w.Header().Set("Cache-Control", "no-store")
		return h.renderFragment(w, "admin/publication", "pub-preview", v)
	}
	if err != nil {
		return err
	}
	v := h.view(r, "", pubPageData{Preview: template.HTML(res.HTML), Problems: res.Problems()})
	w.Header().Set("Cache-Control", "no-store")
	return h.renderFragment(w, "admin/publication", "pub-preview", v)
}

// pubAutosave saves a draft from the editor's script every few seconds.
// It answers 204 when there is nothing to save yet (no title typed).
func (h *Handler) pubAutosave(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	acct, _ := accountFrom(ctx)
	f, err := parseEditor(w, r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	if strings.TrimSpace(f.Value("title")) == "" {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	// Only drafts autosave: a published text changes when someone decides to.
	if p, err := h.app.Publishing.StaffPublication(ctx, acct.ID, org.ID, f.Value("id")); err == nil && p.State != model.StateDraft {
		w.WriteHeader(http.StatusConflict)
		return nil
	}
	_, err = h.savePublication(ctx, acct.ID, org.ID, f)
	if f.Absorb(err) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		return nil
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
