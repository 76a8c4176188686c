-- Incidents group paging alerts; the timeline records everything that touched one.
CREATE TABLE incidents (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    service          TEXT NOT NULL,
    state            TEXT NOT NULL,
    title            TEXT NOT NULL,
    severity         TEXT,
    group_key        TEXT NOT NULL,
    opened_at        INTEGER NOT NULL,
    acknowledged_at  INTEGER,
    acknowledged_by  TEXT,
    resolved_at      INTEGER,
    resolved_by      TEXT,
    snoozed_until    INTEGER,
    assignee         TEXT,
    priority         TEXT,
    urgency          TEXT NOT NULL,
    merged_into      INTEGER,
    alert_count      INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX incidents_open ON incidents (service, group_key, state, opened_at);
CREATE INDEX incidents_state ON incidents (state, id);

CREATE TABLE incident_timeline (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id  INTEGER NOT NULL REFERENCES incidents (id),
    at           INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    message      TEXT NOT NULL
);
CREATE INDEX incident_timeline_incident ON incident_timeline (incident_id, id);

ALTER TABLE alerts ADD COLUMN incident_id INTEGER;
ALTER TABLE alerts ADD COLUMN noted_status TEXT;
CREATE INDEX alerts_incident ON alerts (incident_id);
