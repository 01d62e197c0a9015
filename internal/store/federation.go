package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/model"
)

// Federation data (docs/FEDERATION.md). Inserts that may repeat (a replayed
// activity, a second Follow) use ON CONFLICT DO NOTHING and report whether a
// row was written: a unique violation would abort a PostgreSQL transaction.

func affected(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, translate(err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

const fedActorColumns = `id, kind, COALESCE(org_id, ''), COALESCE(topic_id, ''), COALESCE(account_id, ''),
	public_key_pem, private_key_pem, created_at`

func scanFedActor(r scanner) (model.FedActor, error) {
	var a model.FedActor
	err := r.Scan(&a.ID, &a.Kind, &a.OrgID, &a.TopicID, &a.AccountID, &a.PublicKeyPEM, &a.PrivateKeyPEM, &a.CreatedAt)
	a.CreatedAt = a.CreatedAt.UTC()
	return a, err
}

// CreateFedActor inserts a local actor unless one of that kind already
// exists for the same organisation, topic or account (a concurrent first
// use): false then.
func (q *Queries) CreateFedActor(ctx context.Context, a model.FedActor) (bool, error) {
	return affected(q.q.ExecContext(ctx, `INSERT INTO fed_actors (id, kind, org_id, topic_id, account_id, public_key_pem,
		private_key_pem, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING`,
		a.ID, a.Kind, stringOrNil(a.OrgID), stringOrNil(a.TopicID), stringOrNil(a.AccountID), a.PublicKeyPEM,
		a.PrivateKeyPEM, a.CreatedAt))
}

// FedActorOf returns the local actor of kind for ref (an organisation,
// topic or account id; "" for the instance).
func (q *Queries) FedActorOf(ctx context.Context, kind, ref string) (model.FedActor, error) {
	col := map[string]string{model.ActorOrg: "org_id", model.ActorTopic: "topic_id", model.ActorPerson: "account_id",
		model.ActorInstance: "'' "}[kind]
	if col == "" {
		return model.FedActor{}, model.ErrInvalid
	}
	a, err := scanFedActor(q.q.QueryRowContext(ctx, `SELECT `+fedActorColumns+` FROM fed_actors WHERE kind=$1 AND `+
		`COALESCE(`+col+`, '')=$2`, kind, ref))
	if err != nil {
		return a, fmt.Errorf("%s actor %s: %w", kind, ref, translate(err))
	}
	return a, nil
}

// FedActorByID returns a local actor.
func (q *Queries) FedActorByID(ctx context.Context, id string) (model.FedActor, error) {
	a, err := scanFedActor(q.q.QueryRowContext(ctx, `SELECT `+fedActorColumns+` FROM fed_actors WHERE id=$1`, id))
	if err != nil {
		return a, fmt.Errorf("actor %s: %w", id, translate(err))
	}
	return a, nil
}

// FollowerCounts counts followers per local actor of an organisation
// (its own and its topics').
func (q *Queries) FollowerCounts(ctx context.Context, orgID string) (map[string]int, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT a.kind, COALESCE(a.topic_id, ''), COUNT(f.remote_actor)
		FROM fed_actors a LEFT JOIN fed_followers f ON f.actor_id = a.id
		LEFT JOIN topics t ON t.id = a.topic_id
		WHERE a.org_id = $1 OR t.org_id = $1 GROUP BY a.kind, a.topic_id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("follower counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var kind, topic string
		var n int
		if err := rows.Scan(&kind, &topic, &n); err != nil {
			return nil, err
		}
		if kind == model.ActorOrg {
			out[""] = n
		} else {
			out[topic] = n
		}
	}
	return out, rows.Err()
}

// CountFollowers counts one local actor's followers.
func (q *Queries) CountFollowers(ctx context.Context, actorID string) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM fed_followers WHERE actor_id=$1`, actorID).Scan(&n)
	return n, err
}

const remoteActorColumns = `uri, key_id, public_key_pem, handle, name, url, inbox, shared_inbox, host, fetched_at`

func scanRemoteActor(r scanner) (model.RemoteActor, error) {
	var a model.RemoteActor
	err := r.Scan(&a.URI, &a.KeyID, &a.PublicKeyPEM, &a.Handle, &a.Name, &a.URL, &a.Inbox, &a.SharedInbox, &a.Host, &a.FetchedAt)
	a.FetchedAt = a.FetchedAt.UTC()
	return a, err
}

// PutRemoteActor stores or refreshes a remote actor.
func (q *Queries) PutRemoteActor(ctx context.Context, a model.RemoteActor) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO fed_remote_actors (`+remoteActorColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
		ON CONFLICT (uri) DO UPDATE SET key_id=excluded.key_id, public_key_pem=excluded.public_key_pem, handle=excluded.handle,
		name=excluded.name, url=excluded.url, inbox=excluded.inbox, shared_inbox=excluded.shared_inbox, host=excluded.host,
		fetched_at=excluded.fetched_at`,
		a.URI, a.KeyID, a.PublicKeyPEM, a.Handle, a.Name, a.URL, a.Inbox, a.SharedInbox, a.Host, a.FetchedAt)
	if err != nil {
		return fmt.Errorf("put remote actor: %w", translate(err))
	}
	return nil
}

// RemoteActorByURI returns a cached remote actor.
func (q *Queries) RemoteActorByURI(ctx context.Context, uri string) (model.RemoteActor, error) {
	a, err := scanRemoteActor(q.q.QueryRowContext(ctx, `SELECT `+remoteActorColumns+` FROM fed_remote_actors WHERE uri=$1`, uri))
	if err != nil {
		return a, fmt.Errorf("remote actor %s: %w", uri, translate(err))
	}
	return a, nil
}

// RemoteActorByKeyID returns the remote actor owning a key.
func (q *Queries) RemoteActorByKeyID(ctx context.Context, keyID string) (model.RemoteActor, error) {
	a, err := scanRemoteActor(q.q.QueryRowContext(ctx, `SELECT `+remoteActorColumns+` FROM fed_remote_actors WHERE key_id=$1
		ORDER BY fetched_at DESC LIMIT 1`, keyID))
	if err != nil {
		return a, fmt.Errorf("remote key %s: %w", keyID, translate(err))
	}
	return a, nil
}

// AddFollower records a follow (again: the follow id and inboxes are
// refreshed); true when it is new.
func (q *Queries) AddFollower(ctx context.Context, f model.Follower) (bool, error) {
	var existing int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM fed_followers WHERE actor_id=$1 AND remote_actor=$2`,
		f.ActorID, f.RemoteActor).Scan(&existing); err != nil {
		return false, err
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO fed_followers (actor_id, remote_actor, inbox, shared_inbox, host, follow_id, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (actor_id, remote_actor) DO UPDATE SET inbox=excluded.inbox,
		shared_inbox=excluded.shared_inbox, follow_id=excluded.follow_id`,
		f.ActorID, f.RemoteActor, f.Inbox, f.SharedInbox, f.Host, f.FollowID, f.CreatedAt)
	if err != nil {
		return false, fmt.Errorf("add follower: %w", translate(err))
	}
	return existing == 0, nil
}

// RemoveFollower ends a follow; false when there was none.
func (q *Queries) RemoveFollower(ctx context.Context, actorID, remoteActor string) (bool, error) {
	return affected(q.q.ExecContext(ctx, `DELETE FROM fed_followers WHERE actor_id=$1 AND remote_actor=$2`, actorID, remoteActor))
}

// ForgetRemoteActor removes a deleted remote account's follows.
func (q *Queries) ForgetRemoteActor(ctx context.Context, remoteActor string) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM fed_followers WHERE remote_actor=$1`, remoteActor)
	return translate(err)
}

// RecentFollowsFromHost counts follows recorded from one host since t
// (the per-host flood limit; in the database so every process sees it).
func (q *Queries) RecentFollowsFromHost(ctx context.Context, host string, since time.Time) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM fed_followers WHERE host=$1 AND created_at > $2`, host, since).Scan(&n)
	return n, err
}

// Recipient is one inbox to deliver to and its host.
type Recipient struct {
	Inbox string
	Host  string
}

// FollowerInboxes lists the distinct inboxes of the followers of the given
// local actors: a server's shared inbox once for all its followers.
func (q *Queries) FollowerInboxes(ctx context.Context, actorIDs []string) ([]Recipient, error) {
	if len(actorIDs) == 0 {
		return nil, nil
	}
	args := make([]any, len(actorIDs))
	ph := make([]string, len(actorIDs))
	for i, id := range actorIDs {
		args[i], ph[i] = id, fmt.Sprintf("$%d", i+1)
	}
	return queryAll(ctx, q, func(r scanner) (Recipient, error) {
		var x Recipient
		return x, r.Scan(&x.Inbox, &x.Host)
	}, `SELECT DISTINCT CASE WHEN shared_inbox <> '' THEN shared_inbox ELSE inbox END, host FROM fed_followers
		WHERE actor_id IN (`+strings.Join(ph, ",")+`) ORDER BY 2, 1`, args...)
}

// AddFollowing records that a local person follows a remote actor.
func (q *Queries) AddFollowing(ctx context.Context, accountID, remoteActor, followID string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO fed_following (account_id, remote_actor, follow_id, created_at)
		VALUES ($1,$2,$3,$4) ON CONFLICT (account_id, remote_actor) DO UPDATE SET follow_id=excluded.follow_id`,
		accountID, remoteActor, followID, at)
	return translate(err)
}

// AcceptFollowing marks a local person's follow as accepted by its target.
func (q *Queries) AcceptFollowing(ctx context.Context, remoteActor, followID string, at time.Time) (bool, error) {
	return affected(q.q.ExecContext(ctx, `UPDATE fed_following SET accepted_at=$1 WHERE remote_actor=$2 AND follow_id=$3`,
		at, remoteActor, followID))
}

// LocalFollowersOf lists the local accounts following a remote actor.
func (q *Queries) LocalFollowersOf(ctx context.Context, remoteActor string) ([]string, error) {
	return queryAll(ctx, q, func(r scanner) (string, error) {
		var s string
		return s, r.Scan(&s)
	}, `SELECT account_id FROM fed_following WHERE remote_actor=$1`, remoteActor)
}

// MarkSeen records an incoming activity id; false when it was seen before
// (a replay, or the same activity through two inboxes).
func (q *Queries) MarkSeen(ctx context.Context, activityID string, at time.Time) (bool, error) {
	return affected(q.q.ExecContext(ctx, `INSERT INTO fed_seen (activity_id, received_at) VALUES ($1,$2) ON CONFLICT DO NOTHING`,
		activityID, at))
}

// PurgeSeen forgets activity ids older than t (the date check refuses
// anything that old anyway).
func (q *Queries) PurgeSeen(ctx context.Context, before time.Time) (int64, error) {
	res, err := q.q.ExecContext(ctx, `DELETE FROM fed_seen WHERE received_at < $1`, before)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

const outboxColumns = `id, actor_id, kind, object_id, publication_id, audience, inboxes, body, fanned_out_at, created_at`

func scanOutbox(r scanner) (model.OutboxItem, error) {
	var o model.OutboxItem
	var audience, inboxes string
	var fanned sql.NullTime
	err := r.Scan(&o.ID, &o.ActorID, &o.Kind, &o.ObjectID, &o.PublicationID, &audience, &inboxes, &o.Body, &fanned, &o.CreatedAt)
	o.Audience, o.Inboxes = strings.Fields(audience), strings.Fields(inboxes)
	o.FannedOutAt, o.CreatedAt = nullTime(fanned), o.CreatedAt.UTC()
	return o, err
}

// CreateOutbox stores an activity to send.
func (q *Queries) CreateOutbox(ctx context.Context, o model.OutboxItem) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO fed_outbox (`+outboxColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
		o.ID, o.ActorID, o.Kind, o.ObjectID, o.PublicationID, strings.Join(o.Audience, " "), strings.Join(o.Inboxes, " "),
		o.Body, timeOrNil(o.FannedOutAt), o.CreatedAt)
	if err != nil {
		return fmt.Errorf("create outbox item: %w", translate(err))
	}
	return nil
}

// OutboxByID returns an activity we send.
func (q *Queries) OutboxByID(ctx context.Context, id string) (model.OutboxItem, error) {
	o, err := scanOutbox(q.q.QueryRowContext(ctx, `SELECT `+outboxColumns+` FROM fed_outbox WHERE id=$1`, id))
	if err != nil {
		return o, fmt.Errorf("outbox %s: %w", id, translate(err))
	}
	return o, nil
}

// MarkFannedOut records that an activity's deliveries were queued; false
// when they already were (a retried fan-out job).
func (q *Queries) MarkFannedOut(ctx context.Context, id string, at time.Time) (bool, error) {
	return affected(q.q.ExecContext(ctx, `UPDATE fed_outbox SET fanned_out_at=$1 WHERE id=$2 AND fanned_out_at IS NULL`, at, id))
}

// HostStatus returns a remote host's delivery health (zero when unknown).
func (q *Queries) HostStatus(ctx context.Context, host string) (model.FedHost, error) {
	h := model.FedHost{Host: host}
	var failing, attempt, success sql.NullTime
	err := q.q.QueryRowContext(ctx, `SELECT failing_since, last_attempt_at, last_success_at, failures FROM fed_hosts WHERE host=$1`,
		host).Scan(&failing, &attempt, &success, &h.Failures)
	if err == sql.ErrNoRows {
		return h, nil
	}
	h.FailingSince, h.LastAttemptAt, h.LastSuccessAt = nullTime(failing), nullTime(attempt), nullTime(success)
	return h, err
}

// HostResult records a delivery attempt's outcome (or, with ok and no
// attempt, that the host talked to us: it answers again).
func (q *Queries) HostResult(ctx context.Context, host string, ok bool, at time.Time) error {
	var err error
	if ok {
		_, err = q.q.ExecContext(ctx, `INSERT INTO fed_hosts (host, last_attempt_at, last_success_at, failures) VALUES ($1,$2,$2,0)
			ON CONFLICT (host) DO UPDATE SET failing_since=NULL, last_attempt_at=$2, last_success_at=$2, failures=0`, host, at)
	} else {
		_, err = q.q.ExecContext(ctx, `INSERT INTO fed_hosts (host, failing_since, last_attempt_at, failures) VALUES ($1,$2,$2,1)
			ON CONFLICT (host) DO UPDATE SET failing_since=COALESCE(fed_hosts.failing_since, $2), last_attempt_at=$2,
			failures=fed_hosts.failures+1`, host, at)
	}
	return translate(err)
}

// HostAnswered clears a host's failure state if it had one (it sent us a
// valid activity), without a write otherwise.
func (q *Queries) HostAnswered(ctx context.Context, host string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE fed_hosts SET failing_since=NULL, failures=0, last_success_at=$2
		WHERE host=$1 AND failing_since IS NOT NULL`, host, at)
	return translate(err)
}

// AddReaction records a like or boost; false when that actor already did.
func (q *Queries) AddReaction(ctx context.Context, id, orgID, publicationID, kind, remoteActor, activityID string, at time.Time) (bool, error) {
	return affected(q.q.ExecContext(ctx, `INSERT INTO fed_reactions (id, org_id, publication_id, kind, remote_actor, activity_id, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT DO NOTHING`, id, orgID, publicationID, kind, remoteActor, activityID, at))
}

// RemoveReaction undoes a like or boost, named by its activity id or by
// (publication, kind, actor).
func (q *Queries) RemoveReaction(ctx context.Context, remoteActor, activityID, publicationID, kind string) (bool, error) {
	return affected(q.q.ExecContext(ctx, `DELETE FROM fed_reactions WHERE remote_actor=$1 AND (activity_id=$2
		OR (publication_id=$3 AND kind=$4))`, remoteActor, activityID, publicationID, kind))
}

// ReactionsOf counts a publication's likes, boosts and remote replies.
func (q *Queries) ReactionsOf(ctx context.Context, publicationID string) (model.Reactions, error) {
	var r model.Reactions
	err := q.q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM fed_reactions WHERE publication_id=$1 AND kind='like'),
		(SELECT COUNT(*) FROM fed_reactions WHERE publication_id=$1 AND kind='announce'),
		(SELECT COUNT(*) FROM comments WHERE publication_id=$1 AND remote_actor <> '' AND status='published')`,
		publicationID).Scan(&r.Likes, &r.Boosts, &r.Replies)
	return r, err
}

// OrgReactions counts an organisation's likes, boosts and remote replies.
func (q *Queries) OrgReactions(ctx context.Context, orgID string) (model.Reactions, error) {
	var r model.Reactions
	err := q.q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM fed_reactions WHERE org_id=$1 AND kind='like'),
		(SELECT COUNT(*) FROM fed_reactions WHERE org_id=$1 AND kind='announce'),
		(SELECT COUNT(*) FROM comments WHERE org_id=$1 AND remote_actor <> '')`, orgID).Scan(&r.Likes, &r.Boosts, &r.Replies)
	return r, err
}

// DomainBlocks lists the blocks of an organisation ("" for the operator's).
func (q *Queries) DomainBlocks(ctx context.Context, orgID string) ([]model.DomainBlock, error) {
	return queryAll(ctx, q, func(r scanner) (model.DomainBlock, error) {
		var b model.DomainBlock
		err := r.Scan(&b.OrgID, &b.Domain, &b.CreatedBy, &b.CreatedAt)
		return b, err
	}, `SELECT org_id, domain, created_by, created_at FROM fed_domain_blocks WHERE org_id=$1 ORDER BY domain`, orgID)
}

// BlockedDomains lists the domains blocked for the whole instance and,
// when orgID is given, for that organisation, in one query.
func (q *Queries) BlockedDomains(ctx context.Context, orgID string) ([]string, error) {
	return queryAll(ctx, q, func(r scanner) (string, error) {
		var d string
		return d, r.Scan(&d)
	}, `SELECT domain FROM fed_domain_blocks WHERE org_id = '' OR org_id = $1`, orgID)
}

// AddDomainBlock blocks a domain; false when it already was.
func (q *Queries) AddDomainBlock(ctx context.Context, b model.DomainBlock) (bool, error) {
	return affected(q.q.ExecContext(ctx, `INSERT INTO fed_domain_blocks (org_id, domain, created_by, created_at)
		VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING`, b.OrgID, b.Domain, b.CreatedBy, b.CreatedAt))
}

// RemoveDomainBlock lifts a block.
func (q *Queries) RemoveDomainBlock(ctx context.Context, orgID, domain string) (bool, error) {
	return affected(q.q.ExecContext(ctx, `DELETE FROM fed_domain_blocks WHERE org_id=$1 AND domain=$2`, orgID, domain))
}

const remoteSanctionColumns = `s.id, s.org_id, s.remote_actor, s.kind, s.until_at, s.decision_id, s.created_by, s.lifted_at,
	s.created_at, COALESCE(ra.handle, ''), COALESCE(ra.name, '')`

func scanRemoteSanction(r scanner) (model.RemoteSanction, error) {
	var s model.RemoteSanction
	var until, lifted sql.NullTime
	err := r.Scan(&s.ID, &s.OrgID, &s.RemoteActor, &s.Kind, &until, &s.DecisionID, &s.CreatedBy, &lifted, &s.CreatedAt,
		&s.Handle, &s.Name)
	s.Until, s.LiftedAt, s.CreatedAt = nullTime(until), nullTime(lifted), s.CreatedAt.UTC()
	return s, err
}

// CreateRemoteSanction mutes or bans a remote account in an organisation.
func (q *Queries) CreateRemoteSanction(ctx context.Context, s model.RemoteSanction) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO fed_remote_sanctions (id, org_id, remote_actor, kind, until_at, decision_id,
		created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		s.ID, s.OrgID, s.RemoteActor, s.Kind, timeOrNil(s.Until), s.DecisionID, s.CreatedBy, s.CreatedAt)
	return translate(err)
}

// ActiveRemoteSanctions lists an organisation's mutes and bans in force at
// now (actor "" for all, else that actor's), the heaviest first.
func (q *Queries) ActiveRemoteSanctions(ctx context.Context, orgID, actor string, now time.Time) ([]model.RemoteSanction, error) {
	return queryAll(ctx, q, scanRemoteSanction, `SELECT `+remoteSanctionColumns+` FROM fed_remote_sanctions s
		LEFT JOIN fed_remote_actors ra ON ra.uri = s.remote_actor
		WHERE s.org_id=$1 AND ($2 = '' OR s.remote_actor=$2) AND s.lifted_at IS NULL AND (s.until_at IS NULL OR s.until_at > $3)
		ORDER BY CASE s.kind WHEN 'ban' THEN 0 ELSE 1 END, s.created_at DESC`, orgID, actor, now)
}

// LiftRemoteSanction ends a mute or ban.
func (q *Queries) LiftRemoteSanction(ctx context.Context, orgID, id string, at time.Time) error {
	return mustAffect(q.q.ExecContext(ctx, `UPDATE fed_remote_sanctions SET lifted_at=$1 WHERE org_id=$2 AND id=$3
		AND lifted_at IS NULL`, at, orgID, id))
}

// AddInboxItem stores an activity a local person received; false when it
// already was.
func (q *Queries) AddInboxItem(ctx context.Context, it model.FedInboxItem) (bool, error) {
	return affected(q.q.ExecContext(ctx, `INSERT INTO fed_account_inbox (id, account_id, activity_id, kind, actor, object_id,
		body, received_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING`,
		it.ID, it.AccountID, it.ActivityID, it.Kind, it.Actor, it.ObjectID, it.Body, it.ReceivedAt))
}

// InboxOf lists what a local person received, oldest first.
func (q *Queries) InboxOf(ctx context.Context, accountID string) ([]model.FedInboxItem, error) {
	return queryAll(ctx, q, func(r scanner) (model.FedInboxItem, error) {
		var it model.FedInboxItem
		err := r.Scan(&it.ID, &it.AccountID, &it.ActivityID, &it.Kind, &it.Actor, &it.ObjectID, &it.Body, &it.ReceivedAt)
		return it, err
	}, `SELECT id, account_id, activity_id, kind, actor, object_id, body, received_at FROM fed_account_inbox
		WHERE account_id=$1 ORDER BY received_at, id`, accountID)
}

// CommentByRemoteObject returns the comment made from a remote post.
func (q *Queries) CommentByRemoteObject(ctx context.Context, objectID string) (model.Comment, error) {
	c, err := scanComment(q.q.QueryRowContext(ctx, `SELECT `+commentColumns+commentFrom+`WHERE c.remote_object=$1`, objectID))
	if err != nil {
		return c, fmt.Errorf("remote comment %s: %w", objectID, translate(err))
	}
	return c, nil
}

// RecentRemoteComments counts a remote actor's comments since t (flood limit).
func (q *Queries) RecentRemoteComments(ctx context.Context, remoteActor string, since time.Time) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments WHERE remote_actor=$1 AND created_at > $2`,
		remoteActor, since).Scan(&n)
	return n, err
}

// LockFedHost serialises, until the transaction ends, the writers that
// count something per remote host (the replies of its accounts): on
// PostgreSQL it locks the host's fed_hosts row, made if missing, so that a
// second transaction waits and then counts what the first wrote; SQLite's
// transactions here take the write lock when they begin (_txlock=immediate,
// and Store.InBatch runs its savepoints one after another), which does the
// same.
func (q *Queries) LockFedHost(ctx context.Context, host string) error {
	if q.engine != Postgres {
		return nil
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO fed_hosts (host) VALUES ($1)
		ON CONFLICT (host) DO UPDATE SET host = excluded.host`, host)
	if err != nil {
		return fmt.Errorf("lock host %s: %w", host, translate(err))
	}
	return nil
}

// RecentRemoteCommentsFromHost counts the comments left since by any
// account of host we hold (fed_remote_actors: every remote author has
// been fetched before commenting).
func (q *Queries) RecentRemoteCommentsFromHost(ctx context.Context, host string, since time.Time) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments WHERE created_at > $2
		AND remote_actor IN (SELECT uri FROM fed_remote_actors WHERE host = $1)`, host, since).Scan(&n)
	return n, err
}

// CountLocalAccounts and CountPublished feed NodeInfo's usage figures.
func (q *Queries) CountLocalAccounts(ctx context.Context) (users, posts int, err error) {
	err = q.q.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM accounts), (SELECT COUNT(*) FROM publications WHERE state='published')`).
		Scan(&users, &posts)
	return users, posts, err
}

// RemoteActorByHandle returns the actor URI of a known user@host.
func (q *Queries) RemoteActorByHandle(ctx context.Context, handle string) (string, error) {
	var uri string
	err := q.q.QueryRowContext(ctx, `SELECT uri FROM fed_remote_actors WHERE lower(handle)=$1 ORDER BY fetched_at DESC LIMIT 1`,
		strings.ToLower(handle)).Scan(&uri)
	if err != nil {
		return "", fmt.Errorf("remote %s: %w", handle, translate(err))
	}
	return uri, nil
}
