-- +goose Up
-- The accessibility statement of each organisation (law of 11 February
-- 2005, art. 47). The status the administrator declares sits on the
-- organisation itself: the footer of every public page shows it, and the
-- organisation row is read for every page already. Updating it through
-- organisations also bumps the page-cache generation (public_gen_org_upd).
ALTER TABLE organisations ADD COLUMN a11y_status TEXT NOT NULL DEFAULT 'non_conforme';

CREATE TABLE accessibility_statements (
    org_id TEXT PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    audit_date TEXT NOT NULL DEFAULT '',
    method TEXT NOT NULL DEFAULT '',
    non_accessible TEXT NOT NULL DEFAULT '',
    derogations TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    -- the last automated audit (model.A11yAudit as JSON), '' before any
    audit_json TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL
);

-- The multi-year plan (schéma pluriannuel): one row per year.
CREATE TABLE accessibility_plan_years (
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    actions TEXT NOT NULL,
    PRIMARY KEY (org_id, year)
);

-- +goose Down
DROP TABLE accessibility_plan_years;
DROP TABLE accessibility_statements;
ALTER TABLE organisations DROP COLUMN a11y_status;
