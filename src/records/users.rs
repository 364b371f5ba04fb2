//! People who sign in, and command-line sittings.

use crate::domain::ids::UserId;
use crate::domain::user::Role;
use chrono::{DateTime, Utc};

/// A user as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UserRow {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub active: bool,
    pub locked: bool,
    pub failed_logins: u32,
    /// The password was set by someone else: the person must choose their
    /// own before anything else.
    pub must_change_password: bool,
}

/// A command-line sitting as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliSession {
    pub user: UserId,
    pub started: DateTime<Utc>,
    pub last_used: DateTime<Utc>,
    pub ended: bool,
    /// Whether the audit trail records its start (a row written into the
    /// file outside the desk has no such record).
    pub audited: bool,
}
