//! Luhn (mod 10) check digits. Account numbers carry one so a mistyped digit
//! is caught at the desk; the same test finds card numbers in free text.

/// The Luhn check digit to append to `digits` (ASCII digits only).
pub fn luhn_digit(digits: &str) -> Option<u8> {
    let mut sum = 0u32;
    for (i, c) in digits.bytes().rev().enumerate() {
        if !c.is_ascii_digit() {
            return None;
        }
        let mut d = u32::from(c - b'0');
        // The digit next to the check digit is doubled, then every other one.
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    Some(((10 - sum % 10) % 10) as u8)
}

/// Whether `digits` (check digit last) passes the Luhn test.
pub fn luhn_valid(digits: &str) -> bool {
    match digits.len().checked_sub(1) {
        Some(n) if n > 0 => {
            let (body, check) = digits.split_at(n);
            luhn_digit(body).is_some_and(|d| check.as_bytes()[0] == b'0' + d)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // The classic example from the algorithm's description.
        assert_eq!(luhn_digit("7992739871"), Some(3));
        assert!(luhn_valid("79927398713"));
        assert!(!luhn_valid("79927398710"));
        assert!(luhn_valid("4111111111111111"));
        assert_eq!(luhn_digit("12a"), None);
        assert!(!luhn_valid("7"));
    }

    #[test]
    fn every_single_digit_error_is_caught() {
        let body = "10004217";
        let good = format!("{body}{}", luhn_digit(body).unwrap_or_default());
        for pos in 0..good.len() {
            for d in b'0'..=b'9' {
                let mut bytes = good.clone().into_bytes();
                if bytes[pos] == d {
                    continue;
                }
                bytes[pos] = d;
                let typo = String::from_utf8(bytes).unwrap_or_default();
                assert!(!luhn_valid(&typo), "{typo} passed");
            }
        }
    }
}
