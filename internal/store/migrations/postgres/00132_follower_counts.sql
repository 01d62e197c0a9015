-- +goose Up
-- follower_counts: one snapshot a day (Europe/Paris) of how many people
-- follow an organisation, taken by the follower_snapshot job, so that the
-- figures of a past period divide by the followers of that period and not
-- by today's (docs/CONSOLE.md). The primary key makes a second run of the
-- same day, on this process or another, add nothing.
CREATE TABLE follower_counts (
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    email INTEGER NOT NULL,
    fediverse INTEGER NOT NULL,
    taken_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, day)
);

-- +goose Down
DROP TABLE follower_counts;
