-- +goose Up
-- The inbox's text filter reads one lower-cased column (author and excerpt)
-- instead of lowering two per row at query time (docs/PERFORMANCE.md).
ALTER TABLE inbox_items ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
UPDATE inbox_items SET search_text = LOWER(author_name || ' ' || excerpt);
-- Filtering by kind (requests, reports…) reads only that kind's rows.
CREATE INDEX inbox_items_kind ON inbox_items(org_id, kind, received_at);

-- +goose Down
DROP INDEX inbox_items_kind;
ALTER TABLE inbox_items DROP COLUMN search_text;
