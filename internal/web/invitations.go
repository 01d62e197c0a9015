package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/parvis/parvis/internal/app/accounts"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
)

// invitationPageData drives the invitation page. State is "open", "invalid",
// "expired" or "used".
type invitationPageData struct {
	State string
	Info  accounts.InvitationInfo
	Token string
	Next  string // login URL that comes back here
	// OtherAccount: signed in with another address than the invited one,
	// which cannot accept (accounts.ErrInvitationOtherAccount).
	OtherAccount bool
}

// invitationPage shows an invitation: accept (signed in), create an account,
// or log in first. Accepting is a POST, so that link scanners and
// prefetching mail clients cannot use the invitation up.
func (h *Handler) invitationPage(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	info, err := h.app.Accounts.InvitationByToken(r.Context(), token)
	return h.renderInvitation(w, r, info, err, emptyForm())
}

// renderInvitation renders the page for the state err describes, or sends a
// member who already accepted to the staff area.
func (h *Handler) renderInvitation(w http.ResponseWriter, r *http.Request, info accounts.InvitationInfo, err error, f *Form) error {
	token := r.PathValue("token")
	d := invitationPageData{State: "open", Info: info, Token: token,
		Next: "/login?next=" + url.QueryEscape("/invitations/"+token)}
	status := http.StatusOK
	switch {
	case errors.Is(err, model.ErrNotFound):
		d.State, status = "invalid", http.StatusNotFound
	case errors.Is(err, model.ErrExpired):
		d.State, status = "expired", http.StatusGone
	case errors.Is(err, accounts.ErrInvitationOtherAccount):
		d.State, status = "open", http.StatusForbidden // the page says which address may accept
	case errors.Is(err, model.ErrConflict):
		// Used already: a double click by the person who accepted lands them
		// where the first click did.
		if acct, ok := accountFrom(r.Context()); ok {
			if _, err := h.app.Membership(r.Context(), acct.ID, info.Org.ID); err == nil {
				redirect(w, r, "/admin/"+info.Org.Handle+"/")
				return nil
			}
		}
		d.State, status = "used", http.StatusGone
	case err != nil:
		return err
	}
	if acct, ok := accountFrom(r.Context()); ok && d.State == "open" {
		d.OtherAccount = mail.NormalizeEmail(acct.Email) != mail.NormalizeEmail(info.Invitation.Email)
	}
	if f.HasErrors() {
		status = http.StatusUnprocessableEntity
	}
	v := h.view(r, "invitation.title", d)
	v.Form = f
	v.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	h.render(w, r, status, "invitation", v)
	return nil
}

// acceptInvitation accepts for the signed-in account.
func (h *Handler) acceptInvitation(w http.ResponseWriter, r *http.Request) error {
	acct, ok := accountFrom(r.Context())
	if !ok {
		redirect(w, r, "/invitations/"+r.PathValue("token"))
		return nil
	}
	org, err := h.app.Accounts.AcceptInvitation(r.Context(), r.PathValue("token"), acct.ID)
	if errors.Is(err, accounts.ErrInvitationOtherAccount) {
		// The page again, saying which address may accept.
		info, ierr := h.app.Accounts.InvitationByToken(r.Context(), r.PathValue("token"))
		if ierr != nil {
			err = ierr
		}
		return h.renderInvitation(w, r, info, err, emptyForm())
	}
	if err != nil {
		return h.renderInvitation(w, r, accounts.InvitationInfo{Org: org}, err, emptyForm())
	}
	h.flash(w, "invitation.welcome")
	redirect(w, r, "/admin/"+org.Handle+"/")
	return nil
}

// acceptWithSignup creates the invited person's account, signs them in and
// makes them staff.
func (h *Handler) acceptWithSignup(w http.ResponseWriter, r *http.Request) error {
	if _, ok := accountFrom(r.Context()); ok {
		redirect(w, r, "/invitations/"+r.PathValue("token"))
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return model.ErrInvalid
	}
	f := newForm(r)
	token := r.PathValue("token")
	acct, org, err := h.app.Accounts.AcceptInvitationWithNewAccount(r.Context(), token, f.Value("display_name"), f.Value("password"))
	if f.Absorb(err) {
		if code := f.Error("email"); code != "" {
			f.General = code // the address is not a field of this form
			delete(f.Errors, "email")
		}
		info, ierr := h.app.Accounts.InvitationByToken(r.Context(), token)
		return h.renderInvitation(w, r, info, ierr, f)
	}
	if err != nil {
		return h.renderInvitation(w, r, accounts.InvitationInfo{Org: org}, err, emptyForm())
	}
	if err := h.startSession(w, r, acct.ID); err != nil {
		return err
	}
	h.flash(w, "invitation.welcome")
	redirect(w, r, "/admin/"+org.Handle+"/")
	return nil
}
