-- Alerts: the latest state per (service, identity). last_seq makes event replays idempotent.
CREATE TABLE alerts (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service       TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    status        TEXT NOT NULL,
    severity      TEXT,
    source        TEXT NOT NULL,
    summary       TEXT,
    labels        TEXT,
    first_seen    BIGINT NOT NULL,
    last_seen     BIGINT NOT NULL,
    resolved_at   BIGINT,
    event_count   BIGINT NOT NULL,
    last_seq      BIGINT NOT NULL,
    UNIQUE (service, fingerprint)
);
CREATE INDEX alerts_status ON alerts (status, id);
