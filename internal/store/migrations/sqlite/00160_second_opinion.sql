-- +goose Up
-- Second opinion of a self-hosted language model on comments the screen is
-- unsure about (docs/MODERATION.md, "Second opinion"): switched on per
-- organisation, one row per comment asked about.
ALTER TABLE moderation_settings ADD COLUMN second_opinion INTEGER NOT NULL DEFAULT 0;

CREATE TABLE comment_opinions (
    comment_id TEXT PRIMARY KEY REFERENCES comments(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    -- why it was asked: held_weak (held on statistical evidence alone) or
    -- published_near (published with a score near the hold threshold)
    band TEXT NOT NULL,
    -- pending, answered, none (answer unusable), failed (server unreachable
    -- after the retries), skipped (decided or withdrawn before the answer)
    status TEXT NOT NULL,
    decision TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    confidence REAL NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    -- what the opinion changed by itself: released, held or ''
    action TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    requested_at TIMESTAMP NOT NULL,
    answered_at TIMESTAMP
);
CREATE INDEX comment_opinions_org ON comment_opinions(org_id, requested_at);

-- +goose Down
DROP TABLE comment_opinions;
ALTER TABLE moderation_settings DROP COLUMN second_opinion;
