package web

import (
	"net/http"

	"github.com/parvis/parvis/internal/i18n"
)

// Routes registers every HTML route. Who may call each route is visible
// here: public, signedIn, or staff(roles).
func (h *Handler) Routes(mux *http.ServeMux) {
	mux.Handle("GET /static/", h.assets)
	mux.Handle("GET /{$}", h.public(h.instanceHome))
	mux.Handle("POST /lang", h.public(h.setLang))
	h.adminRoutes(mux)
	h.publicationRoutes(mux)
	h.mediaRoutes(mux)
	h.moderationRoutes(mux)
	h.consoleRoutes(mux)
	h.eventRoutes(mux) // events_staff.go
	h.federationRoutes(mux)
	h.orgSiteRoutes(mux)
	h.accountRoutes(mux)
	h.publicInstanceRoutes(mux)
	h.subscriptionRoutes(mux)
	h.newsletterRoutes(mux)
	h.accessibilityRoutes(mux) // accessibility.go
	h.privacyAdminRoutes(mux)  // privacy.go
}

func (h *Handler) instanceHome(w http.ResponseWriter, r *http.Request) error {
	orgs, err := h.app.Organisations.List(r.Context())
	if err != nil {
		return err
	}
	// An instance hosting one collectivité opens on it directly.
	if len(orgs) == 1 {
		http.Redirect(w, r, "/"+orgs[0].Handle+"/", http.StatusFound)
		return nil
	}
	h.render(w, r, http.StatusOK, "home", h.view(r, "home.title", orgs))
	return nil
}

// setLang switches the interface language: saved on the account when signed
// in, in a functional cookie otherwise.
func (h *Handler) setLang(w http.ResponseWriter, r *http.Request) error {
	l := r.PostFormValue("lang")
	if !i18n.Supported(l) {
		l = i18n.Default
	}
	if a, ok := accountFrom(r.Context()); ok {
		if err := h.app.Accounts.SetLanguage(r.Context(), a, l); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: h.cfg.Secure, SameSite: http.SameSiteLaxMode})
	next := r.PostFormValue("next")
	if !sameSitePath(next) {
		next = "/"
	}
	redirect(w, r, next)
	return nil
}
