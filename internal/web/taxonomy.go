package web

import (
	"net/http"

	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/app/publishing"
	"github.com/parvis/parvis/internal/model"
)

// taxonomyRoutes: administrators manage the organisation's topics and
// neighbourhoods, which residents follow and publications are tagged with.
func (h *Handler) taxonomyRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/{org}/topics", h.staff(policy.TaxonomyManage, h.tagList("topics")))
	mux.Handle("POST /admin/{org}/topics", h.staff(policy.TaxonomyManage, h.tagSave("topics")))
	mux.Handle("GET /admin/{org}/topics/{id}", h.staff(policy.TaxonomyManage, h.tagEdit("topics")))
	mux.Handle("POST /admin/{org}/topics/{id}", h.staff(policy.TaxonomyManage, h.tagSave("topics")))
	mux.Handle("POST /admin/{org}/topics/{id}/delete", h.staff(policy.TaxonomyManage, h.tagDelete("topics")))
	mux.Handle("GET /admin/{org}/neighbourhoods", h.staff(policy.TaxonomyManage, h.tagList("neighbourhoods")))
	mux.Handle("POST /admin/{org}/neighbourhoods", h.staff(policy.TaxonomyManage, h.tagSave("neighbourhoods")))
	mux.Handle("GET /admin/{org}/neighbourhoods/{id}", h.staff(policy.TaxonomyManage, h.tagEdit("neighbourhoods")))
	mux.Handle("POST /admin/{org}/neighbourhoods/{id}", h.staff(policy.TaxonomyManage, h.tagSave("neighbourhoods")))
	mux.Handle("POST /admin/{org}/neighbourhoods/{id}/delete", h.staff(policy.TaxonomyManage, h.tagDelete("neighbourhoods")))
}

// tagRow is a topic or a neighbourhood, as the pages show them.
type tagRow struct {
	ID, Slug, Name, Description, ServiceID, Service string
}

type tagsData struct {
	What     string // "topics" or "neighbourhoods"
	Items    []tagRow
	Services []model.Service
	EditID   string // "" on the list page
}

func (h *Handler) tagsData(r *http.Request, what string) (tagsData, error) {
	ctx := r.Context()
	org, _ := orgFrom(ctx)
	acct, _ := accountFrom(ctx)
	d := tagsData{What: what}
	if what == "topics" {
		topics, services, err := h.app.Publishing.TaxonomyTopics(ctx, acct.ID, org.ID)
		if err != nil {
			return d, err
		}
		names := map[string]string{}
		for _, s := range services {
			names[s.ID] = s.Name
		}
		d.Services = services
		for _, t := range topics {
			d.Items = append(d.Items, tagRow{ID: t.ID, Slug: t.Slug, Name: t.Name, Description: t.Description,
				ServiceID: t.ServiceID, Service: names[t.ServiceID]})
		}
		return d, nil
	}
	nbs, err := h.app.Publishing.TaxonomyNeighbourhoods(ctx, acct.ID, org.ID)
	if err != nil {
		return d, err
	}
	for _, n := range nbs {
		d.Items = append(d.Items, tagRow{ID: n.ID, Slug: n.Slug, Name: n.Name, Description: n.Description})
	}
	return d, nil
}

func (h *Handler) renderTags(w http.ResponseWriter, r *http.Request, status int, what, editID string, f *Form) error {
	d, err := h.tagsData(r, what)
	if err != nil {
		return err
	}
	d.EditID = editID
	page, title := "admin/tags", "tag."+what+".title"
	if editID != "" {
		page, title = "admin/tag", "tag."+what+".edit_title"
	}
	v := h.view(r, title, d)
	v.Form = f
	v.NoIndex = true
	h.render(w, r, status, page, v)
	return nil
}

func (h *Handler) tagList(what string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return h.renderTags(w, r, http.StatusOK, what, "", emptyForm())
	}
}

func (h *Handler) tagEdit(what string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := h.tagsData(r, what)
		if err != nil {
			return err
		}
		id := r.PathValue("id")
		for _, t := range d.Items {
			if t.ID == id {
				f := emptyForm()
				f.Values.Set("name", t.Name)
				f.Values.Set("slug", t.Slug)
				f.Values.Set("description", t.Description)
				f.Values.Set("service_id", t.ServiceID)
				return h.renderTags(w, r, http.StatusOK, what, id, f)
			}
		}
		return model.ErrNotFound
	}
}

func (h *Handler) tagSave(what string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		org, _ := orgFrom(ctx)
		acct, _ := accountFrom(ctx)
		if err := r.ParseForm(); err != nil {
			return model.ErrInvalid
		}
		f := newForm(r)
		in := publishing.TagInput{Name: f.Value("name"), Slug: f.Value("slug"), Description: f.Value("description"), ServiceID: f.Value("service_id")}
		id := r.PathValue("id")
		var err error
		if what == "topics" {
			_, err = h.app.Publishing.SaveTopic(ctx, acct.ID, org.ID, id, in)
		} else {
			_, err = h.app.Publishing.SaveNeighbourhood(ctx, acct.ID, org.ID, id, in)
		}
		if f.Absorb(err) {
			return h.renderTags(w, r, http.StatusUnprocessableEntity, what, id, f)
		}
		if err != nil {
			return err
		}
		h.flash(w, "tag.flash.saved")
		redirect(w, r, "/admin/"+org.Handle+"/"+what)
		return nil
	}
}

func (h *Handler) tagDelete(what string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		org, _ := orgFrom(ctx)
		acct, _ := accountFrom(ctx)
		var err error
		if what == "topics" {
			err = h.app.Publishing.DeleteTopic(ctx, acct.ID, org.ID, r.PathValue("id"))
		} else {
			err = h.app.Publishing.DeleteNeighbourhood(ctx, acct.ID, org.ID, r.PathValue("id"))
		}
		if err != nil {
			return err
		}
		h.flash(w, "tag.flash.deleted")
		redirect(w, r, "/admin/"+org.Handle+"/"+what)
		return nil
	}
}
