package model

import "time"

// Why a comment's second opinion was asked (docs/MODERATION.md, "Second opinion").
const (
	BandHeldWeak      = "held_weak"      // held on statistical evidence alone
	BandPublishedNear = "published_near" // published with a score near the hold threshold
)

// States of a second opinion.
const (
	OpinionPending  = "pending"
	OpinionAnswered = "answered"
	OpinionNone     = "none"    // the server's answer was not of the schema
	OpinionFailed   = "failed"  // the server could not be reached after the retries
	OpinionSkipped  = "skipped" // the comment was decided or withdrawn first
)

// What a second opinion changed by itself.
const (
	OpinionReleased = "released" // a weak hold published
	OpinionHeld     = "held"     // a published comment put in the queue
)

// CommentOpinion is a language model's second opinion on a comment.
type CommentOpinion struct {
	CommentID   string
	OrgID       string
	Band        string
	Status      string
	Decision    string // publish or hold
	Category    string
	Confidence  float64
	Reason      string // the model's, in French
	Model       string
	Action      string // released, held or ""
	Note        string // why there is no opinion, for moderators
	RequestedAt time.Time
	AnsweredAt  *time.Time
}
