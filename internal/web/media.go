package web

import (
	"net/http"
	"strings"

	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
)

// mediaRoutes registers the media library: the organisation's images and
// documents with the Markdown that places them in a text, as a page (what
// a browser without JavaScript copies from) and as the list the editor's
// image picker shows. Who may upload media may see them (publication.edit).
func (h *Handler) mediaRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/{org}/media", h.staff(policy.PublicationEdit, h.mediaLibrary))
	mux.Handle("GET /admin/{org}/media/picker", h.staff(policy.PublicationEdit, h.mediaPicker))
}

// libraryItem is one media of the library with its thumbnail and the
// Markdown to copy.
type libraryItem struct {
	M              model.Media
	Thumb          string
	ThumbW, ThumbH int
	Snippet        string
}

type mediaLibraryData struct {
	Images, PDFs []libraryItem
}

// thumbWidth is the width the library shows images at (CSS pixels).
const thumbWidth = 240

func libraryItemOf(m model.Media) libraryItem {
	it := libraryItem{M: m}
	if m.Kind != "image" {
		it.Snippet = "[" + markdownText(m.Alt) + "](/media/" + m.Path + ")"
		return it
	}
	it.Snippet = "![" + markdownText(m.Alt) + "](/media/" + m.Path + ")"
	// The smallest copy is enough for a thumbnail (the list may be long).
	it.Thumb, it.ThumbW, it.ThumbH = "/media/"+m.Path, m.Width, m.Height
	for _, v := range m.Variants {
		if v.Width < it.ThumbW {
			it.Thumb, it.ThumbW, it.ThumbH = "/media/"+v.Path, v.Width, v.Height
		}
	}
	if it.ThumbW > 0 {
		it.ThumbW, it.ThumbH = thumbWidth, it.ThumbH*thumbWidth/it.ThumbW
	}
	return it
}

// markdownText escapes what would end a link's text or start another one
// and folds line breaks, so that an alternative text stays one Markdown
// image (editor.js escapes the same way).
func markdownText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`).Replace(s)
}

func (h *Handler) mediaData(r *http.Request) (mediaLibraryData, error) {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	list, err := h.app.Publishing.MediaLibrary(r.Context(), acct.ID, org.ID)
	var d mediaLibraryData
	for _, m := range list {
		if m.Kind == "image" {
			d.Images = append(d.Images, libraryItemOf(m))
		} else {
			d.PDFs = append(d.PDFs, libraryItemOf(m))
		}
	}
	return d, err
}

func (h *Handler) mediaLibrary(w http.ResponseWriter, r *http.Request) error {
	d, err := h.mediaData(r)
	if err != nil {
		return err
	}
	v := h.view(r, "media.title", d)
	v.NoIndex = true
	h.render(w, r, http.StatusOK, "admin/media", v)
	return nil
}

// mediaPicker is the image picker's list, a fragment the editor's script
// places in its dialog.
func (h *Handler) mediaPicker(w http.ResponseWriter, r *http.Request) error {
	d, err := h.mediaData(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return h.renderFragment(w, "admin/media", "picker", h.view(r, "", d))
}
