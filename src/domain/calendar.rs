//! The business-day clock: weekdays that are not one of the city's observed
//! holidays. Complaint due dates and the age of approval requests count on
//! it. The holidays are data (`assets/holidays/city-holidays.toml`).

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;

/// How a holiday's date is found in a given year.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "rule", rename_all = "kebab-case")]
pub enum Rule {
    /// The same date every year, observed on the Friday before when it falls
    /// on a Saturday and the Monday after when it falls on a Sunday.
    Fixed { month: u32, day: u32 },
    /// The nth given weekday of the month (nth = 1 for the first).
    NthWeekday { month: u32, weekday: Day, nth: u8 },
    /// The last given weekday of the month.
    LastWeekday { month: u32, weekday: Day },
    /// The day after another holiday of the list.
    DayAfter { of: String },
}

/// A weekday as the file names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
}

impl Day {
    fn weekday(self) -> Weekday {
        match self {
            Day::Mon => Weekday::Mon,
            Day::Tue => Weekday::Tue,
            Day::Wed => Weekday::Wed,
            Day::Thu => Weekday::Thu,
            Day::Fri => Weekday::Fri,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Holiday {
    pub name: String,
    #[serde(flatten)]
    pub rule: Rule,
}

/// Why a holiday file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("the holiday file cannot be read: {0}")]
    Format(String),
    #[error("holiday \"{0}\" has no such date (check its month and day)")]
    NoSuchDate(String),
    #[error("holiday \"{name}\" follows \"{of}\", which is not in the list before it")]
    UnknownHoliday { name: String, of: String },
}

#[derive(Debug, Deserialize)]
struct File {
    holiday: Vec<Holiday>,
}

/// The city's holidays and the business days they leave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    holidays: Vec<Holiday>,
}

/// The holiday file that ships with the product.
const CITY_HOLIDAYS: &str = include_str!("../../assets/holidays/city-holidays.toml");

impl Calendar {
    /// The city's calendar from the shipped file.
    pub fn city() -> Result<Calendar, CalendarError> {
        Calendar::from_toml(CITY_HOLIDAYS)
    }

    /// Reads a holiday file, checking every rule gives a date (in a leap
    /// year and a common one) and every "day after" names an earlier holiday.
    pub fn from_toml(text: &str) -> Result<Calendar, CalendarError> {
        let file: File = toml::from_str(text).map_err(|e| CalendarError::Format(e.to_string()))?;
        let calendar = Calendar { holidays: file.holiday };
        for (i, holiday) in calendar.holidays.iter().enumerate() {
            if let Rule::DayAfter { of } = &holiday.rule
                && !calendar.holidays[..i].iter().any(|h| &h.name == of)
            {
                return Err(CalendarError::UnknownHoliday { name: holiday.name.clone(), of: of.clone() });
            }
            for year in [2023, 2024] {
                if calendar.date_of(holiday, year).is_none() {
                    return Err(CalendarError::NoSuchDate(holiday.name.clone()));
                }
            }
        }
        Ok(calendar)
    }

    /// The date `holiday` is observed in `year`.
    fn date_of(&self, holiday: &Holiday, year: i32) -> Option<NaiveDate> {
        match &holiday.rule {
            Rule::Fixed { month, day } => {
                let date = NaiveDate::from_ymd_opt(year, *month, *day)?;
                Some(match date.weekday() {
                    Weekday::Sat => date - Days::new(1),
                    Weekday::Sun => date + Days::new(1),
                    _ => date,
                })
            }
            Rule::NthWeekday { month, weekday, nth } => {
                NaiveDate::from_weekday_of_month_opt(year, *month, weekday.weekday(), *nth)
            }
            Rule::LastWeekday { month, weekday } => {
                let first_of_next = if *month == 12 {
                    NaiveDate::from_ymd_opt(year + 1, 1, 1)?
                } else {
                    NaiveDate::from_ymd_opt(year, month + 1, 1)?
                };
                let mut day = first_of_next - Days::new(1);
                while day.weekday() != weekday.weekday() {
                    day = day - Days::new(1);
                }
                Some(day)
            }
            Rule::DayAfter { of } => {
                let before = self.holidays.iter().find(|h| &h.name == of)?;
                Some(self.date_of(before, year)? + Days::new(1))
            }
        }
    }

    /// The holidays observed in `year`, in date order, with their names.
    pub fn holidays_in(&self, year: i32) -> Vec<(NaiveDate, &str)> {
        let mut days: Vec<(NaiveDate, &str)> =
            self.holidays.iter().filter_map(|h| Some((self.date_of(h, year)?, h.name.as_str()))).collect();
        days.sort();
        days
    }

    /// The holiday observed on `date`, if any. A New Year's Day on a
    /// Saturday is observed on the last day of the year before.
    pub fn holiday_on(&self, date: NaiveDate) -> Option<&str> {
        [date.year(), date.year() + 1]
            .into_iter()
            .flat_map(|year| self.holidays_in(year))
            .find(|(day, _)| *day == date)
            .map(|(_, name)| name)
    }

    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && self.holiday_on(date).is_none()
    }

    /// The business day `n` business days after `date` (`n` = 0: `date`
    /// itself, or the next business day if it is not one).
    pub fn add_business_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
        let mut day = date;
        while !self.is_business_day(day) {
            day = day + Days::new(1);
        }
        for _ in 0..n {
            day = day + Days::new(1);
            while !self.is_business_day(day) {
                day = day + Days::new(1);
            }
        }
        day
    }

    /// Business days after `from` up to and including `to` (0 if `to` is not later).
    pub fn business_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let mut count = 0;
        let mut day = from;
        while day < to {
            day = day + Days::new(1);
            if self.is_business_day(day) {
                count += 1;
            }
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn city() -> Calendar {
        Calendar::city().unwrap()
    }

    #[test]
    fn the_city_holidays_of_2026_fall_where_the_calendar_puts_them() {
        let days: Vec<NaiveDate> = city().holidays_in(2026).into_iter().map(|(day, _)| day).collect();
        assert_eq!(
            days,
            [
                d(2026, 1, 1),   // Thursday
                d(2026, 1, 19),  // third Monday of January
                d(2026, 5, 25),  // last Monday of May
                d(2026, 7, 3),   // 4 July is a Saturday: observed Friday the 3rd
                d(2026, 9, 7),   // first Monday of September
                d(2026, 11, 11), // Wednesday
                d(2026, 11, 26), // fourth Thursday of November
                d(2026, 11, 27), // and the day after
                d(2026, 12, 25), // Friday
            ]
        );
    }

    #[test]
    fn weekends_and_holidays_are_skipped() {
        let c = city();
        // Wednesday 25 November 2026, before Thanksgiving: two business days
        // later is Tuesday 1 December (Thursday, Friday, the weekend skipped).
        assert_eq!(c.add_business_days(d(2026, 11, 25), 2), d(2026, 12, 1));
        assert_eq!(c.business_days_between(d(2026, 11, 25), d(2026, 12, 1)), 2);
        // A complaint logged on Saturday counts from Monday.
        assert_eq!(c.add_business_days(d(2026, 11, 21), 0), d(2026, 11, 23));
        assert!(!c.is_business_day(d(2026, 7, 3)), "the observed Independence Day");
        assert!(c.is_business_day(d(2026, 7, 6)));
    }

    #[test]
    fn the_year_end_is_crossed() {
        let c = city();
        // Friday 31 December 2021 was the observed New Year's Day (1 January 2022 a Saturday).
        assert_eq!(c.holiday_on(d(2021, 12, 31)), Some("New Year's Day"));
        // Thursday 30 December 2021 + 1 business day: Monday 3 January 2022.
        assert_eq!(c.add_business_days(d(2021, 12, 30), 1), d(2022, 1, 3));
        // 2026 into 2027: Christmas (Friday) and New Year's Day (Friday) skipped.
        assert_eq!(c.add_business_days(d(2026, 12, 24), 1), d(2026, 12, 28));
        assert_eq!(c.add_business_days(d(2026, 12, 31), 1), d(2027, 1, 4));
        assert_eq!(c.business_days_between(d(2026, 12, 24), d(2027, 1, 4)), 5);
    }

    #[test]
    fn a_bad_holiday_file_is_refused_with_its_reason() {
        let bad_date = "[[holiday]]\nname = \"Leap\"\nrule = \"fixed\"\nmonth = 2\nday = 30\n";
        assert_eq!(Calendar::from_toml(bad_date), Err(CalendarError::NoSuchDate("Leap".into())));
        let orphan = "[[holiday]]\nname = \"After\"\nrule = \"day-after\"\nof = \"Nothing\"\n";
        assert!(matches!(Calendar::from_toml(orphan), Err(CalendarError::UnknownHoliday { .. })));
        assert!(matches!(Calendar::from_toml("holiday = 3"), Err(CalendarError::Format(_))));
    }
}
