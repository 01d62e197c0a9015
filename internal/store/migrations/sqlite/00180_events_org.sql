-- +goose Up
-- The staff dashboard counts today's registrations of an organisation's
-- events by joining events on org_id; the only index on it was partial
-- (imports), so each dashboard load scanned every organisation's events.
CREATE INDEX events_org ON events (org_id);

-- +goose Down
DROP INDEX events_org;
