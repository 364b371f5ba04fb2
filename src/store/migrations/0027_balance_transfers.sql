-- 0027: a balance moved between two accounts of one customer (service
-- moved to a new address, or a final account's credit put to use on
-- another account): one posting, kind 'balance-transfer', with a
-- receivable line on each account and nothing else. The CHECK only widens
-- (every stored row satisfies it), so the table definition is edited in
-- place as 0011 and 0024 did.
PRAGMA writable_schema = ON;

UPDATE sqlite_schema
SET sql = replace(sql, 'OR kind = ''opening-balance'')', 'OR kind = ''opening-balance'' OR kind = ''balance-transfer'')')
WHERE type = 'table' AND name = 'postings';

PRAGMA writable_schema = RESET;
