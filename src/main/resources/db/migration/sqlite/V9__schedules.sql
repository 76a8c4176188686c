-- On-call schedules: runtime overrides (the schedules themselves live in the config), the key that
-- signs iCalendar feed URLs, and an index for the recovery rule's look-back over recent pages.
-- Times are epoch milliseconds (UTC).

-- A role override (role set, cover_for NULL): user_id takes the role from starts_at to ends_at.
-- A cover (cover_for set, role NULL): user_id takes every shift cover_for has in that range, in
-- any role, computed when asked (so it follows the rotation as it is then).
-- Overlapping overrides: the later id wins.
CREATE TABLE schedule_overrides (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    schedule_id  TEXT NOT NULL,
    role         TEXT,
    user_id      TEXT NOT NULL,
    cover_for    TEXT,
    starts_at    INTEGER NOT NULL,
    ends_at      INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    created_by   TEXT NOT NULL,
    CHECK ((role IS NULL) <> (cover_for IS NULL)),
    CHECK (ends_at > starts_at)
);
CREATE INDEX schedule_overrides_schedule ON schedule_overrides (schedule_id, ends_at);
CREATE INDEX schedule_overrides_ends_at ON schedule_overrides (ends_at);

-- Server-wide secrets generated on first use (one row per name; the first node to insert wins).
CREATE TABLE server_secrets (
    name        TEXT PRIMARY KEY,
    secret      TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

-- The recovery rule reads the pages of the last relief length (default 24 hours).
CREATE INDEX incident_pages_at ON incident_pages (at);
