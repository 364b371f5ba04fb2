//! The demo's calls, visits and letters: contacts on the accounts over the
//! demo's months, about one in eight opening a complaint — some referred by
//! 311, the Mayor's office or a council member — worked through the queues
//! to every state: closed on time or late, open and overdue, assigned,
//! escalated, reopened. And disputes on a few latest bills: open, granted,
//! denied.

use chrono::{Days, Months, NaiveDate};

use super::{DemoOptions, DemoSummary, Household, Rng, Staff, at};
use crate::desk::{
    Assignee, Batch, ComplaintAction, ContactRequest, Desk, DisputeDecision, DisputeRequest, NewComplaint, Result,
};
use crate::domain::Money;
use crate::domain::calendar::Calendar;
use crate::domain::cases::{
    COUNCIL_DISTRICTS, Channel, ComplaintCategory, Priority, Queue, Resolution, ServiceLevels, Source,
};
use crate::domain::ids::AccountId;
use crate::domain::ledger::ReasonCode;

/// What a customer called or wrote about, and the complaint it opened, if any.
type Said = (&'static str, Option<ComplaintCategory>);

const CONTACTS: &[Said] = &[
    ("Asked why this month's bill is higher than last month's; explained the summer use", None),
    ("Asked for the due date and the amount to pay today", None),
    ("Called to check a payment made online had arrived", None),
    ("Asked how the sewer cap is worked out; explained the winter average", None),
    ("Reported a missed refuse pick-up on the usual day", None),
    ("Asked to set up automatic payments from a bank account", None),
    ("Disputes the water use on the latest bill: says nobody was home that week", Some(ComplaintCategory::HighBill)),
    ("Says the meter reader left the gate open and the dog got out", Some(ComplaintCategory::Staff)),
    ("Refuse cart not emptied two weeks running", Some(ComplaintCategory::Refuse)),
    ("Low water pressure in the mornings since the street work", Some(ComplaintCategory::WaterService)),
];

/// Contacts over the demo's months, from a random stream of their own so
/// the ledger's figures do not move when these change.
pub(super) fn log_contacts(
    desk: &mut Desk,
    options: &DemoOptions,
    households: &[Household],
    first_start: NaiveDate,
    today: NaiveDate,
    staff: &Staff,
    summary: &mut DemoSummary,
) -> Result<Vec<Opened>> {
    let mut rng = Rng(options.seed ^ 0xC0DE_CA11_5EED);
    let channels = [Channel::Phone, Channel::Phone, Channel::Phone, Channel::WalkIn, Channel::Email, Channel::Letter];
    let mut opened: Vec<Opened> = Vec::new();
    desk.batch(|b| {
        for h in households {
            for month in 0..options.months {
                if !rng.chance(25) {
                    continue;
                }
                let day = first_start + Months::new(month) + Days::new(rng.below(27));
                // About one contact in eight is a complaint.
                let (plain, complaints): (Vec<&Said>, Vec<&Said>) = CONTACTS.iter().partition(|(_, c)| c.is_none());
                let (said, complaint) = if rng.chance(125) { **rng.pick(&complaints) } else { **rng.pick(&plain) };
                let actor = if rng.chance(500) { &staff.rep2 } else { &staff.rep3 };
                let channel = *rng.pick(&channels);
                if day > today {
                    continue;
                }
                let new = complaint.map(|category| referred(&mut rng, category));
                let request = ContactRequest {
                    account: h.account,
                    channel,
                    summary: said.to_string(),
                    complaint: new.clone(),
                    about: None,
                    identity: None,
                };
                let logged = b.log_contact(actor, at(day), &request)?;
                summary.contacts += 1;
                if let (Some(id), Some(new)) = (logged.complaint, new) {
                    summary.complaints += 1;
                    let (source, priority, category) = (new.source, new.priority, new.category);
                    opened.push(Opened { id, account: h.account, category, day, source, priority });
                }
            }
        }
        work_complaints(b, &mut rng, &opened, today, staff)?;
        open_disputes(b, &mut rng, households, today, staff, summary)
    })?;
    Ok(opened)
}

/// A complaint as opened, for working it afterwards (and for the service
/// orders some of them lead to).
pub(super) struct Opened {
    pub(super) id: i64,
    pub(super) account: AccountId,
    pub(super) category: ComplaintCategory,
    pub(super) day: NaiveDate,
    source: Source,
    priority: Priority,
}

/// Where a complaint came from: mostly the customer, some by 311, the
/// Mayor's office, a council member (with their district) or an agency.
fn referred(rng: &mut Rng, category: ComplaintCategory) -> NewComplaint {
    let source = match rng.below(100) {
        0..=59 => Source::Customer,
        60..=71 => Source::ThreeOneOne,
        72..=79 => Source::Mayor,
        80..=95 => Source::Council,
        _ => Source::Agency,
    };
    let priority = match rng.below(100) {
        0..=4 => Priority::Urgent,
        5..=24 => Priority::High,
        25..=89 => Priority::Normal,
        _ => Priority::Low,
    };
    let council_district = (source == Source::Council).then(|| 1 + rng.below(u64::from(COUNCIL_DISTRICTS)) as u8);
    let reference = match source {
        Source::ThreeOneOne => Some(format!("311-{}", 400_000 + rng.below(99_999))),
        Source::Mayor => Some(format!("AC-{}", 10_000 + rng.below(8_999))),
        Source::Council => Some(format!("CC{}-{}", council_district.unwrap_or(1), 1_000 + rng.below(8_999))),
        _ => None,
    };
    NewComplaint { source, council_district, reference, priority, ..NewComplaint::from_customer(category) }
}

const RESOLUTIONS: &[Resolution] = &[
    Resolution::Explained,
    Resolution::Explained,
    Resolution::Explained,
    Resolution::Adjusted,
    Resolution::Adjusted,
    Resolution::FieldWork,
    Resolution::Referred,
    Resolution::NoAction,
    Resolution::Withdrawn,
];

/// Works each complaint as the desk would have: most closed (a few after
/// their due date), some still open — assigned, escalated, overdue — and a
/// few reopened when the customer called back.
fn work_complaints(b: &Batch, rng: &mut Rng, opened: &[Opened], today: NaiveDate, staff: &Staff) -> Result<()> {
    let (Ok(calendar), Ok(levels)) = (Calendar::city(), ServiceLevels::city()) else { return Ok(()) };
    let yesterday = today - Days::new(1);
    for c in opened {
        let due = levels.due_on(&calendar, c.source, c.priority, c.day);
        let on = |days: u64| at((c.day + Days::new(days)).min(yesterday).max(c.day));
        let liaison = c.source.is_liaison();
        let mut handler = if liaison { &staff.rep3 } else { &staff.rep2 };
        if rng.chance(150) {
            let queue = if liaison || rng.chance(400) { Queue::Supervisor } else { Queue::Car3 };
            let reason = "Customer asked for a supervisor".to_string();
            b.work_complaint(&staff.rep2, on(1), c.id, &ComplaintAction::Escalate { to: queue, reason })?;
            handler = if queue == Queue::Supervisor { &staff.supervisor } else { &staff.rep3 };
        }
        if rng.chance(300) {
            let note = "Called the customer back; waiting on the meter shop".to_string();
            b.work_complaint(handler, on(1), c.id, &ComplaintAction::Note { note })?;
        }
        // How long it took: most within the service level, some longer.
        let span = (due - c.day).num_days().max(1) as u64;
        let took = if rng.chance(800) { rng.between(0, span) } else { rng.between(span + 1, span * 3 + 5) };
        let closes_on = c.day + Days::new(took);
        if closes_on >= today || rng.chance(60) {
            // Still open: someone has it, or it waits in its queue.
            if rng.chance(500) {
                let to = Assignee::Person(handler.username.clone());
                b.work_complaint(handler, on(0), c.id, &ComplaintAction::Assign { to })?;
            }
            continue;
        }
        let resolution = *rng.pick(RESOLUTIONS);
        let note = match resolution {
            Resolution::Adjusted => "Adjusted the bill for the estimated read",
            Resolution::FieldWork => "Field crew fixed the service; customer confirmed",
            Resolution::Referred => "Referred to Streets and Stormwater",
            _ => "Explained the charges; customer satisfied",
        };
        let close = ComplaintAction::Close { resolution, note: note.to_string() };
        b.work_complaint(handler, on(took), c.id, &close)?;
        if rng.chance(40) && closes_on + Days::new(3) < today {
            let reason = "Customer called back: the problem is back".to_string();
            b.work_complaint(handler, on(took + 3), c.id, &ComplaintAction::Reopen { reason })?;
        }
    }
    Ok(())
}

/// Disputes on about one latest bill in sixty: most waiting for a CAR III,
/// some granted as a credit, some denied.
fn open_disputes(
    b: &Batch,
    rng: &mut Rng,
    households: &[Household],
    today: NaiveDate,
    staff: &Staff,
    summary: &mut DemoSummary,
) -> Result<()> {
    let when = at(today - Days::new(1));
    for h in households {
        let Some(bill) = h.last_bill else { continue };
        if !rng.chance(16) {
            continue;
        }
        let amount = rng.chance(500).then(|| Money::from_cents(500 + 100 * rng.below(30) as i64));
        let reason = "Customer disputes the water use: says a toilet leak was fixed before the read";
        let request = DisputeRequest { bill, amount, reason: reason.into(), complaint: None };
        let Ok(id) = b.open_dispute(&staff.rep2, when, &request) else { continue };
        summary.disputes += 1;
        let decision = match rng.below(100) {
            0..=59 => continue,
            60..=84 => DisputeDecision::Grant {
                line: None,
                amount: Some(Money::from_cents(1_000 + 100 * rng.below(20) as i64)),
                reason: ReasonCode::Leak,
                note: "Plumber's invoice shows the leak; credited part of the water".into(),
            },
            _ => DisputeDecision::Deny { note: "Reads confirmed by photo; use matches the season".into() },
        };
        // A grant larger than the dispute (a partial one) is refused: fine, it stays open.
        let _ = b.resolve_dispute(&staff.rep3, when, id, &decision);
    }
    Ok(())
}
