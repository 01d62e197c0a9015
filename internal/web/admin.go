package web

import (
	"strings"

	"net/http"

	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
)

// adminRoutes registers the staff area: the list of one's organisations and,
// per organisation, pages guarded by h.staff with the roles that may use them.
func (h *Handler) adminRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin", h.signedIn(h.adminIndex))
	mux.Handle("POST /admin", h.signedIn(h.adminCreateOrg))
	mux.Handle("GET /admin/{org}/{$}", h.staff(policy.DashboardView, h.adminHome))

	mux.Handle("GET /admin/{org}/staff", h.staff(policy.StaffManage, h.staffPage))
	mux.Handle("POST /admin/{org}/invitations", h.staff(policy.StaffInvite, h.invite))
	mux.Handle("POST /admin/{org}/invitations/{id}/revoke", h.staff(policy.StaffInvite, h.revokeInvitation))
	mux.Handle("GET /admin/{org}/staff/{account}", h.staff(policy.StaffManage, h.memberPage))
	mux.Handle("POST /admin/{org}/staff/{account}", h.staff(policy.StaffManage, h.changeMember))
	mux.Handle("POST /admin/{org}/staff/{account}/remove", h.staff(policy.StaffManage, h.removeMember))

	mux.Handle("GET /admin/{org}/services", h.staff(policy.ServicesManage, h.servicesPage))
	mux.Handle("POST /admin/{org}/services", h.staff(policy.ServicesManage, h.createService))
	mux.Handle("GET /admin/{org}/services/{id}", h.staff(policy.ServicesManage, h.servicePage))
	mux.Handle("POST /admin/{org}/services/{id}", h.staff(policy.ServicesManage, h.renameService))
	mux.Handle("POST /admin/{org}/services/{id}/delete", h.staff(policy.ServicesManage, h.deleteService))

	mux.Handle("GET /admin/{org}/journal", h.staff(policy.JournalView, h.journal))
	mux.Handle("GET /admin/{org}/journal.csv", h.staff(policy.JournalView, h.journalCSV))
	mux.Handle("GET /admin/{org}/archives", h.staff(policy.ArchiveExport, h.archivesPage))
	mux.Handle("POST /admin/{org}/archives", h.staff(policy.ArchiveExport, h.downloadArchives))

	mux.Handle("GET /admin/{org}/profile", h.staff(policy.ProfileEdit, h.profilePage))
	mux.Handle("POST /admin/{org}/profile", h.staff(policy.ProfileEdit, h.saveProfile))
	mux.Handle("GET /admin/{org}/appearance", h.staff(policy.ProfileEdit, h.lookPage))
	mux.Handle("POST /admin/{org}/appearance", h.staff(policy.ProfileEdit, h.saveLook))

	// Invitation links: anyone holding the link sees it; accepting needs
	// either a session or a new account made from the form.
	mux.Handle("GET /invitations/{token}", h.public(h.invitationPage))
	mux.Handle("POST /invitations/{token}", h.public(h.acceptInvitation))
	mux.Handle("POST /invitations/{token}/signup", h.public(h.acceptWithSignup))

	mux.Handle("GET /media/{path...}", h.public(h.media))
}

// adminIndexData lists the person's organisations; operators also get the
// creation form.
type adminIndexData struct {
	Orgs     []adminOrg
	Operator bool
	Kinds    []model.OrgKind
}

type adminOrg struct {
	Org  model.Organisation
	Role model.Role
}

func (h *Handler) adminIndex(w http.ResponseWriter, r *http.Request) error {
	return h.renderAdminIndex(w, r, http.StatusOK, emptyForm())
}

func (h *Handler) renderAdminIndex(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	acct, _ := accountFrom(r.Context())
	orgs, err := h.app.Organisations.StaffOrganisations(r.Context(), acct.ID)
	if err != nil {
		return err
	}
	d := adminIndexData{Operator: acct.IsOperator, Kinds: model.OrgKinds}
	for _, o := range orgs {
		d.Orgs = append(d.Orgs, adminOrg{Org: o.Org, Role: o.Role})
	}
	v := h.view(r, "admin.index.title", d)
	v.Form = f
	v.NoIndex = true
	h.render(w, r, status, "admin/index", v)
	return nil
}

// adminCreateOrg lets an instance operator create an organisation.
func (h *Handler) adminCreateOrg(w http.ResponseWriter, r *http.Request) error {
	acct, _ := accountFrom(r.Context())
	if !acct.IsOperator {
		return model.ErrForbidden
	}
	if err := r.ParseForm(); err != nil {
		return model.ErrInvalid
	}
	f := newForm(r)
	o, err := h.app.Organisations.CreateOrganisationAsOperator(r.Context(), acct, organisations.NewOrganisation{
		Handle: f.Value("handle"), Name: f.Value("name"), Kind: model.OrgKind(f.Value("kind"))})
	if f.Absorb(err) {
		return h.renderAdminIndex(w, r, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	h.flash(w, "admin.org_created")
	redirect(w, r, "/admin/"+o.Handle+"/")
	return nil
}

// adminHome is an organisation's staff dashboard: what waits for the
// person, with counts that link to the lists (app.Dashboard).
func (h *Handler) adminHome(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	acct, _ := accountFrom(r.Context())
	d, err := h.app.Dashboard(r.Context(), acct.ID, org.ID)
	if err != nil {
		return err
	}
	h.renderStaff(w, r, http.StatusOK, "admin/home", "admin.home.title", d, nil)
	return nil
}

// Can reports whether the signed-in person may take action (a
// policy.Action name, "newsletter.send") in the page's organisation: staff
// navigation and pages show only what the person may use, asking the same
// table as the routes and the use cases. An unknown name panics, so that a
// typo in a template fails every page that uses it instead of hiding a link
// (TestTemplatesAskKnownActions finds such typos without rendering).
func (v *View) Can(action string) bool {
	act := policy.Action(action)
	if _, ok := policy.RuleOf(act); !ok {
		panic("template asks .Can of an unknown action " + action)
	}
	return v.Membership != nil && v.Org != nil && policy.Allows(v.Membership, v.Org.ID, act)
}

// CanAll reports whether the signed-in person takes a per-service action
// on every item of the organisation (a lead), not only on the items of
// their own services (an agent).
func (v *View) CanAll(action string) bool {
	return v.Can(action) && policy.Wide(*v.Membership, policy.Action(action))
}

// Current reports whether href is the page being shown (an href ending in
// "/" must match exactly; others also match the pages below them), for
// aria-current in navigation.
func (v *View) Current(href string) bool {
	if strings.HasSuffix(href, "/") {
		return v.Path == href
	}
	return v.Path == href || strings.HasPrefix(v.Path, href+"/")
}
