-- +goose Up
-- An organisation's look (docs/STAFF.md "Appearance"): its brand colour
-- (links, buttons), an optional header band colour, and an optional banner
-- photo for its home page, re-encoded with its resized copies (JSON list,
-- as media.variants) and an optional text alternative.
ALTER TABLE organisations ADD COLUMN brand_colour TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN header_colour TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN banner_path TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN banner_alt TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN banner_width INTEGER NOT NULL DEFAULT 0;
ALTER TABLE organisations ADD COLUMN banner_height INTEGER NOT NULL DEFAULT 0;
ALTER TABLE organisations ADD COLUMN banner_variants TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE organisations DROP COLUMN banner_variants;
ALTER TABLE organisations DROP COLUMN banner_height;
ALTER TABLE organisations DROP COLUMN banner_width;
ALTER TABLE organisations DROP COLUMN banner_alt;
ALTER TABLE organisations DROP COLUMN banner_path;
ALTER TABLE organisations DROP COLUMN header_colour;
ALTER TABLE organisations DROP COLUMN brand_colour;
