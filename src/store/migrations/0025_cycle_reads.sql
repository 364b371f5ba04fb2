-- 0025: each cycle's meter reads, loaded from the reading route's file
-- before the bill run, and the reads held as exceptions until a person
-- decides them.
--
-- 1. A customer's own read is a third kind of read. The CHECK only widens,
--    so the table definition is edited in place as 0011 did.
PRAGMA writable_schema = ON;

UPDATE sqlite_schema
SET sql = replace(sql, 'CHECK (kind IN (''actual'', ''estimated''))',
                  'CONSTRAINT read_kind CHECK (kind = ''actual'' OR kind = ''estimated'' OR kind = ''customer'')')
WHERE type = 'table' AND name = 'meter_reads';

PRAGMA writable_schema = RESET;

-- 2. A read loaded for billing. The bill run bills an account from its
--    newest loaded read after the read its last bill closed on (or its
--    opening read); billing it enters it in meter_reads as the bill's
--    closing read. A read that fails an exception rule (high, low, zero
--    use two cycles running, a third estimate in a row) carries the rule
--    and is held, not billed, until it is decided.
CREATE TABLE cycle_reads (
    id               INTEGER PRIMARY KEY,
    account_id       INTEGER NOT NULL REFERENCES accounts (id),
    meter_number     TEXT NOT NULL,
    read_on          TEXT NOT NULL,
    reading          INTEGER NOT NULL CHECK (reading >= 0),
    kind             TEXT NOT NULL CHECK (kind = 'actual' OR kind = 'estimated' OR kind = 'customer'),
    rollover         INTEGER NOT NULL CHECK (rollover = 0 OR rollover = 1),
    reader           TEXT,
    -- Gallons since the read before it, as loaded.
    consumption_gal  INTEGER NOT NULL CHECK (consumption_gal >= 0),
    exception        TEXT CHECK (exception IS NULL OR exception = 'high' OR exception = 'low'
                                 OR exception = 'zero' OR exception = 'estimates'),
    exception_detail TEXT CHECK ((exception IS NULL) = (exception_detail IS NULL)),
    loaded_by        INTEGER NOT NULL REFERENCES users (id),
    loaded_at        TEXT NOT NULL,
    UNIQUE (account_id, read_on)
) STRICT;
CREATE INDEX cycle_reads_held ON cycle_reads (read_on) WHERE exception IS NOT NULL;

-- 3. What a person decided about a held read: billed as read, billed with
--    a corrected reading, or not billed and the meter read again.
CREATE TABLE read_decisions (
    cycle_read_id     INTEGER PRIMARY KEY REFERENCES cycle_reads (id),
    decision          TEXT NOT NULL CHECK (decision = 'accepted' OR decision = 'corrected' OR decision = 'reread'),
    corrected_reading INTEGER CHECK ((decision = 'corrected') = (corrected_reading IS NOT NULL)
                                     AND (corrected_reading IS NULL OR corrected_reading >= 0)),
    corrected_gal     INTEGER CHECK ((decision = 'corrected') = (corrected_gal IS NOT NULL)),
    note              TEXT NOT NULL CHECK (length(trim(note)) > 0),
    decided_by        INTEGER NOT NULL REFERENCES users (id),
    decided_at        TEXT NOT NULL
) STRICT;

CREATE TRIGGER cycle_reads_no_update BEFORE UPDATE ON cycle_reads
    BEGIN SELECT RAISE(ABORT, 'loaded reads are append-only: decide a held read instead'); END;
CREATE TRIGGER cycle_reads_no_delete BEFORE DELETE ON cycle_reads
    BEGIN SELECT RAISE(ABORT, 'loaded reads are append-only: decide a held read instead'); END;
CREATE TRIGGER read_decisions_no_update BEFORE UPDATE ON read_decisions
    BEGIN SELECT RAISE(ABORT, 'read decisions are append-only'); END;
CREATE TRIGGER read_decisions_no_delete BEFORE DELETE ON read_decisions
    BEGIN SELECT RAISE(ABORT, 'read decisions are append-only'); END;

-- 4. A bill run takes one cycle's accounts.
CREATE INDEX accounts_cycle ON accounts (cycle, status);
