-- 0012: a money action's limit check reads one index.
--
-- The check sums what the person moved on receivable that business day
-- (store::approvals::AUTHORITY_USED). Through postings_money_by_user it found
-- the day's money actions, then read each one's entries: two more b-tree
-- descents per action, on every credit, adjustment, waiver and reversal.
-- Each posting now records that amount, its receivable lines added up
-- (debits and credits alike), and the index carries it: the sum is one range
-- of one index. (The index holds `kind` too, though its WHERE implies it:
-- SQLite still reads the condition's column, and without it every row would
-- be looked up in the table.)
--
-- Postings are append-only, so those already written are not touched: their
-- amount stays NULL and the check adds up their entries as before. `verify`
-- compares every recorded amount with the posting's lines, and refuses a NULL
-- on any posting from `receivable_recorded_from` on.
ALTER TABLE postings ADD COLUMN receivable_cents INTEGER CHECK (receivable_cents >= 0);
INSERT INTO meta (key, value)
    SELECT 'receivable_recorded_from', CAST(COALESCE(max(id), 0) + 1 AS TEXT) FROM postings;

DROP INDEX postings_money_by_user;
CREATE INDEX postings_money_by_user ON postings (user_id, posted_at, kind, receivable_cents)
    WHERE kind = 'credit' OR kind = 'adjustment' OR kind = 'waiver' OR kind = 'reversal';
