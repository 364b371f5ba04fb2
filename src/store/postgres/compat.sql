-- SQLite's date functions that the store's queries use, so that the same
-- SQL text runs on both engines. Dates are text 'YYYY-MM-DD' and instants
-- text '2026-11-27 13:05:09.123+00:00', as the ledger stores them.

-- date(DAY, '+1 day'), date(DAY, '-12 months'): the day moved, as text.
CREATE FUNCTION date(day text, modifier text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN to_char(day::date + modifier::interval, 'YYYY-MM-DD');

-- julianday(INSTANT): days since noon UTC, 24 November 4714 BC.
CREATE FUNCTION julianday(instant text) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN extract(epoch FROM instant::timestamptz)::double precision / 86400.0 + 2440587.5;
