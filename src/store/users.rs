//! Users of the desk.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

use super::{Db, Result};
use crate::domain::ids::UserId;
use crate::domain::user::Role;

/// A user as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UserRow {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub active: bool,
}

fn row_to_user(row: &Row) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: row.get(0)?,
        username: row.get(1)?,
        full_name: row.get(2)?,
        role: row.get(3)?,
        active: row.get(4)?,
    })
}

impl Db<'_> {
    pub fn insert_user(&self, username: &str, full_name: &str, role: Role, now: DateTime<Utc>) -> Result<UserId> {
        self.conn
            .prepare_cached("INSERT INTO users (username, full_name, role, created_at) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![username, full_name, role, now])?;
        Ok(UserId(self.conn.last_insert_rowid()))
    }

    pub fn user_by_name(&self, username: &str) -> Result<Option<UserRow>> {
        Ok(self
            .conn
            .prepare_cached("SELECT id, username, full_name, role, active FROM users WHERE username = ?1")?
            .query_row([username], row_to_user)
            .optional()?)
    }

    pub fn users(&self) -> Result<Vec<UserRow>> {
        let mut statement =
            self.conn.prepare_cached("SELECT id, username, full_name, role, active FROM users ORDER BY username")?;
        let rows = statement.query_map([], row_to_user)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
