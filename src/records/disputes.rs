//! Disputes.

use crate::domain::Money;
use crate::domain::ids::{AccountId, AccountNumber, BillId, PostingId};
use chrono::{DateTime, Utc};

/// A dispute as the desk shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DisputeRow {
    pub id: i64,
    pub account_id: AccountId,
    pub account_number: AccountNumber,
    pub bill_id: BillId,
    pub amount: Money,
    pub reason: String,
    pub complaint_id: Option<i64>,
    pub status: String,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    /// An adjustment waiting for approval.
    pub request_id: Option<i64>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolution_note: Option<String>,
    pub posting_id: Option<PostingId>,
}

impl DisputeRow {
    pub fn is_open(&self) -> bool {
        self.status == "open"
    }

    /// Whether it was open at `instant`: opened before it and not yet resolved.
    pub fn was_open_at(&self, instant: DateTime<Utc>) -> bool {
        self.opened_at < instant && self.resolved_at.is_none_or(|resolved| resolved >= instant)
    }
}
