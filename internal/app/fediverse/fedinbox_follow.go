package fediverse

import (
	"context"
	"fmt"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/federation"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Follows, joins and their undoing, from remote actors.

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
