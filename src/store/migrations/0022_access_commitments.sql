-- 0022: what signs a person in is committed to by the audit trail, as
-- postings and roles are, so that a row written into the file outside the
-- desk signs nobody in and `verify` names it.
--
-- A command-line sitting points at the audit record of its start, which
-- holds the token's SHA-256; a sitting without one is refused. Sittings
-- begun before this change had no such record: they are dropped (their
-- people sign in once more).
DELETE FROM cli_sessions;
ALTER TABLE cli_sessions ADD COLUMN audit_id INTEGER REFERENCES audit_log (id);

-- From here on, every audit record of a password set (a user added, a
-- reset, a person's own change) carries `password_sha256`: the SHA-256 of
-- the stored hash it set, or null when it set none. Signing in checks the
-- stored hash against the last such record, and so does `verify`; records
-- made before have no such key and are taken as they are. The index holds
-- only those records, so it costs nothing to any other.
CREATE INDEX audit_passwords ON audit_log (subject, id) WHERE action IN ('user-add', 'user-password');
