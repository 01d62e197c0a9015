-- +goose Up
-- Topic and neighbourhood pages list a tag's published publications, newest
-- first. The join tables carry listed_at: the publication's published_at
-- while it is published, NULL otherwise, kept by triggers in the same
-- transaction as any change, so that (tag, listed_at DESC) walks exactly one
-- page instead of sorting every published row of the organisation (see the
-- PostgreSQL migration of the same number).
ALTER TABLE publication_topics ADD COLUMN listed_at TIMESTAMP;
ALTER TABLE publication_neighbourhoods ADD COLUMN listed_at TIMESTAMP;

UPDATE publication_topics SET listed_at = (SELECT p.published_at FROM publications p
    WHERE p.id = publication_topics.publication_id AND p.state = 'published');
UPDATE publication_neighbourhoods SET listed_at = (SELECT p.published_at FROM publications p
    WHERE p.id = publication_neighbourhoods.publication_id AND p.state = 'published');

CREATE INDEX publication_topics_listed ON publication_topics(topic_id, listed_at DESC, publication_id DESC)
    WHERE listed_at IS NOT NULL;
CREATE INDEX publication_neighbourhoods_listed ON publication_neighbourhoods(neighbourhood_id, listed_at DESC, publication_id DESC)
    WHERE listed_at IS NOT NULL;
-- Lists of every kind (the organisation's feeds, search ranking by recency)
-- walk this one newest first; publications_public leads with the kind.
CREATE INDEX publications_recent ON publications(org_id, state, published_at DESC, id DESC);

-- +goose StatementBegin
CREATE TRIGGER publication_topics_listed AFTER INSERT ON publication_topics BEGIN
    UPDATE publication_topics SET listed_at = (SELECT p.published_at FROM publications p
        WHERE p.id = NEW.publication_id AND p.state = 'published')
    WHERE publication_id = NEW.publication_id AND topic_id = NEW.topic_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER publication_neighbourhoods_listed AFTER INSERT ON publication_neighbourhoods BEGIN
    UPDATE publication_neighbourhoods SET listed_at = (SELECT p.published_at FROM publications p
        WHERE p.id = NEW.publication_id AND p.state = 'published')
    WHERE publication_id = NEW.publication_id AND neighbourhood_id = NEW.neighbourhood_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER publications_listed_at AFTER UPDATE OF state, published_at ON publications
WHEN OLD.state IS NOT NEW.state OR OLD.published_at IS NOT NEW.published_at BEGIN
    UPDATE publication_topics SET listed_at = CASE WHEN NEW.state = 'published' THEN NEW.published_at END
    WHERE publication_id = NEW.id;
    UPDATE publication_neighbourhoods SET listed_at = CASE WHEN NEW.state = 'published' THEN NEW.published_at END
    WHERE publication_id = NEW.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER publications_listed_at;
DROP TRIGGER publication_neighbourhoods_listed;
DROP TRIGGER publication_topics_listed;
DROP INDEX publications_recent;
DROP INDEX publication_neighbourhoods_listed;
DROP INDEX publication_topics_listed;
ALTER TABLE publication_neighbourhoods DROP COLUMN listed_at;
ALTER TABLE publication_topics DROP COLUMN listed_at;
