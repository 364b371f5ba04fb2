-- 0004: money authority. The policy (limits per classification) is data,
-- changed only by a Manager or Administrator and audited. Money actions above
-- a person's limits become approval requests: a request moves no money until
-- it is approved, and ends exactly once (approved, rejected or withdrawn).

CREATE TABLE authority_policy (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    body       TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by INTEGER REFERENCES users (id)
) STRICT;

CREATE TABLE approval_requests (
    id             INTEGER PRIMARY KEY,
    action         TEXT NOT NULL CHECK (action IN ('credit', 'adjustment', 'waiver', 'reversal')),
    account_id     INTEGER NOT NULL REFERENCES accounts (id),
    -- What the request is about, so a second pending request for the same
    -- thing is refused: the bill, the posting waived or reversed, or the
    -- account itself for a credit.
    subject        TEXT NOT NULL,
    amount_cents   INTEGER NOT NULL CHECK (amount_cents > 0),
    request        TEXT NOT NULL,
    requested_by   INTEGER NOT NULL REFERENCES users (id),
    requested_at   TEXT NOT NULL,
    reason         TEXT NOT NULL,
    reviewer_role  TEXT NOT NULL CHECK (reviewer_role IN ('supervisor', 'manager')),
    status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    decided_by     INTEGER REFERENCES users (id),
    decided_at     TEXT,
    approved_cents INTEGER CHECK (approved_cents IS NULL OR (approved_cents > 0 AND approved_cents <= amount_cents)),
    decision_note  TEXT,
    posting_id     INTEGER REFERENCES postings (id),
    CHECK ((status = 'pending') = (decided_at IS NULL)),
    CHECK ((status = 'approved') = (posting_id IS NOT NULL)),
    CHECK (decided_by IS NULL OR decided_by != requested_by OR status = 'withdrawn')
) STRICT;
CREATE UNIQUE INDEX approval_one_pending ON approval_requests (action, subject) WHERE status = 'pending';
CREATE INDEX approval_queue ON approval_requests (status, id);
-- The overview's "pending approval" alert, per account.
CREATE INDEX approval_pending_account ON approval_requests (account_id) WHERE status = 'pending';
CREATE INDEX approval_requester ON approval_requests (requested_by, requested_at);

-- A decided request never changes again.
CREATE TRIGGER approval_decided_is_final BEFORE UPDATE ON approval_requests
    WHEN OLD.status != 'pending'
    BEGIN SELECT RAISE(ABORT, 'this request was already decided'); END;
CREATE TRIGGER approval_no_delete BEFORE DELETE ON approval_requests
    BEGIN SELECT RAISE(ABORT, 'approval requests are never deleted'); END;

-- Daily totals read a user's own money postings of the day.
CREATE INDEX postings_user_day ON postings (user_id, posted_at);
