package web

import (
	"errors"
	"net/http"
	"slices"

	"github.com/parvis/parvis/internal/app/accounts"
	"github.com/parvis/parvis/internal/model"
)

// staffMemberRow is one line of the staff list.
type staffMemberRow struct {
	model.StaffMember
	ServiceNames []string
}

// serviceOption is a checkbox of the services an agent belongs to.
type serviceOption struct {
	ID, Name string
	Checked  bool
}

type staffPageData struct {
	Members     []staffMemberRow
	Invitations []invitationRow
	Services    []serviceOption
	Roles       []model.Role
}

type invitationRow struct {
	model.Invitation
	ServiceNames []string
}

// serviceNames maps ids to names, in the organisation's order.
func serviceNames(services []model.Service, ids []string) []string {
	var out []string
	for _, s := range services {
		if slices.Contains(ids, s.ID) {
			out = append(out, s.Name)
		}
	}
	return out
}

func serviceOptions(services []model.Service, checked []string) []serviceOption {
	out := make([]serviceOption, len(services))
	for i, s := range services {
		out[i] = serviceOption{ID: s.ID, Name: s.Name, Checked: slices.Contains(checked, s.ID)}
	}
	return out
}

func (h *Handler) staffPage(w http.ResponseWriter, r *http.Request) error {
	f := emptyForm()
	f.Values.Set("role", string(model.RoleAgent))
	return h.renderStaffPage(w, r, http.StatusOK, f)
}

func (h *Handler) renderStaffPage(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	ctx := r.Context()
	acct, _ := accountFrom(ctx)
	org, _ := orgFrom(ctx)
	members, services, err := h.app.Organisations.Staff(ctx, acct.ID, org.ID)
	if err != nil {
		return err
	}
	invs, err := h.app.Accounts.PendingInvitations(ctx, acct.ID, org.ID)
	if err != nil {
		return err
	}
	d := staffPageData{Services: serviceOptions(services, f.Values["services"]), Roles: model.Roles}
	for _, m := range members {
		d.Members = append(d.Members, staffMemberRow{StaffMember: m, ServiceNames: serviceNames(services, m.ServiceIDs)})
	}
	for _, inv := range invs {
		d.Invitations = append(d.Invitations, invitationRow{Invitation: inv, ServiceNames: serviceNames(services, inv.ServiceIDs)})
	}
	v := h.view(r, "staff.title", d)
	v.Form = f
	v.NoIndex = true
	h.render(w, r, status, "admin/staff", v)
	return nil
}

// invite sends an invitation by e-mail.
func (h *Handler) invite(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return model.ErrInvalid
	}
	acct, _ := accountFrom(r.Context())
	org, _ := orgFrom(r.Context())
	f := newForm(r)
	_, err := h.app.Accounts.Invite(r.Context(), acct, org.ID, accounts.NewInvitation{Email: f.Value("email"),
		Role: model.Role(f.Value("role")), ServiceIDs: f.Values["services"]}, lang(r))
	if f.Absorb(err) {
		return h.renderStaffPage(w, r, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	h.flash(w, "staff.invited")
	redirect(w, r, "/admin/"+org.Handle+"/staff")
	return nil
}

func (h *Handler) revokeInvitation(w http.ResponseWriter, r *http.Request) error {
	acct, _ := accountFrom(r.Context())
	org, _ := orgFrom(r.Context())
	err := h.app.Accounts.RevokeInvitation(r.Context(), acct.ID, org.ID, r.PathValue("id"))
	switch {
	case errors.Is(err, model.ErrNotFound):
		// Revoked already (a second click) or not this organisation's: nothing changes.
		h.flash(w, "staff.revoke_gone")
	case errors.Is(err, model.ErrConflict):
		h.flash(w, "staff.revoke_accepted")
	case err != nil:
		return err
	default:
		h.flash(w, "staff.revoked")
	}
	redirect(w, r, "/admin/"+org.Handle+"/staff")
	return nil
}

type memberPageData struct {
	Member   model.StaffMember
	Services []serviceOption
	Roles    []model.Role
	Self     bool
}

// findMember returns the organisation's staff member with that account id.
func (h *Handler) findMember(r *http.Request) (model.StaffMember, []model.Service, error) {
	acct, _ := accountFrom(r.Context())
	org, _ := orgFrom(r.Context())
	members, services, err := h.app.Organisations.Staff(r.Context(), acct.ID, org.ID)
	if err != nil {
		return model.StaffMember{}, nil, err
	}
	for _, m := range members {
		if m.AccountID == r.PathValue("account") {
			return m, services, nil
		}
	}
	return model.StaffMember{}, nil, model.ErrNotFound
}

func (h *Handler) memberPage(w http.ResponseWriter, r *http.Request) error {
	m, services, err := h.findMember(r)
	if err != nil {
		return err
	}
	f := emptyForm()
	f.Values.Set("role", string(m.Role))
	f.Values["services"] = m.ServiceIDs
	return h.renderMemberPage(w, r, http.StatusOK, f, m, services)
}

func (h *Handler) renderMemberPage(w http.ResponseWriter, r *http.Request, status int, f *Form, m model.StaffMember, services []model.Service) error {
	acct, _ := accountFrom(r.Context())
	v := h.view(r, "staff.member.title", memberPageData{Member: m, Services: serviceOptions(services, f.Values["services"]),
		Roles: model.Roles, Self: m.AccountID == acct.ID})
	v.Form = f
	v.NoIndex = true
	h.render(w, r, status, "admin/member", v)
	return nil
}

func (h *Handler) changeMember(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return model.ErrInvalid
	}
	m, services, err := h.findMember(r)
	if err != nil {
		return err
	}
	acct, _ := accountFrom(r.Context())
	org, _ := orgFrom(r.Context())
	f := newForm(r)
	err = h.app.Organisations.ChangeMember(r.Context(), acct.ID, org.ID, m.AccountID, model.Role(f.Value("role")), f.Values["services"])
	if f.Absorb(err) {
		return h.renderMemberPage(w, r, http.StatusUnprocessableEntity, f, m, services)
	}
	if err != nil {
		return err
	}
	h.flash(w, "staff.changed")
	redirect(w, r, "/admin/"+org.Handle+"/staff")
	return nil
}

func (h *Handler) removeMember(w http.ResponseWriter, r *http.Request) error {
	m, services, err := h.findMember(r)
	if err != nil {
		return err
	}
	acct, _ := accountFrom(r.Context())
	org, _ := orgFrom(r.Context())
	err = h.app.Organisations.RemoveMember(r.Context(), acct.ID, org.ID, m.AccountID)
	f := emptyForm()
	f.Values.Set("role", string(m.Role))
	f.Values["services"] = m.ServiceIDs
	if f.Absorb(err) {
		// The refusal (last administrator) is about the whole membership.
		f.General, f.Errors = f.Errors["role"], map[string]string{}
		return h.renderMemberPage(w, r, http.StatusUnprocessableEntity, f, m, services)
	}
	if err != nil {
		return err
	}
	h.flash(w, "staff.removed")
	if m.AccountID == acct.ID {
		redirect(w, r, "/admin")
		return nil
	}
	redirect(w, r, "/admin/"+org.Handle+"/staff")
	return nil
}
