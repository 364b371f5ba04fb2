-- 0023: accounts brought in from the utility's old system. The legacy
-- account number is kept (customers quote it for years) and found by
-- search; each account belongs to a bill cycle (its read and bill route).
ALTER TABLE accounts ADD COLUMN legacy_number TEXT
    CHECK (legacy_number IS NULL OR length(legacy_number) BETWEEN 1 AND 30);
CREATE UNIQUE INDEX accounts_legacy_number ON accounts (legacy_number) WHERE legacy_number IS NOT NULL;
ALTER TABLE accounts ADD COLUMN cycle INTEGER NOT NULL DEFAULT 1 CHECK (cycle BETWEEN 1 AND 99);
