//! Conversions between domain types and SQLite values, kept here so the
//! domain knows nothing of rusqlite.

use std::borrow::Cow;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use super::sql::{Column, Param, Value, ValueRef as SqlRef};

use crate::domain::Money;
use crate::domain::account::{AccountStatus, CartSize, MeterSize, PickupFrequency, ServiceKind};
use crate::domain::authority::MoneyAction;
use crate::domain::cases::{Channel, ComplaintCategory, ComplaintStatus, Priority, Queue, Resolution, Source};
use crate::domain::ids::{AccountId, AccountNumber, BillId, CustomerId, PostingId, PremiseId, ReadId, UserId};
use crate::domain::ledger::{ChartAccount, PostingKind, ReasonCode, Side};
use crate::domain::orders::{OrderKind, OrderStatus};
use crate::domain::reads::{ReadException, ReadKind};
use crate::domain::user::Role;

macro_rules! integer_newtype {
    ($($name:ty => $make:expr, $get:expr);* $(;)?) => {$(
        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(($get)(self)))
            }
        }
        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                i64::column_result(value).map($make)
            }
        }
        impl Param for $name {
            fn value(&self) -> Value<'_> {
                Value::Int(($get)(self))
            }
        }
        impl Column for $name {
            fn column(value: SqlRef<'_>) -> Result<Self, String> {
                value.int().map($make)
            }
        }
    )*};
}

integer_newtype!(
    AccountId => AccountId, |v: &AccountId| v.0;
    CustomerId => CustomerId, |v: &CustomerId| v.0;
    PremiseId => PremiseId, |v: &PremiseId| v.0;
    BillId => BillId, |v: &BillId| v.0;
    PostingId => PostingId, |v: &PostingId| v.0;
    UserId => UserId, |v: &UserId| v.0;
    ReadId => ReadId, |v: &ReadId| v.0;
    Money => Money::from_cents, |v: &Money| v.cents();
);

macro_rules! code_column {
    ($($name:ty),* $(,)?) => {$(
        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.code()))
            }
        }
        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                value.as_str()?.parse().map_err(|e| FromSqlError::Other(Box::new(e)))
            }
        }
        impl Param for $name {
            fn value(&self) -> Value<'_> {
                Value::Text(Cow::Borrowed(self.code()))
            }
        }
        impl Column for $name {
            fn column(value: SqlRef<'_>) -> Result<Self, String> {
                value.text()?.parse().map_err(|e: <$name as std::str::FromStr>::Err| e.to_string())
            }
        }
    )*};
}

code_column!(
    AccountStatus,
    Channel,
    ComplaintCategory,
    ComplaintStatus,
    Priority,
    Queue,
    Resolution,
    Source,
    CartSize,
    MeterSize,
    PickupFrequency,
    ServiceKind,
    PostingKind,
    ReasonCode,
    Side,
    ReadKind,
    ReadException,
    Role,
    MoneyAction,
    OrderKind,
    OrderStatus
);

impl ToSql for ChartAccount {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.code()))
    }
}

impl FromSql for ChartAccount {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value.as_str()?.parse().map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

impl Param for ChartAccount {
    fn value(&self) -> Value<'_> {
        Value::Text(Cow::Owned(self.code()))
    }
}

impl Column for ChartAccount {
    fn column(value: SqlRef<'_>) -> Result<Self, String> {
        value.text()?.parse().map_err(|e: <ChartAccount as std::str::FromStr>::Err| e.to_string())
    }
}

impl Param for AccountNumber {
    fn value(&self) -> Value<'_> {
        Value::Text(Cow::Borrowed(self.digits()))
    }
}

impl Column for AccountNumber {
    fn column(value: SqlRef<'_>) -> Result<Self, String> {
        AccountNumber::parse(value.text()?).map_err(|e| e.to_string())
    }
}

impl ToSql for AccountNumber {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.digits()))
    }
}

impl FromSql for AccountNumber {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        AccountNumber::parse(value.as_str()?).map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

/// A date bound as `YYYY-MM-DD`, formatted directly: rusqlite's own binding
/// parses a strftime pattern on every call, a measurable cost in bill runs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Day(pub chrono::NaiveDate);

impl Day {
    /// The date as `YYYY-MM-DD`.
    pub(crate) fn text(self) -> String {
        use chrono::Datelike;
        let (y, m, d) = (self.0.year(), self.0.month(), self.0.day());
        if !(0..=9999).contains(&y) {
            return self.0.format("%F").to_string();
        }
        let mut text = String::with_capacity(10);
        let y = y as u32;
        for digit in [y / 1000, y / 100 % 10, y / 10 % 10, y % 10, 10, m / 10, m % 10, 10, d / 10, d % 10] {
            text.push(if digit == 10 { '-' } else { char::from(b'0' + digit as u8) });
        }
        text
    }
}

impl Param for Day {
    fn value(&self) -> Value<'_> {
        Value::Text(Cow::Owned(self.text()))
    }
}

impl ToSql for Day {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.text()))
    }
}

/// A moment bound exactly as rusqlite binds a `DateTime<Utc>`
/// (`%F %T%.f%:z`: "2026-11-27 13:05:09.123456+00:00", the fraction in 3, 6
/// or 9 digits, or none), formatted directly for the same reason as [`Day`]:
/// every posting and every meter read carries one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Moment(pub chrono::DateTime<chrono::Utc>);

impl Moment {
    /// The moment as `YYYY-MM-DD HH:MM:SS[.fraction]+00:00`.
    pub(crate) fn text(self) -> String {
        use chrono::{Datelike, Timelike};
        let (date, time) = (self.0.date_naive(), self.0.time());
        let nanos = time.nanosecond();
        if !(0..=9999).contains(&date.year()) || nanos >= 1_000_000_000 {
            // Far years and leap seconds: as rusqlite formats them.
            return self.0.format("%F %T%.f%:z").to_string();
        }
        let mut text = String::with_capacity(32);
        push_digits(&mut text, date.year() as u32, 4);
        for (separator, value) in
            [('-', date.month()), ('-', date.day()), (' ', time.hour()), (':', time.minute()), (':', time.second())]
        {
            text.push(separator);
            push_digits(&mut text, value, 2);
        }
        let (fraction, width) = match nanos {
            0 => (0, 0),
            n if n % 1_000_000 == 0 => (n / 1_000_000, 3),
            n if n % 1_000 == 0 => (n / 1_000, 6),
            n => (n, 9),
        };
        if width > 0 {
            text.push('.');
            push_digits(&mut text, fraction, width);
        }
        text.push_str("+00:00");
        text
    }
}

impl Param for Moment {
    fn value(&self) -> Value<'_> {
        Value::Text(Cow::Owned(self.text()))
    }
}

impl ToSql for Moment {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.text()))
    }
}

/// `value`'s last `width` decimal digits, zero-padded.
fn push_digits(text: &mut String, value: u32, width: u32) {
    for place in (0..width).rev() {
        text.push(char::from(b'0' + (value / 10u32.pow(place) % 10) as u8));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_are_bound_exactly_as_rusqlite_binds_them() {
        use chrono::{NaiveDate, TimeZone, Utc};
        let mut moments = Vec::new();
        for (y, m, d) in [(2026, 11, 27), (1999, 1, 9), (2100, 12, 31), (476, 2, 3), (10_000, 1, 1)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            for (h, min, s) in [(0, 0, 0), (13, 5, 9), (23, 59, 59)] {
                // No fraction; milliseconds; microseconds; nanoseconds; a leap second.
                for nanos in [0, 120_000_000, 123_456_000, 123_456_789, 7, 1_500_000_000] {
                    if let Some(time) = date.and_hms_nano_opt(h, min, s, nanos) {
                        moments.push(Utc.from_utc_datetime(&time));
                    }
                }
            }
        }
        assert!(moments.len() > 60);
        for moment in moments {
            let bound = Moment(moment);
            let ours = bound.to_sql().unwrap();
            let theirs = moment.to_sql().unwrap();
            assert_eq!(format!("{ours:?}"), format!("{theirs:?}"), "{moment:?}");
        }
    }

    #[test]
    fn days_are_bound_exactly_as_rusqlite_binds_dates() {
        for (y, m, d) in [(2026, 11, 26), (1999, 1, 9), (2100, 12, 31), (476, 2, 3)] {
            let date = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let day = Day(date);
            let ours = day.to_sql().unwrap();
            let theirs = date.to_sql().unwrap();
            assert_eq!(format!("{ours:?}"), format!("{theirs:?}"), "{date}");
        }
    }
}
