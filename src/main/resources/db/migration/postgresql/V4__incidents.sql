-- Incidents group paging alerts; the timeline records everything that touched one.
CREATE TABLE incidents (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service          TEXT NOT NULL,
    state            TEXT NOT NULL,
    title            TEXT NOT NULL,
    severity         TEXT,
    group_key        TEXT NOT NULL,
    opened_at        BIGINT NOT NULL,
    acknowledged_at  BIGINT,
    acknowledged_by  TEXT,
    resolved_at      BIGINT,
    resolved_by      TEXT,
    snoozed_until    BIGINT,
    assignee         TEXT,
    priority         TEXT,
    urgency          TEXT NOT NULL,
    merged_into      BIGINT,
    alert_count      BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX incidents_open ON incidents (service, group_key, state, opened_at);
CREATE INDEX incidents_state ON incidents (state, id);

CREATE TABLE incident_timeline (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id  BIGINT NOT NULL REFERENCES incidents (id),
    at           BIGINT NOT NULL,
    actor        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    message      TEXT NOT NULL
);
CREATE INDEX incident_timeline_incident ON incident_timeline (incident_id, id);

ALTER TABLE alerts ADD COLUMN incident_id BIGINT;
ALTER TABLE alerts ADD COLUMN noted_status TEXT;
CREATE INDEX alerts_incident ON alerts (incident_id);
