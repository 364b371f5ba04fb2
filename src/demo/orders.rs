//! The demo's service orders: on about one account in eighty, and on some
//! recent complaints about a high bill or the water, an order of each kind
//! drafted by a CAR I or II and worked by a CAR III to every state — a
//! draft (some still missing a field), waiting for review, reviewed, in the
//! field, completed (a re-read with its reading), cancelled — and some a
//! review sent back to draft with flags: an address that is not the
//! account's, a meter typed wrong, a date already past, a transfer to where
//! service already is, a second open order for the premise.

use chrono::{DateTime, Days, NaiveDate, Utc};

use super::contacts::Opened;
use super::{DemoOptions, DemoSummary, Household, Rng, Staff, at, names};
use crate::desk::{Actor, Batch, CaseRef, ContactRequest, Desk, OrderCompletion, OrderRequest, Result, ReviewOutcome};
use crate::domain::cases::{Channel, ComplaintCategory};
use crate::domain::ids::AccountId;
use crate::domain::orders::{OrderFields, OrderKind};
use crate::records::{AccountRow, BillRow};

/// Where an order is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Submitted,
    Draft,
    Reviewed,
    Sent,
    Completed,
    Cancelled,
    /// Submitted, then returned to draft by the review; some fixed and submitted again.
    Returned,
}

/// The first accounts chosen go through every fate, each time with the next
/// kind, so seven accounts show every state and forty-nine every pair.
const FATES: [Fate; 7] =
    [Fate::Submitted, Fate::Draft, Fate::Reviewed, Fate::Sent, Fate::Completed, Fate::Cancelled, Fate::Returned];

/// After those, mostly orders waiting for review: the queue a CAR III works.
const MORE_FATES: [Fate; 6] =
    [Fate::Submitted, Fate::Submitted, Fate::Submitted, Fate::Returned, Fate::Sent, Fate::Completed];

/// In the order of `FATES` for the first seven: a high-bill investigation
/// waits for review, a stop is a draft, ... and a completed re-read, so even
/// a small demo has one with its reading.
const KINDS: [OrderKind; 7] = [
    OrderKind::HighBillInvestigation,
    OrderKind::StopService,
    OrderKind::MeterTest,
    OrderKind::TransferService,
    OrderKind::MeterReread,
    OrderKind::StartService,
    OrderKind::LeakInspection,
];

/// An order to make.
struct Plan {
    account: AccountId,
    kind: OrderKind,
    fate: Fate,
    drafted: NaiveDate,
    complaint: Option<i64>,
}

/// The account as the desk shows it, with its recent bills (newest first).
struct Facts {
    account: AccountRow,
    bills: Vec<BillRow>,
}

/// Makes the orders, from a random stream of their own so nothing else in
/// the demo moves when they change; counts them in `summary`.
#[allow(clippy::too_many_arguments)]
pub(super) fn write_orders(
    desk: &mut Desk,
    options: &DemoOptions,
    households: &[Household],
    complaints: &[Opened],
    now: DateTime<Utc>,
    today: NaiveDate,
    staff: &Staff,
    summary: &mut DemoSummary,
) -> Result<()> {
    let mut rng = Rng(options.seed ^ 0x0DE2_5E4F_1E1D);
    let plans = plan(&mut rng, households, complaints, today);
    let mut facts = Vec::with_capacity(plans.len());
    for p in &plans {
        let overview = desk.overview(p.account, now)?;
        facts.push(Facts { account: overview.account, bills: overview.bills });
    }
    let mut returned = 0;
    desk.batch(|b| {
        for (p, facts) in plans.iter().zip(&facts) {
            let mut work = Work { b, rng: &mut rng, staff, facts, summary: &mut *summary, returned: &mut returned };
            work.order(p)?;
        }
        Ok(())
    })
}

/// Which accounts get which order, and when it was drafted.
fn plan(rng: &mut Rng, households: &[Household], complaints: &[Opened], today: NaiveDate) -> Vec<Plan> {
    let total = households.len();
    // Small demos (the window's tests) still show every state.
    let wanted = (total / 80).max(total.min(FATES.len()));
    let mut plans = Vec::with_capacity(wanted + 8);
    for (i, h) in households.iter().enumerate() {
        // Selection sampling: exactly `wanted` accounts, spread over all of them.
        let chosen = plans.len();
        if rng.below((total - i) as u64) >= (wanted - chosen) as u64 {
            continue;
        }
        let (kind, fate) = if chosen < FATES.len() * KINDS.len() {
            (KINDS[(chosen + chosen / FATES.len()) % KINDS.len()], FATES[chosen % FATES.len()])
        } else {
            (*rng.pick(&KINDS), *rng.pick(&MORE_FATES))
        };
        let drafted = today - Days::new(days_ago(rng, fate));
        plans.push(Plan { account: h.account, kind, fate, drafted, complaint: None });
    }
    // Most complaints about a high bill or the water from the last two
    // months got an order the same day, linked to it.
    for c in complaints {
        let age = (today - c.day).num_days();
        let kind = match c.category {
            ComplaintCategory::HighBill if rng.chance(300) => OrderKind::MeterReread,
            ComplaintCategory::HighBill => OrderKind::HighBillInvestigation,
            ComplaintCategory::WaterService => OrderKind::LeakInspection,
            _ => continue,
        };
        if !(1..=60).contains(&age) || !rng.chance(700) {
            continue;
        }
        let fate = match (age, rng.below(100)) {
            (1..=2, _) => Fate::Submitted,
            (3..=7, _) | (_, 0..=9) => Fate::Sent,
            (_, 10..=24) => Fate::Cancelled,
            _ => Fate::Completed,
        };
        plans.push(Plan { account: c.account, kind, fate, drafted: c.day, complaint: Some(c.id) });
    }
    plans
}

/// How long ago an order with `fate` was drafted: long enough for its steps
/// to have happened by yesterday.
fn days_ago(rng: &mut Rng, fate: Fate) -> u64 {
    match fate {
        Fate::Submitted | Fate::Draft => rng.between(1, 6),
        Fate::Reviewed => rng.between(2, 6),
        Fate::Sent => rng.between(3, 12),
        Fate::Returned => rng.between(4, 9),
        Fate::Cancelled => rng.between(4, 30),
        Fate::Completed => rng.between(8, 40),
    }
}

/// One order's work, inside the demo's batch.
struct Work<'a, 'b> {
    b: &'a Batch<'b>,
    rng: &'a mut Rng,
    staff: &'a Staff,
    facts: &'a Facts,
    summary: &'a mut DemoSummary,
    /// How many orders a review has sent back so far.
    returned: &'a mut u32,
}

impl Work<'_, '_> {
    /// Drafts the order and takes it as far as its fate. A review that finds
    /// something the plan did not expect leaves it returned, as a person's would.
    fn order(&mut self, p: &Plan) -> Result<()> {
        let staff = self.staff;
        let author = if self.rng.chance(500) { &staff.rep1 } else { &staff.rep2 };
        let d = p.drafted;
        let day = |n: u64| d + Days::new(n);
        // A re-read or an investigation is about the last bill the customer had.
        let bill = self.facts.bills.iter().find(|bill| bill.bill_date < d);
        let needs_bill = matches!(p.kind, OrderKind::MeterReread | OrderKind::HighBillInvestigation);
        if needs_bill && bill.is_none() {
            return Ok(());
        }
        // A start, stop or transfer done in the field is done on its date.
        let service_date = match p.fate {
            Fate::Completed => day(3 + self.rng.below(3)),
            _ => day(self.rng.between(7, 21)),
        };
        // A stop or transfer done ends service after the last bill's period
        // (its final bill comes with the next run), never inside it.
        let service_date = match self.facts.bills.iter().map(|bill| bill.period_end).max() {
            Some(billed) if p.fate == Fate::Completed && p.kind.stops_service() => {
                service_date.max(billed + Days::new(1))
            }
            _ => service_date,
        };
        let mut fields = self.fields(p.kind, bill, service_date);
        let right = fields.clone();
        if p.fate == Fate::Returned {
            if needs_bill {
                // The customer called twice and two people drafted it: the first went out.
                let first = Plan { fate: Fate::Sent, drafted: d, complaint: None, ..*p };
                self.order(&first)?;
            } else {
                self.spoil(p.kind, &mut fields, d);
            }
        }
        if p.fate == Fate::Draft && self.rng.chance(500) {
            // Still waiting on the customer for one of the required fields.
            let lacking = *self.rng.pick(p.kind.required());
            fields = without(fields, lacking);
        }
        let request =
            OrderRequest { account: self.facts.account.account.id, kind: p.kind, fields, complaint: p.complaint };
        let b = self.b;
        let id = b.draft_order(author, at(d), &request)?;
        self.summary.orders += 1;
        if p.fate == Fate::Draft {
            return Ok(());
        }
        if p.fate == Fate::Cancelled && self.rng.chance(300) {
            let reason = match p.kind {
                OrderKind::LeakInspection => "Customer called back: their plumber found the leak inside and fixed it",
                OrderKind::MeterTest => "Customer called back: the high reading is explained; no test needed",
                OrderKind::MeterReread | OrderKind::HighBillInvestigation => {
                    "Customer called back: no longer needed once the bill was explained"
                }
                _ => "Customer called back: the move is off for now",
            };
            return b.cancel_order(author, at(day(1)), id, reason);
        }
        b.submit_order(author, at(d), id)?;
        if p.fate == Fate::Submitted {
            return Ok(());
        }
        let car3 = &staff.rep3;
        // Past draft, a CAR III cancels, with why, by the step it had reached.
        let cancel = |stage: u64, reason: &str| b.cancel_order(car3, at(day(stage)), id, reason);
        if p.fate == Fate::Cancelled && self.rng.chance(300) {
            return cancel(1, "Customer withdrew the request before the review");
        }
        // A stop drafted for tomorrow and reviewed the day after is late.
        let reviewed_on = if p.fate == Fate::Returned && p.kind == OrderKind::StopService { day(2) } else { day(1) };
        match b.review_order(car3, at(reviewed_on), id, None)? {
            ReviewOutcome::Reviewed => {}
            ReviewOutcome::ReturnedToDraft { .. } => return self.after_return(p, id, author, reviewed_on, right),
        }
        if p.fate == Fate::Reviewed {
            return Ok(());
        }
        if p.fate == Fate::Cancelled && self.rng.chance(500) {
            return cancel(2, "Customer asked to hold off and call back when ready");
        }
        b.send_order(car3, at(day(2)), id, None)?;
        if p.fate == Fate::Cancelled {
            return cancel(3, "Crew could not get in twice; the customer asked to cancel and call back");
        }
        if p.fate == Fate::Completed {
            let on = if p.kind.changes_service() { service_date } else { day(3 + self.rng.below(5)) };
            let completion = self.completion(p.kind, bill);
            b.complete_order(&staff.rep2, at(on), id, &completion)?;
        } else if self.rng.chance(400) {
            // The customer calls to ask when the crew is coming.
            let request = ContactRequest {
                account: request.account,
                channel: Channel::Phone,
                summary: "Asked when the crew is coming; gave the order number and the usual window".into(),
                complaint: None,
                about: Some(CaseRef::Order(id)),
                identity: None,
            };
            b.log_contact(author, at(day(2)), &request)?;
            self.summary.contacts += 1;
        }
        Ok(())
    }

    /// Back in draft with the review's flags: every other one is fixed
    /// (`right` is what should have been typed) and submitted again, or, a
    /// duplicate, cancelled by its author; the rest wait in draft.
    fn after_return(
        &mut self,
        p: &Plan,
        id: i64,
        author: &Actor,
        reviewed_on: NaiveDate,
        right: OrderFields,
    ) -> Result<()> {
        let next = reviewed_on + Days::new(1);
        if p.fate != Fate::Returned {
            return Ok(());
        }
        *self.returned += 1;
        if *self.returned % 2 == 1 {
            return Ok(());
        }
        if matches!(p.kind, OrderKind::MeterReread | OrderKind::HighBillInvestigation) {
            let reason = "Duplicate: the first order for this bill is already in the field";
            return self.b.cancel_order(author, at(next), id, reason);
        }
        // `right`'s service date, if any, is a week or more after the drafting: still ahead.
        self.b.update_order(author, at(next), id, &right)?;
        self.b.submit_order(author, at(next), id)
    }

    /// The fields a representative types for an order of `kind` on this account.
    fn fields(&mut self, kind: OrderKind, bill: Option<&BillRow>, service_date: NaiveDate) -> OrderFields {
        let rng = &mut *self.rng;
        let premise = &self.facts.account.premise.address;
        let said = match &premise.line2 {
            Some(unit) if rng.chance(500) => format!("{}, {unit}", premise.line1),
            _ if rng.chance(300) => format!("{}, Tulsa", premise.line1),
            _ => premise.line1.clone(),
        };
        let phone = Some(format!("({}) 555-01{:02}", rng.pick(&["918", "539"]), rng.below(100)));
        let access = rng.chance(350).then(|| (*rng.pick(ACCESS_NOTES)).to_string());
        let reason = |rng: &mut Rng, reasons: &[&str]| Some((*rng.pick(reasons)).to_string());
        let base = OrderFields { contact_phone: phone, access_notes: access, ..OrderFields::default() };
        match kind {
            OrderKind::StartService => OrderFields {
                service_date: Some(service_date),
                service_address: Some(said),
                reason: reason(rng, START_REASONS),
                ..base
            },
            OrderKind::StopService => OrderFields {
                service_date: Some(service_date),
                service_address: Some(said),
                forwarding_address: Some(elsewhere(rng)),
                reason: reason(rng, STOP_REASONS),
                ..base
            },
            OrderKind::TransferService => OrderFields {
                service_date: Some(service_date),
                service_address: Some(said),
                new_address: Some(format!("{}, Tulsa OK {}", street_address(rng), rng.pick(names::ZIP_CODES))),
                reason: reason(rng, TRANSFER_REASONS),
                ..base
            },
            OrderKind::MeterReread => {
                OrderFields { bill: bill.map(|b| b.id), reason: reason(rng, REREAD_REASONS), ..base }
            }
            OrderKind::LeakInspection => {
                OrderFields { service_address: Some(said), leak_location: reason(rng, LEAK_LOCATIONS), ..base }
            }
            OrderKind::HighBillInvestigation => {
                OrderFields { bill: bill.map(|b| b.id), reason: reason(rng, HIGH_BILL_REASONS), ..base }
            }
            OrderKind::MeterTest => OrderFields {
                meter_number: Some(self.facts.account.services.meter_number.clone()),
                reason: reason(rng, METER_TEST_REASONS),
                ..base
            },
        }
    }

    /// The mistake the review will catch, by kind.
    fn spoil(&mut self, kind: OrderKind, fields: &mut OrderFields, drafted: NaiveDate) {
        match kind {
            // The house next door, or the customer's old address.
            OrderKind::StartService | OrderKind::LeakInspection => {
                let line1 = &self.facts.account.premise.address.line1;
                let numbered = line1.split_once(' ').and_then(|(n, street)| Some((n.parse::<u64>().ok()?, street)));
                fields.service_address = Some(match numbered {
                    Some((number, street)) => format!("{} {street}", number + 2),
                    None => street_address(self.rng),
                });
            }
            // Dated tomorrow; the review is the day after.
            OrderKind::StopService => fields.service_date = Some(drafted + Days::new(1)),
            // The service address typed where the new one goes.
            OrderKind::TransferService => fields.new_address = fields.service_address.clone(),
            // Two digits swapped.
            OrderKind::MeterTest => {
                let meter = &self.facts.account.services.meter_number;
                fields.meter_number = Some(misread_meter(meter));
            }
            OrderKind::MeterReread | OrderKind::HighBillInvestigation => {}
        }
    }

    /// What the field found.
    fn completion(&mut self, kind: OrderKind, bill: Option<&BillRow>) -> OrderCompletion {
        let rng = &mut *self.rng;
        let (outcome, reading) = match kind {
            OrderKind::MeterReread => {
                // The register a little below the billed read: the read was high.
                let reading = bill.map_or(0, |b| {
                    let (from, to) = (b.previous_read.reading, b.current_read.reading);
                    if to > from { from + (to - from) * rng.between(55, 90) / 100 } else { to }
                });
                (format!("Re-read the meter: register at {reading}; the billed read was high"), Some(reading))
            }
            OrderKind::StartService => ("Turned on at the curb stop; customer confirmed water at the tap".into(), None),
            OrderKind::StopService => ("Turned off at the curb stop and locked; final read taken".into(), None),
            OrderKind::TransferService => {
                ("Final read at the old address; service on at the new one the same day".into(), None)
            }
            _ => ((*rng.pick(outcomes(kind))).to_string(), None),
        };
        OrderCompletion { outcome, reading, rollover: false, new_service: None }
    }
}

/// The fields without `field` (as if not yet typed).
fn without(mut fields: OrderFields, field: crate::domain::orders::Field) -> OrderFields {
    use crate::domain::orders::Field;
    match field {
        Field::ServiceDate => fields.service_date = None,
        Field::Bill => fields.bill = None,
        text => fields.set_text(text, ""),
    }
    fields
}

/// A Tulsa street address, as a customer gives it.
fn street_address(rng: &mut Rng) -> String {
    format!(
        "{} {} {} {}",
        rng.between(100, 19_999),
        rng.pick(names::DIRECTIONS),
        rng.pick(names::STREET_NAMES),
        rng.pick(names::STREET_KINDS)
    )
}

/// Where a stopped account's final bill goes.
fn elsewhere(rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => format!("PO Box {}, Tulsa OK {}", rng.between(100, 99_999), rng.pick(names::ZIP_CODES)),
        1 => format!("{}, Broken Arrow OK 74012", street_address(rng)),
        _ => format!("{}, Tulsa OK {}", street_address(rng), rng.pick(names::ZIP_CODES)),
    }
}

/// The meter number with its last two digits swapped (or the last changed, if they are the same).
fn misread_meter(meter: &str) -> String {
    let mut chars: Vec<char> = meter.chars().collect();
    let n = chars.len();
    if n >= 2 && chars[n - 1] != chars[n - 2] {
        chars.swap(n - 1, n - 2);
    } else if let Some(last) = chars.last_mut() {
        *last = if *last == '1' { '2' } else { '1' };
    }
    chars.into_iter().collect()
}

fn outcomes(kind: OrderKind) -> &'static [&'static str] {
    match kind {
        OrderKind::LeakInspection => &[
            "Leak at the meter's coupling on the city side; the crew replaced the gasket",
            "Leak on the customer's side of the meter; told them to call a plumber",
            "No leak found: the wet spot was the neighbour's sprinkler",
        ],
        OrderKind::HighBillInvestigation => &[
            "Read confirmed; dye test shows a running toilet: told the customer how to fix it",
            "Read confirmed and no leak found; use matches the summer watering",
            "Meter's low-flow dial turning with every tap off: leak on the customer's side",
        ],
        _ => &[
            "Bench test at 99.1% accuracy: within the AWWA limits; meter put back",
            "Meter registered 4% fast on the bench test: replaced it",
        ],
    }
}

const ACCESS_NOTES: &[&str] = &[
    "Meter in the back yard; gate code 4471",
    "Large dog in the yard: call before coming",
    "Meter box under the hedge by the driveway",
    "Customer home after 3 pm only",
];

const START_REASONS: &[&str] = &[
    "Service was off for the plumber's repair of the service line; asks to turn it back on",
    "Back from six months away; asks for water on before moving back in",
];

const STOP_REASONS: &[&str] = &[
    "Moving out of state",
    "House sold; the buyers will open their own account",
    "Tenant leaving at the end of the lease",
];

const TRANSFER_REASONS: &[&str] =
    &["Moving across town; same household", "Bought a house in Tulsa; moving from the rental"];

const REREAD_REASONS: &[&str] = &[
    "Bill was estimated; customer read the meter herself and says it is lower",
    "Customer says the read on the bill is higher than the meter shows today",
    "Nobody home for three weeks; the read cannot be right",
];

const LEAK_LOCATIONS: &[&str] = &[
    "Water pooling by the meter box",
    "Wet spot in the front yard near the curb stop",
    "Hissing from the meter pit at night",
    "Water running down the gutter from the parkway",
];

const HIGH_BILL_REASONS: &[&str] = &[
    "Use doubled this month with nobody home for two weeks",
    "Bill three times the usual; no pool, no sprinklers, no leaks found inside",
    "Disputes the water use on the latest bill",
];

const METER_TEST_REASONS: &[&str] = &[
    "Says the meter turns with every tap off",
    "Customer asks for a meter test after two high bills in a row",
    "Meter looks fogged and hard to read; customer doubts it",
];
