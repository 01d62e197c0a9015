package model

import "time"

// Kinds of local ActivityPub actors.
const (
	ActorOrg      = "org"      // an organisation (type Organization)
	ActorTopic    = "topic"    // one of its topics (type Group), followed on its own
	ActorPerson   = "person"   // a local account (type Person)
	ActorInstance = "instance" // the instance (type Application): signs fetches
)

// FedActor is one of our actors with its key pair.
type FedActor struct {
	ID            string
	Kind          string
	OrgID         string
	TopicID       string
	AccountID     string
	PublicKeyPEM  string
	PrivateKeyPEM string
	CreatedAt     time.Time
}

// RemoteActor is an actor of another server, as last fetched.
type RemoteActor struct {
	URI          string
	KeyID        string
	PublicKeyPEM string
	Handle       string // user@host
	Name         string
	URL          string // profile page
	Inbox        string
	SharedInbox  string
	Host         string
	FetchedAt    time.Time
}

// DeliveryInbox is where to deliver to this actor: its server's shared
// inbox when it has one.
func (r RemoteActor) DeliveryInbox() string {
	if r.SharedInbox != "" {
		return r.SharedInbox
	}
	return r.Inbox
}

// Follower is a remote actor following one of ours.
type Follower struct {
	ActorID     string
	RemoteActor string
	Inbox       string
	SharedInbox string
	Host        string
	FollowID    string
	CreatedAt   time.Time
}

// OutboxItem is an activity we send, kept as sent.
type OutboxItem struct {
	ID            string
	ActorID       string
	Kind          string // Create, Update, Delete, Announce, Accept, Follow, Like, Undo
	ObjectID      string
	PublicationID string
	Audience      []string // local actor ids whose followers receive it
	Inboxes       []string // direct recipients
	Body          string
	FannedOutAt   *time.Time
	CreatedAt     time.Time
}

// FedHost is a remote server's delivery health.
type FedHost struct {
	Host          string
	FailingSince  *time.Time
	LastAttemptAt *time.Time
	LastSuccessAt *time.Time
	Failures      int
}

// Reactions counts likes and boosts of a publication.
type Reactions struct {
	Likes   int
	Boosts  int
	Replies int
}

// DomainBlock refuses a remote domain: for the whole instance (OrgID "")
// or for one organisation.
type DomainBlock struct {
	OrgID     string
	Domain    string
	CreatedBy string
	CreatedAt time.Time
}

// RemoteSanction mutes or bans a remote account in one organisation.
type RemoteSanction struct {
	ID          string
	OrgID       string
	RemoteActor string
	Kind        string // mute, ban
	Until       *time.Time
	DecisionID  string
	CreatedBy   string
	LiftedAt    *time.Time
	CreatedAt   time.Time
	// Joined for display.
	Handle string
	Name   string
}

// FedInboxItem is an activity a local person received.
type FedInboxItem struct {
	ID         string
	AccountID  string
	ActivityID string
	Kind       string
	Actor      string
	ObjectID   string
	Body       string
	ReceivedAt time.Time
}
