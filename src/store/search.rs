//! Account search: exact number, phone and meter matches first, then the
//! full-text index (prefix, case- and accent-insensitive, any word order).

use super::sql::{Engine, Param, args};

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
    let trimmed = text.trim();
    let phone_like = trimmed.chars().any(|c| c.is_ascii_digit())
        && trimmed.chars().all(|c| c.is_ascii_digit() || " ()-.+".contains(c))
        && trimmed.chars().filter(char::is_ascii_digit).count() >= 7;
    if phone_like {
        let digits = crate::domain::account::phone_digits(trimmed);
        return Some(format!("\"{digits}\"*"));
    }
    let term = |word: &str| if word.chars().count() == 1 { format!("\"{word}\"") } else { format!("\"{word}\"*") };
    let terms: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_TERMS)
        .map(|w| {
            // "west" or "W", "Sixteenth" or "16th": any way it is written.
            let spellings = address_spellings(&w.to_lowercase());
            match spellings.as_slice() {
                [word] => term(word),
                _ => format!("({})", spellings.iter().map(|s| term(s)).collect::<Vec<_>>().join(" OR ")),
            }
        })
        .collect();
    // FTS5 takes a parenthesised group only with an explicit AND.
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

/// Text as a search index compares it: lower case, accents removed (as
/// FTS5's `remove_diacritics`), every run of other than letters and digits
/// one space, with a space before and after, so that `LIKE '% smi%'` is a
/// word prefix and `LIKE '% w %'` a whole word. For PostgreSQL's index.
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

/// The `LIKE` patterns for what a person typed, by the rules of
/// [`fts_query`]: a word prefix each, a single character a whole word,
/// phone-like text one run of digits. For PostgreSQL's index.
fn like_patterns(text: &str) -> Vec<Vec<String>> {
    let trimmed = text.trim();
    let phone_like = trimmed.chars().any(|c| c.is_ascii_digit())
        && trimmed.chars().all(|c| c.is_ascii_digit() || " ()-.+".contains(c))
        && trimmed.chars().filter(char::is_ascii_digit).count() >= 7;
    if phone_like {
        return vec![vec![format!("% {}%", phone_digits(trimmed))]];
    }
    let pattern = |word: &str| if word.chars().count() == 1 { format!("% {word} %") } else { format!("% {word}%") };
    folded_words(text)
        .split_whitespace()
        .take(MAX_TERMS)
        .map(|word| address_spellings(word).iter().map(|w| pattern(w)).collect())
        .collect()
}

/// Above this many matches a query is too broad to rank: the first matches
/// are shown unranked and the person narrows it.
const RANK_AT_MOST: usize = 200;

impl Db<'_> {
    /// Finds accounts for what a person typed. Never fails on odd input.
    pub fn search(&self, text: &str) -> Result<Vec<SearchHit>> {
        // A NUL is no part of anything searched (and PostgreSQL's text
        // cannot hold one).
        let text = &text.replace('\0', "");
        let mut ids: Vec<(AccountId, bool)> = Vec::new();
        for id in self.exact_matches(text)? {
            if !ids.iter().any(|(i, _)| *i == id) {
                ids.push((id, true));
            }
        }
        // A number that matched exactly (account, phone, meter) is what the
        // person meant: full-text matches on its digit groups add only noise.
        let exact_identifier = !ids.is_empty()
            && text.split_whitespace().count() <= 3
            && text.chars().filter(char::is_ascii_digit).count() >= 7;
        let found = match self.engine() {
            _ if exact_identifier => Vec::new(),
            Engine::Sqlite => self.search_fts(text)?,
            Engine::Postgres => self.search_words(text)?,
        };
        for id in found {
            if ids.len() >= MAX_RESULTS {
                break;
            }
            if !ids.iter().any(|(i, _)| *i == id) {
                ids.push((id, false));
            }
        }
        ids.truncate(MAX_RESULTS);
        self.hits(&ids)
    }

    /// SQLite: the FTS5 index, ranked unless the query is too broad.
    fn search_fts(&self, text: &str) -> Result<Vec<AccountId>> {
        let Some(query) = fts_query(text) else { return Ok(Vec::new()) };
        {
            let broad: usize = self.one(
                "SELECT count(*) FROM (SELECT rowid FROM account_search WHERE account_search MATCH ?1 LIMIT ?2)",
                args![query, RANK_AT_MOST + 1],
                |r| r.get(0),
            )?;
            let sql = if broad > RANK_AT_MOST {
                "SELECT rowid FROM account_search WHERE account_search MATCH ?1 LIMIT ?2"
            } else {
                "SELECT rowid FROM account_search WHERE account_search MATCH ?1 ORDER BY rank LIMIT ?2"
            };
            self.all(sql, args![query, MAX_RESULTS], |r| r.get::<AccountId>(0))
        }
    }

    /// PostgreSQL: every typed word a word prefix of one of the account's
    /// columns (the trigram indexes serve each `LIKE`), the names most like
    /// what was typed first.
    fn search_words(&self, text: &str) -> Result<Vec<AccountId>> {
        let patterns = like_patterns(text);
        if patterns.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = String::from("SELECT rowid FROM account_search WHERE ");
        let mut params: Vec<&dyn Param> = Vec::new();
        for (term, spellings) in patterns.iter().enumerate() {
            if term > 0 {
                sql.push_str(" AND ");
            }
            let mut any = Vec::new();
            for spelling in spellings {
                params.push(spelling);
                let at = params.len();
                any.push(format!(
                    "name LIKE ?{at} OR address LIKE ?{at} OR number LIKE ?{at} OR phone LIKE ?{at} OR meter LIKE ?{at}"
                ));
            }
            sql.push_str(&format!("({})", any.join(" OR ")));
        }
        let (typed, limit) = (params.len() + 1, params.len() + 2);
        sql.push_str(&format!(" ORDER BY similarity(name, ?{typed}) DESC, rowid LIMIT ?{limit}"));
        let typed = folded_words(text);
        params.push(&typed);
        params.push(&MAX_RESULTS);
        self.all(&sql, &params, |r| r.get::<AccountId>(0))
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

    fn hits(&self, ids: &[(AccountId, bool)]) -> Result<Vec<SearchHit>> {
        const HIT: &str = "SELECT a.id, a.number, c.name, p.line1, p.line2, p.city, c.phone, s.meter_number, a.status, a.balance_cents
             FROM accounts a JOIN customers c ON c.id = a.customer_id JOIN premises p ON p.id = a.premise_id
             JOIN services s ON s.account_id = a.id WHERE a.id = ?1";
        let mut hits = Vec::with_capacity(ids.len());
        for (id, exact) in ids {
            let hit = self.optional(HIT, args![id], |r| {
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
                    exact: *exact,
                })
            })?;
            hits.extend(hit);
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_becomes_safe_prefix_terms() {
        assert_eq!(fts_query("Smith 41st").as_deref(), Some("\"smith\"* AND \"41st\"*"));
        assert_eq!(
            fts_query("\"o'brien\" AND * NEAR(").as_deref(),
            Some("\"o\" AND \"brien\"* AND \"and\"* AND \"near\"*")
        );
        assert_eq!(fts_query("1055 W").as_deref(), Some("\"1055\"* AND (\"w\" OR \"west\"*)"));
        assert_eq!(
            fts_query("west 16th street").as_deref(),
            Some("(\"west\"* OR \"w\") AND (\"16th\"* OR \"sixteenth\"*) AND (\"street\"* OR \"st\"* OR \"str\"*)")
        );
        assert_eq!(fts_query("555-0142").as_deref(), Some("\"5550142\"*"));
        assert_eq!(fts_query("(918) 555-0142").as_deref(), Some("\"9185550142\"*"));
        assert_eq!(fts_query("  ***  ").as_deref(), None);
        assert_eq!(fts_query("José").as_deref(), Some("\"josé\"*"));
    }

    #[test]
    fn postgres_compares_folded_words_by_the_same_rules() {
        assert_eq!(folded_words("José MUÑOZ, 1234 E. 41st St"), " jose munoz 1234 e 41st st ");
        assert_eq!(folded_words(""), " ");
        assert_eq!(like_patterns("Smith 41st"), [vec!["% smith%"], vec!["% 41st%"]]);
        assert_eq!(like_patterns("1055 W"), [vec!["% 1055%"], vec!["% w %", "% west%"]]);
        assert_eq!(like_patterns("(918) 555-0142"), [vec!["% 9185550142%"]]);
        assert_eq!(like_patterns("'; DROP TABLE--%_"), [vec!["% drop%"], vec!["% table%"]]);
        assert_eq!(like_patterns("sixteenth"), [vec!["% sixteenth%", "% 16th%"]]);
        assert!(like_patterns("  ***  ").is_empty());
    }
}
