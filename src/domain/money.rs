//! Money as integer cents. Parsing of amounts typed by a person is strict:
//! every refusal says why, so the person can correct it.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// The largest amount any single ledger line may carry: $10,000,000.00.
/// Larger figures are typing errors at a customer desk, never real charges.
pub const MAX_LINE_CENTS: i64 = 1_000_000_000;

/// A signed amount of money in cents. Direction in the ledger comes from the
/// debit or credit side; a signed `Money` is for balances and differences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(i64);

/// Why a typed amount was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("enter an amount, for example 12.34")]
    Empty,
    #[error("amounts cannot be negative: enter the amount without a minus sign")]
    Negative,
    #[error("\"{0}\" is not an amount: use digits with at most two decimals, for example 1,234.50")]
    NotANumber(String),
    #[error("amounts have at most two decimals (cents): \"{0}\"")]
    TooManyDecimals(String),
    #[error("thousands separators must group three digits: \"{0}\"")]
    BadGrouping(String),
    #[error("the amount must be more than $0.00")]
    Zero,
    #[error("{0} is above the largest amount accepted ($10,000,000.00)")]
    TooLarge(String),
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_cents(cents: i64) -> Money {
        Money(cents)
    }

    pub const fn cents(self) -> i64 {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn abs(self) -> Money {
        Money(self.0.abs())
    }

    pub fn min(self, other: Money) -> Money {
        Money(self.0.min(other.0))
    }

    pub fn max(self, other: Money) -> Money {
        Money(self.0.max(other.0))
    }

    /// The amount as an exact decimal number of dollars.
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// Rounds a decimal dollar figure to cents by `strategy`. Returns `None`
    /// when the result does not fit (never the case for real bills).
    pub fn from_decimal(dollars: Decimal, strategy: RoundingStrategy) -> Option<Money> {
        let rounded = dollars.round_dp_with_strategy(2, strategy);
        let cents = rounded.checked_mul(Decimal::ONE_HUNDRED)?;
        i64::try_from(cents).ok().map(Money)
    }

    /// Parses an amount a person typed: "12.34", "12", "$1,234.50", " 7.5 ".
    /// Refuses empty text, signs, exponents, more than two decimals, bad
    /// grouping, zero and anything at or above the line cap.
    pub fn parse(text: &str) -> Result<Money, AmountError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(AmountError::Empty);
        }
        if trimmed.starts_with('-') || trimmed.starts_with("$-") || trimmed.starts_with('(') {
            return Err(AmountError::Negative);
        }
        let body = trimmed.strip_prefix('$').unwrap_or(trimmed).trim_start();
        let not_a_number = || AmountError::NotANumber(trimmed.to_string());
        let (whole, fraction) = match body.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (body, None),
        };
        // A point must have digits after it ("7." is a figure cut short).
        if fraction.is_some_and(str::is_empty) || whole.is_empty() && fraction.is_none() {
            return Err(not_a_number());
        }
        if !whole.chars().all(|c| c.is_ascii_digit() || c == ',') {
            return Err(not_a_number());
        }
        if whole.contains(',') {
            let mut groups = whole.split(',');
            let first = groups.next().unwrap_or_default();
            let grouped = (1..=3).contains(&first.len()) && groups.all(|g| g.len() == 3);
            if !grouped {
                return Err(AmountError::BadGrouping(trimmed.to_string()));
            }
        }
        let digits: String = whole.chars().filter(char::is_ascii_digit).collect();
        let fraction = fraction.unwrap_or("");
        if !fraction.chars().all(|c| c.is_ascii_digit()) {
            return Err(not_a_number());
        }
        if fraction.len() > 2 {
            return Err(AmountError::TooManyDecimals(trimmed.to_string()));
        }
        let too_large = || AmountError::TooLarge(trimmed.to_string());
        // Length guard before arithmetic so a thousand digits cannot overflow.
        if digits.trim_start_matches('0').len() > 12 {
            return Err(too_large());
        }
        let dollars: i64 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| not_a_number())? };
        let cents_part: i64 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<i64>().map_err(|_| not_a_number())? * 10,
            _ => fraction.parse().map_err(|_| not_a_number())?,
        };
        let cents = dollars.checked_mul(100).and_then(|d| d.checked_add(cents_part)).ok_or_else(too_large)?;
        if cents == 0 {
            return Err(AmountError::Zero);
        }
        if cents > MAX_LINE_CENTS {
            return Err(too_large());
        }
        Ok(Money(cents))
    }

    /// Plain figure with two decimals and no symbol or grouping: "-1234.50".
    /// This is the form used in files other programs read (CSV, journals).
    pub fn plain(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// "$1,234.50", "-$12.00": the form a person reads.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let dollars = (abs / 100).to_string();
        let mut grouped = String::with_capacity(dollars.len() + dollars.len() / 3);
        for (i, c) in dollars.chars().enumerate() {
            if i > 0 && (dollars.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let text = format!("{sign}${grouped}.{:02}", abs % 100);
        f.pad(&text)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        self.0 -= rhs.0;
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_amounts() {
        let cases = [
            ("12.34", 1234),
            ("12", 1200),
            ("$1,234.50", 123_450),
            (" 7.5 ", 750),
            (".99", 99),
            ("0.01", 1),
            ("$ 3", 300),
            ("1,000,000", 100_000_000),
            ("10000000.00", MAX_LINE_CENTS),
        ];
        for (text, cents) in cases {
            assert_eq!(Money::parse(text), Ok(Money::from_cents(cents)), "{text}");
        }
    }

    #[test]
    fn refused_amounts_say_why() {
        type Expect = fn(&AmountError) -> bool;
        let cases: [(&str, Expect); 22] = [
            ("", |e| matches!(e, AmountError::Empty)),
            ("   ", |e| matches!(e, AmountError::Empty)),
            ("12.345", |e| matches!(e, AmountError::TooManyDecimals(_))),
            ("-5", |e| matches!(e, AmountError::Negative)),
            ("$-5", |e| matches!(e, AmountError::Negative)),
            ("1e3", |e| matches!(e, AmountError::NotANumber(_))),
            ("abc", |e| matches!(e, AmountError::NotANumber(_))),
            ("12.3.4", |e| matches!(e, AmountError::NotANumber(_))),
            (".", |e| matches!(e, AmountError::NotANumber(_))),
            ("7.", |e| matches!(e, AmountError::NotANumber(_))),
            ("1.000,00", |e| matches!(e, AmountError::NotANumber(_))),
            ("1 000", |e| matches!(e, AmountError::NotANumber(_))),
            ("USD 5", |e| matches!(e, AmountError::NotANumber(_))),
            ("5$", |e| matches!(e, AmountError::NotANumber(_))),
            ("$$5", |e| matches!(e, AmountError::NotANumber(_))),
            ("1,000,00", |e| matches!(e, AmountError::BadGrouping(_))),
            ("１２", |e| matches!(e, AmountError::NotANumber(_))),
            ("1,23", |e| matches!(e, AmountError::BadGrouping(_))),
            ("0.00", |e| matches!(e, AmountError::Zero)),
            ("10000000.01", |e| matches!(e, AmountError::TooLarge(_))),
            ("99999999999999999999999999", |e| matches!(e, AmountError::TooLarge(_))),
            ("+5", |e| matches!(e, AmountError::NotANumber(_))),
        ];
        for (text, expected) in cases {
            let error = Money::parse(text).expect_err(text);
            assert!(expected(&error), "{text}: {error:?}");
            assert!(!error.to_string().is_empty());
        }
    }

    #[test]
    fn display_groups_thousands() {
        assert_eq!(Money::from_cents(123_450).to_string(), "$1,234.50");
        assert_eq!(Money::from_cents(-1200).to_string(), "-$12.00");
        assert_eq!(Money::from_cents(5).to_string(), "$0.05");
        assert_eq!(Money::from_cents(100_000_000).to_string(), "$1,000,000.00");
        assert_eq!(Money::from_cents(-5).plain(), "-0.05");
        assert_eq!(format!("{:>10}", Money::from_cents(100)), "     $1.00");
    }

    #[test]
    fn decimal_rounding_is_half_up_or_even() {
        let d = Decimal::new(291_050, 4); // 29.1050
        assert_eq!(Money::from_decimal(d, RoundingStrategy::MidpointAwayFromZero), Some(Money(2911)));
        assert_eq!(Money::from_decimal(d, RoundingStrategy::MidpointNearestEven), Some(Money(2910)));
    }
}
