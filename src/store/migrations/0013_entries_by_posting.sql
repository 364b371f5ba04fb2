-- 0013: a posting's entries are stored in its own order, keyed by the posting.
--
-- Entries were a rowid table with a separate index on posting_id: every
-- ledger line went into two b-trees, and reading a posting's lines went
-- through the index and then the table. Entries are now a WITHOUT ROWID table
-- keyed (posting_id, line), `line` numbering a posting's lines from 1 in the
-- order they were posted (the order of the old ids): one b-tree, appended to,
-- and a posting's lines side by side. The account index keeps its columns and
-- gains `line` from the key.
--
-- The rows are copied as they are, in their order; `verify` afterwards checks
-- them exactly as before. Entries stay append-only: the triggers are made
-- again on the new table.
CREATE TABLE entries_by_posting (
    posting_id   INTEGER NOT NULL REFERENCES postings (id),
    line         INTEGER NOT NULL CHECK (line >= 1),
    ledger       TEXT NOT NULL REFERENCES ledger_accounts (code),
    account_id   INTEGER REFERENCES accounts (id),
    side         TEXT NOT NULL CHECK (side IN ('D', 'C')),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0 AND amount_cents <= 1000000000),
    CHECK ((ledger = 'assets:receivable') = (account_id IS NOT NULL)),
    PRIMARY KEY (posting_id, line)
) STRICT, WITHOUT ROWID;

INSERT INTO entries_by_posting (posting_id, line, ledger, account_id, side, amount_cents)
    SELECT posting_id, row_number() OVER (PARTITION BY posting_id ORDER BY id), ledger, account_id, side, amount_cents
    FROM entries ORDER BY posting_id, id;

DROP TABLE entries;
ALTER TABLE entries_by_posting RENAME TO entries;

CREATE INDEX entries_account ON entries (account_id, posting_id) WHERE account_id IS NOT NULL;
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: post a reversal instead'); END;
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: post a reversal instead'); END;
