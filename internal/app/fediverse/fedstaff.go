package fediverse

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/federation"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// The staff side of federation: figures, blocked domains, and remote
// accounts muted or banned from an organisation's debate.

// SanctionRemote records a mute or ban of a remote author ("warn" has no
// effect to record for them).
func (s *Service) SanctionRemote(ctx context.Context, tx *store.Tx, orgID, remoteActor, sanction, decisionID, by string, now time.Time) error {
	rs := model.RemoteSanction{ID: core.NewID(), OrgID: orgID, RemoteActor: remoteActor, Kind: sanction, DecisionID: decisionID,
		CreatedBy: by, CreatedAt: now}
	if days, ok := strings.CutPrefix(sanction, "mute"); ok {
		n, _ := strconv.Atoi(days)
		if n <= 0 {
			n = 30
		}
		t := now.Add(time.Duration(n) * 24 * time.Hour)
		rs.Kind, rs.Until = "mute", &t
	} else if sanction != "ban" {
		return nil
	}
	return tx.CreateRemoteSanction(ctx, rs)
}

// FederationOverview is what the staff federation page shows.
type FederationOverview struct {
	Address        string // @handle@host
	OrgFollowers   int
	Topics         []TopicFollowers
	Reactions      model.Reactions
	Blocks         []model.DomainBlock
	OperatorBlocks []string
	Sanctions      []model.RemoteSanction
}

// TopicFollowers is a topic actor's address and follower count.
type TopicFollowers struct {
	Topic     model.Topic
	Address   string
	Followers int
}

// FederationOverview gathers an organisation's federation figures.
func (s *Service) FederationOverview(ctx context.Context, org model.Organisation) (FederationOverview, error) {
	host := s.FedHost()
	ov := FederationOverview{Address: "@" + org.Handle + "@" + host}
	counts, err := s.Store.FollowerCounts(ctx, org.ID)
	if err != nil {
		return ov, err
	}
	ov.OrgFollowers = counts[""]
	topics, err := s.Store.TopicsOf(ctx, org.ID)
	if err != nil {
		return ov, err
	}
	for _, t := range topics {
		ov.Topics = append(ov.Topics, TopicFollowers{Topic: t, Address: "@" + org.Handle + "." + t.Slug + "@" + host,
			Followers: counts[t.ID]})
	}
	if ov.Reactions, err = s.Store.OrgReactions(ctx, org.ID); err != nil {
		return ov, err
	}
	if ov.Blocks, err = s.Store.DomainBlocks(ctx, org.ID); err != nil {
		return ov, err
	}
	ops, err := s.Store.DomainBlocks(ctx, "")
	if err != nil {
		return ov, err
	}
	ov.OperatorBlocks = append(ov.OperatorBlocks, s.Fed.OperatorBlocks...)
	for _, b := range ops {
		ov.OperatorBlocks = append(ov.OperatorBlocks, b.Domain)
	}
	ov.Sanctions, err = s.Store.ActiveRemoteSanctions(ctx, org.ID, "", s.Now())
	return ov, err
}

// BlockDomain blocks a remote domain for an organisation (orgID "" with an
// operator account: for the whole instance). Existing followers from it
// stop receiving anything; its activities are refused.
func (s *Service) BlockDomain(ctx context.Context, actor model.Account, orgID, domain string) error {
	d, ok := NormalizeDomain(domain)
	if !ok {
		return &model.FieldError{Field: "domain", Code: "fed.error.domain"}
	}
	defer s.fed.blocks.forget() // after the commit (and after a failure: harmless)
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := s.requireFedAdmin(ctx, tx, actor, orgID); err != nil {
			return err
		}
		if _, err := tx.AddDomainBlock(ctx, model.DomainBlock{OrgID: orgID, Domain: d, CreatedBy: actor.ID, CreatedAt: s.Now()}); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actor.ID, "federation.block", d, "")
	})
}

// UnblockDomain lifts a block.
func (s *Service) UnblockDomain(ctx context.Context, actor model.Account, orgID, domain string) error {
	defer s.fed.blocks.forget()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := s.requireFedAdmin(ctx, tx, actor, orgID); err != nil {
			return err
		}
		if _, err := tx.RemoveDomainBlock(ctx, orgID, domain); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actor.ID, "federation.unblock", domain, "")
	})
}

func (s *Service) requireFedAdmin(ctx context.Context, tx *store.Tx, actor model.Account, orgID string) error {
	if orgID == "" {
		if !actor.IsOperator {
			return model.ErrForbidden
		}
		return nil
	}
	_, err := core.Authorize(ctx, tx.Queries, actor.ID, orgID, policy.FederationManage)
	return err
}

// SanctionRemoteAccount mutes (for days) or bans a remote account, named
// by its address (user@host) or actor URL, from the organisation's debate.
func (s *Service) SanctionRemoteAccount(ctx context.Context, actor model.Account, org model.Organisation, who, kind string) error {
	if kind != "mute7" && kind != "mute30" && kind != "ban" {
		return &model.FieldError{Field: "kind", Code: "fed.error.sanction"}
	}
	uri, err := s.resolveRemote(ctx, who)
	if err != nil {
		return &model.FieldError{Field: "account", Code: "fed.error.account"}
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actor.ID, org.ID, policy.FederationManage); err != nil {
			return err
		}
		if err := s.SanctionRemote(ctx, tx, org.ID, uri, kind, "", actor.ID, s.Now()); err != nil {
			return err
		}
		return s.Audit(ctx, tx, org.ID, actor.ID, "federation.sanction", uri, kind)
	})
}

// LiftRemoteSanction ends a remote account's mute or ban.
func (s *Service) LiftRemoteSanction(ctx context.Context, actor model.Account, org model.Organisation, id string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actor.ID, org.ID, policy.FederationManage); err != nil {
			return err
		}
		if err := tx.LiftRemoteSanction(ctx, org.ID, id, s.Now()); err != nil {
			return err
		}
		return s.Audit(ctx, tx, org.ID, actor.ID, "federation.lift", id, "")
	})
}

// resolveRemote turns user@host or an actor URL into an actor URI known
// here (a comment or a follow of theirs), or found by WebFinger.
func (s *Service) resolveRemote(ctx context.Context, who string) (string, error) {
	who = strings.TrimSpace(who)
	if strings.HasPrefix(who, "https://") || strings.HasPrefix(who, "http://") {
		return who, nil
	}
	handle := strings.TrimPrefix(who, "@")
	if !strings.Contains(handle, "@") {
		return "", model.ErrInvalid
	}
	if uri, err := s.Store.RemoteActorByHandle(ctx, handle); err == nil {
		return uri, nil
	} else if !errors.Is(err, model.ErrNotFound) {
		return "", err
	}
	if s.Fed.Client == nil {
		return "", model.ErrNotFound
	}
	return s.Fed.Client.WebFinger(ctx, handle)
}

// ---- Local persons -------------------------------------------------------
//
// Parvis has no timeline for residents; a local account can still act as a
// Person on the Fediverse (/users/{id}): follow, reply, like. Tests drive
// it to play the remote side of a second instance, and the demo uses it.

// personActor returns the account's person actor, made on first use.
func (s *Service) personActor(ctx context.Context, accountID string) (model.FedActor, federation.Signer, error) {
	if _, err := s.Store.AccountByID(ctx, accountID); err != nil {
		return model.FedActor{}, federation.Signer{}, err
	}
	act, err := s.LocalActor(ctx, model.ActorPerson, accountID)
	if err != nil {
		return act, federation.Signer{}, err
	}
	sg, err := s.signer(act, s.PersonActorURI(accountID))
	return act, sg, err
}

// resolveActor turns user@host or an actor URL into a fetched actor.
func (s *Service) resolveActor(ctx context.Context, who string) (model.RemoteActor, error) {
	uri, err := s.resolveRemote(ctx, who)
	if err != nil {
		return model.RemoteActor{}, err
	}
	return s.RemoteActor(ctx, uri)
}

// PersonFollow makes a local account follow a remote actor (user@host or
// URL); the Accept arrives in its inbox.
func (s *Service) PersonFollow(ctx context.Context, accountID, who string) (string, error) {
	act, _, err := s.personActor(ctx, accountID)
	if err != nil {
		return "", err
	}
	ra, err := s.resolveActor(ctx, who)
	if err != nil {
		return "", err
	}
	me := s.PersonActorURI(accountID)
	id := me + "#follow-" + core.NewID()
	out := federation.OutActivity{ID: id, Type: "Follow", Actor: me, To: []string{ra.URI}, Object: ra.URI}
	return id, s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.AddFollowing(ctx, accountID, ra.URI, id, s.Now()); err != nil {
			return err
		}
		return s.queueActivity(ctx, tx, act.ID, "Follow", ra.URI, "", nil, []string{ra.Inbox}, out, s.Now())
	})
}

// PersonUnfollow undoes a follow.
func (s *Service) PersonUnfollow(ctx context.Context, accountID, who, followID string) error {
	act, _, err := s.personActor(ctx, accountID)
	if err != nil {
		return err
	}
	ra, err := s.resolveActor(ctx, who)
	if err != nil {
		return err
	}
	me := s.PersonActorURI(accountID)
	out := federation.OutActivity{ID: me + "#undo-" + core.NewID(), Type: "Undo", Actor: me, To: []string{ra.URI},
		Object: map[string]any{"id": followID, "type": "Follow", "actor": me, "object": ra.URI}}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		return s.queueActivity(ctx, tx, act.ID, "Undo", followID, "", nil, []string{ra.Inbox}, out, s.Now())
	})
}

// PersonNote is a note a local person sends: a reply to inReplyTo,
// addressed to the actor `to` (user@host or URL).
type PersonNote struct {
	To        string
	InReplyTo string
	Text      string
	NoteID    string // for Update and Delete: the note's id
}

// PersonPost sends a Create (or, with kind, an Update or Delete) of a note
// as a local person, and returns the note's id.
func (s *Service) PersonPost(ctx context.Context, accountID, kind string, n PersonNote) (string, error) {
	act, _, err := s.personActor(ctx, accountID)
	if err != nil {
		return "", err
	}
	ra, err := s.resolveActor(ctx, n.To)
	if err != nil {
		return "", err
	}
	me := s.PersonActorURI(accountID)
	if n.NoteID == "" {
		n.NoteID = me + "/notes/" + core.NewID()
	}
	if !strings.HasPrefix(n.NoteID, me+"/") {
		return "", model.ErrForbidden
	}
	now := s.Now()
	note := &federation.Note{ID: n.NoteID, Type: "Note", AttributedTo: me, InReplyTo: n.InReplyTo,
		Content: paragraphs(n.Text), MediaType: "text/html", Published: federation.Stamp(now),
		To: []string{federation.Public}, Cc: []string{ra.URI}}
	out := federation.OutActivity{ID: fmt.Sprintf("%s#%s-%d", n.NoteID, strings.ToLower(kind), now.UnixNano()), Type: kind,
		Actor: me, To: note.To, Cc: note.Cc, Object: note}
	switch kind {
	case "Create":
	case "Update":
		note.Updated = federation.Stamp(now)
	case "Delete":
		out.Object = &federation.Note{ID: n.NoteID, Type: "Tombstone"}
	default:
		return "", model.ErrInvalid
	}
	return n.NoteID, s.Store.InTx(ctx, func(tx *store.Tx) error {
		return s.queueActivity(ctx, tx, act.ID, kind, n.NoteID, "", nil, []string{ra.Inbox}, out, now)
	})
}

// PersonReact likes or boosts (kind "Like" or "Announce") an object of the
// actor `to`.
func (s *Service) PersonReact(ctx context.Context, accountID, kind, to, objectID string) (string, error) {
	if kind != "Like" && kind != "Announce" {
		return "", model.ErrInvalid
	}
	act, _, err := s.personActor(ctx, accountID)
	if err != nil {
		return "", err
	}
	ra, err := s.resolveActor(ctx, to)
	if err != nil {
		return "", err
	}
	me := s.PersonActorURI(accountID)
	id := me + "#" + strings.ToLower(kind) + "-" + core.NewID()
	out := federation.OutActivity{ID: id, Type: kind, Actor: me, To: []string{ra.URI}, Object: objectID}
	return id, s.Store.InTx(ctx, func(tx *store.Tx) error {
		return s.queueActivity(ctx, tx, act.ID, kind, objectID, "", nil, []string{ra.Inbox}, out, s.Now())
	})
}
