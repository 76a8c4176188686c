-- People and access: local accounts, their roles per team, login sessions, API tokens created at
-- run time, and more about each audit row. Times are epoch milliseconds (UTC). No secret is
-- stored in the clear: passwords as bcrypt hashes, session ids and tokens as SHA-256 hex.
CREATE TABLE accounts (
    name                 TEXT PRIMARY KEY,
    password_hash        TEXT NOT NULL,
    created_at           BIGINT NOT NULL,
    created_by           TEXT NOT NULL,
    password_changed_at  BIGINT NOT NULL
);

-- team '*' = every team (a global role, e.g. the first admin).
CREATE TABLE account_roles (
    account  TEXT NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
    team     TEXT NOT NULL,
    role     TEXT NOT NULL,
    PRIMARY KEY (account, team)
);

CREATE TABLE sessions (
    id_sha256     TEXT PRIMARY KEY,
    account       TEXT NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    address       TEXT
);
CREATE INDEX sessions_account ON sessions (account);

-- team NULL = every team. A revoked token keeps its row (audit, last use).
CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    token_sha256  TEXT NOT NULL UNIQUE,
    team          TEXT,
    role          TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT,
    revoked_at    BIGINT,
    revoked_by    TEXT
);
CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (name) WHERE revoked_at IS NULL;

-- Where a change came from, and the changed thing before and after (JSON or NULL).
ALTER TABLE audit_log ADD COLUMN address TEXT;
ALTER TABLE audit_log ADD COLUMN before_state TEXT;
ALTER TABLE audit_log ADD COLUMN after_state TEXT;
CREATE INDEX audit_log_actor ON audit_log (actor, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
