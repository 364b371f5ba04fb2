//! The demo's calls, visits and letters: contacts on the accounts over the
//! demo's months, about one in eight opening a complaint.

use chrono::{Days, Months, NaiveDate};

use super::{DemoOptions, DemoSummary, Household, Rng, Staff, at};
use crate::desk::{ContactRequest, Desk, NewComplaint, Result};
use crate::domain::cases::{Channel, ComplaintCategory};

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
) -> Result<()> {
    let mut rng = Rng(options.seed ^ 0xC0DE_CA11_5EED);
    let channels = [Channel::Phone, Channel::Phone, Channel::Phone, Channel::WalkIn, Channel::Email, Channel::Letter];
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
                let request = ContactRequest {
                    account: h.account,
                    channel,
                    summary: said.to_string(),
                    complaint: complaint.map(NewComplaint::from_customer),
                    about: None,
                };
                b.log_contact(actor, at(day), &request)?;
                summary.contacts += 1;
                summary.complaints += u64::from(complaint.is_some());
            }
        }
        Ok(())
    })
}
