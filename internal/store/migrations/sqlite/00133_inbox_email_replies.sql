-- +goose Up
-- Residents answer the e-mails about their requests: each such e-mail has
-- its own Reply-To, reply+TOKEN@domain, and only TOKEN's SHA-256 is kept
-- here (like every e-mailed secret). A token works while its item exists
-- and is not closed (docs/CONSOLE.md, "Réponses par courriel").
CREATE TABLE inbox_reply_tokens (
    token_hash TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    item_id TEXT NOT NULL REFERENCES inbox_items(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX inbox_reply_tokens_item ON inbox_reply_tokens(item_id);

-- One row per message received for an item, keyed by its Message-ID: a
-- redelivered message (the sending server retried, or sent it twice at
-- once) is recognised and stored once. outcome: attached, held, auto,
-- empty.
CREATE TABLE inbox_inbound_mail (
    item_id TEXT NOT NULL REFERENCES inbox_items(id) ON DELETE CASCADE,
    message_id TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    outcome TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    PRIMARY KEY (item_id, message_id)
);

-- +goose Down
DROP TABLE inbox_inbound_mail;
DROP TABLE inbox_reply_tokens;
