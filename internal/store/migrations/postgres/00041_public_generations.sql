-- +goose Up
-- A counter per organisation, bumped in the same transaction as any change
-- that can alter a public page (see the SQLite migration of the same number).
CREATE TABLE public_generations (
    org_id TEXT PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    generation BIGINT NOT NULL DEFAULT 0
);

-- +goose StatementBegin
CREATE FUNCTION public_generation_bump(org TEXT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO public_generations (org_id, generation) VALUES (org, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = public_generations.generation + 1
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION public_generation_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    pub TEXT;
BEGIN
    IF TG_TABLE_NAME = 'publications' THEN
        IF TG_OP <> 'INSERT' AND OLD.state = 'published' THEN
            PERFORM public_generation_bump(OLD.org_id);
        ELSIF TG_OP <> 'DELETE' AND NEW.state = 'published' THEN
            PERFORM public_generation_bump(NEW.org_id);
        END IF;
    ELSIF TG_TABLE_NAME = 'organisations' THEN
        PERFORM public_generation_bump(NEW.id);
    ELSIF TG_TABLE_NAME IN ('publication_topics', 'publication_neighbourhoods') THEN
        IF TG_OP = 'DELETE' THEN pub := OLD.publication_id; ELSE pub := NEW.publication_id; END IF;
        PERFORM public_generation_bump(p.org_id) FROM publications p WHERE p.id = pub AND p.state = 'published';
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM public_generation_bump(OLD.org_id);
    ELSE
        PERFORM public_generation_bump(NEW.org_id);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER public_gen AFTER INSERT OR UPDATE OR DELETE ON publications
    FOR EACH ROW EXECUTE FUNCTION public_generation_trigger();
CREATE TRIGGER public_gen AFTER INSERT OR UPDATE OR DELETE ON topics
    FOR EACH ROW EXECUTE FUNCTION public_generation_trigger();
CREATE TRIGGER public_gen AFTER INSERT OR UPDATE OR DELETE ON neighbourhoods
    FOR EACH ROW EXECUTE FUNCTION public_generation_trigger();
CREATE TRIGGER public_gen AFTER INSERT OR DELETE ON publication_topics
    FOR EACH ROW EXECUTE FUNCTION public_generation_trigger();
CREATE TRIGGER public_gen AFTER INSERT OR DELETE ON publication_neighbourhoods
    FOR EACH ROW EXECUTE FUNCTION public_generation_trigger();
CREATE TRIGGER public_gen AFTER UPDATE ON organisations
    FOR EACH ROW EXECUTE FUNCTION public_generation_trigger();

-- +goose Down
DROP TRIGGER public_gen ON organisations;
DROP TRIGGER public_gen ON publication_neighbourhoods;
DROP TRIGGER public_gen ON publication_topics;
DROP TRIGGER public_gen ON neighbourhoods;
DROP TRIGGER public_gen ON topics;
DROP TRIGGER public_gen ON publications;
DROP FUNCTION public_generation_trigger();
DROP FUNCTION public_generation_bump(TEXT);
DROP TABLE public_generations;
