-- 0008: service orders and inspection requests. A representative drafts an
-- order (start, stop or transfer service, a meter re-read, a leak
-- inspection, a high-bill investigation, a meter test) with the fields its
-- kind needs; it is submitted, reviewed by a CAR III or above (problems send
-- it back to draft), sent to the field, and completed or cancelled, which is
-- final. Every step is an append-only event.

CREATE TABLE service_orders (
    id            INTEGER PRIMARY KEY,
    account_id    INTEGER NOT NULL REFERENCES accounts (id),
    -- The account's premise when drafted: duplicates are found per premise.
    premise_id    INTEGER NOT NULL REFERENCES premises (id),
    kind          TEXT NOT NULL CHECK (kind IN ('start-service', 'stop-service', 'transfer-service', 'meter-reread',
                                                'leak-inspection', 'high-bill-investigation', 'meter-test')),
    status        TEXT NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft', 'submitted', 'reviewed', 'sent', 'completed', 'cancelled')),
    -- What the order says, as typed (domain::orders::OrderFields).
    fields        TEXT NOT NULL CHECK (json_valid(fields) AND json_type(fields) = 'object'),
    -- Copied from the fields for queries and integrity.
    service_date  TEXT CHECK (service_date IS NULL OR date(service_date) IS service_date),
    bill_id       INTEGER REFERENCES bills (id),
    complaint_id  INTEGER REFERENCES complaints (id),
    created_by    INTEGER NOT NULL REFERENCES users (id),
    created_at    TEXT NOT NULL,
    -- Each step's latest who and when; the events hold the whole history.
    submitted_by  INTEGER REFERENCES users (id),
    submitted_at  TEXT,
    reviewed_by   INTEGER REFERENCES users (id),
    reviewed_at   TEXT,
    sent_by       INTEGER REFERENCES users (id),
    sent_at       TEXT,
    completed_by  INTEGER REFERENCES users (id),
    completed_at  TEXT,
    cancelled_by  INTEGER REFERENCES users (id),
    cancelled_at  TEXT,
    -- The last review's findings (an empty list when it passed).
    review_flags  TEXT CHECK (review_flags IS NULL OR (json_valid(review_flags) AND json_type(review_flags) = 'array')),
    -- The completion's outcome, or the reason it was cancelled.
    outcome_note  TEXT CHECK (outcome_note IS NULL OR length(outcome_note) BETWEEN 1 AND 2000),
    -- The reading a completed re-read found.
    reread_value  INTEGER CHECK (reread_value IS NULL OR reread_value >= 0),
    CHECK ((submitted_by IS NULL) = (submitted_at IS NULL)),
    CHECK ((reviewed_by IS NULL) = (reviewed_at IS NULL)),
    CHECK ((sent_by IS NULL) = (sent_at IS NULL)),
    CHECK ((status = 'completed') = (completed_at IS NOT NULL AND completed_by IS NOT NULL)),
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL AND cancelled_by IS NOT NULL)),
    CHECK ((status IN ('completed', 'cancelled')) = (outcome_note IS NOT NULL)),
    CHECK (status NOT IN ('submitted', 'reviewed', 'sent', 'completed') OR submitted_at IS NOT NULL),
    CHECK (status NOT IN ('reviewed', 'sent', 'completed') OR reviewed_at IS NOT NULL),
    CHECK (status NOT IN ('sent', 'completed') OR sent_at IS NOT NULL),
    -- A re-read is completed with its reading; nothing else has one.
    CHECK ((kind = 'meter-reread' AND status = 'completed') = (reread_value IS NOT NULL))
) STRICT;
CREATE INDEX service_orders_account ON service_orders (account_id, id);
CREATE INDEX service_orders_open_premise ON service_orders (premise_id, kind)
    WHERE status NOT IN ('completed', 'cancelled');
CREATE INDEX service_orders_queue ON service_orders (submitted_at, id) WHERE status = 'submitted';

-- An order starts as a draft.
CREATE TRIGGER service_orders_start_as_draft BEFORE INSERT ON service_orders
    WHEN NEW.status != 'draft'
    BEGIN SELECT RAISE(ABORT, 'a service order starts as a draft'); END;
-- Completed and cancelled are final.
CREATE TRIGGER service_orders_final BEFORE UPDATE ON service_orders
    WHEN OLD.status IN ('completed', 'cancelled')
    BEGIN SELECT RAISE(ABORT, 'this service order is completed or cancelled: it is final'); END;
-- Only along the workflow.
CREATE TRIGGER service_orders_workflow BEFORE UPDATE ON service_orders
    WHEN NEW.status != OLD.status AND NOT (
           (OLD.status = 'draft' AND NEW.status IN ('submitted', 'cancelled'))
        OR (OLD.status = 'submitted' AND NEW.status IN ('reviewed', 'draft', 'cancelled'))
        OR (OLD.status = 'reviewed' AND NEW.status IN ('sent', 'cancelled'))
        OR (OLD.status = 'sent' AND NEW.status IN ('completed', 'cancelled')))
    BEGIN SELECT RAISE(ABORT, 'a service order moves draft, submitted, reviewed, sent, then completed or cancelled'); END;
-- What it is, where and by whom are facts; what it says changes only in a draft.
CREATE TRIGGER service_orders_facts_fixed BEFORE UPDATE ON service_orders
    WHEN NEW.account_id != OLD.account_id OR NEW.premise_id != OLD.premise_id OR NEW.kind != OLD.kind
      OR NEW.created_by != OLD.created_by OR NEW.created_at != OLD.created_at
      OR NEW.complaint_id IS NOT OLD.complaint_id
    BEGIN SELECT RAISE(ABORT, 'a service order''s account, kind and drafting are fixed: cancel it and draft another'); END;
CREATE TRIGGER service_orders_fields_in_draft BEFORE UPDATE ON service_orders
    WHEN OLD.status != 'draft'
     AND (NEW.fields != OLD.fields OR NEW.service_date IS NOT OLD.service_date OR NEW.bill_id IS NOT OLD.bill_id)
    BEGIN SELECT RAISE(ABORT, 'only a draft service order''s fields change'); END;
CREATE TRIGGER service_orders_no_delete BEFORE DELETE ON service_orders
    BEGIN SELECT RAISE(ABORT, 'service orders are never deleted: cancel them with a reason'); END;

CREATE TABLE order_events (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER NOT NULL REFERENCES service_orders (id),
    -- NULL for the drafting; the same as to_status for a draft's changed fields.
    from_status TEXT CHECK (from_status IS NULL
                            OR from_status IN ('draft', 'submitted', 'reviewed', 'sent', 'completed', 'cancelled')),
    to_status   TEXT NOT NULL CHECK (to_status IN ('draft', 'submitted', 'reviewed', 'sent', 'completed', 'cancelled')),
    note        TEXT CHECK (note IS NULL OR length(note) BETWEEN 1 AND 4000),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    at          TEXT NOT NULL
) STRICT;
CREATE INDEX order_events_order ON order_events (order_id, id);

CREATE TRIGGER order_events_no_update BEFORE UPDATE ON order_events
    BEGIN SELECT RAISE(ABORT, 'order events are append-only'); END;
CREATE TRIGGER order_events_no_delete BEFORE DELETE ON order_events
    BEGIN SELECT RAISE(ABORT, 'order events are append-only'); END;

-- A contact may follow up an order.
ALTER TABLE contacts ADD COLUMN order_id INTEGER REFERENCES service_orders (id);
CREATE INDEX contacts_order ON contacts (order_id) WHERE order_id IS NOT NULL;
