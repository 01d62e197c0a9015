package fediverse

import (
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/parvis/parvis/internal/federation"
	"github.com/parvis/parvis/internal/model"
)

// Federation with ActivityPub (docs/FEDERATION.md): our actors, what we
// send when a publication goes out, changes or is withdrawn, and delivery.

// Options configure federation for a process.
type Options struct {
	// Client makes outgoing requests (fetches, deliveries); nil disables
	// them (command-line tools).
	Client *federation.Client
	// OperatorBlocks are domains refused for the whole instance, from the
	// command line, besides those stored by the operator.
	OperatorBlocks []string
	// FollowsPerHost caps the follows accepted from one host per minute
	// (0: 60).
	FollowsPerHost int
	// RepliesPerHost caps the replies accepted from all the accounts of
	// one host in RemoteFloodWindow (0: RemoteHostFlood).
	RepliesPerHost int
	// HostConcurrency caps simultaneous deliveries to one host in this
	// process (0: 4).
	HostConcurrency int
}

// fedState is the process-local federation state: parsed keys, the
// inbox's caches (fedcache.go) and the per-host delivery semaphores.
type fedState struct {
	keys      sync.Map // actor id → *rsa.PrivateKey
	healthy   sync.Map // host → when it last proved healthy
	verifiers verifierCache
	blocks    blocksCache
	mu        sync.Mutex
	hosts     map[string]chan struct{}
}

// Limits of federation.
const (
	// HostDeadAfter: a host failing that long is skipped, except for one
	// probe a day, until it answers again.
	HostDeadAfter = 7 * 24 * time.Hour
	hostProbe     = 24 * time.Hour
	// RemoteFlood is the most comments one remote account may leave in
	// RemoteFloodWindow.
	RemoteFlood       = 10
	RemoteFloodWindow = 10 * time.Minute
	// RemoteHostFlood is the most comments all the accounts of one host
	// may leave in RemoteFloodWindow: a server can make accounts at will,
	// so the per-account cap alone does not stop it.
	RemoteHostFlood = 30
	outboxPage      = 20
)

// ---- Addresses --------------------------------------------------------

// OrgActorURI is an organisation's actor id: its public home page.
func (s *Service) OrgActorURI(handle string) string { return s.BaseURL + "/" + handle + "/" }

// TopicActorURI is a topic's actor id: its public page.
func (s *Service) TopicActorURI(handle, slug string) string {
	return s.BaseURL + "/" + handle + "/themes/" + slug
}

// PersonActorURI is a local account's actor id.
func (s *Service) PersonActorURI(accountID string) string { return s.BaseURL + "/users/" + accountID }

// InstanceActorURI is the instance's own actor (it signs fetches).
func (s *Service) InstanceActorURI() string { return s.BaseURL + "/actor" }

// SharedInbox receives activities for every actor of the instance.
func (s *Service) SharedInbox() string { return s.BaseURL + "/inbox" }

// PublicationURI is a publication's object id and page.
func (s *Service) PublicationURI(handle, slug string) string {
	return s.BaseURL + "/" + handle + "/p/" + slug
}

// CommentURI is a comment's object id.
func (s *Service) CommentURI(handle, id string) string {
	return s.BaseURL + "/" + handle + "/commentaires/" + id
}

// collectionURI is an actor's inbox, outbox or followers collection.
func collectionURI(actor, name string) string { return strings.TrimSuffix(actor, "/") + "/" + name }

// FedHost is the host (with port) of our addresses: user@FedHost.
func (s *Service) FedHost() string {
	u, err := url.Parse(s.BaseURL)
	if err != nil {
		return ""
	}
	return u.Host
}

// InstanceUsername is the instance actor's preferredUsername and the user
// part of its WebFinger address: the host name without its port. Servers
// check a signer by WebFingering preferredUsername@host, and a user name
// with a colon ("127.0.0.1:8080") is no user name to GoToSocial (nor to
// Mastodon): with a port, signed fetches could not be checked at all.
func (s *Service) InstanceUsername() string {
	u, err := url.Parse(s.BaseURL)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// LocalRef is what one of our URLs designates.
type LocalRef struct {
	Kind   string // org, topic, publication, comment, person, instance
	Handle string
	Slug   string // topic or publication slug
	ID     string // comment or account id
}

// ParseLocalURI reads one of our actor or object ids; ok is false for
// anything else (another server's URL, an unknown path).
func (s *Service) ParseLocalURI(uri string) (LocalRef, bool) {
	if !strings.HasPrefix(uri, s.BaseURL+"/") {
		return LocalRef{}, false
	}
	rest := strings.TrimPrefix(uri, s.BaseURL+"/")
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	parts := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	switch {
	case len(parts) == 1 && parts[0] == "actor":
		return LocalRef{Kind: model.ActorInstance}, true
	case len(parts) == 2 && parts[0] == "users":
		return LocalRef{Kind: model.ActorPerson, ID: parts[1]}, true
	case len(parts) == 1 && parts[0] != "":
		return LocalRef{Kind: model.ActorOrg, Handle: parts[0]}, true
	case len(parts) == 3 && parts[1] == "themes":
		return LocalRef{Kind: model.ActorTopic, Handle: parts[0], Slug: parts[2]}, true
	case len(parts) == 3 && parts[1] == "p":
		return LocalRef{Kind: "publication", Handle: parts[0], Slug: parts[2]}, true
	case len(parts) == 3 && parts[1] == "commentaires":
		return LocalRef{Kind: "comment", Handle: parts[0], ID: parts[2]}, true
	}
	return LocalRef{}, false
}

// acctPattern is the user part of one of our WebFinger addresses: an
// organisation handle, or a handle and a topic slug joined by the only dot
// (neither may contain one).
var acctPattern = regexp.MustCompile(`^([a-z0-9-]+)(?:\.([a-z0-9-]+))?$`)

// ParseAcct reads the user part of acct:USER@host (the host already
// checked). The instance actor comes first: its preferredUsername is the
// host, as Mastodon's and GoToSocial's are, and servers check a signer by
// WebFingering preferredUsername@host. A host name can therefore never be
// read as an organisation and a topic ("ville.fr": organisation "ville",
// topic "fr"); creating such a pair is refused (SaveTopic,
// CreateOrganisation), and anything else with a dot, a colon or an
// uppercase letter is nobody.
func (s *Service) ParseAcct(user string) (LocalRef, bool) {
	user = strings.ToLower(user)
	if name := strings.ToLower(s.InstanceUsername()); name != "" && (user == name || user == strings.ToLower(s.FedHost())) {
		return LocalRef{Kind: model.ActorInstance}, true // host:port too, as it was named before
	}
	m := acctPattern.FindStringSubmatch(user)
	if m == nil {
		return LocalRef{}, false
	}
	if m[2] == "" {
		return LocalRef{Kind: model.ActorOrg, Handle: m[1]}, true
	}
	return LocalRef{Kind: model.ActorTopic, Handle: m[1], Slug: m[2]}, true
}

// CollidesWithHost reports whether an organisation handle, or a handle and
// topic slug, would spell our host name: WebFinger gives that address to
// the instance actor.
func (s *Service) CollidesWithHost(handle, slug string) bool {
	user := handle
	if slug != "" {
		user += "." + slug
	}
	return strings.EqualFold(user, s.InstanceUsername())
}
