package web

import (
	"net/http"

	"github.com/parvis/parvis/internal/federation"
)

// orgSiteRoutes mounts an organisation's public pages (/{org}/…) on a mux of
// their own. ServeMux refuses two patterns that overlap when neither is more
// specific: "GET /{org}/mentions-legales" and "GET /static/" both match
// "/static/mentions-legales", as "/{org}/p/{slug}" and "/admin/{org}/x" both
// match "/admin/p/x". Mounted once as the catch-all "/{org}/", the public
// pages lose to every literal top-level route (/static/, /media/, /admin/…)
// and never collide with them. Features add their public pages here.
func (h *Handler) orgSiteRoutes(mux *http.ServeMux) {
	site := http.NewServeMux()
	h.publicSiteRoutes(site)                                   // home, publications, lists, search, feeds (public.go)
	h.legalSiteRoutes(site)                                    // accessibility.go
	h.privacySiteRoutes(site)                                  // privacy.go
	site.Handle("GET /{org}/theme.css", h.orgPage(h.themeCSS)) // org_theme.go
	h.debateSiteRoutes(site)
	h.consoleSiteRoutes(site)
	h.eventSiteRoutes(site) // events_public.go
	site.Handle("GET /{org}/suivre", h.orgPage(h.followForm))
	site.Handle("POST /{org}/suivre", h.orgPage(h.follow))
	site.Handle("GET /{org}/suivre/envoye", h.orgPage(h.followSent))
	site.Handle("GET /{org}/lettres", h.orgPage(h.newsletterArchive))
	site.Handle("GET /{org}/lettres/{slug}", h.orgPage(h.newsletterPage))
	ap := h.federationSiteRoutes(site)
	mux.Handle("/{org}/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Content negotiation: ActivityPub clients get the actor or object
		// JSON at the same address browsers get the page (never through
		// the page cache, which holds HTML only; both carry Vary: Accept).
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && federation.WantsActivityJSON(r.Header.Get("Accept")) {
			if _, pattern := ap.Handler(r); pattern != "" {
				ap.ServeHTTP(w, r)
				return
			}
		}
		if _, pattern := site.Handler(r); pattern == "" {
			h.NotFound(w, r)
			return
		}
		site.ServeHTTP(w, r)
	}))
}

// orgPage serves a public page of the organisation named by {org}, put in the
// context for the handler and the layout.
func (h *Handler) orgPage(fn handlerFunc) http.Handler {
	return h.public(func(w http.ResponseWriter, r *http.Request) error {
		org, err := h.app.OrganisationByHandle(r.Context(), r.PathValue("org"))
		if err != nil {
			return err
		}
		return fn(w, r.WithContext(withOrg(r.Context(), org)))
	})
}
