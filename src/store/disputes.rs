//! Disputes on bills.

use super::sql::{Row, args};
use chrono::{DateTime, Utc};

use super::{Db, Result};
use crate::domain::Money;
use crate::domain::ids::{AccountId, BillId, PostingId, UserId};
use crate::records::DisputeRow;

const DISPUTE_QUERY: &str = "SELECT d.id, d.account_id, a.number, d.bill_id, d.amount_cents, d.reason, d.complaint_id,
        d.status, uo.username, d.opened_at, d.request_id, ur.username, d.resolved_at, d.resolution_note, d.posting_id
    FROM disputes d
    JOIN accounts a ON a.id = d.account_id
    JOIN users uo ON uo.id = d.opened_by
    LEFT JOIN users ur ON ur.id = d.resolved_by";

fn row_to_dispute(r: &Row) -> Result<DisputeRow> {
    Ok(DisputeRow {
        id: r.get(0)?,
        account_id: r.get(1)?,
        account_number: r.get(2)?,
        bill_id: r.get(3)?,
        amount: r.get(4)?,
        reason: r.get(5)?,
        complaint_id: r.get(6)?,
        status: r.get(7)?,
        opened_by: r.get(8)?,
        opened_at: r.get(9)?,
        request_id: r.get(10)?,
        resolved_by: r.get(11)?,
        resolved_at: r.get(12)?,
        resolution_note: r.get(13)?,
        posting_id: r.get(14)?,
    })
}

impl Db<'_> {
    #[allow(clippy::too_many_arguments)]
    pub fn insert_dispute(
        &self,
        account: AccountId,
        bill: BillId,
        amount: Money,
        reason: &str,
        complaint: Option<i64>,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        self.insert(
            "INSERT INTO disputes (account_id, bill_id, amount_cents, reason, complaint_id, opened_by, opened_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
            args![account, bill, amount, reason, complaint, user, now],
        )
    }

    pub fn dispute(&self, id: i64) -> Result<Option<DisputeRow>> {
        let sql = format!("{DISPUTE_QUERY} WHERE d.id = ?1");
        self.optional(&sql, args![id], row_to_dispute)
    }

    /// The open dispute on a bill, if any.
    pub fn open_dispute_on(&self, bill: BillId) -> Result<Option<i64>> {
        self.optional("SELECT id FROM disputes WHERE bill_id = ?1 AND status = 'open'", args![bill], |r| r.get(0))
    }

    /// The account's disputes, open first, newest first.
    pub fn disputes(&self, account: AccountId) -> Result<Vec<DisputeRow>> {
        let sql = format!("{DISPUTE_QUERY} WHERE d.account_id = ?1 ORDER BY d.status != 'open', d.id DESC");
        self.all(&sql, args![account], row_to_dispute)
    }

    /// Every open dispute, oldest first.
    pub fn open_disputes(&self, limit: u32) -> Result<Vec<DisputeRow>> {
        let sql = format!("{DISPUTE_QUERY} WHERE d.status = 'open' ORDER BY d.id LIMIT ?1");
        self.all(&sql, args![limit], row_to_dispute)
    }

    /// Resolves an open dispute; false if it was not open.
    pub fn resolve_dispute(
        &self,
        id: i64,
        status: &str,
        by: UserId,
        now: DateTime<Utc>,
        note: &str,
        posting: Option<PostingId>,
    ) -> Result<bool> {
        let changed = self.execute(
            "UPDATE disputes SET status = ?2, resolved_by = ?3, resolved_at = ?4, resolution_note = ?5,
                     posting_id = ?6, request_id = NULL
                 WHERE id = ?1 AND status = 'open'",
            args![id, status, by, now, note, posting],
        )?;
        Ok(changed == 1)
    }

    /// Notes the approval request an open dispute's adjustment waits on.
    pub fn set_dispute_request(&self, id: i64, request: Option<i64>) -> Result<()> {
        self.execute("UPDATE disputes SET request_id = ?2 WHERE id = ?1", args![id, request])?;
        Ok(())
    }

    /// The open dispute whose adjustment waits on this request, if any.
    pub fn dispute_for_request(&self, request: i64) -> Result<Option<i64>> {
        self.optional("SELECT id FROM disputes WHERE request_id = ?1 AND status = 'open'", args![request], |r| r.get(0))
    }

    pub fn open_dispute_count(&self, account: AccountId) -> Result<u32> {
        self.one("SELECT count(*) FROM disputes WHERE account_id = ?1 AND status = 'open'", args![account], |r| {
            r.get(0)
        })
    }
}
