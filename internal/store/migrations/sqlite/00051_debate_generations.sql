-- +goose Up
-- Comment changes a visitor can see bump the organisation's public
-- generation (00041), so that cached public pages show them on the very
-- next request: a published comment, any later change to a comment that was
-- or becomes public, the charter and the comment modes.
-- +goose StatementBegin
CREATE TRIGGER public_gen_comment_ins AFTER INSERT ON comments WHEN NEW.status = 'published' BEGIN
    INSERT INTO public_generations (org_id, generation) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER public_gen_comment_upd AFTER UPDATE ON comments
WHEN (OLD.status = 'published' OR NEW.status = 'published' OR OLD.status <> NEW.status)
 AND (OLD.status <> NEW.status OR OLD.body <> NEW.body OR OLD.official <> NEW.official
      OR OLD.useful_count <> NEW.useful_count OR OLD.rule_number <> NEW.rule_number
      OR OLD.edited_at IS NOT NEW.edited_at) BEGIN
    INSERT INTO public_generations (org_id, generation) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER public_gen_comment_del AFTER DELETE ON comments BEGIN
    INSERT INTO public_generations (org_id, generation) VALUES (OLD.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER public_gen_modset_ins AFTER INSERT ON moderation_settings BEGIN
    INSERT INTO public_generations (org_id, generation) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER public_gen_modset_upd AFTER UPDATE ON moderation_settings BEGIN
    INSERT INTO public_generations (org_id, generation) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER public_gen_pcm_ins AFTER INSERT ON publication_comment_modes BEGIN
    INSERT INTO public_generations (org_id, generation) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER public_gen_pcm_upd AFTER UPDATE ON publication_comment_modes BEGIN
    INSERT INTO public_generations (org_id, generation) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER public_gen_pcm_del AFTER DELETE ON publication_comment_modes BEGIN
    INSERT INTO public_generations (org_id, generation) VALUES (OLD.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER public_gen_comment_ins;
DROP TRIGGER public_gen_comment_upd;
DROP TRIGGER public_gen_comment_del;
DROP TRIGGER public_gen_modset_ins;
DROP TRIGGER public_gen_modset_upd;
DROP TRIGGER public_gen_pcm_ins;
DROP TRIGGER public_gen_pcm_upd;
DROP TRIGGER public_gen_pcm_del;
