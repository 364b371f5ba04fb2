//! Meter reads and the consumption between two of them.

use serde::{Deserialize, Serialize};

use super::account::code_enum;

code_enum!(
    /// Whether a person or device read the meter, or the utility estimated it.
    ReadKind, "read kind" {
        Actual => "actual",
        Estimated => "estimated",
        Customer => "customer",
    }
);

code_enum!(
    /// Why a loaded read is held for a person instead of billed.
    ReadException, "read exception" {
        High => "high",
        Low => "low",
        Zero => "zero",
        Estimates => "estimates",
    }
);

impl ReadException {
    pub fn label(self) -> &'static str {
        match self {
            ReadException::High => "High use",
            ReadException::Low => "Low use",
            ReadException::Zero => "No use two cycles running",
            ReadException::Estimates => "Third estimate in a row",
        }
    }
}

/// A read is high above this share of the 12-month average (in percent)...
pub const HIGH_PERCENT: u64 = 200;
/// ...and at least this many gallons above it.
pub const HIGH_MIN_GALLONS: u64 = 5_000;
/// A read is low under this share of the 12-month average (in percent).
pub const LOW_PERCENT: u64 = 50;

/// What the exception rules know of an account's use before a read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsageHistory {
    /// Water on each standing bill of the 12 months before the read.
    pub last_12_months_gal: Vec<u64>,
    /// Water on the account's last bill.
    pub last_bill_gal: Option<u64>,
    /// The kinds of the last two bills' closing reads, newest first.
    pub last_read_kinds: Vec<ReadKind>,
}

impl UsageHistory {
    /// The history as it bears on a read covering only `days` days (a
    /// final read after part of a month): each month's use scaled to that
    /// many days of a 30-day month, so half a month of usual use is not
    /// "low". A read covering 30 days or more is compared as it is.
    pub fn for_days(mut self, days: i64) -> UsageHistory {
        let month = i64::from(crate::domain::rates::PRORATION_MONTH_DAYS);
        if let Ok(days) = u64::try_from(days.clamp(1, month)) {
            for gallons in &mut self.last_12_months_gal {
                *gallons = *gallons * days / month.unsigned_abs();
            }
        }
        self
    }

    /// The 12-month average, rounded half up (`None` without bills).
    pub fn average_gal(&self) -> Option<u64> {
        let n = self.last_12_months_gal.len() as u64;
        (n > 0).then(|| (2 * self.last_12_months_gal.iter().sum::<u64>() + n) / (2 * n))
    }
}

/// The exception a read of `gallons` (of `kind`) falls under, with the
/// reason in words, or `None` when it may be billed (operations.md: the
/// usual rules of the big systems' read validation). Checked in this
/// order: a third estimate in a row, no use two cycles running on an
/// active account, high use (more than 200 % of the 12-month average and
/// at least 5,000 gallons more), low use (under 50 % of it).
pub fn read_exception(gallons: u64, kind: ReadKind, history: &UsageHistory) -> Option<(ReadException, String)> {
    let estimated = |k: &ReadKind| *k == ReadKind::Estimated;
    if kind == ReadKind::Estimated
        && history.last_read_kinds.len() >= 2
        && history.last_read_kinds[..2].iter().all(estimated)
    {
        return Some((
            ReadException::Estimates,
            "the third estimated read in a row: the meter needs an actual read".into(),
        ));
    }
    if gallons == 0 && history.last_bill_gal == Some(0) {
        return Some((ReadException::Zero, "no water used this cycle or the last on an active account".into()));
    }
    let average = history.average_gal()?;
    if gallons * 100 > average * HIGH_PERCENT && gallons >= average + HIGH_MIN_GALLONS {
        return Some((
            ReadException::High,
            format!("{gallons} gal is {}% of the 12-month average of {average} gal", gallons * 100 / average.max(1)),
        ));
    }
    if gallons * 100 < average * LOW_PERCENT {
        return Some((
            ReadException::Low,
            format!("{gallons} gal is under half the 12-month average of {average} gal"),
        ));
    }
    None
}

/// Why two reads do not give a consumption.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ReadError {
    #[error(
        "the read {current} is lower than the previous read {previous}: if the meter rolled over, \
         confirm the read as a rollover; otherwise check the read"
    )]
    LowerThanPrevious { previous: u64, current: u64 },
    #[error("a rollover was confirmed but the read {current} is not lower than the previous read {previous}")]
    NotARollover { previous: u64, current: u64 },
    #[error("the read {reading} does not fit on a meter with {dials} dials")]
    TooManyDigits { reading: u64, dials: u32 },
}

/// Gallons used between `previous` and `current`. A lower current read is
/// only accepted as a confirmed rollover of a register with `dials` digits:
/// never silently billed as a negative or a huge number.
pub fn consumption(previous: u64, current: u64, dials: u32, rollover: bool) -> Result<u64, ReadError> {
    let register = 10u64.saturating_pow(dials);
    if current >= register {
        return Err(ReadError::TooManyDigits { reading: current, dials });
    }
    match (current >= previous, rollover) {
        (true, false) => Ok(current - previous),
        (false, true) => Ok(register - previous + current),
        (false, false) => Err(ReadError::LowerThanPrevious { previous, current }),
        (true, true) => Err(ReadError::NotARollover { previous, current }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(months: &[u64], kinds: &[ReadKind]) -> UsageHistory {
        UsageHistory {
            last_12_months_gal: months.to_vec(),
            last_bill_gal: months.last().copied(),
            last_read_kinds: kinds.to_vec(),
        }
    }

    #[test]
    fn each_exception_rule_at_its_edge() {
        use ReadKind::{Actual, Estimated};
        let usual = history(&[4_000, 5_000, 6_000], &[Actual, Actual]);
        assert_eq!(usual.average_gal(), Some(5_000));
        let rule = |gallons, kind, h: &UsageHistory| read_exception(gallons, kind, h).map(|(e, _)| e);
        // High: over 200 % and 5,000 gallons more (both).
        assert_eq!(rule(10_000, Actual, &usual), None, "exactly 200 % is not over it");
        assert_eq!(rule(10_001, Actual, &usual), Some(ReadException::High));
        let small = history(&[1_000], &[]);
        assert_eq!(rule(5_999, Actual, &small), None, "599 % but under 5,000 gallons more");
        assert_eq!(rule(6_000, Actual, &small), Some(ReadException::High));
        // Low: under half.
        assert_eq!(rule(2_500, Actual, &usual), None, "half is not under half");
        assert_eq!(rule(2_499, Actual, &usual), Some(ReadException::Low));
        // Zero: this cycle and the last.
        let idle = history(&[3_000, 0], &[Actual, Actual]);
        assert_eq!(rule(0, Actual, &idle), Some(ReadException::Zero));
        assert_eq!(rule(0, Actual, &usual), Some(ReadException::Low), "one cycle of zero is low use");
        // Estimates: the third in a row, whatever the use.
        let estimated = history(&[5_000, 5_000], &[Estimated, Estimated]);
        assert_eq!(rule(5_000, Estimated, &estimated), Some(ReadException::Estimates));
        assert_eq!(rule(5_000, Actual, &estimated), None);
        assert_eq!(rule(5_000, Estimated, &history(&[5_000], &[Estimated, Actual])), None);
        // Half a month read against half a month's usual use.
        let half = usual.clone().for_days(15);
        assert_eq!(half.average_gal(), Some(2_500));
        assert_eq!(rule(2_000, Actual, &half), None, "half a month of usual use is not low");
        assert_eq!(rule(2_000, Actual, &usual), Some(ReadException::Low), "against a whole month it would be");
        // No history: only the zero and estimate rules can hold a read.
        assert_eq!(rule(900_000, Actual, &UsageHistory::default()), None);
    }

    #[test]
    fn consumption_table() {
        let cases = [
            (1000, 6400, 7, false, Ok(5400)),
            (1000, 1000, 7, false, Ok(0)),
            (9_999_000, 1_500, 7, true, Ok(2_500)),
            (5000, 4000, 7, false, Err(ReadError::LowerThanPrevious { previous: 5000, current: 4000 })),
            (4000, 5000, 7, true, Err(ReadError::NotARollover { previous: 4000, current: 5000 })),
            (0, 10_000_000, 7, false, Err(ReadError::TooManyDigits { reading: 10_000_000, dials: 7 })),
        ];
        for (previous, current, dials, rollover, expected) in cases {
            assert_eq!(consumption(previous, current, dials, rollover), expected, "{previous} -> {current}");
        }
    }
}
