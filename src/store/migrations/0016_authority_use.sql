-- 0016: what each person has used of their limits, kept as it is used.
--
-- The daily total was a sum over the day's money actions on every check, so
-- a person's hundred-thousandth action of a day read the other 99,999 (a
-- re-run batch slowed from 5.6 s to 17-22 s). These rows are that sum, kept
-- up to date in the same transaction as each money posting, each request
-- and each decision, so the check is one lookup.
-- A row is made the first time it is needed, from the postings and requests
-- themselves, so days before this migration count exactly; `verify` checks
-- every row against them.
--
-- `day_start` and `day_end` are the business day's first instants (UTC,
-- formatted as `postings.posted_at`), in the utility's time zone.

-- A person's day: every money action (posted or pending), all together.
CREATE TABLE authority_days (
    user_id    INTEGER NOT NULL REFERENCES users (id),
    day_start  TEXT NOT NULL,
    day_end    TEXT NOT NULL CHECK (day_end > day_start),
    used_cents INTEGER NOT NULL CHECK (used_cents >= 0),
    PRIMARY KEY (user_id, day_start)
) STRICT, WITHOUT ROWID;

-- A person's money actions on one account, by day: the per-item limit
-- counts the same action on the same account that day, one short range of
-- this index (money actions only, a small part of the postings).
CREATE INDEX postings_money_by_account ON postings (account_id, user_id, posted_at, kind, receivable_cents)
    WHERE kind = 'credit' OR kind = 'adjustment' OR kind = 'waiver' OR kind = 'reversal';
