-- +goose Up
-- Debate: comments under publications, their moderation, reports, appeals
-- and sanctions (docs/DEBATE.md).

-- Per organisation: moderation mode, charter (one rule per line, numbered by
-- position) and how many distinct reporters hide a comment pending review.
-- No row means the defaults: post-moderation, the default charter, 3.
CREATE TABLE moderation_settings (
    org_id TEXT PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    mode TEXT NOT NULL DEFAULT 'post',
    charter TEXT NOT NULL DEFAULT '',
    report_threshold INTEGER NOT NULL DEFAULT 3,
    updated_at TIMESTAMP NOT NULL
);

-- A publication's own mode, overriding the organisation's.
CREATE TABLE publication_comment_modes (
    publication_id TEXT PRIMARY KEY REFERENCES publications(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    mode TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A comment. account_id is NULL for a remote (Fediverse) author, named by
-- remote_actor, or once the author's account is erased. review is what the
-- comment waits for in the moderation queue ('' when nothing).
CREATE TABLE comments (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    publication_id TEXT NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    parent_id TEXT REFERENCES comments(id) ON DELETE CASCADE,
    account_id TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    remote_actor TEXT NOT NULL DEFAULT '',
    remote_name TEXT NOT NULL DEFAULT '',
    service_id TEXT REFERENCES services(id) ON DELETE SET NULL,
    as_org INTEGER NOT NULL DEFAULT 0,
    staff_label TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status TEXT NOT NULL,
    initial_status TEXT NOT NULL,
    screen_verdict TEXT NOT NULL DEFAULT '',
    screen_score REAL NOT NULL DEFAULT 0,
    screen_reasons TEXT NOT NULL DEFAULT '',
    rule_number INTEGER NOT NULL DEFAULT 0,
    rule_text TEXT NOT NULL DEFAULT '',
    official INTEGER NOT NULL DEFAULT 0,
    useful_count INTEGER NOT NULL DEFAULT 0,
    review TEXT NOT NULL DEFAULT '',
    review_since TIMESTAMP,
    idem_key TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    edited_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX comments_thread ON comments(publication_id, created_at);
CREATE INDEX comments_author ON comments(account_id, created_at);
-- The moderation queue: what needs a decision, oldest first.
CREATE INDEX comments_review ON comments(org_id, review, review_since);
CREATE INDEX comments_org_created ON comments(org_id, created_at);
CREATE UNIQUE INDEX comments_idem ON comments(account_id, idem_key) WHERE idem_key <> '';

-- Earlier texts of edited comments (the public archive keeps them).
CREATE TABLE comment_revisions (
    id TEXT PRIMARY KEY,
    comment_id TEXT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX comment_revisions_comment ON comment_revisions(comment_id, created_at);

CREATE TABLE comment_useful (
    comment_id TEXT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (comment_id, account_id)
);

-- Reports (DSA art. 16). reporter_key identifies a distinct person: an
-- account, or the hash of a non-member's address.
CREATE TABLE comment_reports (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    comment_id TEXT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    reporter_account_id TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    reporter_email TEXT NOT NULL DEFAULT '',
    reporter_key TEXT NOT NULL,
    reason TEXT NOT NULL,
    rule_number INTEGER NOT NULL DEFAULT 0,
    legal_ground TEXT NOT NULL DEFAULT '',
    explanation TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open',
    first_seen_at TIMESTAMP,
    first_seen_by TEXT NOT NULL DEFAULT '',
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (comment_id, reporter_key)
);
CREATE INDEX comment_reports_org ON comment_reports(org_id, created_at);

-- Every moderation decision, with its source and the time the item waited.
CREATE TABLE moderation_decisions (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    comment_id TEXT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    author_id TEXT NOT NULL DEFAULT '',
    actor_id TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    sanction TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    rule_number INTEGER NOT NULL DEFAULT 0,
    rule_text TEXT NOT NULL DEFAULT '',
    legal_ground TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    queued_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX moderation_decisions_org ON moderation_decisions(org_id, created_at);
CREATE INDEX moderation_decisions_comment ON moderation_decisions(comment_id, created_at);
CREATE INDEX moderation_decisions_author ON moderation_decisions(author_id, created_at);

CREATE TABLE moderation_appeals (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    comment_id TEXT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    decision_id TEXT NOT NULL REFERENCES moderation_decisions(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    decided_by TEXT NOT NULL DEFAULT '',
    decided_at TIMESTAMP,
    answer TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (decision_id)
);
CREATE INDEX moderation_appeals_org ON moderation_appeals(org_id, created_at);

-- Warnings, mutes and bans of an author in one organisation.
CREATE TABLE moderation_sanctions (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    until_at TIMESTAMP,
    decision_id TEXT NOT NULL DEFAULT '',
    lifted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX moderation_sanctions_account ON moderation_sanctions(account_id, org_id);

-- Fingerprints (hash of the normalised text) of removed comments: the same
-- text cannot be posted again in the organisation.
CREATE TABLE removed_fingerprints (
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,
    comment_id TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, fingerprint)
);

-- Comments routed to staff (agents of the topic's service), shown in the
-- staff area until read.
CREATE TABLE staff_notifications (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    comment_id TEXT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    service_id TEXT NOT NULL DEFAULT '',
    read_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (account_id, comment_id)
);
CREATE INDEX staff_notifications_account ON staff_notifications(account_id, org_id, created_at);

-- Per staff member and organisation: e-mail me comments routed to my services.
CREATE TABLE staff_preferences (
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    email_routed INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, org_id)
);

-- +goose Down
DROP TABLE staff_preferences;
DROP TABLE staff_notifications;
DROP TABLE removed_fingerprints;
DROP TABLE moderation_sanctions;
DROP TABLE moderation_appeals;
DROP TABLE moderation_decisions;
DROP TABLE comment_reports;
DROP TABLE comment_useful;
DROP TABLE comment_revisions;
DROP TABLE comments;
DROP TABLE publication_comment_modes;
DROP TABLE moderation_settings;
