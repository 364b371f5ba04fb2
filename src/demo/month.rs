//! One month of the demo's billing: each household's bill from its read,
//! payments on time and late, late fees, and the desk's corrections
//! (credits, re-rates after an estimate, waivers, returned checks), with
//! money actions above a person's limits sent for approval.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};

use super::{DemoSummary, Household, Payer, Rng, Staff, at};
use crate::desk::{
    Actor, Batch, BillRequest, CreditRequest, DeskError, MoneyRequest, NewRead, Outcome, PaymentMethod, PaymentRequest,
    RerateRequest, Result, ReverseRequest, WaiveRequest,
};
use crate::domain::Money;
use crate::domain::ledger::{PostingKind, ReasonCode};
use crate::domain::reads::ReadKind;
use crate::domain::user::Role;

/// Seasonal use: summer watering raises use, winter is the base.
fn season_percent(month: u32) -> u64 {
    [95, 92, 97, 105, 120, 140, 160, 155, 130, 110, 98, 96][(month as usize).saturating_sub(1) % 12]
}

/// One month: bills, on-time payments, late fees, late payments, and the
/// desk's corrections (credits, re-reads, waivers, returned checks).
#[allow(clippy::too_many_arguments)]
pub(super) fn simulate_month(
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
                recompute_caps: true,
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
