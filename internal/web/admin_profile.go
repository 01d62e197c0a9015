package web

import (
	"errors"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/model"
)

type profilePageData struct {
	Kinds    []model.OrgKind
	LogoPath string
	MaxMB    int
}

func (h *Handler) profilePage(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	return h.renderProfilePage(w, r, http.StatusOK, profileForm(org))
}

// profileForm fills the form with the saved profile.
func profileForm(org model.Organisation) *Form {
	f := emptyForm()
	for k, v := range map[string]string{"name": org.Name, "kind": string(org.Kind), "description": org.Description,
		"contact_email": org.ContactEmail, "contact_phone": org.ContactPhone, "address": org.Address, "website": org.Website,
		"publication_director": org.PublicationDirector, "host": org.Host} {
		f.Values.Set(k, v)
	}
	if org.Population > 0 {
		f.Values.Set("population", strconv.Itoa(org.Population))
	}
	return f
}

func (h *Handler) renderProfilePage(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	org, _ := orgFrom(r.Context())
	v := h.view(r, "profile.title", profilePageData{Kinds: model.OrgKinds, LogoPath: org.LogoPath, MaxMB: organisations.MaxLogoBytes >> 20})
	v.Form = f
	v.NoIndex = true
	h.render(w, r, status, "admin/profile", v)
	return nil
}

// maxProfileBody lets a too-large logo arrive whole enough to keep the rest
// of the form, so the person gets the size message with their input.
const maxProfileBody = 12 << 20

func (h *Handler) saveProfile(w http.ResponseWriter, r *http.Request) error {
	f, tooBig, err := parseUploadForm(w, r, maxProfileBody)
	if tooBig {
		org, _ := orgFrom(r.Context())
		f := profileForm(org)
		f.Set("logo", "profile.error.logo_size")
		return h.renderProfilePage(w, r, http.StatusRequestEntityTooLarge, f)
	}
	if err != nil {
		return err
	}
	defer r.MultipartForm.RemoveAll()
	logo := organisations.LogoChange{Remove: f.Value("remove_logo") == "1"}
	if _, logo.Data, err = readUpload(r, "logo", organisations.MaxLogoBytes); err != nil {
		return err
	}
	acct, _ := accountFrom(r.Context())
	org, _ := orgFrom(r.Context())
	in := organisations.ProfileInput{Name: f.Value("name"), Kind: f.Value("kind"), Description: f.Value("description"),
		ContactEmail: f.Value("contact_email"), ContactPhone: f.Value("contact_phone"), Address: f.Value("address"),
		Website: f.Value("website"), Population: f.Value("population"), PublicationDirector: f.Value("publication_director"),
		Host: f.Value("host")}
	_, err = h.app.Organisations.UpdateOrgProfile(r.Context(), acct.ID, org.ID, in, logo)
	if f.Absorb(err) {
		return h.renderProfilePage(w, r, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	h.flash(w, "profile.saved")
	redirect(w, r, "/admin/"+org.Handle+"/profile")
	return nil
}

// mediaTypes are the only files /media serves, by extension.
var mediaTypes = map[string]string{".png": "image/png", ".jpg": "image/jpeg", ".webp": "image/webp", ".pdf": "application/pdf"}

// media serves uploaded files from DATA/media. Names carry a hash of the
// content, so browsers may keep them for a year. os.OpenInRoot refuses any
// path escaping the media directory, symbolic links included.
func (h *Handler) media(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("path")
	ct, ok := mediaTypes[path.Ext(name)]
	if !ok || strings.HasPrefix(path.Base(name), ".") {
		return model.ErrNotFound
	}
	f, err := os.OpenInRoot(h.app.MediaDir, filepath.FromSlash(name))
	if err != nil {
		return model.ErrNotFound
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return model.ErrNotFound
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, "", st.ModTime(), f)
	return nil
}

// parseUploadForm reads a multipart form of at most limit bytes (the size
// limits of its files plus room for the fields, so that a too-large file
// still arrives with the rest of the form). tooBig reports a body over the
// limit: the caller shows its page again with a size message. Otherwise the
// caller removes the form's temporary files (r.MultipartForm.RemoveAll).
func parseUploadForm(w http.ResponseWriter, r *http.Request, limit int64) (f *Form, tooBig bool, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var over *http.MaxBytesError
		if errors.As(err, &over) {
			return nil, true, nil
		}
		return nil, false, model.ErrInvalid
	}
	if err := refuseNUL(r); err != nil {
		_ = r.MultipartForm.RemoveAll()
		return nil, false, err
	}
	return newForm(r), false, nil
}
