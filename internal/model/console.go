package model

import "time"

// InboxKind is where an inbox item comes from.
type InboxKind string

const (
	InboxQuestion      InboxKind = "question"       // a comment marked or detected as a question
	InboxRequest       InboxKind = "request"        // a request sent through the "poser une question" form
	InboxHeld          InboxKind = "held"           // a comment held by screening or pre-moderation, or a review request
	InboxReport        InboxKind = "report"         // a reported comment
	InboxAppeal        InboxKind = "appeal"         // an author contests a moderation decision
	InboxRemote        InboxKind = "remote"         // a Fediverse reply (federation)
	InboxEventQuestion InboxKind = "event_question" // a question about an event (events)
	InboxRights        InboxKind = "rights"         // a request to exercise a data protection right (RGPD art. 15 to 22)
)

// RightsDeadlineMonths is the time the organisation has to answer a data
// protection rights request (RGPD art. 12.3), whatever its own delay for
// other requests.
const RightsDeadlineMonths = 1

// DataRights are the rights a person may ask to exercise, in the order the
// form lists them.
var DataRights = []string{"access", "rectification", "erasure", "objection", "restriction", "portability", "other"}

// InboxKinds lists the kinds in display order.
var InboxKinds = []InboxKind{InboxQuestion, InboxRequest, InboxHeld, InboxReport, InboxAppeal, InboxRemote, InboxEventQuestion, InboxRights}

// Moderation reports whether the item is settled in the moderation queue
// rather than by an answer.
func (k InboxKind) Moderation() bool { return k == InboxHeld || k == InboxReport || k == InboxAppeal }

// Request reports whether items of the kind are requests to the
// administration sent through the "poser une question" form (a
// resident_requests row, acknowledged and answered by e-mail, with a legal
// deadline): general requests, questions about an event and data
// protection rights requests.
func (k InboxKind) Request() bool {
	return k == InboxRequest || k == InboxEventQuestion || k == InboxRights
}

// InboxState is where an item stands.
type InboxState string

const (
	StateNew      InboxState = "new"
	StateAssigned InboxState = "assigned"
	StateWaiting  InboxState = "waiting" // waiting for the resident
	StateAnswered InboxState = "answered"
	StateClosed   InboxState = "closed"
)

// InboxStates lists the states in workflow order.
var InboxStates = []InboxState{StateNew, StateAssigned, StateWaiting, StateAnswered, StateClosed}

// Valid reports whether s is a known state.
func (s InboxState) Valid() bool {
	for _, v := range InboxStates {
		if v == s {
			return true
		}
	}
	return false
}

// Open reports whether the item still needs staff: new or assigned.
func (s InboxState) Open() bool { return s == StateNew || s == StateAssigned }

// InboxItem is one thing that needs a human.
type InboxItem struct {
	ID            string
	OrgID         string
	Kind          InboxKind
	SourceID      string
	PublicationID string
	AuthorName    string
	Excerpt       string
	ServiceID     string
	ServiceName   string // joined for display
	AssigneeID    string
	AssigneeName  string // joined for display
	State         InboxState
	Urgent        bool
	OutOfHours    bool
	ReceivedAt    time.Time
	DueAt         *time.Time // service target, in open hours
	LegalDueAt    *time.Time // requests: the legal deadline (two months by default)
	FirstAnswerAt *time.Time
	// FirstAnswerOpen is the open time between receipt and the first answer.
	FirstAnswerOpen *time.Duration
	ClosedAt        *time.Time
	Version         int
	UpdatedAt       time.Time
}

// InboxEvent is one line of an item's history. Notes are internal: staff
// only.
type InboxEvent struct {
	ID        string
	ItemID    string
	OrgID     string
	ActorID   string
	ActorName string
	Kind      string // created, routed, assigned, state, note, reply, escalated, acknowledged, notified
	Detail    string
	Body      string
	CreatedAt time.Time
}

// ResidentRequest is a request sent to the administration through the form.
type ResidentRequest struct {
	ID            string
	OrgID         string
	AccountID     string
	Name          string
	Email         string // never shown to staff: replies go out by e-mail
	Body          string
	PublicationID string
	ServiceID     string
	Reference     string
	IdemKey       string
	CreatedAt     time.Time
}

// RoutingRule sends items matching a topic, neighbourhood or keyword to a
// service.
type RoutingRule struct {
	ID          string
	OrgID       string
	Kind        string // topic, neighbourhood, keyword
	Value       string // topic id, neighbourhood id or keyword
	ServiceID   string
	ServiceName string
	Position    int
	CreatedAt   time.Time
}

// SavedReply is a reply template of the organisation or of one service.
type SavedReply struct {
	ID          string
	OrgID       string
	ServiceID   string
	ServiceName string
	Title       string
	Body        string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ConsoleSettings are an organisation's console settings.
type ConsoleSettings struct {
	OrgID           string
	Holidays        bool
	OnCallPhone     string
	OnCallEmail     string
	UrgentWords     []string
	LegalMonths     int
	TargetHours     int
	HourlyCostCents int
	UpdatedAt       time.Time
}

// OfficeSpan is an opening span of a weekday, in minutes after midnight.
type OfficeSpan struct {
	Weekday    time.Weekday
	Start, End int
}

// OfficeClosure closes the organisation from one date to another, inclusive.
type OfficeClosure struct {
	ID       string
	OrgID    string
	StartsOn string // YYYY-MM-DD
	EndsOn   string
	Label    string
}

// CommentPosted is what the console's inbox (InboxOnComment) needs to know
// of a comment besides the comment itself.
type CommentPosted struct {
	Org      Organisation
	AuthorID string
	Staff    bool // a staff answer
	// Question is the resident's "c'est une question" box.
	Question bool
	// ItemID and ItemVersion are set when staff answer from the console:
	// the item answered and the version its author saw.
	ItemID      string
	ItemVersion int
	// Notified lists services whose agents were told already.
	Notified []string
}
