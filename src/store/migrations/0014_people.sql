-- 0014: passwords that must be changed, and the automated-jobs role.
--
-- A password set by someone else (a new user's first one, an
-- Administrator's reset) is temporary: the person must choose their own at
-- their next sign-in before anything else.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));

-- The role of the utility's automated jobs ('batch': bill runs, payment
-- files, late-fee runs). SQLite cannot alter a CHECK, and rebuilding the
-- users table would mean dropping the parent of half the schema's foreign
-- keys; the table's text gains 'batch' in place instead, SQLite's documented
-- procedure for a change every stored row already satisfies
-- (https://sqlite.org/lang_altertable.html#otheralter). The store bumps the
-- schema cookie after this migration, so every connection reloads it. This
-- comes last: ALTER TABLE reads offsets from the schema it parsed before.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '''supervisor'', ''manager'', ''admin'')', '''supervisor'', ''manager'', ''admin'', ''batch'')')
 WHERE type = 'table' AND name = 'users';
PRAGMA writable_schema = OFF;
