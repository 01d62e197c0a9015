-- +goose Up
-- Per-organisation additions to comment screening: watched words (hold),
-- blocked words (reject) and allowed words (never counted against a comment).
CREATE TABLE screen_words (
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    list TEXT NOT NULL,
    word TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, list, word)
);

-- +goose Down
DROP TABLE screen_words;
