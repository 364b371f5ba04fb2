//! The search benches' queries: what a representative types, taken from
//! real accounts of the bench database (names, addresses, account, phone
//! and meter numbers), and what callers say instead (a name with a letter
//! wrong, an address spelled out).

use utility_desk::desk::Desk;
use utility_desk::domain::ids::AccountId;

use super::Rng;

/// What a person would type without looking anything up.
const FIXED: &[(Kind, &str)] = &[
    (Kind::Name, "smi"),
    (Kind::Name, "john sm"),
    (Kind::Name, "garc"),
    (Kind::Address, "41st"),
    (Kind::Address, "peoria ave"),
    (Kind::Address, "1234 e"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Name,
    Address,
    Account,
    Phone,
    Meter,
    /// The whole name, a letter of the last name wrong, swapped or missing
    /// ("harjo melisa", "mellisa harjo").
    Typo,
    /// The house number and street as said aloud ("8309 west sixteenth
    /// street" for "8309 W 16th St").
    SpelledOut,
}

pub const KINDS: [Kind; 7] =
    [Kind::Name, Kind::Address, Kind::Account, Kind::Phone, Kind::Meter, Kind::Typo, Kind::SpelledOut];

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Name => "name prefix",
            Kind::Address => "address fragment",
            Kind::Account => "account number",
            Kind::Phone => "phone number",
            Kind::Meter => "meter number",
            Kind::Typo => "name with a typo",
            Kind::SpelledOut => "address spelled out",
        }
    }

    /// Whether the account the query was taken from must be among the hits.
    pub fn names_its_account(self) -> bool {
        !matches!(self, Kind::Name | Kind::Address)
    }

    pub fn index(self) -> usize {
        KINDS.iter().position(|k| *k == self).unwrap_or(0)
    }
}

pub struct Query {
    pub kind: Kind,
    pub text: String,
    /// The account the text was taken from, if it must be found.
    pub expect: Option<AccountId>,
}

/// What the query samples were taken from.
struct Sample {
    id: AccountId,
    name: String,
    line1: String,
    number: String,
    phone: Option<String>,
    meter: String,
}

/// `per_kind` queries of each kind from accounts `first..=last` of `desk`,
/// mixed as a representative's morning mixes them.
pub fn queries(desk: &mut Desk, first: i64, last: i64, per_kind: usize, rng: &mut Rng) -> Vec<Query> {
    let now = chrono::Utc::now();
    let span = (last - first + 1) as u64;
    let samples: Vec<Sample> = rng
        .distinct(span, per_kind.max(50))
        .into_iter()
        .map(|offset| {
            let id = AccountId(first + offset as i64 - 1);
            let row = desk.overview(id, now).expect("overview of a sampled account").account;
            Sample {
                id,
                name: row.customer.name,
                line1: row.premise.address.line1,
                number: row.account.number.to_string(),
                phone: row.customer.phone,
                meter: row.services.meter_number,
            }
        })
        .collect();

    let mut queries: Vec<Query> = Vec::new();
    for kind in KINDS {
        let fixed = FIXED.iter().filter(|(k, _)| *k == kind).map(|(_, t)| t.to_string());
        let mut texts: Vec<(String, Option<AccountId>)> = fixed.map(|t| (t, None)).collect();
        let mut i = 0;
        while texts.len() < per_kind {
            let s = &samples[i % samples.len()];
            let form = i / samples.len() + i;
            i += 1;
            texts.push(match kind {
                Kind::Name => (name_query(&s.name, form), None),
                Kind::Address => (address_query(&s.line1, form), None),
                Kind::Account => {
                    let text = if form.is_multiple_of(2) { s.number.clone() } else { s.number.replace('-', "") };
                    (text, Some(s.id))
                }
                Kind::Phone => {
                    let Some(phone) = s.phone.clone() else { continue };
                    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
                    let text = match form % 3 {
                        0 => phone,
                        1 if digits.len() == 10 => format!("{}-{}-{}", &digits[..3], &digits[3..6], &digits[6..]),
                        _ => digits,
                    };
                    (text, Some(s.id))
                }
                Kind::Meter => {
                    let text = if form.is_multiple_of(2) { s.meter.clone() } else { s.meter.to_lowercase() };
                    (text, Some(s.id))
                }
                Kind::Typo => match typo_query(&s.name, form) {
                    Some(text) => (text, Some(s.id)),
                    None => continue,
                },
                Kind::SpelledOut => (spelled_out(&s.line1), Some(s.id)),
            });
        }
        queries.extend(texts.into_iter().map(|(text, expect)| Query { kind, text, expect }));
    }
    for i in (1..queries.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        queries.swap(i, j);
    }
    queries
}

/// "smi", "john sm", "garcía": how people start typing a name.
fn name_query(name: &str, form: usize) -> String {
    let lower = name.to_lowercase();
    let mut words = lower.split_whitespace();
    let first = words.next().unwrap_or_default();
    let last = words.last().unwrap_or(first);
    let prefix = |w: &str, n: usize| w.chars().take(n).collect::<String>();
    match form % 4 {
        0 => prefix(last, 3),
        1 => format!("{first} {}", prefix(last, 2)),
        2 => prefix(last, 4),
        _ => format!("{} {last}", prefix(first, 3)),
    }
}

/// "41st", "peoria ave", "1234 e": fragments of a service address.
fn address_query(line1: &str, form: usize) -> String {
    let lower = line1.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    // "1234 e peoria ave" or "1234 n 41st st".
    let (number, direction) = (words.first().copied().unwrap_or_default(), words.get(1).copied().unwrap_or_default());
    let street = words.get(2).copied().unwrap_or_default();
    let kind = words.get(3).copied().unwrap_or_default();
    match form % 3 {
        0 => format!("{street} {kind}"),
        1 => format!("{number} {direction}"),
        _ if street.starts_with(|c: char| c.is_ascii_digit()) => street.to_string(),
        _ => format!("{number} {street}"),
    }
}

/// The first and last name, in either order, with one letter of the last
/// name (of five letters or more, not its first) swapped with the next,
/// dropped or doubled: "melissa hajro", "harj melissa", "harrjo melissa".
/// `None` for a last name too short to mistype.
fn typo_query(name: &str, form: usize) -> Option<String> {
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let (first, last) = (*words.first()?, *words.last()?);
    let letters: Vec<char> = last.chars().collect();
    if words.len() < 2 || letters.len() < 5 || !letters.iter().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    // Not the first letter: callers rarely get that wrong.
    let at = 1 + form % (letters.len() - 2);
    let mut wrong = letters.clone();
    match form % 3 {
        0 => wrong.swap(at, at + 1),
        1 => {
            wrong.remove(at);
        }
        _ => wrong.insert(at, letters[at]),
    }
    if wrong == letters {
        // A swap of two equal letters: drop one instead.
        wrong.remove(at);
    }
    let wrong: String = wrong.into_iter().collect();
    Some(if form.is_multiple_of(2) { format!("{first} {wrong}") } else { format!("{wrong} {first}") })
}

/// "8309 W 16th St" as said aloud: "8309 west sixteenth street".
fn spelled_out(line1: &str) -> String {
    const SAID: &[(&str, &str)] = &[
        ("n", "north"),
        ("s", "south"),
        ("e", "east"),
        ("w", "west"),
        ("st", "street"),
        ("ave", "avenue"),
        ("pl", "place"),
        ("dr", "drive"),
        ("ct", "court"),
        ("ln", "lane"),
        ("blvd", "boulevard"),
        ("1st", "first"),
        ("2nd", "second"),
        ("3rd", "third"),
        ("4th", "fourth"),
        ("5th", "fifth"),
        ("6th", "sixth"),
        ("7th", "seventh"),
        ("8th", "eighth"),
        ("9th", "ninth"),
        ("10th", "tenth"),
        ("11th", "eleventh"),
        ("12th", "twelfth"),
        ("13th", "thirteenth"),
        ("14th", "fourteenth"),
        ("15th", "fifteenth"),
        ("16th", "sixteenth"),
        ("17th", "seventeenth"),
        ("18th", "eighteenth"),
        ("19th", "nineteenth"),
        ("20th", "twentieth"),
    ];
    line1
        .to_lowercase()
        .split_whitespace()
        .map(|w| SAID.iter().find(|(short, _)| *short == w).map_or(w, |(_, long)| long).to_string())
        .collect::<Vec<_>>()
        .join(" ")
}
