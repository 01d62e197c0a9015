-- +goose Up
-- The contact of the organisation's data protection officer (délégué à la
-- protection des données), shown in its record of processing and privacy
-- notice (docs/PRIVACY.md).
CREATE TABLE privacy_settings (
    org_id TEXT PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    dpo_contact TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE privacy_settings;
