-- 0018: a corrected read replaces the read it corrects for everything after
-- it. When a bill is re-rated from a corrected read, the next bill, which
-- started from the read corrected, starts from the correction: this table
-- says so (with the re-rate that put it there), whether or not the next
-- bill's charges change. A bill's opening read in force is the latest of
-- these whose re-rate stands, else its own; its closing read in force is
-- its latest standing re-rate's, else its own. Each bill opens where the one
-- before it closes (`verify`).
CREATE TABLE bill_openings (
    bill_id    INTEGER NOT NULL REFERENCES bills (id),
    posting_id INTEGER NOT NULL REFERENCES postings (id),
    read_id    INTEGER NOT NULL REFERENCES meter_reads (id),
    PRIMARY KEY (bill_id, posting_id)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER bill_openings_no_update BEFORE UPDATE ON bill_openings
    BEGIN SELECT RAISE(ABORT, 'bill openings are append-only: a correction is a new re-rate'); END;
CREATE TRIGGER bill_openings_no_delete BEFORE DELETE ON bill_openings
    BEGIN SELECT RAISE(ABORT, 'bill openings are append-only: a correction is a new re-rate'); END;
