-- The ping log: every accepted ping is appended here by the group committer before "OK" is
-- answered. It is insert-only with a sequential key and no other index, so a commit of
-- thousands of pings writes a few sequential pages. The check state a ping changes is kept in
-- memory and folded into checks (and the pings into check_pings) in the background; folded
-- rows are deleted. At start-up the rows still here are folded before the server answers.
-- AUTOINCREMENT: a seq is never reused (it becomes the ping's id in check_pings).
CREATE TABLE check_ping_log (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    check_id        TEXT NOT NULL,
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
    body_truncated  INTEGER NOT NULL DEFAULT 0
);
-- Log seqs continue after the ids check_pings has already handed out.
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'check_ping_log', COALESCE(MAX(id), 0) FROM check_pings;

-- The seq of the last logged ping whose effect the row's state includes: a fold after a crash
-- applies only later ones (so a ping is never counted twice).
ALTER TABLE checks ADD COLUMN ping_seq INTEGER NOT NULL DEFAULT 0;

-- Probe threshold counters (consecutive failures and successes) survive a restart.
ALTER TABLE checks ADD COLUMN probe_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE checks ADD COLUMN probe_successes INTEGER NOT NULL DEFAULT 0;

-- A probe created through the API: its definition as JSON (NULL for heartbeats and for the
-- config file's probes, which are read from the file).
ALTER TABLE checks ADD COLUMN probe TEXT;
