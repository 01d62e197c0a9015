-- +goose Up
-- The publication's date in its search entry (see the PostgreSQL migration
-- of the same number, where search walks it newest first). SQLite's search
-- walks FTS5 rowids, which follow indexing order; the column is kept
-- filled for parity and for tools reading the table.
ALTER TABLE publication_search ADD COLUMN published_at TIMESTAMP NOT NULL DEFAULT '';
UPDATE publication_search SET published_at = (SELECT COALESCE(p.published_at, p.updated_at)
    FROM publications p WHERE p.id = publication_search.publication_id);

-- +goose Down
ALTER TABLE publication_search DROP COLUMN published_at;
