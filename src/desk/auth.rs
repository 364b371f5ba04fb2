//! Signing in: Argon2id password hashes, lockout after five failures in a
//! row, and sessions that expire after 15 idle minutes. A password is never
//! stored, logged, audited or put in an error message.

use std::time::Duration;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Utc};

use super::{Actor, Desk, DeskError, Result, audit, audit_id};
use crate::records::UserRow;

/// Failed sign-ins in a row that lock a user until an Administrator unlocks.
pub const MAX_FAILED_LOGINS: u32 = 5;
/// Idle time after which a session must sign in again.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// The longest a command-line sitting lasts, however busy: a working day.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(10 * 60 * 60);
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

/// The SHA-256 of a session token or a stored password hash, in hex: what
/// the database keeps of a token, and what an audit record of a password
/// change commits to.
pub(super) fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Why a sign-in failed, kept vague on purpose: no hint whether the name exists.
const BAD_SIGN_IN: &str = "the user name or password is not right";

/// Where a person signs in: some roles never use the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The desk's window.
    Window,
    /// The command line (people and the utility's scheduled jobs).
    CommandLine,
}

impl Desk {
    /// Signs a person in on the command line; see [`Desk::sign_in`].
    pub fn login(&mut self, now: DateTime<Utc>, username: &str, password: &str) -> Result<Session> {
        self.sign_in(now, username, password, Channel::CommandLine)
    }

    /// Signs a person in to the window; see [`Desk::sign_in`]. The
    /// automated-jobs role is refused here.
    pub fn login_window(&mut self, now: DateTime<Utc>, username: &str, password: &str) -> Result<Session> {
        self.sign_in(now, username, password, Channel::Window)
    }

    /// Signs a person in. Every attempt is audited (a failed one under the
    /// user it named, so `audit --user` finds it); a failure counts toward
    /// the lock, and a locked or disabled user cannot sign in. A password
    /// someone else set is refused until the person chooses their own
    /// ([`Desk::change_password`]).
    pub fn sign_in(&mut self, now: DateTime<Utc>, username: &str, password: &str, channel: Channel) -> Result<Session> {
        let outcome = self.store.write(|db| -> Result<Result<Actor>> {
            let Some(credentials) = db.credentials(username)? else {
                let detail = serde_json::json!({ "username": username, "why": "unknown user" });
                audit(db, now, None, "login-failed", &format!("login:{}", username.trim()), None, &detail)?;
                return Ok(Err(bad_sign_in(None)));
            };
            let user = credentials.user;
            let matches = match check_password_in(db, now, &user, credentials.password_hash.as_deref(), password)? {
                Err(refused) => return Ok(Err(refused)),
                Ok(matches) => matches,
            };
            debug_assert!(matches);
            let actor = Actor { user_id: user.id, username: user.username.clone(), role: user.role };
            if channel == Channel::Window
                && let Err(why) = user.role.check(crate::domain::user::Duty::UseWindow)
            {
                let detail = serde_json::json!({ "username": user.username, "why": "not a window role" });
                failed(db, now, &user, &detail)?;
                return Ok(Err(DeskError::NotPermitted(why)));
            }
            if user.must_change_password {
                let detail = serde_json::json!({ "username": user.username, "why": "must choose a new password" });
                failed(db, now, &user, &detail)?;
                return Ok(Err(DeskError::PasswordChangeRequired(user.username)));
            }
            audit(db, now, Some(&actor), "login", &format!("user:{}", user.id), None, &serde_json::json!({}))?;
            Ok(Ok(actor))
        })?;
        outcome.map(|actor| Session { actor, last_active: now })
    }

    /// Begins a sitting on the command line: signs the person in with their
    /// password and returns the session's token, which the following
    /// commands give instead of the password until [`IDLE_TIMEOUT`] passes
    /// without one. Only the token's SHA-256 is kept.
    pub fn start_cli_session(
        &mut self,
        now: DateTime<Utc>,
        username: &str,
        password: &str,
    ) -> Result<(Session, String)> {
        let session = self.login(now, username, password)?;
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| DeskError::Invalid(format!("no randomness for a session: {e}")))?;
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let digest = sha256_hex(&token);
        let actor = session.actor.clone();
        // The sitting and the record of its start in one transaction: a
        // sitting is good only while it points at that record.
        self.store.write(|db| {
            let detail = serde_json::json!({ "username": actor.username, "token_sha256": digest });
            let record =
                audit_id(db, now, Some(&actor), "session-start", &format!("user:{}", actor.user_id), None, &detail)?;
            Ok::<_, DeskError>(db.insert_cli_session(&digest, actor.user_id, now, record)?)
        })?;
        Ok((session, token))
    }

    /// Goes on with a sitting as `username`: refused if the token is not one
    /// the desk gave (a row written into the file outside the desk has no
    /// audit record of its start), is another person's, was ended, or lay
    /// idle longer than [`IDLE_TIMEOUT`] (it is ended then), or if the
    /// person has since been locked or disabled or must choose a new
    /// password. What a refusal ends or records is kept.
    pub fn resume_cli_session(&mut self, now: DateTime<Utc>, username: &str, token: &str) -> Result<Session> {
        let digest = sha256_hex(token.trim());
        self.store.write(|db| -> Result<Result<Session>> {
            let Some(session) = db.cli_session(&digest)? else {
                return Ok(Err(DeskError::SessionExpired));
            };
            if !session.audited {
                db.end_cli_session(&digest, session.user, now)?;
                let detail = serde_json::json!({ "username": username, "why": "a session the audit trail does not record" });
                match db.user_by_name(username)? {
                    Some(user) => failed(db, now, &user, &detail)?,
                    None => audit(db, now, None, "login-failed", &format!("login:{}", username.trim()), None, &detail)?,
                }
                return Ok(Err(DeskError::SessionExpired));
            }
            let idle = (now - session.last_used).to_std().unwrap_or_default();
            let age = (now - session.started).to_std().unwrap_or_default();
            if session.ended || idle > IDLE_TIMEOUT || age > SESSION_LIFETIME {
                db.end_cli_session(&digest, session.user, now)?;
                return Ok(Err(DeskError::SessionExpired));
            }
            let Some(user) = db.user_by_name(username)? else {
                let detail = serde_json::json!({ "username": username, "why": "unknown user, with a session" });
                audit(db, now, None, "login-failed", &format!("login:{}", username.trim()), None, &detail)?;
                return Ok(Err(bad_sign_in(None)));
            };
            if user.id != session.user {
                // Someone else's token under this name: refused and recorded
                // under the name it was tried for, as a failed sign-in is.
                let detail = serde_json::json!({ "username": user.username, "why": "another person's session" });
                failed(db, now, &user, &detail)?;
                return Ok(Err(DeskError::Invalid(format!(
                    "the session in UTILITY_DESK_SESSION is not {username}'s: `unset UTILITY_DESK_SESSION`, then sign in as {username}"
                ))));
            }
            if !user.active || user.locked || user.must_change_password {
                db.end_cli_session(&digest, user.id, now)?;
                return Ok(Err(DeskError::SessionExpired));
            }
            db.touch_cli_session(&digest, now)?;
            let actor = Actor { user_id: user.id, username: user.username, role: user.role };
            Ok(Ok(Session { actor, last_active: now }))
        })?
    }

    /// Ends `actor`'s own sitting: its token signs nobody in again. A token
    /// that is not theirs (or not open) is said, and nothing is ended.
    pub fn end_cli_session(&mut self, actor: &Actor, now: DateTime<Utc>, token: &str) -> Result<()> {
        let digest = sha256_hex(token.trim());
        let ended = self.store.write(|db| Ok::<_, DeskError>(db.end_cli_session(&digest, actor.user_id, now)?))?;
        if ended {
            Ok(())
        } else {
            Err(DeskError::Invalid(format!(
                "the session in UTILITY_DESK_SESSION is not an open one of {}'s",
                actor.username
            )))
        }
    }

    /// A person chooses their own password, proving who they are with the
    /// current one (a temporary one included), and is signed in: the only
    /// way past a password someone else set. A wrong current password
    /// counts toward the lock like any failed sign-in.
    pub fn change_password(
        &mut self,
        now: DateTime<Utc>,
        username: &str,
        current: &str,
        new: &str,
        channel: Channel,
    ) -> Result<Session> {
        if new == current {
            return Err(DeskError::Invalid("the new password must differ from the current one".into()));
        }
        // Hashed before the transaction: a refused password changes nothing.
        let hash = hash_password(new)?;
        let outcome = self.store.write(|db| -> Result<Result<Actor>> {
            let Some(credentials) = db.credentials(username)? else {
                let detail = serde_json::json!({ "username": username, "why": "unknown user" });
                audit(db, now, None, "login-failed", &format!("login:{}", username.trim()), None, &detail)?;
                return Ok(Err(bad_sign_in(None)));
            };
            let user = credentials.user;
            if let Err(refused) = check_password_in(db, now, &user, credentials.password_hash.as_deref(), current)? {
                return Ok(Err(refused));
            }
            let actor = Actor { user_id: user.id, username: user.username.clone(), role: user.role };
            if channel == Channel::Window
                && let Err(why) = user.role.check(crate::domain::user::Duty::UseWindow)
            {
                let detail = serde_json::json!({ "action": "user-password", "why": why });
                audit(db, now, Some(&actor), "refused", "action:user-password", None, &detail)?;
                return Ok(Err(DeskError::NotPermitted(why)));
            }
            db.set_password_hash(user.id, &hash, false)?;
            // A new password ends the sittings begun with the old one.
            db.end_cli_sessions_of(user.id, now)?;
            let detail = serde_json::json!({
                "username": user.username,
                "change": "password chosen by the person",
                "was_temporary": user.must_change_password,
                "password_sha256": sha256_hex(&hash),
            });
            audit(db, now, Some(&actor), "user-password", &format!("user:{}", user.id), None, &detail)?;
            Ok(Ok(actor))
        })?;
        outcome.map(|actor| Session { actor, last_active: now })
    }

    /// Sets another person's password, as an Administrator (a reset): the
    /// password is temporary, so the person must choose their own at their
    /// next sign-in. `by` is `None` only while setting up a new database,
    /// where the password is the first Administrator's own (or the demo's
    /// published one) and is not temporary. A person changes their own with
    /// [`Desk::change_password`].
    pub fn set_password(
        &mut self,
        by: Option<&Actor>,
        now: DateTime<Utc>,
        username: &str,
        password: &str,
    ) -> Result<()> {
        let hash = hash_password(password)?;
        let result = self.store.write(|db| {
            let user = db.user_by_name(username)?.ok_or_else(|| DeskError::UnknownUser(username.to_string()))?;
            if let Some(by) = by {
                require_admin(by, &user)?;
            }
            let temporary = by.is_some();
            db.set_password_hash(user.id, &hash, temporary)?;
            db.end_cli_sessions_of(user.id, now)?;
            let change = if temporary { "temporary password set" } else { "password set" };
            let detail =
                serde_json::json!({ "username": user.username, "change": change, "password_sha256": sha256_hex(&hash) });
            audit(db, now, by, "user-password", &format!("user:{}", user.id), None, &detail)
        });
        if let (Err(refusal), Some(by)) = (&result, by) {
            self.record_refusal(by, now, "user-password", refusal);
        }
        result
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
        let result = (|| -> Result<()> {
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
                if !active || locked {
                    db.end_cli_sessions_of(user.id, now)?;
                }
                let detail = serde_json::json!({
                    "username": user.username,
                    "before": { "active": user.active, "locked": user.locked },
                    "after": { "active": active, "locked": locked },
                });
                audit(db, now, Some(by), action, &format!("user:{}", user.id), None, &detail)
            })
        })();
        if let Err(refusal) = &result {
            self.record_refusal(by, now, action, refusal);
        }
        result
    }
}

fn require_admin(by: &Actor, user: &UserRow) -> Result<()> {
    if by.user_id == user.id {
        return Err(DeskError::Invalid(
            "change your own password with your current one (`user passwd` as yourself, or at sign-in)".into(),
        ));
    }
    if by.role == crate::domain::user::Role::Admin {
        Ok(())
    } else {
        Err(DeskError::NotPermitted("only an Administrator may set another person's password".into()))
    }
}

/// The refusal of a wrong password: it never says whether the name exists,
/// and it warns before the lock.
fn bad_sign_in(lock: Option<&str>) -> DeskError {
    match lock {
        Some(username) => DeskError::SignIn(format!(
            "{BAD_SIGN_IN}; {username} is now locked after {MAX_FAILED_LOGINS} failed sign-ins in a row: ask an Administrator to unlock it"
        )),
        None => DeskError::SignIn(format!(
            "{BAD_SIGN_IN} ({MAX_FAILED_LOGINS} failed sign-ins in a row lock a user until an Administrator unlocks it)"
        )),
    }
}

/// Records a failed sign-in as the user it named: the record's actor is
/// that user, so `audit --user NAME` lists the attempts on their name.
fn failed(db: &crate::store::Db, now: DateTime<Utc>, user: &UserRow, detail: &serde_json::Value) -> Result<()> {
    let named = Actor { user_id: user.id, username: user.username.clone(), role: user.role };
    audit(db, now, Some(&named), "login-failed", &format!("user:{}", user.id), None, detail)
}

/// Checks `password` for `user` inside a sign-in's transaction: `Ok(Ok(true))`
/// when it matches (the failure count cleared), `Ok(Err(refusal))` when the
/// user is locked or disabled or the password is wrong (audited, counted).
fn check_password_in(
    db: &crate::store::Db,
    now: DateTime<Utc>,
    user: &UserRow,
    stored: Option<&str>,
    password: &str,
) -> Result<Result<bool>> {
    if user.locked {
        failed(db, now, user, &serde_json::json!({ "username": user.username, "why": "locked" }))?;
        return Ok(Err(DeskError::SignIn(format!(
            "{} is locked after {MAX_FAILED_LOGINS} failed sign-ins: ask an Administrator to unlock it",
            user.username
        ))));
    }
    if !user.active {
        failed(db, now, user, &serde_json::json!({ "username": user.username, "why": "disabled" }))?;
        return Ok(Err(DeskError::UserInactive(user.username.clone())));
    }
    let matches = stored.is_some_and(|h| password_matches(password, h));
    db.record_login(user.id, matches, MAX_FAILED_LOGINS)?;
    if matches {
        // The hash must be the one the last audited change set: one
        // written into the file beside the desk (and put back afterwards,
        // where `verify` would not see it) signs nobody in.
        let audited = match db.audited_password(user.id)? {
            None => true,
            Some(digest) => digest == stored.map(sha256_hex),
        };
        if !audited {
            let why = "a password the audit trail does not record";
            failed(db, now, user, &serde_json::json!({ "username": user.username, "why": why }))?;
            return Ok(Err(DeskError::SignIn(format!(
                "{}'s password was not set through the desk (the audit trail records another): \
                 an Administrator must set it again",
                user.username
            ))));
        }
        return Ok(Ok(true));
    }
    let failures = user.failed_logins + 1;
    let detail = serde_json::json!({ "username": user.username, "why": "wrong password", "failures": failures });
    failed(db, now, user, &detail)?;
    Ok(Err(bad_sign_in((failures >= MAX_FAILED_LOGINS).then_some(user.username.as_str()))))
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

    #[test]
    fn a_command_line_sitting_lapses_after_fifteen_idle_minutes_and_once_ended() {
        let mut desk = Desk::open_in_memory().unwrap();
        let t0 = Utc::now();
        desk.store
            .write(|db| {
                let id = db.insert_user("ann", "Ann", crate::domain::user::Role::Car1, t0)?;
                db.set_password_hash(id, &hash_password("correct horse battery")?, false)?;
                Ok::<_, DeskError>(())
            })
            .unwrap();
        let (_, token) = desk.start_cli_session(t0, "ann", "correct horse battery").unwrap();
        let minutes = |m: i64| t0 + chrono::Duration::minutes(m);
        // Each command moves the idle clock on.
        assert_eq!(desk.resume_cli_session(minutes(14), "ann", &token).unwrap().actor.username, "ann");
        assert!(desk.resume_cli_session(minutes(28), "ann", &token).is_ok());
        assert!(matches!(desk.resume_cli_session(minutes(44), "ann", &token), Err(DeskError::SessionExpired)));
        assert!(
            matches!(desk.resume_cli_session(minutes(45), "ann", &token), Err(DeskError::SessionExpired)),
            "ended for good once lapsed"
        );
        let (ann, second) = desk.start_cli_session(minutes(50), "ann", "correct horse battery").unwrap();
        assert_ne!(second, token);
        desk.end_cli_session(&ann.actor, minutes(51), &second).unwrap();
        assert!(matches!(desk.resume_cli_session(minutes(52), "ann", &second), Err(DeskError::SessionExpired)));
        assert!(matches!(desk.resume_cli_session(minutes(52), "ann", "made-up"), Err(DeskError::SessionExpired)));

        // A busy sitting still ends after a working day.
        let (_, busy) = desk.start_cli_session(minutes(60), "ann", "correct horse battery").unwrap();
        // A command every 14 minutes for 588 minutes keeps it going...
        for k in 1..=42 {
            assert!(desk.resume_cli_session(minutes(60 + 14 * k), "ann", &busy).is_ok(), "after {} minutes", 14 * k);
        }
        // ...and the next, 602 minutes after it began, is past ten hours.
        assert!(matches!(desk.resume_cli_session(minutes(60 + 14 * 43), "ann", &busy), Err(DeskError::SessionExpired)));

        // Locked by an Administrator: every sitting of hers ends.
        let (_, third) = desk.start_cli_session(minutes(700), "ann", "correct horse battery").unwrap();
        let id = desk.store.read(|db| Ok::<_, DeskError>(db.user_by_name("ann")?.map(|u| u.id))).unwrap().unwrap();
        desk.store.write(|db| Ok::<_, DeskError>(db.set_user_flags(id, true, true)?)).unwrap();
        assert!(
            matches!(desk.resume_cli_session(minutes(701), "ann", &third), Err(DeskError::SessionExpired)),
            "a locked person's sitting does not go on"
        );
    }
}
