package fediverse

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/federation"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/store"
)

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
	settings, mode, err := s.replyAllowed(ctx, org, pub, ra)
	if err != nil {
		return err
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
	if err := s.Debate.ScreenNew(ctx, &c, mode, false); err != nil {
		return err
	}
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

// replyAllowed checks that the publication takes a remote reply from ra
// (published, the author neither banned nor muted, comments open) and
// returns the debate settings and the mode in force.
func (s *Service) replyAllowed(ctx context.Context, org model.Organisation, pub model.Publication, ra model.RemoteActor) (model.ModerationSettings, model.ModerationMode, error) {
	var settings model.ModerationSettings
	if pub.State != model.StatePublished {
		return settings, "", fmt.Errorf("%w: publication not published", ErrIgnored)
	}
	if why, err := s.refusedBy(ctx, org.ID, ra, "ban", "mute"); err != nil {
		return settings, "", err
	} else if why != "" {
		return settings, "", fmt.Errorf("%w: %s", ErrIgnored, why)
	}
	settings, err := s.Debate.DebateSettings(ctx, org.ID)
	if err != nil {
		return settings, "", err
	}
	mode, _, err := s.Debate.CommentMode(ctx, settings, pub.ID)
	if err != nil {
		return settings, "", err
	}
	if mode == model.ModeClosed {
		return settings, "", fmt.Errorf("%w: comments closed", ErrIgnored)
	}
	return settings, mode, nil
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
