//! The lines of the reports.

use crate::domain::Money;
use crate::domain::cases::{ComplaintStatus, Source};
use crate::domain::ledger::{PostingKind, ReasonCode};
use crate::domain::user::Role;
use chrono::{DateTime, NaiveDate, Utc};

/// Credits, adjustments, waivers or reversals of one kind and reason, by one representative.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MoneyActionLine {
    /// Who asked for it: the requester when it went through approval, else who posted it.
    pub username: String,
    pub full_name: String,
    pub kind: PostingKind,
    pub reason: Option<ReasonCode>,
    pub postings: u64,
    /// Taken off customers' balances.
    pub credited: Money,
    /// Added to customers' balances (an adjustment up, a reversed payment).
    pub charged: Money,
    /// How many of them were posted by an approver, above the requester's limits.
    pub approved_above_limit: u64,
}

/// An approval request raised in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RaisedRequest {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub action: String,
    pub amount: Money,
    pub approved_amount: Option<Money>,
    pub status: String,
    pub requested_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// One person's case work in a period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProductivityLine {
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub contacts: u64,
    pub complaints_opened: u64,
    pub complaints_closed: u64,
    pub orders_drafted: u64,
    /// Submitted orders reviewed (passed or returned to draft).
    pub orders_reviewed: u64,
    /// Credits, adjustments, waivers and reversals they posted themselves.
    pub money_actions: u64,
}

/// A complaint opened in a report's period, as the complaints report counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedComplaint {
    pub source: Source,
    pub council_district: Option<u8>,
    pub status: ComplaintStatus,
    pub due_on: NaiveDate,
    pub closed_at: Option<DateTime<Utc>>,
}
