-- +goose Up
-- The staff list of an organisation's digests, newest first, reads one
-- index range instead of every mailing of the organisation
-- (docs/EMAIL.md, "Per-digest figures").
CREATE INDEX mailings_org_kind ON mailings(org_id, kind, created_at, id);

-- +goose Down
DROP INDEX mailings_org_kind;
