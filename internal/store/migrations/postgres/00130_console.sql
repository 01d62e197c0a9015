-- +goose Up
-- The community manager's console (docs/CONSOLE.md): one inbox of what needs
-- a human, routing, saved replies, office hours and workload figures.

-- Per organisation: on-call contacts, urgent words, deadlines and the
-- hourly cost used by the "coût réel" report. No row means the defaults.
CREATE TABLE console_settings (
    org_id TEXT PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    holidays INTEGER NOT NULL DEFAULT 1,
    oncall_phone TEXT NOT NULL DEFAULT '',
    oncall_email TEXT NOT NULL DEFAULT '',
    urgent_words TEXT NOT NULL DEFAULT '',
    legal_months INTEGER NOT NULL DEFAULT 2,
    target_hours INTEGER NOT NULL DEFAULT 16,
    hourly_cost_cents INTEGER NOT NULL DEFAULT 3500,
    updated_at TIMESTAMPTZ NOT NULL
);

-- The "permanence numérique": opening spans per weekday (0 = Sunday), in
-- minutes after local midnight.
CREATE TABLE office_hours (
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    weekday INTEGER NOT NULL,
    start_min INTEGER NOT NULL,
    end_min INTEGER NOT NULL,
    PRIMARY KEY (org_id, weekday, start_min)
);

-- Closures (dates as YYYY-MM-DD, inclusive).
CREATE TABLE office_closures (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX office_closures_org ON office_closures(org_id, starts_on);

-- A resident's request to the administration (CRPA L112-8 ff.), sent
-- through the "poser une question" form rather than as a public comment.
CREATE TABLE resident_requests (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    account_id TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    body TEXT NOT NULL,
    publication_id TEXT REFERENCES publications(id) ON DELETE SET NULL,
    service_id TEXT REFERENCES services(id) ON DELETE SET NULL,
    reference TEXT NOT NULL,
    idem_key TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX resident_requests_idem ON resident_requests(org_id, idem_key) WHERE idem_key <> '';

-- One row per thing that needs a human, created in the transaction of its
-- source (kind + source_id: a comment, a request…). Counters and times are
-- kept on the row so that listing and the figures never join the sources.
CREATE TABLE inbox_items (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    source_id TEXT NOT NULL,
    publication_id TEXT NOT NULL DEFAULT '',
    author_name TEXT NOT NULL DEFAULT '',
    excerpt TEXT NOT NULL DEFAULT '',
    service_id TEXT REFERENCES services(id) ON DELETE SET NULL,
    assignee_id TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    state TEXT NOT NULL,
    open INTEGER NOT NULL DEFAULT 1,
    urgent INTEGER NOT NULL DEFAULT 0,
    out_of_hours INTEGER NOT NULL DEFAULT 0,
    received_at TIMESTAMPTZ NOT NULL,
    due_at TIMESTAMPTZ,
    legal_due_at TIMESTAMPTZ,
    first_answer_at TIMESTAMPTZ,
    first_answer_secs INTEGER,
    closed_at TIMESTAMPTZ,
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, kind, source_id)
);
CREATE INDEX inbox_items_open ON inbox_items(org_id, open, urgent, received_at);
CREATE INDEX inbox_items_service ON inbox_items(org_id, service_id, open, received_at);
CREATE INDEX inbox_items_received ON inbox_items(org_id, received_at);
CREATE INDEX inbox_items_answered ON inbox_items(org_id, first_answer_at);
CREATE INDEX inbox_items_source ON inbox_items(source_id);

-- Each item's history: creation, routing, assignment, state changes,
-- replies and internal notes (staff only).
CREATE TABLE inbox_events (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES inbox_items(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    actor_id TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX inbox_events_item ON inbox_events(item_id, created_at);

-- Routing rules: a topic, a neighbourhood or a keyword sends items to a
-- service; the lowest position that matches wins.
CREATE TABLE routing_rules (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX routing_rules_org ON routing_rules(org_id, position);

-- Saved replies of the organisation (service_id NULL) or of one service.
CREATE TABLE saved_replies (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    service_id TEXT REFERENCES services(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX saved_replies_org ON saved_replies(org_id, title);

-- Active minutes of staff in the staff area: one row per person, organisation
-- and minute with at least one request.
CREATE TABLE staff_activity (
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    minute TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, account_id, minute)
);
CREATE INDEX staff_activity_org ON staff_activity(org_id, minute);

-- Daily digests of overdue items already sent (the job may run twice).
CREATE TABLE console_digests (
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    sent_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, day)
);

-- +goose Down
DROP TABLE console_digests;
DROP TABLE staff_activity;
DROP TABLE saved_replies;
DROP TABLE routing_rules;
DROP TABLE inbox_events;
DROP TABLE inbox_items;
DROP TABLE resident_requests;
DROP TABLE office_closures;
DROP TABLE office_hours;
DROP TABLE console_settings;
