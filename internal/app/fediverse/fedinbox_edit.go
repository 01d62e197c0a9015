package fediverse

import (
	"context"
	"errors"
	"fmt"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/federation"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/store"
)

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
	res, err := s.Debate.Screen(ctx, c.OrgID, body)
	if err != nil {
		return err
	}
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
		if err := s.Debate.ScreenEdit(ctx, tx, &c, body, res, now); err != nil {
			return err
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
