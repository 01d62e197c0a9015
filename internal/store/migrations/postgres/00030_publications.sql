-- +goose Up
CREATE TABLE topics (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    service_id TEXT REFERENCES services(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, slug)
);

CREATE TABLE neighbourhoods (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, slug)
);

CREATE TABLE publications (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    body_md TEXT NOT NULL DEFAULT '',
    body_html TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    author_id TEXT NOT NULL DEFAULT '',
    revision INTEGER NOT NULL DEFAULT 1,
    alert_level TEXT NOT NULL DEFAULT '',
    alert_ends_at TIMESTAMPTZ,
    job_title TEXT NOT NULL DEFAULT '',
    job_grade TEXT NOT NULL DEFAULT '',
    job_category TEXT NOT NULL DEFAULT '',
    job_filiere TEXT NOT NULL DEFAULT '',
    job_contract TEXT NOT NULL DEFAULT '',
    job_time TEXT NOT NULL DEFAULT '',
    job_place TEXT NOT NULL DEFAULT '',
    job_closes_at TIMESTAMPTZ,
    job_apply TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    submitted_at TIMESTAMPTZ,
    approved_at TIMESTAMPTZ,
    approved_by TEXT NOT NULL DEFAULT '',
    scheduled_at TIMESTAMPTZ,
    published_at TIMESTAMPTZ,
    republished_at TIMESTAMPTZ,
    unpublished_at TIMESTAMPTZ,
    UNIQUE (org_id, slug)
);
-- The public lists: an organisation's published items of a kind, newest first.
CREATE INDEX publications_public ON publications(org_id, state, kind, published_at DESC);
CREATE INDEX publications_scheduled ON publications(state, scheduled_at);

CREATE TABLE publication_topics (
    publication_id TEXT NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    topic_id TEXT NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
    PRIMARY KEY (publication_id, topic_id)
);
CREATE INDEX publication_topics_topic ON publication_topics(topic_id, publication_id);

CREATE TABLE publication_neighbourhoods (
    publication_id TEXT NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    neighbourhood_id TEXT NOT NULL REFERENCES neighbourhoods(id) ON DELETE CASCADE,
    PRIMARY KEY (publication_id, neighbourhood_id)
);
CREATE INDEX publication_neighbourhoods_nb ON publication_neighbourhoods(neighbourhood_id, publication_id);

-- Every saved version of a publication's content, for staff and the archive.
CREATE TABLE publication_revisions (
    id TEXT PRIMARY KEY,
    publication_id TEXT NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    revision INTEGER NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body_md TEXT NOT NULL,
    fields TEXT NOT NULL DEFAULT '',
    author_id TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (publication_id, revision)
);

-- Every workflow transition: who, when, with what comment.
CREATE TABLE publication_transitions (
    id TEXT PRIMARY KEY,
    publication_id TEXT NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    actor_id TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX publication_transitions_pub ON publication_transitions(publication_id, created_at);

-- Uploaded images and PDF attachments.
CREATE TABLE media (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    original_name TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL,
    alt TEXT NOT NULL DEFAULT '',
    width INTEGER NOT NULL DEFAULT 0,
    height INTEGER NOT NULL DEFAULT 0,
    bytes INTEGER NOT NULL DEFAULT 0,
    variants TEXT NOT NULL DEFAULT '',
    uploaded_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX media_org ON media(org_id, created_at);

-- +goose Down
DROP TABLE media;
DROP TABLE publication_transitions;
DROP TABLE publication_revisions;
DROP TABLE publication_neighbourhoods;
DROP TABLE publication_topics;
DROP TABLE publications;
DROP TABLE neighbourhoods;
DROP TABLE topics;
