package model

import (
	"fmt"
	"strings"
	"time"
)

// PubKind is a kind of publication. Events are added by the events feature
// on the same machinery.
type PubKind string

const (
	KindNews  PubKind = "news"  // actualité
	KindAlert PubKind = "alert" // alerte
	KindJob   PubKind = "job"   // offre d'emploi
	KindPage  PubKind = "page"  // standing page (legal notices, charter…)
	KindEvent PubKind = "event" // événement (events feature)
)

// PubState is where a publication stands in the editorial workflow.
type PubState string

const (
	StateDraft       PubState = "draft"
	StateSubmitted   PubState = "submitted"   // waiting for a validator
	StateApproved    PubState = "approved"    // validated, not yet out
	StateScheduled   PubState = "scheduled"   // will be published at ScheduledAt by a job
	StatePublished   PubState = "published"   // visible to the public
	StateUnpublished PubState = "unpublished" // withdrawn
)

// AlertLevel is an alert's urgency.
type AlertLevel string

const (
	AlertInfo      AlertLevel = "information"
	AlertVigilance AlertLevel = "vigilance"
	AlertUrgence   AlertLevel = "urgence"
)

// JobOffer holds the fields of a job offer publication.
type JobOffer struct {
	Title      string     // intitulé du poste
	Grade      string     // cadre d'emplois / grade
	Category   string     // A, B or C
	Filiere    string     // administrative, technique, culturelle…
	Contract   string     // "permanent" (titulaire) or "contract" (contractuel)
	Time       string     // "full" or "part"
	Place      string     // lieu de travail
	ClosesAt   *time.Time // date limite de candidature
	HowToApply string
}

// Publication is something the organisation publishes.
type Publication struct {
	ID       string
	OrgID    string
	Kind     PubKind
	Slug     string
	Title    string
	Summary  string // short plain text; mandatory FALC summary (< 280 chars) for alerts
	BodyMD   string // Markdown source
	BodyHTML string // rendered and sanitized
	State    PubState
	AuthorID string
	Revision int

	AlertLevel  AlertLevel
	AlertEndsAt *time.Time
	Job         JobOffer
	ImageID     string // illustration (a media id); "" when none

	TopicIDs         []string
	NeighbourhoodIDs []string

	CreatedAt     time.Time
	UpdatedAt     time.Time // last content change
	SubmittedAt   *time.Time
	ApprovedAt    *time.Time
	ApprovedBy    string
	ScheduledAt   *time.Time
	PublishedAt   *time.Time // first publication: the public date
	RepublishedAt *time.Time // last content update after publication: "mis à jour le"
	UnpublishedAt *time.Time
}

// Topic is a subject residents follow (Travaux, Culture…), optionally routed
// to a service.
type Topic struct {
	ID          string
	OrgID       string
	Slug        string
	Name        string
	Description string
	ServiceID   string // "" when no service is responsible
	CreatedAt   time.Time
}

// Neighbourhood is a place residents follow (quartier, hameau).
type Neighbourhood struct {
	ID          string
	OrgID       string
	Slug        string
	Name        string
	Description string
	CreatedAt   time.Time
}

// PubKinds lists the kinds the editorial side manages, in display order.
var PubKinds = []PubKind{KindNews, KindAlert, KindJob, KindEvent, KindPage}

// Valid reports whether k is a known kind.
func (k PubKind) Valid() bool {
	switch k {
	case KindNews, KindAlert, KindJob, KindPage, KindEvent:
		return true
	}
	return false
}

// PubStates lists the workflow states in order.
var PubStates = []PubState{StateDraft, StateSubmitted, StateApproved, StateScheduled, StatePublished, StateUnpublished}

// Valid reports whether s is a known state.
func (s PubState) Valid() bool {
	for _, v := range PubStates {
		if v == s {
			return true
		}
	}
	return false
}

// AlertLevels lists the alert levels, least urgent first.
var AlertLevels = []AlertLevel{AlertInfo, AlertVigilance, AlertUrgence}

// Valid reports whether l is a known level.
func (l AlertLevel) Valid() bool {
	for _, v := range AlertLevels {
		if v == l {
			return true
		}
	}
	return false
}

// PubRevision is one saved version of a publication's content. Revisions are
// never changed or deleted: they are part of the public archive.
type PubRevision struct {
	ID            string
	PublicationID string
	Revision      int
	Title         string
	Summary       string
	BodyMD        string
	AlertLevel    AlertLevel
	AlertEndsAt   *time.Time
	Job           JobOffer
	AuthorID      string
	CreatedAt     time.Time
}

// PubTransition records one move in the workflow: who, when, why.
type PubTransition struct {
	ID            string
	PublicationID string
	OrgID         string
	From          PubState
	To            PubState
	ActorID       string
	Comment       string
	CreatedAt     time.Time
}

// Media is an uploaded file: an image (re-encoded, with variants) or a PDF.
type Media struct {
	ID           string
	OrgID        string
	Kind         string // "image" or "pdf"
	Path         string // relative to the media root: {org}/{hash}.{ext}
	OriginalName string
	ContentType  string
	Alt          string // mandatory for images
	Width        int
	Height       int
	Bytes        int64
	Variants     []MediaVariant
	UploadedBy   string
	CreatedAt    time.Time
}

// Srcset lists the image's resized copies and itself by width, for the
// srcset attribute, so that a phone downloads the small copy; "" when the
// image is too small to have copies.
func (m Media) Srcset() string {
	if len(m.Variants) == 0 {
		return ""
	}
	set := make([]string, 0, len(m.Variants)+1)
	for _, v := range m.Variants {
		set = append(set, fmt.Sprintf("/media/%s %dw", v.Path, v.Width))
	}
	return strings.Join(append(set, fmt.Sprintf("/media/%s %dw", m.Path, m.Width)), ", ")
}

// MediaVariant is a resized copy of an image, for srcset.
type MediaVariant struct {
	Width  int    `json:"w"`
	Height int    `json:"h"`
	Path   string `json:"p"`
}

// Limits of the editor's fields, in characters.
const (
	MaxTitle        = 200
	MaxAlertSummary = 280
	MaxSummary      = 600
	MaxBody         = 100_000
	MaxField        = 200
	MaxApply        = 2000
	MaxComment      = 2000
)
