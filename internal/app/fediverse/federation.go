package fediverse

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/riverqueue/river"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/federation"
	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/jobs"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/recur"
	"github.com/parvis/parvis/internal/store"
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

// ---- Local actors -----------------------------------------------------

// LocalActor returns our actor of kind for ref (organisation, topic or
// account id; "" for the instance), making its key pair on first use.
// Keys are made outside any transaction: RSA generation takes a while.
func (s *Service) LocalActor(ctx context.Context, kind, ref string) (model.FedActor, error) {
	act, err := s.Store.FedActorOf(ctx, kind, ref)
	if !errors.Is(err, model.ErrNotFound) {
		return act, err
	}
	priv, pub, err := federation.GenerateKey()
	if err != nil {
		return act, fmt.Errorf("generate key: %w", err)
	}
	act = model.FedActor{ID: core.NewID(), Kind: kind, PublicKeyPEM: pub, PrivateKeyPEM: priv, CreatedAt: s.Now()}
	switch kind {
	case model.ActorOrg:
		act.OrgID = ref
	case model.ActorTopic:
		act.TopicID = ref
	case model.ActorPerson:
		act.AccountID = ref
	}
	if _, err := s.Store.CreateFedActor(ctx, act); err != nil {
		return act, err
	}
	return s.Store.FedActorOf(ctx, kind, ref) // the winner of a concurrent first use
}

// signer returns an actor's key for signing, parsed once per process.
func (s *Service) signer(act model.FedActor, uri string) (federation.Signer, error) {
	if k, ok := s.fed.keys.Load(act.ID); ok {
		return federation.Signer{KeyID: uri + "#main-key", Key: k.(*rsa.PrivateKey)}, nil
	}
	k, err := federation.ParsePrivateKey(act.PrivateKeyPEM)
	if err != nil {
		return federation.Signer{}, fmt.Errorf("actor %s key: %w", act.ID, err)
	}
	s.fed.keys.Store(act.ID, k)
	return federation.Signer{KeyID: uri + "#main-key", Key: k}, nil
}

// actorURIOf is the id of one of our actors.
func (s *Service) actorURIOf(ctx context.Context, q *store.Queries, act model.FedActor) (string, error) {
	switch act.Kind {
	case model.ActorOrg:
		o, err := q.OrganisationByID(ctx, act.OrgID)
		if err != nil {
			return "", err
		}
		return s.OrgActorURI(o.Handle), nil
	case model.ActorTopic:
		var handle, slug string
		t, org, err := q.TopicWithOrg(ctx, act.TopicID)
		if err != nil {
			return "", err
		}
		handle, slug = org, t.Slug
		return s.TopicActorURI(handle, slug), nil
	case model.ActorPerson:
		return s.PersonActorURI(act.AccountID), nil
	}
	return s.InstanceActorURI(), nil
}

// ActorDoc is an actor document and its followers count.
type ActorDoc struct {
	Actor     federation.Actor
	Followers int
}

// OrgActorDoc builds an organisation's actor document (type Organization).
func (s *Service) OrgActorDoc(ctx context.Context, org model.Organisation) (federation.Actor, error) {
	act, err := s.LocalActor(ctx, model.ActorOrg, org.ID)
	if err != nil {
		return federation.Actor{}, err
	}
	uri := s.OrgActorURI(org.Handle)
	doc := s.baseActor(uri, "Organization", org.Handle, org.Name, act)
	doc.Summary = paragraphs(org.Description)
	doc.URL = uri
	if org.LogoPath != "" {
		doc.Icon = &federation.Image{Type: "Image", URL: s.BaseURL + "/media/" + org.LogoPath, Name: org.Name}
		doc.Image = doc.Icon
	}
	var fields []federation.PropertyValue
	fields = append(fields, federation.PropertyValue{Type: "PropertyValue", Name: s.Cat.T(i18n.Default, "fed.field.site"),
		Value: link(uri)})
	if org.Website != "" {
		fields = append(fields, federation.PropertyValue{Type: "PropertyValue", Name: s.Cat.T(i18n.Default, "fed.field.website"),
			Value: link(org.Website)})
	}
	doc.Attachment = fields
	return federation.ActorDoc(doc), nil
}

// TopicActorDoc builds a topic's actor document (type Group), followed on
// its own: "Travaux à Bellerive" without everything else.
func (s *Service) TopicActorDoc(ctx context.Context, org model.Organisation, t model.Topic) (federation.Actor, error) {
	act, err := s.LocalActor(ctx, model.ActorTopic, t.ID)
	if err != nil {
		return federation.Actor{}, err
	}
	uri := s.TopicActorURI(org.Handle, t.Slug)
	doc := s.baseActor(uri, "Group", org.Handle+"."+t.Slug, s.Cat.T(i18n.Default, "fed.topic_name", t.Name, org.Name), act)
	doc.Summary = paragraphs(t.Description)
	doc.URL = uri
	if org.LogoPath != "" {
		doc.Icon = &federation.Image{Type: "Image", URL: s.BaseURL + "/media/" + org.LogoPath, Name: org.Name}
	}
	doc.Attachment = []federation.PropertyValue{{Type: "PropertyValue", Name: s.Cat.T(i18n.Default, "fed.field.site"),
		Value: link(s.OrgActorURI(org.Handle))}}
	return federation.ActorDoc(doc), nil
}

// PersonActorDoc builds a local account's actor document, for accounts
// that have one (made when they first Federate): nobody else is exposed.
func (s *Service) PersonActorDoc(ctx context.Context, accountID string) (federation.Actor, error) {
	act, err := s.Store.FedActorOf(ctx, model.ActorPerson, accountID)
	if err != nil {
		return federation.Actor{}, err
	}
	acct, err := s.Store.AccountByID(ctx, accountID)
	if err != nil {
		return federation.Actor{}, err
	}
	uri := s.PersonActorURI(accountID)
	doc := s.baseActor(uri, "Person", "u"+strings.ReplaceAll(accountID, "-", "")[:12], acct.DisplayName, act)
	doc.Discoverable, doc.Indexable = false, false
	return federation.ActorDoc(doc), nil
}

// InstanceActorDoc builds the instance actor (type Application).
func (s *Service) InstanceActorDoc(ctx context.Context) (federation.Actor, error) {
	act, err := s.LocalActor(ctx, model.ActorInstance, "")
	if err != nil {
		return federation.Actor{}, err
	}
	doc := s.baseActor(s.InstanceActorURI(), "Application", s.InstanceUsername(), "Parvis", act)
	doc.Outbox, doc.Followers = "", ""
	doc.Discoverable = false
	return federation.ActorDoc(doc), nil
}

func (s *Service) baseActor(uri, typ, username, name string, act model.FedActor) federation.Actor {
	return federation.Actor{ID: uri, Type: typ, PreferredUsername: username, Name: name,
		Inbox: collectionURI(uri, "inbox"), Outbox: collectionURI(uri, "outbox"), Followers: collectionURI(uri, "followers"),
		Endpoints:    &federation.Endpoints{SharedInbox: s.SharedInbox()},
		PublicKey:    federation.PublicKey{ID: uri + "#main-key", Owner: uri, PublicKeyPem: act.PublicKeyPEM},
		Discoverable: true, Indexable: true, Published: federation.Stamp(act.CreatedAt)}
}

// paragraphs turns plain text into HTML paragraphs.
func paragraphs(s string) string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(strings.TrimSpace(s), "\r", ""), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, "<p>"+strings.ReplaceAll(html.EscapeString(p), "\n", "<br>")+"</p>")
		}
	}
	return strings.Join(out, "")
}

func link(u string) string {
	shown := strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	return `<a href="` + html.EscapeString(u) + `" rel="me nofollow noopener" target="_blank">` + html.EscapeString(shown) + `</a>`
}

// ---- Objects ----------------------------------------------------------

// PublicationObject builds the ActivityPub object of a publication: a
// Note for news, pages, job offers and alerts, an Event for events.
//
// Why not an Article for news: the two big readers disagree on it, and a
// Note reads the same in both (docs/FEDERATION.md, "What each server
// shows"). Mastodon converts an Article into its name, summary and link and
// never shows its content (app/lib/activitypub/activity/create.rb,
// converted_text); GoToSocial shows the content but makes the summary — or
// failing it the name — a content warning the post is folded behind
// (internal/typeutils/astointernal.go, ASStatusToStatus). A Note with
// neither name nor summary, its content opening with the title, is shown
// unfolded and whole by both, by Misskey and by Pleroma/Akkoma.
func (s *Service) PublicationObject(ctx context.Context, q *store.Queries, org model.Organisation, p model.Publication) (federation.Note, error) {
	return s.publicationObject(ctx, q, org, p, nil)
}

// publicationObject is PublicationObject; an event's lead notices (news its
// state alone does not tell, such as a date back on schedule) open its
// summary and content.
func (s *Service) publicationObject(ctx context.Context, q *store.Queries, org model.Organisation, p model.Publication,
	lead []EventNotice) (federation.Note, error) {
	uri := s.PublicationURI(org.Handle, p.Slug)
	actor := s.OrgActorURI(org.Handle)
	n := federation.Note{ID: uri, Type: "Note", AttributedTo: actor, MediaType: "text/html", URL: uri,
		To: []string{federation.Public}, Cc: []string{collectionURI(actor, "followers")}}
	if p.PublishedAt != nil {
		n.Published = federation.Stamp(*p.PublishedAt)
	}
	if p.RepublishedAt != nil {
		n.Updated = federation.Stamp(*p.RepublishedAt)
	}
	back := `<p><a href="` + html.EscapeString(uri) + `">` + html.EscapeString(s.Cat.T(i18n.Default, "fed.read_more", org.Name)) + `</a></p>`
	// The title opens the text (every reader shows it), then the lead, then
	// the body; no summary, which Mastodon and GoToSocial show as a content
	// warning, and no name, which GoToSocial falls back on for one. An
	// alert's level comes first.
	title := p.Title
	if p.Kind == model.KindAlert && p.AlertLevel != "" {
		title = s.Cat.T(i18n.Default, "fed.alert."+string(p.AlertLevel)) + " — " + title
	}
	n.Content = "<p><strong>" + html.EscapeString(title) + "</strong></p>" + paragraphs(p.Summary) + p.BodyHTML
	topics, err := q.TopicsOf(ctx, org.ID)
	if err != nil {
		return n, err
	}
	for _, t := range topics {
		if slices.Contains(p.TopicIDs, t.ID) {
			n.Tag = append(n.Tag, federation.Tag{Type: "Hashtag", Name: "#" + hashtag(t.Name),
				Href: s.TopicActorURI(org.Handle, t.Slug)})
		}
	}
	if p.ImageID != "" {
		m, err := q.MediaByID(ctx, org.ID, p.ImageID)
		if err == nil {
			n.Attachment = append(n.Attachment, federation.Attachment{Type: "Document", MediaType: m.ContentType,
				URL: s.BaseURL + "/media/" + m.Path, Name: m.Alt, Width: m.Width, Height: m.Height})
		} else if !errors.Is(err, model.ErrNotFound) {
			return n, err
		}
	}
	if p.Kind == model.KindEvent {
		// An Event keeps its name (Mobilizon's title, what Mastodon shows)
		// and its lead as summary; its content opens with the title too.
		n.Name, n.Summary, n.Content = p.Title, p.Summary, p.BodyHTML
		if err := s.eventObjectFields(ctx, q, p, &n, lead); err != nil {
			return n, err
		}
	}
	n.Content += back
	return n, nil
}

// eventObjectFields makes an event publication an ActivityPub Event the
// way Mobilizon sends them: startTime, endTime, timezone, location (a
// Place with its address), joinMode, ical:status, and for registrations
// here maximumAttendeeCapacity and remainingAttendeeCapacity.
//
// No Fediverse software reads a recurrence (FEP-8a8e leaves it out,
// Mobilizon has none), so a series goes out as one Event whose startTime
// and endTime are its next date still on, whose content lists the next
// dates, and whose summary and content open with what changed: the
// event's status, then the coming dates cancelled or moved. Both carry
// it because Mastodon shows an Event as its name, summary and link (never
// its content) while Mobilizon shows the content.
func (s *Service) eventObjectFields(ctx context.Context, q *store.Queries, p model.Publication, n *federation.Note, lead []EventNotice) error {
	n.Type = "Event"
	n.Timezone = "Europe/Paris"
	title := "<p><strong>" + html.EscapeString(p.Title) + "</strong></p>"
	e, err := q.EventByID(ctx, p.OrgID, p.ID)
	if errors.Is(err, model.ErrNotFound) {
		n.JoinMode = "free"
		n.Content = title + n.Content
		return nil // an event without its details yet: its text only
	} else if err != nil {
		return err
	}
	n.StartTime, n.EndTime = federation.Stamp(e.StartsAt), federation.Stamp(e.EndsAt)
	n.JoinMode = string(e.JoinMode)
	n.ICalStatus = icalStatus(e.Status)
	notices := slices.Clone(lead)
	if e.Status == model.EventCancelled || e.Status == model.EventPostponed {
		notices = append(notices, EventNotice{Label: s.Cat.T(i18n.Default, "events.status."+string(e.Status)), Text: e.StatusNote})
	}
	start, end := e.StartsAt, e.EndsAt
	if e.Recurring() {
		series, next, err := s.seriesFields(ctx, q, e, n)
		if err != nil {
			return err
		}
		if next != nil {
			start, end = next.StartsAt, next.EndsAt
		}
		for _, nt := range series {
			if !slices.Contains(notices, nt) { // the lead names it already
				notices = append(notices, nt)
			}
		}
	}
	// GoToSocial ignores startTime and location, and Mastodon shows an
	// Event's name, summary and link only: the date, time and place go in
	// the summary and, after the title, in the content.
	when := dates.EventWhen(i18n.Default, start, end, e.AllDay, s.Now())
	if e.Recurring() {
		when = s.Cat.T(i18n.Default, "fed.event.next_date", when)
	}
	when = upperFirst(when) // it opens a sentence and a paragraph
	where := eventPlace(s.Cat.T(i18n.Default, "events.attendance.online"), e)
	line, head := when, title+"<p>"+html.EscapeString(when)
	if where != "" {
		line += " — " + where
		head += "<br>" + html.EscapeString(where)
	}
	n.Summary = strings.TrimSpace(sentence(line) + " " + n.Summary)
	n.Content = head + "</p>" + n.Content
	prependNotices(n, notices)
	if e.PlaceName != "" || e.PlaceAddress != "" {
		n.Location = &federation.Place{Type: "Place", Name: e.PlaceName}
		if e.PlaceAddress != "" {
			n.Location.Address = &federation.PostalAddress{Type: "PostalAddress", StreetAddress: e.PlaceAddress,
				AddressCountry: "France"}
		}
		if n.Location.Name == "" {
			n.Location.Name = e.PlaceAddress
		}
	}
	if e.Registers() && e.Capacity > 0 {
		taken, err := q.TakenSeats(ctx, p.ID)
		if err != nil {
			return err
		}
		capacity, remaining := e.Capacity, max(e.Capacity-taken, 0)
		n.MaximumAttendeeCapacity, n.RemainingAttendeeCapacity = &capacity, &remaining
	}
	return nil
}

// Limits of what an Event says about its series.
const (
	fedNextDates = 6 // dates listed in the content
	fedNotices   = 3 // changed dates named in the summary
)

// EventNotice is one line opening an Event's summary and content: a label
// ("Annulé", "Date déplacée") and what it is about.
type EventNotice struct{ Label, Text string }

// seriesFields gives a series' Event its next date still on (the first
// date when none is left), appends the next dates to its content, and
// returns a notice for each coming date that is cancelled or moved.
func (s *Service) seriesFields(ctx context.Context, q *store.Queries, e model.Event, n *federation.Note) ([]EventNotice, *model.Occurrence, error) {
	now := s.Now()
	occs, err := q.Occurrences(ctx, e.PublicationID, now, fedNextDates)
	if err != nil {
		return nil, nil, err
	}
	var next *model.Occurrence
	if i := slices.IndexFunc(occs, func(o model.Occurrence) bool { return !o.Cancelled }); i >= 0 {
		next = &occs[i]
		n.StartTime, n.EndTime = federation.Stamp(occs[i].StartsAt), federation.Stamp(occs[i].EndsAt)
	}
	if len(occs) > 0 {
		var b strings.Builder
		b.WriteString("<p><strong>" + html.EscapeString(s.Cat.T(i18n.Default, "fed.occurrence.next")) + "</strong></p><ul>")
		for _, o := range occs {
			when := html.EscapeString(dates.EventWhen(i18n.Default, o.StartsAt, o.EndsAt, e.AllDay, now))
			switch {
			case o.Cancelled:
				b.WriteString("<li><del>" + when + "</del> (" + html.EscapeString(s.Cat.T(i18n.Default, "events.occurrence.cancelled")) + ")</li>")
			case o.Moved:
				b.WriteString("<li>" + when + " (" + html.EscapeString(s.Cat.T(i18n.Default, "events.occurrence.moved")) + ")</li>")
			default:
				b.WriteString("<li>" + when + "</li>")
			}
		}
		b.WriteString("</ul>")
		n.Content += b.String()
	}
	xs, err := q.EventExceptions(ctx, e.PublicationID)
	if err != nil {
		return nil, nil, err
	}
	var notices []EventNotice
	for _, x := range xs {
		end := recur.WallEnd(e.StartsAt, e.EndsAt, x.OriginalStart, dates.Paris)
		if x.Kind == model.ExceptionMove && x.EndsAt != nil && x.EndsAt.After(end) {
			end = *x.EndsAt
		}
		if !end.After(now) || len(notices) == fedNotices {
			continue // past dates are no news
		}
		notices = append(notices, s.OccurrenceNotice(e, x, false, now))
	}
	return notices, next, nil
}

// OccurrenceNotice says what became of one date of a series: cancelled,
// moved (to when, instead of when) or, with restored, back on schedule.
func (s *Service) OccurrenceNotice(e model.Event, x model.EventException, restored bool, now time.Time) EventNotice {
	lang := i18n.Default
	original := dates.EventWhen(lang, x.OriginalStart, recur.WallEnd(e.StartsAt, e.EndsAt, x.OriginalStart, dates.Paris), e.AllDay, now)
	nt := EventNotice{Label: s.Cat.T(lang, "fed.occurrence.cancelled"), Text: original}
	switch {
	case restored:
		nt = EventNotice{Label: s.Cat.T(lang, "fed.occurrence.restored"), Text: original}
	case x.Kind == model.ExceptionMove && x.StartsAt != nil && x.EndsAt != nil:
		nt = EventNotice{Label: s.Cat.T(lang, "fed.occurrence.moved"), Text: dates.EventWhen(lang, *x.StartsAt, *x.EndsAt, e.AllDay, now) +
			", " + s.Cat.T(lang, "fed.occurrence.instead_of", dates.DayAt(lang, x.OriginalStart, e.AllDay, now))}
	}
	if x.Note != "" && !restored {
		nt.Text = sentence(nt.Text) + " " + x.Note
	}
	return nt
}

// upperFirst capitalises the first letter of s.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// eventPlace is where an event happens, as one line: its place's name and
// address (either may be missing), or online.
func eventPlace(online string, e model.Event) string {
	parts := []string{}
	for _, s := range []string{e.PlaceName, e.PlaceAddress} {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(parts, s) {
			parts = append(parts, s)
		}
	}
	if e.Attendance == model.AttendOnline && len(parts) == 0 {
		return online
	}
	return strings.Join(parts, ", ")
}

// prependNotices opens the summary (plain text, which Mastodon shows) and
// the content (HTML, which Mobilizon shows) with the notices, in order.
func prependNotices(n *federation.Note, notices []EventNotice) {
	if len(notices) == 0 {
		return
	}
	var sum []string
	head := ""
	for _, nt := range notices {
		line := nt.Label
		if nt.Text != "" {
			line += " — " + nt.Text
		}
		sum = append(sum, sentence(line))
		head += "<p><strong>" + html.EscapeString(nt.Label) + "</strong>"
		if nt.Text != "" {
			head += " — " + html.EscapeString(nt.Text)
		}
		head += "</p>"
	}
	if n.Summary != "" {
		sum = append(sum, n.Summary)
	}
	n.Summary = strings.Join(sum, " ")
	n.Content = head + n.Content
}

// sentence ends s with a full stop unless it ends with punctuation already.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsRune(".!?…", []rune(s)[len([]rune(s))-1]) {
		return s
	}
	return s + "."
}

// icalStatus is an event status in Mobilizon's ical:status words; a
// postponed event, whose new date is not known, is TENTATIVE.
func icalStatus(s model.EventStatus) string {
	switch s {
	case model.EventCancelled:
		return "CANCELLED"
	case model.EventPostponed:
		return "TENTATIVE"
	}
	return "CONFIRMED"
}

// hashtag makes a topic name a hashtag: words joined in CamelCase, letters
// and digits only ("Vie associative" → "VieAssociative").
func hashtag(name string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		r := []rune(w)
		b.WriteString(strings.ToUpper(string(r[0])) + string(r[1:]))
	}
	return b.String()
}

// ---- Outgoing activities -----------------------------------------------

// FederatePublication queues, in tx, what tells the Fediverse about a
// publication's change: kind is Create (it went out), Update (its content
// changed while out) or Delete (it was withdrawn). Topic actors boost
// (Announce) a new publication to their own followers. Nothing is queued
// when nobody can be following (no actor was ever fetched).
func (s *Service) FederatePublication(ctx context.Context, tx *store.Tx, orgID, pubID, kind string) error {
	return s.Federate(ctx, tx, orgID, pubID, kind, nil)
}

// Federate is FederatePublication with notices opening the object's
// summary and content: news that its state alone does not tell (a date
// of a series back on schedule).
func (s *Service) Federate(ctx context.Context, tx *store.Tx, orgID, pubID, kind string, lead []EventNotice) error {
	orgActor, err := tx.FedActorOf(ctx, model.ActorOrg, orgID)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	org, err := tx.OrganisationByID(ctx, orgID)
	if err != nil {
		return err
	}
	p, err := tx.PublicationByID(ctx, orgID, pubID)
	if err != nil {
		return err
	}
	now := s.Now()
	actorURI := s.OrgActorURI(org.Handle)
	objURI := s.PublicationURI(org.Handle, p.Slug)
	audience := []string{orgActor.ID}
	var topicActors []model.FedActor
	topics, err := tx.TopicsOf(ctx, orgID)
	if err != nil {
		return err
	}
	for _, t := range topics {
		if !slices.Contains(p.TopicIDs, t.ID) {
			continue
		}
		ta, err := tx.FedActorOf(ctx, model.ActorTopic, t.ID)
		if errors.Is(err, model.ErrNotFound) {
			continue
		} else if err != nil {
			return err
		}
		topicActors = append(topicActors, ta)
		if kind != "Create" {
			audience = append(audience, ta.ID)
		}
	}
	id := core.NewID()
	act := federation.OutActivity{ID: actorURI + "#" + strings.ToLower(kind) + "-" + id, Type: kind, Actor: actorURI,
		Published: federation.Stamp(now), To: []string{federation.Public}, Cc: []string{collectionURI(actorURI, "followers")}}
	switch kind {
	case "Delete":
		act.Object = &federation.Note{ID: objURI, Type: "Tombstone", Deleted: federation.Stamp(now)}
	default:
		n, err := s.publicationObject(ctx, tx.Queries, org, p, lead)
		if err != nil {
			return err
		}
		if kind == "Update" {
			n.Updated = federation.Stamp(now) // Mastodon applies an edit only if newer
		}
		act.Object = &n
	}
	if err := s.queueActivity(ctx, tx, orgActor.ID, kind, objURI, p.ID, audience, nil, act, now); err != nil {
		return err
	}
	if kind != "Create" {
		return nil
	}
	for i, ta := range topicActors {
		var slug string
		for _, t := range topics {
			if t.ID == ta.TopicID {
				slug = t.Slug
			}
		}
		turi := s.TopicActorURI(org.Handle, slug)
		ann := federation.OutActivity{ID: fmt.Sprintf("%s#announce-%s-%d", turi, id, i), Type: "Announce", Actor: turi,
			Published: federation.Stamp(now), To: []string{federation.Public},
			Cc: []string{collectionURI(turi, "followers"), actorURI}, Object: objURI}
		if err := s.queueActivity(ctx, tx, ta.ID, "Announce", objURI, p.ID, []string{ta.ID}, nil, ann, now); err != nil {
			return err
		}
	}
	return nil
}

// queueActivity stores an outgoing activity and its fan-out job in tx.
func (s *Service) queueActivity(ctx context.Context, tx *store.Tx, actorID, kind, objectID, pubID string, audience, inboxes []string,
	act federation.OutActivity, now time.Time) error {
	body, err := federation.Marshal(federation.Wrap(act))
	if err != nil {
		return err
	}
	o := model.OutboxItem{ID: core.NewID(), ActorID: actorID, Kind: kind, ObjectID: objectID, PublicationID: pubID,
		Audience: audience, Inboxes: inboxes, Body: string(body), CreatedAt: now}
	if err := tx.CreateOutbox(ctx, o); err != nil {
		return err
	}
	return s.Jobs.Enqueue(ctx, tx, jobs.FedFanOutArgs{OutboxID: o.ID}, nil)
}

// FedFanOut turns an outgoing activity into one delivery job per inbox: its
// audience's followers, one shared inbox per server, plus its direct
// recipients, minus blocked domains. Running it twice queues nothing more.
func (s *Service) FedFanOut(ctx context.Context, outboxID string) error {
	o, blocks, err := s.outboxItem(ctx, outboxID)
	if errors.Is(err, model.ErrNotFound) {
		return nil // deleted with its actor
	} else if err != nil {
		return err
	}
	recipients, err := s.Store.FollowerInboxes(ctx, o.Audience)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	var params []river.InsertManyParams
	add := func(inbox, host string) {
		if seen[inbox] || blocked(blocks, host) {
			return
		}
		seen[inbox] = true
		params = append(params, river.InsertManyParams{Args: jobs.FedDeliverArgs{OutboxID: o.ID, Inbox: inbox}})
	}
	for _, r := range recipients {
		add(r.Inbox, r.Host)
	}
	for _, in := range o.Inboxes {
		add(in, federation.Host(in))
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		first, err := tx.MarkFannedOut(ctx, o.ID, s.Now())
		if err != nil || !first {
			return err
		}
		for len(params) > 0 {
			n := min(len(params), 1000)
			if err := s.Jobs.EnqueueMany(ctx, tx, params[:n]); err != nil {
				return err
			}
			params = params[n:]
		}
		return nil
	})
}

// outboxItem loads an outgoing activity and the domains its actor's
// organisation (and the operator) block.
func (s *Service) outboxItem(ctx context.Context, id string) (model.OutboxItem, []string, error) {
	o, err := s.Store.OutboxByID(ctx, id)
	if err != nil {
		return o, nil, err
	}
	orgID, err := s.actorOrg(ctx, o.ActorID)
	if err != nil {
		return o, nil, err
	}
	blocks, err := s.blockedDomains(ctx, orgID)
	return o, blocks, err
}

// actorOrg is the organisation a local actor speaks for ("" for persons
// and the instance).
func (s *Service) actorOrg(ctx context.Context, actorID string) (string, error) {
	act, err := s.Store.FedActorByID(ctx, actorID)
	if err != nil {
		return "", err
	}
	if act.Kind == model.ActorTopic {
		t, _, err := s.Store.TopicWithOrg(ctx, act.TopicID)
		return t.OrgID, err
	}
	return act.OrgID, nil
}

// ErrHostDown is a delivery skipped because its host has failed for
// HostDeadAfter; it is not retried.
var ErrHostDown = errors.New("host unreachable for days: skipped")

// FedDeliver sends an outgoing activity to one inbox, signed by its actor. A
// refusal (4xx) is final; network errors and 5xx are retried by the job.
func (s *Service) FedDeliver(ctx context.Context, outboxID, inbox string) error {
	if s.Fed.Client == nil {
		return errors.New("federation client not configured")
	}
	host := federation.Host(inbox)
	o, blocks, err := s.outboxItem(ctx, outboxID)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if blocked(blocks, host) {
		return nil // blocked since the fan-out
	}
	st, err := s.Store.HostStatus(ctx, host)
	if err != nil {
		return err
	}
	now := s.Now()
	if st.FailingSince != nil && now.Sub(*st.FailingSince) > HostDeadAfter && st.LastAttemptAt != nil &&
		now.Sub(*st.LastAttemptAt) < hostProbe {
		s.Logger.Info("federation: delivery skipped, host down", "host", host, "since", st.FailingSince, "activity", o.Kind)
		return nil
	}
	act, err := s.Store.FedActorByID(ctx, o.ActorID)
	if err != nil {
		return err
	}
	uri, err := s.actorURIOf(ctx, s.Store.Queries, act)
	if err != nil {
		return err
	}
	sg, err := s.signer(act, uri)
	if err != nil {
		return err
	}
	release := s.hostSlot(ctx, host)
	if release == nil {
		return ctx.Err()
	}
	err = s.Fed.Client.Post(ctx, inbox, []byte(o.Body), sg)
	release()
	var se *federation.StatusError
	switch {
	case err == nil:
		return s.Store.HostAnswered(ctx, host, now)
	case errors.As(err, &se) && se.Permanent():
		// The server is up and refused this activity: retrying won't help.
		s.Logger.Info("federation: delivery refused", "inbox", inbox, "status", se.Status, "activity", o.Kind)
		return s.Store.HostAnswered(ctx, host, now)
	}
	if herr := s.Store.HostResult(ctx, host, false, now); herr != nil {
		s.Logger.Warn("federation: host status", "host", host, "error", herr)
	}
	return fmt.Errorf("deliver %s to %s: %w", o.Kind, inbox, err)
}

// hostSlot waits for one of the host's delivery slots; nil if ctx ended.
func (s *Service) hostSlot(ctx context.Context, host string) func() {
	n := s.Fed.HostConcurrency
	if n <= 0 {
		n = 4
	}
	s.fed.mu.Lock()
	if s.fed.hosts == nil {
		s.fed.hosts = map[string]chan struct{}{}
	}
	sem, ok := s.fed.hosts[host]
	if !ok {
		sem = make(chan struct{}, n)
		s.fed.hosts[host] = sem
	}
	s.fed.mu.Unlock()
	select {
	case sem <- struct{}{}:
		return func() { <-sem }
	case <-ctx.Done():
		return nil
	}
}

// ---- Blocks and sanctions ----------------------------------------------

// blockedDomains lists the operator's blocks and the organisation's.
func (s *Service) blockedDomains(ctx context.Context, orgID string) ([]string, error) {
	stored, ok := s.fed.blocks.get(orgID)
	if !ok {
		var err error
		if stored, err = s.Store.BlockedDomains(ctx, orgID); err != nil {
			return nil, err
		}
		s.fed.blocks.put(orgID, stored)
	}
	return append(slices.Clone(s.Fed.OperatorBlocks), stored...), nil
}

// blocked reports whether host (with or without port) is, or is under, one
// of the domains.
func blocked(domains []string, host string) bool {
	h := strings.ToLower(host)
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		h = h[:i]
	}
	for _, d := range domains {
		d = strings.ToLower(strings.TrimSpace(d))
		if d != "" && (h == d || strings.HasSuffix(h, "."+d)) {
			return true
		}
	}
	return false
}

// OperatorBlocked reports whether the instance refuses any of hosts.
func (s *Service) OperatorBlocked(ctx context.Context, hosts ...string) (bool, error) {
	bs, err := s.blockedDomains(ctx, "")
	for _, h := range hosts {
		if blocked(bs, h) {
			return true, err
		}
	}
	return false, err
}

// NormalizeDomain checks a domain typed by staff ("mastodon.example",
// "https://spam.example/" → "spam.example").
func NormalizeDomain(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
	s = strings.TrimPrefix(s, "@")
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimSuffix(strings.SplitN(s, "/", 2)[0], ".")
	if s == "" || len(s) > 253 || !strings.Contains(s, ".") && !strings.Contains(s, ":") && s != "localhost" {
		return "", false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == ':') {
			return "", false
		}
	}
	return s, true
}

// fedLog is the logger for refused or ignored federation input: one line,
// never the content.
func (s *Service) fedLog() *slog.Logger { return s.Logger.With("component", "federation") }
