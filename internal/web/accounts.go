package web

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/parvis/parvis/internal/app/accounts"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/reqinfo"
)

// accountRoutes registers sign-up, login, password reset and the account
// page (docs/ACCOUNTS.md).
func (h *Handler) accountRoutes(mux *http.ServeMux) {
	mux.Handle("GET /signup", h.formPage(h.signupForm))
	mux.Handle("POST /signup", h.public(h.signup))
	mux.Handle("GET /signup/sent", h.public(h.notice("account.sent.title", "account.sent.signup")))
	mux.Handle("GET /verify/{token}", h.public(h.verify))
	mux.Handle("GET /verify/resend", h.public(h.resendForm))
	mux.Handle("POST /verify/resend", h.public(h.resend))
	mux.Handle("GET /verify/sent", h.public(h.notice("account.sent.title", "account.sent.verify")))
	mux.Handle("GET /login", h.formPage(h.loginForm))
	mux.Handle("POST /login", h.public(h.login))
	mux.Handle("POST /logout", h.public(h.logout))
	mux.Handle("GET /password/forgot", h.formPage(h.forgotForm))
	mux.Handle("POST /password/forgot", h.public(h.forgot))
	mux.Handle("GET /password/sent", h.public(h.notice("account.sent.title", "account.sent.reset")))
	mux.Handle("GET /password/reset/{token}", h.public(h.resetForm))
	mux.Handle("POST /password/reset/{token}", h.public(h.reset))
	mux.Handle("GET /email/confirm/{token}", h.public(h.confirmEmail))
	mux.Handle("GET /account", h.signedIn(h.accountPage))
	mux.Handle("POST /account/profile", h.signedIn(h.updateProfile))
	mux.Handle("POST /account/email", h.signedIn(h.changeEmail))
	mux.Handle("POST /account/password", h.signedIn(h.changePassword))
	mux.Handle("POST /account/verify", h.signedIn(h.resendOwn))
	mux.Handle("POST /account/sessions/others", h.signedIn(h.endOtherSessions))
	mux.Handle("POST /account/sessions/{ref}/end", h.signedIn(h.endOneSession))
	mux.Handle("POST /account/data", h.signedIn(h.downloadMyData))
	mux.Handle("POST /account/delete", h.signedIn(h.deleteAccount))
}

// noStore keeps pages with personal data or secrets in links out of caches.
func noStore(w http.ResponseWriter) { w.Header().Set("Cache-Control", "no-store") }

// parse reads a posted form; a body that cannot be parsed is a bad request.
func parse(r *http.Request) (*Form, error) {
	if err := r.ParseForm(); err != nil {
		return nil, model.ErrInvalid
	}
	return newForm(r), nil
}

// refused renders a form page again with the person's input and the
// messages, or fails if err is not a validation error.
func (h *Handler) refused(w http.ResponseWriter, r *http.Request, page, title string, f *Form, data any, err error) error {
	if !f.Absorb(err) {
		return err
	}
	v := h.view(r, title, data)
	v.Form = f
	h.render(w, r, http.StatusUnprocessableEntity, page, v)
	return nil
}

// notice renders a fixed message page (e.g. "check your inbox"), in the
// organisation's name when ?next= is one of its pages.
func (h *Handler) notice(title, body string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		v := h.view(r, title, body)
		h.brandFromNext(r, v, r.URL.Query().Get("next"))
		h.render(w, r, http.StatusOK, "account/notice", v)
		return nil
	}
}

func (h *Handler) signupForm(w http.ResponseWriter, r *http.Request) error {
	next := r.URL.Query().Get("next")
	if _, ok := accountFrom(r.Context()); ok {
		redirect(w, r, safeNext(next))
		return nil
	}
	v := h.view(r, "account.signup.title", nil)
	v.Form = emptyForm()
	h.brandFromNext(r, v, next)
	h.render(w, r, http.StatusOK, "account/signup", v)
	return nil
}

// signup creates the account. From an organisation's page (next under
// /{org}/), the e-mail goes out in its name and its link leads back to
// that page once the address is confirmed.
func (h *Handler) signup(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	v := h.view(r, "account.signup.title", nil)
	h.brandFromNext(r, v, f.Value("next"))
	in := accounts.SignUp{Email: f.Value("email"), DisplayName: f.Value("display_name"),
		Password: f.Value("password"), Locale: lang(r), Next: v.Next}
	if v.Org != nil {
		in.Org = *v.Org
	}
	if err := h.app.Accounts.SignUp(r.Context(), in); err != nil {
		if !f.Absorb(err) {
			return err
		}
		v.Form = f
		h.render(w, r, http.StatusUnprocessableEntity, "account/signup", v)
		return nil
	}
	redirect(w, r, withNext("/signup/sent", v.Next))
	return nil
}

// linkProblem explains why a link from an e-mail does not work and offers
// what to do next. kind is "verify", "reset" or "email".
type linkProblem struct {
	Reason string
	Kind   string
}

func (h *Handler) renderLinkProblem(w http.ResponseWriter, r *http.Request, kind string, err error) error {
	var te *accounts.TokenError
	reason := ""
	switch {
	case errors.As(err, &te):
		reason = te.Reason
	case errors.Is(err, accounts.ErrEmailTaken):
		reason = "taken"
	default:
		return err
	}
	status := http.StatusGone
	if reason == accounts.TokenInvalid {
		status = http.StatusNotFound
	} else if reason == "taken" {
		status = http.StatusConflict
	}
	v := h.view(r, "account.link.title", linkProblem{Reason: reason, Kind: kind})
	v.Form = emptyForm()
	v.NoIndex = true
	noStore(w)
	h.render(w, r, status, "account/link", v)
	return nil
}

// verify confirms the address. A link sent from an organisation's page
// (?next=) leads back there: through the login page when signed out.
func (h *Handler) verify(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.app.Accounts.VerifyEmail(r.Context(), r.PathValue("token")); err != nil {
		return h.renderLinkProblem(w, r, "verify", err)
	}
	noStore(w)
	if next := r.URL.Query().Get("next"); sameSitePath(next) {
		h.flash(w, "account.verified.body")
		if _, ok := accountFrom(r.Context()); ok {
			redirect(w, r, next)
		} else {
			redirect(w, r, withNext("/login", next))
		}
		return nil
	}
	h.render(w, r, http.StatusOK, "account/notice", h.view(r, "account.verified.title", "account.verified.body"))
	return nil
}

func (h *Handler) resendForm(w http.ResponseWriter, r *http.Request) error {
	v := h.view(r, "account.resend.title", nil)
	v.Form = emptyForm()
	h.render(w, r, http.StatusOK, "account/resend", v)
	return nil
}

func (h *Handler) resend(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	if err := h.app.Accounts.ResendVerification(r.Context(), f.Value("email"), lang(r)); err != nil {
		return h.refused(w, r, "account/resend", "account.resend.title", f, nil, err)
	}
	redirect(w, r, "/verify/sent")
	return nil
}

// loginView is the login page's data.
type loginView struct {
	Next        string
	WaitMinutes int
	Busy        bool // too many password checks at once: 503, retry
}

func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request) error {
	next := r.URL.Query().Get("next")
	if _, ok := accountFrom(r.Context()); ok {
		redirect(w, r, safeNext(next))
		return nil
	}
	v := h.view(r, "account.login.title", loginView{Next: next})
	v.Form = emptyForm()
	h.brandFromNext(r, v, next)
	h.render(w, r, http.StatusOK, "account/login", v)
	return nil
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	data := loginView{Next: f.Value("next")}
	email, password := f.Value("email"), f.Value("password")
	if email == "" {
		f.Set("email", "account.error.email_missing")
	}
	if password == "" {
		f.Set("password", "account.error.password_missing")
	}
	var acct model.Account
	if !f.HasErrors() {
		acct, err = h.app.Accounts.Login(r.Context(), email, password, reqinfo.ClientIP(r))
		var te *accounts.ThrottledError
		switch {
		case errors.Is(err, accounts.ErrPasswordsBusy):
			// Too many password checks at once on this process: their
			// memory is bounded, so the visitor is asked to retry.
			data.Busy = true
			f.General = "account.login.busy"
		case errors.As(err, &te):
			data.WaitMinutes = te.Minutes()
			f.General = "account.login.throttled_summary"
		case errors.Is(err, accounts.ErrBadCredentials):
			f.Set("password", "account.login.bad_credentials")
		case err != nil:
			return err
		}
	}
	if f.HasErrors() {
		status := http.StatusUnprocessableEntity
		if data.WaitMinutes > 0 {
			status = http.StatusTooManyRequests
		}
		if data.Busy {
			w.Header().Set("Retry-After", "5")
			status = http.StatusServiceUnavailable
		}
		v := h.view(r, "account.login.title", data)
		v.Form = f
		h.brandFromNext(r, v, data.Next)
		h.render(w, r, status, "account/login", v)
		return nil
	}
	if err := h.startSession(w, r, acct.ID); err != nil {
		return err
	}
	redirect(w, r, safeNext(data.Next))
	return nil
}

// startSession logs acct in with a brand-new session; any session the
// browser held before ends, so a session id set before login (fixation) is
// never carried over.
func (h *Handler) startSession(w http.ResponseWriter, r *http.Request, accountID string) error {
	if old := sessionFrom(r.Context()); old != "" {
		if err := h.app.Accounts.EndSession(r.Context(), old); err != nil {
			return err
		}
	}
	secret, err := h.app.Accounts.StartSession(r.Context(), accountID, r.UserAgent(), reqinfo.ClientIP(r))
	if err != nil {
		return err
	}
	h.setSessionCookie(w, secret)
	return nil
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) error {
	if s := sessionFrom(r.Context()); s != "" {
		if err := h.app.Accounts.EndSession(r.Context(), s); err != nil {
			return err
		}
	}
	h.clearSessionCookie(w)
	h.flash(w, "account.flash.logged_out")
	redirect(w, r, "/")
	return nil
}

func (h *Handler) forgotForm(w http.ResponseWriter, r *http.Request) error {
	v := h.view(r, "account.forgot.title", nil)
	v.Form = emptyForm()
	h.brandFromNext(r, v, r.URL.Query().Get("next"))
	h.render(w, r, http.StatusOK, "account/forgot", v)
	return nil
}

func (h *Handler) forgot(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	if err := h.app.Accounts.ForgotPassword(r.Context(), f.Value("email"), lang(r)); err != nil {
		return h.refused(w, r, "account/forgot", "account.forgot.title", f, nil, err)
	}
	redirect(w, r, "/password/sent")
	return nil
}

func (h *Handler) resetForm(w http.ResponseWriter, r *http.Request) error {
	if err := h.app.Accounts.CheckResetLink(r.Context(), r.PathValue("token")); err != nil {
		return h.renderLinkProblem(w, r, "reset", err)
	}
	v := h.view(r, "account.reset.title", r.PathValue("token"))
	v.Form = emptyForm()
	v.NoIndex = true
	noStore(w)
	h.render(w, r, http.StatusOK, "account/reset", v)
	return nil
}

func (h *Handler) reset(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	token := r.PathValue("token")
	acct, err := h.app.Accounts.ResetPassword(r.Context(), token, f.Value("password"))
	var te *accounts.TokenError
	if errors.As(err, &te) {
		return h.renderLinkProblem(w, r, "reset", err)
	}
	if err != nil {
		noStore(w)
		return h.refused(w, r, "account/reset", "account.reset.title", f, token, err)
	}
	// Every session of the account has ended; this browser gets a new one,
	// so the person who just proved they own the address is signed in.
	if err := h.startSession(w, r, acct.ID); err != nil {
		return err
	}
	h.flash(w, "account.flash.password_reset")
	redirect(w, r, "/account")
	return nil
}

func (h *Handler) confirmEmail(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.app.Accounts.ConfirmEmailChange(r.Context(), r.PathValue("token")); err != nil {
		return h.renderLinkProblem(w, r, "email", err)
	}
	noStore(w)
	h.render(w, r, http.StatusOK, "account/notice", h.view(r, "account.email_changed.title", "account.email_changed.body"))
	return nil
}

// accountView is the account page's data: one form per section, so that a
// refused form shows its messages in its own section.
type accountView struct {
	Verified    bool
	Profile     *Form
	Email       *Form
	Password    *Form
	Delete      *Form
	Sessions    []sessionRow
	CurrentRef  string
	OtherCount  int
	ThrottledIn string // section whose password check was throttled
}

type sessionRow struct {
	Ref      string
	Device   string
	IP       string
	LastSeen time.Time
	Current  bool
}

func (h *Handler) accountData(r *http.Request) (*accountView, error) {
	acct, _ := accountFrom(r.Context())
	current := sessionFrom(r.Context())
	sessions, err := h.app.Accounts.Sessions(r.Context(), acct.ID)
	if err != nil {
		return nil, err
	}
	d := &accountView{Verified: acct.Verified(), Email: emptyForm(), Password: emptyForm(), Delete: emptyForm(),
		Profile:    &Form{Values: url.Values{"display_name": {acct.DisplayName}, "locale": {acct.Locale}}, Errors: map[string]string{}},
		CurrentRef: accounts.SessionRef(current)}
	if d.Profile.Value("locale") == "" {
		d.Profile.Values.Set("locale", lang(r))
	}
	for _, s := range sessions {
		row := sessionRow{Ref: accounts.SessionRef(s.IDHash), Device: s.UserAgent, IP: s.IP, LastSeen: s.LastSeenAt, Current: s.IDHash == current}
		if !row.Current {
			d.OtherCount++
		}
		d.Sessions = append(d.Sessions, row)
	}
	return d, nil
}

func (h *Handler) renderAccount(w http.ResponseWriter, r *http.Request, status int, d *accountView) {
	noStore(w)
	v := h.view(r, "account.title", d)
	v.NoIndex = true
	h.render(w, r, status, "account/account", v)
}

func (h *Handler) accountPage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.accountData(r)
	if err != nil {
		return err
	}
	h.renderAccount(w, r, http.StatusOK, d)
	return nil
}

// accountRefused re-displays the account page with one section's form
// refused; a throttled password check is shown in that section.
func (h *Handler) accountRefused(w http.ResponseWriter, r *http.Request, section string, f *Form, err error) error {
	d, derr := h.accountData(r)
	if derr != nil {
		return derr
	}
	var te *accounts.ThrottledError
	status := http.StatusUnprocessableEntity
	if errors.As(err, &te) {
		d.ThrottledIn = section
		f.General = "account.error.throttled"
		status = http.StatusTooManyRequests
	} else if !f.Absorb(err) {
		return err
	}
	switch section {
	case "profile":
		d.Profile = f
	case "email":
		d.Email = f
	case "password":
		d.Password = f
	case "delete":
		d.Delete = f
	}
	h.renderAccount(w, r, status, d)
	return nil
}

func (h *Handler) updateProfile(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	acct, _ := accountFrom(r.Context())
	if _, err := h.app.Accounts.UpdateProfile(r.Context(), acct, f.Value("display_name"), f.Value("locale")); err != nil {
		return h.accountRefused(w, r, "profile", f, err)
	}
	h.flash(w, "account.flash.profile_saved")
	redirect(w, r, "/account")
	return nil
}

func (h *Handler) changeEmail(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	acct, _ := accountFrom(r.Context())
	if err := h.app.Accounts.RequestEmailChange(r.Context(), acct, f.Value("new_email"), f.Value("email_password")); err != nil {
		return h.accountRefused(w, r, "email", f, err)
	}
	h.flash(w, "account.flash.email_sent")
	redirect(w, r, "/account")
	return nil
}

func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	acct, _ := accountFrom(r.Context())
	err = h.app.Accounts.ChangePassword(r.Context(), acct, sessionFrom(r.Context()), f.Value("current_password"), f.Value("new_password"))
	if err != nil {
		return h.accountRefused(w, r, "password", f, err)
	}
	h.flash(w, "account.flash.password_changed")
	redirect(w, r, "/account")
	return nil
}

func (h *Handler) resendOwn(w http.ResponseWriter, r *http.Request) error {
	acct, _ := accountFrom(r.Context())
	if err := h.app.Accounts.ResendVerification(r.Context(), acct.Email, lang(r)); err != nil {
		return err
	}
	h.flash(w, "account.flash.verify_sent")
	redirect(w, r, "/account")
	return nil
}

func (h *Handler) endOtherSessions(w http.ResponseWriter, r *http.Request) error {
	acct, _ := accountFrom(r.Context())
	if err := h.app.Accounts.EndOtherSessions(r.Context(), acct.ID, sessionFrom(r.Context())); err != nil {
		return err
	}
	h.flash(w, "account.flash.sessions_ended")
	redirect(w, r, "/account")
	return nil
}

func (h *Handler) endOneSession(w http.ResponseWriter, r *http.Request) error {
	acct, _ := accountFrom(r.Context())
	err := h.app.Accounts.EndSessionByRef(r.Context(), acct.ID, r.PathValue("ref"))
	// A session already gone (double submission, expiry) is not an error.
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return err
	}
	h.flash(w, "account.flash.session_ended")
	redirect(w, r, "/account")
	return nil
}

func (h *Handler) deleteAccount(w http.ResponseWriter, r *http.Request) error {
	f, err := parse(r)
	if err != nil {
		return err
	}
	acct, _ := accountFrom(r.Context())
	if err := h.app.Accounts.DeleteAccount(r.Context(), acct, f.Value("delete_password")); err != nil {
		return h.accountRefused(w, r, "delete", f, err)
	}
	h.clearSessionCookie(w)
	h.flash(w, "account.flash.deleted")
	redirect(w, r, "/")
	return nil
}
