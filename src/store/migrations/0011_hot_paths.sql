-- The ledger's hot paths: every posting, payment and bill.
--
-- 1. SQLite evaluates `x IN ('a', 'b', 'c')` with more than two constants by
--    filling a temporary b-tree each time the statement runs. As a CHECK on
--    postings.kind and payments.method, and as the WHERE of the partial index
--    postings_money_actions, that cost about 4 µs on every insert: an eighth
--    of a bill run. The same rules written as chains of `=` cost nothing
--    measurable. Every stored row already satisfies them (they accept exactly
--    the same values), so the table definitions are edited in place, as
--    SQLite documents for changing a CHECK constraint
--    (https://sqlite.org/lang_altertable.html, "other kinds of table schema
--    changes"); the rows are not touched. The constraints get names, so a
--    refusal says which rule.
PRAGMA writable_schema = ON;

UPDATE sqlite_schema
SET sql = replace(sql,
    'CHECK (kind IN (''bill'', ''payment'', ''credit'', ''adjustment'', ''late-fee'', ''waiver'', ''reversal'', ''deposit''))',
    'CONSTRAINT posting_kind CHECK (kind = ''bill'' OR kind = ''payment'' OR kind = ''credit'' OR kind = ''adjustment''
                                    OR kind = ''late-fee'' OR kind = ''waiver'' OR kind = ''reversal'' OR kind = ''deposit'')')
WHERE type = 'table' AND name = 'postings';

UPDATE sqlite_schema
SET sql = replace(sql,
    'CHECK (method IN (''cash'', ''check'', ''card'', ''ach'', ''lockbox'', ''online''))',
    'CONSTRAINT payment_method CHECK (method = ''cash'' OR method = ''check'' OR method = ''card'' OR method = ''ach''
                                      OR method = ''lockbox'' OR method = ''online'')')
WHERE type = 'table' AND name = 'payments';

-- Schema editing off, and this connection's schema read again from the file.
PRAGMA writable_schema = RESET;

-- The partial index, with the same rule as a chain of `=`. Queries that are
-- to use it repeat exactly this expression (store::MONEY_ACTION_KINDS).
DROP INDEX postings_money_actions;
CREATE INDEX postings_money_actions ON postings (effective_on)
    WHERE kind = 'credit' OR kind = 'adjustment' OR kind = 'waiver' OR kind = 'reversal';

-- 2. Posting a bill asks whether another bill's period overlaps the new one,
--    and assessing late fees asks for the latest bill due before a date.
--    Through bills_account (account_id, period_start) both read every bill
--    the account ever had, so a bill run slowed as history grew. These
--    indexes answer both from the few newest bills.
CREATE INDEX bills_account_end ON bills (account_id, period_end, period_start);
CREATE INDEX bills_account_due ON bills (account_id, due_date);

-- 3. A money action's limit check sums what the person posted that business
--    day. postings_user_day indexed every posting by user and time, bills and
--    payments included, and the check read them all (a bill run's user has
--    thousands a day). Only money actions, only for this check:
DROP INDEX postings_user_day;
CREATE INDEX postings_money_by_user ON postings (user_id, posted_at)
    WHERE kind = 'credit' OR kind = 'adjustment' OR kind = 'waiver' OR kind = 'reversal';
