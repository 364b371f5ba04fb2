-- 0015: an idempotency key names one action, whatever state it is in. A
-- money action sent for approval keeps its key on the request, so the same
-- key cannot post something else while the request waits, nor make a second
-- request; the same key and request answer with the first outcome.
ALTER TABLE approval_requests ADD COLUMN idempotency_key TEXT CHECK (idempotency_key IS NULL OR length(idempotency_key) BETWEEN 1 AND 200);

-- Requests made before this migration carry their key inside the request's
-- JSON (one object per kind of money action). Where the old code let one key
-- make two requests, the first keeps it. A decided request never changes:
-- its trigger stands aside for this one backfill, in the migration's
-- transaction, and is put back as it was.
DROP TRIGGER approval_decided_is_final;
UPDATE approval_requests
   SET idempotency_key = trim(COALESCE(json_extract(request, '$.Credit.key'), json_extract(request, '$.AdjustByRead.key'),
                                       json_extract(request, '$.AdjustLine.key'), json_extract(request, '$.Waive.key'),
                                       json_extract(request, '$.Reverse.key')));
UPDATE approval_requests AS r
   SET idempotency_key = NULL
 WHERE EXISTS (SELECT 1 FROM approval_requests f WHERE f.idempotency_key = r.idempotency_key AND f.id < r.id);
CREATE UNIQUE INDEX approval_requests_key ON approval_requests (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE TRIGGER approval_decided_is_final BEFORE UPDATE ON approval_requests
    WHEN OLD.status != 'pending'
    BEGIN SELECT RAISE(ABORT, 'this request was already decided'); END;
