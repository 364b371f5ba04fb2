-- 0019: a sewer cap computed from a reading since corrected is recomputed
-- from the readings in force, when the re-rate that corrected it says so.
-- Caps are append-only (one per account and effective date): a correction
-- is a row here, naming the re-rate that made it; the cap in effect is the
-- latest correction whose re-rate stands, else the cap itself.
CREATE TABLE sewer_cap_corrections (
    account_id     INTEGER NOT NULL REFERENCES accounts (id),
    effective_from TEXT NOT NULL,
    posting_id     INTEGER NOT NULL REFERENCES postings (id),
    cap_gal        INTEGER NOT NULL CHECK (cap_gal >= 0),
    PRIMARY KEY (account_id, effective_from, posting_id)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER sewer_cap_corrections_no_update BEFORE UPDATE ON sewer_cap_corrections
    BEGIN SELECT RAISE(ABORT, 'sewer cap corrections are append-only'); END;
CREATE TRIGGER sewer_cap_corrections_no_delete BEFORE DELETE ON sewer_cap_corrections
    BEGIN SELECT RAISE(ABORT, 'sewer cap corrections are append-only'); END;
