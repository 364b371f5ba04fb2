-- 0010: letters sent to customers, kept on the account as the exact text
-- that was sent (after the representative's edits): never changed, never
-- removed.

CREATE TABLE letters (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    template   TEXT NOT NULL CHECK (length(template) BETWEEN 1 AND 64),
    -- What the letter was about, if anything beyond the account.
    about_kind TEXT CHECK (about_kind IS NULL OR about_kind IN ('complaint', 'dispute', 'order', 'posting', 'bill')),
    about_id   INTEGER,
    subject    TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
    body       TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    -- SHA-256 of subject, a newline and body, so a copy can be checked.
    sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
    sent_by    INTEGER NOT NULL REFERENCES users (id),
    sent_at    TEXT NOT NULL,
    CHECK ((about_kind IS NULL) = (about_id IS NULL))
) STRICT;
CREATE INDEX letters_account ON letters (account_id, id);

CREATE TRIGGER letters_no_update BEFORE UPDATE ON letters
    BEGIN SELECT RAISE(ABORT, 'a letter sent is kept as sent: send another'); END;
CREATE TRIGGER letters_no_delete BEFORE DELETE ON letters
    BEGIN SELECT RAISE(ABORT, 'a letter sent is kept as sent'); END;
