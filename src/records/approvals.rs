//! Approval requests.

use crate::domain::Money;
use crate::domain::authority::MoneyAction;
use crate::domain::ids::{AccountId, AccountNumber, PostingId, UserId};
use crate::domain::user::Role;
use chrono::{DateTime, Utc};

/// A request to store.
#[derive(Debug, Clone)]
pub struct NewRequest<'a> {
    pub action: MoneyAction,
    pub account: AccountId,
    pub subject: &'a str,
    pub amount: Money,
    pub request_json: &'a str,
    pub requested_by: UserId,
    pub reason: &'a str,
    pub reviewer: Role,
    /// The money action's idempotency key (unique among requests).
    pub key: &'a str,
}

/// A stored approval request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RequestRow {
    pub id: i64,
    pub action: MoneyAction,
    pub account_id: AccountId,
    pub account_number: AccountNumber,
    pub subject: String,
    pub amount: Money,
    pub request_json: String,
    pub requested_by: UserId,
    /// The requester's user name.
    pub requested_by_name: String,
    /// The requester's full name, as people know them.
    pub requested_by_full_name: String,
    pub requested_at: DateTime<Utc>,
    pub reason: String,
    pub reviewer: Role,
    pub status: String,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub approved_amount: Option<Money>,
    pub decision_note: Option<String>,
    pub posting_id: Option<PostingId>,
}
