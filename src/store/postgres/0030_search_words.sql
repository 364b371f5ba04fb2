-- 0030, as src/store/migrations/0030_search_words.sql: the words a misspelt
-- search can be corrected to, and each with one letter left out. Derived
-- data, kept by index_account (INSERT ... ON CONFLICT DO NOTHING) and never
-- changed or deleted: the desks' role may read and add to these tables only
-- (roles.sql), and the triggers refuse a change or removal to the owner too.
CREATE TABLE search_words (
    word TEXT COLLATE "C" PRIMARY KEY
);

CREATE TABLE search_word_variants (
    variant TEXT COLLATE "C" NOT NULL,
    word    TEXT COLLATE "C" NOT NULL REFERENCES search_words (word),
    PRIMARY KEY (variant, word)
);

CREATE TRIGGER search_words_no_update BEFORE UPDATE ON search_words FOR EACH ROW
    EXECUTE FUNCTION refuse_change('the search vocabulary is only added to');
CREATE TRIGGER search_words_no_delete BEFORE DELETE ON search_words FOR EACH ROW
    EXECUTE FUNCTION refuse_change('the search vocabulary is only added to');
CREATE TRIGGER search_word_variants_no_update BEFORE UPDATE ON search_word_variants FOR EACH ROW
    EXECUTE FUNCTION refuse_change('the search vocabulary is only added to');
CREATE TRIGGER search_word_variants_no_delete BEFORE DELETE ON search_word_variants FOR EACH ROW
    EXECUTE FUNCTION refuse_change('the search vocabulary is only added to');
CREATE TRIGGER search_words_no_truncate BEFORE TRUNCATE ON search_words FOR EACH STATEMENT
    EXECUTE FUNCTION refuse_change('the search vocabulary is only added to');
CREATE TRIGGER search_word_variants_no_truncate BEFORE TRUNCATE ON search_word_variants FOR EACH STATEMENT
    EXECUTE FUNCTION refuse_change('the search vocabulary is only added to');
