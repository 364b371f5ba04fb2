//! Service orders and their events.

use crate::domain::ids::{AccountId, AccountNumber, PremiseId};
use crate::domain::orders::{OpenOrder, OrderFields, OrderKind, OrderStatus, ReviewFlag};
use chrono::{DateTime, Utc};

/// A service order as the desk shows it, with the names of the people on it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OrderRow {
    pub id: i64,
    pub account_id: AccountId,
    pub account_number: AccountNumber,
    pub customer: String,
    pub premise_id: PremiseId,
    pub kind: OrderKind,
    pub status: OrderStatus,
    pub fields: OrderFields,
    pub complaint_id: Option<i64>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub sent_by: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub completed_by: Option<String>,
    pub completed_at: Option<DateTime<Utc>>,
    pub cancelled_by: Option<String>,
    pub cancelled_at: Option<DateTime<Utc>>,
    /// The last review's findings; empty when it passed, `None` before any.
    pub review_flags: Option<Vec<ReviewFlag>>,
    /// The completion's outcome, or why it was cancelled.
    pub outcome_note: Option<String>,
    pub reread_value: Option<u64>,
}

/// One step in an order's history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OrderEvent {
    pub id: i64,
    /// `None` for the drafting.
    pub from: Option<OrderStatus>,
    pub to: OrderStatus,
    pub note: Option<String>,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A new order's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrderRow<'a> {
    pub account: AccountId,
    pub premise: PremiseId,
    pub kind: OrderKind,
    pub fields: &'a OrderFields,
    pub complaint: Option<i64>,
}

/// A step that moves an order from one status to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderStep<'a> {
    Submit,
    /// Passed review: on to `reviewed`, no flags.
    Review,
    /// Review found problems: back to `draft`, with them.
    ReturnToDraft {
        flags: &'a [ReviewFlag],
    },
    Send,
    Complete {
        outcome: &'a str,
        reading: Option<u64>,
    },
    Cancel {
        reason: &'a str,
    },
}

impl OrderRow {
    /// As the review sees it when it reviews another order.
    pub fn as_open(&self) -> OpenOrder {
        OpenOrder { id: self.id, account: self.account_id, kind: self.kind, service_date: self.fields.service_date }
    }
}
