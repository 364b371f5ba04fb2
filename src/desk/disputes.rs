//! Disputes: a customer contests a bill, whole or in part. While a dispute
//! is open its amount is held apart from past due (see `domain::aging`).
//! Any representative records one; a CAR III or above resolves it, by an
//! adjustment under their authority (above it, the adjustment waits for
//! approval and the dispute is granted when it is approved) or a denial.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::accounts::open_account_row;
use super::approvals::{MoneyRequest, Outcome};
use super::{
    Actor, Batch, CreditRequest, Desk, DeskError, LineAdjustRequest, LineDirection, Result, audit, required_note,
};
use crate::domain::Money;
use crate::domain::cases::{check_case_worker, ranks_at_least};
use crate::domain::ids::{AccountId, BillId, PostingId};
use crate::domain::ledger::ReasonCode;
use crate::domain::user::Role;
use crate::records::{ContactRow, DisputeRow};
use crate::store::Db;

/// A dispute to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeRequest {
    pub bill: BillId,
    /// `None`: the whole bill.
    pub amount: Option<Money>,
    /// What the customer contests and why.
    pub reason: String,
    /// The complaint it came from, if any.
    pub complaint: Option<i64>,
}

/// How a dispute is resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "kebab-case")]
pub enum DisputeDecision {
    /// Lower a line of the bill by `amount` (default: the amount disputed),
    /// or with no line, credit the account that amount (for a dispute that
    /// spans the bill's lines). Each under the resolver's own limits.
    Grant {
        line: Option<u32>,
        amount: Option<Money>,
        reason: ReasonCode,
        note: String,
    },
    Deny {
        note: String,
    },
}

/// What resolving a dispute did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum DisputeOutcome {
    Granted {
        posting: PostingId,
    },
    /// The adjustment is above the resolver's limits: the dispute stays
    /// open (and held) until the request is decided.
    AwaitingApproval {
        request: i64,
        reason: String,
        reviewer: Role,
    },
    Denied,
}

/// A dispute with the contacts about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisputeView {
    pub dispute: DisputeRow,
    pub contacts: Vec<ContactRow>,
}

fn dispute_row(db: &Db, id: i64) -> Result<DisputeRow> {
    db.dispute(id)?.ok_or_else(|| DeskError::Invalid(format!("no dispute #{id}")))
}

impl Batch<'_> {
    /// Records a dispute on a bill, with one audit record.
    pub fn open_dispute(&self, actor: &Actor, now: DateTime<Utc>, request: &DisputeRequest) -> Result<i64> {
        check_case_worker(actor.role).map_err(DeskError::NotPermitted)?;
        let reason = required_note(&request.reason, "reason for the dispute")?;
        self.atomic(|db, _| {
            let bill = db.bill(request.bill)?.ok_or(DeskError::UnknownBill(request.bill))?;
            let account = open_account_row(db, bill.account_id)?;
            let amount = request.amount.unwrap_or(bill.total);
            if !amount.is_positive() {
                return Err(DeskError::Invalid("a disputed amount is more than zero".into()));
            }
            if amount > bill.total {
                return Err(DeskError::Invalid(format!(
                    "the disputed amount {amount} is more than bill {}'s total of {}",
                    bill.id, bill.total
                )));
            }
            if let Some(open) = db.open_dispute_on(bill.id)? {
                return Err(DeskError::Invalid(format!(
                    "bill {} already has an open dispute (#{open}): add to that one",
                    bill.id
                )));
            }
            if let Some(complaint) = request.complaint {
                let row =
                    db.complaint(complaint)?.ok_or_else(|| DeskError::Invalid(format!("no complaint #{complaint}")))?;
                if row.account_id != bill.account_id {
                    return Err(DeskError::Invalid(format!(
                        "complaint #{complaint} is on account {}, not the bill's",
                        row.account_number
                    )));
                }
            }
            let id =
                db.insert_dispute(bill.account_id, bill.id, amount, &reason, request.complaint, actor.user_id, now)?;
            if let Some(complaint) = request.complaint {
                db.insert_complaint_event(complaint, "linked", None, Some(("dispute", id)), actor.user_id, now)?;
            }
            let detail = serde_json::json!({
                "bill": bill.id, "amount": amount, "reason": reason, "complaint": request.complaint,
                "account": account.number,
            });
            audit(db, now, Some(actor), "dispute-open", &format!("dispute:{id}"), Some(bill.account_id), &detail)?;
            Ok(id)
        })
    }

    /// Resolves an open dispute (CAR III and above).
    pub fn resolve_dispute(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        id: i64,
        decision: &DisputeDecision,
    ) -> Result<DisputeOutcome> {
        if !ranks_at_least(actor.role, Role::Car3) {
            return Err(DeskError::NotPermitted(format!(
                "only a {} or above resolves disputes (you are a {})",
                Role::Car3.title(),
                actor.role.title()
            )));
        }
        self.atomic(|db, _| {
            let dispute = dispute_row(db, id)?;
            if !dispute.is_open() {
                return Err(DeskError::Invalid(format!("dispute #{id} was already {}", dispute.status)));
            }
            if let Some(request) = dispute.request_id {
                return Err(DeskError::Invalid(format!(
                    "dispute #{id} waits on approval request {request}: it is resolved when that is decided \
                     (or withdraw the request first)"
                )));
            }
            let (outcome, note) = match decision {
                DisputeDecision::Deny { note } => {
                    let note = required_note(note, "reason for denying the dispute")?;
                    db.resolve_dispute(id, "denied", actor.user_id, now, &note, None)?;
                    (DisputeOutcome::Denied, note)
                }
                DisputeDecision::Grant { line, amount, reason, note } => {
                    let note = required_note(note, "note on the adjustment")?;
                    let amount = amount.unwrap_or(dispute.amount);
                    if amount > dispute.amount {
                        return Err(DeskError::Invalid(format!(
                            "grant at most the {} disputed; for more, adjust the bill on its own",
                            dispute.amount
                        )));
                    }
                    // A key of its own for each attempt: after a rejected
                    // request the dispute may be granted again.
                    let key = format!("dispute:{id}:grant:{amount}:{}", now.timestamp_micros());
                    let note_for_ledger = format!("Dispute #{id} granted: {note}");
                    let request = match line {
                        Some(line) => MoneyRequest::AdjustLine(LineAdjustRequest {
                            bill: dispute.bill_id,
                            line: *line,
                            amount,
                            direction: LineDirection::Decrease,
                            reason: *reason,
                            note: note_for_ledger,
                            key,
                        }),
                        None => MoneyRequest::Credit(CreditRequest {
                            account: dispute.account_id,
                            amount,
                            reason: *reason,
                            note: note_for_ledger,
                            key,
                        }),
                    };
                    match self.submit(actor, now, &request)? {
                        Outcome::Posted(posted) => {
                            db.resolve_dispute(id, "granted", actor.user_id, now, &note, Some(posted.posting_id))?;
                            (DisputeOutcome::Granted { posting: posted.posting_id }, note)
                        }
                        Outcome::Pending { request, reason, reviewer, .. } => {
                            db.set_dispute_request(id, Some(request))?;
                            (DisputeOutcome::AwaitingApproval { request, reason, reviewer }, note)
                        }
                    }
                }
            };
            let detail = serde_json::json!({ "dispute": id, "outcome": outcome, "note": note });
            audit(
                db,
                now,
                Some(actor),
                "dispute-resolve",
                &format!("dispute:{id}"),
                Some(dispute.account_id),
                &detail,
            )?;
            Ok(outcome)
        })
    }
}

/// When an approval request a dispute waits on is decided: approved grants
/// the dispute; rejected or withdrawn leaves it open for another decision.
pub(super) fn request_decided(
    db: &Db,
    request: i64,
    by: &Actor,
    now: DateTime<Utc>,
    posting: Option<PostingId>,
) -> Result<()> {
    let Some(dispute) = db.dispute_for_request(request)? else { return Ok(()) };
    match posting {
        Some(posting) => {
            let note = format!("Granted: the adjustment was approved by {} (request {request})", by.username);
            db.resolve_dispute(dispute, "granted", by.user_id, now, &note, Some(posting))?;
        }
        None => db.set_dispute_request(dispute, None)?,
    }
    Ok(())
}

impl Desk {
    /// Records a dispute in its own transaction; see [`Batch::open_dispute`].
    pub fn open_dispute(&mut self, actor: &Actor, now: DateTime<Utc>, request: &DisputeRequest) -> Result<i64> {
        self.act(actor, now, "open_dispute", |b| b.open_dispute(actor, now, request))
    }

    /// Resolves a dispute in its own transaction; see [`Batch::resolve_dispute`].
    pub fn resolve_dispute(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        id: i64,
        decision: &DisputeDecision,
    ) -> Result<DisputeOutcome> {
        self.act(actor, now, "resolve_dispute", |b| b.resolve_dispute(actor, now, id, decision))
    }

    pub fn dispute(&mut self, id: i64) -> Result<DisputeView> {
        self.store.read(|db| Ok(DisputeView { dispute: dispute_row(db, id)?, contacts: db.dispute_contacts(id)? }))
    }

    /// The account's disputes, open first.
    pub fn disputes(&mut self, account: AccountId) -> Result<Vec<DisputeRow>> {
        self.store.read(|db| Ok(db.disputes(account)?))
    }

    /// Every open dispute, oldest first (at most [`super::MAX_WORK_ITEMS`]).
    pub fn open_disputes(&mut self) -> Result<Vec<DisputeRow>> {
        self.store.read(|db| Ok(db.open_disputes(super::MAX_WORK_ITEMS)?))
    }
}
