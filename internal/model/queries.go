// Query shapes shared by the store and the use cases: filters the pages
// pass down and rows the store reads back that are not entities.

package model

import (
	"errors"
	"time"
)

// InboxFilter selects items for the inbox list.
type InboxFilter struct {
	OrgID string
	// Open lists new and assigned items only (the default view).
	Open       bool
	State      InboxState
	Kind       InboxKind
	ServiceID  string // "-" for items of no service
	AssigneeID string
	// Visible restricts to these services or this assignee (agents); nil
	// means everything (managers).
	Visible *Visibility
	Query   string
	Sort    string // "urgent" (default), "newest", "oldest", "due"
	Limit   int
	Offset  int
}

// RegistrationFilter selects an event's registrations for staff.
type RegistrationFilter struct {
	EventID  string
	Statuses []RegStatus // none: all but cancelled
	Name     string      // part of the name, case-insensitive
}

// StaffEvent is a line of the staff list of events.
type StaffEvent struct {
	Event   Event
	ID      string
	Slug    string
	Title   string
	State   PubState
	Taken   int
	Waiting int
}

// AgendaFilter selects occurrences of published events.
type AgendaFilter struct {
	OrgID string
	// TopicIDs and NeighbourhoodIDs: an event filed under any of them.
	// Both empty: every event of the organisation.
	TopicIDs         []string
	NeighbourhoodIDs []string
	From, To         time.Time // occurrences ending after From and starting before To (To zero: no bound)
	WithCancelled    bool      // include cancelled occurrences (shown struck through)
	Limit, Offset    int
}

// ClickCount is one link's aggregate clicks.
type ClickCount struct {
	URL    string
	Clicks int
}

// StaffMember is a membership with the person's public-facing name.
type StaffMember struct {
	Membership
	DisplayName string
	Email       string
}

// Notification is a comment routed to a staff member.
type Notification struct {
	ID               string
	Comment          Comment
	PublicationTitle string
	PublicationSlug  string
	ReadAt           *time.Time
	CreatedAt        time.Time
}

// PublicFilter selects published publications for a list or a feed.
type PublicFilter struct {
	OrgID           string
	Kinds           []PubKind // none: every kind but standing pages
	TopicID         string
	NeighbourhoodID string
	// ActiveAt keeps alerts not yet ended and job offers not yet closed at
	// that time (and orders alerts by urgency).
	ActiveAt *time.Time
	WithBody bool
	Limit    int
	Offset   int
}

// PubFilter selects publications for the staff list. Empty fields do not filter.
type PubFilter struct {
	OrgID    string
	State    PubState
	Kind     PubKind
	TopicID  string
	AuthorID string
	Limit    int // default 50
	Offset   int
}

// Visibility is what an agent may see: their services' items and items
// assigned to them.
type Visibility struct {
	ServiceIDs []string
	AccountID  string
}

// ErrBusy means a transaction could not start because the database stayed
// busy with other writers for too long.
var ErrBusy = errors.New("database busy")
