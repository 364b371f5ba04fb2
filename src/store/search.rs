//! Account search: exact number, phone and meter matches first, then the
//! full-text index (prefix, case- and accent-insensitive, any word order):
//! FTS5 on SQLite, two indexes of whole words on PostgreSQL.

use super::sql::{Engine, Param, args, numbered};

use super::{Db, Result};
use crate::domain::account::phone_digits;
use crate::domain::ids::{AccountId, AccountNumber};
use crate::domain::orders::address_spellings;
use crate::records::{MAX_SEARCH_RESULTS as MAX_RESULTS, SearchHit};

/// Words beyond this many add nothing but cost.
const MAX_TERMS: usize = 8;

/// The FTS5 query for what a person typed: each word becomes a quoted term,
/// so quotes, `*`, `AND`, `NEAR` and punctuation are plain text and never a
/// syntax error. Words of two or more characters are prefixes ("smi" finds
/// Smith); a single character is a whole word (the "W" of "1055 W Main"),
/// since as a prefix it would match most of the index. Text made only of
/// digits and phone punctuation is one term ("555-0142" is 5550142).
/// `None` when nothing searchable was typed.
pub fn fts_query(text: &str) -> Option<String> {
    Typed::of(text).map(|typed| typed.fts())
}

/// Text as a search index compares it: lower case, accents removed (as
/// FTS5's `remove_diacritics`), every run of other than letters and digits
/// one space, with a space before and after. PostgreSQL's `account_search`
/// holds its columns so, and its word indexes (migration 0031) are of the
/// words between the spaces.
pub(crate) fn folded_words(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    for c in text.nfd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)) {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// A service address as the index holds it and ranking reads it, the same
/// on both engines: the street line, the unit, the city and the ZIP code.
pub(crate) fn address_text(line1: &str, line2: Option<&str>, city: &str, zip: &str) -> String {
    format!("{line1} {} {city} {zip}", line2.unwrap_or(""))
}

/// One way a typed word may be written in the index.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Spelling {
    word: String,
    /// A word that starts so, or only this whole word.
    prefix: bool,
}

/// What a person typed, as the index is searched for it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Typed {
    /// Digits and phone punctuation only: one run of digits.
    Phone(String),
    /// Every term must match one of its spellings (the typed word first).
    Words(Vec<Vec<Spelling>>),
}

impl Typed {
    fn of(text: &str) -> Option<Typed> {
        let trimmed = text.trim();
        let phone_like = trimmed.chars().any(|c| c.is_ascii_digit())
            && trimmed.chars().all(|c| c.is_ascii_digit() || " ()-.+".contains(c))
            && trimmed.chars().filter(char::is_ascii_digit).count() >= 7;
        if phone_like {
            return Some(Typed::Phone(phone_digits(trimmed)));
        }
        let terms: Vec<Vec<Spelling>> = folded_words(text)
            .split_whitespace()
            .take(MAX_TERMS)
            .map(|word| {
                // "west" or "W", "Sixteenth" or "16th": any way it is written.
                // The word as typed begins a word ("smi" finds Smith); its
                // other spellings are whole words ("W" finds no Williams).
                address_spellings(word)
                    .into_iter()
                    .enumerate()
                    .map(|(at, word)| Spelling { prefix: at == 0 && word.chars().count() > 1, word })
                    .collect()
            })
            .collect();
        (!terms.is_empty()).then_some(Typed::Words(terms))
    }

    /// The FTS5 query: a term per word, its spellings a group.
    fn fts(&self) -> String {
        let term = |s: &Spelling| if s.prefix { format!("\"{}\"*", s.word) } else { format!("\"{}\"", s.word) };
        match self {
            Typed::Phone(digits) => format!("\"{digits}\"*"),
            Typed::Words(terms) => terms
                .iter()
                .map(|spellings| match spellings.as_slice() {
                    [one] => term(one),
                    _ => format!("({})", spellings.iter().map(term).collect::<Vec<_>>().join(" OR ")),
                })
                .collect::<Vec<_>>()
                // FTS5 takes a parenthesised group only with an explicit AND.
                .join(" AND "),
        }
    }

    /// Every term, each with its spellings (a phone number is one term).
    fn terms(&self) -> Vec<Vec<Spelling>> {
        match self {
            Typed::Phone(digits) => vec![vec![Spelling { word: digits.clone(), prefix: true }]],
            Typed::Words(terms) => terms.clone(),
        }
    }

    /// PostgreSQL's text search query for the same rules.
    #[cfg(test)]
    fn tsquery(&self) -> String {
        tsquery(&self.terms())
    }
}

/// PostgreSQL's text search query for `terms`: each term a group of its
/// spellings, `:*` for a prefix. The words are folded (letters and digits
/// only), so quoting them is enough.
fn tsquery(terms: &[Vec<Spelling>]) -> String {
    let term = |s: &Spelling| if s.prefix { format!("'{}':*", s.word) } else { format!("'{}'", s.word) };
    terms
        .iter()
        .map(|spellings| match spellings.as_slice() {
            [one] => term(one),
            _ => format!("({})", spellings.iter().map(term).collect::<Vec<_>>().join(" | ")),
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

/// The least text greater than every word that begins with `word`: `word`
/// followed by the last code point, which no folded word holds.
fn past_prefix(word: &str) -> String {
    format!("{word}\u{10FFFF}")
}

/// A prefix that begins at most this many words is searched for as those
/// words (PostgreSQL's text search index intersects whole words by skipping
/// through them; a prefix it must first gather whole).
const EXPANDED_AT_MOST: usize = 32;

/// The words a misspelling can be corrected to: those of four to 24
/// letters (a shorter one a letter off is too many other words), folded.
const CORRECTED_LENGTHS: std::ops::RangeInclusive<usize> = 4..=24;

/// How many corrections of one typed word are searched for, the closest.
const CORRECTIONS_PER_WORD: usize = 6;

/// The words of a name or street `text` the search vocabulary keeps.
fn vocabulary(text: &str) -> impl Iterator<Item = &str> + '_ {
    text.split_whitespace()
        .filter(|word| CORRECTED_LENGTHS.contains(&word.chars().count()) && word.chars().all(char::is_alphabetic))
}

/// `word` and every form of it with one letter left out. Two words with one
/// letter wrong, missing or extra, two letters swapped, or one letter moved
/// by one, share one of these (SymSpell's symmetric deletes).
fn variants(word: &str) -> Vec<String> {
    let letters: Vec<char> = word.chars().collect();
    let mut out = vec![word.to_string()];
    for skip in 0..letters.len() {
        let variant: String =
            letters.iter().enumerate().filter(|(at, _)| *at != skip).map(|(_, letter)| *letter).collect();
        if !out.contains(&variant) {
            out.push(variant);
        }
    }
    out
}

/// The edits a typed word of `letters` letters may be from the word meant:
/// one in a short word, two ("mellisa" for Melissa) from six letters on.
fn edits_allowed(letters: usize) -> usize {
    if letters >= 6 { 2 } else { 1 }
}

/// How far a hit is from what was typed, to rank corrected matches: for each
/// typed word, none if a word of the hit starts with it, else the fewest
/// edits to one of the hit's words.
fn distance(typed: &[&str], hit: &SearchHit) -> usize {
    let text = folded_words(&format!("{} {}", hit.name, hit.service_address));
    let words: Vec<&str> = text.split_whitespace().collect();
    typed
        .iter()
        .map(|typed| {
            if words.iter().any(|word| word.starts_with(typed)) {
                0
            } else {
                words.iter().map(|word| strsim::osa_distance(typed, word)).min().unwrap_or(usize::MAX / 16)
            }
        })
        .sum()
}

/// Above this many matches a query is too broad to rank: the first matches
/// are shown unranked and the person narrows it.
const RANK_AT_MOST: usize = 200;

/// How well an account's folded `name` and `address` match what was typed,
/// lower first, the same on both engines: for each typed term, 0 when one
/// of its spellings is a whole word of the name, 1 when it begins one, 2 a
/// whole word of the address, 3 begins one, 4 elsewhere (the account,
/// phone or meter number). "lee" ranks Lee Adams before Leeds, and both
/// before 12 Leeward Ct.
fn rank(typed: &Typed, name: &str, address: &str) -> usize {
    let Typed::Words(terms) = typed else { return 0 };
    let (name, address): (Vec<&str>, Vec<&str>) =
        (name.split_whitespace().collect(), address.split_whitespace().collect());
    terms
        .iter()
        .map(|spellings| {
            let class = |words: &[&str], at: usize| {
                if spellings.iter().any(|s| words.contains(&s.word.as_str())) {
                    Some(at)
                } else if spellings.iter().any(|s| s.prefix && words.iter().any(|w| w.starts_with(s.word.as_str()))) {
                    Some(at + 1)
                } else {
                    None
                }
            };
            class(&name, 0).or_else(|| class(&address, 2)).unwrap_or(4)
        })
        .sum()
}

impl Db<'_> {
    /// Finds accounts for what a person typed. Never fails on odd input.
    /// Exact numbers first, then what the index finds as typed, then, while
    /// there is room, what it finds with misspelt words corrected.
    pub fn search(&self, text: &str) -> Result<Vec<SearchHit>> {
        // A NUL is no part of anything searched (and PostgreSQL's text
        // cannot hold one).
        let text = &text.replace('\0', "");
        let mut ids: Vec<(AccountId, bool)> = Vec::new();
        let add = |ids: &mut Vec<(AccountId, bool)>, found: Vec<AccountId>, exact: bool| {
            for id in found {
                if ids.len() >= MAX_RESULTS {
                    break;
                }
                if !ids.iter().any(|(i, _)| *i == id) {
                    ids.push((id, exact));
                }
            }
        };
        add(&mut ids, self.exact_matches(text)?, true);
        // A number that matched exactly (account, phone, meter) is what the
        // person meant: full-text matches on its digit groups add only noise.
        let exact_identifier = !ids.is_empty()
            && text.split_whitespace().count() <= 3
            && text.chars().filter(char::is_ascii_digit).count() >= 7;
        let Some(typed) = Typed::of(text).filter(|_| !exact_identifier) else {
            return self.hits(&ids);
        };
        add(&mut ids, self.search_index(&typed)?, false);
        let as_typed = ids.len();
        if as_typed < MAX_RESULTS
            && let Some(corrected) = self.corrected(&typed)?
        {
            add(&mut ids, self.search_index(&corrected)?, false);
        }
        // One read of every hit; those found as typed come first.
        let mut hits = self.hits(&ids)?;
        let typed_ids = &ids[..as_typed];
        let found_as_typed = hits.iter().take_while(|h| typed_ids.iter().any(|(id, _)| *id == h.account_id)).count();
        let mut corrected = hits.split_off(found_as_typed);
        if !corrected.is_empty() {
            let folded = folded_words(text);
            let typed: Vec<&str> = folded.split_whitespace().take(MAX_TERMS).collect();
            corrected.sort_by_cached_key(|hit| distance(&typed, hit));
            hits.extend(corrected);
        }
        Ok(hits)
    }

    /// The accounts the index finds for `typed`, in the same order on
    /// both engines: up to [`RANK_AT_MOST`] matches ranked by [`rank`],
    /// more than that the first [`MAX_RESULTS`] by account id, unranked
    /// (the person narrows it).
    fn search_index(&self, typed: &Typed) -> Result<Vec<AccountId>> {
        let found = match self.engine() {
            Engine::Sqlite => {
                let ids = self.all(
                    "SELECT rowid FROM account_search WHERE account_search MATCH ?1 ORDER BY rowid LIMIT ?2",
                    args![typed.fts(), RANK_AT_MOST + 1],
                    |r| r.get::<AccountId>(0),
                )?;
                if ids.len() > RANK_AT_MOST {
                    return Ok(ids.into_iter().take(MAX_RESULTS).collect());
                }
                self.search_texts(&ids)?
            }
            Engine::Postgres => self.search_words(typed)?,
        };
        if found.len() > RANK_AT_MOST {
            return Ok(found.into_iter().take(MAX_RESULTS).map(|(id, _, _)| id).collect());
        }
        let mut ranked = found;
        ranked.sort_by_cached_key(|(id, name, address)| (rank(typed, name, address), *id));
        Ok(ranked.into_iter().map(|(id, _, _)| id).collect())
    }

    /// Each account's name and service address (with its ZIP code),
    /// folded, as ranking reads them: SQLite's index keeps no text, and
    /// PostgreSQL's holds the same (`index_account`).
    fn search_texts(&self, ids: &[AccountId]) -> Result<Vec<(AccountId, String, String)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = numbered(1, ids.len());
        let params: Vec<&dyn Param> = ids.iter().map(|id| id as &dyn Param).collect();
        self.all(
            &format!(
                "SELECT a.id, c.name, p.line1, p.line2, p.city, p.zip FROM accounts a
                 JOIN customers c ON c.id = a.customer_id JOIN premises p ON p.id = a.premise_id
                 WHERE a.id IN {list}"
            ),
            &params,
            |r| {
                let line2: Option<String> = r.get(3)?;
                let (line1, city, zip): (String, String, String) = (r.get(2)?, r.get(4)?, r.get(5)?);
                let address = address_text(&line1, line2.as_deref(), &city, &zip);
                Ok((r.get(0)?, folded_words(&r.get::<String>(1)?), folded_words(&address)))
            },
        )
    }

    /// `typed` with each word's corrections as more spellings of it (whole
    /// words), or `None` when no word has one.
    fn corrected(&self, typed: &Typed) -> Result<Option<Typed>> {
        let Typed::Words(terms) = typed else { return Ok(None) };
        let mut terms = terms.clone();
        let mut any = false;
        for spellings in &mut terms {
            for word in self.corrections(&spellings[0].word)? {
                if !spellings.iter().any(|s| s.word == word) {
                    spellings.push(Spelling { word, prefix: false });
                    any = true;
                }
            }
        }
        Ok(any.then_some(Typed::Words(terms)))
    }

    /// The words of names and streets that `typed` (folded) may be a
    /// misspelling of, closest first; none for a word too short or long,
    /// and none that it begins (the search as typed found those).
    fn corrections(&self, typed: &str) -> Result<Vec<String>> {
        let letters = typed.chars().count();
        if !CORRECTED_LENGTHS.contains(&letters) || !typed.chars().all(char::is_alphabetic) {
            return Ok(Vec::new());
        }
        let variants = variants(typed);
        let list = numbered(1, variants.len());
        let params: Vec<&dyn Param> = variants.iter().map(|v| v as &dyn Param).collect();
        let words: Vec<String> = self.all(
            &format!("SELECT DISTINCT word FROM search_word_variants WHERE variant IN {list}"),
            &params,
            |r| r.get(0),
        )?;
        let mut close: Vec<(usize, String)> = words
            .into_iter()
            .filter(|word| !word.starts_with(typed))
            .map(|word| (strsim::osa_distance(typed, &word), word))
            .filter(|(edits, _)| *edits <= edits_allowed(letters))
            .collect();
        close.sort();
        close.truncate(CORRECTIONS_PER_WORD);
        Ok(close.into_iter().map(|(_, word)| word).collect())
    }

    /// Adds the words of a name or street to the search vocabulary.
    pub(crate) fn index_words(&self, text: &str) -> Result<()> {
        let folded = folded_words(text);
        for word in vocabulary(&folded) {
            let new =
                self.execute("INSERT INTO search_words (word) VALUES (?1) ON CONFLICT DO NOTHING", args![word])?;
            if new > 0 {
                for variant in variants(word) {
                    self.execute(
                        "INSERT INTO search_word_variants (variant, word) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                        args![variant, word],
                    )?;
                }
            }
        }
        Ok(())
    }

    /// Fills the search vocabulary from every account's name and street
    /// (after the migration that made it).
    pub(crate) fn index_all_words(&self) -> Result<()> {
        let mut words = std::collections::BTreeSet::new();
        self.each(
            "SELECT c.name, p.line1 FROM accounts a JOIN customers c ON c.id = a.customer_id
             JOIN premises p ON p.id = a.premise_id",
            args![],
            |r| {
                for column in [0, 1] {
                    let folded = folded_words(r.text(column)?.unwrap_or_default());
                    words.extend(vocabulary(&folded).map(str::to_string));
                }
                Ok(())
            },
        )?;
        for word in words {
            self.index_words(&word)?;
        }
        Ok(())
    }

    /// PostgreSQL: the accounts with a word matching each term of
    /// `typed`, with their folded name and address, by account id, one
    /// more than can be ranked. One term reads the ranges of
    /// `account_words` its spellings begin, without the table; several
    /// are one scan of the text search index that intersects them
    /// (migration 0031 says why each).
    fn search_words(&self, typed: &Typed) -> Result<Vec<(AccountId, String, String)>> {
        let limit = RANK_AT_MOST + 1;
        let row = |r: &super::sql::Row| Ok((r.get(0)?, r.get(1)?, r.get(2)?));
        match typed.terms().as_slice() {
            [] => Ok(Vec::new()),
            [spellings] => {
                // Each spelling's first accounts (a whole word's are in
                // order in the index, so only those are read), then the
                // first of them all.
                let bounds: Vec<(String, Option<String>)> =
                    spellings.iter().map(|s| (s.word.clone(), s.prefix.then(|| past_prefix(&s.word)))).collect();
                let mut params: Vec<&dyn Param> = vec![&limit];
                let mut firsts = Vec::new();
                for (from, to) in &bounds {
                    params.push(from);
                    let at = params.len();
                    let range = match to {
                        Some(to) => {
                            params.push(to);
                            format!("word >= ?{at} AND word < ?{}", at + 1)
                        }
                        None => format!("word = ?{at}"),
                    };
                    firsts.push(format!(
                        "(SELECT DISTINCT account_id FROM account_words WHERE {range} ORDER BY account_id LIMIT ?1)"
                    ));
                }
                let sql = format!(
                    "SELECT rowid, name, address FROM account_search WHERE rowid IN (
                         SELECT DISTINCT account_id FROM ({}) AS found ORDER BY account_id LIMIT ?1)
                     ORDER BY rowid",
                    firsts.join(" UNION ALL ")
                );
                self.all(&sql, &params, row)
            }
            terms => {
                let Some(terms) = self.expanded(terms)? else { return Ok(Vec::new()) };
                // Every match, then the first by account: ordering by the
                // account's key while filtering is the plan the server
                // favours, and with a street and its type ("quincy st") it
                // read 200,000 rows to find 201.
                self.all(
                    "WITH found AS MATERIALIZED (
                         SELECT rowid, name, address FROM account_search
                         WHERE words @@ CAST(CAST(?1 AS TEXT) AS tsquery))
                     SELECT rowid, name, address FROM found ORDER BY rowid LIMIT ?2",
                    args![tsquery(&terms), limit],
                    row,
                )
            }
        }
    }

    /// `terms` with each prefix that begins at most [`EXPANDED_AT_MOST`]
    /// words replaced by those words (read from `account_words` a word at
    /// a time, in one statement); `None` when some term matches no word.
    fn expanded(&self, terms: &[Vec<Spelling>]) -> Result<Option<Vec<Vec<Spelling>>>> {
        let prefixes: Vec<(String, String)> =
            terms.iter().flatten().filter(|s| s.prefix).map(|s| (s.word.clone(), past_prefix(&s.word))).collect();
        let mut begun: Vec<Vec<String>> = vec![Vec::new(); prefixes.len()];
        if !prefixes.is_empty() {
            let mut params: Vec<&dyn Param> = Vec::new();
            let mut values = Vec::new();
            for (at, (from, to)) in prefixes.iter().enumerate() {
                params.extend([from as &dyn Param, to]);
                values.push(format!("({at}, CAST(?{} AS TEXT), CAST(?{} AS TEXT))", 2 * at + 1, 2 * at + 2));
            }
            let found: Vec<(i64, String)> = self.all(
                &format!(
                    "WITH RECURSIVE prefixes (n, prefix, past) AS (VALUES {}),
                     begun (n, word, steps) AS (
                         SELECT n, (SELECT min(word) FROM account_words WHERE word >= prefix AND word < past), 1
                         FROM prefixes
                         UNION ALL
                         SELECT b.n, (SELECT min(w.word) FROM account_words w WHERE w.word > b.word AND w.word < p.past),
                                b.steps + 1
                         FROM begun b JOIN prefixes p ON p.n = b.n
                         WHERE b.word IS NOT NULL AND b.steps <= {EXPANDED_AT_MOST})
                     SELECT CAST(n AS BIGINT), word FROM begun WHERE word IS NOT NULL",
                    values.join(", ")
                ),
                &params,
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            for (at, word) in found {
                if let Some(words) = usize::try_from(at).ok().and_then(|at| begun.get_mut(at)) {
                    words.push(word);
                }
            }
        }
        let mut begun = begun.into_iter();
        let mut out = Vec::with_capacity(terms.len());
        for spellings in terms {
            let mut now: Vec<Spelling> = Vec::new();
            for spelling in spellings {
                let words = if spelling.prefix { begun.next().unwrap_or_default() } else { Vec::new() };
                if !spelling.prefix || words.len() > EXPANDED_AT_MOST {
                    now.push(spelling.clone());
                    continue;
                }
                for word in words {
                    if !now.iter().any(|s| s.word == word && !s.prefix) {
                        now.push(Spelling { word, prefix: false });
                    }
                }
            }
            if now.is_empty() {
                return Ok(None);
            }
            out.push(now);
        }
        Ok(Some(out))
    }

    fn exact_matches(&self, text: &str) -> Result<Vec<AccountId>> {
        let mut found = Vec::new();
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Ok(found);
        }
        if let Ok(number) = AccountNumber::parse(trimmed) {
            found.extend(
                self.all::<AccountId>("SELECT id FROM accounts WHERE number = ?1", args![number], |r| r.get(0))?,
            );
        }
        let digits = phone_digits(trimmed);
        let only_phone_chars = trimmed.chars().all(|c| c.is_ascii_digit() || " ()-.+".contains(c));
        if only_phone_chars && digits.len() == 10 {
            found.extend(self.all::<AccountId>(
                "SELECT a.id FROM customers c JOIN accounts a ON a.customer_id = c.id
                 WHERE c.phone_digits = ?1
                 ORDER BY CASE a.status WHEN 'active' THEN 0 WHEN 'final' THEN 1 ELSE 2 END, a.id DESC LIMIT 50",
                args![&digits],
                |r| r.get(0),
            )?);
        }
        if !trimmed.contains(char::is_whitespace) {
            // The number in the utility's old system, which customers quote
            // for years after the conversion.
            found.extend(self.all::<AccountId>(
                "SELECT id FROM accounts WHERE legacy_number = ?1",
                args![trimmed],
                |r| r.get(0),
            )?);
            let meter = trimmed.to_uppercase();
            found.extend(self.all::<AccountId>(
                "SELECT account_id FROM services WHERE meter_number = ?1 ORDER BY account_id DESC LIMIT 50",
                args![meter],
                |r| r.get(0),
            )?);
        }
        Ok(found)
    }

    /// The hits for `ids`, in their order, read in one query.
    fn hits(&self, ids: &[(AccountId, bool)]) -> Result<Vec<SearchHit>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = numbered(1, ids.len());
        let params: Vec<&dyn Param> = ids.iter().map(|(id, _)| id as &dyn Param).collect();
        let mut found = self.all(
            &format!(
                "SELECT a.id, a.number, c.name, p.line1, p.line2, p.city, c.phone, s.meter_number, a.status, a.balance_cents
                 FROM accounts a JOIN customers c ON c.id = a.customer_id JOIN premises p ON p.id = a.premise_id
                 JOIN services s ON s.account_id = a.id WHERE a.id IN {list}"
            ),
            &params,
            |r| {
                let line2: Option<String> = r.get(4)?;
                let line1: String = r.get(3)?;
                let city: String = r.get(5)?;
                let service_address = match line2 {
                    Some(unit) => format!("{line1} {unit}, {city}"),
                    None => format!("{line1}, {city}"),
                };
                Ok(SearchHit {
                    account_id: r.get(0)?,
                    number: r.get(1)?,
                    name: r.get(2)?,
                    service_address,
                    phone: r.get(6)?,
                    meter_number: r.get(7)?,
                    status: r.get(8)?,
                    balance: r.get(9)?,
                    exact: false,
                })
            },
        )?;
        let mut hits = Vec::with_capacity(ids.len());
        for (id, exact) in ids {
            if let Some(at) = found.iter().position(|hit| hit.account_id == *id) {
                let mut hit = found.swap_remove(at);
                hit.exact = *exact;
                hits.push(hit);
            }
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tsquery(text: &str) -> Option<String> {
        Typed::of(text).map(|typed| typed.tsquery())
    }

    #[test]
    fn typed_text_becomes_safe_prefix_terms() {
        assert_eq!(fts_query("Smith 41st").as_deref(), Some("\"smith\"* AND \"41st\"*"));
        assert_eq!(
            fts_query("\"o'brien\" AND * NEAR(").as_deref(),
            Some("\"o\" AND \"brien\"* AND \"and\"* AND \"near\"*")
        );
        assert_eq!(fts_query("1055 W").as_deref(), Some("\"1055\"* AND (\"w\" OR \"west\")"));
        assert_eq!(
            fts_query("west 16th street").as_deref(),
            Some("(\"west\"* OR \"w\") AND (\"16th\"* OR \"sixteenth\") AND (\"street\"* OR \"st\" OR \"str\")")
        );
        assert_eq!(fts_query("555-0142").as_deref(), Some("\"5550142\"*"));
        assert_eq!(fts_query("(918) 555-0142").as_deref(), Some("\"9185550142\"*"));
        assert_eq!(fts_query("  ***  ").as_deref(), None);
        assert_eq!(fts_query("José").as_deref(), Some("\"jose\"*"));
    }

    #[test]
    fn postgres_compares_folded_words_by_the_same_rules() {
        assert_eq!(folded_words("José MUÑOZ, 1234 E. 41st St"), " jose munoz 1234 e 41st st ");
        assert_eq!(folded_words(""), " ");
        assert_eq!(tsquery("Smith 41st").as_deref(), Some("'smith':* & '41st':*"));
        assert_eq!(tsquery("1055 W").as_deref(), Some("'1055':* & ('w' | 'west')"));
        assert_eq!(tsquery("(918) 555-0142").as_deref(), Some("'9185550142':*"));
        assert_eq!(tsquery("'; DROP TABLE--%_").as_deref(), Some("'drop':* & 'table':*"));
        assert_eq!(tsquery("sixteenth").as_deref(), Some("('sixteenth':* | '16th')"));
        assert_eq!(tsquery("  ***  "), None);
    }
}

#[cfg(test)]
mod typo_tests {
    use super::*;

    #[test]
    fn words_one_edit_apart_share_a_variant() {
        let shared = |a: &str, b: &str| variants(a).iter().any(|v| variants(b).contains(v));
        assert!(shared("melisa", "melissa"), "a letter missing");
        assert!(shared("harjo", "harja"), "a letter wrong");
        assert!(shared("hrajo", "harjo"), "two letters swapped");
        assert!(shared("mellisa", "melissa"), "a letter moved by one");
        assert!(!shared("harjo", "smith"));
        assert_eq!(variants("anna"), ["anna", "nna", "ana", "ann"]);
    }

    #[test]
    fn the_vocabulary_is_of_letters_only_words_of_four_to_24() {
        let folded = folded_words("Mary-Jo O'Neil, 8309 W 16th Street Apt 2B Schwarzenbergermeisterhausen");
        let words: Vec<&str> = vocabulary(&folded).collect();
        assert_eq!(words, ["mary", "neil", "street"], "from {folded:?}");
        assert!(!words.contains(&"16th") && !words.contains(&"apt"));
        assert_eq!(edits_allowed(5), 1);
        assert_eq!(edits_allowed(7), 2);
    }
}
