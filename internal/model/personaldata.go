package model

import "time"

// PersonalData is everything Parvis holds about one resident, as handed to
// them when they download their data (RGPD art. 15 and 20). It holds no
// secret: no password hash, no session or token hash, no other person's
// data (a comment's publication is named, not its other comments).
type PersonalData struct {
	GeneratedAt   time.Time              `json:"generated_at"`
	Account       PersonalAccount        `json:"account"`
	Memberships   []PersonalMembership   `json:"memberships"`
	Sessions      []PersonalSession      `json:"sessions"`
	Subscription  *PersonalSubscription  `json:"email_subscription,omitempty"`
	Comments      []PersonalComment      `json:"comments"`
	UsefulMarks   []PersonalMark         `json:"useful_marks"`
	Reports       []PersonalReport       `json:"reports"`
	Registrations []PersonalRegistration `json:"event_registrations"`
	Requests      []PersonalRequest      `json:"requests"`
	Sanctions     []PersonalSanction     `json:"moderation_sanctions"`
	Appeals       []PersonalAppeal       `json:"moderation_appeals"`
}

// PersonalAccount is the account without its password hash.
type PersonalAccount struct {
	Email           string     `json:"email"`
	EmailVerifiedAt *time.Time `json:"email_verified_at,omitempty"`
	DisplayName     string     `json:"display_name"`
	Locale          string     `json:"language"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// PersonalMembership is a staff role in an organisation.
type PersonalMembership struct {
	Organisation string    `json:"organisation"`
	Role         string    `json:"role"`
	Since        time.Time `json:"since"`
}

// PersonalSession is a signed-in device, as the account page lists it.
type PersonalSession struct {
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	UserAgent  string    `json:"user_agent"`
	IP         string    `json:"ip_address"`
}

// PersonalSubscription is the e-mail subscription at the account's address.
type PersonalSubscription struct {
	Email         string                    `json:"email"`
	Status        string                    `json:"status"`
	ConfirmedAt   *time.Time                `json:"confirmed_at,omitempty"`
	CreatedAt     time.Time                 `json:"created_at"`
	Organisations []PersonalSubscriptionOrg `json:"organisations"`
	Follows       []PersonalFollow          `json:"follows"`
	Consents      []PersonalConsent         `json:"consents"`
}

// PersonalSubscriptionOrg is what the subscriber receives from one organisation.
type PersonalSubscriptionOrg struct {
	Organisation string    `json:"organisation"`
	Everything   bool      `json:"everything"`
	Alerts       bool      `json:"alerts"`
	News         string    `json:"news"`
	Newsletter   bool      `json:"newsletter"`
	Since        time.Time `json:"since"`
}

// PersonalFollow is one followed topic or neighbourhood.
type PersonalFollow struct {
	Organisation string    `json:"organisation"`
	Kind         string    `json:"kind"`
	Name         string    `json:"name"`
	Since        time.Time `json:"since"`
}

// PersonalConsent is the proof of a consent given or withdrawn.
type PersonalConsent struct {
	Organisation string    `json:"organisation"`
	Action       string    `json:"action"`
	Version      string    `json:"version"`
	Text         string    `json:"text"`
	Choices      string    `json:"choices"`
	IP           string    `json:"ip_address"`
	At           time.Time `json:"at"`
}

// PersonalComment is a comment the resident wrote, with its earlier versions.
type PersonalComment struct {
	Organisation string             `json:"organisation"`
	Publication  string             `json:"publication"`
	Body         string             `json:"body"`
	Status       string             `json:"status"`
	CreatedAt    time.Time          `json:"created_at"`
	Versions     []PersonalRevision `json:"earlier_versions"`
}

// PersonalRevision is an earlier text of a comment.
type PersonalRevision struct {
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// PersonalMark is a comment the resident marked as useful.
type PersonalMark struct {
	Organisation string    `json:"organisation"`
	Publication  string    `json:"publication"`
	At           time.Time `json:"at"`
}

// PersonalReport is a comment the resident reported.
type PersonalReport struct {
	Organisation string    `json:"organisation"`
	Publication  string    `json:"publication"`
	Reason       string    `json:"reason"`
	Explanation  string    `json:"explanation"`
	Status       string    `json:"status"`
	CreatedAt    time.Time `json:"created_at"`
}

// PersonalRegistration is a registration to an event.
type PersonalRegistration struct {
	Organisation string     `json:"organisation"`
	Event        string     `json:"event"`
	Name         string     `json:"name"`
	Email        string     `json:"email"`
	Seats        int        `json:"seats"`
	Answers      string     `json:"answers"`
	Status       string     `json:"status"`
	CreatedAt    time.Time  `json:"created_at"`
	CancelledAt  *time.Time `json:"cancelled_at,omitempty"`
}

// PersonalRequest is a question or request sent to an organisation, with
// the answers it received and the person's replies by e-mail.
type PersonalRequest struct {
	Organisation string            `json:"organisation"`
	Reference    string            `json:"reference"`
	Name         string            `json:"name"`
	Email        string            `json:"email"`
	Body         string            `json:"body"`
	CreatedAt    time.Time         `json:"created_at"`
	Messages     []PersonalMessage `json:"messages"`
}

// PersonalMessage is an answer to a request ("answer") or the person's
// reply to it by e-mail ("your_reply").
type PersonalMessage struct {
	Kind string    `json:"kind"`
	Body string    `json:"body"`
	At   time.Time `json:"at"`
}

// PersonalSanction is a moderation measure taken against the account.
type PersonalSanction struct {
	Organisation string     `json:"organisation"`
	Kind         string     `json:"kind"`
	Until        *time.Time `json:"until,omitempty"`
	LiftedAt     *time.Time `json:"lifted_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
}

// PersonalAppeal is an appeal the resident made against a moderation decision.
type PersonalAppeal struct {
	Organisation string     `json:"organisation"`
	Text         string     `json:"text"`
	Status       string     `json:"status"`
	Answer       string     `json:"answer"`
	CreatedAt    time.Time  `json:"created_at"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"`
}
