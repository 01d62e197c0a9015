package web

import (
	"bytes"
	"net/http"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/personaldata"
)

// downloadMyData answers the right of access with a ZIP the person keeps
// (see package personaldata). It is a POST so that a link on another site
// cannot make a signed-in browser fetch it; the archive is built in memory
// first so that a failure shows an error page rather than a truncated file.
func (h *Handler) downloadMyData(w http.ResponseWriter, r *http.Request) error {
	acct, _ := accountFrom(r.Context())
	d, err := h.app.Accounts.MyData(r.Context(), acct)
	if err != nil {
		return err
	}
	return h.sendPersonalData(w, r, d)
}

// sendPersonalData answers with the archive of d in the reader's language.
func (h *Handler) sendPersonalData(w http.ResponseWriter, r *http.Request, d model.PersonalData) error {
	l := lang(r)
	var buf bytes.Buffer
	if err := personaldata.WriteZIP(&buf, d, l, func(key string) string { return h.cat.T(l, key) }); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="mes-donnees-`+d.GeneratedAt.Format("2006-01-02")+`.zip"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write(buf.Bytes())
	return err
}
