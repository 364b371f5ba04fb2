//! Whether an address as a customer says it is the account's service
//! address: case, punctuation and spacing do not matter, nor the long or
//! short form of street types and directions ("South Peoria Avenue" is
//! "S Peoria Ave"); the street type may be left off, and the city, state,
//! ZIP and unit may follow. The house number and street name must agree.

use crate::domain::account::Address;

/// Long forms and their postal abbreviations (USPS Publication 28, the
/// ones a Tulsa desk hears).
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("street", "st"),
    ("str", "st"),
    ("avenue", "ave"),
    ("av", "ave"),
    ("road", "rd"),
    ("drive", "dr"),
    ("boulevard", "blvd"),
    ("lane", "ln"),
    ("place", "pl"),
    ("court", "ct"),
    ("circle", "cir"),
    ("parkway", "pkwy"),
    ("highway", "hwy"),
    ("terrace", "ter"),
    ("trail", "trl"),
    ("expressway", "expy"),
    ("north", "n"),
    ("south", "s"),
    ("east", "e"),
    ("west", "w"),
    ("northeast", "ne"),
    ("northwest", "nw"),
    ("southeast", "se"),
    ("southwest", "sw"),
    ("apartment", "apt"),
    ("unit", "apt"),
    ("suite", "apt"),
    ("ste", "apt"),
    ("oklahoma", "ok"),
];

/// Ordinal street names spelled out, and as written on the map.
const ORDINALS: &[(&str, &str)] = &[
    ("first", "1st"),
    ("second", "2nd"),
    ("third", "3rd"),
    ("fourth", "4th"),
    ("fifth", "5th"),
    ("sixth", "6th"),
    ("seventh", "7th"),
    ("eighth", "8th"),
    ("ninth", "9th"),
    ("tenth", "10th"),
    ("eleventh", "11th"),
    ("twelfth", "12th"),
    ("thirteenth", "13th"),
    ("fourteenth", "14th"),
    ("fifteenth", "15th"),
    ("sixteenth", "16th"),
    ("seventeenth", "17th"),
    ("eighteenth", "18th"),
    ("nineteenth", "19th"),
    ("twentieth", "20th"),
    ("thirtieth", "30th"),
    ("fortieth", "40th"),
    ("fiftieth", "50th"),
];

/// The ways a typed word may be written in an address, for search: the word
/// itself, its postal abbreviation and every long form of that
/// abbreviation ("west", "w"; "street", "st", "str"), an ordinal in words
/// and in figures ("sixteenth", "16th"). Lower-case words in; the first is
/// the word as typed.
pub fn address_spellings(word: &str) -> Vec<String> {
    let short = ABBREVIATIONS.iter().chain(ORDINALS).find(|(long, _)| *long == word).map_or(word, |(_, short)| short);
    let mut spellings = vec![word.to_string()];
    let mut add = |w: &str| {
        if !spellings.iter().any(|s| s == w) {
            spellings.push(w.to_string());
        }
    };
    add(short);
    for (long, abbreviated) in ABBREVIATIONS.iter().chain(ORDINALS) {
        if *abbreviated == short {
            add(long);
        }
    }
    spellings
}

/// Street types a person may leave off ("123 S Peoria" for "123 S Peoria Ave").
const STREET_TYPES: &[&str] =
    &["st", "ave", "rd", "dr", "blvd", "ln", "pl", "ct", "cir", "pkwy", "hwy", "ter", "trl", "expy", "way"];

/// The address as comparable words: lower case, punctuation gone, long
/// forms abbreviated, "#4" as "apt 4".
pub fn normalize_address(text: &str) -> Vec<String> {
    let mut spaced = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '#' => spaced.push_str(" apt "),
            // "O'Brien" is "OBrien", "S." is "S".
            '\'' | '’' | '.' => {}
            c if c.is_alphanumeric() => spaced.extend(c.to_lowercase()),
            _ => spaced.push(' '),
        }
    }
    let mut words: Vec<String> = Vec::new();
    for word in spaced.split_whitespace() {
        let word = ABBREVIATIONS.iter().find(|(long, _)| *long == word).map_or(word, |(_, short)| short);
        // "Apt #4" says apartment twice.
        if word == "apt" && words.last().is_some_and(|w| w == "apt") {
            continue;
        }
        words.push(word.to_string());
    }
    words
}

/// Whether `typed` names the premise at `address` (see the module's note).
pub fn address_matches(typed: &str, address: &Address) -> bool {
    let typed = normalize_address(typed);
    let line1 = normalize_address(&address.line1);
    if line1.is_empty() {
        return false;
    }
    let mut at = 0;
    for word in &line1 {
        if typed.get(at) == Some(word) {
            at += 1;
        } else if !STREET_TYPES.contains(&word.as_str()) {
            return false;
        }
    }
    if at == 0 {
        return false;
    }
    // What follows the street may only be the premise's unit, city, state and ZIP.
    let zip = normalize_address(&address.zip);
    let mut allowed = normalize_address(address.line2.as_deref().unwrap_or(""));
    allowed.extend(normalize_address(&address.city));
    allowed.extend(normalize_address(&address.state));
    allowed.extend(zip.iter().cloned());
    let rest = &typed[at..];
    rest.iter().enumerate().all(|(i, word)| {
        allowed.contains(word)
            // ZIP+4: four digits right after the premise's ZIP.
            || (word.len() == 4
                && word.bytes().all(|b| b.is_ascii_digit())
                && i > 0
                && zip.first() == rest.get(i - 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn premise(line1: &str, line2: Option<&str>) -> Address {
        Address {
            line1: line1.into(),
            line2: line2.map(str::to_string),
            city: "Tulsa".into(),
            state: "OK".into(),
            zip: "74103".into(),
        }
    }

    #[test]
    fn the_same_address_said_differently_matches() {
        let peoria = premise("101 S Peoria Ave", None);
        for typed in [
            "101 S Peoria Ave",
            "101 s. peoria ave.",
            "101 South Peoria Avenue",
            "  101   SOUTH  PEORIA   AV ",
            "101 S Peoria",
            "101 S Peoria Ave, Tulsa, OK 74103",
            "101 S Peoria Ave Tulsa Oklahoma 74103-1234",
        ] {
            assert!(address_matches(typed, &peoria), "{typed}");
        }
        let unit = premise("2400 E 41st St", Some("Apt 4"));
        for typed in ["2400 East 41st Street #4", "2400 E 41st St Apt. 4", "2400 E. 41st Street, Apartment 4, Tulsa"] {
            assert!(address_matches(typed, &unit), "{typed}");
        }
    }

    #[test]
    fn a_different_address_does_not() {
        let peoria = premise("101 S Peoria Ave", None);
        for typed in [
            "103 S Peoria Ave",
            "101 N Peoria Ave",
            "101 S Peoria St",
            "101 S Lewis Ave",
            "101 Peoria Ave",
            "101 S Peoria Ave, Broken Arrow",
            "101 S Peoria Ave 74012",
            "S Peoria Ave",
            "",
        ] {
            assert!(!address_matches(typed, &peoria), "{typed}");
        }
        assert!(!address_matches("2400 E 41st St #5", &premise("2400 E 41st St", Some("Apt 4"))));
    }

    #[test]
    fn normalizing_abbreviates_and_drops_punctuation() {
        assert_eq!(normalize_address("1 O'Brien Blvd., Suite #200"), ["1", "obrien", "blvd", "apt", "200"]);
        assert_eq!(normalize_address("12 North-West Road"), ["12", "n", "w", "rd"]);
    }
}
