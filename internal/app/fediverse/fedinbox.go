package fediverse

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/federation"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Incoming federation: remote actors and their keys, and what we do with
// each activity. Every activity is handled in one transaction that starts
// by recording its id: a replay finds it and changes nothing. Those
// transactions go through Store.InBatch: on SQLite, activities arriving
// together share one commit, each in its own savepoint.

// remoteRefresh is how old a cached remote actor may be before a Follow or
// a fetch for delivery refreshes it.
const remoteRefresh = 24 * time.Hour

// instanceSigner signs our fetches with the instance actor's key.
func (s *Service) instanceSigner(ctx context.Context) (federation.Signer, error) {
	act, err := s.LocalActor(ctx, model.ActorInstance, "")
	if err != nil {
		return federation.Signer{}, err
	}
	return s.signer(act, s.InstanceActorURI())
}

// signedGet fetches a document signed by the instance actor.
func (s *Service) signedGet(ctx context.Context, target string) ([]byte, error) {
	if s.Fed.Client == nil {
		return nil, errors.New("federation client not configured")
	}
	sg, err := s.instanceSigner(ctx)
	if err != nil {
		return nil, err
	}
	return s.Fed.Client.Get(ctx, target, sg)
}

// FetchRemoteActor fetches (signed) and caches a remote actor.
func (s *Service) FetchRemoteActor(ctx context.Context, uri string) (model.RemoteActor, error) {
	if _, ok := s.ParseLocalURI(uri); ok {
		return model.RemoteActor{}, fmt.Errorf("%w: %s is local", model.ErrInvalid, uri)
	}
	b, err := s.signedGet(ctx, uri)
	if err != nil {
		return model.RemoteActor{}, err
	}
	ra, err := federation.ParseActor(b)
	if err != nil {
		return model.RemoteActor{}, err
	}
	if ra.ID != uri {
		// The document must be the actor asked for: a server answering for
		// another one's actor would be an impersonation.
		return model.RemoteActor{}, fmt.Errorf("%w: fetched %s, got %s", federation.ErrMalformed, uri, ra.ID)
	}
	// Keep verifying with the key its signatures name, when the actor
	// still lists it (an actor may list several, or be its own keyId).
	if old, err := s.Store.RemoteActorByURI(ctx, uri); err == nil {
		ra.UseKey(old.KeyID)
	}
	return s.storeRemoteActor(ctx, ra)
}

func (s *Service) storeRemoteActor(ctx context.Context, ra federation.RemoteActor) (model.RemoteActor, error) {
	if _, err := federation.ParsePublicKey(ra.PublicKeyPEM); err != nil {
		return model.RemoteActor{}, fmt.Errorf("%w: actor key: %v", federation.ErrMalformed, err)
	}
	m := model.RemoteActor{URI: ra.ID, KeyID: ra.KeyID, PublicKeyPEM: ra.PublicKeyPEM, Handle: ra.Handle(),
		Name: core.Excerpt(ra.Name, 100), URL: ra.URL, Inbox: ra.Inbox, SharedInbox: ra.SharedInbox, Host: federation.Host(ra.ID),
		FetchedAt: s.Now()}
	if m.URL == "" || !strings.HasPrefix(m.URL, "http") {
		m.URL = m.URI
	}
	if m.Name == "" {
		m.Name = m.Handle
	}
	if err := s.Store.PutRemoteActor(ctx, m); err != nil {
		return m, err
	}
	s.fed.verifiers.forget(m.URI) // a refetch may have changed the key or the profile
	return m, nil
}

// RemoteActor returns a remote actor from the cache, fetching it when
// unknown or older than a day.
func (s *Service) RemoteActor(ctx context.Context, uri string) (model.RemoteActor, error) {
	ra, err := s.Store.RemoteActorByURI(ctx, uri)
	if err == nil && s.Now().Sub(ra.FetchedAt) < remoteRefresh {
		return ra, nil
	}
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return ra, err
	}
	fresh, ferr := s.FetchRemoteActor(ctx, uri)
	if ferr != nil && err == nil {
		return ra, nil // stale beats nothing
	}
	return fresh, ferr
}

// VerificationKey returns the remote actor owning keyID and its parsed
// key, from the process's cache of verified keys or the database unless
// refresh (a signature failed with the cached key: it may have rotated).
// Fetch failures are returned as they are (IsGone tells a deleted actor).
func (s *Service) VerificationKey(ctx context.Context, keyID string, refresh bool) (model.RemoteActor, *rsa.PublicKey, error) {
	if !refresh {
		if ra, key, ok := s.fed.verifiers.get(keyID); ok {
			return ra, key, nil
		}
		ra, err := s.Store.RemoteActorByKeyID(ctx, keyID)
		if err == nil {
			key, err := federation.ParsePublicKey(ra.PublicKeyPEM)
			if err != nil {
				return ra, nil, fmt.Errorf("%w: cached key of %s: %v", federation.ErrBadSignature, keyID, err)
			}
			s.fed.verifiers.put(keyID, ra, key)
			return ra, key, nil
		}
		if !errors.Is(err, model.ErrNotFound) {
			return ra, nil, err
		}
	}
	b, err := s.signedGet(ctx, keyID)
	if err != nil {
		return model.RemoteActor{}, nil, err
	}
	kd, err := federation.ParseKeyDoc(b, keyID)
	if err != nil {
		return model.RemoteActor{}, nil, err
	}
	var ra federation.RemoteActor
	if kd.Actor != nil {
		ra = *kd.Actor
	} else {
		// A separate key document (GoToSocial's stub, a bare key): the
		// owner it names must be an actor listing this very key, or anyone
		// on the host could publish a key "owned" by someone else.
		ab, err := s.signedGet(ctx, kd.Owner)
		if err != nil {
			return model.RemoteActor{}, nil, err
		}
		if ra, err = federation.ParseActor(ab); err != nil {
			return model.RemoteActor{}, nil, err
		}
		if ra.ID != kd.Owner {
			return model.RemoteActor{}, nil, fmt.Errorf("%w: key owner %s served %s", federation.ErrMalformed, kd.Owner, ra.ID)
		}
		if !ra.UseKey(keyID) || !samePublicKey(ra.PublicKeyPEM, kd.PEM) {
			return model.RemoteActor{}, nil, fmt.Errorf("%w: %s does not list key %s", federation.ErrMalformed, ra.ID, keyID)
		}
	}
	if ra.KeyID != keyID || federation.Host(ra.ID) != federation.Host(keyID) {
		return model.RemoteActor{}, nil, fmt.Errorf("%w: key %s not published by its actor", federation.ErrMalformed, keyID)
	}
	m, err := s.storeRemoteActor(ctx, ra)
	if err != nil {
		return m, nil, err
	}
	key, err := federation.ParsePublicKey(m.PublicKeyPEM)
	if err != nil {
		return m, nil, err
	}
	s.fed.verifiers.put(keyID, m, key)
	return m, key, nil
}

// samePublicKey compares two PEM-encoded keys by their value (servers
// differ in line breaks and trailing newlines).
func samePublicKey(a, b string) bool {
	ka, err := federation.ParsePublicKey(a)
	if err != nil {
		return false
	}
	kb, err := federation.ParsePublicKey(b)
	return err == nil && ka.Equal(kb)
}

// InboxTarget is the inbox an activity was posted to.
type InboxTarget struct {
	Shared    bool
	AccountID string // a person's own inbox
}

// hostAnswered clears a host's failure state when it sends us a valid
// activity. Hosts seen healthy lately are not looked up again: the inbox
// must not pay a database round trip per activity for it.
func (s *Service) hostAnswered(ctx context.Context, host string) error {
	now := s.Now()
	if t, ok := s.fed.healthy.Load(host); ok && now.Sub(t.(time.Time)) < time.Minute {
		return nil
	}
	st, err := s.Store.HostStatus(ctx, host)
	if err != nil {
		return err
	}
	if st.FailingSince != nil {
		if err := s.Store.HostAnswered(ctx, host, now); err != nil {
			return err
		}
	}
	s.fed.healthy.Store(host, now)
	return nil
}

// ErrIgnored is an activity we accept (202) and do nothing with, logged.
var ErrIgnored = errors.New("ignored")

// HandleActivity acts on a verified incoming activity from signer (the
// remote actor whose key signed it, already checked to be the activity's
// actor). Malformed or forged input is model.ErrInvalid, refusals
// model.ErrForbidden, floods model.ErrRateLimited; what we do not act upon
// is logged and ignored.
func (s *Service) HandleActivity(ctx context.Context, target InboxTarget, signer model.RemoteActor, act federation.Activity, raw []byte) error {
	log := s.fedLog().With("activity", act.Type, "id", act.ID, "actor", act.Actor)
	if federation.Host(act.ID) != signer.Host {
		log.Info("refused: activity id on another host than its actor")
		return model.ErrInvalid
	}
	if err := s.hostAnswered(ctx, signer.Host); err != nil {
		return err
	}
	var err error
	switch act.Type {
	case "Follow":
		err = s.inFollow(ctx, signer, act)
	case "Undo":
		err = s.inUndo(ctx, signer, act)
	case "Create":
		err = s.inCreate(ctx, target, signer, act, raw)
	case "Update":
		err = s.inUpdate(ctx, target, signer, act, raw)
	case "Delete":
		err = s.inDelete(ctx, target, signer, act, raw)
	case "Like", "EmojiReact":
		err = s.inReaction(ctx, signer, act, "like")
	case "Announce":
		err = s.inAnnounce(ctx, target, signer, act, raw)
	case "Accept", "Reject":
		err = s.inAcceptReject(ctx, target, signer, act, raw)
	case "Join":
		err = s.inJoin(ctx, signer, act)
	default:
		err = fmt.Errorf("%w: type not handled", ErrIgnored)
	}
	if errors.Is(err, ErrIgnored) {
		log.Info("ignored", "why", strings.TrimPrefix(err.Error(), "ignored: "))
		return nil
	}
	if err != nil && (errors.Is(err, model.ErrInvalid) || errors.Is(err, model.ErrForbidden) || errors.Is(err, model.ErrRateLimited)) {
		log.Info("refused", "why", err.Error())
	}
	return err
}

// seenInTx records the activity id first thing in tx; a replay is ignored.
func (s *Service) seenInTx(ctx context.Context, tx *store.Tx, id string) error {
	fresh, err := tx.MarkSeen(ctx, id, s.Now())
	if err != nil {
		return err
	}
	if !fresh {
		return fmt.Errorf("%w: already handled (replay)", ErrIgnored)
	}
	return nil
}

// localActorOf resolves one of our org or topic actor ids to its actor
// record and organisation.
func (s *Service) localActorOf(ctx context.Context, uri string) (model.FedActor, model.Organisation, error) {
	ref, ok := s.ParseLocalURI(uri)
	if !ok || (ref.Kind != model.ActorOrg && ref.Kind != model.ActorTopic) {
		return model.FedActor{}, model.Organisation{}, fmt.Errorf("%w: %s is not one of our actors", ErrIgnored, uri)
	}
	org, err := s.Store.OrganisationByHandle(ctx, ref.Handle)
	if errors.Is(err, model.ErrNotFound) {
		return model.FedActor{}, org, fmt.Errorf("%w: no organisation %s", ErrIgnored, ref.Handle)
	} else if err != nil {
		return model.FedActor{}, org, err
	}
	if ref.Kind == model.ActorOrg {
		act, err := s.LocalActor(ctx, model.ActorOrg, org.ID)
		return act, org, err
	}
	t, err := s.Store.TopicBySlug(ctx, org.ID, ref.Slug)
	if errors.Is(err, model.ErrNotFound) {
		return model.FedActor{}, org, fmt.Errorf("%w: no topic %s", ErrIgnored, ref.Slug)
	} else if err != nil {
		return model.FedActor{}, org, err
	}
	act, err := s.LocalActor(ctx, model.ActorTopic, t.ID)
	return act, org, err
}

// refusedBy reports why an organisation refuses a remote actor: its domain
// is blocked, or the account is banned ("" when neither).
func (s *Service) refusedBy(ctx context.Context, orgID string, ra model.RemoteActor, kinds ...string) (string, error) {
	bs, err := s.blockedDomains(ctx, orgID)
	if err != nil {
		return "", err
	}
	if blocked(bs, ra.Host) {
		return "domain blocked", nil
	}
	ss, err := s.Store.ActiveRemoteSanctions(ctx, orgID, ra.URI, s.Now())
	if err != nil {
		return "", err
	}
	for _, sn := range ss {
		for _, k := range kinds {
			if sn.Kind == k {
				return "account " + sn.Kind + "ned", nil
			}
		}
	}
	return "", nil
}

// ---- Staff answers to remote comments -----------------------------------

// FederateAnswer sends a staff answer to the remote author it answers:
// a Create Note inReplyTo their post, mentioning them, delivered to their
// inbox.
func (s *Service) FederateAnswer(ctx context.Context, tx *store.Tx, org model.Organisation, pub model.Publication, c model.Comment, answered model.Comment) error {
	if answered.RemoteObject == "" || answered.RemoteActor == "" {
		return nil
	}
	ra, err := tx.RemoteActorByURI(ctx, answered.RemoteActor)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	orgActor, err := tx.FedActorOf(ctx, model.ActorOrg, org.ID)
	if errors.Is(err, model.ErrNotFound) {
		return nil // they could not have reached us without fetching it
	} else if err != nil {
		return err
	}
	actorURI := s.OrgActorURI(org.Handle)
	mention := "@" + ra.Handle
	content := `<p><span class="h-card"><a href="` + html.EscapeString(ra.URL) + `" class="u-url mention">` +
		html.EscapeString(mention) + `</a></span> ` + strings.ReplaceAll(html.EscapeString(c.Body), "\n", "<br>") + `</p>` +
		`<p>— ` + html.EscapeString(c.StaffLabel) + `</p>`
	now := s.Now()
	note := federation.Note{ID: s.CommentURI(org.Handle, c.ID), Type: "Note", AttributedTo: actorURI,
		InReplyTo: answered.RemoteObject, Content: content, MediaType: "text/html",
		URL: fmt.Sprintf("%s/%s/p/%s/commentaires#c-%s", s.BaseURL, org.Handle, pub.Slug, c.ID), Published: federation.Stamp(now),
		To: []string{federation.Public}, Cc: []string{ra.URI, collectionURI(actorURI, "followers")},
		Tag: []federation.Tag{{Type: "Mention", Href: ra.URI, Name: mention}}}
	act := federation.OutActivity{ID: note.ID + "#create", Type: "Create", Actor: actorURI, Published: note.Published,
		To: note.To, Cc: note.Cc, Object: &note}
	return s.queueActivity(ctx, tx, orgActor.ID, "Create", note.ID, "", nil, []string{ra.Inbox}, act, now)
}
