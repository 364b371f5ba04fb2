-- 0028: the identity check done on a contact (who was spoken to and what
-- they proved), kept with the contact as JSON: {"caller": "holder" or
-- {"party": N}, "verified": ["account-number", ...], "party_name": ...}.
-- Contacts logged before it have none.
ALTER TABLE contacts ADD COLUMN identity TEXT CHECK (identity IS NULL OR json_valid(identity));
