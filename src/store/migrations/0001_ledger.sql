-- 0001: the ledger core. Money is integer cents; dates are ISO text
-- (YYYY-MM-DD), instants RFC 3339 UTC text. Ledger history (postings, entries,
-- bills, reads, adjustments) is append-only: triggers below refuse UPDATE and
-- DELETE, so a correction is always a new row pointing at the old one.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id         INTEGER PRIMARY KEY,
    username   TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(username) BETWEEN 2 AND 32),
    full_name  TEXT NOT NULL CHECK (length(trim(full_name)) > 0),
    role       TEXT NOT NULL CHECK (role IN ('car1', 'car2', 'car3', 'supervisor', 'manager', 'admin')),
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE rate_schedules (
    id             TEXT PRIMARY KEY,
    effective_from TEXT NOT NULL UNIQUE,
    source         TEXT NOT NULL,
    loaded_at      TEXT NOT NULL
) STRICT;

CREATE TABLE ledger_accounts (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
) STRICT;

CREATE TABLE customers (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL CHECK (length(trim(name)) > 0),
    mail_line1   TEXT NOT NULL,
    mail_line2   TEXT,
    mail_city    TEXT NOT NULL,
    mail_state   TEXT NOT NULL,
    mail_zip     TEXT NOT NULL,
    phone        TEXT,
    phone_digits TEXT,
    email        TEXT,
    -- Identity data is never stored whole: only the last four digits.
    tax_id_last4 TEXT CHECK (tax_id_last4 IS NULL OR (length(tax_id_last4) = 4 AND tax_id_last4 NOT GLOB '*[^0-9]*')),
    created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX customers_phone ON customers (phone_digits) WHERE phone_digits IS NOT NULL;

CREATE TABLE premises (
    id    INTEGER PRIMARY KEY,
    line1 TEXT NOT NULL,
    line2 TEXT,
    city  TEXT NOT NULL,
    state TEXT NOT NULL,
    zip   TEXT NOT NULL,
    -- The premise's sewer cap, which a new account keeps until the next May.
    sewer_cap_gal INTEGER NOT NULL CHECK (sewer_cap_gal >= 0)
) STRICT;

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE CHECK (length(number) = 9),
    customer_id   INTEGER NOT NULL REFERENCES customers (id),
    premise_id    INTEGER NOT NULL REFERENCES premises (id),
    status        TEXT NOT NULL CHECK (status IN ('active', 'final', 'closed')),
    opened_on     TEXT NOT NULL,
    closed_on     TEXT,
    deposit_cents INTEGER NOT NULL DEFAULT 0 CHECK (deposit_cents >= 0),
    -- Cached sum of the account's receivable entries, kept in the same
    -- transaction as every posting; `verify` proves it.
    balance_cents INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX accounts_customer ON accounts (customer_id);
CREATE INDEX accounts_premise ON accounts (premise_id);

CREATE TABLE services (
    account_id       INTEGER PRIMARY KEY REFERENCES accounts (id),
    meter_number     TEXT NOT NULL,
    meter_size       TEXT NOT NULL CHECK (meter_size IN ('5/8', '3/4', '1', '1-1/2', '2')),
    meter_dials      INTEGER NOT NULL CHECK (meter_dials BETWEEN 4 AND 10),
    sewer            INTEGER NOT NULL CHECK (sewer IN (0, 1)),
    stormwater       INTEGER NOT NULL CHECK (stormwater IN (0, 1)),
    refuse_cart      TEXT CHECK (refuse_cart IN ('35', '64', '96')),
    refuse_frequency TEXT CHECK (refuse_frequency IN ('weekly', 'twice-weekly')),
    emsacare         INTEGER NOT NULL CHECK (emsacare IN (0, 1)),
    CHECK ((refuse_cart IS NULL) = (refuse_frequency IS NULL))
) STRICT;
CREATE INDEX services_meter ON services (meter_number);

CREATE TABLE sewer_caps (
    account_id     INTEGER NOT NULL REFERENCES accounts (id),
    effective_from TEXT NOT NULL,
    cap_gal        INTEGER NOT NULL CHECK (cap_gal >= 0),
    source         TEXT NOT NULL CHECK (source IN ('premise', 'winter-average')),
    PRIMARY KEY (account_id, effective_from)
) STRICT, WITHOUT ROWID;

CREATE TABLE meter_reads (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    read_on     TEXT NOT NULL,
    reading     INTEGER NOT NULL CHECK (reading >= 0),
    kind        TEXT NOT NULL CHECK (kind IN ('actual', 'estimated')),
    rollover    INTEGER NOT NULL DEFAULT 0 CHECK (rollover IN (0, 1)),
    -- A corrected read points at the read it corrects; the original stays.
    corrects_id INTEGER REFERENCES meter_reads (id),
    entered_by  INTEGER NOT NULL REFERENCES users (id),
    entered_at  TEXT NOT NULL
) STRICT;
CREATE INDEX meter_reads_account ON meter_reads (account_id, read_on);

CREATE TABLE bills (
    id               INTEGER PRIMARY KEY,
    account_id       INTEGER NOT NULL REFERENCES accounts (id),
    period_start     TEXT NOT NULL,
    period_end       TEXT NOT NULL CHECK (period_end >= period_start),
    bill_date        TEXT NOT NULL,
    due_date         TEXT NOT NULL CHECK (due_date >= bill_date),
    schedule_id      TEXT NOT NULL REFERENCES rate_schedules (id),
    previous_read_id INTEGER NOT NULL REFERENCES meter_reads (id),
    current_read_id  INTEGER NOT NULL REFERENCES meter_reads (id),
    consumption_gal  INTEGER NOT NULL CHECK (consumption_gal >= 0),
    sewer_cap_gal    INTEGER NOT NULL CHECK (sewer_cap_gal >= 0),
    total_cents      INTEGER NOT NULL CHECK (total_cents >= 0)
) STRICT;
CREATE INDEX bills_account ON bills (account_id, period_start);
-- Finding the bill that closed on a read (rebilling after a reversal).
CREATE INDEX bills_current_read ON bills (current_read_id);

CREATE TABLE bill_lines (
    bill_id      INTEGER NOT NULL REFERENCES bills (id),
    seq          INTEGER NOT NULL,
    service      TEXT NOT NULL,
    description  TEXT NOT NULL,
    quantity     TEXT NOT NULL,
    unit         TEXT NOT NULL,
    rate         TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
    PRIMARY KEY (bill_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE postings (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    payload_sha256  TEXT NOT NULL CHECK (length(payload_sha256) = 64),
    kind            TEXT NOT NULL CHECK (kind IN ('bill', 'payment', 'credit', 'adjustment', 'late-fee', 'waiver', 'reversal', 'deposit')),
    account_id      INTEGER REFERENCES accounts (id),
    effective_on    TEXT NOT NULL,
    posted_at       TEXT NOT NULL,
    user_id         INTEGER NOT NULL REFERENCES users (id),
    memo            TEXT NOT NULL,
    reason          TEXT,
    bill_id         INTEGER REFERENCES bills (id),
    -- A posting is reversed at most once, a late fee waived at most once:
    -- see the partial unique indexes below.
    reverses_id     INTEGER REFERENCES postings (id),
    waives_id       INTEGER REFERENCES postings (id),
    CHECK ((kind = 'reversal') = (reverses_id IS NOT NULL)),
    CHECK ((kind = 'waiver') = (waives_id IS NOT NULL))
) STRICT;
-- Partial: most postings reverse nothing, and NULLs need no index entry.
CREATE UNIQUE INDEX postings_reversed_once ON postings (reverses_id) WHERE reverses_id IS NOT NULL;
CREATE UNIQUE INDEX postings_waived_once ON postings (waives_id) WHERE waives_id IS NOT NULL;
CREATE INDEX postings_account ON postings (account_id, id);
CREATE INDEX postings_bill ON postings (bill_id, kind) WHERE bill_id IS NOT NULL;
-- One late fee per bill, however often assessment runs.
CREATE UNIQUE INDEX postings_one_late_fee_per_bill ON postings (bill_id) WHERE kind = 'late-fee';

CREATE TABLE entries (
    id           INTEGER PRIMARY KEY,
    posting_id   INTEGER NOT NULL REFERENCES postings (id),
    ledger       TEXT NOT NULL REFERENCES ledger_accounts (code),
    account_id   INTEGER REFERENCES accounts (id),
    side         TEXT NOT NULL CHECK (side IN ('D', 'C')),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0 AND amount_cents <= 1000000000),
    CHECK ((ledger = 'assets:receivable') = (account_id IS NOT NULL))
) STRICT;
CREATE INDEX entries_posting ON entries (posting_id);
CREATE INDEX entries_account ON entries (account_id, posting_id) WHERE account_id IS NOT NULL;

CREATE TABLE payments (
    posting_id  INTEGER PRIMARY KEY REFERENCES postings (id),
    method      TEXT NOT NULL CHECK (method IN ('cash', 'check', 'card', 'ach', 'lockbox', 'online')),
    -- A check number or processor reference; never a card or bank account number.
    reference   TEXT,
    received_on TEXT NOT NULL
) STRICT;

CREATE TABLE bill_adjustments (
    posting_id        INTEGER PRIMARY KEY REFERENCES postings (id),
    bill_id           INTEGER NOT NULL REFERENCES bills (id),
    method            TEXT NOT NULL CHECK (method IN ('rerate', 'amount')),
    corrected_read_id INTEGER REFERENCES meter_reads (id),
    consumption_gal   INTEGER,
    CHECK ((method = 'rerate') = (corrected_read_id IS NOT NULL))
) STRICT;
CREATE INDEX bill_adjustments_bill ON bill_adjustments (bill_id);

CREATE TABLE bill_adjustment_lines (
    posting_id   INTEGER NOT NULL REFERENCES bill_adjustments (posting_id),
    seq          INTEGER NOT NULL,
    service      TEXT NOT NULL,
    description  TEXT NOT NULL,
    before_cents INTEGER NOT NULL,
    after_cents  INTEGER NOT NULL,
    PRIMARY KEY (posting_id, seq)
) STRICT, WITHOUT ROWID;

-- Search: one row per account (rowid = account id), kept current in the same
-- transaction as the data. Contentless: results are read from the tables.
CREATE VIRTUAL TABLE account_search USING fts5 (
    number, name, address, phone, meter,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

-- History never changes.
CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings BEGIN SELECT RAISE(ABORT, 'ledger postings are append-only: post a reversal instead'); END;
CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings BEGIN SELECT RAISE(ABORT, 'ledger postings are append-only: post a reversal instead'); END;
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: post a reversal instead'); END;
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: post a reversal instead'); END;
CREATE TRIGGER bills_no_update BEFORE UPDATE ON bills BEGIN SELECT RAISE(ABORT, 'bills are append-only: adjust the bill instead'); END;
CREATE TRIGGER bills_no_delete BEFORE DELETE ON bills BEGIN SELECT RAISE(ABORT, 'bills are append-only: adjust the bill instead'); END;
CREATE TRIGGER bill_lines_no_update BEFORE UPDATE ON bill_lines BEGIN SELECT RAISE(ABORT, 'bills are append-only: adjust the bill instead'); END;
CREATE TRIGGER bill_lines_no_delete BEFORE DELETE ON bill_lines BEGIN SELECT RAISE(ABORT, 'bills are append-only: adjust the bill instead'); END;
CREATE TRIGGER meter_reads_no_update BEFORE UPDATE ON meter_reads BEGIN SELECT RAISE(ABORT, 'meter reads are append-only: enter a corrected read instead'); END;
CREATE TRIGGER meter_reads_no_delete BEFORE DELETE ON meter_reads BEGIN SELECT RAISE(ABORT, 'meter reads are append-only: enter a corrected read instead'); END;
CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments BEGIN SELECT RAISE(ABORT, 'payments are append-only: post a reversal instead'); END;
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments BEGIN SELECT RAISE(ABORT, 'payments are append-only: post a reversal instead'); END;
CREATE TRIGGER bill_adjustments_no_update BEFORE UPDATE ON bill_adjustments BEGIN SELECT RAISE(ABORT, 'adjustments are append-only: post a reversal instead'); END;
CREATE TRIGGER bill_adjustments_no_delete BEFORE DELETE ON bill_adjustments BEGIN SELECT RAISE(ABORT, 'adjustments are append-only: post a reversal instead'); END;
CREATE TRIGGER bill_adjustment_lines_no_update BEFORE UPDATE ON bill_adjustment_lines BEGIN SELECT RAISE(ABORT, 'adjustments are append-only: post a reversal instead'); END;
CREATE TRIGGER bill_adjustment_lines_no_delete BEFORE DELETE ON bill_adjustment_lines BEGIN SELECT RAISE(ABORT, 'adjustments are append-only: post a reversal instead'); END;
CREATE TRIGGER rate_schedules_no_update BEFORE UPDATE ON rate_schedules BEGIN SELECT RAISE(ABORT, 'rate schedules are append-only: load a new schedule with a later effective date'); END;
CREATE TRIGGER rate_schedules_no_delete BEFORE DELETE ON rate_schedules BEGIN SELECT RAISE(ABORT, 'rate schedules are append-only: load a new schedule with a later effective date'); END;
CREATE TRIGGER sewer_caps_no_update BEFORE UPDATE ON sewer_caps BEGIN SELECT RAISE(ABORT, 'sewer caps are append-only: add a cap with a later effective date'); END;
CREATE TRIGGER sewer_caps_no_delete BEFORE DELETE ON sewer_caps BEGIN SELECT RAISE(ABORT, 'sewer caps are append-only: add a cap with a later effective date'); END;
