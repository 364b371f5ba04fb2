-- 0020: what a person chose for their own desk, kept with their name so it
-- follows them to any workstation: the text size, the theme, and the folder
-- their statements, letters and reports are saved in. Not money and not
-- part of the audit chain: a person changes only their own.
CREATE TABLE user_settings (
    user_id    INTEGER NOT NULL REFERENCES users (id),
    name       TEXT NOT NULL CHECK (name IN ('text_scale', 'theme', 'save_folder')),
    value      TEXT NOT NULL CHECK (length(value) BETWEEN 1 AND 1000),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, name)
) STRICT, WITHOUT ROWID;
