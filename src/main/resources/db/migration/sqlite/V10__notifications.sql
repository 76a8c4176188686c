-- Notifications outbox: one row per contact method of each paged person, written in the
-- transaction of the page. The address is not copied here (it can be a secret webhook URL):
-- method_index points into the user's contact_methods in the config and is resolved at send time.
-- state: pending -> sending (claimed; next_attempt_at is then the lease end) -> delivered | dead;
-- a sending row whose lease ran out (crashed worker) is due again.
CREATE TABLE notifications (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key  TEXT NOT NULL UNIQUE,
    incident_id      INTEGER NOT NULL REFERENCES incidents (id),
    page_id          INTEGER NOT NULL REFERENCES incident_pages (id),
    user_id          TEXT NOT NULL,
    channel          TEXT NOT NULL,
    method_index     INTEGER NOT NULL,
    kind             TEXT NOT NULL,
    state            TEXT NOT NULL,
    attempts         INTEGER NOT NULL,
    next_attempt_at  INTEGER NOT NULL,
    claim            TEXT,
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX notifications_due ON notifications (state, next_attempt_at);
CREATE INDEX notifications_incident ON notifications (incident_id, id);
