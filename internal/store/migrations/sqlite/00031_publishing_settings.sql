-- +goose Up
-- Per organisation and kind: must a validator approve before publication?
-- No row means no (managers and administrators may publish directly).
CREATE TABLE publication_settings (
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    validation_required INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, kind)
);

-- The publication's illustration (a media row of kind image), shown on cards
-- and at the top of the page; '' when none.
ALTER TABLE publications ADD COLUMN image_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE publications DROP COLUMN image_id;
DROP TABLE publication_settings;
