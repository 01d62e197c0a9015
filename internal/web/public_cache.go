package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/pagecache"
)

// The public pages of an organisation are rendered once per generation and
// served from memory to anonymous visitors. See docs/PUBLISHING-PUBLIC.md.
//
// On every anonymous request the organisation's generation is read from the
// database (one indexed read: triggers bump it in the same transaction as
// any public change), so a publication, an edit or a withdrawal shows on the
// very next request, in every process sharing the database, without any
// message between processes. Pages that change with time alone (an alert
// reaching its end, a job offer its closing date) carry an expiry.

// maxPageAge bounds how long a rendered page is reused even without any
// change, as a safety net.
const maxPageAge = 10 * time.Minute

// pageHints lets a handler tell the cache about the page it renders.
type pageHints struct {
	expires      time.Time
	lastModified time.Time
	noStore      bool
}

type hintsKey struct{}

func hintsFrom(ctx context.Context) *pageHints {
	if h, ok := ctx.Value(hintsKey{}).(*pageHints); ok {
		return h
	}
	return &pageHints{} // outside the cache: hints go nowhere
}

// expireAt makes the page stale at t if t is in the future and earlier than
// what was set before.
func (p *pageHints) expireAt(t time.Time, now time.Time) {
	if t.After(now) && (p.expires.IsZero() || t.Before(p.expires)) {
		p.expires = t
	}
}

// modified records the newest change shown on the page (Last-Modified).
func (p *pageHints) modified(t time.Time) {
	if t.After(p.lastModified) {
		p.lastModified = t
	}
}

// bufferWriter captures a response so it can be cached and answered with
// validators.
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferWriter) Header() http.Header { return b.header }
func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// passThrough answers with what was captured, untouched: redirects and
// error pages are not cached.
func (b *bufferWriter) passThrough(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}

func (b *bufferWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

// cachedPage serves an organisation's public page ({org} in the pattern)
// through the page cache for anonymous visitors; signed-in people get a
// fresh render (their name is in the header). Both get ETag validators and
// 304 answers to conditional requests.
func (h *Handler) cachedPage(fn handlerFunc) http.Handler {
	return h.handle(func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		handle := r.PathValue("org")
		_, signedIn := accountFrom(ctx)
		_, flashErr := r.Cookie(flashCookie)
		if signedIn || flashErr == nil || h.cache == nil {
			return h.renderFresh(w, r, handle, fn, false)
		}
		orgID, gen, err := h.app.PublicGeneration(ctx, handle)
		if err != nil {
			return err
		}
		key := pagecache.Key{OrgID: orgID, Gen: gen, URI: cacheURI(r), Lang: lang(r)}
		if e, ok := h.cache.Get(key, h.app.Now()); ok {
			writeEntry(w, r, e, true)
			return nil
		}
		return h.renderFresh(w, r, handle, fn, true, key)
	})
}

// renderFresh renders the page into a buffer, caches it when asked and
// possible, and answers.
func (h *Handler) renderFresh(w http.ResponseWriter, r *http.Request, handle string, fn handlerFunc, public bool, key ...pagecache.Key) error {
	org, err := h.app.OrganisationByHandle(r.Context(), handle)
	if err != nil {
		return err
	}
	hints := &pageHints{}
	ctx := context.WithValue(withOrg(r.Context(), org), hintsKey{}, hints)
	buf := &bufferWriter{header: http.Header{}}
	if err := fn(buf, r.WithContext(ctx)); err != nil {
		return err
	}
	if buf.status != http.StatusOK {
		buf.passThrough(w)
		return nil
	}
	now := h.app.Now()
	e := &pagecache.Entry{Body: buf.body.Bytes(), ContentType: buf.header.Get("Content-Type"),
		ETag: etag(buf.body.Bytes()), LastModified: hints.lastModified, Expires: now.Add(maxPageAge)}
	if !hints.expires.IsZero() && hints.expires.Before(e.Expires) {
		e.Expires = hints.expires
	}
	if public && len(key) == 1 && !hints.noStore {
		h.cache.Put(key[0], e)
	}
	writeEntry(w, r, e, public)
	return nil
}

// cacheURI is the part of the URL a page depends on: the path, the page
// number and, for search, the normalised query. Other query parameters
// (trackers' utm_…) do not multiply entries.
func cacheURI(r *http.Request) string {
	uri := r.URL.Path
	if p := r.URL.Query().Get("page"); p != "" {
		uri += "?page=" + p
	}
	if strings.HasSuffix(r.URL.Path, "/recherche") {
		if q := searchQuery(r); q != "" {
			uri += "&q=" + q
		}
	}
	return uri
}

func etag(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// writeEntry answers with e, or 304 Not Modified when the client already
// holds it.
func writeEntry(w http.ResponseWriter, r *http.Request, e *pagecache.Entry, public bool) {
	hd := w.Header()
	hd.Set("Content-Type", e.ContentType)
	hd.Set("ETag", e.ETag)
	if public {
		// Shared caches may keep it but must revalidate: it is cheap here.
		hd.Set("Cache-Control", "public, no-cache")
	} else {
		hd.Set("Cache-Control", "private, no-cache")
	}
	// Accept: the same address serves ActivityPub JSON (federation.go).
	hd.Set("Vary", "Cookie, Accept-Language, Accept")
	if !e.LastModified.IsZero() {
		hd.Set("Last-Modified", e.LastModified.UTC().Format(http.TimeFormat))
	}
	if notModified(r, e) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hd.Set("Content-Length", strconv.Itoa(len(e.Body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(e.Body)
	}
}

// notModified applies RFC 9110's rules: If-None-Match wins over
// If-Modified-Since.
func notModified(r *http.Request, e *pagecache.Entry) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == e.ETag || t == "*" {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" && !e.LastModified.IsZero() {
		t, err := http.ParseTime(ims)
		return err == nil && !e.LastModified.Truncate(time.Second).After(t)
	}
	return false
}
