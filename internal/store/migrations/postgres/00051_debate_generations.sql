-- +goose Up
-- Comment changes a visitor can see bump the organisation's public
-- generation (see the SQLite migration of the same number). The generic
-- branch of public_generation_trigger() (00041) bumps NEW.org_id / OLD.org_id.
CREATE TRIGGER public_gen_ins AFTER INSERT ON comments
    FOR EACH ROW WHEN (NEW.status = 'published') EXECUTE FUNCTION public_generation_trigger();
CREATE TRIGGER public_gen_upd AFTER UPDATE ON comments
    FOR EACH ROW WHEN ((OLD.status = 'published' OR NEW.status = 'published' OR OLD.status <> NEW.status)
        AND (OLD.status <> NEW.status OR OLD.body <> NEW.body OR OLD.official <> NEW.official
             OR OLD.useful_count <> NEW.useful_count OR OLD.rule_number <> NEW.rule_number
             OR OLD.edited_at IS DISTINCT FROM NEW.edited_at))
    EXECUTE FUNCTION public_generation_trigger();
CREATE TRIGGER public_gen_del AFTER DELETE ON comments
    FOR EACH ROW EXECUTE FUNCTION public_generation_trigger();
CREATE TRIGGER public_gen AFTER INSERT OR UPDATE ON moderation_settings
    FOR EACH ROW EXECUTE FUNCTION public_generation_trigger();
CREATE TRIGGER public_gen AFTER INSERT OR UPDATE OR DELETE ON publication_comment_modes
    FOR EACH ROW EXECUTE FUNCTION public_generation_trigger();

-- +goose Down
DROP TRIGGER public_gen ON publication_comment_modes;
DROP TRIGGER public_gen ON moderation_settings;
DROP TRIGGER public_gen_del ON comments;
DROP TRIGGER public_gen_upd ON comments;
DROP TRIGGER public_gen_ins ON comments;
