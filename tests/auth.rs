//! Signing in: passwords, lockout after five failures, unlock, disabled
//! users, idle sessions, and an audit record for every attempt.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::Duration;
use common::{cents, fixture, now};
use utility_desk::desk::{AuditQuery, Channel, DeskError, MAX_FAILED_LOGINS};
use utility_desk::domain::user::Role;

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

    // A representative changes their own password with the current one...
    f.desk.change_password(now(), "car2", GOOD, "Another-Good-Password", Channel::Window).unwrap();
    assert_eq!(audit_count(&mut f), start + 5);
    assert!(f.desk.login(now(), "car2", "Another-Good-Password").is_ok());
    // ...and never through the Administrator's reset, nor someone else's.
    let car2 = f.staff.car2.clone();
    let own = f.desk.set_password(Some(&car2), now(), "car2", "Third-Good-Password").unwrap_err();
    assert!(matches!(own, DeskError::Invalid(_)), "{own:?}");
    let error = f.desk.set_password(Some(&car2), now(), "car3", "Another-Good-Password").unwrap_err();
    assert!(matches!(error, DeskError::NotPermitted(_)), "{error:?}");
    // A wrong current password changes nothing and counts as a failed sign-in.
    let wrong = f.desk.change_password(now(), "car2", "not-the-password", "Fourth-Good-Password", Channel::Window);
    assert!(matches!(wrong, Err(DeskError::SignIn(_))), "{wrong:?}");
    assert!(f.desk.login(now(), "car2", "Another-Good-Password").is_ok());
}

#[test]
fn a_password_set_by_an_administrator_must_be_replaced_before_anything_else() {
    let mut f = fixture();
    let admin = f.staff.admin.clone();
    // A new user's first password, and a reset, are the Administrator's choice...
    f.desk.add_user_as(&admin, now(), "newmgr", "New Manager", Role::Manager, "Chosen-By-The-Admin-1").unwrap();
    f.desk.set_password(None, now(), "supervisor", GOOD).unwrap();
    f.desk.set_password(Some(&admin), now(), "supervisor", "Reset-By-The-Admin-2").unwrap();
    for (user, temporary) in [("newmgr", "Chosen-By-The-Admin-1"), ("supervisor", "Reset-By-The-Admin-2")] {
        // ...so they sign in to nothing: not the window, not the command line.
        for result in [f.desk.login(now(), user, temporary), f.desk.login_window(now(), user, temporary)] {
            assert!(matches!(&result, Err(DeskError::PasswordChangeRequired(u)) if u == user), "{result:?}");
        }
        // The new password cannot be the temporary one.
        assert!(f.desk.change_password(now(), user, temporary, temporary, Channel::Window).is_err());
        let session = f.desk.change_password(now(), user, temporary, "Now-My-Own-Password", Channel::Window).unwrap();
        assert_eq!(session.actor.username, user);
        assert!(f.desk.login(now(), user, "Now-My-Own-Password").is_ok());
        assert!(f.desk.login(now(), user, temporary).is_err());
    }
    // An Administrator still moves no money, whoever they sign in as next.
    let account = f.residential();
    let refused = f.desk.issue_credit(&admin, now(), &common::credit(account, cents(500), "admin-credit"));
    assert!(matches!(refused, Err(DeskError::NotPermitted(_))), "{refused:?}");
}

#[test]
fn the_automated_jobs_role_signs_in_on_the_command_line_only() {
    let mut f = fixture();
    f.desk.set_password(None, now(), "batch", GOOD).unwrap();
    assert_eq!(f.desk.login(now(), "batch", GOOD).unwrap().actor, f.staff.batch);
    let error = f.desk.login_window(now(), "batch", GOOD).unwrap_err();
    assert!(matches!(error, DeskError::NotPermitted(_)), "{error:?}");
    assert!(error.to_string().contains("may not sign in to the window"), "{error}");
}

#[test]
fn failed_sign_ins_and_refused_actions_are_found_by_the_user_they_named() {
    let mut f = fixture();
    f.desk.set_password(None, now(), "car2", GOOD).unwrap();
    f.desk.login(now(), "car2", "wrong-password-1").unwrap_err();
    let account = f.residential();
    let car1 = f.staff.car1.clone();
    // A CAR I may not post a payment: refused, and the refusal is recorded.
    let payment = common::payment(account, cents(1_000_000), common::today(), "car1-pays");
    let error = f.desk.record_payment(&car1, now(), &payment).unwrap_err();
    assert!(matches!(error, DeskError::NotPermitted(_)), "{error:?}");
    let supervisor = f.staff.supervisor.clone();
    let listing = |f: &mut common::Fixture, user: &str| {
        let query = AuditQuery { user: Some(user.to_string()), limit: 100, ..AuditQuery::default() };
        f.desk.audit(&supervisor, now(), &query).unwrap()
    };
    let car2 = listing(&mut f, "car2");
    assert!(
        car2.iter().any(|r| r.record.action == "login-failed" && r.record.detail.contains("wrong password")),
        "{car2:#?}"
    );
    let car1_records = listing(&mut f, "car1");
    let refusal = car1_records.iter().find(|r| r.record.action == "refused").expect("the refusal is recorded");
    assert_eq!(refusal.record.subject, "action:record_payment");
    assert!(refusal.record.detail.contains("may not post payments"), "{}", refusal.record.detail);
    assert_eq!(f.counts().postings, 0, "nothing was posted");
}

/// Reads a role may not make are refused and recorded like refused writes:
/// a representative reading the audit trail or a supervisor report, and a
/// representative setting someone else's password.
#[test]
fn refused_reads_and_password_changes_are_recorded() {
    let mut f = fixture();
    let (car1, car3, supervisor) = (f.staff.car1.clone(), f.staff.car3.clone(), f.staff.supervisor.clone());
    let query = AuditQuery { limit: 10, ..AuditQuery::default() };
    assert!(matches!(f.desk.audit(&car1, now(), &query), Err(DeskError::NotPermitted(_))));
    let from = common::day(2026, 1, 1);
    assert!(matches!(f.desk.money_actions_report(&car3, from, from, now()), Err(DeskError::NotPermitted(_))));
    assert!(matches!(f.desk.liaison_report(&car1, from, from, now()), Err(DeskError::NotPermitted(_))));
    let error = f.desk.set_password(Some(&car3), now(), "supervisor", GOOD).unwrap_err();
    assert!(matches!(error, DeskError::NotPermitted(_)), "{error:?}");
    let refused = |f: &mut common::Fixture, user: &str| -> Vec<String> {
        let query = AuditQuery { user: Some(user.to_string()), limit: 100, ..AuditQuery::default() };
        let rows = f.desk.audit(&supervisor, now(), &query).unwrap();
        rows.into_iter().filter(|r| r.record.action == "refused").map(|r| r.record.subject).collect()
    };
    assert_eq!(refused(&mut f, "car1"), ["action:liaison-report", "action:audit-trail"]);
    assert_eq!(refused(&mut f, "car3"), ["action:user-password", "action:money-actions-report"]);
}
