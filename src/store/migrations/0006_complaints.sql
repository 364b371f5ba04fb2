-- 0006: complaints as cases. Where a complaint came from (the Mayor's office
-- and City Council are liaison work), its priority and due date on the
-- business-day clock, the queue or person that has it, and how it ended.
-- What happens to a complaint is an append-only list of events.

ALTER TABLE complaints ADD COLUMN source TEXT NOT NULL DEFAULT 'customer'
    CHECK (source IN ('customer', '311', 'mayor', 'council', 'agency'));
ALTER TABLE complaints ADD COLUMN council_district INTEGER
    CHECK (council_district IS NULL OR council_district BETWEEN 1 AND 9);
-- The referral's own number: a 311 ticket, an action-center or council reference.
ALTER TABLE complaints ADD COLUMN reference TEXT CHECK (reference IS NULL OR length(reference) BETWEEN 1 AND 40);
ALTER TABLE complaints ADD COLUMN channel TEXT NOT NULL DEFAULT 'phone'
    CHECK (channel IN ('phone', 'walk-in', 'email', 'letter'));
ALTER TABLE complaints ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal'
    CHECK (priority IN ('urgent', 'high', 'normal', 'low'));
-- A local date. Complaints opened before this migration get ten business
-- days, taken as two calendar weeks from the day they were opened.
ALTER TABLE complaints ADD COLUMN due_on TEXT;
UPDATE complaints SET due_on = date(opened_at, '+14 days');
ALTER TABLE complaints ADD COLUMN queue TEXT NOT NULL DEFAULT 'desk' CHECK (queue IN ('desk', 'car3', 'supervisor'));
ALTER TABLE complaints ADD COLUMN assigned_to INTEGER REFERENCES users (id);
ALTER TABLE complaints ADD COLUMN resolution TEXT
    CHECK (resolution IS NULL OR resolution IN ('explained', 'adjusted', 'field-work', 'referred', 'no-action', 'withdrawn', 'duplicate'));
ALTER TABLE complaints ADD COLUMN resolution_note TEXT;
ALTER TABLE complaints ADD COLUMN closed_by INTEGER REFERENCES users (id);
ALTER TABLE complaints ADD COLUMN closed_at TEXT;

-- Rules the added columns cannot state as table checks.
CREATE TRIGGER complaints_shape_insert BEFORE INSERT ON complaints
    WHEN NEW.due_on IS NULL
      OR (NEW.source = 'council') != (NEW.council_district IS NOT NULL)
      OR (NEW.status = 'closed') != (NEW.resolution IS NOT NULL AND NEW.resolution_note IS NOT NULL AND NEW.closed_at IS NOT NULL)
    BEGIN SELECT RAISE(ABORT, 'a complaint needs a due date, a council district exactly when it comes from the Council, and a resolution exactly when closed'); END;
CREATE TRIGGER complaints_shape_update BEFORE UPDATE ON complaints
    WHEN NEW.due_on IS NULL
      OR (NEW.source = 'council') != (NEW.council_district IS NOT NULL)
      OR (NEW.status = 'closed') != (NEW.resolution IS NOT NULL AND NEW.resolution_note IS NOT NULL AND NEW.closed_at IS NOT NULL)
    BEGIN SELECT RAISE(ABORT, 'a complaint needs a due date, a council district exactly when it comes from the Council, and a resolution exactly when closed'); END;
-- Where it came from and when it was opened are facts: never changed.
CREATE TRIGGER complaints_origin_fixed BEFORE UPDATE ON complaints
    WHEN NEW.account_id != OLD.account_id OR NEW.source != OLD.source OR NEW.opened_at != OLD.opened_at
      OR NEW.opened_by != OLD.opened_by OR NEW.summary != OLD.summary
    BEGIN SELECT RAISE(ABORT, 'a complaint''s account, source, summary and opening are fixed'); END;

CREATE INDEX contacts_complaint ON contacts (complaint_id) WHERE complaint_id IS NOT NULL;
CREATE INDEX complaints_work ON complaints (status, due_on);
CREATE INDEX complaints_assignee ON complaints (assigned_to, status);
CREATE INDEX complaints_liaison ON complaints (source, council_district) WHERE source IN ('mayor', 'council');

CREATE TABLE complaint_events (
    id           INTEGER PRIMARY KEY,
    complaint_id INTEGER NOT NULL REFERENCES complaints (id),
    kind         TEXT NOT NULL CHECK (kind IN ('opened', 'note', 'assigned', 'escalated', 'closed', 'reopened', 'linked')),
    note         TEXT CHECK (note IS NULL OR length(note) BETWEEN 1 AND 2000),
    -- For 'linked': what the complaint was linked to.
    link_kind    TEXT CHECK (link_kind IS NULL OR link_kind IN ('posting', 'request', 'dispute', 'order')),
    link_id      INTEGER,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    at           TEXT NOT NULL,
    CHECK ((kind = 'linked') = (link_kind IS NOT NULL AND link_id IS NOT NULL))
) STRICT;
CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id, id);
CREATE UNIQUE INDEX complaint_links_once ON complaint_events (complaint_id, link_kind, link_id) WHERE kind = 'linked';

CREATE TRIGGER complaint_events_no_update BEFORE UPDATE ON complaint_events
    BEGIN SELECT RAISE(ABORT, 'complaint events are append-only'); END;
CREATE TRIGGER complaint_events_no_delete BEFORE DELETE ON complaint_events
    BEGIN SELECT RAISE(ABORT, 'complaint events are append-only'); END;

-- Complaints opened before this migration: their opening as the first event.
INSERT INTO complaint_events (complaint_id, kind, note, user_id, at)
    SELECT id, 'opened', summary, opened_by, opened_at FROM complaints;
