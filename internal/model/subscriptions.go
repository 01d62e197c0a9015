package model

import "time"

// SubscriberStatus says whether mail may go to an address.
type SubscriberStatus string

const (
	SubPending   SubscriberStatus = "pending"   // double opt-in not yet confirmed
	SubActive    SubscriberStatus = "active"    // confirmed
	SubSuspended SubscriberStatus = "suspended" // too many hard bounces
)

// Subscriber is an e-mail address that receives mail from organisations,
// with or without an account.
type Subscriber struct {
	ID               string
	Email            string
	AccountID        string
	Lang             string
	Status           SubscriberStatus
	ConfirmedAt      *time.Time
	HardBounces      int
	LastBounceAt     *time.Time
	LastBounceReason string
	SuspendedAt      *time.Time
	ConfirmSentAt    *time.Time
	ConfirmSends     int
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Frequency is how often news and events arrive.
type Frequency string

const (
	FreqNone      Frequency = "none"
	FreqImmediate Frequency = "immediate"
	FreqDaily     Frequency = "daily"
	FreqWeekly    Frequency = "weekly"
)

// Valid reports whether f is a known frequency.
func (f Frequency) Valid() bool {
	switch f {
	case FreqNone, FreqImmediate, FreqDaily, FreqWeekly:
		return true
	}
	return false
}

// Choices is what a subscriber receives from one organisation. Alerts are
// always sent immediately: an urgent alert cannot wait for a digest.
type Choices struct {
	Everything       bool      `json:"everything"` // every topic and neighbourhood
	Alerts           bool      `json:"alerts"`
	News             Frequency `json:"news"` // news and events
	Newsletter       bool      `json:"newsletter"`
	TopicIDs         []string  `json:"topics,omitempty"`
	NeighbourhoodIDs []string  `json:"neighbourhoods,omitempty"`
}

// Empty reports whether nothing at all is chosen.
func (c Choices) Empty() bool {
	return !c.Alerts && (c.News == FreqNone || c.News == "") && !c.Newsletter
}

// SubscriberOrg is a subscriber's choices for one organisation.
type SubscriberOrg struct {
	SubscriberID string
	OrgID        string
	Choices
	LastDigestAt *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// FollowKind is what a subscriber follows within an organisation.
type FollowKind string

const (
	FollowTopic         FollowKind = "topic"
	FollowNeighbourhood FollowKind = "neighbourhood"
	FollowThread        FollowKind = "thread" // a publication's comments
)

// Consent is one entry of the proof of opt-in (RGPD art. 7(1)).
type Consent struct {
	ID             string
	SubscriberID   string
	OrgID          string
	Action         string // requested, confirmed, changed, unsubscribed
	ConsentVersion string
	ConsentText    string
	Choices        string // JSON of Choices
	IP             string
	CreatedAt      time.Time
}

// MailingKind is why a mailing is sent.
type MailingKind string

const (
	MailingNewsletter MailingKind = "newsletter"
	MailingAlert      MailingKind = "alert"
	MailingNews       MailingKind = "news"
	MailingDigest     MailingKind = "digest"
	MailingThread     MailingKind = "thread"
)

// MailingState is where a mass sending stands.
type MailingState string

const (
	MailingSending   MailingState = "sending"
	MailingPaused    MailingState = "paused"
	MailingCancelled MailingState = "cancelled"
	MailingDone      MailingState = "done"
)

// Mailing is one body sent to many subscribers. Bodies carry placeholders
// replaced per recipient (preference and unsubscribe links) so the message
// is rendered once, whatever the audience.
type Mailing struct {
	ID            string
	OrgID         string
	Kind          MailingKind
	RefID         string
	Subject       string
	Text          string
	HTML          string
	State         MailingState
	Total         int
	Sent          int
	Failed        int
	Skipped       int // unsubscribed or suspended after the list was drawn
	RatePerSecond int
	LeaseOwner    string
	LeaseUntil    *time.Time
	CreatedAt     time.Time
	StartedAt     *time.Time
	FinishedAt    *time.Time
	Drawing       bool // the recipient list is still being drawn (alerts, news)
	// Bodies are the message in languages other than the main one
	// (i18n.Default), in mailing_bodies; loaded by RunMailing only.
	Bodies []MailingBody
}

// NewsletterState is where a newsletter stands.
type NewsletterState string

const (
	NewsletterDraft     NewsletterState = "draft"
	NewsletterScheduled NewsletterState = "scheduled"
	NewsletterSending   NewsletterState = "sending"
	NewsletterSent      NewsletterState = "sent"
	NewsletterCancelled NewsletterState = "cancelled"
)

// Newsletter is a letter composed by staff in Markdown.
type Newsletter struct {
	ID                     string
	OrgID                  string
	Slug                   string
	Subject                string
	BodyMD                 string
	AudienceTopics         []string
	AudienceNeighbourhoods []string
	State                  NewsletterState
	ScheduledAt            *time.Time
	SentAt                 *time.Time
	MailingID              string
	HTMLArchive            string
	CreatedBy              string
	CreatedAt              time.Time
	UpdatedAt              time.Time
}

// MailSettings are an organisation's e-mail settings.
type MailSettings struct {
	OrgID         string
	DigestHour    int // local hour (Europe/Paris) digests go out
	WeeklyDay     int // time.Weekday of weekly digests
	ClickCounts   bool
	RatePerSecond int // 0: as fast as the server takes them
	UpdatedAt     time.Time
}

// BounceStat is an aggregate of bounce reasons, for staff (no addresses).
type BounceStat struct {
	Reason string
	Count  int
}

// MailingBody is a mailing's message in one language.
type MailingBody struct {
	Lang, Subject, Text, HTML string
}

// Recipient is one addressee of a mailing, as claimed for sending.
type Recipient struct {
	SubscriberID string
	Email        string
	Lang         string
	Wanted       bool // still active and still subscribed to this kind of mail
}
