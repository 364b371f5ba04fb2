//! Users of the desk.

use super::sql::{Row, args};
use chrono::{DateTime, Utc};

use super::{Db, Result, StoreError};
use crate::domain::ids::UserId;
use crate::domain::user::Role;
use crate::records::{CliSession, UserRow};

/// What signing in needs: the stored hash and the lock state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: UserRow,
    pub password_hash: Option<String>,
}

fn row_to_user(row: &Row) -> Result<UserRow> {
    Ok(UserRow {
        id: row.get(0)?,
        username: row.get(1)?,
        full_name: row.get(2)?,
        role: row.get(3)?,
        active: row.get(4)?,
        locked: row.get(5)?,
        failed_logins: row.get(6)?,
        must_change_password: row.get(7)?,
    })
}

impl Db<'_> {
    pub fn insert_user(&self, username: &str, full_name: &str, role: Role, now: DateTime<Utc>) -> Result<UserId> {
        Ok(UserId(self.insert(
            "INSERT INTO users (username, full_name, role, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
            args![username, full_name, role, now],
        )?))
    }

    pub fn user_by_name(&self, username: &str) -> Result<Option<UserRow>> {
        self.optional(
            "SELECT id, username, full_name, role, active, locked, failed_logins, must_change_password
                 FROM users WHERE username = ?1",
            args![username],
            row_to_user,
        )
    }

    pub fn users(&self) -> Result<Vec<UserRow>> {
        self.all(
            "SELECT id, username, full_name, role, active, locked, failed_logins, must_change_password
             FROM users ORDER BY username",
            args![],
            row_to_user,
        )
    }
}

impl Db<'_> {
    pub fn credentials(&self, username: &str) -> Result<Option<Credentials>> {
        self.optional(
            "SELECT id, username, full_name, role, active, locked, failed_logins, must_change_password, password_hash
                 FROM users WHERE username = ?1",
            args![username],
            |r| Ok(Credentials { user: row_to_user(r)?, password_hash: r.get(8)? }),
        )
    }

    /// Sets a password's hash, unlocking the user; `temporary` when someone
    /// other than the person set it.
    pub fn set_password_hash(&self, user: UserId, hash: &str, temporary: bool) -> Result<()> {
        self.execute(
            "UPDATE users SET password_hash = ?2, failed_logins = 0, locked = 0, must_change_password = ?3
                 WHERE id = ?1",
            args![user, hash, temporary],
        )?;
        Ok(())
    }

    /// Records the outcome of a sign-in: a success clears the count, a
    /// failure adds one and locks at `lock_after`.
    pub fn record_login(&self, user: UserId, success: bool, lock_after: u32) -> Result<()> {
        let sql = if success {
            "UPDATE users SET failed_logins = 0 WHERE id = ?1"
        } else {
            "UPDATE users SET failed_logins = failed_logins + 1,
                 locked = CASE WHEN failed_logins + 1 >= ?2 THEN 1 ELSE locked END WHERE id = ?1"
        };
        if success {
            self.execute(sql, args![user])?;
        } else {
            self.execute(sql, args![user, lock_after])?;
        }
        Ok(())
    }

    pub fn set_user_flags(&self, user: UserId, active: bool, locked: bool) -> Result<()> {
        self.execute("UPDATE users SET active = ?2, locked = ?3, failed_logins = CASE WHEN CAST(?3 AS BIGINT) = 1 THEN failed_logins ELSE 0 END WHERE id = ?1", args![user, active, locked])?;
        Ok(())
    }

    /// A person's own settings, by name.
    pub fn user_settings(&self, user: UserId) -> Result<Vec<(String, String)>> {
        self.all("SELECT name, value FROM user_settings WHERE user_id = ?1", args![user], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
    }

    /// Keeps one of a person's settings, replacing what was there.
    pub fn set_user_setting(&self, user: UserId, name: &str, value: &str, now: DateTime<Utc>) -> Result<()> {
        self.execute(
            "INSERT INTO user_settings (user_id, name, value, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (user_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            args![user, name, value, now],
        )?;
        Ok(())
    }

    /// A command-line sitting begun, by its token's digest.
    /// `audit_id` is the audit record of its start, which holds the digest.
    pub fn insert_cli_session(
        &self,
        token_sha256: &str,
        user: UserId,
        now: DateTime<Utc>,
        audit_id: i64,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO cli_sessions (token_sha256, user_id, started_at, last_used_at, audit_id)
                 VALUES (?1, ?2, ?3, ?3, ?4)",
            args![token_sha256, user, now, audit_id],
        )?;
        Ok(())
    }

    /// A sitting by its token's digest: who, when begun (as the audit
    /// record of its start says, not the row, which could be edited to
    /// make an old sitting young), when last used, whether ended, and
    /// whether the audit record it points at is the record of its start
    /// (by its person, holding its digest).
    pub fn cli_session(&self, token_sha256: &str) -> Result<Option<CliSession>> {
        self.optional(
            "SELECT s.user_id, coalesce(a.at, s.started_at), s.last_used_at,
                        CASE WHEN s.ended_at IS NOT NULL THEN 1 ELSE 0 END,
                        CASE WHEN a.user_id = s.user_id AND a.action = 'session-start' THEN a.detail END
                 FROM cli_sessions s LEFT JOIN audit_log a ON a.id = s.audit_id
                 WHERE s.token_sha256 = ?1",
            args![token_sha256],
            |row| {
                // Audited: its start's record is this person's and names this token.
                let start: Option<String> = row.get(4)?;
                let audited = start.is_some_and(|detail| {
                    serde_json::from_str::<serde_json::Value>(&detail)
                        .is_ok_and(|d| d.get("token_sha256").and_then(|t| t.as_str()) == Some(token_sha256))
                });
                Ok(CliSession {
                    user: row.get(0)?,
                    started: row.get(1)?,
                    last_used: row.get(2)?,
                    ended: row.get(3)?,
                    audited,
                })
            },
        )
    }

    /// What the last audited change of `user`'s password set: `None` when
    /// no record says (none made since migration 0022), `Some(None)` when it
    /// set no password, `Some(Some(digest))` the SHA-256 of the hash it set.
    pub fn audited_password(&self, user: UserId) -> Result<Option<Option<String>>> {
        let detail: Option<String> = self.optional(
            "SELECT detail FROM audit_log WHERE subject = ?1 AND action IN ('user-add', 'user-password')
                 ORDER BY id DESC LIMIT 1",
            args![format!("user:{}", user.0)],
            |r| r.get(0),
        )?;
        let Some(detail) = detail else { return Ok(None) };
        let detail: serde_json::Value =
            serde_json::from_str(&detail).map_err(|e| StoreError::Corrupt(format!("an audit record's detail: {e}")))?;
        Ok(match detail.get("password_sha256") {
            None => None,
            Some(serde_json::Value::String(digest)) => Some(Some(digest.clone())),
            Some(_) => Some(None),
        })
    }

    /// Every sitting's digest and person, for `verify`.
    pub(super) fn cli_session_owners(&self) -> Result<Vec<(String, i64)>> {
        self.all("SELECT token_sha256, user_id FROM cli_sessions ORDER BY started_at", args![], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
    }

    /// Ends every sitting of a person (their password changed, or they were
    /// locked or disabled).
    pub fn end_cli_sessions_of(&self, user: UserId, now: DateTime<Utc>) -> Result<()> {
        self.execute(
            "UPDATE cli_sessions SET ended_at = ?2 WHERE user_id = ?1 AND ended_at IS NULL",
            args![user, now],
        )?;
        Ok(())
    }

    /// Marks a sitting used at `now`.
    pub fn touch_cli_session(&self, token_sha256: &str, now: DateTime<Utc>) -> Result<()> {
        self.execute("UPDATE cli_sessions SET last_used_at = ?2 WHERE token_sha256 = ?1", args![token_sha256, now])?;
        Ok(())
    }

    /// Ends a sitting (idle too long, or ended by its person); whether there
    /// was one of `user`'s open under that digest.
    pub fn end_cli_session(&self, token_sha256: &str, user: UserId, now: DateTime<Utc>) -> Result<bool> {
        let ended = self.execute(
            "UPDATE cli_sessions SET ended_at = ?3 WHERE token_sha256 = ?1 AND user_id = ?2 AND ended_at IS NULL",
            args![token_sha256, user, now],
        )?;
        Ok(ended > 0)
    }
}
