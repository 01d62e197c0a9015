package fediverse

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"html"
	"strings"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/federation"
	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

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
