package model

import "time"

// An event is a publication of kind "event" (title, description, topics,
// neighbourhoods, image and the editorial workflow are the publication's)
// with the details below in a row of its own. The struct is flat on purpose:
// federation writes it as an ActivityPub Event (Mobilizon's vocabulary) and
// the calendar feeds as a VEVENT, each from one value.

// JoinMode says how people take part (Mobilizon's joinMode).
type JoinMode string

const (
	JoinFree       JoinMode = "free"       // come along, no registration
	JoinRestricted JoinMode = "restricted" // registration here, with capacity
	JoinExternal   JoinMode = "external"   // registration elsewhere (ExternalURL)
)

// Attendance says where the event happens.
type Attendance string

const (
	AttendInPerson Attendance = "in_person"
	AttendOnline   Attendance = "online"
	AttendHybrid   Attendance = "hybrid"
)

// EventStatus is the event's life beside the publication workflow.
type EventStatus string

const (
	EventScheduled EventStatus = "scheduled"
	EventCancelled EventStatus = "cancelled"
	EventPostponed EventStatus = "postponed" // new date not known yet
)

// OrganiserKind says who organises, as credited on the page.
type OrganiserKind string

const (
	OrganiserOrg         OrganiserKind = "org"         // the collectivité itself
	OrganiserService     OrganiserKind = "service"     // one of its services
	OrganiserAssociation OrganiserKind = "association" // a local association, credited by name
)

// Recurrence is a repeat rule (see internal/recur for its meaning).
type Recurrence struct {
	Freq     string // "daily", "weekly", "monthly"; "" = a single event
	Interval int
	Weekdays []time.Weekday
	Nth      int // monthly: 1..4 or -1 (last) weekday of the month; 0 = same day of month
	Until    *time.Time
	Count    int
}

// Event holds an event's details; PublicationID is its publication.
type Event struct {
	PublicationID string
	OrgID         string

	StartsAt time.Time // first occurrence, UTC
	EndsAt   time.Time
	AllDay   bool // StartsAt is 00:00 Paris on the first day, EndsAt 00:00 the day after the last

	PlaceName    string
	PlaceAddress string
	Lat, Lon     *float64 // optional coordinates (WGS 84)
	Attendance   Attendance
	OnlineURL    string

	Access AccessInfo
	Free   bool
	Price  string // as written: "5 €, gratuit pour les moins de 12 ans"

	OrganiserKind      OrganiserKind
	OrganiserServiceID string
	OrganiserName      string // the association's name, or the service's (filled on read)

	Recurrence Recurrence

	JoinMode             JoinMode
	ExternalURL          string // JoinExternal
	Capacity             int    // JoinRestricted; 0 = no limit
	RegistrationDeadline *time.Time
	Questions            []Question

	Status     EventStatus
	StatusNote string // the message given when cancelled or postponed

	ImportUID    string // iCalendar UID when imported; "" otherwise
	ImportSource string // the file name or URL imported from

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Registers reports whether people register on Parvis.
func (e Event) Registers() bool { return e.JoinMode == JoinRestricted }

// Recurring reports whether the event repeats.
func (e Event) Recurring() bool { return e.Recurrence.Freq != "" }

// AccessInfo is what people with disabilities need to know before coming.
type AccessInfo struct {
	Wheelchair    bool
	SignLanguage  bool // LSF interpreter
	InductionLoop bool
	Other         string
}

// Any reports whether anything is said about accessibility.
func (a AccessInfo) Any() bool {
	return a.Wheelchair || a.SignLanguage || a.InductionLoop || a.Other != ""
}

// Question is an extra question asked at registration.
type Question struct {
	ID       string `json:"id"`
	Label    string `json:"label"`
	Kind     string `json:"kind"` // "number" (e.g. number of people) or "text"
	Required bool   `json:"required,omitempty"`
}

// ExceptionKind changes one occurrence of a series.
type ExceptionKind string

const (
	ExceptionCancel ExceptionKind = "cancel"
	ExceptionMove   ExceptionKind = "move"
)

// EventException cancels or moves one occurrence, named by its original start.
type EventException struct {
	ID            string
	EventID       string
	OriginalStart time.Time
	Kind          ExceptionKind
	StartsAt      *time.Time // ExceptionMove
	EndsAt        *time.Time
	Note          string
	CreatedAt     time.Time
}

// Occurrence is one date of an event (the only one for a single event).
type Occurrence struct {
	EventID       string
	OrgID         string
	OriginalStart time.Time // RECURRENCE-ID
	StartsAt      time.Time
	EndsAt        time.Time
	Cancelled     bool
	Moved         bool
	Note          string
}

// AgendaItem is an occurrence with what an agenda line shows of its event.
type AgendaItem struct {
	Occurrence
	Pub   Publication // title, slug, summary, image (no body)
	Event Event
	// Taken is the number of confirmed places (for "complet" / "n places").
	Taken int
}

// RegStatus is where a registration stands.
type RegStatus string

const (
	RegPending   RegStatus = "pending"   // e-mail address not confirmed yet
	RegConfirmed RegStatus = "confirmed" // has a place
	RegWaiting   RegStatus = "waiting"   // on the waiting list
	RegCancelled RegStatus = "cancelled"
)

// Registration is one person's registration to an event. Registrations are
// per event: for a recurring event with registration, people register for
// the series (a cycle of workshops); separate sessions are separate events.
type Registration struct {
	ID          string
	EventID     string
	OrgID       string
	AccountID   string // "" for an e-mail-only registration
	Email       string // normalized; never shown to staff lists beyond the organiser's needs
	Name        string
	Seats       int // places taken (answer to the "number of people" question, default 1)
	Answers     map[string]string
	Status      RegStatus
	Code        string // short check-in code, unique per event
	CheckedInAt *time.Time
	WaitingPos  int // order on the waiting list (creation order)
	Lang        string
	CreatedAt   time.Time
	ConfirmedAt *time.Time
	CancelledAt *time.Time
}
