-- 0026: customer information kept current at the desk.
--
-- Paperless billing, as the customer chose.
ALTER TABLE customers ADD COLUMN paperless INTEGER NOT NULL DEFAULT 0 CHECK (paperless = 0 OR paperless = 1);

-- Each change to a customer's information, field by field, before and
-- after (the audit record of the change holds the same). A name changed
-- soon after the mailing address is found here.
CREATE TABLE customer_changes (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    field       TEXT NOT NULL CHECK (field = 'name' OR field = 'mailing' OR field = 'phone' OR field = 'email'
                                     OR field = 'paperless'),
    before      TEXT,
    after       TEXT,
    changed_by  INTEGER NOT NULL REFERENCES users (id),
    changed_at  TEXT NOT NULL
) STRICT;
CREATE INDEX customer_changes_customer ON customer_changes (customer_id, field, changed_at);
CREATE TRIGGER customer_changes_no_update BEFORE UPDATE ON customer_changes
    BEGIN SELECT RAISE(ABORT, 'customer changes are append-only'); END;
CREATE TRIGGER customer_changes_no_delete BEFORE DELETE ON customer_changes
    BEGIN SELECT RAISE(ABORT, 'customer changes are append-only'); END;

-- People the account holder allows the desk to speak to about the account:
-- with full access, or about payments only, from a day and (if given)
-- until one. Ended early by a row in party_ends, never edited.
CREATE TABLE authorized_parties (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    name       TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 100),
    access     TEXT NOT NULL CHECK (access = 'full' OR access = 'payments'),
    starts_on  TEXT NOT NULL,
    ends_on    TEXT CHECK (ends_on IS NULL OR ends_on >= starts_on),
    added_by   INTEGER NOT NULL REFERENCES users (id),
    added_at   TEXT NOT NULL
) STRICT;
CREATE INDEX authorized_parties_account ON authorized_parties (account_id);
CREATE TABLE party_ends (
    party_id INTEGER PRIMARY KEY REFERENCES authorized_parties (id),
    ended_on TEXT NOT NULL,
    ended_by INTEGER NOT NULL REFERENCES users (id),
    ended_at TEXT NOT NULL
) STRICT;
CREATE TRIGGER authorized_parties_no_update BEFORE UPDATE ON authorized_parties
    BEGIN SELECT RAISE(ABORT, 'authorized parties are append-only: end one instead'); END;
CREATE TRIGGER authorized_parties_no_delete BEFORE DELETE ON authorized_parties
    BEGIN SELECT RAISE(ABORT, 'authorized parties are append-only: end one instead'); END;
CREATE TRIGGER party_ends_no_update BEFORE UPDATE ON party_ends
    BEGIN SELECT RAISE(ABORT, 'authorized parties are append-only'); END;
CREATE TRIGGER party_ends_no_delete BEFORE DELETE ON party_ends
    BEGIN SELECT RAISE(ABORT, 'authorized parties are append-only'); END;
