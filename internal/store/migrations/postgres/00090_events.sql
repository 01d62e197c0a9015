-- +goose Up
-- An event is a publication of kind 'event' with the details below (see
-- docs/EVENTS.md). Times are UTC instants; the wall clock is Europe/Paris.
CREATE TABLE events (
    publication_id TEXT PRIMARY KEY REFERENCES publications(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ NOT NULL,
    all_day INTEGER NOT NULL DEFAULT 0,
    place_name TEXT NOT NULL DEFAULT '',
    place_address TEXT NOT NULL DEFAULT '',
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    attendance TEXT NOT NULL DEFAULT 'in_person',
    online_url TEXT NOT NULL DEFAULT '',
    access_wheelchair INTEGER NOT NULL DEFAULT 0,
    access_sign INTEGER NOT NULL DEFAULT 0,
    access_loop INTEGER NOT NULL DEFAULT 0,
    access_other TEXT NOT NULL DEFAULT '',
    free INTEGER NOT NULL DEFAULT 1,
    price TEXT NOT NULL DEFAULT '',
    organiser_kind TEXT NOT NULL DEFAULT 'org',
    organiser_service_id TEXT REFERENCES services(id) ON DELETE SET NULL,
    organiser_name TEXT NOT NULL DEFAULT '',
    recur_freq TEXT NOT NULL DEFAULT '',
    recur_interval INTEGER NOT NULL DEFAULT 0,
    recur_weekdays TEXT NOT NULL DEFAULT '',
    recur_nth INTEGER NOT NULL DEFAULT 0,
    recur_until TIMESTAMPTZ,
    recur_count INTEGER NOT NULL DEFAULT 0,
    join_mode TEXT NOT NULL DEFAULT 'free',
    external_url TEXT NOT NULL DEFAULT '',
    capacity INTEGER NOT NULL DEFAULT 0,
    registration_deadline TIMESTAMPTZ,
    questions TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'scheduled',
    status_note TEXT NOT NULL DEFAULT '',
    import_uid TEXT NOT NULL DEFAULT '',
    import_source TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
-- Re-importing a calendar finds its events again by UID.
CREATE UNIQUE INDEX events_import_uid ON events(org_id, import_uid) WHERE import_uid <> '';

-- One occurrence changed: cancelled, or moved to another time.
CREATE TABLE event_exceptions (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events(publication_id) ON DELETE CASCADE,
    original_start TIMESTAMPTZ NOT NULL,
    kind TEXT NOT NULL,
    starts_at TIMESTAMPTZ,
    ends_at TIMESTAMPTZ,
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (event_id, original_start)
);

-- Every occurrence, expanded in Go when the event is saved (capped, see
-- internal/recur), so that agendas and month views are range reads.
CREATE TABLE event_occurrences (
    event_id TEXT NOT NULL REFERENCES events(publication_id) ON DELETE CASCADE,
    org_id TEXT NOT NULL,
    original_start TIMESTAMPTZ NOT NULL,
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ NOT NULL,
    cancelled INTEGER NOT NULL DEFAULT 0,
    moved INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (event_id, original_start)
);
CREATE INDEX event_occurrences_org ON event_occurrences(org_id, starts_at);

CREATE TABLE event_registrations (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events(publication_id) ON DELETE CASCADE,
    org_id TEXT NOT NULL,
    account_id TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    seats INTEGER NOT NULL DEFAULT 1,
    answers TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    code TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    checked_in_at TIMESTAMPTZ,
    reminded_at TIMESTAMPTZ,
    lang TEXT NOT NULL DEFAULT 'fr',
    created_at TIMESTAMPTZ NOT NULL,
    confirmed_at TIMESTAMPTZ,
    cancelled_at TIMESTAMPTZ,
    UNIQUE (event_id, email),
    UNIQUE (event_id, code)
);
CREATE INDEX event_registrations_status ON event_registrations(event_id, status, created_at);
CREATE UNIQUE INDEX event_registrations_token ON event_registrations(token_hash);

-- One attachment per queued message (the .ics of a registration).
ALTER TABLE mail_queue ADD COLUMN attachment_name TEXT NOT NULL DEFAULT '';
ALTER TABLE mail_queue ADD COLUMN attachment_type TEXT NOT NULL DEFAULT '';
ALTER TABLE mail_queue ADD COLUMN attachment TEXT NOT NULL DEFAULT '';

-- Public pages show events, occurrences and remaining places: bump the
-- organisation's public generation (00041's trigger function) when they change.
CREATE TRIGGER public_gen AFTER INSERT OR UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION public_generation_trigger();
CREATE TRIGGER public_gen AFTER INSERT OR DELETE ON event_occurrences
    FOR EACH ROW EXECUTE FUNCTION public_generation_trigger();
CREATE TRIGGER public_gen_ins AFTER INSERT ON event_registrations
    FOR EACH ROW WHEN (NEW.status = 'confirmed') EXECUTE FUNCTION public_generation_trigger();
CREATE TRIGGER public_gen_upd AFTER UPDATE ON event_registrations
    FOR EACH ROW WHEN (OLD.status <> NEW.status OR OLD.seats <> NEW.seats) EXECUTE FUNCTION public_generation_trigger();

-- +goose Down
DROP TRIGGER public_gen_upd ON event_registrations;
DROP TRIGGER public_gen_ins ON event_registrations;
DROP TRIGGER public_gen ON event_occurrences;
DROP TRIGGER public_gen ON events;
ALTER TABLE mail_queue DROP COLUMN attachment;
ALTER TABLE mail_queue DROP COLUMN attachment_type;
ALTER TABLE mail_queue DROP COLUMN attachment_name;
DROP TABLE event_registrations;
DROP TABLE event_occurrences;
DROP TABLE event_exceptions;
DROP TABLE events;
