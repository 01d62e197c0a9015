package federation

import (
	"encoding/json"
	"time"
)

// The JSON we send. Field order is fixed by the structs so that golden
// tests compare bytes; shapes follow Mastodon's documentation
// (docs.joinmastodon.org/spec/activitypub) and Mobilizon's for events.

// actorContext is the @context of actor documents: ActivityStreams, the
// security vocabulary (publicKey) and the Mastodon extensions we use.
var actorContext = []any{
	"https://www.w3.org/ns/activitystreams",
	"https://w3id.org/security/v1",
	map[string]any{
		"manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
		"toot":                      "http://joinmastodon.org/ns#",
		"discoverable":              "toot:discoverable",
		"indexable":                 "toot:indexable",
		"schema":                    "http://schema.org#",
		"PropertyValue":             "schema:PropertyValue",
		"value":                     "schema:value",
	},
}

// objectContext is the @context of activities and objects: ActivityStreams,
// Hashtag, and Mobilizon's event vocabulary.
var objectContext = []any{
	"https://www.w3.org/ns/activitystreams",
	map[string]any{
		"Hashtag":                   "as:Hashtag",
		"sensitive":                 "as:sensitive",
		"toot":                      "http://joinmastodon.org/ns#",
		"schema":                    "http://schema.org#",
		"mz":                        "https://joinmobilizon.org/ns#",
		"ical":                      "http://www.w3.org/2002/12/cal/ical#",
		"joinMode":                  "mz:joinMode",
		"timezone":                  "mz:timezone",
		"remainingAttendeeCapacity": "schema:remainingAttendeeCapacity",
		"maximumAttendeeCapacity":   "schema:maximumAttendeeCapacity",
		"PostalAddress":             "schema:PostalAddress",
		"address":                   "schema:address",
		"streetAddress":             "schema:streetAddress",
		"postalCode":                "schema:postalCode",
		"addressLocality":           "schema:addressLocality",
		"addressCountry":            "schema:addressCountry",
	},
}

// Actor is a local actor document.
type Actor struct {
	Context                   any             `json:"@context"`
	ID                        string          `json:"id"`
	Type                      string          `json:"type"`
	PreferredUsername         string          `json:"preferredUsername"`
	Name                      string          `json:"name"`
	Summary                   string          `json:"summary,omitempty"`
	URL                       string          `json:"url,omitempty"`
	Inbox                     string          `json:"inbox"`
	Outbox                    string          `json:"outbox,omitempty"`
	Followers                 string          `json:"followers,omitempty"`
	Following                 string          `json:"following,omitempty"`
	Endpoints                 *Endpoints      `json:"endpoints,omitempty"`
	PublicKey                 PublicKey       `json:"publicKey"`
	Icon                      *Image          `json:"icon,omitempty"`
	Image                     *Image          `json:"image,omitempty"`
	Attachment                []PropertyValue `json:"attachment,omitempty"`
	ManuallyApprovesFollowers bool            `json:"manuallyApprovesFollowers"`
	Discoverable              bool            `json:"discoverable"`
	Indexable                 bool            `json:"indexable"`
	Published                 string          `json:"published,omitempty"`
}

// Endpoints names the shared inbox.
type Endpoints struct {
	SharedInbox string `json:"sharedInbox"`
}

// PublicKey is an actor's key (security vocabulary).
type PublicKey struct {
	ID           string `json:"id"`
	Owner        string `json:"owner"`
	PublicKeyPem string `json:"publicKeyPem"`
}

// Image is an avatar, header or illustration.
type Image struct {
	Type      string `json:"type"`
	MediaType string `json:"mediaType,omitempty"`
	URL       string `json:"url"`
	Name      string `json:"name,omitempty"`
}

// PropertyValue is a profile field ("Site web: …").
type PropertyValue struct {
	Type  string `json:"type"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Attachment is an image or document attached to a post; Name is the text
// alternative (Mastodon shows it as the image description).
type Attachment struct {
	Type      string `json:"type"`
	MediaType string `json:"mediaType,omitempty"`
	URL       string `json:"url"`
	Name      string `json:"name,omitempty"`
	Width     int    `json:"width,omitempty"`
	Height    int    `json:"height,omitempty"`
}

// Tag is a Hashtag or a Mention.
type Tag struct {
	Type string `json:"type"`
	Href string `json:"href,omitempty"`
	Name string `json:"name"`
}

// Place is an event's location (Mobilizon).
type Place struct {
	Type    string         `json:"type"`
	Name    string         `json:"name"`
	Address *PostalAddress `json:"address,omitempty"`
}

// PostalAddress is a schema.org address.
type PostalAddress struct {
	Type            string `json:"type"`
	StreetAddress   string `json:"streetAddress,omitempty"`
	PostalCode      string `json:"postalCode,omitempty"`
	AddressLocality string `json:"addressLocality,omitempty"`
	AddressCountry  string `json:"addressCountry,omitempty"`
}

// Note is an outgoing object: Article, Note, Event or Tombstone.
type Note struct {
	Context      any          `json:"@context,omitempty"`
	ID           string       `json:"id"`
	Type         string       `json:"type"`
	AttributedTo string       `json:"attributedTo,omitempty"`
	InReplyTo    string       `json:"inReplyTo,omitempty"`
	Name         string       `json:"name,omitempty"`
	Summary      string       `json:"summary,omitempty"`
	Content      string       `json:"content,omitempty"`
	MediaType    string       `json:"mediaType,omitempty"`
	URL          string       `json:"url,omitempty"`
	Published    string       `json:"published,omitempty"`
	Updated      string       `json:"updated,omitempty"`
	Deleted      string       `json:"deleted,omitempty"`
	To           []string     `json:"to,omitempty"`
	Cc           []string     `json:"cc,omitempty"`
	Sensitive    *bool        `json:"sensitive,omitempty"`
	Attachment   []Attachment `json:"attachment,omitempty"`
	Tag          []Tag        `json:"tag,omitempty"`
	Replies      string       `json:"replies,omitempty"`
	// Events, the way Mobilizon sends them.
	StartTime                 string `json:"startTime,omitempty"`
	EndTime                   string `json:"endTime,omitempty"`
	Timezone                  string `json:"timezone,omitempty"`
	Location                  *Place `json:"location,omitempty"`
	JoinMode                  string `json:"joinMode,omitempty"`
	MaximumAttendeeCapacity   *int   `json:"maximumAttendeeCapacity,omitempty"`
	RemainingAttendeeCapacity *int   `json:"remainingAttendeeCapacity,omitempty"`
	// ICalStatus is the event's status as Mobilizon sends it: CONFIRMED,
	// TENTATIVE (Mobilizon's word for a date not settled: postponed) or
	// CANCELLED.
	ICalStatus string `json:"ical:status,omitempty"`
}

// Activity is an outgoing activity; Object is a *Note, an id, or a nested
// activity (the Follow an Accept answers).
type OutActivity struct {
	Context   any      `json:"@context,omitempty"`
	ID        string   `json:"id"`
	Type      string   `json:"type"`
	Actor     string   `json:"actor"`
	Published string   `json:"published,omitempty"`
	To        []string `json:"to,omitempty"`
	Cc        []string `json:"cc,omitempty"`
	Object    any      `json:"object"`
}

// Stamp formats a time the way ActivityPub documents carry it.
func Stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// ActorDoc completes an actor with the contexts.
func ActorDoc(a Actor) Actor {
	a.Context = actorContext
	return a
}

// Wrap gives an activity its @context; the embedded object loses its own.
func Wrap(a OutActivity) OutActivity {
	a.Context = objectContext
	if n, ok := a.Object.(*Note); ok {
		c := *n
		c.Context = nil
		a.Object = &c
	}
	return a
}

// ObjectDoc is an object served on its own (dereferenced by id).
func ObjectDoc(n Note) Note {
	n.Context = objectContext
	return n
}

// Marshal encodes a document without escaping <, > and & (HTML content
// stays readable; JSON does not need the escape).
func Marshal(v any) ([]byte, error) {
	var b jsonBuffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.bytes(), nil
}

type jsonBuffer struct{ b []byte }

func (j *jsonBuffer) Write(p []byte) (int, error) { j.b = append(j.b, p...); return len(p), nil }
func (j *jsonBuffer) bytes() []byte {
	if n := len(j.b); n > 0 && j.b[n-1] == '\n' {
		return j.b[:n-1]
	}
	return j.b
}

// Collection is an OrderedCollection; the followers collection carries only
// its count (the list of followers is never published).
type Collection struct {
	Context    any    `json:"@context"`
	ID         string `json:"id"`
	Type       string `json:"type"`
	TotalItems int    `json:"totalItems"`
	First      string `json:"first,omitempty"`
	Last       string `json:"last,omitempty"`
}

// CollectionPage is one page of an outbox.
type CollectionPage struct {
	Context      any    `json:"@context"`
	ID           string `json:"id"`
	Type         string `json:"type"`
	PartOf       string `json:"partOf"`
	Next         string `json:"next,omitempty"`
	Prev         string `json:"prev,omitempty"`
	TotalItems   int    `json:"totalItems"`
	OrderedItems []any  `json:"orderedItems"`
}

// NewCollection builds an OrderedCollection document.
func NewCollection(id string, total int, first string) Collection {
	return Collection{Context: "https://www.w3.org/ns/activitystreams", ID: id, Type: "OrderedCollection",
		TotalItems: total, First: first}
}

// NewPage builds an OrderedCollectionPage.
func NewPage(id, partOf, next, prev string, total int, items []any) CollectionPage {
	if items == nil {
		items = []any{}
	}
	return CollectionPage{Context: objectContext, ID: id, Type: "OrderedCollectionPage", PartOf: partOf, Next: next,
		Prev: prev, TotalItems: total, OrderedItems: items}
}

// WebFinger is a JRD answer.
type WebFinger struct {
	Subject string          `json:"subject"`
	Aliases []string        `json:"aliases,omitempty"`
	Links   []WebFingerLink `json:"links"`
}

// WebFingerLink is one link of a JRD.
type WebFingerLink struct {
	Rel      string `json:"rel"`
	Type     string `json:"type,omitempty"`
	Href     string `json:"href,omitempty"`
	Template string `json:"template,omitempty"`
}

// NodeInfo is a NodeInfo 2.1 document.
type NodeInfo struct {
	Version           string         `json:"version"`
	Software          NodeSoftware   `json:"software"`
	Protocols         []string       `json:"protocols"`
	Services          NodeServices   `json:"services"`
	OpenRegistrations bool           `json:"openRegistrations"`
	Usage             NodeUsage      `json:"usage"`
	Metadata          map[string]any `json:"metadata"`
}

// NodeSoftware names the software.
type NodeSoftware struct {
	Name       string `json:"name"`
	Version    string `json:"version"`
	Repository string `json:"repository,omitempty"`
	Homepage   string `json:"homepage,omitempty"`
}

// NodeServices lists bridges (none).
type NodeServices struct {
	Inbound  []string `json:"inbound"`
	Outbound []string `json:"outbound"`
}

// NodeUsage counts users and posts.
type NodeUsage struct {
	Users      NodeUsers `json:"users"`
	LocalPosts int       `json:"localPosts"`
}

// NodeUsers counts accounts.
type NodeUsers struct {
	Total int `json:"total"`
}
