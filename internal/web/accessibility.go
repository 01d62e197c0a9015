package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
)

// legalSiteRoutes are an organisation's legal pages: the legal notice, the
// accessibility statement and the multi-year plan, linked from the footer
// of its every page with the personal-data notice (privacy.go).
func (h *Handler) legalSiteRoutes(site *http.ServeMux) {
	site.Handle("GET /{org}/mentions-legales", h.orgPage(h.legalNotice))
	site.Handle("GET /{org}/accessibilite", h.orgPage(h.statementPage))
	site.Handle("GET /{org}/accessibilite/schema-pluriannuel", h.orgPage(h.planPage))
}

// accessibilityRoutes are the administrator's forms for the statement and
// the plan, and the instance's own legal pages.
func (h *Handler) accessibilityRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/{org}/accessibilite", h.staff(policy.AccessibilityEdit, h.statementForm))
	mux.Handle("POST /admin/{org}/accessibilite", h.staff(policy.AccessibilityEdit, h.saveStatement))
	mux.Handle("GET /admin/{org}/accessibilite/schema", h.staff(policy.AccessibilityEdit, h.planForm))
	mux.Handle("POST /admin/{org}/accessibilite/schema", h.staff(policy.AccessibilityEdit, h.savePlan))
	for _, p := range []string{"accessibilite", "mentions-legales", "donnees-personnelles", "contact"} {
		mux.Handle("GET /"+p, h.public(h.instanceLegal(p)))
	}
}

// legalNotice renders the organisation's legal notices (mentions légales).
func (h *Handler) legalNotice(w http.ResponseWriter, r *http.Request) error {
	h.render(w, r, http.StatusOK, "org_legal", h.view(r, "legal.title", nil))
	return nil
}

// statementData is the public statement page.
type statementData struct {
	St            model.AccessibilityStatement
	NonAccessible []string
	Derogations   []string
	HasPlan       bool
	Audit         *auditSummary
}

// auditSummary adds up the last automated audit for the page.
type auditSummary struct {
	model.A11yAudit
	Critical, Serious, Moderate, Minor int
	Checked                            int      // pages checked
	Rules                              []string // every rule violated somewhere, sorted
}

func summarise(a *model.A11yAudit) *auditSummary {
	if a == nil {
		return nil
	}
	s := &auditSummary{A11yAudit: *a}
	for _, p := range a.Pages {
		if p.Failed {
			continue
		}
		s.Checked++
		s.Critical, s.Serious, s.Moderate, s.Minor = s.Critical+p.Critical, s.Serious+p.Serious, s.Moderate+p.Moderate, s.Minor+p.Minor
		for _, id := range p.Rules {
			if !slices.Contains(s.Rules, id) {
				s.Rules = append(s.Rules, id)
			}
		}
	}
	slices.Sort(s.Rules)
	return s
}

// lines splits a text typed one item per line, dropping blank lines.
func lines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func (h *Handler) statementPage(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	st, err := h.app.Organisations.AccessibilityStatement(r.Context(), org.ID)
	if err != nil {
		return err
	}
	plan, err := h.app.Organisations.AccessibilityPlan(r.Context(), org.ID)
	if err != nil {
		return err
	}
	d := statementData{St: st, NonAccessible: lines(st.NonAccessible), Derogations: lines(st.Derogations),
		HasPlan: len(plan) > 0, Audit: summarise(st.Audit)}
	h.render(w, r, http.StatusOK, "org_accessibility", h.view(r, "a11y.title", d))
	return nil
}

// planYear is one year of the plan, its actions one per line.
type planYear struct {
	Year    int
	Actions []string
}

func (h *Handler) planPage(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	plan, err := h.app.Organisations.AccessibilityPlan(r.Context(), org.ID)
	if err != nil {
		return err
	}
	var years []planYear
	for _, y := range plan {
		years = append(years, planYear{Year: y.Year, Actions: lines(y.Actions)})
	}
	h.render(w, r, http.StatusOK, "org_a11y_plan", h.view(r, "a11y.plan.title", years))
	return nil
}

// statementForm shows the administrator's statement form, filled with what
// is saved.
func (h *Handler) statementForm(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	st, err := h.app.Organisations.AccessibilityStatement(r.Context(), org.ID)
	if err != nil {
		return err
	}
	f := emptyForm()
	for k, v := range map[string]string{"status": string(st.Status), "audit_date": st.AuditDate, "method": st.Method,
		"non_accessible": st.NonAccessible, "derogations": st.Derogations, "contact": st.Contact} {
		f.Values.Set(k, v)
	}
	return h.renderStatementForm(w, r, http.StatusOK, f, st)
}

func (h *Handler) renderStatementForm(w http.ResponseWriter, r *http.Request, status int, f *Form, st model.AccessibilityStatement) error {
	v := h.view(r, "a11y.admin.title", struct {
		Statuses []model.A11yStatus
		Audit    *auditSummary
	}{model.A11yStatuses, summarise(st.Audit)})
	v.Form = f
	v.NoIndex = true
	h.render(w, r, status, "admin/accessibility", v)
	return nil
}

func (h *Handler) saveStatement(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return model.ErrInvalid
	}
	f := newForm(r)
	acct, _ := accountFrom(r.Context())
	org, _ := orgFrom(r.Context())
	in := organisations.StatementInput{Status: f.Value("status"), AuditDate: f.Value("audit_date"), Method: f.Value("method"),
		NonAccessible: f.Value("non_accessible"), Derogations: f.Value("derogations"), Contact: f.Value("contact")}
	err := h.app.Organisations.UpdateAccessibilityStatement(r.Context(), acct.ID, org.ID, in)
	if f.Absorb(err) {
		st, rerr := h.app.Organisations.AccessibilityStatement(r.Context(), org.ID)
		if rerr != nil {
			return rerr
		}
		return h.renderStatementForm(w, r, http.StatusUnprocessableEntity, f, st)
	}
	if err != nil {
		return err
	}
	h.flash(w, "a11y.admin.saved")
	redirect(w, r, "/admin/"+org.Handle+"/accessibilite")
	return nil
}

// planRow is one row of the plan form: I names its fields, N is shown.
type planRow struct{ I, N int }

func planRows() []planRow {
	rows := make([]planRow, organisations.MaxPlanYears)
	for i := range rows {
		rows[i] = planRow{I: i, N: i + 1}
	}
	return rows
}

func (h *Handler) planForm(w http.ResponseWriter, r *http.Request) error {
	org, _ := orgFrom(r.Context())
	plan, err := h.app.Organisations.AccessibilityPlan(r.Context(), org.ID)
	if err != nil {
		return err
	}
	f := emptyForm()
	for i, y := range plan {
		f.Values.Set(fmt.Sprintf("year_%d", i), strconv.Itoa(y.Year))
		f.Values.Set(fmt.Sprintf("actions_%d", i), y.Actions)
	}
	return h.renderPlanForm(w, r, http.StatusOK, f)
}

func (h *Handler) renderPlanForm(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	v := h.view(r, "a11y.plan.admin_title", planRows())
	v.Form = f
	v.NoIndex = true
	h.render(w, r, status, "admin/accessibility_plan", v)
	return nil
}

func (h *Handler) savePlan(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return model.ErrInvalid
	}
	f := newForm(r)
	acct, _ := accountFrom(r.Context())
	org, _ := orgFrom(r.Context())
	var rows []organisations.PlanYearInput
	for i := range organisations.MaxPlanYears {
		rows = append(rows, organisations.PlanYearInput{Year: f.Value(fmt.Sprintf("year_%d", i)), Actions: f.Value(fmt.Sprintf("actions_%d", i))})
	}
	err := h.app.Organisations.UpdateAccessibilityPlan(r.Context(), acct.ID, org.ID, rows)
	if f.Absorb(err) {
		return h.renderPlanForm(w, r, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	h.flash(w, "a11y.plan.saved")
	redirect(w, r, "/admin/"+org.Handle+"/accessibilite/schema")
	return nil
}

// instanceLegal renders the instance's own legal pages (page is the path):
// the pages that belong to no organisation (the instance's home, sign-up,
// login) point to them; each lists the organisations hosted, whose own
// pages say the rest.
func (h *Handler) instanceLegal(page string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		orgs, err := h.app.Organisations.List(r.Context())
		if err != nil {
			return err
		}
		key := "instance." + strings.ReplaceAll(page, "-", "_")
		if page == "contact" {
			page = "question"
		}
		h.render(w, r, http.StatusOK, "instance_legal", h.view(r, key+".title", struct {
			Key, OrgPage string
			Orgs         []model.Organisation
		}{key, page, orgs}))
		return nil
	}
}

// DayOf formats a date kept as YYYY-MM-DD (an audit date) for the reader;
// a text that is not one is shown as it is.
func (v *View) DayOf(iso string) string {
	t, err := time.ParseInLocation(time.DateOnly, iso, paris)
	if err != nil {
		return iso
	}
	return formatDate(v.Lang, t, false)
}
