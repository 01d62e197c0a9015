-- +goose Up
-- Retention of inactive accounts (docs/PRIVACY.md): the last time the
-- person signed in, and when they were warned that the account will be
-- deleted unless they come back.
ALTER TABLE accounts ADD COLUMN last_active_at TIMESTAMP;
ALTER TABLE accounts ADD COLUMN inactive_warned_at TIMESTAMP;
UPDATE accounts SET last_active_at = updated_at;

-- +goose Down
ALTER TABLE accounts DROP COLUMN inactive_warned_at;
ALTER TABLE accounts DROP COLUMN last_active_at;
