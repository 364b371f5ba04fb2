//! Contacts and complaints.

use crate::domain::cases::{
    Channel, ComplaintCategory, ComplaintPlace, ComplaintStatus, IdentityCheck, Priority, Queue, Resolution, Source,
};
use crate::domain::ids::{AccountId, AccountNumber, UserId};
use chrono::{DateTime, NaiveDate, Utc};

/// A contact as the account's timeline shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ContactRow {
    pub id: i64,
    pub account_id: AccountId,
    pub channel: Channel,
    pub summary: String,
    pub complaint_id: Option<i64>,
    pub dispute_id: Option<i64>,
    pub order_id: Option<i64>,
    pub by: String,
    pub at: DateTime<Utc>,
    /// Who was spoken to and what they proved, where it was recorded.
    pub identity: Option<IdentityCheck>,
}

/// A complaint as the desk shows it, with the names of the people on it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ComplaintRow {
    pub id: i64,
    pub account_id: AccountId,
    pub account_number: AccountNumber,
    pub customer: String,
    pub category: ComplaintCategory,
    pub summary: String,
    pub status: ComplaintStatus,
    pub source: Source,
    pub council_district: Option<u8>,
    pub reference: Option<String>,
    pub channel: Channel,
    pub priority: Priority,
    pub due_on: NaiveDate,
    pub queue: Queue,
    pub assigned_to: Option<String>,
    pub resolution: Option<Resolution>,
    pub resolution_note: Option<String>,
    pub closed_by: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
}

/// The cases a contact is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ContactAbout {
    pub complaint: Option<i64>,
    pub dispute: Option<i64>,
    pub order: Option<i64>,
}

/// A new contact's row (who wrote it and when aside).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContactRow<'a> {
    pub account: AccountId,
    pub channel: Channel,
    pub summary: &'a str,
    pub about: ContactAbout,
    /// The identity check, as JSON.
    pub identity_json: Option<&'a str>,
}

/// A new complaint's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComplaintRow<'a> {
    pub account: AccountId,
    pub category: ComplaintCategory,
    pub summary: &'a str,
    pub source: Source,
    pub council_district: Option<u8>,
    pub reference: Option<&'a str>,
    pub channel: Channel,
    pub priority: Priority,
    pub due_on: NaiveDate,
    pub queue: Queue,
    pub assigned_to: Option<UserId>,
}

/// One thing that happened to a complaint.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ComplaintEvent {
    pub id: i64,
    pub kind: String,
    pub note: Option<String>,
    pub link: Option<(String, i64)>,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// Which complaints a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplaintFilter {
    /// Open, assigned to this person.
    AssignedTo(UserId),
    /// Open, with no one assigned, in these queues: everything escalated
    /// or routed to a queue above the desk, and liaison items, at once;
    /// the desk's own walk-in work once it is due on or before the date.
    Unassigned { queues: &'static [Queue], due_by: NaiveDate },
    /// From the Mayor's office or the Council: open, or closed since the instant.
    Liaison { closed_since: DateTime<Utc> },
    /// From the Mayor's office or the Council, opened in [from, until).
    LiaisonOpened { from: DateTime<Utc>, until: DateTime<Utc> },
}

impl ComplaintRow {
    pub fn is_open(&self) -> bool {
        self.status == ComplaintStatus::Open
    }

    /// Where it stands for deciding who may work it.
    pub fn place(&self) -> ComplaintPlace {
        ComplaintPlace { source: self.source, queue: self.queue }
    }
}
