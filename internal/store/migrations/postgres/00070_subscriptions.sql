-- +goose Up
-- instance_secrets holds keys generated on first start (the HMAC key that
-- signs preference and unsubscribe links), so every process of an instance
-- shares them without configuration.
CREATE TABLE instance_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- subscribers are e-mail addresses that receive alerts, digests or
-- newsletters, with or without an account. One row per address.
CREATE TABLE subscribers (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    account_id TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    lang TEXT NOT NULL DEFAULT 'fr',
    status TEXT NOT NULL DEFAULT 'pending',
    confirmed_at TIMESTAMPTZ,
    hard_bounces INTEGER NOT NULL DEFAULT 0,
    last_bounce_at TIMESTAMPTZ,
    last_bounce_reason TEXT NOT NULL DEFAULT '',
    suspended_at TIMESTAMPTZ,
    confirm_sent_at TIMESTAMPTZ,
    confirm_sends INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX subscribers_account ON subscribers(account_id);

-- subscriber_orgs: what a subscriber receives from one organisation.
CREATE TABLE subscriber_orgs (
    subscriber_id TEXT NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    everything INTEGER NOT NULL DEFAULT 1,
    alerts INTEGER NOT NULL DEFAULT 1,
    news TEXT NOT NULL DEFAULT 'none',
    newsletter INTEGER NOT NULL DEFAULT 0,
    last_digest_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (subscriber_id, org_id)
);
CREATE INDEX subscriber_orgs_org ON subscriber_orgs(org_id);

-- subscriber_follows: topics, neighbourhoods and comment threads followed.
CREATE TABLE subscriber_follows (
    subscriber_id TEXT NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (subscriber_id, kind, target_id)
);
CREATE INDEX subscriber_follows_target ON subscriber_follows(kind, target_id);

-- subscription_requests: pending double opt-in confirmations.
CREATE TABLE subscription_requests (
    token_hash TEXT PRIMARY KEY,
    subscriber_id TEXT NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    choices TEXT NOT NULL,
    consent_version TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ
);
CREATE INDEX subscription_requests_subscriber ON subscription_requests(subscriber_id);

-- consents: the proof of opt-in (RGPD art. 7): when, which wording, which
-- choices, from which address. Never updated, only appended.
CREATE TABLE consents (
    id TEXT PRIMARY KEY,
    subscriber_id TEXT NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    consent_version TEXT NOT NULL,
    consent_text TEXT NOT NULL,
    choices TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX consents_subscriber ON consents(subscriber_id, created_at);

CREATE TABLE mail_settings (
    org_id TEXT PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    digest_hour INTEGER NOT NULL DEFAULT 7,
    weekly_day INTEGER NOT NULL DEFAULT 1,
    click_counts INTEGER NOT NULL DEFAULT 0,
    rate_per_second INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL
);

-- mailings: one message body sent to many subscribers (newsletter, alert
-- fan-out, digest group), with its recipient list materialised at start.
CREATE TABLE mailings (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    ref_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    state TEXT NOT NULL,
    total INTEGER NOT NULL DEFAULT 0,
    sent INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    rate_per_second INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT NOT NULL DEFAULT '',
    lease_until TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    UNIQUE (kind, ref_id)
);
CREATE INDEX mailings_org ON mailings(org_id, created_at);
CREATE INDEX mailings_state ON mailings(state);

CREATE TABLE mailing_recipients (
    mailing_id TEXT NOT NULL REFERENCES mailings(id) ON DELETE CASCADE,
    subscriber_id TEXT NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    state TEXT NOT NULL DEFAULT 'pending',
    claimed_by TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    sent_at TIMESTAMPTZ,
    error TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (mailing_id, subscriber_id)
);
CREATE INDEX mailing_recipients_state ON mailing_recipients(mailing_id, state, subscriber_id);

CREATE TABLE newsletters (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_md TEXT NOT NULL,
    audience_topics TEXT NOT NULL DEFAULT '',
    audience_neighbourhoods TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'draft',
    scheduled_at TIMESTAMPTZ,
    sent_at TIMESTAMPTZ,
    mailing_id TEXT NOT NULL DEFAULT '',
    html_archive TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, slug)
);

-- digest_runs makes digests idempotent per (subscriber, organisation, period).
CREATE TABLE digest_runs (
    subscriber_id TEXT NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    period_key TEXT NOT NULL,
    items INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (subscriber_id, org_id, period, period_key)
);

CREATE TABLE bounces (
    id TEXT PRIMARY KEY,
    subscriber_id TEXT NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX bounces_subscriber ON bounces(subscriber_id);

-- click_counts: aggregate clicks per link of a mailing, when the
-- organisation opts in; never per person.
CREATE TABLE click_counts (
    mailing_id TEXT NOT NULL REFERENCES mailings(id) ON DELETE CASCADE,
    link INTEGER NOT NULL,
    url TEXT NOT NULL,
    clicks INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (mailing_id, link)
);

-- +goose Down
DROP TABLE click_counts;
DROP TABLE bounces;
DROP TABLE digest_runs;
DROP TABLE newsletters;
DROP TABLE mailing_recipients;
DROP TABLE mailings;
DROP TABLE mail_settings;
DROP TABLE consents;
DROP TABLE subscription_requests;
DROP TABLE subscriber_follows;
DROP TABLE subscriber_orgs;
DROP TABLE subscribers;
DROP TABLE instance_secrets;
