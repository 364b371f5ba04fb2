//! The sewer cap: residential sewer is billed on the lesser of the month's
//! water use and this cap, so summer watering of lawns and gardens (water that
//! never reaches the sewer) does not raise the sewer charge.
//!
//! The rule (domain brief, after the City of Tulsa): the cap is the average
//! water billed in December, January and February over the previous five
//! years — the months when little water goes outdoors. It is recomputed every
//! May, once the last winter's bills are in. A new customer keeps the
//! premise's cap until the next recompute, so moving in never leaves an
//! account without one.
//!
//! A "winter" is named by the year of its January: winter 2024 is
//! December 2023, January 2024 and February 2024.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The month and day the cap is recomputed each year.
const RECOMPUTE_MONTH: u32 = 5;
const RECOMPUTE_DAY: u32 = 1;

/// How many winters the average covers.
pub const WINTERS_AVERAGED: i32 = 5;

/// The water billed on one bill, with its bill date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WinterBill {
    /// The bill date; its month decides whether the bill is a winter bill.
    pub bill_date: NaiveDate,
    /// Water billed, in gallons.
    pub consumption_gal: u64,
}

/// The winter a bill date belongs to (named by the year of its January), or
/// `None` outside December, January and February.
fn winter_of(date: NaiveDate) -> Option<i32> {
    match date.month() {
        12 => Some(date.year() + 1),
        1 | 2 => Some(date.year()),
        _ => None,
    }
}

/// The cap computed on `recompute_on` from a premise's bill history: the
/// average water on bills dated in December, January or February of the five
/// winters ending in `recompute_on`'s year, counting only bills dated before
/// `recompute_on`. With `recompute_on` = 1 May 2024 that is December 2019
/// through February 2024.
///
/// The average is over bills (a month billed twice counts twice), rounded
/// half up to a whole gallon. `None` when there are no such bills: the caller
/// then keeps the cap already in effect, as for a new customer.
pub fn compute_cap(history: &[WinterBill], recompute_on: NaiveDate) -> Option<u64> {
    let last_winter = recompute_on.year();
    let first_winter = last_winter - (WINTERS_AVERAGED - 1);
    let (sum, count) = history
        .iter()
        .filter(|bill| bill.bill_date < recompute_on)
        .filter(|bill| winter_of(bill.bill_date).is_some_and(|winter| (first_winter..=last_winter).contains(&winter)))
        .fold((0u128, 0u128), |(sum, count), bill| (sum + u128::from(bill.consumption_gal), count + 1));
    if count == 0 {
        return None;
    }
    // Half up in integers: floor((2·sum + count) / (2·count)) = round(sum / count).
    let average = (2 * sum + count) / (2 * count);
    // The average of u64 values is itself at most u64::MAX.
    u64::try_from(average).ok()
}

/// The day the cap is recomputed in `year`: 1 May. Years outside the range
/// `chrono` can represent are clamped to it.
pub fn recompute_date(year: i32) -> NaiveDate {
    let year = year.clamp(NaiveDate::MIN.year(), NaiveDate::MAX.year());
    // 1 May exists in every year chrono represents, so the fallback is unreachable.
    NaiveDate::from_ymd_opt(year, RECOMPUTE_MONTH, RECOMPUTE_DAY).unwrap_or(NaiveDate::MIN)
}

/// The recompute whose cap is in effect on `date`: the latest 1 May on or
/// before it. A bill dated in March 2025 uses the cap computed on 1 May 2024.
pub fn cap_in_effect_from(date: NaiveDate) -> NaiveDate {
    let this_year = recompute_date(date.year());
    if date >= this_year { this_year } else { recompute_date(date.year() - 1) }
}

/// The next recompute strictly after `date`: until then a new customer keeps
/// the premise's cap.
pub fn next_recompute_after(date: NaiveDate) -> NaiveDate {
    let this_year = recompute_date(date.year());
    if date < this_year { this_year } else { recompute_date(date.year() + 1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    fn bill(y: i32, m: u32, gallons: u64) -> WinterBill {
        WinterBill { bill_date: date(y, m, 15), consumption_gal: gallons }
    }

    #[test]
    fn averages_only_december_january_and_february() {
        let history = [
            bill(2023, 12, 4_000),
            bill(2024, 1, 5_000),
            bill(2024, 2, 6_000),
            // Spring and summer use is ignored, however large.
            bill(2023, 7, 30_000),
            bill(2023, 11, 9_000),
            bill(2024, 3, 9_000),
        ];
        assert_eq!(compute_cap(&history, recompute_date(2024)), Some(5_000));
    }

    #[test]
    fn covers_exactly_the_five_winters_before_the_recompute() {
        let history = [
            bill(2019, 2, 90_000), // winter 2019: six winters back, ignored
            bill(2019, 12, 1_000), // winter 2020: the oldest counted
            bill(2021, 1, 2_000),
            bill(2022, 2, 3_000),
            bill(2023, 1, 4_000),
            bill(2024, 2, 5_000),   // winter 2024: the newest counted
            bill(2024, 12, 90_000), // after the recompute date
            bill(2025, 1, 90_000),
        ];
        // (1,000 + 2,000 + 3,000 + 4,000 + 5,000) / 5 = 3,000
        assert_eq!(compute_cap(&history, recompute_date(2024)), Some(3_000));
    }

    #[test]
    fn ignores_bills_dated_on_or_after_the_recompute_date() {
        let history = [bill(2024, 1, 4_000), WinterBill { bill_date: date(2024, 2, 20), consumption_gal: 6_000 }];
        // Recomputing early (20 February) must not see that day's bill.
        assert_eq!(compute_cap(&history, date(2024, 2, 20)), Some(4_000));
        assert_eq!(compute_cap(&history, date(2024, 2, 21)), Some(5_000));
    }

    #[test]
    fn rounds_half_up_to_a_whole_gallon() {
        // 4,001 + 4,002 = 8,003; / 2 = 4,001.5 → 4,002
        assert_eq!(compute_cap(&[bill(2024, 1, 4_001), bill(2024, 2, 4_002)], recompute_date(2024)), Some(4_002));
        // 10 + 10 + 11 = 31; / 3 = 10.33 → 10
        let thirds = [bill(2023, 12, 10), bill(2024, 1, 10), bill(2024, 2, 11)];
        assert_eq!(compute_cap(&thirds, recompute_date(2024)), Some(10));
        // 10 + 11 + 11 = 32; / 3 = 10.67 → 11
        let two_thirds = [bill(2023, 12, 10), bill(2024, 1, 11), bill(2024, 2, 11)];
        assert_eq!(compute_cap(&two_thirds, recompute_date(2024)), Some(11));
    }

    #[test]
    fn no_winter_bills_means_keep_the_current_cap() {
        assert_eq!(compute_cap(&[], recompute_date(2024)), None);
        let summer_only = [bill(2023, 6, 8_000), bill(2023, 7, 9_000)];
        assert_eq!(compute_cap(&summer_only, recompute_date(2024)), None);
    }

    #[test]
    fn huge_readings_do_not_overflow() {
        let history = [bill(2024, 1, u64::MAX), bill(2024, 2, u64::MAX)];
        assert_eq!(compute_cap(&history, recompute_date(2024)), Some(u64::MAX));
    }

    #[test]
    fn recompute_dates() {
        assert_eq!(recompute_date(2024), date(2024, 5, 1));
        assert_eq!(cap_in_effect_from(date(2025, 3, 10)), date(2024, 5, 1));
        assert_eq!(cap_in_effect_from(date(2025, 5, 1)), date(2025, 5, 1));
        assert_eq!(next_recompute_after(date(2025, 3, 10)), date(2025, 5, 1));
        assert_eq!(next_recompute_after(date(2025, 5, 1)), date(2026, 5, 1));
        // Out-of-range years clamp instead of panicking.
        assert_eq!(recompute_date(i32::MAX).month(), 5);
    }
}
