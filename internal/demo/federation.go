package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/federation"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/store"
)

// remoteResidents are fictional Fediverse accounts whose replies, likes and
// boosts the demo shows under a publication.
// A reply with an edit was first posted as reply, then edited (an Update
// of the Note) into edit: the question enters the inbox at the edit.
// follows is how many days ago each started following the commune.
var remoteResidents = []struct {
	user, host, name, reply, edit string
	follows                       int
}{
	{"claire", "mastodon.example", "Claire Martin", "Merci pour l'information ! Le marché du samedi est-il maintenu pendant les travaux ?", "", 75},
	{"bernard", "gts.example", "Bernard (quartier du Port)", "Est-ce que la piste cyclable restera ouverte le long de la Loire ?", "", 41},
	{"yuki", "misskey.example", "Yuki", "Merci pour ces nouvelles, c'est clair et utile.", "", 8},
	{"lea", "pixelfed.example", "Léa R.", "Bon courage aux équipes du chantier.",
		"Bon courage aux équipes du chantier. Le bus 3 passera-t-il toujours par le quai ?", 19},
}

// followedAt is when the i-th remote resident started following.
func followedAt(now time.Time, i int) time.Time {
	return now.Add(-time.Duration(remoteResidents[i].follows) * 24 * time.Hour)
}

// seedFederation makes the commune discoverable on the Fediverse
// (@bellerive@host: its actor and key) and puts, under one publication,
// replies, likes and boosts from fictional remote accounts, with followers.
func seedFederation(ctx context.Context, a *app.App, org model.Organisation) error {
	orgActor, err := a.Fediverse.LocalActor(ctx, model.ActorOrg, org.ID)
	if err != nil {
		return err
	}
	// Under the publishing demo's most recent news item.
	pubs, err := a.Store.PublicList(ctx, model.PublicFilter{OrgID: org.ID, Kinds: []model.PubKind{model.KindNews}, Limit: 1})
	if err != nil {
		return err
	}
	if len(pubs) == 0 {
		return fmt.Errorf("no published news to reply to")
	}
	pub := pubs[0]
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		for i, r := range remoteResidents {
			_, pub0, err := federation.GenerateKey()
			if err != nil {
				return err
			}
			uri := "https://" + r.host + "/users/" + r.user
			ra := model.RemoteActor{URI: uri, KeyID: uri + "#main-key", PublicKeyPEM: pub0, Handle: r.user + "@" + r.host,
				Name: r.name, URL: "https://" + r.host + "/@" + r.user, Inbox: uri + "/inbox", SharedInbox: "https://" + r.host + "/inbox",
				Host: r.host, FetchedAt: a.Now()}
			if err := tx.PutRemoteActor(ctx, ra); err != nil {
				return err
			}
			if _, err := tx.AddFollower(ctx, model.Follower{ActorID: orgActor.ID, RemoteActor: uri, Inbox: ra.Inbox,
				SharedInbox: ra.SharedInbox, Host: r.host, FollowID: uri + "#follow", CreatedAt: followedAt(a.Now(), i)}); err != nil {
				return err
			}
			now := a.Now()
			c := model.Comment{ID: core.NewID(), OrgID: org.ID, PublicationID: pub.ID, RemoteActor: uri, RemoteName: r.name,
				RemoteObject: fmt.Sprintf("%s/statuses/10%d", uri, i), RemoteHandle: ra.Handle, RemoteURL: ra.URL, Body: r.reply,
				Fingerprint: screen.Fingerprint(r.reply), Status: model.CommentPublished, InitialStatus: model.CommentPublished,
				ScreenVerdict: "allow", CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateComment(ctx, c); err != nil {
				return err
			}
			// Replies that ask something reach the console's inbox, as
			// when they arrive through the federation inbox.
			if err := a.Console.InboxFromComment(ctx, tx, org, c, false, nil); err != nil {
				return err
			}
			if r.edit != "" { // as the federation inbox applies an Update
				before := c
				if err := tx.AddCommentRevision(ctx, core.NewID(), c.ID, c.Body, now); err != nil {
					return err
				}
				c.Body, c.Fingerprint, c.EditedAt = r.edit, screen.Fingerprint(r.edit), &now
				if err := tx.UpdateComment(ctx, c); err != nil {
					return err
				}
				if err := a.Console.InboxOnEdit(ctx, tx, org, before, c); err != nil {
					return err
				}
			}
			if _, err := tx.AddReaction(ctx, core.NewID(), org.ID, pub.ID, "like", uri, uri+"#likes/1", now); err != nil {
				return err
			}
			if i < 2 {
				if _, err := tx.AddReaction(ctx, core.NewID(), org.ID, pub.ID, "announce", uri, uri+"#announces/1", now); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
