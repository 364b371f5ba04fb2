//! Dates as people and files give them: `YYYY-MM-DD` and nothing else. A
//! two-digit year (`26-01-01`, year 26) or an unpadded month (`2026-2-3`)
//! is refused rather than guessed at, and so is a year outside the span a
//! utility's records can hold.

use chrono::NaiveDate;

/// The earliest and latest years a typed date may have: older records are
/// converted in with their own dates, never typed; later ones are typos.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2099;

/// Why a typed date was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("\"{0}\" is not a date written YYYY-MM-DD, like 2026-03-31")]
    Shape(String),
    #[error("\"{0}\" is not a day of the calendar")]
    NoSuchDay(String),
    #[error("{0} is outside the years {start} to {end}", start = YEARS.start(), end = YEARS.end())]
    OutOfRange(String),
}

/// Parses `YYYY-MM-DD` exactly: four digits, a dash, two, a dash, two.
pub fn parse_day(text: &str) -> Result<NaiveDate, DateError> {
    let text = text.trim();
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shaped {
        return Err(DateError::Shape(text.to_string()));
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| DateError::NoSuchDay(text.to_string()))?;
    use chrono::Datelike;
    if !YEARS.contains(&date.year()) {
        return Err(DateError::OutOfRange(text.to_string()));
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_four_two_two_digits_in_range_are_dates() {
        assert_eq!(parse_day("2026-03-31"), Ok(NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()));
        assert_eq!(parse_day(" 2026-11-02 "), Ok(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()));
        for text in ["26-01-01", "2026-2-3", "2026-02-3", "02/03/2026", "2026/02/03", "20260203", "", "2026-02-03x"] {
            assert_eq!(parse_day(text), Err(DateError::Shape(text.trim().to_string())), "{text}");
        }
        assert!(matches!(parse_day("2026-02-30"), Err(DateError::NoSuchDay(_))));
        assert!(matches!(parse_day("1899-12-31"), Err(DateError::OutOfRange(_))));
        assert!(matches!(parse_day("2100-01-01"), Err(DateError::OutOfRange(_))));
        assert!(parse_day("1900-01-01").is_ok(), "the span's edge is a date; an action may still refuse it");
        assert_eq!(
            parse_day("2026-2-3").unwrap_err().to_string(),
            "\"2026-2-3\" is not a date written YYYY-MM-DD, like 2026-03-31"
        );
    }
}
