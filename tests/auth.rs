//! Signing in: passwords, lockout after five failures, unlock, disabled
//! users, idle sessions, and an audit record for every attempt.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::Duration;
use common::{fixture, now};
use utility_desk::desk::{DeskError, MAX_FAILED_LOGINS};

const GOOD: &str = "Correct-Horse-Battery-9";

fn audit_count(f: &mut common::Fixture) -> u64 {
    f.desk.verify().unwrap().counts.audit_records
}

#[test]
fn a_right_password_signs_in_and_a_wrong_one_does_not() {
    let mut f = fixture();
    f.desk.set_password(None, now(), "car2", GOOD).unwrap();
    let session = f.desk.login(now(), "car2", GOOD).unwrap();
    assert_eq!(session.actor, f.staff.car2);
    let error = f.desk.login(now(), "car2", "Correct-Horse-Battery-8").unwrap_err();
    assert!(matches!(error, DeskError::SignIn(_)), "{error:?}");
    assert!(!error.to_string().contains("Battery"), "the password is never in a message: {error}");
    // An unknown name gets the same answer: no hint that the name is wrong.
    let unknown = f.desk.login(now(), "nobody", GOOD).unwrap_err();
    assert_eq!(unknown.to_string(), error.to_string());
    // A user without a password cannot sign in at all.
    assert!(f.desk.login(now(), "car3", "").is_err());
}

#[test]
fn five_failures_in_a_row_lock_until_an_administrator_unlocks() {
    let mut f = fixture();
    f.desk.set_password(None, now(), "car2", GOOD).unwrap();
    // A success in between resets the count.
    for _ in 0..MAX_FAILED_LOGINS - 1 {
        f.desk.login(now(), "car2", "wrong-password-1").unwrap_err();
    }
    f.desk.login(now(), "car2", GOOD).unwrap();
    for attempt in 1..=MAX_FAILED_LOGINS {
        let error = f.desk.login(now(), "car2", "wrong-password-1").unwrap_err();
        assert_eq!(error.to_string().contains("locked"), attempt == MAX_FAILED_LOGINS, "attempt {attempt}: {error}");
    }
    // Locked: even the right password is refused.
    let error = f.desk.login(now(), "car2", GOOD).unwrap_err();
    assert!(error.to_string().contains("ask an Administrator to unlock"), "{error}");

    // Only an Administrator unlocks.
    let supervisor = f.staff.supervisor.clone();
    let error = f.desk.unlock_user(&supervisor, now(), "car2").unwrap_err();
    assert!(matches!(error, DeskError::NotPermitted(_)), "{error:?}");
    let admin = f.staff.admin.clone();
    f.desk.unlock_user(&admin, now(), "car2").unwrap();
    assert!(f.desk.login(now(), "car2", GOOD).is_ok());
}

#[test]
fn a_disabled_user_cannot_sign_in() {
    let mut f = fixture();
    f.desk.set_password(None, now(), "car1", GOOD).unwrap();
    let admin = f.staff.admin.clone();
    f.desk.disable_user(&admin, now(), "car1").unwrap();
    let error = f.desk.login(now(), "car1", GOOD).unwrap_err();
    assert!(matches!(error, DeskError::UserInactive(_)), "{error:?}");
    assert!(matches!(f.desk.actor("car1"), Err(DeskError::UserInactive(_))));
}

#[test]
fn a_session_lapses_after_fifteen_idle_minutes() {
    let mut f = fixture();
    f.desk.set_password(None, now(), "car3", GOOD).unwrap();
    let mut session = f.desk.login(now(), "car3", GOOD).unwrap();
    // Activity keeps it alive...
    assert!(session.touch(now() + Duration::minutes(14)).is_ok());
    assert!(session.touch(now() + Duration::minutes(28)).is_ok());
    // ...15 minutes of nothing ends it.
    let error = session.touch(now() + Duration::minutes(44)).unwrap_err();
    assert!(matches!(error, DeskError::SessionExpired), "{error:?}");
}

#[test]
fn every_sign_in_attempt_and_user_change_is_audited_and_only_others_change_others_passwords() {
    let mut f = fixture();
    let start = audit_count(&mut f);
    f.desk.set_password(None, now(), "car2", GOOD).unwrap();
    f.desk.login(now(), "car2", GOOD).unwrap();
    f.desk.login(now(), "car2", "wrong-password-1").unwrap_err();
    f.desk.login(now(), "ghost", "wrong-password-1").unwrap_err();
    assert_eq!(audit_count(&mut f), start + 4);

    // A representative may change their own password, not someone else's.
    let car2 = f.staff.car2.clone();
    f.desk.set_password(Some(&car2), now(), "car2", "Another-Good-Password").unwrap();
    let error = f.desk.set_password(Some(&car2), now(), "car3", "Another-Good-Password").unwrap_err();
    assert!(matches!(error, DeskError::NotPermitted(_)), "{error:?}");
    assert_eq!(audit_count(&mut f), start + 5);
    assert!(f.desk.login(now(), "car2", "Another-Good-Password").is_ok());
}
