-- Supervisor reports read a period's money actions, requests and case work
-- without scanning the whole ledger: small partial indexes by date.

-- Credits, adjustments, waivers and reversals by the day they took effect
-- (bills, payments and late fees, nearly every posting, are left out).
CREATE INDEX postings_money_actions ON postings (effective_on)
    WHERE kind IN ('credit', 'adjustment', 'waiver', 'reversal');

-- The request a posting came from, if any.
CREATE INDEX approval_requests_posting ON approval_requests (posting_id) WHERE posting_id IS NOT NULL;
CREATE INDEX approval_requests_raised ON approval_requests (requested_at);

-- Case work by when it was done.
CREATE INDEX contacts_at ON contacts (at);
CREATE INDEX complaints_opened ON complaints (opened_at);
CREATE INDEX complaint_events_at ON complaint_events (at) WHERE kind = 'closed';
CREATE INDEX order_events_at ON order_events (at);
