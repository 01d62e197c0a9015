-- +goose Up
-- Publications created already published (the demo, imports) were stored
-- without a publication date: they showed none, sorted last and broke the
-- sitemap. They take their creation time, as new ones now do.
UPDATE publications SET published_at = created_at WHERE state = 'published' AND published_at IS NULL;

-- +goose Down
SELECT 1;
