//! Bills from meter reads, bill runs, and bill adjustments (by a corrected
//! read, re-rated line by line, or by amount on one line).

use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::accounts::open_account_row;
use super::approvals::{Ask, Check};
use super::{
    Actor, Batch, Desk, DeskError, FreshKey, KeyCheck, Posted, Result, SYSTEM_KEY_PREFIX, check_client_request,
    post_fresh, required_note,
};
use crate::domain::Money;
use crate::domain::account::ServiceKind;
use crate::domain::authority::MoneyAction;
use crate::domain::ids::ReadId;
use crate::domain::ids::{AccountId, BillId};
use crate::domain::ledger::{ChartAccount, Line, NewPosting, PostingKind, ReasonCode, Side, merge_lines};
use crate::domain::money::AmountError;
use crate::domain::rates::{BillLine, MonthShare, RateBook, RatingInput};
use crate::domain::reads::{ReadKind, consumption};
use crate::records::ReadRow;
use crate::records::{BillRow, NewBill};
use crate::store::Db;

/// Days from the bill date to the due date.
pub const PAYMENT_TERMS_DAYS: u64 = 20;

/// A meter read as entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRead {
    pub read_on: NaiveDate,
    pub reading: u64,
    pub kind: ReadKind,
    /// The person confirmed the register rolled over past its last dial.
    pub rollover: bool,
}

/// One month's bill for an account, from its closing read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillRequest {
    pub account: AccountId,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub bill_date: NaiveDate,
    pub read: NewRead,
}

/// A posted bill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BillPosted {
    pub bill: BillId,
    pub posted: Posted,
    pub total: Money,
    pub ledger_lines: u64,
}

/// What a bill run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BillRunReport {
    pub billed: u64,
    pub total: Money,
    pub ledger_lines: u64,
    /// (account, why) for every bill that was refused; the rest were posted.
    pub refused: Vec<(AccountId, String)>,
}

/// Re-rating a bill from a corrected read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RerateRequest {
    pub bill: BillId,
    pub corrected_reading: u64,
    pub rollover: bool,
    pub reason: ReasonCode,
    pub note: String,
    pub key: String,
    /// Take the offer of [`RerateReview::caps`]: recompute the sewer caps
    /// the corrected winter use went into, and re-rate the sewer of the
    /// bills rated with them. Left out of the request's JSON when not
    /// taken, so requests made before it hash as they did.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub recompute_caps: bool,
}

/// One service's charges before and after re-rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceDifference {
    pub service: ServiceKind,
    /// As billed, plus earlier adjustments that stand.
    pub before: Money,
    pub after: Money,
    pub difference: Money,
}

/// The line-by-line difference a re-rate would post, shown before posting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RerateReview {
    pub bill: BillRow,
    /// The reading the bill starts from (its own, or one a later correction
    /// of the bill before it put in its place).
    pub opening_reading: u64,
    pub corrected_consumption_gal: u64,
    pub after: Vec<BillLine>,
    pub services: Vec<ServiceDifference>,
    pub difference: Money,
    /// The next bill, which started from the read being corrected: a
    /// corrected read replaces the read it corrects for everything after it,
    /// so that bill is re-rated from the correction too, in the same action
    /// and under the same limits.
    pub next: Option<NextBill>,
    /// Winter-average sewer caps the corrected use went into, already
    /// computed from the use as it was: offered for recomputation, with the
    /// sewer re-rate of the bills rated with each.
    pub caps: Vec<CapChange>,
}

/// A sewer cap recomputed from the use in force, and what it changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CapChange {
    /// The recomputation (1 May) whose cap changes.
    pub effective_from: NaiveDate,
    pub before_gal: u64,
    pub after_gal: u64,
    /// The bills rated with that cap, re-rated with the new one.
    pub bills: Vec<NextBill>,
}

/// The bill after a corrected one, re-rated from the corrected read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextBill {
    pub bill: BillRow,
    /// The reading it closes on (in force), unchanged.
    pub closing_reading: u64,
    pub corrected_consumption_gal: u64,
    pub services: Vec<ServiceDifference>,
    pub difference: Money,
}

impl RerateReview {
    /// How much the re-rate rewrites, up or down, on both bills (and, when
    /// the caps' offer is taken, on the bills rated with them): what the
    /// person's adjustment limit is checked against.
    pub fn rewritten(&self, with_caps: bool) -> Money {
        let both = self.services.iter().chain(self.next.iter().flat_map(|n| n.services.iter()));
        let caps = self.caps.iter().flat_map(|c| c.bills.iter()).flat_map(|b| b.services.iter());
        let caps = caps.filter(|_| with_caps);
        both.chain(caps).map(|s| s.difference.abs()).sum()
    }
}

/// Which way a line adjustment goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineDirection {
    Decrease,
    Increase,
}

/// Adjusting one bill line by an amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineAdjustRequest {
    pub bill: BillId,
    /// The printed line number (1 = first line).
    pub line: u32,
    pub amount: Money,
    pub direction: LineDirection,
    pub reason: ReasonCode,
    pub note: String,
    pub key: String,
}

impl Batch<'_> {
    /// Rates and posts one bill.
    pub fn post_bill(&self, actor: &Actor, now: DateTime<Utc>, request: &BillRequest) -> Result<BillPosted> {
        super::require(actor, crate::domain::user::Duty::PostBills)?;
        let today = self.today(now);
        self.atomic_checks_first(|db, rates| post_bill_in(db, rates, actor, now, today, request))
    }

    /// Re-rates the bill from a corrected read and posts the difference as an
    /// adjustment linked to the bill. The original bill and read stay.
    pub fn adjust_bill_by_read(&self, actor: &Actor, now: DateTime<Utc>, request: &RerateRequest) -> Result<Posted> {
        self.rerate_checked(actor, now, request, Check::Limits)
    }

    pub(super) fn rerate_checked(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        request: &RerateRequest,
        check: Check,
    ) -> Result<Posted> {
        let note = required_note(&request.note, "note explaining the adjustment")?;
        let today = self.today(now);
        self.atomic(|db, rates| {
            let fresh = match check_client_request(db, &request.key, request, check)? {
                KeyCheck::Replay(posted) => return Ok(posted),
                KeyCheck::Fresh(fresh) => fresh,
            };
            bill_stands(db, request.bill)?;
            let review = rerate_review(db, rates, request.bill, request.corrected_reading, request.rollover)?;
            let amount = review.rewritten(request.recompute_caps);
            if amount.is_zero() {
                return Err(DeskError::NothingToAdjust);
            }
            open_account_row(db, review.bill.account_id)?;
            // Every service's change counts, up or down, on both bills: the
            // authority is over how much is rewritten, not only its net.
            self.authorize(
                db,
                actor,
                now,
                check,
                Ask {
                    action: MoneyAction::Adjustment,
                    account: review.bill.account_id,
                    subject: format!("bill:{}", review.bill.id),
                    amount,
                },
            )?;
            let (_, closing) = reads_in_force(db, review.bill.id)?;
            let read = db.insert_read(
                review.bill.account_id,
                closing.read_on.min(today),
                request.corrected_reading,
                ReadKind::Actual,
                request.rollover,
                Some(closing.id),
                actor.user_id,
                now,
            )?;
            let memo =
                format!("Bill {} re-rated from corrected read {}: {note}", review.bill.id, request.corrected_reading);
            let posted = self.post_money(
                db,
                actor,
                now,
                fresh,
                adjustment_posting(&review.bill, &review.services, request.reason, memo.clone(), today),
            )?;
            let lines: Vec<_> = review
                .services
                .iter()
                .filter(|s| !s.difference.is_zero())
                .map(|s| (s.service, format!("{} re-rated", s.service), s.before, s.after))
                .collect();
            db.insert_bill_adjustment(
                posted.posting_id,
                review.bill.id,
                Some((read, review.corrected_consumption_gal)),
                &lines,
            )?;
            if let Some(next) = &review.next {
                self.rerate_next(db, actor, now, (posted, read), next, request.reason, &note, today)?;
            }
            if request.recompute_caps {
                for cap in &review.caps {
                    db.insert_sewer_cap_correction(
                        review.bill.account_id,
                        cap.effective_from,
                        posted.posting_id,
                        cap.after_gal,
                    )?;
                    for bill in &cap.bills {
                        self.rerate_for_cap(db, actor, now, posted, cap, bill, request.reason, today)?;
                    }
                }
            }
            Ok(posted)
        })
    }

    /// Posts one bill's sewer re-rate for a recomputed cap (see
    /// [`RerateReview::caps`]), under a key made from the re-rate's posting.
    #[allow(clippy::too_many_arguments)]
    fn rerate_for_cap(
        &self,
        db: &Db,
        actor: &Actor,
        now: DateTime<Utc>,
        first: Posted,
        cap: &CapChange,
        bill: &NextBill,
        reason: ReasonCode,
        today: NaiveDate,
    ) -> Result<()> {
        if bill.services.iter().all(|s| s.difference.is_zero()) {
            return Ok(());
        }
        let key = format!("{SYSTEM_KEY_PREFIX}sewer-cap:{}:{}", first.posting_id, bill.bill.id);
        let fresh = super::FreshKey::new_system(&key, &(first.posting_id, bill.bill.id, cap.after_gal))?;
        let memo = format!(
            "Bill {} sewer re-rated: the winter-average cap from {} is {} gallons, not {} (a winter read was \
             corrected by posting {})",
            bill.bill.id, cap.effective_from, cap.after_gal, cap.before_gal, first.posting_id
        );
        let posted = self.post_money(
            db,
            actor,
            now,
            fresh,
            adjustment_posting(&bill.bill, &bill.services, reason, memo, today),
        )?;
        let lines: Vec<_> = bill
            .services
            .iter()
            .filter(|s| !s.difference.is_zero())
            .map(|s| (s.service, format!("{} re-rated with the corrected sewer cap", s.service), s.before, s.after))
            .collect();
        db.insert_bill_adjustment(posted.posting_id, bill.bill.id, None, &lines)?;
        Ok(())
    }

    /// Posts the next bill's re-rate from the corrected read (see
    /// [`RerateReview::next`]), under a key made from the first posting's.
    #[allow(clippy::too_many_arguments)]
    fn rerate_next(
        &self,
        db: &Db,
        actor: &Actor,
        now: DateTime<Utc>,
        (first, read): (Posted, ReadId),
        next: &NextBill,
        reason: ReasonCode,
        note: &str,
        today: NaiveDate,
    ) -> Result<()> {
        // The next bill starts from the correction, whether or not its
        // charges change.
        db.insert_bill_opening(next.bill.id, first.posting_id, read)?;
        if next.services.iter().all(|s| s.difference.is_zero()) {
            return Ok(());
        }
        let key = format!("{SYSTEM_KEY_PREFIX}next-bill:{}", first.posting_id);
        let fresh =
            super::FreshKey::new_system(&key, &(first.posting_id, next.bill.id, next.corrected_consumption_gal))?;
        let memo = format!(
            "Bill {} re-rated from corrected read {} (the bill before it, {}, was corrected): {note}",
            next.bill.id, read, first.posting_id
        );
        let posted = self.post_money(
            db,
            actor,
            now,
            fresh,
            adjustment_posting(&next.bill, &next.services, reason, memo, today),
        )?;
        let lines: Vec<_> = next
            .services
            .iter()
            .filter(|s| !s.difference.is_zero())
            .map(|s| (s.service, format!("{} re-rated from the corrected opening read", s.service), s.before, s.after))
            .collect();
        let (_, closing) = reads_in_force(db, next.bill.id)?;
        db.insert_bill_adjustment(
            posted.posting_id,
            next.bill.id,
            Some((closing.id, next.corrected_consumption_gal)),
            &lines,
        )?;
        Ok(())
    }

    /// Adjusts one bill line by an amount, up or down.
    pub fn adjust_bill_line(&self, actor: &Actor, now: DateTime<Utc>, request: &LineAdjustRequest) -> Result<Posted> {
        self.line_checked(actor, now, request, Check::Limits)
    }

    pub(super) fn line_checked(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        request: &LineAdjustRequest,
        check: Check,
    ) -> Result<Posted> {
        let note = required_note(&request.note, "note explaining the adjustment")?;
        // The direction says which way; a negative amount would silently flip it.
        if request.amount.is_negative() {
            return Err(AmountError::Negative.into());
        }
        if request.amount.is_zero() {
            return Err(AmountError::Zero.into());
        }
        let today = self.today(now);
        self.atomic(|db, _| {
            let fresh = match check_client_request(db, &request.key, request, check)? {
                KeyCheck::Replay(posted) => return Ok(posted),
                KeyCheck::Fresh(fresh) => fresh,
            };
            let bill = db.bill(request.bill)?.ok_or(DeskError::UnknownBill(request.bill))?;
            bill_stands(db, bill.id)?;
            open_account_row(db, bill.account_id)?;
            let line = bill
                .lines
                .iter()
                .find(|l| l.seq == request.line)
                .ok_or(DeskError::UnknownBillLine { bill: bill.id, line: request.line })?;
            let service = line.line.service;
            let before = service_totals(&bill.lines.iter().map(|l| l.line.clone()).collect::<Vec<_>>())
                .get(&service)
                .copied()
                .unwrap_or_default()
                + db.bill_adjusted_by_service(bill.id)?.get(&service).copied().unwrap_or_default();
            let after = match request.direction {
                LineDirection::Decrease => before - request.amount,
                LineDirection::Increase => before + request.amount,
            };
            if request.direction == LineDirection::Decrease && request.amount > line.line.amount {
                return Err(DeskError::DecreaseTooLarge {
                    amount: request.amount.to_string(),
                    service: format!("line {} ({})", request.line, line.line.description),
                    left: line.line.amount.to_string(),
                });
            }
            if after.is_negative() {
                return Err(DeskError::DecreaseTooLarge {
                    amount: request.amount.to_string(),
                    service: service.to_string(),
                    left: before.to_string(),
                });
            }
            self.authorize(
                db,
                actor,
                now,
                check,
                Ask {
                    action: MoneyAction::Adjustment,
                    account: bill.account_id,
                    subject: format!("bill:{}", bill.id),
                    amount: request.amount,
                },
            )?;
            let difference = ServiceDifference { service, before, after, difference: after - before };
            let memo = format!("Bill {} line {} ({}) adjusted: {note}", bill.id, request.line, line.line.description);
            let posted = self.post_money(
                db,
                actor,
                now,
                fresh,
                adjustment_posting(&bill, std::slice::from_ref(&difference), request.reason, memo.clone(), today),
            )?;
            db.insert_bill_adjustment(
                posted.posting_id,
                bill.id,
                None,
                &[(service, line.line.description.clone(), before, after)],
            )?;
            Ok(posted)
        })
    }
}

impl Desk {
    /// Posts many bills in one transaction; a refused bill is reported and
    /// leaves no trace, the others are posted.
    pub fn bill_run(&mut self, actor: &Actor, now: DateTime<Utc>, requests: &[BillRequest]) -> Result<BillRunReport> {
        self.batch(|batch| {
            let mut report = BillRunReport::default();
            for request in requests {
                match batch.post_bill(actor, now, request) {
                    Ok(posted) => {
                        report.billed += 1;
                        report.total += posted.total;
                        report.ledger_lines += posted.ledger_lines;
                    }
                    Err(DeskError::Store(e)) => return Err(DeskError::Store(e)),
                    Err(refused) => report.refused.push((request.account, refused.to_string())),
                }
            }
            Ok(report)
        })
    }

    /// A bill with its lines and reads.
    pub fn bill(&mut self, id: BillId) -> Result<BillRow> {
        self.store.read(|db| db.bill(id)?.ok_or(DeskError::UnknownBill(id)))
    }

    /// What re-rating the bill from a corrected read would change. Writes nothing.
    pub fn preview_rerate(&mut self, bill: BillId, corrected_reading: u64, rollover: bool) -> Result<RerateReview> {
        let rates = &self.rates;
        self.store.read(|db| rerate_review(db, rates, bill, corrected_reading, rollover))
    }
}

pub(super) fn post_bill_in(
    db: &Db,
    rates: &RateBook,
    actor: &Actor,
    now: DateTime<Utc>,
    today: NaiveDate,
    request: &BillRequest,
) -> Result<BillPosted> {
    let row = open_account_row(db, request.account)?;
    if let Some(ended) = row.service_ended_on
        && request.period_end > ended
    {
        return Err(DeskError::Invalid(format!(
            "account {} is final: its service ended on {ended}, so no bill runs past that day (this one ends {}); \
             the final bill ends on or before {ended}",
            row.number, request.period_end
        )));
    }
    for (what, date) in [("read", request.read.read_on), ("bill", request.bill_date)] {
        if date > today {
            return Err(DeskError::FutureDate { what, date, today });
        }
    }
    if request.period_end < request.period_start {
        return Err(DeskError::Invalid(format!(
            "the billing period ends ({}) before it starts ({})",
            request.period_end, request.period_start
        )));
    }
    if let Some(bill) = db.overlapping_bill(request.account, request.period_start, request.period_end)? {
        return Err(DeskError::AlreadyBilled { bill, start: request.period_start, end: request.period_end });
    }
    let previous = db
        .last_read(request.account)?
        .ok_or_else(|| DeskError::Invalid(format!("account {} has no opening read", row.number)))?;
    if request.read.read_on < previous.read_on {
        return Err(DeskError::Invalid(format!(
            "the read is dated {} but the meter was already read on {}",
            request.read.read_on, previous.read_on
        )));
    }
    let gallons = consumption(previous.reading, request.read.reading, row.services.meter_dials, request.read.rollover)?;
    let schedule = rates.in_effect(request.period_end).ok_or(DeskError::NoRateSchedule(request.period_end))?;
    let cap = match db.sewer_cap_on(request.account, request.period_end)? {
        Some(cap) => cap,
        None => db.premise_sewer_cap(row.premise_id)?,
    };
    let month_share = final_share(row.service_ended_on, request.period_start, request.period_end);
    let lines = schedule.rate(&RatingInput {
        services: &row.services,
        consumption_gal: gallons,
        sewer_cap_gal: cap,
        month_share,
    })?;
    let current = db.insert_read(
        request.account,
        request.read.read_on,
        request.read.reading,
        request.read.kind,
        request.read.rollover,
        None,
        actor.user_id,
        now,
    )?;
    let bill = db.insert_bill(&NewBill {
        account_id: request.account,
        period_start: request.period_start,
        period_end: request.period_end,
        bill_date: request.bill_date,
        due_date: request.bill_date + Days::new(PAYMENT_TERMS_DAYS),
        schedule_id: schedule.id(),
        previous_read: previous.id,
        current_read: current,
        consumption_gal: gallons,
        sewer_cap_gal: cap,
        lines: &lines,
    })?;
    let total: Money = lines.iter().map(|l| l.amount).sum();
    let key = format!("{SYSTEM_KEY_PREFIX}bill:{}:{}", bill, request.account);
    let mut entries = vec![Line::receivable(request.account, Side::Debit, total)];
    entries.extend(lines.iter().map(|l| Line::credit(ChartAccount::Revenue(l.service), l.amount)));
    let entries = merge_lines(entries);
    let ledger_lines = entries.len() as u64;
    // The key names the bill just inserted, so it cannot have been used.
    let fresh = FreshKey::new_system(&key, request)?;
    let posting = NewPosting {
        kind: PostingKind::Bill,
        account_id: Some(request.account),
        effective_on: request.bill_date,
        memo: format!("Bill for {} to {}", request.period_start, request.period_end),
        reason: None,
        bill_id: Some(bill),
        reverses: None,
        waives: None,
        lines: entries,
    };
    let posted = post_fresh(db, actor, now, fresh, posting)?;
    Ok(BillPosted { bill, posted, total, ledger_lines })
}

/// A final bill (its period ends the day service ended) bills its monthly
/// charges for the days of its period, out of a 30-day month.
fn final_share(ended: Option<NaiveDate>, start: NaiveDate, end: NaiveDate) -> Option<MonthShare> {
    (ended == Some(end)).then(|| MonthShare::of_days((end - start).num_days() + 1)).flatten()
}

/// Refuses to adjust a bill whose own posting was reversed: its charges are
/// already off the account, so an adjustment would take them off twice.
fn bill_stands(db: &Db, bill: BillId) -> Result<()> {
    if let Some(posting) = db.bill_posting(bill, PostingKind::Bill)?
        && let Some(by) = db.posting(posting)?.and_then(|p| p.reversed_by)
    {
        return Err(DeskError::Invalid(format!(
            "bill {bill} was reversed (posting {by}): there is nothing left on it to adjust"
        )));
    }
    Ok(())
}

/// Charges by service, in a stable order.
fn service_totals(lines: &[BillLine]) -> BTreeMap<ServiceKind, Money> {
    let mut totals = BTreeMap::new();
    for line in lines {
        *totals.entry(line.service).or_insert(Money::ZERO) += line.amount;
    }
    totals
}

pub(super) fn rerate_review(
    db: &Db,
    rates: &RateBook,
    bill: BillId,
    corrected_reading: u64,
    rollover: bool,
) -> Result<RerateReview> {
    let bill = db.bill(bill)?.ok_or(DeskError::UnknownBill(bill))?;
    let row = db.account(bill.account_id)?.ok_or_else(|| DeskError::UnknownAccount(bill.account_id.to_string()))?;
    let (opening, closing) = reads_in_force(db, bill.id)?;
    let gallons = consumption(opening.reading, corrected_reading, row.services.meter_dials, rollover)?;
    let (after, services) = rerated(db, rates, &row.services, &bill, gallons)?;
    // The next bill started from the read corrected: it starts from the
    // correction now.
    let next = match db.bill_opening_on(bill.account_id, closing.id)? {
        Some(next) if next != bill.id => {
            let next = db.bill(next)?.ok_or(DeskError::UnknownBill(next))?;
            let (_, next_closing) = reads_in_force(db, next.id)?;
            let gallons =
                consumption(corrected_reading, next_closing.reading, row.services.meter_dials, next_closing.rollover)
                    .map_err(|e| {
                    DeskError::Invalid(format!(
                        "the corrected read {corrected_reading} does not fit before bill {}'s closing read {} \
                             ({e}): check the reading",
                        next.id, next_closing.reading
                    ))
                })?;
            let (_, services) = rerated(db, rates, &row.services, &next, gallons)?;
            Some(NextBill {
                closing_reading: next_closing.reading,
                corrected_consumption_gal: gallons,
                difference: services.iter().map(|s| s.difference).sum(),
                services,
                bill: next,
            })
        }
        _ => None,
    };
    let caps = cap_changes(db, rates, &row, (&bill, gallons), next.as_ref())?;
    Ok(RerateReview {
        caps,
        difference: services.iter().map(|s| s.difference).sum(),
        opening_reading: opening.reading,
        corrected_consumption_gal: gallons,
        after,
        services,
        next,
        bill,
    })
}

/// The winter-average caps that `corrected` (a bill and its corrected use)
/// and the next bill's corrected use went into, already computed: each with
/// its recomputation from the use in force and the sewer re-rate of the
/// bills rated with it. Caps the corrections do not move are left out.
fn cap_changes(
    db: &Db,
    rates: &RateBook,
    row: &crate::records::AccountRow,
    (bill, gallons): (&BillRow, u64),
    next: Option<&NextBill>,
) -> Result<Vec<CapChange>> {
    use crate::domain::sewer_cap::{cap_in_effect_from, compute_cap};
    let account = bill.account_id;
    let winter = db.winter_bills(account)?;
    let corrected: Vec<_> = winter
        .iter()
        .map(|(id, w)| {
            let mut w = *w;
            if *id == Some(bill.id) {
                w.consumption_gal = gallons;
            } else if let Some(next) = next.filter(|n| Some(n.bill.id) == *id) {
                w.consumption_gal = next.corrected_consumption_gal;
            }
            w
        })
        .collect();
    if corrected.iter().zip(&winter).all(|(c, (_, w))| c == w) {
        return Ok(Vec::new());
    }
    let as_it_was: Vec<_> = winter.iter().map(|(_, w)| *w).collect();
    let mut changes = Vec::new();
    for (effective_from, before_gal) in db.winter_caps(account)? {
        let (Some(after_gal), Some(was)) =
            (compute_cap(&corrected, effective_from), compute_cap(&as_it_was, effective_from))
        else {
            continue;
        };
        if after_gal == was || after_gal == before_gal {
            continue;
        }
        let mut bills = Vec::new();
        for rated in db.recent_bills(account, 10_000)? {
            let skip = rated.id == bill.id || next.is_some_and(|n| n.bill.id == rated.id);
            if skip || cap_in_effect_from(rated.period_end) != effective_from || !bill_stands_now(db, rated.id)? {
                continue;
            }
            if db.sewer_cap_row_on(account, rated.period_end)?.map(|(from, _, _)| from) != Some(effective_from) {
                continue;
            }
            let rated = db.bill(rated.id)?.ok_or(DeskError::UnknownBill(rated.id))?;
            let (opening, closing) = reads_in_force(db, rated.id)?;
            let gallons = consumption(opening.reading, closing.reading, row.services.meter_dials, closing.rollover)?;
            let (_, services) = rerated_with(db, rates, &row.services, &rated, gallons, Some(after_gal))?;
            bills.push(NextBill {
                closing_reading: closing.reading,
                corrected_consumption_gal: gallons,
                difference: services.iter().map(|s| s.difference).sum(),
                services,
                bill: rated,
            });
        }
        bills.reverse();
        changes.push(CapChange { effective_from, before_gal, after_gal, bills });
    }
    Ok(changes)
}

/// Whether the bill's own posting stands (it was not reversed).
fn bill_stands_now(db: &Db, bill: BillId) -> Result<bool> {
    Ok(match db.bill_posting(bill, PostingKind::Bill)? {
        Some(posting) => db.posting(posting)?.is_some_and(|p| p.reversed_by.is_none()),
        None => false,
    })
}

/// The reads `bill` stands on now (see [`Db::bill_reads_in_force`]).
fn reads_in_force(db: &Db, bill: BillId) -> Result<(ReadRow, ReadRow)> {
    db.bill_reads_in_force(bill)?.ok_or(DeskError::UnknownBill(bill))
}

/// `bill` rated again for `gallons`, by the schedule and sewer cap it was
/// rated with: its new lines, and each service before (as billed and
/// adjusted since) and after.
fn rerated(
    db: &Db,
    rates: &RateBook,
    services: &crate::domain::account::Services,
    bill: &BillRow,
    gallons: u64,
) -> Result<(Vec<BillLine>, Vec<ServiceDifference>)> {
    rerated_with(db, rates, services, bill, gallons, None)
}

/// [`rerated`], with `cap` for the sewer cap (else the cap in force for the
/// bill's period: as it was rated, or as a re-rate since corrected it).
fn rerated_with(
    db: &Db,
    rates: &RateBook,
    services: &crate::domain::account::Services,
    bill: &BillRow,
    gallons: u64,
    cap: Option<u64>,
) -> Result<(Vec<BillLine>, Vec<ServiceDifference>)> {
    let schedule = rates.get(&bill.schedule_id).ok_or_else(|| {
        DeskError::Invalid(format!("bill {} was rated by schedule {}, which is not loaded", bill.id, bill.schedule_id))
    })?;
    let cap = match cap {
        Some(cap) => cap,
        None => match db.sewer_cap_row_on(bill.account_id, bill.period_end)? {
            // Corrected since the bill was rated: the correction.
            Some((from, cap, _)) if db.winter_caps(bill.account_id)?.iter().any(|(f, _)| *f == from) => cap,
            _ => bill.sewer_cap_gal,
        },
    };
    let ended = db.service_account(bill.account_id)?.and_then(|a| a.service_ended_on);
    let month_share = final_share(ended, bill.period_start, bill.period_end);
    let after = schedule.rate(&RatingInput { services, consumption_gal: gallons, sewer_cap_gal: cap, month_share })?;
    let original = service_totals(&bill.lines.iter().map(|l| l.line.clone()).collect::<Vec<_>>());
    let prior = db.bill_adjusted_by_service(bill.id)?;
    let corrected = service_totals(&after);
    let mut differences = Vec::new();
    for service in ServiceKind::ALL {
        let before =
            original.get(service).copied().unwrap_or_default() + prior.get(service).copied().unwrap_or_default();
        let new = corrected.get(service).copied().unwrap_or_default();
        if before.is_zero() && new.is_zero() {
            continue;
        }
        differences.push(ServiceDifference { service: *service, before, after: new, difference: new - before });
    }
    Ok((after, differences))
}

/// The posting for per-service differences: the receivable moves by the
/// net; each service's difference goes to the reason's adjustment account.
fn adjustment_posting(
    bill: &BillRow,
    services: &[ServiceDifference],
    reason: ReasonCode,
    memo: String,
    today: NaiveDate,
) -> NewPosting {
    let mut lines = Vec::new();
    for s in services {
        let amount = s.difference.abs();
        if s.difference.is_negative() {
            lines.push(Line::debit(ChartAccount::Adjustments(reason), amount));
            lines.push(Line::receivable(bill.account_id, Side::Credit, amount));
        } else if s.difference.is_positive() {
            lines.push(Line::credit(ChartAccount::Adjustments(reason), amount));
            lines.push(Line::receivable(bill.account_id, Side::Debit, amount));
        }
    }
    NewPosting {
        kind: PostingKind::Adjustment,
        account_id: Some(bill.account_id),
        effective_on: today,
        memo,
        reason: Some(reason),
        bill_id: Some(bill.id),
        reverses: None,
        waives: None,
        lines: merge_lines(lines),
    }
}
