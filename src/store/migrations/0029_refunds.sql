-- 0029: a final account's credit balance refunded to the customer: one
-- posting, kind 'refund', its receivable debited and
-- 'liabilities:refunds-payable' credited (the chart account is seeded when
-- a desk opens the ledger). The CHECK only widens, as in 0027.
PRAGMA writable_schema = ON;

UPDATE sqlite_schema
SET sql = replace(sql, 'OR kind = ''balance-transfer'')', 'OR kind = ''balance-transfer'' OR kind = ''refund'')')
WHERE type = 'table' AND name = 'postings';

PRAGMA writable_schema = RESET;

-- A refund is a money action (under a credit's limits, counted in the
-- person's daily total and in the reports): the partial indexes of money
-- actions take it in, their WHERE spelt as `money_action_kinds!` spells it.
DROP INDEX postings_money_actions;
CREATE INDEX postings_money_actions ON postings (effective_on)
    WHERE kind = 'credit' OR kind = 'adjustment' OR kind = 'waiver' OR kind = 'reversal' OR kind = 'refund';
DROP INDEX postings_money_by_user;
CREATE INDEX postings_money_by_user ON postings (user_id, posted_at, kind, receivable_cents)
    WHERE kind = 'credit' OR kind = 'adjustment' OR kind = 'waiver' OR kind = 'reversal' OR kind = 'refund';
DROP INDEX postings_money_by_account;
CREATE INDEX postings_money_by_account ON postings (account_id, user_id, posted_at, kind, receivable_cents)
    WHERE kind = 'credit' OR kind = 'adjustment' OR kind = 'waiver' OR kind = 'reversal' OR kind = 'refund';
