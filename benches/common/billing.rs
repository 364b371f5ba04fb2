//! Bills for the months after a bench database's last: each account's
//! meter as its last bill left it, and plausible reads from there.

use std::collections::HashMap;

use chrono::{Days, Months, NaiveDate, Utc};
use utility_desk::desk::{BillRequest, Desk, NewRead};
use utility_desk::domain::ids::AccountId;
use utility_desk::domain::reads::ReadKind;

/// An account's meter, as the next bill needs it.
pub struct Meter {
    reading: u64,
    dials: u32,
}

/// The meters of `ids` and the day after the last billed period (`None`
/// for a database without bills).
pub fn meters(desk: &mut Desk, ids: &[AccountId]) -> (HashMap<AccountId, Meter>, Option<NaiveDate>) {
    let mut meters = HashMap::new();
    let mut last_end: Option<NaiveDate> = None;
    for id in ids {
        let overview = desk.overview(*id, Utc::now()).expect("overview");
        let reading = overview.bills.first().map_or(0, |b| b.current_read.reading);
        if let Some(bill) = overview.bills.first() {
            last_end = last_end.max(Some(bill.period_end));
        }
        meters.insert(*id, Meter { reading, dials: overview.account.services.meter_dials });
    }
    (meters, last_end.map(|end| end + Days::new(1)))
}

pub fn month_end(start: NaiveDate) -> NaiveDate {
    start + Months::new(1) - Days::new(1)
}

/// A bill for the month starting `start`, from a plausible read.
pub fn bill_request(account: AccountId, start: NaiveDate, meter: &mut Meter) -> BillRequest {
    let end = month_end(start);
    let used = 3_000 + (account.0 as u64 * 7_919) % 6_000;
    let register = 10u64.pow(meter.dials);
    let next = (meter.reading + used) % register;
    let rollover = next < meter.reading;
    meter.reading = next;
    BillRequest {
        account,
        period_start: start,
        period_end: end,
        bill_date: end + Days::new(2),
        read: NewRead { read_on: end, reading: next, kind: ReadKind::Actual, rollover },
    }
}
