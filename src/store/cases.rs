//! Contacts and complaints on an account.

use chrono::{DateTime, Utc};
use rusqlite::{Row, params};

use super::{Db, Result};
use crate::domain::cases::{Channel, ComplaintCategory};
use crate::domain::ids::{AccountId, UserId};

/// A contact as the account's timeline shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ContactRow {
    pub id: i64,
    pub account_id: AccountId,
    pub channel: Channel,
    pub summary: String,
    pub complaint_id: Option<i64>,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ComplaintRow {
    pub id: i64,
    pub account_id: AccountId,
    pub category: ComplaintCategory,
    pub summary: String,
    pub status: String,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
}

fn row_to_contact(r: &Row) -> rusqlite::Result<ContactRow> {
    Ok(ContactRow {
        id: r.get(0)?,
        account_id: r.get(1)?,
        channel: r.get(2)?,
        summary: r.get(3)?,
        complaint_id: r.get(4)?,
        by: r.get(5)?,
        at: r.get(6)?,
    })
}

fn row_to_complaint(r: &Row) -> rusqlite::Result<ComplaintRow> {
    Ok(ComplaintRow {
        id: r.get(0)?,
        account_id: r.get(1)?,
        category: r.get(2)?,
        summary: r.get(3)?,
        status: r.get(4)?,
        opened_by: r.get(5)?,
        opened_at: r.get(6)?,
    })
}

impl Db<'_> {
    pub fn insert_complaint(
        &self,
        account: AccountId,
        category: ComplaintCategory,
        summary: &str,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        self.conn
            .prepare_cached(
                "INSERT INTO complaints (account_id, category, summary, opened_by, opened_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![account, category, summary, user, now])?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn insert_contact(
        &self,
        account: AccountId,
        channel: Channel,
        summary: &str,
        complaint: Option<i64>,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        self.conn
            .prepare_cached(
                "INSERT INTO contacts (account_id, channel, summary, complaint_id, user_id, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![account, channel, summary, complaint, user, now])?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The account's contacts, newest first.
    pub fn contacts(&self, account: AccountId, limit: u32) -> Result<Vec<ContactRow>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT c.id, c.account_id, c.channel, c.summary, c.complaint_id, u.username, c.at
             FROM contacts c JOIN users u ON u.id = c.user_id
             WHERE c.account_id = ?1 ORDER BY c.id DESC LIMIT ?2",
        )?;
        let rows = statement.query_map(params![account, limit], row_to_contact)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The account's complaints, open first, newest first.
    pub fn complaints(&self, account: AccountId) -> Result<Vec<ComplaintRow>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT c.id, c.account_id, c.category, c.summary, c.status, u.username, c.opened_at
             FROM complaints c JOIN users u ON u.id = c.opened_by
             WHERE c.account_id = ?1 ORDER BY c.status = 'closed', c.id DESC",
        )?;
        let rows = statement.query_map([account], row_to_complaint)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn open_complaint_count(&self, account: AccountId) -> Result<u32> {
        Ok(self
            .conn
            .prepare_cached("SELECT count(*) FROM complaints WHERE account_id = ?1 AND status = 'open'")?
            .query_row([account], |r| r.get(0))?)
    }
}
