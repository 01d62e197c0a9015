package model

import (
	"encoding/json"
	"time"
)

// The records of an archive export (docs/ARCHIVES.md): what an
// organisation hands to its archives service, one JSON file per record.
// Field names are the documented format: change them only with the
// format's version.

// ArchivePeriod is the period an export covers: From inclusive, To
// exclusive (the day after the last day asked for, Paris time).
type ArchivePeriod struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// ArchivePublication is a publication with every version of its content
// and every change of its state.
type ArchivePublication struct {
	ID            string              `json:"id"`
	Kind          string              `json:"kind"`
	Slug          string              `json:"slug"`
	Title         string              `json:"title"`
	Summary       string              `json:"summary"`
	BodyMarkdown  string              `json:"body_markdown"`
	BodyHTML      string              `json:"body_html"`
	State         string              `json:"state"`
	Revision      int                 `json:"revision"`
	AuthorID      string              `json:"author_id"`
	ImageID       string              `json:"image_id,omitempty"`
	CreatedAt     time.Time           `json:"created_at"`
	UpdatedAt     time.Time           `json:"updated_at"`
	PublishedAt   *time.Time          `json:"published_at"`
	UnpublishedAt *time.Time          `json:"unpublished_at"`
	Revisions     []ArchiveRevision   `json:"revisions"`
	Transitions   []ArchiveTransition `json:"transitions"`
	Media         []string            `json:"media"` // paths inside the package (media/…)
}

// ArchiveRevision is one saved version of a publication's content. Fields
// holds what a kind keeps beyond title, summary and body (alert level, job
// offer…), as stored.
type ArchiveRevision struct {
	ID         string          `json:"id"`
	Revision   int             `json:"revision"`
	Title      string          `json:"title"`
	Summary    string          `json:"summary"`
	Body       string          `json:"body_markdown"`
	Fields     json.RawMessage `json:"fields,omitempty"`
	AuthorID   string          `json:"author_id"`
	AuthorName string          `json:"author_name"`
	CreatedAt  time.Time       `json:"created_at"`
}

// ArchiveTransition is a change of a publication's state.
type ArchiveTransition struct {
	ID        string    `json:"id"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	ActorID   string    `json:"actor_id"`
	ActorName string    `json:"actor_name"`
	Comment   string    `json:"comment"`
	CreatedAt time.Time `json:"created_at"`
}

// ArchiveComment is a comment with its earlier texts and what screening and
// moderation made of it.
type ArchiveComment struct {
	ID             string                   `json:"id"`
	PublicationID  string                   `json:"publication_id"`
	ParentID       string                   `json:"parent_id,omitempty"`
	AccountID      string                   `json:"account_id,omitempty"`
	AuthorName     string                   `json:"author_name"`
	RemoteActor    string                   `json:"remote_actor,omitempty"`
	ServiceID      string                   `json:"service_id,omitempty"`
	AsOrganisation bool                     `json:"as_organisation"`
	StaffLabel     string                   `json:"staff_label,omitempty"`
	Official       bool                     `json:"official"`
	Body           string                   `json:"body"`
	Status         string                   `json:"status"`
	InitialStatus  string                   `json:"initial_status"`
	Screening      ArchiveScreening         `json:"screening"`
	RuleNumber     int                      `json:"rule_number,omitempty"`
	RuleText       string                   `json:"rule_text,omitempty"`
	CreatedAt      time.Time                `json:"created_at"`
	EditedAt       *time.Time               `json:"edited_at"`
	Revisions      []ArchiveCommentRevision `json:"revisions"`
}

// ArchiveScreening is the automatic screening's verdict on a comment.
type ArchiveScreening struct {
	Verdict string   `json:"verdict"`
	Score   float64  `json:"score"`
	Reasons []string `json:"reasons"`
}

// ArchiveCommentRevision is an earlier text of an edited comment.
type ArchiveCommentRevision struct {
	ID        string    `json:"id"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// ArchiveDecision is a moderation decision with its statement of reasons
// (rule, legal ground, note) and the appeal against it, if any.
type ArchiveDecision struct {
	ID          string         `json:"id"`
	CommentID   string         `json:"comment_id"`
	AuthorID    string         `json:"author_id"`
	ActorID     string         `json:"actor_id"`
	ActorName   string         `json:"actor_name"`
	Action      string         `json:"action"`
	Sanction    string         `json:"sanction"`
	Source      string         `json:"source"`
	RuleNumber  int            `json:"rule_number"`
	RuleText    string         `json:"rule_text"`
	LegalGround string         `json:"legal_ground"`
	Note        string         `json:"note"`
	QueuedAt    *time.Time     `json:"queued_at"`
	CreatedAt   time.Time      `json:"created_at"`
	Appeal      *ArchiveAppeal `json:"appeal"`
}

// ArchiveAppeal is an author contesting a decision, and the answer.
type ArchiveAppeal struct {
	ID        string     `json:"id"`
	Text      string     `json:"text"`
	Status    string     `json:"status"`
	DecidedBy string     `json:"decided_by"`
	DecidedAt *time.Time `json:"decided_at"`
	Answer    string     `json:"answer"`
	CreatedAt time.Time  `json:"created_at"`
}

// ArchiveAuditEntry is an entry of the audit log.
type ArchiveAuditEntry struct {
	ID        string    `json:"id"`
	ActorID   string    `json:"actor_id"`
	ActorName string    `json:"actor_name"`
	Action    string    `json:"action"`
	Target    string    `json:"target"`
	Detail    string    `json:"detail"`
	CreatedAt time.Time `json:"created_at"`
}
