-- 0017: what the audit trail commits to, so that `verify` sees tampering
-- by someone holding the file.
--
-- The chain's head (its last record, its hash and how many records it
-- holds) is kept in a row of its own, moved by a trigger in the same
-- transaction as each record: a tail of records deleted, or the whole
-- trail emptied, no longer ends where the head says.
CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    last_id   INTEGER NOT NULL CHECK (last_id >= 0),
    last_hash TEXT NOT NULL CHECK (length(last_hash) = 64),
    records   INTEGER NOT NULL CHECK (records >= 0)
) STRICT;
INSERT INTO audit_head (id, last_id, last_hash, records)
    SELECT 1, COALESCE(max(id), 0),
           COALESCE((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), printf('%064d', 0)), count(*)
    FROM audit_log;
CREATE TRIGGER audit_log_moves_its_head AFTER INSERT ON audit_log BEGIN
    UPDATE audit_head SET last_id = NEW.id, last_hash = NEW.hash, records = records + 1 WHERE id = 1;
END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
    BEGIN SELECT RAISE(ABORT, 'the audit trail''s head is never deleted'); END;

-- From here on, a posting's audit record carries the SHA-256 of the
-- posting's content (`content_sha256`), which `verify` recomputes from the
-- stored rows. Postings made before have a record without it.
INSERT INTO meta (key, value) SELECT 'posting_digests_from', COALESCE(max(id), 0) + 1 FROM postings WHERE true
    ON CONFLICT (key) DO NOTHING;
