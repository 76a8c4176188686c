-- Silences (Alertmanager-compatible) and the audit log. Times are epoch milliseconds (UTC).
-- matchers: JSON array of {"name","value","isRegex","isEqual"}.
CREATE TABLE silences (
    id                    TEXT PRIMARY KEY,
    matchers              TEXT NOT NULL,
    starts_at             BIGINT NOT NULL,
    ends_at               BIGINT NOT NULL,
    created_by            TEXT NOT NULL,
    comment               TEXT NOT NULL,
    updated_at            BIGINT NOT NULL,
    expire_when_resolved  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX silences_ends_at ON silences (ends_at);

-- Who changed what, when. details: a JSON object or NULL.
CREATE TABLE audit_log (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time         BIGINT NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    target_type  TEXT NOT NULL,
    target_id    TEXT NOT NULL,
    details      TEXT
);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id);
CREATE INDEX audit_log_time ON audit_log (time);
