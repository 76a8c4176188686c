-- Alerts: the latest state per (service, identity). last_seq makes event replays idempotent.
CREATE TABLE alerts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    service       TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    status        TEXT NOT NULL,
    severity      TEXT,
    source        TEXT NOT NULL,
    summary       TEXT,
    labels        TEXT,
    first_seen    INTEGER NOT NULL,
    last_seen     INTEGER NOT NULL,
    resolved_at   INTEGER,
    event_count   INTEGER NOT NULL,
    last_seq      INTEGER NOT NULL,
    UNIQUE (service, fingerprint)
);
CREATE INDEX alerts_status ON alerts (status, id);
