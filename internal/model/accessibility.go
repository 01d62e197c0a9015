package model

import "time"

// A11yStatus is an organisation's declared state of compliance with the
// RGAA (law of 11 February 2005, art. 47; décret 2019-768). It is what the
// administrator declares after an audit: automated checks alone never
// justify "totalement conforme", so nothing in Parvis sets it on its own.
type A11yStatus string

const (
	A11yNone    A11yStatus = "non_conforme"
	A11yPartial A11yStatus = "partiellement_conforme"
	A11yFull    A11yStatus = "totalement_conforme"
)

// A11yStatuses lists the statuses, least compliant first.
var A11yStatuses = []A11yStatus{A11yNone, A11yPartial, A11yFull}

// Valid reports whether s is one of A11yStatuses.
func (s A11yStatus) Valid() bool {
	for _, v := range A11yStatuses {
		if s == v {
			return true
		}
	}
	return false
}

// AccessibilityStatement is an organisation's accessibility statement
// (déclaration d'accessibilité): what its administrator declares, and the
// summary of the last automated audit (parvis a11y-audit).
type AccessibilityStatement struct {
	OrgID  string
	Status A11yStatus
	// AuditDate is the date of the audit the status rests on, as
	// YYYY-MM-DD; "" when none was declared.
	AuditDate     string
	Method        string // how the audit was made (who, which pages, which tools)
	NonAccessible string // non-accessible content, one per line
	Derogations   string // derogations for disproportionate burden, one per line
	Contact       string // how to report a problem or ask for an accessible version
	Audit         *A11yAudit
	UpdatedAt     time.Time // zero when never saved
}

// A11yAudit is the summary of one automated run of axe-core over one page
// of every page type of an organisation.
type A11yAudit struct {
	At         time.Time        `json:"at"`
	AxeVersion string           `json:"axe_version"`
	Pages      []A11yPageResult `json:"pages"`
}

// A11yPageResult is what axe-core found on one page: violations by impact
// and the ids of the rules violated.
type A11yPageResult struct {
	PageType string   `json:"page_type"` // catalogue suffix: a11y.page.TYPE
	Path     string   `json:"path"`
	Critical int      `json:"critical"`
	Serious  int      `json:"serious"`
	Moderate int      `json:"moderate"`
	Minor    int      `json:"minor"`
	Rules    []string `json:"rules"`
	Passes   int      `json:"passes"` // rules checked and passed
	Failed   bool     `json:"failed"` // the page could not be checked
}

// Violations is the number of violations of every impact on the page.
func (p A11yPageResult) Violations() int { return p.Critical + p.Serious + p.Moderate + p.Minor }

// A11yPlanYear is one year of the multi-year accessibility plan (schéma
// pluriannuel de mise en accessibilité).
type A11yPlanYear struct {
	Year    int
	Actions string // the actions planned that year, one per line
}
