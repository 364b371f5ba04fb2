//! The itemized statement: an account's ledger over a period — balance
//! forward, each bill with its reads and rated lines, payments, credits and
//! adjustments with their reasons, late fees, open disputes, the ending
//! balance and its aging. Before a statement is handed out it must
//! reconcile: balance forward + charges − payments and credits = ending
//! balance, summed by the database on its own, and equal to the account's
//! running balance when nothing was posted after the period.

use chrono::{DateTime, Days, Months, NaiveDate, Utc};
use serde::Serialize;

use super::accounts::{DayEnd, aging_through};
use super::{Actor, Desk, DeskError, Result};
use crate::domain::Money;
use crate::domain::aging::Aging;
use crate::domain::cases::check_case_worker;
use crate::domain::ids::{AccountId, BillId, PostingId};
use crate::domain::ledger::{PostingKind, ReasonCode, Side};
use crate::records::{AccountRow, BillRow, DisputeRow, EntryRow};

/// A statement's default period: the twelve months to today.
pub const DEFAULT_STATEMENT_MONTHS: u32 = 12;

/// The longest period one statement covers, in days (ten years).
pub const MAX_STATEMENT_DAYS: i64 = 3_653;

/// One line of the statement's activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementItem {
    pub date: NaiveDate,
    pub posting: PostingId,
    pub kind: PostingKind,
    pub description: String,
    pub reason: Option<ReasonCode>,
    pub bill: Option<BillId>,
    /// What it added to the balance.
    pub charge: Option<Money>,
    /// What it took off.
    pub credit: Option<Money>,
    /// The balance after it.
    pub balance: Money,
    /// Reversed later (by the posting named).
    pub reversed_by: Option<PostingId>,
}

/// The period's activity, summed by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct StatementTotals {
    /// Bills issued.
    pub billed: Money,
    pub late_fees: Money,
    pub payments: Money,
    /// Credits, adjustments, waivers, reversals and deposits, net: what
    /// they took off the balance less what they added.
    pub credits_and_adjustments: Money,
}

impl StatementTotals {
    /// balance forward + billed + late fees − payments − credits and adjustments.
    pub fn ending(&self, forward: Money) -> Money {
        forward + self.billed + self.late_fees - self.payments - self.credits_and_adjustments
    }
}

/// An itemized statement, reconciled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    pub account: AccountRow,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub prepared_on: NaiveDate,
    pub prepared_by: String,
    pub balance_forward: Money,
    pub items: Vec<StatementItem>,
    /// The bills issued in the period, oldest first, with their lines.
    pub bills: Vec<BillRow>,
    pub totals: StatementTotals,
    pub ending_balance: Money,
    /// What was owed at the end of the period, by age, as of that day.
    pub aging: Aging,
    /// Disputes open when the period ended (for a period that ends today,
    /// those open now).
    pub open_disputes: Vec<DisputeRow>,
}

fn describe(entry: &EntryRow) -> String {
    let memo = entry.memo.trim();
    match (entry.kind, entry.reason) {
        (_, Some(reason)) if !memo.contains(reason.label()) => format!("{memo} ({})", reason.label()),
        _ => memo.to_string(),
    }
}

/// The twelve months that end on `last` (both days included).
pub fn twelve_months_to(last: NaiveDate) -> (NaiveDate, NaiveDate) {
    let from = last.checked_sub_months(Months::new(DEFAULT_STATEMENT_MONTHS)).unwrap_or(last);
    (from.succ_opt().unwrap_or(from), last)
}

impl Desk {
    /// The period a statement covers when none is given: the twelve months to today.
    pub fn default_statement_period(&self, now: DateTime<Utc>) -> (NaiveDate, NaiveDate) {
        twelve_months_to(self.today(now))
    }

    /// The account's itemized statement from `from` to `to` (both included),
    /// refused unless it reconciles.
    pub fn statement(
        &mut self,
        actor: &Actor,
        account: AccountId,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Statement> {
        self.permitted(actor, now, "statement", check_case_worker(actor.role).map_err(DeskError::NotPermitted))?;
        let today = self.today(now);
        if to < from {
            return Err(DeskError::Invalid(format!("the statement ends ({to}) before it starts ({from})")));
        }
        if to > today {
            return Err(DeskError::FutureDate { what: "statement's last", date: to, today });
        }
        if (to - from).num_days() > MAX_STATEMENT_DAYS {
            return Err(DeskError::Invalid(format!(
                "a statement covers at most {MAX_STATEMENT_DAYS} days (ten years): choose a shorter period"
            )));
        }
        let ends_at = self.local_midnight(to + Days::new(1));
        self.store.read(|db| {
            let row = db.account(account)?.ok_or_else(|| DeskError::UnknownAccount(account.to_string()))?;
            let forward = match from.pred_opt() {
                Some(day_before) => db.balance_through(account, day_before)?,
                None => Money::ZERO,
            };
            let entries = db.entries_between(account, from, to)?;
            let mut totals = StatementTotals::default();
            let mut balance = forward;
            let mut items = Vec::with_capacity(entries.len());
            let mut bills = Vec::new();
            for entry in &entries {
                let (charge, credit) = match entry.side {
                    Side::Debit => (Some(entry.amount), None),
                    Side::Credit => (None, Some(entry.amount)),
                };
                balance = match entry.side {
                    Side::Debit => balance + entry.amount,
                    Side::Credit => balance - entry.amount,
                };
                match (entry.kind, entry.side) {
                    (PostingKind::Bill, Side::Debit) => totals.billed += entry.amount,
                    (PostingKind::LateFee, Side::Debit) => totals.late_fees += entry.amount,
                    (PostingKind::Payment, Side::Credit) => totals.payments += entry.amount,
                    (_, Side::Credit) => totals.credits_and_adjustments += entry.amount,
                    (_, Side::Debit) => totals.credits_and_adjustments -= entry.amount,
                }
                if entry.kind == PostingKind::Bill
                    && let Some(bill) = entry.bill_id
                {
                    bills.push(db.bill(bill)?.ok_or(DeskError::UnknownBill(bill))?);
                }
                items.push(StatementItem {
                    date: entry.effective_on,
                    posting: entry.posting_id,
                    kind: entry.kind,
                    description: describe(entry),
                    reason: entry.reason,
                    bill: entry.bill_id,
                    charge,
                    credit,
                    balance,
                    reversed_by: entry.reversed_by,
                });
            }
            let ending = totals.ending(forward);
            let by_database = db.balance_through(account, to)?;
            if ending != balance || ending != by_database {
                return Err(DeskError::Invalid(format!(
                    "the statement for {} does not reconcile: balance forward {forward} and the period's \
                     activity give {ending}, the ledger says {by_database}; nothing was written",
                    row.account.number
                )));
            }
            if !db.has_entries_after(account, to)? && ending != row.balance {
                return Err(DeskError::Invalid(format!(
                    "the statement for {} does not reconcile: it ends at {ending}, the account's balance is {}; \
                     nothing was written",
                    row.account.number, row.balance
                )));
            }
            let end = DayEnd { day: to, ends_at };
            let aging = aging_through(db, account, Some(end), to)?;
            // As the period ended: a dispute opened since is not on it, one
            // resolved since still is.
            let open_disputes = db.disputes(account)?.into_iter().filter(|d| d.was_open_at(ends_at)).collect();
            Ok(Statement {
                account: row,
                from,
                to,
                prepared_on: today,
                prepared_by: actor.username.clone(),
                balance_forward: forward,
                items,
                bills,
                totals,
                ending_balance: ending,
                aging,
                open_disputes,
            })
        })
    }
}
