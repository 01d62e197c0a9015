package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/parvis/parvis/internal/app/accounts"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/model"
)

// SessionCookie holds the session secret; the database keeps only its hash.
const SessionCookie = "parvis_session"

// Session loads the signed-in account (if any) and the reader's language for
// every request. Anonymous requests cost no query.
func (h *Handler) Session(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		l := ""
		if c, err := r.Cookie(langCookie); err == nil && i18n.Supported(c.Value) {
			l = c.Value
		} else {
			l = h.cat.Negotiate(r.Header.Get("Accept-Language"))
		}
		if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
			hash := core.HashSecret(c.Value)
			acct, err := h.app.Accounts.SessionAccount(ctx, hash)
			switch {
			case err == nil:
				ctx = withAccount(ctx, acct, hash)
				if acct.Locale != "" {
					l = acct.Locale
				}
			case errors.Is(err, model.ErrNotFound):
				h.clearSessionCookie(w)
			default:
				// The session could not be read (a database outage): treating
				// the person as signed out would send them to /login and
				// lose what they were doing. Say the service is unavailable.
				h.fail(w, r.WithContext(withLang(ctx, l)), err)
				return
			}
		}
		h.formGuard(next).ServeHTTP(w, r.WithContext(withLang(ctx, l)))
	})
}

// langCookie remembers an anonymous reader's choice of language. It is
// functional (strictly necessary to honour the choice), not tracking.
const langCookie = "parvis_lang"

func (h *Handler) setSessionCookie(w http.ResponseWriter, secret string) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: secret, Path: "/", HttpOnly: true,
		Secure: h.cfg.Secure, SameSite: http.SameSiteLaxMode, MaxAge: int(accounts.SessionLifetime.Seconds())})
}

func (h *Handler) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: h.cfg.Secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// public serves a page anyone may see.
func (h *Handler) public(fn handlerFunc) http.Handler { return h.handle(fn) }

// signedIn requires a signed-in account; anonymous visitors go to /login and
// come back afterwards.
func (h *Handler) signedIn(fn handlerFunc) http.Handler {
	return h.handle(func(w http.ResponseWriter, r *http.Request) error {
		if _, ok := accountFrom(r.Context()); !ok {
			redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()))
			return nil
		}
		return fn(w, r)
	})
}

// staff requires a membership of the route's organisation ({org} in the
// pattern) whose role may take act, as the one policy table says (the use
// case asks it again inside app). The organisation and membership are put
// in the context for the handler.
func (h *Handler) staff(act policy.Action, fn handlerFunc) http.Handler {
	return h.signedIn(func(w http.ResponseWriter, r *http.Request) error {
		acct, _ := accountFrom(r.Context())
		org, err := h.app.OrganisationByHandle(r.Context(), r.PathValue("org"))
		if err != nil {
			return err
		}
		m, err := h.app.Membership(r.Context(), acct.ID, org.ID)
		if errors.Is(err, model.ErrNotFound) {
			return model.ErrForbidden
		}
		if err != nil {
			return err
		}
		if !policy.Allows(&m, org.ID, act) {
			return model.ErrForbidden
		}
		ctx := withMembership(withOrg(r.Context(), org), m)
		h.recordActivity(r, org.ID, acct.ID) // the console's workload figures
		return fn(w, r.WithContext(ctx))
	})
}

// may reports whether the staff member of the request's organisation may
// take act there (pages show only what the person may use).
func may(m model.Membership, act policy.Action) bool { return policy.Allows(&m, m.OrgID, act) }

// safeNext keeps a post-login redirect on this site: only a path of our
// own, else /account. Browsers drop tabs and newlines from URLs and read a
// backslash as a slash, so "/\t/evil.example" or "/\\evil" would leave the
// site: any control character or backslash is refused outright.
func safeNext(next string) string {
	if !sameSitePath(next) {
		return "/account"
	}
	return next
}

// sameSitePath reports whether s is a path on this site ("/…", not "//…").
func sameSitePath(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsRune(s, '\\') {
		return false
	}
	for _, c := range s {
		if c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\uFFFD' {
			return false
		}
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil && strings.HasPrefix(u.Path, "/") && !strings.HasPrefix(u.Path, "//")
}

// actorID is the signed-in account's id, which use cases take to ask the
// policy ("" when anonymous: every staff action is refused).
func actorID(r *http.Request) string {
	a, _ := accountFrom(r.Context())
	return a.ID
}
