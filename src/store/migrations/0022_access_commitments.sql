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

-- From here on, every audit record of a password set (a user added with
-- one, a reset, a person's own change) carries the SHA-256 of the stored
-- password hash (`password_sha256`), which `verify` compares with the
-- users table. Records made before have none.
INSERT INTO meta (key, value) SELECT 'password_digests_from', COALESCE(max(id), 0) + 1 FROM audit_log WHERE true
    ON CONFLICT (key) DO NOTHING;
