//! Signing in: Argon2id password hashes, lockout after five failures in a
//! row, and sessions that expire after 15 idle minutes. A password is never
//! stored, logged, audited or put in an error message.

use std::time::Duration;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Utc};

use super::{Actor, Desk, DeskError, Result, audit};
use crate::store::UserRow;

/// Failed sign-ins in a row that lock a user until an Administrator unlocks.
pub const MAX_FAILED_LOGINS: u32 = 5;
/// Idle time after which a session must sign in again.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// OWASP's minimum for Argon2id: 19 MiB of memory, 2 passes, 1 lane.
fn hasher() -> Result<Argon2<'static>> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(|e| DeskError::Invalid(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// The PHC string of `password` with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(DeskError::Invalid(format!("a password needs at least {MIN_PASSWORD_CHARS} characters")));
    }
    let hash = hasher()?
        .hash_password(password.as_bytes())
        .map_err(|_| DeskError::Invalid("the password could not be hashed".into()))?;
    Ok(hash.to_string())
}

fn password_matches(password: &str, stored: &str) -> bool {
    hasher().is_ok_and(|h| h.verify_password(password.as_bytes(), stored).is_ok())
}

/// A signed-in person. It lapses after [`IDLE_TIMEOUT`] without activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub actor: Actor,
    last_active: DateTime<Utc>,
}

impl Session {
    /// Checks the session is still live at `now` and marks it active.
    pub fn touch(&mut self, now: DateTime<Utc>) -> Result<&Actor> {
        let idle = (now - self.last_active).to_std().unwrap_or_default();
        if idle > IDLE_TIMEOUT {
            return Err(DeskError::SessionExpired);
        }
        self.last_active = now;
        Ok(&self.actor)
    }
}

/// Why a sign-in failed, kept vague on purpose: no hint whether the name exists.
const BAD_SIGN_IN: &str = "the user name or password is not right";

impl Desk {
    /// Signs a person in. Every attempt is audited; a failure counts toward
    /// the lock, and a locked or disabled user cannot sign in.
    pub fn login(&mut self, now: DateTime<Utc>, username: &str, password: &str) -> Result<Session> {
        let outcome = self.store.write(|db| -> Result<Result<Actor>> {
            let Some(credentials) = db.credentials(username)? else {
                let detail = serde_json::json!({ "username": username, "why": "unknown user" });
                audit(db, now, None, "login-failed", "user:?", None, &detail)?;
                return Ok(Err(DeskError::SignIn(BAD_SIGN_IN.into())));
            };
            let user = credentials.user;
            let subject = format!("user:{}", user.id);
            if user.locked {
                let detail = serde_json::json!({ "username": user.username, "why": "locked" });
                audit(db, now, None, "login-failed", &subject, None, &detail)?;
                return Ok(Err(DeskError::SignIn(format!(
                    "{} is locked after {MAX_FAILED_LOGINS} failed sign-ins: ask an Administrator to unlock it",
                    user.username
                ))));
            }
            if !user.active {
                let detail = serde_json::json!({ "username": user.username, "why": "disabled" });
                audit(db, now, None, "login-failed", &subject, None, &detail)?;
                return Ok(Err(DeskError::UserInactive(user.username)));
            }
            let matches = credentials.password_hash.as_deref().is_some_and(|h| password_matches(password, h));
            db.record_login(user.id, matches, MAX_FAILED_LOGINS)?;
            if matches {
                let actor = Actor { user_id: user.id, username: user.username.clone(), role: user.role };
                audit(db, now, Some(&actor), "login", &subject, None, &serde_json::json!({}))?;
                Ok(Ok(actor))
            } else {
                let failures = user.failed_logins + 1;
                let detail = serde_json::json!({ "username": user.username, "why": "wrong password", "failures": failures });
                audit(db, now, None, "login-failed", &subject, None, &detail)?;
                if failures >= MAX_FAILED_LOGINS {
                    return Ok(Err(DeskError::SignIn(format!(
                        "{BAD_SIGN_IN}; {} is now locked after {MAX_FAILED_LOGINS} failed sign-ins: ask an Administrator to unlock it",
                        user.username
                    ))));
                }
                Ok(Err(DeskError::SignIn(BAD_SIGN_IN.into())))
            }
        })?;
        outcome.map(|actor| Session { actor, last_active: now })
    }

    /// Sets a user's password. A person may change their own; an
    /// Administrator may set anyone's (a reset). `by` is `None` only while
    /// setting up a new database.
    pub fn set_password(
        &mut self,
        by: Option<&Actor>,
        now: DateTime<Utc>,
        username: &str,
        password: &str,
    ) -> Result<()> {
        let hash = hash_password(password)?;
        self.store.write(|db| {
            let user = db.user_by_name(username)?.ok_or_else(|| DeskError::UnknownUser(username.to_string()))?;
            if let Some(by) = by {
                require_admin_or_self(by, &user)?;
            }
            db.set_password_hash(user.id, &hash)?;
            let detail = serde_json::json!({ "username": user.username, "change": "password set" });
            audit(db, now, by, "user-password", &format!("user:{}", user.id), None, &detail)
        })
    }

    /// Unlocks a user locked by failed sign-ins (Administrators only).
    pub fn unlock_user(&mut self, by: &Actor, now: DateTime<Utc>, username: &str) -> Result<()> {
        self.change_flags(by, now, username, "user-unlock", |user| (user.active, false))
    }

    /// Disables a user: they can no longer sign in (Administrators only).
    pub fn disable_user(&mut self, by: &Actor, now: DateTime<Utc>, username: &str) -> Result<()> {
        self.change_flags(by, now, username, "user-disable", |user| (false, user.locked))
    }

    fn change_flags(
        &mut self,
        by: &Actor,
        now: DateTime<Utc>,
        username: &str,
        action: &str,
        change: impl FnOnce(&UserRow) -> (bool, bool),
    ) -> Result<()> {
        if by.role != crate::domain::user::Role::Admin {
            return Err(DeskError::NotPermitted(format!(
                "only an Administrator may {}",
                action.replace("user-", "") + " users"
            )));
        }
        self.store.write(|db| {
            let user = db.user_by_name(username)?.ok_or_else(|| DeskError::UnknownUser(username.to_string()))?;
            let (active, locked) = change(&user);
            db.set_user_flags(user.id, active, locked)?;
            let detail = serde_json::json!({
                "username": user.username,
                "before": { "active": user.active, "locked": user.locked },
                "after": { "active": active, "locked": locked },
            });
            audit(db, now, Some(by), action, &format!("user:{}", user.id), None, &detail)
        })
    }
}

fn require_admin_or_self(by: &Actor, user: &UserRow) -> Result<()> {
    if by.role == crate::domain::user::Role::Admin || by.user_id == user.id {
        Ok(())
    } else {
        Err(DeskError::NotPermitted("only an Administrator may set another person's password".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_at_owasp_minimum_and_salted() {
        let a = hash_password("correct horse battery").unwrap();
        let b = hash_password("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(password_matches("correct horse battery", &a));
        assert!(!password_matches("correct horse batterY", &a));
        assert!(!a.contains("horse"));
        assert!(hash_password("short").is_err());
    }
}
