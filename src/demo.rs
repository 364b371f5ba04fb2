//! Realistic demo data: synthetic customers and 24 months of history, rated
//! and posted through the desk exactly as real work would be, so the demo
//! database passes `verify` like any other. Deterministic per seed.

mod contacts;
mod month;
mod names;
mod orders;

use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::Serialize;

use crate::desk::{Actor, Desk, DeskError, NewAccountRequest, NewCustomer, PremiseChoice, Result};
use crate::domain::Money;
use crate::domain::account::{Address, CartSize, MeterSize, PickupFrequency, Refuse, Services};
use crate::domain::ids::{AccountId, BillId};
use crate::domain::user::Role;

/// The demo's users: one of each role. Their passwords are in the README.
pub const DEMO_USERS: &[(&str, &str, Role)] = &[
    ("rep1", "Dana Whitfield", Role::Car1),
    ("rep2", "Marcus Oyelaran", Role::Car2),
    ("rep3", "Lucia Bramante", Role::Car3),
    ("supervisor", "Grace Okafor", Role::Supervisor),
    ("manager", "Howard Kessler", Role::Manager),
    ("admin", "Priya Raman", Role::Admin),
];

/// Every demo user's password (printed in the README; demo databases only).
pub const DEMO_PASSWORD: &str = "utility-desk-demo";

/// The automated-jobs user that posts bill runs, payment files and late
/// fees (role `batch`: the command line only, never the window). It has the
/// demo password too.
pub const BATCH_USER: &str = "batch";

/// The `meta` key that says a demo is being made, and then that it is whole.
pub const DEMO_STATE: &str = "demo_state";

/// How much demo data to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    pub accounts: u32,
    pub seed: u64,
    /// Months of bills, ending with the last complete month.
    pub months: u32,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions { accounts: 5_000, seed: 1, months: 24 }
    }
}

/// What the demo made.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DemoSummary {
    pub accounts: u64,
    pub bills: u64,
    pub payments: u64,
    pub late_fees: u64,
    pub credits: u64,
    pub adjustments: u64,
    pub waivers: u64,
    pub reversals: u64,
    /// Money actions above the person's limits, sent for approval.
    pub requests: u64,
    /// Calls, visits and letters logged; complaints opened from them.
    pub contacts: u64,
    pub complaints: u64,
    /// Disputes on bills (open, granted or denied).
    pub disputes: u64,
    /// Service orders and inspection requests, in every state.
    pub orders: u64,
    pub ledger_lines: u64,
    pub first_period: Option<NaiveDate>,
    pub last_period: Option<NaiveDate>,
    #[serde(skip)]
    pub elapsed: Duration,
}

/// SplitMix64: tiny, fast and fixed forever, so a seed gives the same demo
/// in every version (a library generator may change its stream). The
/// fuzz targets draw from it too.
pub struct Rng(pub u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }

    /// True with probability `per_mille` / 1000.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// How a household pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Payer {
    OnTime,
    SometimesLate,
    Partial,
    Struggling,
}

/// A simulated household: what it uses and how it pays.
struct Household {
    account: AccountId,
    base_gal: u64,
    reading: u64,
    dials: u32,
    payer: Payer,
    leak_month: Option<u32>,
    last_bill: Option<BillId>,
    last_estimated: Option<(BillId, u64)>,
}

fn at(date: NaiveDate) -> DateTime<Utc> {
    // Late afternoon in the utility's zone, safely on the same calendar day.
    Utc.from_utc_datetime(&date.and_time(NaiveTime::from_hms_opt(22, 0, 0).unwrap_or_default()))
}

fn month_end(start: NaiveDate) -> NaiveDate {
    start + Months::new(1) - Days::new(1)
}

/// Makes the demo database at `path`: built under another name and renamed
/// when complete, so an interrupted first run is started again rather than
/// left half made. Because the file is thrown away if the process dies, it
/// is filled in bulk-load mode (no fsync per month, the rollback journal in
/// memory) and switched to WAL and FULL sync, and synced, before the rename.
pub fn create_at(
    path: &std::path::Path,
    options: &DemoOptions,
    now: DateTime<Utc>,
    progress: impl FnMut(&str, f64),
) -> Result<DemoSummary> {
    let partial = path.with_extension("db.partial");
    for leftover in [partial.clone(), partial.with_extension("partial-wal"), partial.with_extension("partial-shm")] {
        let _ = std::fs::remove_file(leftover);
    }
    let mut desk = Desk::create(&partial)?;
    desk.begin_bulk_load()?;
    let summary = generate(&mut desk, options, now, progress)?;
    desk.end_bulk_load()?;
    drop(desk);
    move_into_place(&partial, path)?;
    Ok(summary)
}

/// Moves the finished demo from `partial` to `path`, never over a file: a
/// ledger made at `path` while the demo was being built (by `init` in
/// another window) is left as it is, and the demo thrown away. A hard link
/// refuses an existing name in the one step; where the file system has no
/// hard links, the name is checked and then renamed.
fn move_into_place(partial: &std::path::Path, path: &std::path::Path) -> Result<()> {
    let occupied = || {
        let _ = std::fs::remove_file(partial);
        DeskError::Invalid(format!(
            "a file appeared at {} while the demo was being made: it was left as it is, and the demo was not kept",
            path.display()
        ))
    };
    match std::fs::hard_link(partial, path) {
        Ok(()) => std::fs::remove_file(partial)
            .map_err(|e| DeskError::Invalid(format!("cannot remove the demo's temporary file: {e}"))),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(occupied()),
        Err(_) if path.exists() => Err(occupied()),
        Err(_) => std::fs::rename(partial, path)
            .map_err(|e| DeskError::Invalid(format!("cannot move the demo database into place: {e}"))),
    }
}

/// Makes demo data in an empty database through the desk's own actions.
/// `progress` gets a short description and the fraction done.
pub fn generate(
    desk: &mut Desk,
    options: &DemoOptions,
    now: DateTime<Utc>,
    mut progress: impl FnMut(&str, f64),
) -> Result<DemoSummary> {
    let started = Instant::now();
    refuse_unless_new(desk)?;
    let mut rng = Rng(options.seed ^ 0x005E_ED0F_DE5C);
    let today = desk.today(now);
    let this_month = today.with_day(1).unwrap_or(today);
    // The last month whose bill date (two days after it ends) has passed.
    let mut last_start = this_month - Months::new(1);
    if month_end(last_start) + Days::new(2) > today {
        last_start = last_start - Months::new(1);
    }
    let first_start = last_start - Months::new(options.months.saturating_sub(1));
    let opened_on = first_start - Days::new(1);

    progress("Creating users", 0.0);
    // Marked first: a run stopped part-way leaves a file that says so.
    desk.set_meta(DEMO_STATE, "building")?;
    let batch_user = (BATCH_USER, "Billing batch (automated jobs)", Role::Batch);
    for (username, full_name, role) in DEMO_USERS.iter().chain([&batch_user]) {
        desk.add_user(at(opened_on), username, full_name, *role)?;
        desk.set_password(None, at(opened_on), username, DEMO_PASSWORD)?;
    }
    let batch = desk.actor(BATCH_USER)?;
    let staff = Staff {
        batch: batch.clone(),
        rep1: desk.actor("rep1")?,
        rep2: desk.actor("rep2")?,
        rep3: desk.actor("rep3")?,
        supervisor: desk.actor("supervisor")?,
        manager: desk.actor("manager")?,
        queue_from: today - Days::new(30),
    };

    let mut summary = DemoSummary { first_period: Some(first_start), ..DemoSummary::default() };
    let mut households = Vec::with_capacity(options.accounts as usize);
    let chunk = 2_000usize;
    let mut made = 0u32;
    while made < options.accounts {
        let n = chunk.min((options.accounts - made) as usize);
        let requests: Vec<(NewAccountRequest, u64, u32)> =
            (0..n).map(|_| account_request(&mut rng, opened_on)).collect();
        desk.batch(|b| {
            for (request, base_gal, dials) in &requests {
                let account = b.open_account(&batch, at(opened_on), request)?;
                households.push(Household {
                    account,
                    base_gal: *base_gal,
                    reading: request.opening_read,
                    dials: *dials,
                    payer: Payer::OnTime,
                    leak_month: None,
                    last_bill: None,
                    last_estimated: None,
                });
            }
            Ok(())
        })?;
        made += n as u32;
        progress("Opening accounts", 0.1 * f64::from(made) / f64::from(options.accounts.max(1)));
    }
    for household in &mut households {
        household.payer = match rng.below(100) {
            0..=79 => Payer::OnTime,
            80..=89 => Payer::SometimesLate,
            90..=95 => Payer::Partial,
            _ => Payer::Struggling,
        };
        if rng.chance(60) {
            household.leak_month = Some(rng.below(u64::from(options.months)) as u32);
        }
    }
    summary.accounts = households.len() as u64;

    for month in 0..options.months {
        let start = first_start + Months::new(month);
        let end = month_end(start);
        let bill_date = end + Days::new(2);
        let due = bill_date + Days::new(crate::desk::PAYMENT_TERMS_DAYS);
        if start.month() == 5 {
            desk.recompute_sewer_caps(&staff.batch, at(start), start.year())?;
        }
        desk.batch(|b| {
            month::simulate_month(
                b,
                &mut rng,
                &mut households,
                &mut summary,
                month,
                (start, end, bill_date, due),
                today,
                &staff,
            )
        })?;
        summary.last_period = Some(start);
        progress("Billing", 0.1 + 0.9 * f64::from(month + 1) / f64::from(options.months.max(1)));
    }
    progress("Logging calls and visits", 1.0);
    let complaints = contacts::log_contacts(desk, options, &households, first_start, today, &staff, &mut summary)?;
    progress("Drafting service orders", 1.0);
    orders::write_orders(desk, options, &households, &complaints, now, today, &staff, &mut summary)?;
    desk.set_meta("demo", &format!("seed={} accounts={} months={}", options.seed, options.accounts, options.months))?;
    desk.set_meta(DEMO_STATE, "complete")?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Demo data goes only into a new file: not into one made with `init`
/// (a production database, whatever it holds), not over a demo, and not
/// into a demo that stopped part-way (it cannot be finished in place).
fn refuse_unless_new(desk: &mut Desk) -> Result<()> {
    let path = desk.path().map_or_else(|| "the database".to_string(), |p| p.display().to_string());
    if desk.meta(DEMO_STATE)?.as_deref() == Some("building") {
        return Err(DeskError::Invalid(format!(
            "{path} is an incomplete demo database: making it stopped part-way. Delete it (and any {path}-wal and \
             {path}-shm beside it), then run `utility-desk demo` again"
        )));
    }
    let existing = desk.verify_counts()?;
    if existing.accounts > 0 {
        return Err(DeskError::Invalid(format!(
            "{path} already holds {} accounts: demo data only goes into a new database",
            existing.accounts
        )));
    }
    if !desk.users()?.is_empty() {
        return Err(DeskError::Invalid(format!(
            "{path} was made with `init`: it is a production database, and demo data (with its published password) \
             never goes into one. Give `demo` a new file with --db"
        )));
    }
    Ok(())
}

/// The demo's people: the system user and the representatives and reviewers who work the desk.
struct Staff {
    batch: Actor,
    rep1: Actor,
    rep2: Actor,
    rep3: Actor,
    supervisor: Actor,
    manager: Actor,
    /// Requests asked for on or after this day (the last 30) may be left waiting; older
    /// ones were decided long ago (a real queue holds days, not years).
    queue_from: NaiveDate,
}

/// A synthetic household's account, with its base monthly use and dials.
fn account_request(rng: &mut Rng, opened_on: NaiveDate) -> (NewAccountRequest, u64, u32) {
    let first = *rng.pick(names::FIRST_NAMES);
    let last = *rng.pick(names::LAST_NAMES);
    let number = rng.between(100, 19_999);
    let street = if rng.chance(350) {
        let n = rng.between(1, 111);
        let suffix = match (n % 10, n % 100) {
            (_, 11..=13) => "th",
            (1, _) => "st",
            (2, _) => "nd",
            (3, _) => "rd",
            _ => "th",
        };
        format!("{} {n}{suffix} St", rng.pick(names::DIRECTIONS))
    } else {
        format!("{} {} {}", rng.pick(names::DIRECTIONS), rng.pick(names::STREET_NAMES), rng.pick(names::STREET_KINDS))
    };
    let unit = rng.chance(120).then(|| format!("Apt {}", rng.between(1, 40)));
    let zip = (*rng.pick(names::ZIP_CODES)).to_string();
    let address =
        Address { line1: format!("{number} {street}"), line2: unit, city: "Tulsa".into(), state: "OK".into(), zip };
    let mailing = if rng.chance(50) {
        Address {
            line1: format!("PO Box {}", rng.between(100, 99_999)),
            line2: None,
            city: "Tulsa".into(),
            state: "OK".into(),
            zip: address.zip.clone(),
        }
    } else {
        address.clone()
    };
    let base_gal = rng.between(1_500, 9_000) + if rng.chance(100) { rng.between(5_000, 15_000) } else { 0 };
    let dials = if rng.chance(5) { 5 } else { 7 };
    let opening_read = if dials == 5 { rng.between(90_000, 99_000) } else { rng.between(0, 2_000_000) };
    let size = match rng.below(100) {
        0..=84 => MeterSize::FiveEighths,
        85..=95 => MeterSize::ThreeQuarters,
        96..=98 => MeterSize::One,
        _ => MeterSize::OneAndHalf,
    };
    let refuse = (!rng.chance(40)).then(|| Refuse {
        cart: *rng.pick(&[CartSize::Large, CartSize::Large, CartSize::Large, CartSize::Medium, CartSize::Small]),
        frequency: if rng.chance(30) { PickupFrequency::TwiceWeekly } else { PickupFrequency::Weekly },
    });
    let phone = format!("({}) 555-{:04}", rng.pick(&["918", "539"]), rng.below(10_000));
    let email = rng.chance(700).then(|| {
        let clean = |s: &str| s.chars().filter(char::is_ascii_alphabetic).collect::<String>().to_lowercase();
        format!("{}.{}{}@{}", clean(first), clean(last), rng.below(100), rng.pick(names::EMAIL_DOMAINS))
    });
    let request = NewAccountRequest {
        cycle: 1,
        customer: crate::desk::CustomerChoice::New(NewCustomer {
            name: format!("{first} {last}"),
            mailing,
            phone: Some(phone),
            email,
            tax_id_last4: rng.chance(600).then(|| format!("{:04}", rng.below(10_000))),
        }),
        premise: PremiseChoice::New { address, sewer_cap_gal: (base_gal * 97 / 100 / 100) * 100 },
        opened_on: opened_on - Days::new(rng.below(3_000)),
        deposit: if rng.chance(100) { Money::from_cents(10_000) } else { Money::ZERO },
        services: Services {
            meter_number: format!("W{:08}", rng.below(100_000_000)),
            meter_size: size,
            meter_dials: dials,
            sewer: !rng.chance(15),
            stormwater: true,
            refuse,
            emsacare: !rng.chance(120),
        },
        opening_read,
    };
    (request, base_gal, dials)
}
