-- Escalation: where each incident's escalation stands, round-robin turns, and who was paged.
CREATE TABLE incident_escalations (
    incident_id  BIGINT PRIMARY KEY REFERENCES incidents (id),
    policy_id    TEXT NOT NULL,
    level        BIGINT NOT NULL,
    round        BIGINT NOT NULL,
    fired_at     BIGINT NOT NULL,
    exhausted    BIGINT NOT NULL
);

CREATE TABLE escalation_round_robin (
    policy_id    TEXT NOT NULL,
    level        BIGINT NOT NULL,
    next_turn    BIGINT NOT NULL,
    PRIMARY KEY (policy_id, level)
);

CREATE TABLE incident_pages (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id  BIGINT NOT NULL REFERENCES incidents (id),
    level        BIGINT NOT NULL,
    user_id      TEXT NOT NULL,
    at           BIGINT NOT NULL,
    reason       TEXT NOT NULL
);
CREATE INDEX incident_pages_incident ON incident_pages (incident_id, id);
CREATE INDEX incident_pages_user ON incident_pages (user_id, at);
