//! Adding people to the desk, by an Administrator.

use chrono::{DateTime, Utc};

use super::{Actor, Desk, DeskError, Result, audit, hash_password};
use crate::domain::ids::UserId;
use crate::domain::user::Role;
use crate::store::Db;

/// The longest user name accepted.
const MAX_USERNAME_CHARS: usize = 32;

impl Desk {
    /// Adds a user with their first password, as an Administrator. The user
    /// and the password are one change: one transaction and one audit record
    /// that names who added them (the password itself is never recorded).
    pub fn add_user_as(
        &mut self,
        by: &Actor,
        now: DateTime<Utc>,
        username: &str,
        full_name: &str,
        role: Role,
        password: &str,
    ) -> Result<UserId> {
        let result = (|| -> Result<UserId> {
            if by.role != Role::Admin {
                return Err(DeskError::NotPermitted("only an Administrator may add users".into()));
            }
            let (username, full_name) = checked_names(username, full_name)?;
            // Hashed before the transaction: a refused password leaves no user behind.
            let hash = hash_password(password)?;
            self.store.write(|db| insert_user_in(db, Some(by), now, username, full_name, role, Some(&hash)))
        })();
        if let Err(refusal) = &result {
            self.record_refusal(by, now, "add_user", refusal);
        }
        result
    }
}

/// The user name and full name trimmed, or why they cannot be used.
pub(super) fn checked_names<'a>(username: &'a str, full_name: &'a str) -> Result<(&'a str, &'a str)> {
    let username = username.trim();
    let full_name = full_name.trim();
    let usable = (2..=MAX_USERNAME_CHARS).contains(&username.len())
        && username.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if !usable {
        return Err(DeskError::Invalid(format!(
            "\"{username}\" is not a usable user name: use 2 to {MAX_USERNAME_CHARS} letters, digits, '.', '_' or '-'"
        )));
    }
    if full_name.is_empty() {
        return Err(DeskError::Invalid("enter the person's full name".into()));
    }
    super::no_card_number_in("user name", username)?;
    super::no_card_number_in("full name", full_name)?;
    Ok((username, full_name))
}

/// Inserts a user (with their password's hash, if given) and its one audit
/// record, in the caller's transaction. `by` is `None` while setting up.
pub(super) fn insert_user_in(
    db: &Db,
    by: Option<&Actor>,
    now: DateTime<Utc>,
    username: &str,
    full_name: &str,
    role: Role,
    password_hash: Option<&str>,
) -> Result<UserId> {
    if db.user_by_name(username)?.is_some() {
        return Err(DeskError::Invalid(format!("the user name \"{username}\" is taken")));
    }
    let id = db.insert_user(username, full_name, role, now)?;
    if let Some(hash) = password_hash {
        db.set_password_hash(id, hash, by.is_some())?;
    }
    let password = match (password_hash, by) {
        (None, _) => "none",
        (Some(_), Some(_)) => "temporary",
        (Some(_), None) => "set",
    };
    let detail = serde_json::json!({
        "after": { "username": username, "full_name": full_name, "role": role, "password": password },
        "password_sha256": password_hash.map(super::auth::sha256_hex),
    });
    audit(db, now, by, "user-add", &format!("user:{id}"), None, &detail)?;
    Ok(id)
}
