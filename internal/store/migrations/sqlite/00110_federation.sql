-- +goose Up
-- Federation with ActivityPub (docs/FEDERATION.md).

-- Our own actors: an organisation, a topic, a local account (person) or the
-- instance itself (signs fetches), each with its RSA key pair, made on first
-- use.
CREATE TABLE fed_actors (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    org_id TEXT REFERENCES organisations(id) ON DELETE CASCADE,
    topic_id TEXT REFERENCES topics(id) ON DELETE CASCADE,
    account_id TEXT REFERENCES accounts(id) ON DELETE CASCADE,
    public_key_pem TEXT NOT NULL,
    private_key_pem TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX fed_actors_org ON fed_actors(org_id) WHERE kind = 'org';
CREATE UNIQUE INDEX fed_actors_topic ON fed_actors(topic_id) WHERE kind = 'topic';
CREATE UNIQUE INDEX fed_actors_person ON fed_actors(account_id) WHERE kind = 'person';
CREATE UNIQUE INDEX fed_actors_instance ON fed_actors(kind) WHERE kind = 'instance';

-- Remote actors we met (signature keys cached here; refetched on failure).
CREATE TABLE fed_remote_actors (
    uri TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    public_key_pem TEXT NOT NULL,
    handle TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    inbox TEXT NOT NULL,
    shared_inbox TEXT NOT NULL DEFAULT '',
    host TEXT NOT NULL,
    fetched_at TIMESTAMP NOT NULL
);
CREATE INDEX fed_remote_actors_key ON fed_remote_actors(key_id);

-- Who follows our actors. The list is never published, only its count.
CREATE TABLE fed_followers (
    actor_id TEXT NOT NULL REFERENCES fed_actors(id) ON DELETE CASCADE,
    remote_actor TEXT NOT NULL,
    inbox TEXT NOT NULL,
    shared_inbox TEXT NOT NULL DEFAULT '',
    host TEXT NOT NULL,
    follow_id TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (actor_id, remote_actor)
);
CREATE INDEX fed_followers_host ON fed_followers(host, created_at);

-- Whom our local persons follow (the person actor of local accounts).
CREATE TABLE fed_following (
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    remote_actor TEXT NOT NULL,
    follow_id TEXT NOT NULL,
    accepted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, remote_actor)
);
CREATE INDEX fed_following_remote ON fed_following(remote_actor);

-- Ids of incoming activities already handled: a replay is ignored.
CREATE TABLE fed_seen (
    activity_id TEXT PRIMARY KEY,
    received_at TIMESTAMP NOT NULL
);
CREATE INDEX fed_seen_received ON fed_seen(received_at);

-- Activities we send, as sent. audience lists the local actors whose
-- followers receive it; inboxes the direct recipients.
CREATE TABLE fed_outbox (
    id TEXT PRIMARY KEY,
    actor_id TEXT NOT NULL REFERENCES fed_actors(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    object_id TEXT NOT NULL DEFAULT '',
    publication_id TEXT NOT NULL DEFAULT '',
    audience TEXT NOT NULL DEFAULT '',
    inboxes TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    fanned_out_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX fed_outbox_actor ON fed_outbox(actor_id, created_at);

-- Remote servers' health: a host failing for long is skipped until it
-- answers again.
CREATE TABLE fed_hosts (
    host TEXT PRIMARY KEY,
    failing_since TIMESTAMP,
    last_attempt_at TIMESTAMP,
    last_success_at TIMESTAMP,
    failures INTEGER NOT NULL DEFAULT 0
);

-- Likes and boosts of our publications.
CREATE TABLE fed_reactions (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    publication_id TEXT NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    remote_actor TEXT NOT NULL,
    activity_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (publication_id, kind, remote_actor)
);
CREATE UNIQUE INDEX fed_reactions_activity ON fed_reactions(activity_id);

-- Blocked domains: org_id '' is the operator's block for the whole instance.
CREATE TABLE fed_domain_blocks (
    org_id TEXT NOT NULL DEFAULT '',
    domain TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, domain)
);

-- Mutes and bans of remote accounts in one organisation (the debate's
-- sanctions, for authors without a local account).
CREATE TABLE fed_remote_sanctions (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    remote_actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    until_at TIMESTAMP,
    decision_id TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    lifted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX fed_remote_sanctions_actor ON fed_remote_sanctions(org_id, remote_actor);

-- What local persons received (their inbox).
CREATE TABLE fed_account_inbox (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    activity_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    object_id TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    UNIQUE (account_id, activity_id)
);

-- A remote comment's own object id, its author's address and profile.
ALTER TABLE comments ADD COLUMN remote_object TEXT NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN remote_handle TEXT NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN remote_url TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX comments_remote_object ON comments(remote_object) WHERE remote_object <> '';
CREATE INDEX comments_remote_actor ON comments(remote_actor, created_at) WHERE remote_actor <> '';

-- Like and boost counts are on the public page: they bump the page cache.
-- +goose StatementBegin
CREATE TRIGGER public_gen_reaction_ins AFTER INSERT ON fed_reactions BEGIN
    INSERT INTO public_generations (org_id, generation) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER public_gen_reaction_del AFTER DELETE ON fed_reactions BEGIN
    INSERT INTO public_generations (org_id, generation) VALUES (OLD.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER public_gen_reaction_del;
DROP TRIGGER public_gen_reaction_ins;
DROP INDEX comments_remote_actor;
DROP INDEX comments_remote_object;
ALTER TABLE comments DROP COLUMN remote_url;
ALTER TABLE comments DROP COLUMN remote_handle;
ALTER TABLE comments DROP COLUMN remote_object;
DROP TABLE fed_account_inbox;
DROP TABLE fed_remote_sanctions;
DROP TABLE fed_domain_blocks;
DROP TABLE fed_reactions;
DROP TABLE fed_hosts;
DROP TABLE fed_outbox;
DROP TABLE fed_seen;
DROP TABLE fed_following;
DROP TABLE fed_followers;
DROP TABLE fed_remote_actors;
DROP TABLE fed_actors;
