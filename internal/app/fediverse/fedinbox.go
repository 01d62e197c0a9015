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
	"github.com/parvis/parvis/internal/screen"
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

func (s *Service) inFollow(ctx context.Context, ra model.RemoteActor, act federation.Activity) error {
	local, org, err := s.localActorOf(ctx, act.ObjectID)
	if err != nil {
		return err
	}
	if why, err := s.refusedBy(ctx, org.ID, ra, "ban"); err != nil {
		return err
	} else if why != "" {
		return fmt.Errorf("%w: follow refused: %s", model.ErrForbidden, why)
	}
	limit := s.Fed.FollowsPerHost
	if limit <= 0 {
		limit = 60
	}
	n, err := s.Store.RecentFollowsFromHost(ctx, ra.Host, s.Now().Add(-time.Minute))
	if err != nil {
		return err
	}
	if n >= limit {
		return fmt.Errorf("%w: %d follows from %s in a minute", model.ErrRateLimited, n, ra.Host)
	}
	localURI, err := s.actorURIOf(ctx, s.Store.Queries, local)
	if err != nil {
		return err
	}
	now := s.Now()
	return s.Store.InBatch(ctx, func(tx *store.Tx) error {
		if err := s.seenInTx(ctx, tx, act.ID); err != nil {
			return err
		}
		if _, err := tx.AddFollower(ctx, model.Follower{ActorID: local.ID, RemoteActor: ra.URI, Inbox: ra.Inbox,
			SharedInbox: ra.SharedInbox, Host: ra.Host, FollowID: act.ID, CreatedAt: now}); err != nil {
			return err
		}
		accept := federation.OutActivity{ID: localURI + "#accept-" + core.NewID(), Type: "Accept", Actor: localURI,
			To: []string{ra.URI}, Object: map[string]any{"id": act.ID, "type": "Follow", "actor": ra.URI, "object": localURI}}
		return s.queueActivity(ctx, tx, local.ID, "Accept", act.ID, "", nil, []string{ra.Inbox}, accept, now)
	})
}

// inJoin answers a Join of one of our events — what Mobilizon sends when
// one of its users clicks "Participate" on an event it received from us —
// with a Reject from the organisation: registrations are taken on the
// event's page, not by ActivityPub, and a Join left unanswered stays
// "pending" in Mobilizon for ever (Mobilizon reads Accept and Reject of a
// Join: docs.joinmobilizon.org/contribute/activity_pub/). A Join of
// anything else is ignored.
func (s *Service) inJoin(ctx context.Context, ra model.RemoteActor, act federation.Activity) error {
	pub, org, err := s.localPublication(ctx, act.ObjectID)
	if err != nil {
		return err
	}
	if pub.Kind != model.KindEvent {
		return fmt.Errorf("%w: join of %s, which is no event", ErrIgnored, act.ObjectID)
	}
	local, err := s.LocalActor(ctx, model.ActorOrg, org.ID)
	if err != nil {
		return err
	}
	localURI := s.OrgActorURI(org.Handle)
	now := s.Now()
	return s.Store.InBatch(ctx, func(tx *store.Tx) error {
		if err := s.seenInTx(ctx, tx, act.ID); err != nil {
			return err
		}
		reject := federation.OutActivity{ID: localURI + "#reject-" + core.NewID(), Type: "Reject", Actor: localURI,
			To: []string{ra.URI}, Object: map[string]any{"id": act.ID, "type": "Join", "actor": ra.URI, "object": act.ObjectID}}
		return s.queueActivity(ctx, tx, local.ID, "Reject", act.ID, "", nil, []string{ra.Inbox}, reject, now)
	})
}

func (s *Service) inUndo(ctx context.Context, ra model.RemoteActor, act federation.Activity) error {
	inner := act.Object
	if inner == nil {
		// Only the id of what is undone: a like or boost we recorded by id.
		return s.Store.InBatch(ctx, func(tx *store.Tx) error {
			if err := s.seenInTx(ctx, tx, act.ID); err != nil {
				return err
			}
			if _, err := tx.RemoveReaction(ctx, ra.URI, act.ObjectID, "", ""); err != nil {
				return err
			}
			return nil
		})
	}
	if inner.Actor != "" && inner.Actor != ra.URI {
		return fmt.Errorf("%w: undoing another actor's activity", model.ErrInvalid)
	}
	switch inner.Type {
	case "Follow":
		local, _, err := s.localActorOf(ctx, inner.ObjectID)
		if err != nil {
			return err
		}
		return s.Store.InBatch(ctx, func(tx *store.Tx) error {
			if err := s.seenInTx(ctx, tx, act.ID); err != nil {
				return err
			}
			_, err := tx.RemoveFollower(ctx, local.ID, ra.URI)
			return err
		})
	case "Like", "Announce", "EmojiReact":
		kind := "like"
		if inner.Type == "Announce" {
			kind = "announce"
		}
		pubID := ""
		if p, _, err := s.localPublication(ctx, inner.ObjectID); err == nil {
			pubID = p.ID
		}
		return s.Store.InBatch(ctx, func(tx *store.Tx) error {
			if err := s.seenInTx(ctx, tx, act.ID); err != nil {
				return err
			}
			_, err := tx.RemoveReaction(ctx, ra.URI, inner.ID, pubID, kind)
			return err
		})
	}
	return fmt.Errorf("%w: undo of %s", ErrIgnored, inner.Type)
}

// localPublication resolves one of our publication ids to the published
// publication and its organisation.
func (s *Service) localPublication(ctx context.Context, uri string) (model.Publication, model.Organisation, error) {
	ref, ok := s.ParseLocalURI(uri)
	if !ok || ref.Kind != "publication" {
		return model.Publication{}, model.Organisation{}, fmt.Errorf("%w: %s is not one of our publications", ErrIgnored, uri)
	}
	org, err := s.Store.OrganisationByHandle(ctx, ref.Handle)
	if err != nil {
		return model.Publication{}, org, notFoundIgnored(err)
	}
	p, err := s.Store.PublicationBySlug(ctx, org.ID, ref.Slug)
	if err != nil {
		return p, org, notFoundIgnored(err)
	}
	if p.State != model.StatePublished {
		return p, org, fmt.Errorf("%w: publication not published", ErrIgnored)
	}
	return p, org, nil
}

func notFoundIgnored(err error) error {
	if errors.Is(err, model.ErrNotFound) {
		return fmt.Errorf("%w: %v", ErrIgnored, err)
	}
	return err
}

func (s *Service) inReaction(ctx context.Context, ra model.RemoteActor, act federation.Activity, kind string) error {
	p, org, err := s.localPublication(ctx, act.ObjectID)
	if err != nil {
		return err
	}
	if why, err := s.refusedBy(ctx, org.ID, ra, "ban"); err != nil {
		return err
	} else if why != "" {
		return fmt.Errorf("%w: %s", ErrIgnored, why)
	}
	return s.Store.InBatch(ctx, func(tx *store.Tx) error {
		if err := s.seenInTx(ctx, tx, act.ID); err != nil {
			return err
		}
		_, err := tx.AddReaction(ctx, core.NewID(), org.ID, p.ID, kind, ra.URI, act.ID, s.Now())
		return err
	})
}

func (s *Service) inAnnounce(ctx context.Context, target InboxTarget, ra model.RemoteActor, act federation.Activity, raw []byte) error {
	if _, ok := s.ParseLocalURI(act.ObjectID); ok {
		return s.inReaction(ctx, ra, act, "announce")
	}
	return s.toPersons(ctx, target, ra, act, raw)
}

// inCreate turns a reply to one of our publications or comments into a
// comment; anything else may be for our local persons.
func (s *Service) inCreate(ctx context.Context, target InboxTarget, ra model.RemoteActor, act federation.Activity, raw []byte) error {
	o := act.Object
	if o == nil {
		return fmt.Errorf("%w: Create without an embedded object", ErrIgnored)
	}
	if o.InReplyTo == "" {
		return s.toPersons(ctx, target, ra, act, raw)
	}
	pub, org, parent, err := s.replyTarget(ctx, o.InReplyTo)
	if errors.Is(err, ErrIgnored) {
		return s.toPersons(ctx, target, ra, act, raw)
	} else if err != nil {
		return err
	}
	if o.AttributedTo != ra.URI || federation.Host(o.ID) != ra.Host {
		return fmt.Errorf("%w: object not by the actor", model.ErrInvalid)
	}
	return s.postRemoteComment(ctx, org, pub, parent, ra, act, *o)
}

// replyTarget resolves what a remote post answers: one of our
// publications, one of our comments, or a remote comment we hold. Nothing
// is fetched, so a loop of inReplyTo cannot make us walk.
func (s *Service) replyTarget(ctx context.Context, inReplyTo string) (model.Publication, model.Organisation, *model.Comment, error) {
	if ref, ok := s.ParseLocalURI(inReplyTo); ok {
		switch ref.Kind {
		case "publication":
			p, org, err := s.localPublication(ctx, inReplyTo)
			return p, org, nil, err
		case "comment":
			org, err := s.Store.OrganisationByHandle(ctx, ref.Handle)
			if err != nil {
				return model.Publication{}, org, nil, notFoundIgnored(err)
			}
			c, err := s.Store.CommentByID(ctx, org.ID, ref.ID)
			if err != nil {
				return model.Publication{}, org, nil, notFoundIgnored(err)
			}
			p, err := s.Store.PublicationByID(ctx, org.ID, c.PublicationID)
			if err != nil {
				return p, org, nil, notFoundIgnored(err)
			}
			return p, org, &c, nil
		}
		return model.Publication{}, model.Organisation{}, nil, fmt.Errorf("%w: reply to %s", ErrIgnored, ref.Kind)
	}
	c, err := s.Store.CommentByRemoteObject(ctx, inReplyTo)
	if err != nil {
		return model.Publication{}, model.Organisation{}, nil, notFoundIgnored(err)
	}
	org, err := s.Store.OrganisationByID(ctx, c.OrgID)
	if err != nil {
		return model.Publication{}, org, nil, err
	}
	p, err := s.Store.PublicationByID(ctx, org.ID, c.PublicationID)
	return p, org, &c, err
}

// remoteBody is a remote post's text as a comment: plain text, checked
// like a local comment's.
func (s *Service) remoteBody(o federation.Object) (string, bool) {
	v := &model.ValidationError{}
	body := s.Debate.CheckCommentBody(o.Text, v)
	return body, v.Err() == nil
}

// postRemoteComment screens and stores a remote reply: the same rules as a
// resident's comment (mode, sanctions, removed texts, flood, screening,
// routing to services), in one transaction with the activity id.
func (s *Service) postRemoteComment(ctx context.Context, org model.Organisation, pub model.Publication, parent *model.Comment,
	ra model.RemoteActor, act federation.Activity, o federation.Object) error {
	if pub.State != model.StatePublished {
		return fmt.Errorf("%w: publication not published", ErrIgnored)
	}
	if why, err := s.refusedBy(ctx, org.ID, ra, "ban", "mute"); err != nil {
		return err
	} else if why != "" {
		return fmt.Errorf("%w: %s", ErrIgnored, why)
	}
	settings, err := s.Debate.DebateSettings(ctx, org.ID)
	if err != nil {
		return err
	}
	mode, _, err := s.Debate.CommentMode(ctx, settings, pub.ID)
	if err != nil {
		return err
	}
	if mode == model.ModeClosed {
		return fmt.Errorf("%w: comments closed", ErrIgnored)
	}
	body, ok := s.remoteBody(o)
	if !ok {
		return fmt.Errorf("%w: empty, too long or invalid text", ErrIgnored)
	}
	now := s.Now()
	c := model.Comment{ID: core.NewID(), OrgID: org.ID, PublicationID: pub.ID, RemoteActor: ra.URI, RemoteName: ra.Name,
		RemoteObject: o.ID, RemoteHandle: ra.Handle, RemoteURL: remoteURL(o, ra), AuthorName: ra.Name, Body: body,
		Fingerprint: screen.Fingerprint(body), CreatedAt: now, UpdatedAt: now}
	if parent != nil {
		if parent.Status != model.CommentPublished {
			return fmt.Errorf("%w: parent comment not public", ErrIgnored)
		}
		c.ParentID = parent.ID
		if parent.ParentID != "" {
			c.ParentID = parent.ParentID // one level of replies, as on the site
		}
	}
	if removed, err := s.Store.FingerprintRemoved(ctx, org.ID, c.Fingerprint); err != nil {
		return err
	} else if removed {
		return fmt.Errorf("%w: text removed before", ErrIgnored)
	}
	words, err := s.Debate.ScreenWordLists(ctx, org.ID)
	if err != nil {
		return err
	}
	res := s.Screener.Check(body, words)
	c.ScreenVerdict, c.ScreenScore, c.ScreenReasons = string(res.Verdict), res.Score, res.Reasons
	switch {
	case res.Verdict == screen.Reject:
		c.Status = model.CommentRejected
	case res.Verdict == screen.Hold || mode == model.ModePre:
		c.Status, c.Review, c.ReviewSince = model.CommentHeld, model.ReviewHeld, &now
	default:
		c.Status = model.CommentPublished
	}
	c.InitialStatus = c.Status
	var services []string
	if c.Status != model.CommentRejected {
		if services, err = s.Store.PublicationServices(ctx, pub.ID); err != nil {
			return err
		}
	}
	return s.Store.InBatch(ctx, func(tx *store.Tx) error {
		if err := s.seenInTx(ctx, tx, act.ID); err != nil {
			return err
		}
		if _, err := tx.CommentByRemoteObject(ctx, o.ID); err == nil {
			return fmt.Errorf("%w: object already a comment", ErrIgnored)
		} else if !errors.Is(err, model.ErrNotFound) {
			return err
		}
		if err := s.checkReplyFlood(ctx, tx, ra, now); err != nil {
			return err
		}
		if err := tx.CreateComment(ctx, c); err != nil {
			return err
		}
		if c.Status == model.CommentRejected {
			err := tx.CreateDecision(ctx, model.Decision{ID: core.NewID(), OrgID: c.OrgID, CommentID: c.ID, Action: "reject",
				Source: "screening", Note: strings.Join(c.ScreenReasons, "; "), CreatedAt: now})
			if err != nil {
				return err
			}
		}
		if err := s.Debate.RouteComment(ctx, tx, org, pub, c, services); err != nil {
			return err
		}
		if err := s.Debate.AskOpinion(ctx, tx, settings, c); err != nil {
			return err
		}
		// A reply that asks something (or is held) needs a human: the
		// console's inbox, routed like a resident's comment.
		return s.Console.InboxFromComment(ctx, tx, org, c, false, services)
	})
}

// checkReplyFlood refuses a reply beyond RemoteFlood for its account or
// the per-host cap for all the accounts of its host, in RemoteFloodWindow.
// It counts in the transaction that writes the reply, after taking the
// host's lock: replies arriving together from one host are counted one
// after another, so none gets past the cap (on both engines).
func (s *Service) checkReplyFlood(ctx context.Context, tx *store.Tx, ra model.RemoteActor, now time.Time) error {
	if err := tx.LockFedHost(ctx, ra.Host); err != nil {
		return err
	}
	since := now.Add(-RemoteFloodWindow)
	if n, err := tx.RecentRemoteComments(ctx, ra.URI, since); err != nil {
		return err
	} else if n >= RemoteFlood {
		return fmt.Errorf("%w: %d comments in %s", model.ErrRateLimited, n, RemoteFloodWindow)
	}
	limit := s.Fed.RepliesPerHost
	if limit <= 0 {
		limit = RemoteHostFlood
	}
	if n, err := tx.RecentRemoteCommentsFromHost(ctx, ra.Host, since); err != nil {
		return err
	} else if n >= limit {
		return fmt.Errorf("%w: %d comments from %s in %s", model.ErrRateLimited, n, ra.Host, RemoteFloodWindow)
	}
	return nil
}

// remoteURL is the link shown with a remote comment: the author's profile.
func remoteURL(o federation.Object, ra model.RemoteActor) string {
	if strings.HasPrefix(ra.URL, "https://") || strings.HasPrefix(ra.URL, "http://") {
		return ra.URL
	}
	return ra.URI
}

// inUpdate applies a remote author's edit of a comment, screened again
// and seen by the console's inbox (InboxOnEdit) in the same transaction;
// other updates may be for our local persons.
func (s *Service) inUpdate(ctx context.Context, target InboxTarget, ra model.RemoteActor, act federation.Activity, raw []byte) error {
	o := act.Object
	if o == nil {
		return fmt.Errorf("%w: Update without an embedded object", ErrIgnored)
	}
	if o.ID == ra.URI {
		// A profile change: refetch the actor so names stay current.
		if _, err := s.FetchRemoteActor(ctx, ra.URI); err != nil {
			return fmt.Errorf("%w: profile refetch: %v", ErrIgnored, err)
		}
		return nil
	}
	c, found, err := s.remoteComment(ctx, ra, o.ID, "update of")
	if err != nil {
		return err
	} else if !found {
		return s.toPersons(ctx, target, ra, act, raw)
	}
	body, ok := s.remoteBody(*o)
	if !ok {
		return fmt.Errorf("%w: empty, too long or invalid text", ErrIgnored)
	}
	words, err := s.Debate.ScreenWordLists(ctx, c.OrgID)
	if err != nil {
		return err
	}
	res := s.Screener.Check(body, words)
	org, err := s.Store.OrganisationByID(ctx, c.OrgID)
	if err != nil {
		return err
	}
	settings, err := s.Debate.DebateSettings(ctx, c.OrgID)
	if err != nil {
		return err
	}
	return s.Store.InBatch(ctx, func(tx *store.Tx) error {
		if err := s.seenInTx(ctx, tx, act.ID); err != nil {
			return err
		}
		c, err := tx.CommentForUpdate(ctx, c.OrgID, c.ID)
		if err != nil {
			return err
		}
		if body == c.Body || (c.Status != model.CommentPublished && c.Status != model.CommentHeld) {
			return nil // moderated comments keep their notice
		}
		before := c
		fp := screen.Fingerprint(body)
		if removed, err := tx.FingerprintRemoved(ctx, c.OrgID, fp); err != nil {
			return err
		} else if removed {
			return fmt.Errorf("%w: text removed before", ErrIgnored)
		}
		now := s.Now()
		if err := tx.AddCommentRevision(ctx, core.NewID(), c.ID, c.Body, now); err != nil {
			return err
		}
		c.Body, c.Fingerprint, c.EditedAt, c.UpdatedAt = body, fp, &now, now
		c.ScreenVerdict, c.ScreenScore, c.ScreenReasons = string(res.Verdict), res.Score, res.Reasons
		if res.Verdict != screen.Allow && c.Status == model.CommentPublished {
			c.Status, c.Review, c.ReviewSince = model.CommentHeld, model.ReviewHeld, &now
		}
		if err := tx.UpdateComment(ctx, c); err != nil {
			return err
		}
		// The new text is asked about again if it is uncertain.
		if err := s.Debate.AskOpinion(ctx, tx, settings, c); err != nil {
			return err
		}
		// An edit that asks something enters the console's inbox as a new
		// reply would; an item the reply has already shows the new text.
		return s.Console.InboxOnEdit(ctx, tx, org, before, c)
	})
}

// inDelete honours a remote author's deletion of their comment (it leaves
// the page like a withdrawn comment; the archive keeps it), or of their
// whole account (their follows end).
func (s *Service) inDelete(ctx context.Context, target InboxTarget, ra model.RemoteActor, act federation.Activity, raw []byte) error {
	if act.ObjectID == ra.URI {
		return s.Store.InBatch(ctx, func(tx *store.Tx) error {
			if err := s.seenInTx(ctx, tx, act.ID); err != nil {
				return err
			}
			if err := tx.ForgetRemoteActor(ctx, ra.URI); err != nil {
				return err
			}
			s.fed.verifiers.forget(ra.URI)
			return nil
		})
	}
	c, found, err := s.remoteComment(ctx, ra, act.ObjectID, "deleting")
	if err != nil {
		return err
	} else if !found {
		return s.toPersons(ctx, target, ra, act, raw)
	}
	return s.Store.InBatch(ctx, func(tx *store.Tx) error {
		if err := s.seenInTx(ctx, tx, act.ID); err != nil {
			return err
		}
		c, err := tx.CommentForUpdate(ctx, c.OrgID, c.ID)
		if err != nil {
			return err
		}
		if c.Status == model.CommentWithdrawn || c.Status == model.CommentHidden || c.Status == model.CommentDeleted {
			return nil
		}
		now := s.Now()
		c.Status, c.Review, c.ReviewSince, c.UpdatedAt = model.CommentWithdrawn, model.ReviewNone, nil, now
		if err := tx.UpdateComment(ctx, c); err != nil {
			return err
		}
		_, err = tx.CloseReports(ctx, c.ID, now)
		return err
	})
}

// remoteComment finds the comment an Update or Delete is about. found is
// false when the object is not one of our comments (the activity is then
// for local persons); touching another actor's comment is forbidden.
func (s *Service) remoteComment(ctx context.Context, ra model.RemoteActor, objectID, what string) (c model.Comment, found bool, err error) {
	c, err = s.Store.CommentByRemoteObject(ctx, objectID)
	switch {
	case errors.Is(err, model.ErrNotFound):
		return c, false, nil
	case err != nil:
		return c, false, err
	case c.RemoteActor != ra.URI:
		return c, false, fmt.Errorf("%w: %s another actor's comment", model.ErrForbidden, what)
	}
	return c, true, nil
}

// inAcceptReject records the answer to a local person's Follow.
func (s *Service) inAcceptReject(ctx context.Context, target InboxTarget, ra model.RemoteActor, act federation.Activity, raw []byte) error {
	followID := act.ObjectID
	if act.Type == "Accept" {
		if ok, err := s.Store.AcceptFollowing(ctx, ra.URI, followID, s.Now()); err != nil {
			return err
		} else if !ok {
			return fmt.Errorf("%w: accept of an unknown follow", ErrIgnored)
		}
	}
	return s.toPersons(ctx, target, ra, act, raw)
}

// toPersons stores an activity in the inboxes of the local persons it is
// for: those following its actor, those it addresses, and the owner of the
// inbox it was posted to.
func (s *Service) toPersons(ctx context.Context, target InboxTarget, ra model.RemoteActor, act federation.Activity, raw []byte) error {
	recipients := map[string]bool{}
	if target.AccountID != "" {
		recipients[target.AccountID] = true
	}
	followers, err := s.Store.LocalFollowersOf(ctx, ra.URI)
	if err != nil {
		return err
	}
	for _, id := range followers {
		recipients[id] = true
	}
	addressed := append(append([]string{}, act.To...), act.Cc...)
	if act.Object != nil {
		addressed = append(append(addressed, act.Object.To...), act.Object.Cc...)
	}
	for _, to := range addressed {
		if ref, ok := s.ParseLocalURI(to); ok && ref.Kind == model.ActorPerson {
			recipients[ref.ID] = true
		}
	}
	if len(recipients) == 0 {
		return fmt.Errorf("%w: nothing of ours and nobody here follows the actor", ErrIgnored)
	}
	return s.Store.InBatch(ctx, func(tx *store.Tx) error {
		if err := s.seenInTx(ctx, tx, act.ID); err != nil {
			return err
		}
		for id := range recipients {
			if _, err := tx.FedActorOf(ctx, model.ActorPerson, id); errors.Is(err, model.ErrNotFound) {
				continue // not a federating account
			} else if err != nil {
				return err
			}
			_, err := tx.AddInboxItem(ctx, model.FedInboxItem{ID: core.NewID(), AccountID: id, ActivityID: act.ID, Kind: act.Type,
				Actor: act.Actor, ObjectID: act.ObjectID, Body: string(raw), ReceivedAt: s.Now()})
			if err != nil {
				return err
			}
		}
		return nil
	})
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
