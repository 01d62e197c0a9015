package web

import (
	"net/http"

	"github.com/parvis/parvis/internal/model"
)

type servicesPageData struct {
	Services []model.Service
}

func (h *Handler) servicesPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderServicesPage(w, r, http.StatusOK, emptyForm())
}

func (h *Handler) renderServicesPage(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	acct, _ := accountFrom(r.Context())
	org, _ := orgFrom(r.Context())
	_, services, err := h.app.Organisations.Staff(r.Context(), acct.ID, org.ID)
	if err != nil {
		return err
	}
	v := h.view(r, "service.title", servicesPageData{Services: services})
	v.Form = f
	v.NoIndex = true
	h.render(w, r, status, "admin/services", v)
	return nil
}

func (h *Handler) createService(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return model.ErrInvalid
	}
	acct, _ := accountFrom(r.Context())
	org, _ := orgFrom(r.Context())
	f := newForm(r)
	_, err := h.app.Organisations.CreateService(r.Context(), acct.ID, org.ID, f.Value("name"))
	if f.Absorb(err) {
		return h.renderServicesPage(w, r, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	h.flash(w, "service.created")
	redirect(w, r, "/admin/"+org.Handle+"/services")
	return nil
}

func (h *Handler) servicePage(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	s, err := h.app.Organisations.Service(r.Context(), acct.ID, org.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := emptyForm()
	f.Values.Set("name", s.Name)
	return h.renderServicePage(w, r, http.StatusOK, f, s)
}

func (h *Handler) renderServicePage(w http.ResponseWriter, r *http.Request, status int, f *Form, s model.Service) error {
	v := h.view(r, "service.edit_title", s)
	v.Form = f
	v.NoIndex = true
	h.render(w, r, status, "admin/service", v)
	return nil
}

func (h *Handler) renameService(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return model.ErrInvalid
	}
	acct, _ := accountFrom(r.Context())
	org, _ := orgFrom(r.Context())
	s, err := h.app.Organisations.Service(r.Context(), acct.ID, org.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := newForm(r)
	err = h.app.Organisations.RenameService(r.Context(), acct.ID, org.ID, s.ID, f.Value("name"))
	if f.Absorb(err) {
		return h.renderServicePage(w, r, http.StatusUnprocessableEntity, f, s)
	}
	if err != nil {
		return err
	}
	h.flash(w, "service.renamed")
	redirect(w, r, "/admin/"+org.Handle+"/services")
	return nil
}

func (h *Handler) deleteService(w http.ResponseWriter, r *http.Request) error {
	acct, _ := accountFrom(r.Context())
	org, _ := orgFrom(r.Context())
	if err := h.app.Organisations.DeleteService(r.Context(), acct.ID, org.ID, r.PathValue("id")); err != nil {
		return err
	}
	h.flash(w, "service.deleted")
	redirect(w, r, "/admin/"+org.Handle+"/services")
	return nil
}
