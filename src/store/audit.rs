//! The audit trail: appending chained records, reading them back, and
//! walking the chain for `verify`.

use super::sql::{Row, args};
use chrono::{DateTime, SecondsFormat, Utc};

use super::{Db, Result};
use crate::domain::audit::{AuditRecord, GENESIS};
use crate::domain::ids::{AccountId, UserId};
use crate::records::{AuditFilter, AuditRow};

pub(super) fn row_to_record(row: &Row) -> Result<(AuditRecord, String, String)> {
    Ok((
        AuditRecord {
            id: row.get(0)?,
            at: row.get(1)?,
            user_id: row.get(2)?,
            action: row.get(3)?,
            subject: row.get(4)?,
            account_id: row.get(5)?,
            detail: row.get(6)?,
        },
        row.get(7)?,
        row.get(8)?,
    ))
}

pub(super) const COLUMNS: &str = "id, at, user_id, action, subject, account_id, detail, prev_hash, hash";

impl Db<'_> {
    /// Appends one audit record, chained to the last.
    pub fn append_audit(
        &self,
        now: DateTime<Utc>,
        user: Option<UserId>,
        action: &str,
        subject: &str,
        account: Option<AccountId>,
        detail: &str,
    ) -> Result<i64> {
        let mut head = self.chain_head.borrow_mut();
        if head.is_none() {
            *head = self.optional("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", args![], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        }
        let (prev_id, prev_hash) = head.clone().unwrap_or((0, GENESIS.to_string()));
        let record = AuditRecord {
            id: prev_id + 1,
            at: now.to_rfc3339_opts(SecondsFormat::Micros, true),
            user_id: user.map(|u| u.0),
            action: action.to_string(),
            subject: subject.to_string(),
            account_id: account.map(|a| a.0),
            detail: detail.to_string(),
        };
        let hash = record.chain_hash(&prev_hash);
        self.execute(
            "INSERT INTO audit_log (id, at, user_id, action, subject, account_id, detail, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            args![
                record.id,
                record.at,
                record.user_id,
                record.action,
                record.subject,
                record.account_id,
                record.detail,
                prev_hash,
                hash
            ],
        )?;
        *head = Some((record.id, hash));
        Ok(record.id)
    }

    /// The audit trail's last record's id, from its head row (0: none yet).
    pub fn audit_head_id(&self) -> Result<i64> {
        Ok(self.optional("SELECT last_id FROM audit_head WHERE id = 1", args![], |r| r.get(0))?.unwrap_or(0))
    }

    /// Audit records matching `filter`, newest first.
    pub fn audit_records(&self, filter: &AuditFilter) -> Result<Vec<AuditRow>> {
        self.all(
            "SELECT l.id, l.at, l.user_id, l.action, l.subject, l.account_id, l.detail, l.prev_hash, l.hash, u.username
             FROM audit_log l LEFT JOIN users u ON u.id = l.user_id
             WHERE (l.account_id = ?1 OR ?1 IS NULL) AND (l.user_id = ?2 OR ?2 IS NULL)
               AND (l.at >= ?3 OR ?3 IS NULL) AND (l.at < ?4 OR ?4 IS NULL)
             ORDER BY l.id DESC LIMIT ?5",
            args![filter.account, filter.user, filter.from, filter.to, filter.limit],
            |r| {
                let (record, _, hash) = row_to_record(r)?;
                Ok(AuditRow { record, username: r.get(9)?, hash })
            },
        )
    }
}
