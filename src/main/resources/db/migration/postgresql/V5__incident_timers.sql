-- Durable incident timers (acknowledgement timeout, snooze end, auto-resolve, flap settling).
-- One row per incident and kind; a timer fires in the transaction that deletes its row, so it
-- fires once across restarts and, on PostgreSQL, across nodes (rows claimed FOR UPDATE SKIP LOCKED).
CREATE TABLE incident_timers (
    incident_id  BIGINT NOT NULL REFERENCES incidents (id),
    kind         TEXT NOT NULL,
    due_at       BIGINT NOT NULL,
    set_at       BIGINT NOT NULL,
    PRIMARY KEY (incident_id, kind)
);
CREATE INDEX incident_timers_due ON incident_timers (due_at);

-- Flap damping: how often an alert resolved since flap_since (a fixed window per service).
ALTER TABLE alerts ADD COLUMN flap_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN flap_since BIGINT;
