-- +goose Up
-- The tamper-evident history (docs/ARCHIVES.md): every stored version of
-- what the archives keep (publication revisions and transitions, comment
-- revisions, moderation decisions, audit entries) is a link of its
-- organisation's chain. hash = SHA-256(previous link's hash || the row as
-- read back from its table, canonically serialised), so changing, removing
-- or reordering a row breaks every later link. The rows themselves are not
-- altered: the chain lives beside them.
CREATE TABLE archive_chain (
    org_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    row_id TEXT NOT NULL,
    hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, seq),
    UNIQUE (kind, row_id)
);

-- One row per chain: the last link. Appending locks it (SELECT … FOR UPDATE
-- on PostgreSQL; SQLite has one writer), so two writers cannot both append
-- after the same link and fork the chain; the primary key of archive_chain
-- refuses a fork even if they tried.
CREATE TABLE archive_chain_heads (
    org_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);

-- +goose Down
DROP TABLE archive_chain_heads;
DROP TABLE archive_chain;
