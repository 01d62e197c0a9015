// Package web serves the HTML interface: server-rendered pages from embedded
// templates, French first, that work without JavaScript.
package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/pagecache"
)

//go:embed templates
var templateFS embed.FS

// Config is what the web layer needs beyond the app.
type Config struct {
	Secure bool // set Secure on cookies (https base URL)
	Logger *slog.Logger
	// PageCacheBytes is the memory budget of rendered public pages for
	// anonymous visitors: 0 picks 64 MiB, a negative value disables the cache.
	PageCacheBytes int64
}

// Handler serves every HTML page.
type Handler struct {
	app    *app.App
	cat    *i18n.Catalogue
	pages  map[string]*template.Template
	assets *Assets
	cfg    Config
	log    *slog.Logger
	cache  *pagecache.Cache // nil when disabled
	act    activity         // staff active minutes (console.go)
}

// New parses the templates once.
func New(a *app.App, cfg Config) (*Handler, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	assets, err := loadAssets()
	if err != nil {
		return nil, err
	}
	h := &Handler{app: a, cat: a.Cat, assets: assets, cfg: cfg, log: cfg.Logger}
	switch {
	case cfg.PageCacheBytes == 0:
		h.cache = pagecache.New(64 << 20)
	case cfg.PageCacheBytes > 0:
		h.cache = pagecache.New(cfg.PageCacheBytes)
	}
	if err := h.parseTemplates(); err != nil {
		return nil, err
	}
	return h, nil
}

// funcs are the template helpers that do not depend on the request.
var funcs = template.FuncMap{
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
	"join": strings.Join,
	"list": func(s ...string) []string { return s },
}

// parseTemplates builds one template set per page: the page, the layout and
// the partials it uses, directly or through other partials. Page files live
// in templates/pages/, partials in templates/partials/. Parsing only what a
// page uses keeps the parsed trees (copied per page by html/template) from
// growing with every feature's partials.
func (h *Handler) parseTemplates() error {
	h.pages = map[string]*template.Template{}
	partials, _ := fs.Glob(templateFS, "templates/partials/*.html")
	definedIn := map[string]string{} // template name → partial file
	refs := map[string][]string{}    // file → names it calls
	for _, f := range append([]string{"templates/layout.html"}, partials...) {
		defs, calls, err := templateNames(f)
		if err != nil {
			return err
		}
		for _, d := range defs {
			definedIn[d] = f
		}
		refs[f] = calls
	}
	pages, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return err
	}
	sub, _ := fs.Glob(templateFS, "templates/pages/*/*.html")
	pages = append(pages, sub...)
	for _, p := range pages {
		name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/pages/"), ".html")
		_, calls, err := templateNames(p)
		if err != nil {
			return err
		}
		// The layout first: its blocks ("subnav", "footer") have default
		// bodies that a page's own definitions, parsed after, replace.
		files := []string{"templates/layout.html", p}
		seen := map[string]bool{p: true, "templates/layout.html": true}
		queue := append(append([]string{}, calls...), refs["templates/layout.html"]...)
		for len(queue) > 0 {
			n := queue[0]
			queue = queue[1:]
			f, ok := definedIn[n]
			if !ok || seen[f] {
				continue // defined by the page itself, or already included
			}
			seen[f] = true
			files = append(files, f)
			queue = append(queue, refs[f]...)
		}
		t, err := template.New(path.Base(p)).Funcs(funcs).ParseFS(templateFS, files...)
		if err != nil {
			return fmt.Errorf("template %s: %w", name, err)
		}
		h.pages[name] = t
	}
	return nil
}

var (
	defineRE = regexp.MustCompile(`\{\{-?\s*(?:define|block)\s+"([^"]+)"`)
	callRE   = regexp.MustCompile(`\{\{-?\s*(?:template|block)\s+"([^"]+)"`)
)

// templateNames lists the templates a file defines and the ones it calls.
func templateNames(file string) (defines, calls []string, err error) {
	b, err := fs.ReadFile(templateFS, file)
	if err != nil {
		return nil, nil, err
	}
	for _, m := range defineRE.FindAllSubmatch(b, -1) {
		defines = append(defines, string(m[1]))
	}
	for _, m := range callRE.FindAllSubmatch(b, -1) {
		calls = append(calls, string(m[1]))
	}
	return defines, calls, nil
}

// View is what every page template receives.
type View struct {
	Lang    string
	Title   string // catalogue key or literal title
	Account *model.Account
	Org     *model.Organisation
	// Alerts in force, shown as a banner on the organisation's public pages.
	Alerts    []model.Publication
	Flash     string // catalogue key of a one-off notice
	Form      *Form
	Data      any
	RequestID string
	Path      string
	NoIndex   bool
	cat       *i18n.Catalogue
	assets    *Assets

	// Membership is the signed-in person's role in Org on staff pages.
	Membership *model.Membership
	// Staff: the signed-in person may use the staff pages (a member of
	// some organisation's staff, or an operator); the header links them.
	Staff bool
	// Next is the organisation's page an account page (login, sign-up)
	// returns to; with it, Org is that organisation (brandFromNext).
	Next string
}

// T translates key in the page's language.
func (v *View) T(key string, args ...any) string { return v.cat.T(v.Lang, key, args...) }

// TN is T for a count: it picks the singular or plural form of key for n
// (see i18n.Catalogue.N); args default to n.
func (v *View) TN(key string, n int, args ...any) string { return v.cat.N(v.Lang, key, n, args...) }

// Decimals writes x with digits decimals, with a decimal comma in French
// ("0,50").
func (v *View) Decimals(x float64, digits int) string {
	s := strconv.FormatFloat(x, 'f', digits, 64)
	if v.Lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// OnOrgSite reports whether the page is one of an organisation's public
// pages (/{org}/…): those carry the organisation's menu, search and
// footer, whichever handler drew them.
func (v *View) OnOrgSite() bool {
	return v.Org != nil && strings.HasPrefix(v.Path, "/"+v.Org.Handle+"/")
}

// OrgMenu reports whether the page carries the organisation's menu and
// footer: its public pages, and the account pages reached from them.
func (v *View) OrgMenu() bool { return v.OnOrgSite() || (v.Org != nil && v.Next != "") }

// Asset returns the content-hashed URL of a static file.
func (v *View) Asset(name string) string { return v.assets.URL(name) }

// Date formats a time for the reader, in Europe/Paris.
func (v *View) Date(t time.Time) string { return formatDate(v.Lang, t, false) }

// DateTime formats a time with hours.
func (v *View) DateTime(t time.Time) string { return formatDate(v.Lang, t, true) }

// view builds the common part of a page's data.
func (h *Handler) view(r *http.Request, title string, data any) *View {
	v := &View{Lang: lang(r), Title: title, Data: data, RequestID: requestID(r), Path: r.URL.Path, cat: h.cat, assets: h.assets}
	if a, ok := accountFrom(r.Context()); ok {
		v.Account = &a
		v.Staff = h.isStaff(r, a)
	}
	if o, ok := orgFrom(r.Context()); ok {
		v.Org = &o
	}
	if m, ok := membershipFrom(r.Context()); ok {
		v.Membership = &m
	}
	if f, err := r.Cookie(flashCookie); err == nil && h.cat.Has(i18n.Default, f.Value) {
		v.Flash = f.Value
	}
	if v.OnOrgSite() {
		v.Alerts = h.currentAlerts(r, v.Org.ID)
	}
	return v
}

// isStaff reports whether the header should link the staff pages for a.
// A failure to read leaves the link out rather than failing the page.
func (h *Handler) isStaff(r *http.Request, a model.Account) bool {
	ok, err := h.app.Organisations.IsStaff(r.Context(), a)
	if err != nil {
		h.log.Warn("is staff", "error", err, "request_id", requestID(r))
	}
	return ok
}

// currentAlerts are the organisation's alerts in force, most urgent first,
// shown as a banner at the top of every one of its public pages: a
// resident arriving from a shared link must see the gas leak too. A
// cached page expires when one of them ends. A failure to read them
// leaves the banner out rather than failing the page.
func (h *Handler) currentAlerts(r *http.Request, orgID string) []model.Publication {
	ctx := r.Context()
	now := h.app.Now()
	alerts, err := h.app.Publishing.PublicList(ctx, model.PublicFilter{OrgID: orgID, Kinds: []model.PubKind{model.KindAlert},
		ActiveAt: &now, Limit: maxBannerAlerts})
	if err != nil {
		h.log.Warn("current alerts", "error", err, "request_id", requestID(r))
		return nil
	}
	noteTimes(hintsFrom(ctx), alerts, now)
	return alerts
}

// maxBannerAlerts bounds the banner: beyond it, the alerts list links the rest.
const maxBannerAlerts = 5

// render writes page name with status. Rendering into a buffer first means a
// template error becomes a clean 500, not half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, v *View) {
	t, ok := h.pages[name]
	if !ok {
		h.log.Error("unknown page template", "page", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", v); err != nil {
		h.log.Error("render", "page", name, "error", err, "request_id", v.RequestID)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if v.Flash != "" {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", v.Lang)
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

const flashCookie = "parvis_flash"

// flash leaves a one-off notice (a catalogue key) for the next page.
func (h *Handler) flash(w http.ResponseWriter, key string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: key, Path: "/", HttpOnly: true, Secure: h.cfg.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: 60})
}

// redirect answers a POST with 303 See Other.
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// handlerFunc is a page handler that may fail; fail maps the error.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// fail renders the error page that fits err, never its text.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, key := http.StatusInternalServerError, "error.internal"
	switch {
	case errors.Is(err, model.ErrNotFound):
		status, key = http.StatusNotFound, "error.not_found"
	case errors.Is(err, model.ErrForbidden):
		status, key = http.StatusForbidden, "error.forbidden"
	case errors.Is(err, model.ErrUnauthorized):
		redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()))
		return
	case errors.Is(err, errNULByte):
		status, key = http.StatusBadRequest, "error.nul_byte"
	case errors.Is(err, model.ErrInvalid):
		status, key = http.StatusBadRequest, "error.bad_request"
	case errors.Is(err, model.ErrRateLimited):
		status, key = http.StatusTooManyRequests, "error.rate_limited"
	case errors.Is(err, context.Canceled):
		return
	case errors.Is(err, model.ErrBusy) || errors.Is(err, context.DeadlineExceeded):
		// The database did not serve this request in time (a queue
		// behind a rush): ask to retry rather than fail as a bug.
		h.log.Warn("request gave up waiting for the database", "path", r.URL.Path, "error", err, "request_id", requestID(r))
		w.Header().Set("Retry-After", "10")
		status, key = http.StatusServiceUnavailable, "error.busy"
	}
	if status == http.StatusInternalServerError && h.databaseDown(r.Context()) {
		// An outage, not a bug: say so (503, retry later) rather than 500.
		status, key = http.StatusServiceUnavailable, "error.unavailable"
		w.Header().Set("Retry-After", "30")
		h.log.Warn("database unavailable", "path", r.URL.Path, "error", err, "request_id", requestID(r))
	}
	if status == http.StatusInternalServerError {
		h.log.Error("request failed", "path", r.URL.Path, "error", err, "request_id", requestID(r))
	}
	v := h.view(r, key+".title", nil)
	v.Data = key
	v.NoIndex = true
	if (status == http.StatusNotFound || status == http.StatusForbidden) && v.Org == nil {
		// Under /{org}/, the page keeps the organisation's name, menu and
		// a way back to its home rather than the instance's.
		h.brandFromPath(r, v, r.URL.Path)
	}
	h.render(w, r, status, "error", v)
}

// databaseDown reports whether the database does not answer a ping
// within a second: the failed request met an outage.
func (h *Handler) databaseDown(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	return h.app.Ping(ctx) != nil
}

// handle adapts a handlerFunc.
func (h *Handler) handle(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			h.fail(w, r, err)
		}
	})
}

// NotFound renders the 404 page for unknown routes.
func (h *Handler) NotFound(w http.ResponseWriter, r *http.Request) { h.fail(w, r, model.ErrNotFound) }

// paris is the collectivité's time zone, where pages show dates.
var paris = dates.Paris

// formatDate writes "samedi 14 mars 2026 à 9 h 30", "mardi 1er décembre 2026" or "Saturday 14 March 2026, 9:30".
func formatDate(lang string, t time.Time, withTime bool) string {
	t = t.In(paris)
	if lang == "en" {
		if withTime {
			return t.Format("Monday 2 January 2006, 15:04")
		}
		return t.Format("Monday 2 January 2006")
	}
	s := dates.DayFR(t) + " " + strconv.Itoa(t.Year())
	if withTime {
		s += " à " + dates.Hour(t)
	}
	return s
}
