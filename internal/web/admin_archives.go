package web

import (
	"net/http"

	"github.com/parvis/parvis/internal/app/archives"
	"github.com/parvis/parvis/internal/model"
)

// archivesPage asks for the period of an archives package. The period
// proposed is the current year up to today.
func (h *Handler) archivesPage(w http.ResponseWriter, r *http.Request) error {
	f := emptyForm()
	today := h.app.Now().In(paris)
	f.Values.Set("from", today.Format("2006")+"-01-01")
	f.Values.Set("to", today.Format("2006-01-02"))
	return h.renderArchivesPage(w, r, http.StatusOK, f)
}

func (h *Handler) renderArchivesPage(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	v := h.view(r, "archives.title", nil)
	v.Form = f
	v.NoIndex = true
	h.render(w, r, status, "admin/archives", v)
	return nil
}

// downloadArchives checks the period, records the export, then streams the
// package: it is written as it is read, never whole in memory, so a large
// organisation's years fit. A failure once the download has begun can no
// longer become an error page; it is logged and the ZIP, left without its
// central directory and manifest, is recognisably incomplete.
func (h *Handler) downloadArchives(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return model.ErrInvalid
	}
	org, _ := orgFrom(r.Context())
	f := newForm(r)
	e, err := h.app.Archives.Prepare(r.Context(), actorID(r), org.ID, archives.Period{From: f.Value("from"), To: f.Value("to")})
	if f.Absorb(err) {
		return h.renderArchivesPage(w, r, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+e.FileName()+`"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := e.WriteTo(r.Context(), w); err != nil {
		h.log.Error("archives export interrupted", "org", org.Handle, "err", err)
	}
	return nil
}
