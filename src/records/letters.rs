//! Letters kept on an account.

use crate::domain::ids::{AccountId, UserId};
use chrono::{DateTime, Utc};

/// A letter as it was sent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LetterRow {
    pub id: i64,
    pub account_id: AccountId,
    pub template: String,
    /// ("complaint", 12), ("bill", 4410), ...
    pub about: Option<(String, i64)>,
    pub subject: String,
    pub body: String,
    pub sha256: String,
    pub sent_by: String,
    pub sent_by_name: String,
    pub sent_at: DateTime<Utc>,
}

/// A letter to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLetter<'a> {
    pub account: AccountId,
    pub template: &'a str,
    pub about: Option<(&'a str, i64)>,
    pub subject: &'a str,
    pub body: &'a str,
    pub sha256: &'a str,
    pub by: UserId,
    pub at: DateTime<Utc>,
}
