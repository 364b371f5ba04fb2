-- 0021: a sitting on the command line. A person signs in once
-- (`session start`) and their commands go on without the password until
-- 15 minutes pass without one, or they end it; a representative who uses a
-- screen reader is not asked for the password on every command. Only the
-- token's SHA-256 is kept: reading the database signs nobody in.
CREATE TABLE cli_sessions (
    token_sha256 TEXT PRIMARY KEY CHECK (length(token_sha256) = 64),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    started_at   TEXT NOT NULL,
    last_used_at TEXT NOT NULL,
    ended_at     TEXT
) STRICT, WITHOUT ROWID;
