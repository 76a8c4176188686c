-- The durable event log. Times are epoch milliseconds (UTC) in both dialects.
CREATE TABLE ingest_requests (
    id            TEXT PRIMARY KEY,
    service       TEXT NOT NULL,
    key_name      TEXT NOT NULL,
    trace_id      TEXT,
    received_at   BIGINT NOT NULL,
    event_count   INTEGER NOT NULL,
    duplicates    INTEGER NOT NULL
);

CREATE TABLE events (
    seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service       TEXT NOT NULL,
    event_id      TEXT NOT NULL,
    request_id    TEXT NOT NULL,
    source        TEXT NOT NULL,
    type          TEXT NOT NULL,
    time          BIGINT NOT NULL,
    received_at   BIGINT NOT NULL,
    severity      TEXT,
    dedup_key     TEXT,
    summary       TEXT,
    labels        TEXT,
    payload       TEXT,
    UNIQUE (service, event_id)
);
CREATE INDEX events_request ON events (request_id);
CREATE INDEX events_time ON events (time);

CREATE TABLE log_positions (
    consumer      TEXT PRIMARY KEY,
    position      BIGINT NOT NULL
);
INSERT INTO log_positions (consumer, position) VALUES ('processor', 0);
