-- Escalation: where each incident's escalation stands, round-robin turns, and who was paged.
CREATE TABLE incident_escalations (
    incident_id  INTEGER PRIMARY KEY REFERENCES incidents (id),
    policy_id    TEXT NOT NULL,
    level        INTEGER NOT NULL,
    round        INTEGER NOT NULL,
    fired_at     INTEGER NOT NULL,
    exhausted    INTEGER NOT NULL
);

CREATE TABLE escalation_round_robin (
    policy_id    TEXT NOT NULL,
    level        INTEGER NOT NULL,
    next_turn    INTEGER NOT NULL,
    PRIMARY KEY (policy_id, level)
);

CREATE TABLE incident_pages (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id  INTEGER NOT NULL REFERENCES incidents (id),
    level        INTEGER NOT NULL,
    user_id      TEXT NOT NULL,
    at           INTEGER NOT NULL,
    reason       TEXT NOT NULL
);
CREATE INDEX incident_pages_incident ON incident_pages (incident_id, id);
CREATE INDEX incident_pages_user ON incident_pages (user_id, at);
