//! Card numbers never reach the database: free text a person types (notes,
//! reasons) is scrubbed of anything that looks like a payment card number —
//! 13 to 19 digits, spaces or dashes allowed between them, passing the Luhn
//! check — before it is stored.

use super::check_digit::luhn_valid;

/// What replaces a card number in stored text.
pub const REMOVED: &str = "[card number removed]";

/// `text` with every card-like number replaced, and how many were found.
pub fn scrub_card_numbers(text: &str) -> (String, usize) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut found = 0;
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_digit()) {
            // The longest run of digits with single spaces or dashes between them.
            let mut end = i;
            let mut digits = String::new();
            let mut j = i;
            while j < chars.len() {
                if chars[j].is_ascii_digit() {
                    digits.push(chars[j]);
                    end = j + 1;
                    j += 1;
                } else if matches!(chars[j], ' ' | '-') && chars.get(j + 1).is_some_and(char::is_ascii_digit) {
                    j += 1;
                } else {
                    break;
                }
            }
            if let Some(len) = card_prefix(&digits) {
                // Find where the card's digits end in the original text.
                let mut seen = 0;
                let mut k = i;
                while k < end && seen < len {
                    if chars[k].is_ascii_digit() {
                        seen += 1;
                    }
                    k += 1;
                }
                out.push_str(REMOVED);
                found += 1;
                i = k;
                continue;
            }
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    (out, found)
}

/// The length of a card number at the start of `digits` (a whole run of
/// 13 to 19 digits passing Luhn), if there is one.
fn card_prefix(digits: &str) -> Option<usize> {
    ((13..=19).contains(&digits.len()) && luhn_valid(digits)).then_some(digits.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_numbers_are_removed_however_they_are_written() {
        let cases = [
            ("paid with 4111111111111111 today", "paid with [card number removed] today", 1),
            ("card 4111 1111 1111 1111.", "card [card number removed].", 1),
            ("card 4111-1111-1111-1111", "card [card number removed]", 1),
            (
                "amex 378282246310005 and visa 4012888888881881",
                "amex [card number removed] and visa [card number removed]",
                2,
            ),
        ];
        for (text, expected, count) in cases {
            assert_eq!(scrub_card_numbers(text), (expected.to_string(), count), "{text}");
        }
    }

    #[test]
    fn other_numbers_are_kept() {
        for text in [
            "account 10000421-7, meter W12345678, phone (918) 555-0142",
            "4111111111111112 fails Luhn",
            "read 123456 on 2026-11-20",
            "1234 5678 9012",
            "",
        ] {
            assert_eq!(scrub_card_numbers(text), (text.to_string(), 0), "{text}");
        }
    }
}
