-- +goose Up
-- A counter per organisation, bumped in the same transaction as any change
-- that can alter a public page: a publication entering, changing in or
-- leaving 'published', topics, neighbourhoods, their assignments, the
-- organisation's profile. The cache of rendered pages keys its entries by
-- it, so a change is visible on the very next request, in every process.
-- Triggers do the bumping so that no code path can forget it.
CREATE TABLE public_generations (
    org_id TEXT PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    generation INTEGER NOT NULL DEFAULT 0
);

-- +goose StatementBegin
CREATE TRIGGER public_gen_pub_ins AFTER INSERT ON publications WHEN NEW.state = 'published' BEGIN
    INSERT INTO public_generations (org_id, generation) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER public_gen_pub_upd AFTER UPDATE ON publications WHEN OLD.state = 'published' OR NEW.state = 'published' BEGIN
    INSERT INTO public_generations (org_id, generation) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER public_gen_pub_del AFTER DELETE ON publications WHEN OLD.state = 'published' BEGIN
    INSERT INTO public_generations (org_id, generation) VALUES (OLD.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER public_gen_topic_ins AFTER INSERT ON topics BEGIN
    INSERT INTO public_generations (org_id, generation) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER public_gen_topic_upd AFTER UPDATE ON topics BEGIN
    INSERT INTO public_generations (org_id, generation) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER public_gen_topic_del AFTER DELETE ON topics BEGIN
    INSERT INTO public_generations (org_id, generation) VALUES (OLD.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER public_gen_nb_ins AFTER INSERT ON neighbourhoods BEGIN
    INSERT INTO public_generations (org_id, generation) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER public_gen_nb_upd AFTER UPDATE ON neighbourhoods BEGIN
    INSERT INTO public_generations (org_id, generation) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER public_gen_nb_del AFTER DELETE ON neighbourhoods BEGIN
    INSERT INTO public_generations (org_id, generation) VALUES (OLD.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER public_gen_pt_ins AFTER INSERT ON publication_topics BEGIN
    INSERT INTO public_generations (org_id, generation)
    SELECT org_id, 1 FROM publications WHERE id = NEW.publication_id AND state = 'published'
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER public_gen_pt_del AFTER DELETE ON publication_topics BEGIN
    INSERT INTO public_generations (org_id, generation)
    SELECT org_id, 1 FROM publications WHERE id = OLD.publication_id AND state = 'published'
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER public_gen_pn_ins AFTER INSERT ON publication_neighbourhoods BEGIN
    INSERT INTO public_generations (org_id, generation)
    SELECT org_id, 1 FROM publications WHERE id = NEW.publication_id AND state = 'published'
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER public_gen_pn_del AFTER DELETE ON publication_neighbourhoods BEGIN
    INSERT INTO public_generations (org_id, generation)
    SELECT org_id, 1 FROM publications WHERE id = OLD.publication_id AND state = 'published'
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER public_gen_org_upd AFTER UPDATE ON organisations BEGIN
    INSERT INTO public_generations (org_id, generation) VALUES (NEW.id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER public_gen_pub_ins;
DROP TRIGGER public_gen_pub_upd;
DROP TRIGGER public_gen_pub_del;
DROP TRIGGER public_gen_topic_ins;
DROP TRIGGER public_gen_topic_upd;
DROP TRIGGER public_gen_topic_del;
DROP TRIGGER public_gen_nb_ins;
DROP TRIGGER public_gen_nb_upd;
DROP TRIGGER public_gen_nb_del;
DROP TRIGGER public_gen_pt_ins;
DROP TRIGGER public_gen_pt_del;
DROP TRIGGER public_gen_pn_ins;
DROP TRIGGER public_gen_pn_del;
DROP TRIGGER public_gen_org_upd;
DROP TABLE public_generations;
