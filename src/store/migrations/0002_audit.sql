-- 0002: the audit trail. Every change writes exactly one record in the same
-- transaction. Records form a SHA-256 hash chain (each record's hash covers
-- the previous record's hash and its own canonical form), which `verify`
-- walks from the first record; triggers refuse UPDATE and DELETE.

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    -- NULL for the system (first set-up) and for a failed login by an unknown name.
    user_id    INTEGER REFERENCES users (id),
    action     TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 40),
    subject    TEXT NOT NULL,
    account_id INTEGER REFERENCES accounts (id),
    -- Canonical JSON: what changed, with before and after where it applies.
    detail     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL CHECK (length(prev_hash) = 64),
    hash       TEXT NOT NULL CHECK (length(hash) = 64)
) STRICT;
CREATE INDEX audit_account ON audit_log (account_id, id) WHERE account_id IS NOT NULL;
CREATE INDEX audit_user ON audit_log (user_id, id) WHERE user_id IS NOT NULL;
-- No index on `at`: records are appended in time order, so a listing by
-- date reads the end of the table; every index costs each change a write.

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
