//! One clock: every time the window shows is the utility's, as the command
//! line shows it (a window showing 07:32 for an order the command line
//! shows at 01:32 had a representative tell a customer the wrong time).
//! The zone is the database's, read when it opens; tests/tidy.rs keeps
//! every other file of the window from formatting a time itself.

use std::cell::Cell;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

thread_local! {
    /// The window draws on one thread, the one that opened the database.
    static ZONE: Cell<Tz> = const { Cell::new(Tz::UTC) };
}

/// The zone of the database just opened.
pub fn set_zone(zone: Tz) {
    ZONE.with(|z| z.set(zone));
}

pub fn zone() -> Tz {
    ZONE.with(Cell::get)
}

/// "2026-11-20 13:32", in the utility's time.
pub fn minute(at: DateTime<Utc>) -> String {
    at.with_timezone(&zone()).format("%Y-%m-%d %H:%M").to_string()
}

/// The utility's calendar day now: where a form's default period ends.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&zone()).date_naive()
}

/// "2026-11-20", the utility's calendar day.
pub fn day(at: DateTime<Utc>) -> String {
    at.with_timezone(&zone()).format("%Y-%m-%d").to_string()
}

/// A bill's month: "Nov 2026".
pub fn month(date: NaiveDate) -> String {
    date.format("%b %Y").to_string()
}

/// A chart's month: "Nov 26".
pub fn short_month(date: NaiveDate) -> String {
    date.format("%b %y").to_string()
}

/// The zone's abbreviation now ("CST"), for the label saying whose times these are.
pub fn abbreviation(now: DateTime<Utc>) -> String {
    now.with_timezone(&zone()).format("%Z").to_string()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_time_is_shown_in_the_zone_of_the_database() {
        let at = Utc.with_ymd_and_hms(2026, 11, 20, 7, 32, 0).single().unwrap_or_default();
        set_zone(chrono_tz::America::Chicago);
        assert_eq!(minute(at), "2026-11-20 01:32");
        assert_eq!(abbreviation(at), "CST");
        // Just after midnight UTC it is still the day before in Chicago.
        let late = Utc.with_ymd_and_hms(2026, 11, 21, 3, 0, 0).single().unwrap_or_default();
        assert_eq!(day(late), "2026-11-20");
        set_zone(Tz::UTC);
        assert_eq!(minute(at), "2026-11-20 07:32");
    }
}
