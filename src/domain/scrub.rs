//! Card numbers never reach the database. Free text a person types (notes,
//! reasons, summaries, letters, the audit trail's details) is scrubbed of
//! anything that looks like a payment card number before it is stored; an
//! identifier (a key, a user name, a reference) that holds one is refused.
//!
//! A card number is 13 to 19 digits passing the Luhn check, written however
//! people write it: in groups with any single separator between them
//! (spaces, no-break spaces, dashes, dots, slashes), in full-width or other
//! decimal digits, and often followed by its expiry (`12/29`) and its
//! three- or four-digit code. The whole run of digits from the card's first
//! digit on is removed, expiry and code with it. Digits glued to letters
//! are read too ("VISA4111…"), except inside a hexadecimal digest (a
//! posting's SHA-256 in the audit trail).

use super::check_digit::luhn_valid;

/// What replaces a card number in stored text.
pub const REMOVED: &str = "[card number removed]";

/// The fewest and most digits a card number has.
const CARD_DIGITS: std::ops::RangeInclusive<usize> = 13..=19;

/// The first code point of each block of decimal digits people type
/// (Unicode general category Nd): ASCII, full-width, Arabic-Indic and the
/// Indic and Southeast Asian scripts, and the mathematical digits.
const ZEROS: &[u32] = &[
    0x30, 0xFF10, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6, 0xE50,
    0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50,
    0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6,
];

/// The value of a decimal digit in any of [`ZEROS`]' scripts.
fn digit(c: char) -> Option<u8> {
    if c.is_ascii() {
        return c.is_ascii_digit().then(|| c as u8 - b'0');
    }
    let code = u32::from(c);
    ZEROS.iter().find(|&&zero| (zero..zero + 10).contains(&code)).map(|&zero| (code - zero) as u8)
}

/// A single character that may stand between a card's groups of digits:
/// anything but a letter, a digit or a line break.
fn separator(c: char) -> bool {
    !c.is_alphanumeric() && c != '\n' && c != '\r'
}

/// The most characters that stand between two groups of a card's digits.
const WIDEST_GAP: usize = 3;

/// How many characters at `at` stand between one group of digits and the
/// next, if a group follows: any single separator, or two or three spaces
/// (of any width, tabs too) with at most one dash, point or slash among
/// them ("4111  1111", "4111 - 1111"). A comma with a space ("12, 13") or
/// a line break ends the run: that is a list, not a card.
fn gap(chars: &[char], at: usize) -> Option<usize> {
    for width in 1..=WIDEST_GAP {
        let between = chars.get(at..at + width)?;
        if !between.iter().copied().all(separator) {
            return None;
        }
        if chars.get(at + width).is_some_and(|&next| digit(next).is_some()) {
            let plain = between.iter().all(|&c| c.is_whitespace() || matches!(c, '-' | '.' | '/'))
                && between.iter().filter(|c| !c.is_whitespace()).count() <= 1;
            return (width == 1 || plain).then_some(width);
        }
    }
    None
}

/// Whether the word (letters and digits) around `at` is a hexadecimal
/// digest, 32 characters or more with letters and digits mixed (a SHA-256
/// the desk writes, a hash a person pastes): its digits are not a card.
/// A card glued to letters ("VISA4111…", "…1111exp") is still a card.
fn in_digest(chars: &[char], at: usize) -> Option<usize> {
    let word = |c: &char| c.is_alphanumeric();
    let start = chars[..at].iter().rposition(|c| !word(c)).map_or(0, |p| p + 1);
    let end = chars[at..].iter().position(|c| !word(c)).map_or(chars.len(), |p| at + p);
    let text = &chars[start..end];
    let digest = text.len() >= 32
        && text.iter().all(char::is_ascii_hexdigit)
        && text.iter().any(char::is_ascii_alphabetic)
        && text.iter().any(char::is_ascii_digit);
    digest.then_some(end)
}

/// A group of digits: where it starts and ends (char indices) and its digits.
struct Group {
    start: usize,
    end: usize,
    digits: Vec<u8>,
}

/// Where each card-like run in `chars` starts and ends: the removal's span.
fn card_spans(chars: &[char]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if digit(chars[i]).is_none() {
            i += 1;
            continue;
        }
        if let Some(end) = in_digest(chars, i) {
            i = end;
            continue;
        }
        // Where the run ends: groups of digits with a narrow gap between each.
        let run_end = run_end(chars, i);
        if digit_count(&chars[i..run_end]) < *CARD_DIGITS.start() {
            i = run_end;
            continue;
        }
        let mut groups: Vec<Group> = Vec::new();
        let mut j = i;
        loop {
            let start = j;
            let mut digits = Vec::new();
            while let Some(d) = chars.get(j).copied().and_then(digit) {
                digits.push(d);
                j += 1;
            }
            groups.push(Group { start, end: j, digits });
            match gap(chars, j) {
                Some(width) => j += width,
                None => break,
            }
        }
        debug_assert_eq!(groups.last().map(|g| g.end), Some(run_end));
        if let Some(first) = card_start(&groups) {
            spans.push((groups[first].start, run_end));
        }
        i = run_end;
    }
    spans
}

/// Where the run of digit groups starting at `start` (a digit) ends: after
/// its last digit, groups being joined by a [`gap`] each.
fn run_end(chars: &[char], start: usize) -> usize {
    let mut j = start;
    loop {
        while chars.get(j).is_some_and(|&c| digit(c).is_some()) {
            j += 1;
        }
        match gap(chars, j) {
            Some(width) => j += width,
            None => return j,
        }
    }
}

/// How many digits `chars` holds.
fn digit_count(chars: &[char]) -> usize {
    chars.iter().filter(|&&c| digit(c).is_some()).count()
}

/// The first group a card number starts at: whole groups, in a row, of 13
/// to 19 digits in all, passing the Luhn check.
fn card_start(groups: &[Group]) -> Option<usize> {
    (0..groups.len()).find(|&first| {
        let mut number = String::new();
        for group in &groups[first..] {
            number.extend(group.digits.iter().map(|d| char::from(b'0' + d)));
            if number.len() > *CARD_DIGITS.end() {
                return false;
            }
            if CARD_DIGITS.contains(&number.len()) && luhn_valid(&number) {
                return true;
            }
        }
        false
    })
}

/// `text` with every card-like number (and what follows it in its run of
/// digits) replaced by [`REMOVED`], and how many were found.
pub fn scrub_card_numbers(text: &str) -> (String, usize) {
    if !might_hold_a_card_number(text) {
        return (text.to_string(), 0);
    }
    let chars: Vec<char> = text.chars().collect();
    let spans = card_spans(&chars);
    if spans.is_empty() {
        return (text.to_string(), 0);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for &(start, end) in &spans {
        out.extend(&chars[at..start]);
        out.push_str(REMOVED);
        at = end;
    }
    out.extend(&chars[at..]);
    (out, spans.len())
}

/// Whether `text` holds a card-like number (an identifier that does is refused).
pub fn holds_card_number(text: &str) -> bool {
    might_hold_a_card_number(text) && !card_spans(&text.chars().collect::<Vec<_>>()).is_empty()
}

/// A quick test that lets most text through unread: a card needs 13
/// digits, and any non-ASCII character might be a digit of another script.
fn might_hold_a_card_number(text: &str) -> bool {
    !text.is_ascii() || text.bytes().filter(u8::is_ascii_digit).count() >= *CARD_DIGITS.start()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_numbers_are_removed_however_they_are_written() {
        let r = REMOVED;
        let cases = [
            ("paid with 4111111111111111 today", format!("paid with {r} today")),
            ("card 4111 1111 1111 1111.", format!("card {r}.")),
            ("card 4111-1111-1111-1111", format!("card {r}")),
            ("card 4111.1111.1111.1111 ok", format!("card {r} ok")),
            ("card 4111/1111/1111/1111", format!("card {r}")),
            ("card 4111\u{a0}1111\u{a0}1111\u{a0}1111", format!("card {r}")),
            ("card 4111\u{202f}1111\u{2009}1111 1111", format!("card {r}")),
            ("card ４１１１ １１１１ １１１１ １１１１", format!("card {r}")),
            ("card ٤١١١١١١١١١١١١١١١", format!("card {r}")),
            ("card 4111 1111 1111 1111 12/29 737 please", format!("card {r} please")),
            ("4111111111111111 exp 12/29", format!("{r} exp 12/29")),
            ("card 4111-1111-1111-1111-12-29", format!("card {r}")),
            ("card:4111111111111111,cvv:123", format!("card:{r},cvv:123")),
            ("amex 378282246310005 and visa 4012888888881881", format!("amex {r} and visa {r}")),
            ("amex 3782 822463 10005", format!("amex {r}")),
            ("order 12 then 4111 1111 1111 1111", format!("order 12 then {r}")),
            ("card 4111\t1111\t1111\t1111", format!("card {r}")),
            ("card 4111  1111  1111  1111", format!("card {r}")),
            ("card 4111 - 1111 - 1111 - 1111", format!("card {r}")),
            ("VISA4111111111111111", format!("VISA{r}")),
            ("card 4111 1111 1111 1111exp 12/29", format!("card {r}exp 12/29")),
        ];
        for (text, expected) in cases {
            let count = expected.matches(REMOVED).count();
            assert_eq!(scrub_card_numbers(text), (expected, count), "{text}");
            assert!(holds_card_number(text), "{text}");
        }
    }

    #[test]
    fn other_numbers_are_kept() {
        for text in [
            "account 10000421-7, meter W12345678, phone (918) 555-0142",
            "4111111111111112 fails Luhn",
            "read 123456 on 2026-11-20",
            "1234 5678 9012",
            "paid $1,234.50 on 2026-11-20 at 10:30",
            "postings 12345, 12346, 12347, 12348",
            "readings 468000,  470125,  471200 and 1234 ,5678 ,9012 ,3456",
            "meter W12345678 read 2026-11-20T10:30:00",
            "line one 4111 1111\n1111 1111 across a line break",
            "",
            "ünïcödé text with no digits",
            // Hashes: digits between letters are part of the word.
            "7af747a874c43a99a1ea276c8a4c1390541283411113334bb9afcc9a5dfc6ab73c2c5e",
            "sha256:e3b0c4429811111111111111119afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ] {
            assert_eq!(scrub_card_numbers(text), (text.to_string(), 0), "{text}");
            assert!(!holds_card_number(text), "{text}");
        }
    }
}
