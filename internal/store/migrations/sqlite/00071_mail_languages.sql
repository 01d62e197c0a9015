-- +goose Up
-- mailing_bodies: a mass message in the languages other than the one kept
-- in mailings (French). Each recipient gets the body of their language
-- (subscribers.lang, kept in step with the account's language); the
-- newsletter text stays as staff wrote it, the surrounding words change.
CREATE TABLE mailing_bodies (
    mailing_id TEXT NOT NULL REFERENCES mailings(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    PRIMARY KEY (mailing_id, lang)
);

-- +goose Down
DROP TABLE mailing_bodies;
