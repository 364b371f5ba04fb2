-- 0030: the words a misspelt search can be corrected to. Every word of four
-- to 24 letters in a customer's name or a service address, folded as the
-- search folds what is typed (lower case, accents removed), once; and for
-- each, itself and every form of it with one letter left out. Two words
-- within one letter wrong, missing, extra or two swapped share one of these
-- forms (the symmetric-delete method of SymSpell), so a typed word's
-- candidates are one indexed lookup, and the store keeps those within the
-- edits allowed. Derived data, rebuilt from the accounts by the migration
-- (store/open.rs) and kept by index_account: never changed, never deleted
-- (a word no longer in any name finds nothing more than it did).
CREATE TABLE search_words (
    word TEXT PRIMARY KEY
) STRICT, WITHOUT ROWID;

CREATE TABLE search_word_variants (
    variant TEXT NOT NULL,
    word    TEXT NOT NULL REFERENCES search_words (word),
    PRIMARY KEY (variant, word)
) STRICT, WITHOUT ROWID;
