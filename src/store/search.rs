//! Account search: exact number, phone and meter matches first, then the
//! full-text index (prefix, case- and accent-insensitive, any word order).

use super::sql::args;

use super::{Db, Result};
use crate::domain::account::phone_digits;
use crate::domain::ids::{AccountId, AccountNumber};
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
    let terms: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_TERMS)
        .map(|w| {
            let word = w.to_lowercase();
            if word.chars().count() == 1 { format!("\"{word}\"") } else { format!("\"{word}\"*") }
        })
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// Above this many matches a query is too broad to rank: the first matches
/// are shown unranked and the person narrows it.
const RANK_AT_MOST: usize = 200;

impl Db<'_> {
    /// Finds accounts for what a person typed. Never fails on odd input.
    pub fn search(&self, text: &str) -> Result<Vec<SearchHit>> {
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
        if let Some(query) = fts_query(text).filter(|_| !exact_identifier) {
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
            let found = self.all(sql, args![query, MAX_RESULTS], |r| r.get::<AccountId>(0))?;
            for id in found {
                if ids.len() >= MAX_RESULTS {
                    break;
                }
                if !ids.iter().any(|(i, _)| *i == id) {
                    ids.push((id, false));
                }
            }
        }
        ids.truncate(MAX_RESULTS);
        self.hits(&ids)
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
        assert_eq!(fts_query("Smith 41st").as_deref(), Some("\"smith\"* \"41st\"*"));
        assert_eq!(fts_query("\"o'brien\" AND * NEAR(").as_deref(), Some("\"o\" \"brien\"* \"and\"* \"near\"*"));
        assert_eq!(fts_query("1055 W").as_deref(), Some("\"1055\"* \"w\""));
        assert_eq!(fts_query("555-0142").as_deref(), Some("\"5550142\"*"));
        assert_eq!(fts_query("(918) 555-0142").as_deref(), Some("\"9185550142\"*"));
        assert_eq!(fts_query("  ***  ").as_deref(), None);
        assert_eq!(fts_query("José").as_deref(), Some("\"josé\"*"));
    }
}
