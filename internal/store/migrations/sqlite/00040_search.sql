-- +goose Up
-- Full-text search of published publications. SQLite's FTS5 has no French
-- stemmer, so the searchable text is folded and stemmed in Go (internal/fts)
-- and written here by Store.IndexPublication; FTS5 indexes it through an
-- external-content table. The columns mirror PostgreSQL's table of the same
-- name, where title and body are tsvectors.
CREATE TABLE publication_search (
    seq INTEGER PRIMARY KEY,
    publication_id TEXT NOT NULL UNIQUE REFERENCES publications(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX publication_search_org ON publication_search(org_id);

CREATE VIRTUAL TABLE publication_search_fts USING fts5(
    title, body,
    content = 'publication_search', content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- +goose StatementBegin
CREATE TRIGGER publication_search_ai AFTER INSERT ON publication_search BEGIN
    INSERT INTO publication_search_fts (rowid, title, body) VALUES (new.seq, new.title, new.body);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER publication_search_ad AFTER DELETE ON publication_search BEGIN
    INSERT INTO publication_search_fts (publication_search_fts, rowid, title, body) VALUES ('delete', old.seq, old.title, old.body);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER publication_search_au AFTER UPDATE ON publication_search BEGIN
    INSERT INTO publication_search_fts (publication_search_fts, rowid, title, body) VALUES ('delete', old.seq, old.title, old.body);
    INSERT INTO publication_search_fts (rowid, title, body) VALUES (new.seq, new.title, new.body);
END;
-- +goose StatementEnd

-- A publication that leaves 'published', or whose text changes, leaves the
-- index at once, in the same transaction: whatever code path changed it, no
-- withdrawn or outdated text can be found. IndexPublication puts it back.
-- +goose StatementBegin
CREATE TRIGGER publications_search_stale AFTER UPDATE ON publications
WHEN OLD.state = 'published' AND (NEW.state <> 'published' OR NEW.title IS NOT OLD.title
    OR NEW.summary IS NOT OLD.summary OR NEW.body_html IS NOT OLD.body_html OR NEW.body_md IS NOT OLD.body_md)
BEGIN
    DELETE FROM publication_search WHERE publication_id = OLD.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER publications_search_stale;
DROP TABLE publication_search_fts;
DROP TABLE publication_search;
