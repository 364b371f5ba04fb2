-- 0005: contacts and complaints, as the desk logs them. Every interaction
-- with a customer is a contact on the account's timeline; a complaint is
-- opened from a contact and stays open until it is resolved (resolution,
-- service levels and escalation arrive with the cases work).

CREATE TABLE complaints (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    category   TEXT NOT NULL CHECK (category IN ('billing', 'high-bill', 'meter', 'water-service', 'refuse', 'staff', 'other')),
    summary    TEXT NOT NULL CHECK (length(summary) BETWEEN 1 AND 2000),
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    opened_by  INTEGER NOT NULL REFERENCES users (id),
    opened_at  TEXT NOT NULL
) STRICT;
CREATE INDEX complaints_account ON complaints (account_id, id);
CREATE INDEX complaints_open ON complaints (account_id) WHERE status = 'open';

CREATE TABLE contacts (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    channel      TEXT NOT NULL CHECK (channel IN ('phone', 'walk-in', 'email', 'letter')),
    summary      TEXT NOT NULL CHECK (length(summary) BETWEEN 1 AND 2000),
    complaint_id INTEGER REFERENCES complaints (id),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    at           TEXT NOT NULL
) STRICT;
CREATE INDEX contacts_account ON contacts (account_id, id);

-- What was said stays said: a contact is never edited or removed.
CREATE TRIGGER contacts_no_update BEFORE UPDATE ON contacts BEGIN SELECT RAISE(ABORT, 'contacts are append-only: log another contact instead'); END;
CREATE TRIGGER contacts_no_delete BEFORE DELETE ON contacts BEGIN SELECT RAISE(ABORT, 'contacts are append-only'); END;
CREATE TRIGGER complaints_no_delete BEFORE DELETE ON complaints BEGIN SELECT RAISE(ABORT, 'complaints are never deleted: close them with a resolution'); END;
