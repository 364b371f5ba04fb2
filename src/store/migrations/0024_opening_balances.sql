-- 0024: balances, deposits and winter use brought in from the old system.
--
-- 1. A new posting kind, 'opening-balance': what an account owed (or had
--    paid ahead) and the deposit it held on the day it was converted,
--    posted against equity:conversion so the books balance from the first
--    day. The CHECK only widens (every stored row satisfies it), so the
--    table definition is edited in place as 0011 did.
PRAGMA writable_schema = ON;

UPDATE sqlite_schema
SET sql = replace(sql, 'OR kind = ''deposit'')', 'OR kind = ''deposit'' OR kind = ''opening-balance'')')
WHERE type = 'table' AND name = 'postings';

PRAGMA writable_schema = RESET;

-- 2. When each part of a converted balance fell due. A balance is posted
--    on the conversion day, one posting per aging bucket, but it was billed
--    before: its part not yet due is due on the old bill's due date, and
--    each past-due part is aged from the middle of its bucket. Aging reads
--    the due date here (a bill's from its bill, anything else's is its
--    effective day).
CREATE TABLE opening_balance_due (
    posting_id INTEGER PRIMARY KEY REFERENCES postings (id),
    due_on     TEXT NOT NULL
) STRICT;
CREATE TRIGGER opening_balance_due_no_update BEFORE UPDATE ON opening_balance_due
    BEGIN SELECT RAISE(ABORT, 'opening balances are append-only'); END;
CREATE TRIGGER opening_balance_due_no_delete BEFORE DELETE ON opening_balance_due
    BEGIN SELECT RAISE(ABORT, 'opening balances are append-only'); END;

-- 3. Winter water use billed by the old system, which the May sewer-cap
--    recomputation averages with the winter bills posted here.
CREATE TABLE converted_winter_use (
    account_id      INTEGER NOT NULL REFERENCES accounts (id),
    bill_date       TEXT NOT NULL,
    consumption_gal INTEGER NOT NULL CHECK (consumption_gal >= 0),
    PRIMARY KEY (account_id, bill_date)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER converted_winter_use_no_update BEFORE UPDATE ON converted_winter_use
    BEGIN SELECT RAISE(ABORT, 'converted winter use is append-only'); END;
CREATE TRIGGER converted_winter_use_no_delete BEFORE DELETE ON converted_winter_use
    BEGIN SELECT RAISE(ABORT, 'converted winter use is append-only'); END;
