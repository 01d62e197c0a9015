// Package model holds Parvis's domain types and the sentinel errors every layer
// speaks. It imports nothing of ours so that every other package can use it.
package model

import (
	"errors"
	"slices"
	"time"
)

// Sentinel errors. The store translates driver errors into these once; the
// HTTP edges map them to status codes and French messages.
var (
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("conflict")
	ErrForbidden    = errors.New("forbidden")
	ErrUnauthorized = errors.New("unauthorized")
	ErrInvalid      = errors.New("invalid input")
	ErrExpired      = errors.New("expired")
	ErrRateLimited  = errors.New("rate limited")
)

// FieldError is an invalid input tied to one form field. Code is a catalogue
// key so that the web layer can show the message in the reader's language.
type FieldError struct {
	Field string
	Code  string
}

func (e *FieldError) Error() string { return "invalid " + e.Field + ": " + e.Code }

// Unwrap lets callers test errors.Is(err, ErrInvalid).
func (e *FieldError) Unwrap() error { return ErrInvalid }

// ValidationError gathers every field error of one submission so a form can
// show them all at once.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	if len(e.Fields) == 0 {
		return "invalid input"
	}
	return "invalid input: " + e.Fields[0].Field + ": " + e.Fields[0].Code
}

// Unwrap lets callers test errors.Is(err, ErrInvalid).
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// Add records one more field error.
func (e *ValidationError) Add(field, code string) {
	e.Fields = append(e.Fields, FieldError{Field: field, Code: code})
}

// Err returns nil when nothing was recorded, so call sites can end with
// `return v.Err()`.
func (e *ValidationError) Err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

// For returns the code recorded for field, or "".
func (e *ValidationError) For(field string) string {
	for _, f := range e.Fields {
		if f.Field == field {
			return f.Code
		}
	}
	return ""
}

// OrgKind is the kind of collectivité.
type OrgKind string

const (
	KindCommune          OrgKind = "commune"
	KindIntercommunalite OrgKind = "intercommunalite"
	KindDepartement      OrgKind = "departement"
	KindRegion           OrgKind = "region"
	KindOther            OrgKind = "other"
)

// OrgKinds lists the valid kinds in display order.
var OrgKinds = []OrgKind{KindCommune, KindIntercommunalite, KindDepartement, KindRegion, KindOther}

// Valid reports whether k is one of OrgKinds.
func (k OrgKind) Valid() bool { return slices.Contains(OrgKinds, k) }

// Organisation is a collectivité: the tenant.
type Organisation struct {
	ID                  string
	Handle              string
	Name                string
	Kind                OrgKind
	Description         string
	ContactEmail        string
	ContactPhone        string
	Address             string
	Website             string
	LogoPath            string // relative to the data dir's media folder; "" when none
	PublicationDirector string // directeur de la publication
	Host                string // hébergeur (legal notice)
	Population          int
	// A11yStatus is the accessibility status its administrator declares,
	// shown in the footer of every public page (AccessibilityStatement).
	A11yStatus A11yStatus
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Look       OrgLook
}

// OrgLook is how an organisation's pages look: its colours ("#rrggbb", ""
// for Parvis's own) and the banner photo of its home page. Colours are
// checked for contrast when saved and again when drawn (internal/colour).
type OrgLook struct {
	BrandColour  string // links, buttons, accents; white text sits on it
	HeaderColour string // the header band; white text sits on it; "" for a white header
	// Banner is the home page's photo: Path "" when none; Alt "" when it is
	// decorative. Only Path, Alt, Width, Height and Variants are used.
	Banner Media
}

// Role is a staff role inside one organisation.
type Role string

const (
	RoleAdmin     Role = "admin"
	RoleManager   Role = "manager"
	RoleEditor    Role = "editor"
	RoleValidator Role = "validator"
	RoleAgent     Role = "agent"
)

// Roles lists the valid roles, most powerful first.
var Roles = []Role{RoleAdmin, RoleManager, RoleEditor, RoleValidator, RoleAgent}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Account is a person: resident, staff or both. Accounts are instance-wide.
type Account struct {
	ID              string
	Email           string
	EmailVerifiedAt *time.Time
	DisplayName     string
	PasswordHash    string
	Locale          string // "fr" or "en"; "" means negotiate
	IsOperator      bool
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Verified reports whether the account's e-mail was confirmed.
func (a Account) Verified() bool { return a.EmailVerifiedAt != nil }

// Membership ties an account to an organisation with a role. Agents belong to
// services.
type Membership struct {
	AccountID  string
	OrgID      string
	Role       Role
	ServiceIDs []string
	CreatedAt  time.Time
}

// Service is a department of an organisation (Voirie, Culture…), the unit
// agents answer for.
type Service struct {
	ID        string
	OrgID     string
	Name      string
	Slug      string
	CreatedAt time.Time
}

// Session is a server-side login session. Only the hash of its token is stored.
type Session struct {
	IDHash     string
	AccountID  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	UserAgent  string
	IP         string
}

// TokenPurpose says what a single-use e-mailed token is for.
type TokenPurpose string

const (
	TokenVerifyEmail   TokenPurpose = "verify_email"
	TokenResetPassword TokenPurpose = "reset_password"
	TokenChangeEmail   TokenPurpose = "change_email"
)

// Token is a single-use, expiring secret sent by e-mail; only its hash is stored.
type Token struct {
	Hash      string
	AccountID string
	Purpose   TokenPurpose
	Payload   string // e.g. the new address for change_email
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedAt time.Time
}

// Invitation asks a person, by e-mail, to join an organisation's staff.
type Invitation struct {
	ID         string
	OrgID      string
	Email      string
	Role       Role
	ServiceIDs []string
	TokenHash  string
	InvitedBy  string
	ExpiresAt  time.Time
	AcceptedAt *time.Time
	CreatedAt  time.Time
}

// AuditEntry records who did what, when and why; part of the public archive.
type AuditEntry struct {
	ID        string
	OrgID     string // "" for instance-level actions
	ActorID   string // "" for the system or the command line
	Action    string
	Target    string
	Detail    string
	CreatedAt time.Time
}
