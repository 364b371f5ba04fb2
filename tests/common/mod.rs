//! Shared fixtures for the ledger tests: a desk on a fresh database with a
//! user of each role, a typical residential account, and a month's bill.
//! Everything runs at a fixed `now`, so the tests do not depend on the clock.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

#[path = "../engine/mod.rs"]
pub mod engine;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc};
use tempfile::TempDir;
use utility_desk::desk::{
    Actor, BillPosted, BillRequest, CreditRequest, Desk, NewAccountRequest, NewCustomer, NewRead, PaymentMethod,
    PaymentRequest, Posted, PremiseChoice, ReverseRequest,
};
use utility_desk::domain::Money;
use utility_desk::domain::account::{Address, CartSize, MeterSize, PickupFrequency, Refuse, Services};
use utility_desk::domain::ids::AccountId;
use utility_desk::domain::ledger::ReasonCode;
use utility_desk::domain::reads::ReadKind;
use utility_desk::domain::user::Role;
use utility_desk::records::LedgerCounts;

/// The fixed instant every test acts at: noon in Tulsa on 20 November 2026.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).single().expect("a valid instant")
}

/// The utility's date at [`now`].
pub fn today() -> NaiveDate {
    day(2026, 11, 20)
}

pub fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid date")
}

/// Noon in Tulsa (18:00 UTC in winter) on the given date.
pub fn noon_on(date: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(18, 0, 0).expect("a valid time"))
}

pub fn cents(cents: i64) -> Money {
    Money::from_cents(cents)
}

/// One active user per role, as the one acting.
#[derive(Clone)]
pub struct Staff {
    pub car1: Actor,
    pub car2: Actor,
    pub car3: Actor,
    pub supervisor: Actor,
    pub manager: Actor,
    pub admin: Actor,
    /// The automated jobs' user (bill runs, payment files, late fees).
    pub batch: Actor,
}

impl Staff {
    /// The one who takes money actions in these tests: a Manager has no
    /// limits, so the ledger tests hold once authority limits arrive.
    pub fn cashier(&self) -> &Actor {
        &self.manager
    }
}

/// A desk plus its staff, on a private in-memory database.
pub struct Fixture {
    pub desk: Desk,
    pub staff: Staff,
    next_meter: u32,
}

/// A desk on a database file in a temporary directory, for tests that look
/// at the file from a second connection.
pub struct FileFixture {
    pub fixture: Fixture,
    pub path: PathBuf,
    _dir: TempDir,
}

/// A desk on a new ledger with one person of each role: in memory, or on
/// a new PostgreSQL database when the run is on PostgreSQL
/// (`UTILITY_DESK_TEST_ENGINE=postgres`, see `tests/engine`).
pub fn fixture() -> Fixture {
    if engine::on_postgres() {
        let location = engine::new_ledger_location();
        return with_staff(Desk::create(Path::new(&location)).expect("a desk on PostgreSQL"));
    }
    with_staff(Desk::open_in_memory().expect("an in-memory desk"))
}

/// A desk with one person of each role on the ledger `desk` holds.
pub fn fixture_with(desk: Desk) -> Fixture {
    with_staff(desk)
}

pub fn file_fixture() -> FileFixture {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("ledger.db");
    let fixture = with_staff(Desk::create(&path).expect("a desk on a file"));
    FileFixture { fixture, path, _dir: dir }
}

fn with_staff(mut desk: Desk) -> Fixture {
    let users = [
        ("car1", "Avery One", Role::Car1),
        ("car2", "Blake Two", Role::Car2),
        ("car3", "Casey Three", Role::Car3),
        ("supervisor", "Dana Super", Role::Supervisor),
        ("manager", "Emery Manager", Role::Manager),
        ("admin", "Finley Admin", Role::Admin),
        ("batch", "Nightly jobs", Role::Batch),
    ];
    for (username, name, role) in users {
        desk.add_user(now(), username, name, role).expect("add user");
    }
    let mut actor = |name: &str| desk.actor(name).expect("actor");
    let staff = Staff {
        car1: actor("car1"),
        car2: actor("car2"),
        car3: actor("car3"),
        supervisor: actor("supervisor"),
        manager: actor("manager"),
        admin: actor("admin"),
        batch: actor("batch"),
    };
    Fixture { desk, staff, next_meter: 1 }
}

/// The premise's sewer cap on the typical account, in gallons.
pub const SEWER_CAP_GAL: u64 = 6_000;
/// The typical account's opening read.
pub const OPENING_READ: u64 = 1_000;

/// The day the typical account opened: a year before [`now`].
pub fn opened_on() -> NaiveDate {
    day(2025, 11, 20)
}

impl Fixture {
    /// A typical residential account: 5/8" meter with 7 dials, sewer,
    /// stormwater, a 96-gallon cart picked up weekly, EMSAcare, premise
    /// sewer cap 6,000 gal, opening read 1000, opened a year ago, no deposit.
    pub fn residential(&mut self) -> AccountId {
        self.residential_with(OPENING_READ, Money::ZERO)
    }

    pub fn residential_with(&mut self, opening_read: u64, deposit: Money) -> AccountId {
        let n = self.next_meter;
        self.next_meter += 1;
        let request = NewAccountRequest {
            cycle: 1,
            customer: utility_desk::desk::CustomerChoice::New(NewCustomer {
                name: format!("Customer {n}"),
                mailing: address(n),
                phone: Some(format!("(918) 555-{n:04}")),
                email: None,
                tax_id_last4: Some("1234".into()),
            }),
            premise: PremiseChoice::New { address: address(n), sewer_cap_gal: SEWER_CAP_GAL },
            opened_on: opened_on(),
            deposit,
            services: Services {
                meter_number: format!("M{n:06}"),
                meter_size: MeterSize::FiveEighths,
                meter_dials: 7,
                sewer: true,
                stormwater: true,
                refuse: Some(Refuse { cart: CartSize::Large, frequency: PickupFrequency::Weekly }),
                emsacare: true,
            },
            opening_read,
        };
        let actor = self.staff.cashier().clone();
        self.desk.open_account(&actor, now(), &request).expect("open account")
    }

    /// Bills the calendar month from an actual read on its last day; the
    /// bill is dated the first of the next month (due 20 days later).
    pub fn bill_month(&mut self, account: AccountId, year: i32, month: u32, reading: u64) -> BillPosted {
        let actor = self.staff.cashier().clone();
        self.desk.post_bill(&actor, now(), &month_request(account, year, month, reading)).expect("post bill")
    }

    pub fn pay(&mut self, account: AccountId, amount: Money, received_on: NaiveDate, key: &str) -> Posted {
        let actor = self.staff.cashier().clone();
        self.desk.record_payment(&actor, now(), &payment(account, amount, received_on, key)).expect("record payment")
    }

    pub fn credit(&mut self, account: AccountId, amount: Money, key: &str) -> Posted {
        let actor = self.staff.cashier().clone();
        self.desk.issue_credit(&actor, now(), &credit(account, amount, key)).expect("issue credit")
    }

    pub fn reverse(&mut self, posting: Posted, key: &str) -> Posted {
        let actor = self.staff.cashier().clone();
        let request = ReverseRequest { posting: posting.posting_id, note: "entered in error".into(), key: key.into() };
        self.desk.reverse(&actor, now(), &request).expect("reverse")
    }

    /// The account's cached balance.
    pub fn balance(&mut self, account: AccountId) -> Money {
        self.desk.overview(account, now()).expect("overview").account.balance
    }

    /// The ledger's size, as `verify` counts it, less the audit records of
    /// refused actions (a refusal writes only that record).
    pub fn counts(&mut self) -> LedgerCounts {
        let mut counts = self.desk.verify().expect("verify").counts;
        counts.audit_records -= counts.refusals;
        counts.refusals = 0;
        counts
    }

    /// Asserts every `verify` check passes, naming any that does not.
    pub fn assert_verified(&mut self) {
        let report = self.desk.verify().expect("verify");
        let failed: Vec<_> = report.checks.iter().filter(|c| c.problem_count > 0).collect();
        assert!(report.passed(), "verify failed: {failed:#?}");
        assert_eq!(report.counts.total_debits, report.counts.total_credits);
    }
}

/// A month's bill request: the calendar month, read on its last day,
/// billed on the first of the next month.
pub fn month_request(account: AccountId, year: i32, month: u32, reading: u64) -> BillRequest {
    let period_start = day(year, month, 1);
    let next_month = period_start.checked_add_months(chrono::Months::new(1)).expect("a next month");
    let period_end = next_month - Days::new(1);
    debug_assert_eq!(period_end.month(), month);
    BillRequest {
        account,
        period_start,
        period_end,
        bill_date: next_month,
        read: NewRead { read_on: period_end, reading, kind: ReadKind::Actual, rollover: false },
    }
}

pub fn payment(account: AccountId, amount: Money, received_on: NaiveDate, key: &str) -> PaymentRequest {
    PaymentRequest {
        account,
        amount,
        received_on,
        method: PaymentMethod::Check,
        reference: Some("check 1042".into()),
        key: key.into(),
    }
}

pub fn credit(account: AccountId, amount: Money, key: &str) -> CreditRequest {
    CreditRequest {
        account,
        amount,
        reason: ReasonCode::Goodwill,
        note: "customer waited on hold for an hour".into(),
        key: key.into(),
    }
}

fn address(n: u32) -> Address {
    Address {
        line1: format!("{} S Peoria Ave", 100 + n),
        line2: None,
        city: "Tulsa".into(),
        state: "OK".into(),
        zip: "74103".into(),
    }
}

/// Every row of every table in the database file, as text: two equal
/// fingerprints mean the database holds exactly the same data, apart from
/// the audit records of refused actions (a refusal is recorded: who tried
/// what, and why it was refused; see [`refusals`]).
pub fn fingerprint(path: &Path) -> String {
    let conn = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("a second connection");
    let mut tables = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")
        .expect("list tables");
    let names: Vec<String> =
        tables.query_map([], |r| r.get(0)).expect("query tables").collect::<Result<_, _>>().expect("table names");
    let mut out = String::new();
    for name in names {
        // The audit trail's head row follows the records: a refusal's moves it.
        if name == "audit_head" {
            continue;
        }
        let filter = if name == "audit_log" { " WHERE action <> 'refused'" } else { "" };
        let mut statement = conn.prepare(&format!("SELECT * FROM \"{name}\"{filter}")).expect("select");
        let columns = statement.column_count();
        let mut rows: Vec<String> = statement
            .query_map([], |row| {
                let values: Vec<rusqlite::types::Value> = (0..columns).map(|i| row.get(i)).collect::<Result<_, _>>()?;
                Ok(format!("{values:?}"))
            })
            .expect("query rows")
            .collect::<Result<_, _>>()
            .expect("rows");
        rows.sort();
        out.push_str(&format!("{name}: {} rows\n", rows.len()));
        for row in rows {
            out.push_str(&row);
            out.push('\n');
        }
    }
    out
}

/// The audit trail's records of refused actions, oldest first: (action
/// attempted, why it was refused).
pub fn refusals(path: &Path) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("a second connection");
    let mut statement = conn
        .prepare("SELECT json_extract(detail, '$.action'), json_extract(detail, '$.why') FROM audit_log WHERE action = 'refused' ORDER BY id")
        .expect("select refusals");
    statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query refusals")
        .collect::<Result<_, _>>()
        .expect("refusals")
}

/// Closes an account the only way there is for now: straight in the table
/// (closing arrives with service orders). `accounts` has no history trigger.
pub fn close_account(desk: &mut Desk, account: AccountId) {
    desk.store_for_tests()
        .raw_sql_for_tests(&format!(
            "UPDATE accounts SET status = 'closed', closed_on = '2026-11-01' WHERE id = {}",
            account.0
        ))
        .expect("close the account");
}
