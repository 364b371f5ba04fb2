-- 0007: disputes. A customer disputes a bill, whole or in part; while the
-- dispute is open the disputed amount is owed but not past due: aging holds
-- it apart, no late fee is charged on it and it cannot make the account
-- eligible for cut-off. A CAR III or above resolves it by an adjustment
-- (under the authority rules: above their limits it waits for approval,
-- and is granted when the adjustment is approved) or by a denial.

CREATE TABLE disputes (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts (id),
    bill_id         INTEGER NOT NULL REFERENCES bills (id),
    amount_cents    INTEGER NOT NULL CHECK (amount_cents > 0),
    reason          TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    complaint_id    INTEGER REFERENCES complaints (id),
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'granted', 'denied')),
    opened_by       INTEGER NOT NULL REFERENCES users (id),
    opened_at       TEXT NOT NULL,
    -- An adjustment sent for approval; the dispute stays open meanwhile.
    request_id      INTEGER REFERENCES approval_requests (id),
    resolved_by     INTEGER REFERENCES users (id),
    resolved_at     TEXT,
    resolution_note TEXT,
    -- The adjustment that granted it.
    posting_id      INTEGER REFERENCES postings (id),
    CHECK ((status = 'open') = (resolved_at IS NULL)),
    CHECK ((status = 'open') = (resolved_by IS NULL)),
    CHECK ((status = 'granted') = (posting_id IS NOT NULL)),
    CHECK (status = 'open' OR resolution_note IS NOT NULL)
) STRICT;
CREATE UNIQUE INDEX disputes_one_open_per_bill ON disputes (bill_id) WHERE status = 'open';
CREATE INDEX disputes_account ON disputes (account_id, id);
CREATE INDEX disputes_request ON disputes (request_id) WHERE request_id IS NOT NULL;

CREATE TRIGGER disputes_resolved_is_final BEFORE UPDATE ON disputes
    WHEN OLD.status != 'open'
    BEGIN SELECT RAISE(ABORT, 'this dispute was already resolved'); END;
CREATE TRIGGER disputes_facts_fixed BEFORE UPDATE ON disputes
    WHEN NEW.account_id != OLD.account_id OR NEW.bill_id != OLD.bill_id OR NEW.amount_cents != OLD.amount_cents
      OR NEW.reason != OLD.reason OR NEW.opened_at != OLD.opened_at OR NEW.opened_by != OLD.opened_by
    BEGIN SELECT RAISE(ABORT, 'a dispute''s bill, amount and reason are fixed: deny it and open another'); END;
CREATE TRIGGER disputes_no_delete BEFORE DELETE ON disputes
    BEGIN SELECT RAISE(ABORT, 'disputes are never deleted'); END;

-- A contact may follow up a dispute.
ALTER TABLE contacts ADD COLUMN dispute_id INTEGER REFERENCES disputes (id);
CREATE INDEX contacts_dispute ON contacts (dispute_id) WHERE dispute_id IS NOT NULL;
