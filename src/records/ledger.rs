//! Postings and their entries, and the aging of a receivable.

use crate::domain::Money;
use crate::domain::ids::{AccountId, BillId, PostingId, UserId};
use crate::domain::ledger::{Line, PostingKind, ReasonCode, Side};
use chrono::{DateTime, NaiveDate, Utc};

/// A posting found by its idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPosting {
    pub id: PostingId,
    pub payload_sha256: String,
}

/// A stored posting with its lines.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PostingRow {
    pub id: PostingId,
    pub kind: PostingKind,
    pub account_id: Option<AccountId>,
    pub effective_on: NaiveDate,
    pub posted_at: DateTime<Utc>,
    pub user_id: UserId,
    pub memo: String,
    pub reason: Option<ReasonCode>,
    pub bill_id: Option<BillId>,
    pub reverses: Option<PostingId>,
    pub waives: Option<PostingId>,
    pub reversed_by: Option<PostingId>,
    pub waived_by: Option<PostingId>,
    pub lines: Vec<Line>,
}

/// One receivable entry of an account, as the activity list shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EntryRow {
    pub posting_id: PostingId,
    pub kind: PostingKind,
    pub effective_on: NaiveDate,
    pub posted_at: DateTime<Utc>,
    pub memo: String,
    pub reason: Option<ReasonCode>,
    pub bill_id: Option<BillId>,
    pub side: Side,
    pub amount: Money,
    pub reversed_by: Option<PostingId>,
}

/// A receivable entry with the date it falls due, for aging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgingRow {
    pub kind: PostingKind,
    pub side: Side,
    pub amount: Money,
    pub due_on: NaiveDate,
    /// On a bill's own charge: the amount under a dispute open now.
    pub disputed: Money,
    /// The bill a bill's own charge is for.
    pub bill: Option<BillId>,
}
