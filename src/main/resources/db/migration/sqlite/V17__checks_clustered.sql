-- checks and check_pings clustered by the key the ping fold writes them in (WITHOUT ROWID).
-- The fold writes pinged checks' states and their pings' history in chunks, in check-id order.
-- In rowid tables a check's row sits where it was inserted and a ping's history row at its seq,
-- so every chunk touched a few hundred scattered pages and the same pages again in the next
-- chunk: most of the ~100 MB/s the fold wrote at 10K pings/s. Clustered by id (checks) and by
-- (check_id, id) (check_pings: it was a rowid table plus an index on those columns, now one
-- b-tree), a chunk's rows are neighbours and a fold writes each page about once.
--
-- wake_at: when the deadline poller looks at the row next, never later than due_at. It is the
-- indexed one (due_at no longer is): a ping moves a check's deadline later, and an index entry
-- moved at every fold wrote more pages than the rows themselves. A fold lowers wake_at only
-- when the deadline came earlier; the poller, finding a row whose due_at is still ahead, moves
-- wake_at up to it (once per period instead of once per ping).
CREATE TABLE checks_clustered (
    id              TEXT NOT NULL PRIMARY KEY,
    service         TEXT NOT NULL,
    slug            TEXT NOT NULL,
    name            TEXT NOT NULL,
    origin          TEXT NOT NULL,
    kind            TEXT NOT NULL,
    period_ms       INTEGER,
    cron            TEXT,
    time_zone       TEXT,
    grace_ms        INTEGER NOT NULL,
    parent          TEXT,
    success_keywords TEXT,
    failure_keywords TEXT,
    severity        TEXT NOT NULL,
    badge_key       TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL,
    last_ping_at    INTEGER,
    started_at      INTEGER,
    due_at          INTEGER,
    last_duration_ms INTEGER,
    pings           INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    ping_seq        INTEGER NOT NULL DEFAULT 0,
    probe_failures  INTEGER NOT NULL DEFAULT 0,
    probe_successes INTEGER NOT NULL DEFAULT 0,
    probe           TEXT,
    wake_at         INTEGER,
    UNIQUE (service, slug)
) WITHOUT ROWID;
INSERT INTO checks_clustered (id, service, slug, name, origin, kind, period_ms, cron, time_zone,
        grace_ms, parent, success_keywords, failure_keywords, severity, badge_key, status,
        last_ping_at, started_at, due_at, last_duration_ms, pings, created_at, updated_at,
        ping_seq, probe_failures, probe_successes, probe, wake_at)
    SELECT id, service, slug, name, origin, kind, period_ms, cron, time_zone,
        grace_ms, parent, success_keywords, failure_keywords, severity, badge_key, status,
        last_ping_at, started_at, due_at, last_duration_ms, pings, created_at, updated_at,
        ping_seq, probe_failures, probe_successes, probe, due_at
    FROM checks;
DROP TABLE checks;
ALTER TABLE checks_clustered RENAME TO checks;
CREATE INDEX checks_wake ON checks (wake_at);
CREATE INDEX checks_parent ON checks (parent);

-- id stays unique: it is the ping's log seq (AUTOINCREMENT there, never reused).
CREATE TABLE check_pings_clustered (
    check_id        TEXT NOT NULL,
    id              INTEGER NOT NULL,
    at              INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    exit_code       INTEGER,
    transport       TEXT NOT NULL,
    method          TEXT,
    remote_addr     TEXT,
    user_agent      TEXT,
    rid             TEXT,
    duration_ms     INTEGER,
    body            TEXT,
    body_truncated  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (check_id, id)
) WITHOUT ROWID;
INSERT INTO check_pings_clustered (check_id, id, at, kind, exit_code, transport, method,
        remote_addr, user_agent, rid, duration_ms, body, body_truncated)
    SELECT check_id, id, at, kind, exit_code, transport, method,
        remote_addr, user_agent, rid, duration_ms, body, body_truncated
    FROM check_pings;
-- Log seqs must keep continuing after every id handed out (V14 seeded them from check_pings).
UPDATE sqlite_sequence SET seq = MAX(seq, COALESCE((SELECT MAX(id) FROM check_pings), 0))
    WHERE name = 'check_ping_log';
DROP TABLE check_pings;
ALTER TABLE check_pings_clustered RENAME TO check_pings;
