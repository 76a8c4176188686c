-- Health checks (heartbeats and probes). One row per check: its definition, its state, and the
-- next moment its state changes by the clock alone (due_at: late, then down). The deadline poller
-- reads the smallest due_at and claims due rows with a conditional UPDATE, so a deadline fires
-- once across restarts and nodes.
CREATE TABLE checks (
    id              TEXT PRIMARY KEY,           -- UUID, the secret part of the ping URL
    service         TEXT NOT NULL,
    slug            TEXT NOT NULL,
    name            TEXT NOT NULL,
    origin          TEXT NOT NULL,              -- config | api | auto
    kind            TEXT NOT NULL,              -- heartbeat | probe
    period_ms       BIGINT,                    -- set for period schedules
    cron            TEXT,                       -- set for cron schedules
    time_zone       TEXT,
    grace_ms        BIGINT NOT NULL,
    parent          TEXT,                       -- another check's id
    success_keywords TEXT,                      -- JSON list or NULL
    failure_keywords TEXT,
    severity        TEXT NOT NULL,
    badge_key       TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL,              -- new | up | late | down | paused
    last_ping_at    BIGINT,
    started_at      BIGINT,                    -- a /start not yet followed by a finish
    due_at          BIGINT,                    -- next clock-driven change, NULL when none
    last_duration_ms BIGINT,
    pings           BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (service, slug)
);
CREATE INDEX checks_due ON checks (due_at);
CREATE INDEX checks_parent ON checks (parent);

-- Every ping, kept as received (the body up to the ping body limit). Old pings are pruned per
-- check beyond checks.keep_pings.
CREATE TABLE check_pings (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    check_id        TEXT NOT NULL,
    at              BIGINT NOT NULL,
    kind            TEXT NOT NULL,              -- success | start | fail | log | ignored
    exit_code       BIGINT,
    transport       TEXT NOT NULL,              -- http | udp | probe
    method          TEXT,
    remote_addr     TEXT,
    user_agent      TEXT,
    rid             TEXT,
    duration_ms     BIGINT,
    body            TEXT,
    body_truncated  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX check_pings_check ON check_pings (check_id, id);

-- State changes (Healthchecks' "flips"): written in the transaction that changes the state, then
-- turned into events of the event log by the flip sender (event id check-flip-<id>, so sending
-- one twice after a crash stores it once) and marked sent.
CREATE TABLE check_flips (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    check_id        TEXT NOT NULL,
    service         TEXT NOT NULL,
    check_name      TEXT NOT NULL,
    at              BIGINT NOT NULL,
    old_status      TEXT NOT NULL,
    new_status      TEXT NOT NULL,
    reason          TEXT NOT NULL,
    severity        TEXT NOT NULL,              -- of the alert a down flip raises
    suppressed_by   TEXT,                       -- the parent check that was down, if any
    sent            BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX check_flips_unsent ON check_flips (sent, id);
CREATE INDEX check_flips_check ON check_flips (check_id, id);
