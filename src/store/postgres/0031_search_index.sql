-- 0031: account search on PostgreSQL by whole words, as measured best over
-- 1,000,000 accounts (README, "Many desks, one ledger"; the engines bench).
-- The five trigram indexes of the baseline made every typed word five LIKEs
-- and a heap recheck of every candidate row: a common name prefix ("smi")
-- or a street and its type ("peoria ave") took 30 to 90 ms. In their place,
-- two indexes of the same words, each for what it does best:
--
--   * account_words: each word of an account's search row once, by word and
--     then account. A query of one word reads the accounts of the words it
--     begins in one range of this index, in order, without the table
--     ("smi": about 2 ms), where the trigram index fetched every row.
--   * account_search.words: the row's words as a tsvector (the words as
--     they are, no dictionary or stemming), under a GIN index. A query of
--     several words is one index scan that intersects them (word:* for a
--     prefix), and only the accounts that have all of them are read
--     ("peoria ave": about 7 ms, where joining account_words took 40).
--
-- The store chooses (store/search.rs, search_words). Both are derived from
-- account_search, which index_account rewrites: it deletes and inserts an
-- account's words with its row, so the desks' role may INSERT and DELETE
-- here as there (roles.sql). The trigram indexes go; the pg_trgm extension
-- stays (the baseline made it, and nothing depends on it being gone).
CREATE TABLE account_words (
    word       TEXT COLLATE "C" NOT NULL,
    account_id BIGINT NOT NULL,
    PRIMARY KEY (word, account_id)
);
INSERT INTO account_words (word, account_id)
    SELECT DISTINCT word, rowid
    FROM account_search,
         regexp_split_to_table(btrim(coalesce(number, '') || ' ' || coalesce(name, '') || ' ' || coalesce(address, '')
                                     || ' ' || coalesce(phone, '') || ' ' || coalesce(meter, '')), '\s+') AS word
    WHERE word <> '';
-- index_account's DELETE of one account's words (made after the rows: faster).
CREATE INDEX account_words_by_account ON account_words (account_id);

ALTER TABLE account_search ADD COLUMN words tsvector GENERATED ALWAYS AS (
    array_to_tsvector(array_remove(regexp_split_to_array(
        btrim(coalesce(number, '') || ' ' || coalesce(name, '') || ' ' || coalesce(address, '') || ' '
              || coalesce(phone, '') || ' ' || coalesce(meter, '')), '\s+'), ''))
) STORED;
CREATE INDEX account_search_words ON account_search USING gin (words);

DROP INDEX account_search_number;
DROP INDEX account_search_name;
DROP INDEX account_search_address;
DROP INDEX account_search_phone;
DROP INDEX account_search_meter;
