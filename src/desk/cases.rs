//! Contacts and complaints: every interaction on the account's timeline,
//! and complaints opened from them. Any representative may log them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Actor, Batch, Desk, DeskError, Result, audit, required_note};
use crate::domain::cases::{Channel, ComplaintCategory};
use crate::domain::ids::AccountId;
use crate::store::{ComplaintRow, ContactRow};

/// A contact to log; with `complaint`, it opens a complaint too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRequest {
    pub account: AccountId,
    pub channel: Channel,
    /// What was said, in a sentence or two.
    pub summary: String,
    pub complaint: Option<ComplaintCategory>,
}

/// What logging a contact wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ContactLogged {
    pub contact: i64,
    pub complaint: Option<i64>,
}

/// An account's contacts (newest first, at most [`CASE_CONTACTS`]) and complaints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cases {
    pub complaints: Vec<ComplaintRow>,
    pub contacts: Vec<ContactRow>,
}

/// How many contacts the account's Cases tab lists.
pub const CASE_CONTACTS: u32 = 100;

impl Batch<'_> {
    /// Logs a contact (and opens a complaint from it), with one audit record.
    pub fn log_contact(&self, actor: &Actor, now: DateTime<Utc>, request: &ContactRequest) -> Result<ContactLogged> {
        let summary = required_note(&request.summary, "summary of what the customer said")?;
        self.atomic(|db, _| {
            if db.account(request.account)?.is_none() {
                return Err(DeskError::UnknownAccount(request.account.to_string()));
            }
            let complaint = match request.complaint {
                Some(category) => Some(db.insert_complaint(request.account, category, &summary, actor.user_id, now)?),
                None => None,
            };
            let contact =
                db.insert_contact(request.account, request.channel, &summary, complaint, actor.user_id, now)?;
            let detail = serde_json::json!({
                "channel": request.channel, "summary": summary,
                "complaint": complaint.map(|id| serde_json::json!({ "id": id, "category": request.complaint })),
            });
            let action = if complaint.is_some() { "complaint-open" } else { "contact" };
            audit(db, now, Some(actor), action, &format!("contact:{contact}"), Some(request.account), &detail)?;
            Ok(ContactLogged { contact, complaint })
        })
    }
}

impl Desk {
    /// Logs a contact in its own transaction; see [`Batch::log_contact`].
    pub fn log_contact(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        request: &ContactRequest,
    ) -> Result<ContactLogged> {
        self.batch(|b| b.log_contact(actor, now, request))
    }

    pub fn cases(&mut self, account: AccountId) -> Result<Cases> {
        self.store.read(|db| {
            Ok(Cases { complaints: db.complaints(account)?, contacts: db.contacts(account, CASE_CONTACTS)? })
        })
    }
}
