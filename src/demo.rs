//! Realistic demo data: synthetic customers and 24 months of history, rated
//! and posted through the desk exactly as real work would be, so the demo
//! database passes `verify` like any other. Deterministic per seed.

mod contacts;
mod names;

use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::Serialize;

use crate::desk::{
    Actor, Batch, BillRequest, CreditRequest, Desk, DeskError, MoneyRequest, NewAccountRequest, NewCustomer, NewRead,
    Outcome, PaymentMethod, PaymentRequest, PremiseChoice, RerateRequest, Result, ReverseRequest, WaiveRequest,
};
use crate::domain::Money;
use crate::domain::account::{Address, CartSize, MeterSize, PickupFrequency, Refuse, Services};
use crate::domain::ids::{AccountId, BillId};
use crate::domain::ledger::{PostingKind, ReasonCode};
use crate::domain::reads::ReadKind;
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

/// The system user that posts bill runs, payment files and late fees.
pub const BATCH_USER: &str = "batch";

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
    pub ledger_lines: u64,
    pub first_period: Option<NaiveDate>,
    pub last_period: Option<NaiveDate>,
    #[serde(skip)]
    pub elapsed: Duration,
}

/// SplitMix64: tiny, fast and fixed forever, so a seed gives the same demo
/// in every version (a library generator may change its stream).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
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

/// Seasonal use: summer watering raises use, winter is the base.
fn season_percent(month: u32) -> u64 {
    [95, 92, 97, 105, 120, 140, 160, 155, 130, 110, 98, 96][(month as usize).saturating_sub(1) % 12]
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
/// left half made.
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
    let mut desk = Desk::open(&partial)?;
    let summary = generate(&mut desk, options, now, progress)?;
    drop(desk);
    std::fs::rename(&partial, path)
        .map_err(|e| DeskError::Invalid(format!("cannot move the demo database into place: {e}")))?;
    Ok(summary)
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
    let existing = desk.verify_counts()?;
    if existing.accounts > 0 {
        return Err(DeskError::Invalid(format!(
            "the database already holds {} accounts: demo data only goes into a new database",
            existing.accounts
        )));
    }
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
    for (username, full_name, role) in DEMO_USERS {
        desk.add_user(at(opened_on), username, full_name, *role)?;
        desk.set_password(None, at(opened_on), username, DEMO_PASSWORD)?;
    }
    desk.add_user(at(opened_on), BATCH_USER, "Billing batch (system)", Role::Admin)?;
    desk.set_meta("demo", &format!("seed={} accounts={} months={}", options.seed, options.accounts, options.months))?;
    let batch = desk.actor(BATCH_USER)?;
    let staff = Staff {
        batch: batch.clone(),
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
            desk.recompute_sewer_caps(start.year())?;
        }
        desk.batch(|b| {
            simulate_month(
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
    contacts::log_contacts(desk, options, &households, first_start, today, &staff, &mut summary)?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// One month: bills, on-time payments, late fees, late payments, and the
/// desk's corrections (credits, re-reads, waivers, returned checks).
#[allow(clippy::too_many_arguments)]
fn simulate_month(
    b: &Batch,
    rng: &mut Rng,
    households: &mut [Household],
    summary: &mut DemoSummary,
    month: u32,
    (start, end, bill_date, due): (NaiveDate, NaiveDate, NaiveDate, NaiveDate),
    today: NaiveDate,
    staff: &Staff,
) -> Result<()> {
    // Bills from the month's reads.
    for h in households.iter_mut() {
        let mut used = h.base_gal * season_percent(end.month()) / 100 * rng.between(85, 115) / 100;
        if h.leak_month == Some(month) {
            used *= rng.between(4, 8);
        }
        let estimated = rng.chance(30);
        if estimated {
            used = h.base_gal * season_percent(end.month()) / 100 / 100 * 100;
        }
        let register = 10u64.pow(h.dials);
        let next = (h.reading + used) % register;
        let request = BillRequest {
            account: h.account,
            period_start: start,
            period_end: end,
            bill_date,
            read: NewRead {
                read_on: end,
                reading: next,
                kind: if estimated { ReadKind::Estimated } else { ReadKind::Actual },
                rollover: next < h.reading,
            },
        };
        let posted = b.post_bill(&staff.batch, at(bill_date), &request)?;
        h.reading = next;
        summary.bills += 1;
        summary.ledger_lines += posted.ledger_lines;
        // An estimated read is often followed by an actual one that corrects it.
        if let Some((bill, estimate)) = h.last_estimated.take()
            && rng.chance(400)
            && bill_date <= today
        {
            let corrected = estimate.saturating_sub(rng.between(200, 900));
            let request = MoneyRequest::AdjustByRead(RerateRequest {
                bill,
                corrected_reading: corrected,
                rollover: false,
                reason: ReasonCode::EstimatedRead,
                note: "Actual read received; estimate was high".into(),
                key: format!("demo-rerate-{bill}"),
            });
            match money(b, rng, staff, &staff.rep3, at(bill_date), &request, summary) {
                Ok(true) => summary.adjustments += 1,
                Ok(false) | Err(DeskError::Read(_) | DeskError::NothingToAdjust) => {}
                Err(e) => return Err(e),
            }
        }
        if estimated {
            h.last_estimated = Some((posted.bill, next));
        }
        h.last_bill = Some(posted.bill);
    }
    // On-time payments.
    for h in households.iter() {
        let on_time = match h.payer {
            Payer::OnTime => true,
            Payer::SometimesLate => rng.chance(600),
            Payer::Partial => rng.chance(500),
            Payer::Struggling => rng.chance(250),
        };
        if on_time {
            let received = bill_date + Days::new(rng.between(3, 18));
            pay(b, rng, h, received, today, staff, summary)?;
        }
    }
    // Late fees the day after the due date.
    let assess_on = due + Days::new(1);
    if assess_on <= today {
        let fees = b.assess_late_fees(&staff.batch, at(assess_on), assess_on)?;
        summary.late_fees += fees.assessed;
        summary.ledger_lines += fees.assessed * 2;
    }
    // Late payments, waivers, credits.
    for h in households.iter() {
        // Cheap draws first: the queries run only for the few they pick.
        if !matches!(h.payer, Payer::OnTime) && rng.chance(700) {
            let received = due + Days::new(rng.between(5, 25));
            pay(b, rng, h, received, today, staff, summary)?;
        }
        if rng.chance(100)
            && assess_on + Days::new(3) <= today
            && let Some(bill) = h.last_bill
            && let Some(fee) = b.bill_posting(bill, PostingKind::LateFee)?
        {
            let request = MoneyRequest::Waive(WaiveRequest {
                late_fee: fee,
                note: "First late payment in two years".into(),
                key: format!("demo-waive-{fee}"),
            });
            if !money(b, rng, staff, &staff.rep2, at(assess_on + Days::new(3)), &request, summary)? {
                continue;
            }
            summary.waivers += 1;
            summary.ledger_lines += 2;
        }
        let credit_on = bill_date + Days::new(rng.between(1, 15));
        if credit_on <= today {
            let leak_credit = h.leak_month == Some(month) && rng.chance(500);
            if leak_credit || rng.chance(3) {
                let (reason, amount, note, actor) = if leak_credit {
                    (ReasonCode::Leak, rng.between(2_000, 60_000), "Leak repaired; plumber's invoice seen", &staff.rep3)
                } else {
                    (ReasonCode::Goodwill, rng.between(500, 2_500), "Missed service appointment", &staff.rep2)
                };
                let request = MoneyRequest::Credit(CreditRequest {
                    account: h.account,
                    amount: Money::from_cents(amount as i64),
                    reason,
                    note: note.into(),
                    key: format!("demo-credit-{}-{month}", h.account),
                });
                if !money(b, rng, staff, actor, at(credit_on), &request, summary)? {
                    continue;
                }
                summary.credits += 1;
                summary.ledger_lines += 2;
            }
        }
    }
    Ok(())
}

/// Pays what the household can: usually the balance, sometimes part; now
/// and then the check is returned and the payment reversed.
fn pay(
    b: &Batch,
    rng: &mut Rng,
    h: &Household,
    received: NaiveDate,
    today: NaiveDate,
    staff: &Staff,
    summary: &mut DemoSummary,
) -> Result<()> {
    let batch = &staff.batch;
    if received > today {
        return Ok(());
    }
    let balance = b.balance(h.account)?;
    if !balance.is_positive() {
        return Ok(());
    }
    let cents = match h.payer {
        Payer::Partial | Payer::Struggling => balance.cents() * rng.between(40, 90) as i64 / 100,
        _ => balance.cents(),
    };
    if cents <= 0 {
        return Ok(());
    }
    let method = *rng.pick(&[
        PaymentMethod::Online,
        PaymentMethod::Ach,
        PaymentMethod::Check,
        PaymentMethod::Card,
        PaymentMethod::Lockbox,
        PaymentMethod::Cash,
    ]);
    let key = format!("demo-pay-{}-{received}-{}", h.account, summary.payments);
    let reference = match method {
        PaymentMethod::Check => Some(format!("CHK {}", rng.between(1001, 9999))),
        PaymentMethod::Cash => None,
        _ => Some(format!("TX{:010}", rng.below(10_000_000_000))),
    };
    let posted = b.record_payment(
        batch,
        at(received),
        &PaymentRequest {
            account: h.account,
            amount: Money::from_cents(cents),
            received_on: received,
            method,
            reference,
            key,
        },
    )?;
    summary.payments += 1;
    summary.ledger_lines += 2;
    if method == PaymentMethod::Check && rng.chance(20) {
        let returned = received + Days::new(4);
        if returned <= today {
            let request = MoneyRequest::Reverse(ReverseRequest {
                posting: posted.posting_id,
                note: "Check returned unpaid (NSF)".into(),
                key: format!("demo-nsf-{}", posted.posting_id),
            });
            if !money(b, rng, staff, &staff.rep3, at(returned), &request, summary)? {
                return Ok(());
            }
            summary.reversals += 1;
            summary.ledger_lines += 2;
        }
    }
    Ok(())
}

/// The demo's people: the system user and those who take money actions.
struct Staff {
    batch: Actor,
    rep2: Actor,
    rep3: Actor,
    supervisor: Actor,
    manager: Actor,
    /// Requests asked for on or after this day (the last 30) may be left waiting; older
    /// ones were decided long ago (a real queue holds days, not years).
    queue_from: NaiveDate,
}

/// Submits a money action; above the person's limits it goes for approval,
/// which a reviewer usually grants, sometimes rejects, and now and then
/// leaves waiting if it is recent (so the demo's queue is not empty, and
/// holds what a real one would: the last weeks). Returns whether money
/// was posted. A second request for something already waiting is skipped.
fn money(
    b: &Batch,
    rng: &mut Rng,
    staff: &Staff,
    actor: &Actor,
    now: DateTime<Utc>,
    request: &MoneyRequest,
    summary: &mut DemoSummary,
) -> Result<bool> {
    let outcome = match b.submit(actor, now, request) {
        Ok(outcome) => outcome,
        Err(DeskError::DuplicateRequest { .. }) => return Ok(false),
        Err(e) => return Err(e),
    };
    match outcome {
        Outcome::Posted(_) => Ok(true),
        Outcome::Pending { request, reviewer, .. } => {
            summary.requests += 1;
            let approver = if reviewer == Role::Supervisor && actor.user_id != staff.supervisor.user_id {
                &staff.supervisor
            } else {
                &staff.manager
            };
            // Of the last month's requests most still wait; of older ones
            // most were granted and some refused.
            let recent = now.date_naive() >= staff.queue_from;
            match (rng.below(100), recent) {
                (0..=29, true) | (0..=79, false) | (90.., false) => {
                    b.approve(approver, now, request, None, Some("Checked against the account history"))?;
                    Ok(true)
                }
                (80..=89, false) => {
                    b.reject(approver, now, request, "Not supported by the account history")?;
                    Ok(false)
                }
                (_, true) => Ok(false),
            }
        }
    }
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
        customer: NewCustomer {
            name: format!("{first} {last}"),
            mailing,
            phone: Some(phone),
            email,
            tax_id_last4: rng.chance(600).then(|| format!("{:04}", rng.below(10_000))),
        },
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
