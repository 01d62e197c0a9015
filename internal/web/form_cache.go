package web

import (
	"context"
	"net/http"

	"github.com/parvis/parvis/internal/pagecache"
)

// formPage serves a page that depends on nothing stored (the empty login,
// sign-up and forgotten-password forms) from the page cache to anonymous
// visitors: rendered once per language for the life of the process. With
// a query string (?next=…), a flash notice or a session, it renders fresh.
func (h *Handler) formPage(fn handlerFunc) http.Handler {
	return h.handle(func(w http.ResponseWriter, r *http.Request) error {
		_, signedIn := accountFrom(r.Context())
		_, flashErr := r.Cookie(flashCookie)
		if signedIn || flashErr == nil || r.URL.RawQuery != "" || h.cache == nil {
			return fn(w, r)
		}
		key := pagecache.Key{URI: r.URL.Path, Lang: lang(r)}
		if e, ok := h.cache.Get(key, h.app.Now()); ok {
			writeEntry(w, r, e, false)
			return nil
		}
		buf := &bufferWriter{header: http.Header{}}
		if err := fn(buf, r.WithContext(context.WithValue(r.Context(), hintsKey{}, &pageHints{}))); err != nil {
			return err
		}
		if buf.status != http.StatusOK {
			buf.passThrough(w)
			return nil
		}
		e := &pagecache.Entry{Body: buf.body.Bytes(), ContentType: buf.header.Get("Content-Type"), ETag: etag(buf.body.Bytes())}
		h.cache.Put(key, e)
		writeEntry(w, r, e, false)
		return nil
	})
}
