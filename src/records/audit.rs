//! The audit trail's records, and what to read of them.

use crate::domain::audit::AuditRecord;
use crate::domain::ids::{AccountId, UserId};

/// A stored audit record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditRow {
    pub record: AuditRecord,
    pub username: Option<String>,
    pub hash: String,
}

/// Filters for listing audit records.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub account: Option<AccountId>,
    pub user: Option<UserId>,
    /// Inclusive RFC 3339 bounds on `at` (dates work: "2026-11-01").
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: u32,
}
