-- +goose Up
-- An alert's recipient list is drawn in chunks while it is being sent, so
-- that the first messages leave within moments of publication instead of
-- after the whole list (100,000 rows) is written. While drawing, audience
-- holds who the mailing is for (JSON, store.Audience) and draw_after the
-- last subscriber id drawn; audience is emptied when the list is complete.
ALTER TABLE mailings ADD COLUMN audience TEXT NOT NULL DEFAULT '';
ALTER TABLE mailings ADD COLUMN draw_after TEXT NOT NULL DEFAULT '';

-- Recipients are read pending after a cursor and marked sent by primary
-- key; an index of pending rows only serves both, and a row leaves it when
-- it is sent instead of gaining a new entry (the index on (mailing, state,
-- subscriber) had one per state a row went through, and let PostgreSQL
-- plan the marking as a walk over every pending row). Failures are counted
-- from their own small index.
DROP INDEX mailing_recipients_state;
CREATE INDEX mailing_recipients_pending ON mailing_recipients(mailing_id, subscriber_id) WHERE state = 'pending';
CREATE INDEX mailing_recipients_failed ON mailing_recipients(mailing_id) WHERE state = 'failed';

-- +goose Down
DROP INDEX mailing_recipients_failed;
DROP INDEX mailing_recipients_pending;
CREATE INDEX mailing_recipients_state ON mailing_recipients(mailing_id, state, subscriber_id);
ALTER TABLE mailings DROP COLUMN draw_after;
ALTER TABLE mailings DROP COLUMN audience;
