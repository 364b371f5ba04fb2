//! Payments, credits, late fees and their waivers, and reversals.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::accounts::{account_aging, open_account_row};
use super::approvals::{Ask, Check};
use super::{
    Actor, Batch, DeskError, KeyCheck, Posted, Result, SYSTEM_KEY_PREFIX, check_client_key, check_client_request,
    post_fresh, post_once, required_note,
};
use crate::domain::Money;
use crate::domain::account::code_enum;
use crate::domain::aging::nothing_past_due;
use crate::domain::authority::MoneyAction;
use crate::domain::ids::{AccountId, PostingId};
use crate::domain::ledger::{
    ChartAccount, Line, NewPosting, PostingKind, ReasonCode, Side, receivable_moved, reversal_lines,
};
use crate::domain::rates::RateBook;
use crate::store::Db;

code_enum!(
    /// How a payment arrived.
    PaymentMethod, "payment method" {
        Cash => "cash",
        Check => "check",
        Card => "card",
        Ach => "ach",
        Lockbox => "lockbox",
        Online => "online",
    }
);

/// A payment received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRequest {
    pub account: AccountId,
    pub amount: Money,
    pub received_on: NaiveDate,
    pub method: PaymentMethod,
    /// Check number or processor reference; never a card or bank account number.
    pub reference: Option<String>,
    pub key: String,
}

/// A credit to an account, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditRequest {
    pub account: AccountId,
    pub amount: Money,
    pub reason: ReasonCode,
    pub note: String,
    pub key: String,
}

/// Waiving one late fee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiveRequest {
    pub late_fee: PostingId,
    pub note: String,
    pub key: String,
}

/// Refunding a final account's credit balance, whole: the customer is paid
/// back (by check, from refunds payable). Under the same limits and
/// approvals as a credit of that amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRequest {
    pub account: AccountId,
    pub note: String,
    pub key: String,
}

/// Reversing a posting (a correction; the original stays).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReverseRequest {
    pub posting: PostingId,
    pub note: String,
    pub key: String,
}

/// What a late-fee run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LateFeeReport {
    pub assessed: u64,
    pub total: Money,
    pub accounts_checked: u64,
}

impl Batch<'_> {
    pub fn record_payment(&self, actor: &Actor, now: DateTime<Utc>, request: &PaymentRequest) -> Result<Posted> {
        super::require(actor, crate::domain::user::Duty::PostPayments)?;
        check_payment(request, self.today(now))?;
        let reference = request.reference.as_deref().map(str::trim).filter(|r| !r.is_empty());
        self.atomic_checks_first(|db, _| {
            let fresh = match check_client_request(db, &request.key, request, Check::Limits)? {
                KeyCheck::Replay(posted) => return Ok(posted),
                KeyCheck::Fresh(fresh) => fresh,
            };
            let row = open_account_row(db, request.account)?;
            if request.received_on < row.opened_on {
                return Err(DeskError::Invalid(format!(
                    "the payment's date {} is before account {} opened ({})",
                    request.received_on, row.number, row.opened_on
                )));
            }
            let posted = post_fresh(
                db,
                actor,
                now,
                fresh,
                NewPosting {
                    kind: PostingKind::Payment,
                    account_id: Some(request.account),
                    effective_on: request.received_on,
                    memo: format!("Payment ({}) on account {}", request.method, row.number),
                    reason: None,
                    bill_id: None,
                    reverses: None,
                    waives: None,
                    lines: vec![
                        Line::debit(ChartAccount::Cash, request.amount),
                        Line::receivable(request.account, Side::Credit, request.amount),
                    ],
                },
            )?;
            db.insert_payment_detail(posted.posting_id, request.method.code(), reference, request.received_on)?;
            Ok(posted)
        })
    }

    /// Issues a credit within the person's limits (above them it is refused
    /// with [`DeskError::AboveLimit`]; `submit` sends it for approval).
    pub fn issue_credit(&self, actor: &Actor, now: DateTime<Utc>, request: &CreditRequest) -> Result<Posted> {
        self.credit_checked(actor, now, request, Check::Limits)
    }

    pub(super) fn credit_checked(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        request: &CreditRequest,
        check: Check,
    ) -> Result<Posted> {
        let note = required_note(&request.note, "note explaining the credit")?;
        if request.amount.is_negative() {
            return Err(crate::domain::money::AmountError::Negative.into());
        }
        if request.amount.is_zero() {
            return Err(crate::domain::money::AmountError::Zero.into());
        }
        let today = self.today(now);
        self.atomic(|db, _| {
            let fresh = match check_client_request(db, &request.key, request, check)? {
                KeyCheck::Replay(posted) => return Ok(posted),
                KeyCheck::Fresh(fresh) => fresh,
            };
            open_account_row(db, request.account)?;
            self.authorize(
                db,
                actor,
                now,
                check,
                Ask {
                    action: MoneyAction::Credit,
                    account: request.account,
                    subject: format!("account:{}", request.account),
                    amount: request.amount,
                },
            )?;
            self.post_money(
                db,
                actor,
                now,
                fresh,
                NewPosting {
                    kind: PostingKind::Credit,
                    account_id: Some(request.account),
                    effective_on: today,
                    memo: format!("Credit ({}): {note}", request.reason.label()),
                    reason: Some(request.reason),
                    bill_id: None,
                    reverses: None,
                    waives: None,
                    lines: vec![
                        Line::debit(ChartAccount::Credits(request.reason), request.amount),
                        Line::receivable(request.account, Side::Credit, request.amount),
                    ],
                },
            )
        })
    }

    /// Charges a late fee on every account whose latest due bill went past
    /// due unpaid, once per bill: the schedule's percent of the past-due
    /// amount (late fees themselves excluded).
    pub fn assess_late_fees(&self, actor: &Actor, now: DateTime<Utc>, as_of: NaiveDate) -> Result<LateFeeReport> {
        super::require(actor, crate::domain::user::Duty::PostBills)?;
        let today = self.today(now);
        if as_of > today {
            return Err(DeskError::FutureDate { what: "assessment", date: as_of, today });
        }
        // No savepoint (in a batch, it would copy every page the run
        // touches): every account's checks come before its fee is written.
        // The refusal to expect, no rate schedule in effect on `as_of`, comes
        // at the first account that could owe a fee, before any fee is
        // written. Any refusal after a fee was written (a fee above the
        // ledger's cap on a line) fails the whole transaction.
        self.atomic_checks_first(|db, rates| {
            let mut report = LateFeeReport::default();
            for account in db.accounts_owing()? {
                report.accounts_checked += 1;
                if let Some(fee) = late_fee_in(db, rates, actor, now, account, as_of)? {
                    report.assessed += 1;
                    report.total += fee;
                }
            }
            Ok(report)
        })
    }

    pub fn waive_late_fee(&self, actor: &Actor, now: DateTime<Utc>, request: &WaiveRequest) -> Result<Posted> {
        self.waive_checked(actor, now, request, Check::Limits)
    }

    pub(super) fn waive_checked(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        request: &WaiveRequest,
        check: Check,
    ) -> Result<Posted> {
        let note = required_note(&request.note, "note explaining the waiver")?;
        let today = self.today(now);
        self.atomic(|db, _| {
            let fresh = match check_client_request(db, &request.key, request, check)? {
                KeyCheck::Replay(posted) => return Ok(posted),
                KeyCheck::Fresh(fresh) => fresh,
            };
            let fee = db.posting(request.late_fee)?.ok_or(DeskError::UnknownPosting(request.late_fee))?;
            if fee.kind != PostingKind::LateFee {
                return Err(DeskError::NotALateFee(fee.id));
            }
            if let Some(waiver) = fee.waived_by {
                return Err(DeskError::AlreadyWaived { fee: fee.id, waiver });
            }
            if fee.reversed_by.is_some() {
                return Err(DeskError::FeeReversed(fee.id));
            }
            let account = fee.account_id.ok_or(DeskError::UnknownPosting(fee.id))?;
            open_account_row(db, account)?;
            let amount = receivable_moved(&fee.lines);
            self.authorize(
                db,
                actor,
                now,
                check,
                Ask { action: MoneyAction::Waiver, account, subject: format!("posting:{}", fee.id), amount },
            )?;
            self.post_money(
                db,
                actor,
                now,
                fresh,
                NewPosting {
                    kind: PostingKind::Waiver,
                    account_id: Some(account),
                    effective_on: today,
                    memo: format!("Late fee {} waived: {note}", fee.id),
                    reason: None,
                    bill_id: fee.bill_id,
                    reverses: None,
                    waives: Some(fee.id),
                    lines: vec![
                        Line::debit(ChartAccount::LateFeeWaivers, amount),
                        Line::receivable(account, Side::Credit, amount),
                    ],
                },
            )
        })
    }

    /// Refunds a final account's whole credit balance (see [`RefundRequest`]).
    pub(super) fn refund_checked(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        request: &RefundRequest,
        check: Check,
    ) -> Result<Posted> {
        let note = required_note(&request.note, "note of how the refund is paid (check, to whom)")?;
        let today = self.today(now);
        self.atomic(|db, _| {
            let fresh = match check_client_request(db, &request.key, request, check)? {
                KeyCheck::Replay(posted) => return Ok(posted),
                KeyCheck::Fresh(fresh) => fresh,
            };
            let row =
                db.account(request.account)?.ok_or_else(|| DeskError::UnknownAccount(request.account.to_string()))?;
            let number = row.account.number;
            if row.account.status != crate::domain::account::AccountStatus::Final {
                return Err(DeskError::Invalid(format!(
                    "account {number} is {}: a credit balance is refunded once service has ended (until then it \
                     goes against the next bill)",
                    row.account.status
                )));
            }
            if !row.balance.is_negative() {
                return Err(DeskError::Invalid(format!(
                    "account {number} has no credit balance to refund (its balance is {})",
                    row.balance
                )));
            }
            let amount = -row.balance;
            let account = request.account;
            self.authorize(
                db,
                actor,
                now,
                check,
                Ask { action: MoneyAction::Credit, account, subject: format!("refund:account:{number}"), amount },
            )?;
            self.post_money(
                db,
                actor,
                now,
                fresh,
                NewPosting {
                    kind: PostingKind::Refund,
                    account_id: Some(account),
                    effective_on: today,
                    memo: format!("Credit balance refunded: {note}"),
                    reason: None,
                    bill_id: None,
                    reverses: None,
                    waives: None,
                    lines: vec![
                        Line::receivable(account, Side::Debit, amount),
                        Line::credit(ChartAccount::RefundsPayable, amount),
                    ],
                },
            )
        })
    }

    /// Reverses a posting with its mirror image. A posting is reversed at
    /// most once; a reversal is never itself reversed.
    pub fn reverse(&self, actor: &Actor, now: DateTime<Utc>, request: &ReverseRequest) -> Result<Posted> {
        self.reverse_checked(actor, now, request, Check::Limits)
    }

    pub(super) fn reverse_checked(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        request: &ReverseRequest,
        check: Check,
    ) -> Result<Posted> {
        let note = required_note(&request.note, "note explaining the reversal")?;
        let today = self.today(now);
        self.atomic(|db, _| {
            let fresh = match check_client_request(db, &request.key, request, check)? {
                KeyCheck::Replay(posted) => return Ok(posted),
                KeyCheck::Fresh(fresh) => fresh,
            };
            let original = db.posting(request.posting)?.ok_or(DeskError::UnknownPosting(request.posting))?;
            if original.kind == PostingKind::Reversal {
                return Err(DeskError::ReversalOfReversal(original.id));
            }
            if let Some(by) = original.reversed_by {
                return Err(DeskError::AlreadyReversed { posting: original.id, by });
            }
            if let Some(waiver) = original.waived_by {
                let waiver_reversed = db.posting(waiver)?.and_then(|w| w.reversed_by).is_some();
                if !waiver_reversed {
                    return Err(DeskError::WaivedFirst { posting: original.id, waiver });
                }
            }
            if let (PostingKind::Bill, Some(bill)) = (original.kind, original.bill_id) {
                let standing = db.standing_adjustments(bill)?;
                if !standing.is_empty() {
                    let list = standing.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
                    return Err(DeskError::AdjustedFirst { bill, adjustments: list });
                }
            }
            // A reversal's weight is what it moves on the customer's account
            // (or, for a posting that moves none, its size).
            let receivable = receivable_moved(&original.lines);
            let amount = if receivable.is_positive() {
                receivable
            } else {
                original.lines.iter().filter(|l| l.side == Side::Debit).map(|l| l.amount).sum()
            };
            // Every money action passes the limits: a posting on no customer
            // account has none to weigh it against, so it is not reversed here.
            let Some(account) = original.account_id else {
                return Err(DeskError::Invalid(format!(
                    "posting {} is on no customer account: the desk reverses only postings on an account",
                    original.id
                )));
            };
            self.authorize(
                db,
                actor,
                now,
                check,
                Ask { action: MoneyAction::Reversal, account, subject: format!("posting:{}", original.id), amount },
            )?;
            self.post_money(
                db,
                actor,
                now,
                fresh,
                NewPosting {
                    kind: PostingKind::Reversal,
                    account_id: original.account_id,
                    effective_on: today,
                    memo: format!("Reversal of {} {}: {note}", original.kind, original.id),
                    reason: original.reason,
                    bill_id: original.bill_id,
                    reverses: Some(original.id),
                    waives: None,
                    lines: reversal_lines(&original.lines),
                },
            )
        })
    }
}

/// Checks a payment without the database: its date, its key, and that its
/// reference is not a card number (which is never stored). Payment files run
/// this over every row before posting any.
pub fn check_payment(request: &PaymentRequest, today: NaiveDate) -> Result<()> {
    if request.received_on > today {
        return Err(DeskError::FutureDate { what: "payment", date: request.received_on, today });
    }
    let key = request.key.trim();
    if key.is_empty() || key.len() > 200 {
        return Err(DeskError::Invalid("an idempotency key has 1 to 200 characters".into()));
    }
    check_client_key(key)?;
    if let Some(reference) = request.reference.as_deref()
        && crate::domain::scrub::holds_card_number(reference)
    {
        return Err(DeskError::Invalid(
            "the reference looks like a card number, which is never stored: enter the processor's reference instead"
                .into(),
        ));
    }
    Ok(())
}

/// Posts the late fee for the account's latest bill due before `as_of`, if
/// it went past due and has none yet. Returns the fee posted.
fn late_fee_in(
    db: &Db,
    rates: &RateBook,
    actor: &Actor,
    now: DateTime<Utc>,
    account: AccountId,
    as_of: NaiveDate,
) -> Result<Option<Money>> {
    let Some(bill) = db.latest_bill_due_before(account, as_of)? else { return Ok(None) };
    if db.bill_posting(bill, PostingKind::LateFee)?.is_some() {
        return Ok(None);
    }
    let Some(schedule) = rates.in_effect(as_of) else { return Err(DeskError::NoRateSchedule(as_of)) };
    // Most accounts owe only what is not yet due: then no history is aged.
    let balance = db.balance(account)?.unwrap_or_default();
    if nothing_past_due(balance, db.billed_not_yet_due(account, as_of)?) {
        return Ok(None);
    }
    let aging = account_aging(db, account, as_of)?;
    let fee = schedule.late_fee(aging.late_fee_base);
    if !fee.is_positive() {
        return Ok(None);
    }
    let key = format!("{SYSTEM_KEY_PREFIX}late-fee:{bill}");
    let payload = (account, bill, as_of, fee);
    post_once(db, actor, now, &key, &payload, || {
        Ok(NewPosting {
            kind: PostingKind::LateFee,
            account_id: Some(account),
            effective_on: as_of,
            memo: format!("Late fee: {}% of {} past due", schedule.terms().late_fee.percent, aging.late_fee_base),
            reason: None,
            bill_id: Some(bill),
            reverses: None,
            waives: None,
            lines: vec![Line::receivable(account, Side::Debit, fee), Line::credit(ChartAccount::LateFees, fee)],
        })
    })?;
    Ok(Some(fee))
}
