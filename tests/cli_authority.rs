//! Money authority through the command line: signing in with `--as` and
//! `--password-stdin`, credits within and above the limits, the approval
//! queue, users and the policy, batch files and the audit trail.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use support::*;

/// A small demo database in `dir`.
fn small_demo(dir: &Path) -> PathBuf {
    demo(dir, "ledger.db", 30, 5, 3)
}

/// Accounts with nothing waiting for approval, so a new request is not a duplicate.
fn quiet_accounts(db: &Path) -> Vec<String> {
    account_numbers(db).into_iter().filter(|n| overview(db, n)["flags"]["pending_items"] == 0).collect()
}

fn credit(db: &Path, user: &str, account: &str, amount: &str, extra: &[&str]) -> Output {
    let mut args = vec!["credit", account, amount, "--reason", "goodwill", "--note", "missed appointment"];
    args.extend_from_slice(extra);
    run_as(db, user, &args)
}

fn request_ids(db: &Path, user: &str, args: &[&str]) -> Vec<i64> {
    let mut all = vec!["requests", "--json"];
    all.extend_from_slice(args);
    let listed: Value = serde_json::from_str(&ok_as(db, user, &all)).unwrap();
    listed.as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect()
}

#[test]
fn a_credit_within_the_limit_posts_and_one_above_waits_for_a_supervisor() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_demo(dir.path());
    let accounts = quiet_accounts(&db);
    let (small, large) = (&accounts[0], &accounts[1]);

    let before = balance(&db, small);
    let output = credit(&db, "rep2", small, "20.00", &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("posted: posting "), "{}", stdout(&output));
    assert_eq!(balance(&db, small), before - 2_000, "the balance drops by exactly the credit");

    let before = balance(&db, large);
    let output = credit(&db, "rep2", large, "75.00", &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("sent for approval: request "), "{text}");
    assert!(text.contains("$50.00") && text.contains("supervisor"), "the reason names the limit and reviewer: {text}");
    let request = number_after(&text, "request ");
    assert_eq!(balance(&db, large), before, "a pending request moves no money");

    let pending: Value =
        serde_json::from_str(&ok_as(&db, "supervisor", &["requests", "--status", "pending", "--json"])).unwrap();
    let listed = pending.as_array().unwrap().iter().find(|r| r["id"] == request).expect("the request is queued");
    assert_eq!(listed["amount"], 7_500);
    assert_eq!(listed["account"], large.as_str());
    assert_eq!(listed["requested_by"], "rep2");
    assert_eq!(listed["requested_by_name"], "Marcus Oyelaran");
    assert_eq!(listed["stale"], false);
    // The queue speaks of the representative's limit, not the reviewer's.
    let reason = listed["reason"].as_str().unwrap();
    assert!(reason.starts_with("Above Customer Account Representative II's credit limit of $50.00"), "{reason}");
    assert!(!reason.contains("Your"), "{reason}");
    assert!(request_ids(&db, "rep2", &["--mine"]).contains(&request));
    assert!(!request_ids(&db, "rep3", &["--mine"]).contains(&request));
    let text = ok_as(&db, "supervisor", &["requests"]);
    assert!(text.contains(&format!("#{request}")) && text.contains("$75.00"), "{text}");
    assert!(text.contains("by Marcus Oyelaran (rep2)"), "{text}");

    let text = ok_as(&db, "supervisor", &["approve", &request.to_string(), "--note", "checked the history"]);
    assert!(text.contains("posted: posting "), "{text}");
    assert_eq!(balance(&db, large), before - 7_500, "approval posts the money");
    assert!(!request_ids(&db, "supervisor", &[]).contains(&request), "no longer pending");
    assert!(request_ids(&db, "supervisor", &["--status", "approved"]).contains(&request));
    let again = refused_as(&db, "manager", &["approve", &request.to_string()]);
    assert!(again.contains("already"), "a request ends once: {again}");
    verify_passes(&db);
}

#[test]
fn the_requester_cannot_approve_and_a_rejection_needs_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_demo(dir.path());
    let accounts = quiet_accounts(&db);
    let before = balance(&db, &accounts[0]);

    let text = stdout(&credit(&db, "supervisor", &accounts[0], "1,500.00", &[]));
    let request = number_after(&text, "sent for approval: request ").to_string();
    let own = refused_as(&db, "supervisor", &["approve", &request]);
    assert!(own.contains("your own request"), "{own}");

    let output = run_as(&db, "manager", &["reject", &request]);
    assert_eq!(output.status.code(), Some(2), "reject without --reason is a usage error: {}", stderr(&output));
    let blank = refused_as(&db, "manager", &["reject", &request, "--reason", "  "]);
    assert!(blank.contains("reason"), "{blank}");
    assert!(request_ids(&db, "manager", &[]).contains(&request.parse().unwrap()), "still pending");

    assert!(ok_as(&db, "manager", &["reject", &request, "--reason", "no record of the visit"]).contains("rejected"));
    assert!(request_ids(&db, "manager", &["--status", "rejected"]).contains(&request.parse().unwrap()));
    assert_eq!(balance(&db, &accounts[0]), before, "a rejected request moves no money");

    // Only the requester withdraws.
    let text = stdout(&credit(&db, "rep2", &accounts[1], "60.00", &[]));
    let request = number_after(&text, "sent for approval: request ").to_string();
    let other = refused_as(&db, "rep3", &["withdraw", &request]);
    assert!(other.contains("only the person who sent"), "{other}");
    assert!(ok_as(&db, "rep2", &["withdraw", &request]).contains("withdrawn"));
    assert!(request_ids(&db, "rep2", &["--status", "withdrawn"]).contains(&request.parse().unwrap()));
    verify_passes(&db);
}

#[test]
fn a_wrong_password_is_refused_without_echoing_it_and_administrators_move_no_money() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_demo(dir.path());
    let accounts = quiet_accounts(&db);
    let postings = posting_count(&db);

    let secret = "Wrong-Horse-Battery-77";
    let args = ["credit", &accounts[0], "5.00", "--reason", "goodwill", "--note", "test"];
    let output = run_as_with(&db, "rep2", &args, &[secret]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&args, &output));
    let (out, err) = (stdout(&output), stderr(&output));
    assert!(err.contains("Sign-in failed") && err.contains("5 failed sign-ins in a row lock"), "{err}");
    assert!(!err.contains(secret) && !out.contains(secret), "the password is never shown: {err}");

    let output = run_as_with(&db, "rep2", &args, &[]);
    assert_eq!(output.status.code(), Some(1), "no password: {}", describe(&args, &output));
    let output = run_as_with(&db, "nobody", &args, &[DEMO_PASSWORD]);
    assert_eq!(output.status.code(), Some(1), "unknown user: {}", describe(&args, &output));

    let admin = stderr(&credit(&db, "admin", &accounts[0], "5.00", &[]));
    assert!(admin.contains("money authority"), "{admin}");
    let rep1 = stdout(&credit(&db, "rep1", &accounts[0], "5.00", &[]));
    assert!(rep1.starts_with("sent for approval"), "CAR I has $0 authority: everything waits: {rep1}");
    assert_eq!(posting_count(&db), postings, "nothing was posted");

    let bad = stderr(&credit(&db, "rep2", &accounts[0], "5.001", &[]));
    assert!(bad.contains("two decimals"), "{bad}");
    let negative = run_as(&db, "rep2", &["credit", &accounts[0], "-5", "--reason", "goodwill", "--note", "x"]);
    assert_eq!(negative.status.code(), Some(1), "{}", stderr(&negative));
    assert!(stderr(&negative).contains("negative"));
    let usage = run_as(&db, "rep2", &["credit", &accounts[0], "5", "--reason", "because", "--note", "x"]);
    assert_eq!(usage.status.code(), Some(2), "an unknown reason code is a usage error");
    let no_as = run(&db, &["credit", &accounts[0], "5", "--reason", "goodwill", "--note", "x"]);
    assert_eq!(no_as.status.code(), Some(2), "--as is required");
}

#[test]
fn only_a_manager_or_administrator_changes_the_limits_and_the_new_limit_holds() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_demo(dir.path());
    let accounts = quiet_accounts(&db);

    let shown = json(&db, &["policy", "show", "--json"]);
    assert_eq!(shown["car2"]["credit"], 5_000);
    assert_eq!(shown["supervisor"]["approve"], 250_000);
    assert_eq!(shown["manager"]["daily"], "unlimited");
    assert_eq!(shown["admin"]["credit"], Value::Null);
    let text = ok(&db, &["policy", "show"]);
    assert!(text.contains("Customer Account Representative II") && text.contains("$50.00"), "{text}");

    let refused = refused_as(&db, "rep3", &["policy", "set", "car2", "credit", "75.00"]);
    assert!(refused.contains("Manager or Administrator"), "{refused}");
    assert_eq!(json(&db, &["policy", "show", "--json"])["car2"]["credit"], 5_000);

    let text = ok_as(&db, "manager", &["policy", "set", "car2", "credit", "75.00"]);
    assert!(text.contains("$50.00") && text.contains("$75.00"), "{text}");
    assert_eq!(json(&db, &["policy", "show", "--json"])["car2"]["credit"], 7_500);
    ok_as(&db, "admin", &["policy", "set", "car3", "daily", "unlimited"]);
    assert_eq!(json(&db, &["policy", "show", "--json"])["car3"]["daily"], "unlimited");

    let invalid = refused_as(&db, "manager", &["policy", "set", "car2", "approve", "10.00"]);
    assert!(invalid.contains("cannot approve"), "{invalid}");
    refused_as(&db, "manager", &["policy", "set", "car2", "credit", "lots"]);

    let before = balance(&db, &accounts[0]);
    let text = stdout(&credit(&db, "rep2", &accounts[0], "70.00", &[]));
    assert!(text.starts_with("posted"), "the raised limit holds: {text}");
    assert_eq!(balance(&db, &accounts[0]), before - 7_000);
    let audit = ok_as(&db, "manager", &["audit", "--user", "manager", "--json"]);
    assert!(audit.contains("policy-set"), "the change is audited: {audit}");
}

#[test]
fn an_administrator_adds_users_who_choose_their_own_password_and_then_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_demo(dir.path());
    let temporary = "set-by-the-admin-0";
    let password = "first-day-password-1";

    let args = ["user", "add", "jdoe", "--name", "Jane Doe", "--role", "car3"];
    let output = run_as_with(&db, "admin", &args, &[DEMO_PASSWORD, temporary]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&args, &output));
    // The Administrator's password lets jdoe do nothing but choose her own.
    let output = run_as_with(&db, "jdoe", &["user", "list"], &[temporary]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&args, &output));
    assert!(stderr(&output).contains("user passwd jdoe --as jdoe"), "{}", stderr(&output));
    let output = run_as_with(&db, "jdoe", &["user", "passwd", "jdoe"], &[temporary, password]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let listed: Value =
        serde_json::from_str(&stdout(&run_as_with(&db, "jdoe", &["user", "list", "--json"], &[password])))
            .expect("the new user signs in and lists the users");
    let jdoe = listed.as_array().unwrap().iter().find(|u| u["username"] == "jdoe").expect("listed");
    assert_eq!((jdoe["role"].as_str(), jdoe["full_name"].as_str()), (Some("car3"), Some("Jane Doe")));
    assert!(jdoe.get("password_hash").is_none());

    let args = ["user", "add", "jsmith", "--name", "John Smith", "--role", "car1"];
    let output = run_as_with(&db, "supervisor", &args, &[DEMO_PASSWORD, password]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&args, &output));
    assert!(stderr(&output).contains("only an Administrator"), "{}", stderr(&output));
    let output = run_as_with(&db, "jsmith", &["user", "list"], &[password]);
    assert_eq!(output.status.code(), Some(1), "the refused user does not exist");

    // A new password: one's own, not another's (unless an Administrator).
    let changed = "second-day-password-2";
    let output = run_as_with(&db, "jdoe", &["user", "passwd", "jdoe"], &[password, changed]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = run_as_with(&db, "jdoe", &["user", "passwd", "rep2"], &[changed, "someone-elses-pass"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(run_as_with(&db, "jdoe", &["user", "list"], &[changed]).status.code(), Some(0));
    // An Administrator's reset is temporary too.
    let output = run_as_with(&db, "admin", &["user", "passwd", "jdoe"], &[DEMO_PASSWORD, "reset-by-admin-3"]);
    assert!(stdout(&output).contains("temporary password set"), "{}", describe(&args, &output));
    assert_eq!(run_as_with(&db, "jdoe", &["user", "list"], &["reset-by-admin-3"]).status.code(), Some(1));
    let output = run_as_with(&db, "jdoe", &["user", "passwd", "jdoe"], &["reset-by-admin-3", "reset-by-admin-3"]);
    assert!(stderr(&output).contains("differ"), "{}", stderr(&output));
    let output = run_as_with(&db, "jdoe", &["user", "passwd", "jdoe"], &["reset-by-admin-3", "third-day-password-3"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let changed = "third-day-password-3";

    // Disabled and locked users cannot sign in; an Administrator unlocks.
    assert!(ok_as(&db, "admin", &["user", "disable", "jdoe"]).contains("disabled"));
    assert_eq!(run_as_with(&db, "jdoe", &["user", "list"], &[changed]).status.code(), Some(1));
    for _ in 0..5 {
        run_as_with(&db, "rep1", &["user", "list"], &["not-the-password"]);
    }
    assert!(refused_as(&db, "rep1", &["user", "list"]).contains("locked"));
    refused_as(&db, "supervisor", &["user", "unlock", "rep1"]);
    assert!(ok_as(&db, "admin", &["user", "unlock", "rep1"]).contains("unlocked"));
    ok_as(&db, "rep1", &["user", "list"]);
}

fn write_batch(path: &Path, rows: &[[&str; 9]]) {
    let mut writer = csv::Writer::from_path(path).unwrap();
    writer.write_record(["key", "kind", "account", "bill", "line", "direction", "amount", "reason", "note"]).unwrap();
    for row in rows {
        writer.write_record(row).unwrap();
    }
    writer.flush().unwrap();
}

/// The id of an account's newest bill.
fn newest_bill(db: &Path, number: &str) -> i64 {
    overview(db, number)["bills"][0]["id"].as_i64().unwrap()
}

#[test]
fn a_batch_file_with_one_malformed_row_posts_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_demo(dir.path());
    let accounts = quiet_accounts(&db);
    let bill = newest_bill(&db, &accounts[2]).to_string();
    let file = dir.path().join("batch.csv");
    let unknown = valid_number(9_999_999);
    let cases: &[([&str; 9], &str)] = &[
        (["k2", "credit", &accounts[1], "", "", "", "ten", "goodwill", "note"], "not an amount"),
        (["k2", "credit", &unknown, "", "", "", "5.00", "goodwill", "note"], "no account"),
        (["k2", "credit", &accounts[1], "", "", "", "5.00", "kindness", "note"], "reason code"),
        (["k2", "credit", &accounts[1], "", "", "", "5.00", "goodwill", ""], "note"),
        (["k1", "credit", &accounts[1], "", "", "", "5.00", "goodwill", "note"], "used earlier"),
        (["k2", "adjust", "", "999999", "1", "decrease", "5.00", "billing-error", "note"], "no bill 999999"),
        (["k2", "adjust", "", &bill, "99", "decrease", "5.00", "billing-error", "note"], "no line 99"),
        (["k2", "adjust", "", &bill, "1", "sideways", "5.00", "billing-error", "note"], "direction"),
        (["k2", "refund", &accounts[1], "", "", "", "5.00", "goodwill", "note"], "kind"),
    ];
    let postings = posting_count(&db);
    let requests = request_ids(&db, "manager", &["--status", "all"]);
    let balances: Vec<i64> = accounts[..3].iter().map(|a| balance(&db, a)).collect();
    for (bad, expected) in cases {
        let good = ["k1", "credit", &accounts[0], "", "", "", "5.00", "goodwill", "courtesy"];
        let after = ["k3", "adjust", &accounts[2], &bill, "1", "decrease", "1.00", "billing-error", "fix"];
        write_batch(&file, &[good, *bad, after]);
        let err = refused_as(&db, "rep3", &["adjust", "--batch", file.to_str().unwrap()]);
        assert!(err.contains("nothing was posted") && err.contains("line 3"), "{err}");
        assert!(err.contains(expected), "expected \"{expected}\" in: {err}");
        assert!(!err.contains("line 2:") && !err.contains("line 4:"), "only the bad row is named: {err}");
    }
    assert_eq!(posting_count(&db), postings);
    assert_eq!(accounts[..3].iter().map(|a| balance(&db, a)).collect::<Vec<_>>(), balances);
    assert_eq!(request_ids(&db, "manager", &["--status", "all"]), requests, "the trial run left no request");
    verify_passes(&db);
}

#[test]
fn a_batch_file_posts_within_the_limits_and_sends_the_rest_for_approval() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_demo(dir.path());
    let accounts = quiet_accounts(&db);
    let bill = newest_bill(&db, &accounts[2]).to_string();
    let file = dir.path().join("batch.csv");
    write_batch(
        &file,
        &[
            ["b-1", "credit", &accounts[0], "", "", "", "10.00", "goodwill", "courtesy"],
            ["b-2", "credit", &accounts[1], "", "", "", "80.00", "leak", "leak at the meter"],
            ["b-3", "adjust", &accounts[2], &bill, "1", "decrease", "2.50", "billing-error", "wrong meter size"],
        ],
    );
    let balances: Vec<i64> = accounts[..3].iter().map(|a| balance(&db, a)).collect();
    let text = ok_as(&db, "rep2", &["adjust", "--batch", file.to_str().unwrap()]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("line 2 b-1: posted: posting "), "{text}");
    assert!(lines[1].starts_with("line 3 b-2: sent for approval: request "), "{text}");
    assert!(lines[1].contains("Above Customer Account Representative II's credit limit of $50.00"), "{text}");
    assert!(lines[2].starts_with("line 4 b-3: posted: posting "), "{text}");
    assert!(
        text.contains("2 posted, 0 already posted, 1 sent for approval, 0 already waiting for approval, 0 refused"),
        "{text}"
    );
    assert_eq!(balance(&db, &accounts[0]), balances[0] - 1_000);
    assert_eq!(balance(&db, &accounts[1]), balances[1], "the request moves no money");
    assert_eq!(balance(&db, &accounts[2]), balances[2] - 250);
    let request = number_after(lines[1], "request ");
    assert!(request_ids(&db, "supervisor", &[]).contains(&request));

    // Run again: the posted rows replay; the waiting one answers with its
    // request and is not sent twice.
    let output = run_as(&db, "rep2", &["adjust", "--batch", file.to_str().unwrap()]);
    let text = stdout(&output);
    assert!(
        text.contains("2 already posted, 0 sent for approval, 1 already waiting for approval, 0 refused"),
        "{text}"
    );
    assert!(text.contains(&format!("line 3 b-2: sent for approval: request {request} (already sent")), "{text}");
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert_eq!(request_ids(&db, "supervisor", &[]).iter().filter(|r| **r == request).count(), 1);
    assert_eq!(balance(&db, &accounts[0]), balances[0] - 1_000);
    assert_eq!(balance(&db, &accounts[2]), balances[2] - 250);
    verify_passes(&db);
}

#[test]
fn a_retried_credit_with_the_same_key_posts_once_and_the_audit_lists_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_demo(dir.path());
    let accounts = quiet_accounts(&db);
    let before = balance(&db, &accounts[0]);

    let first = stdout(&credit(&db, "rep2", &accounts[0], "12.34", &["--key", "retry-me-1"]));
    let again = stdout(&credit(&db, "rep2", &accounts[0], "12.34", &["--key", "retry-me-1"]));
    let posting = number_after(&first, "posted: posting ");
    assert_eq!(number_after(&again, "posted: posting "), posting, "{again}");
    assert!(again.contains("already posted"), "{again}");
    assert_eq!(balance(&db, &accounts[0]), before - 1_234, "posted once");
    let changed = stderr(&credit(&db, "rep2", &accounts[0], "12.35", &["--key", "retry-me-1"]));
    assert!(changed.contains("already used"), "the same key for another amount is refused: {changed}");
    // Without --key each run is its own credit.
    credit(&db, "rep2", &accounts[0], "1.00", &[]);
    credit(&db, "rep2", &accounts[0], "1.00", &[]);
    assert_eq!(balance(&db, &accounts[0]), before - 1_434);

    let records: Value =
        serde_json::from_str(&ok_as(&db, "supervisor", &["audit", "--account", &accounts[0], "--json"])).unwrap();
    let records = records.as_array().unwrap();
    let subject = format!("posting:{posting}");
    let record = records.iter().find(|r| r["record"]["subject"] == subject.as_str()).expect("the credit is audited");
    assert_eq!(record["username"], "rep2");
    assert!(record["record"]["detail"].as_str().unwrap().contains("retry-me-1"));
    let ids: Vec<i64> = records.iter().map(|r| r["record"]["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");
    assert!(ok_as(&db, "supervisor", &["audit", "--account", &accounts[0]]).contains(&subject));
    let by_rep2 = ok_as(&db, "manager", &["audit", "--user", "rep2", "--limit", "3", "--json"]);
    assert_eq!(serde_json::from_str::<Value>(&by_rep2).unwrap().as_array().unwrap().len(), 3);
    let future = ok_as(&db, "admin", &["audit", "--from", "2099-01-01"]);
    assert!(future.contains("No audit records"), "{future}");
    assert!(refused_as(&db, "rep2", &["audit"]).contains("audit trail"));
}

#[test]
fn re_rating_shows_the_preview_and_reversals_and_waivers_follow_the_limits() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_demo(dir.path());
    let accounts = quiet_accounts(&db);
    let view = accounts
        .iter()
        .map(|n| overview(&db, n))
        .find(|v| v["bills"][0]["current_read"]["reading"].as_u64().unwrap() > 1_000)
        .unwrap();
    let bill = &view["bills"][0];
    let reading = bill["current_read"]["reading"].as_u64().unwrap() - 500;
    let args = ["adjust", &bill["id"].to_string(), "--read", &reading.to_string(), "--reason", "meter-error"];
    let args = [&args[..], &["--note", "misread by the reader"]].concat();
    let text = ok_as(&db, "rep3", &args);
    assert!(text.contains("As billed:") && text.contains("Re-rated:") && text.contains("Difference:"), "{text}");
    assert!(text.contains("water") && text.contains("posted: posting "), "{text}");

    // A payment reversed: above CAR II's $100 reversal limit it waits.
    let payment = accounts.iter().find_map(|number| {
        let entries = overview(&db, number)["entries"].clone();
        let entries = entries.as_array().unwrap();
        entries
            .iter()
            .find(|e| e["kind"] == "payment" && e["amount"].as_i64().unwrap() > 10_000 && e["reversed_by"].is_null())
            .cloned()
    });
    let id = payment.expect("the demo has a payment above $100")["posting_id"].to_string();
    let text = ok_as(&db, "rep2", &["reverse", &id, "--note", "check returned"]);
    assert!(text.starts_with("sent for approval") && text.contains("reversal limit"), "{text}");
    let request = number_after(&text, "request ").to_string();
    let text = ok_as(&db, "supervisor", &["approve", &request]);
    assert!(text.contains("posted: posting"), "{text}");

    // A late fee waived within the credit limit.
    let fee = accounts.iter().find_map(|number| {
        let entries = overview(&db, number)["entries"].clone();
        let entries = entries.as_array().unwrap().clone();
        let waived = entries.iter().any(|e| e["kind"] == "waiver");
        entries.into_iter().find(|e| !waived && e["kind"] == "late-fee" && e["reversed_by"].is_null())
    });
    let id = fee.expect("the demo has a late fee not waived")["posting_id"].to_string();
    let text = ok_as(&db, "rep2", &["waive", &id, "--note", "first late payment"]);
    assert!(text.starts_with("posted"), "{text}");
    verify_passes(&db);
}

/// The database file's rows; with `but_sign_ins`, less the sign-in
/// bookkeeping a failed attempt is allowed to write (its audit record, the
/// user's failure count).
fn rows(db: &Path, but_sign_ins: bool) -> String {
    all_rows(db, |table| match table {
        _ if !but_sign_ins => None,
        "audit_log" => Some(Some("SELECT * FROM audit_log WHERE action <> 'login-failed' ORDER BY id".to_string())),
        "users" => {
            Some(Some("SELECT id, username, full_name, role, active, password_hash FROM users ORDER BY id".to_string()))
        }
        "audit_head" => Some(Some("SELECT 'follows the records'".to_string())),
        _ => None,
    })
}

/// Every leaf subcommand, as the words that name it ("complaint open").
fn leaf_commands() -> Vec<String> {
    use clap::CommandFactory;
    fn walk(command: &clap::Command, path: &str, out: &mut Vec<String>) {
        let children: Vec<&clap::Command> = command.get_subcommands().filter(|c| c.get_name() != "help").collect();
        if children.is_empty() {
            out.push(path.trim().to_string());
        }
        for child in children {
            walk(child, &format!("{path} {}", child.get_name()), out);
        }
    }
    let mut out = Vec::new();
    walk(&utility_desk::cli::Cli::command(), "", &mut out);
    out.retain(|c| !c.is_empty());
    out
}

/// The commands that only read (and `demo` and `init`, which only make a
/// new file): they take no `--as`, and leave a database exactly as it was.
const READ_ONLY: &[&str] = &[
    "demo",
    "init",
    "search",
    "account",
    "bill explain",
    "rates list",
    "rates show",
    "verify",
    "complaint show",
    "dispute show",
    "dispute list",
    "order show",
    "order list",
    "order queue",
    "letter templates",
    "letter show",
    "letter list",
    "policy show",
    "reads held",
    // A copy of the ledger, or a new ledger from one: the file itself is
    // left as it was (whoever can read it can copy it).
    "backup",
    "restore",
    // A copy of a ledger file into an empty PostgreSQL database, by the
    // database's owner: the file is left as it was.
    "migrate",
];

/// Every command that acts (or shows what only some roles may see), with
/// arguments it would accept: each must sign in before it does anything
/// else. A new command missing here fails the test below.
fn acting_commands(account: &str, file: &str, out: &str) -> Vec<(&'static str, Vec<String>)> {
    let s = |args: &[&str]| args.iter().map(|a| (*a).to_string()).collect::<Vec<String>>();
    vec![
        ("export", s(&["export", "--hledger", out])),
        ("payments import", s(&["payments", "import", file])),
        ("user add", s(&["user", "add", "jdoe", "--name", "Jane Doe", "--role", "car1"])),
        ("user list", s(&["user", "list"])),
        ("user disable", s(&["user", "disable", "rep1"])),
        ("user unlock", s(&["user", "unlock", "rep1"])),
        ("user passwd", s(&["user", "passwd", "rep1"])),
        ("policy set", s(&["policy", "set", "car2", "credit", "75.00"])),
        ("credit", s(&["credit", account, "5.00", "--reason", "goodwill", "--note", "x"])),
        (
            "adjust",
            s(&["adjust", "1", "--line", "1", "--decrease", "1.00", "--reason", "billing-error", "--note", "x"]),
        ),
        ("waive", s(&["waive", "1", "--note", "x"])),
        ("reverse", s(&["reverse", "1", "--note", "x"])),
        ("requests", s(&["requests"])),
        ("approve", s(&["approve", "1"])),
        ("reject", s(&["reject", "1", "--reason", "x"])),
        ("withdraw", s(&["withdraw", "1"])),
        ("audit", s(&["audit"])),
        ("contact", s(&["contact", account, "--summary", "x"])),
        ("statement", s(&["statement", account, "--pdf", out])),
        ("complaint open", s(&["complaint", "open", account, "--category", "billing", "--summary", "x"])),
        ("complaint note", s(&["complaint", "note", "1", "--text", "x"])),
        ("complaint assign", s(&["complaint", "assign", "1", "--queue", "car3"])),
        ("complaint escalate", s(&["complaint", "escalate", "1", "--to", "car3", "--reason", "x"])),
        ("complaint close", s(&["complaint", "close", "1", "--resolution", "explained", "--note", "x"])),
        ("complaint reopen", s(&["complaint", "reopen", "1", "--reason", "x"])),
        ("complaint link", s(&["complaint", "link", "1", "--order", "1"])),
        ("complaint work", s(&["complaint", "work"])),
        ("dispute open", s(&["dispute", "open", "1", "--reason", "x"])),
        ("dispute grant", s(&["dispute", "grant", "1", "--note", "x"])),
        ("dispute deny", s(&["dispute", "deny", "1", "--note", "x"])),
        ("order draft", s(&["order", "draft", account, "--kind", "meter-reread"])),
        ("order update", s(&["order", "update", "1"])),
        ("order submit", s(&["order", "submit", "1"])),
        ("order review", s(&["order", "review", "1"])),
        ("order send", s(&["order", "send", "1"])),
        ("order complete", s(&["order", "complete", "1", "--outcome", "done"])),
        ("order cancel", s(&["order", "cancel", "1", "--reason", "x"])),
        ("report liaison", s(&["report", "liaison"])),
        ("report adjustments", s(&["report", "adjustments"])),
        ("report complaints", s(&["report", "complaints"])),
        ("report productivity", s(&["report", "productivity"])),
        ("letter send", s(&["letter", "send", account, "--template", "high-bill-explanation"])),
        ("accounts import", s(&["accounts", "import", file])),
        ("accounts close-settled", s(&["accounts", "close-settled"])),
        ("late-fees run", s(&["late-fees", "run"])),
        ("reads import", s(&["reads", "import", file])),
        ("reads accept", s(&["reads", "accept", "1", "--note", "x"])),
        ("reads reread", s(&["reads", "reread", "1", "--note", "x"])),
        ("bill run", s(&["bill", "run", "--cycle", "1", "--register", out])),
        ("service stop", s(&["service", "stop", account, "--on", "2026-11-01", "--reading", "1"])),
        ("service move-balance", s(&["service", "move-balance", account, "--to", account])),
        ("rates load", s(&["rates", "load", file])),
        ("refund", s(&["refund", account, "--note", "x"])),
        ("customer update", s(&["customer", "update", account, "--phone", "918 555 0100"])),
        ("customer party add", s(&["customer", "party", "add", account, "--name", "X", "--access", "full"])),
        ("customer party end", s(&["customer", "party", "end", "1"])),
        (
            "service start",
            s(&[
                "service",
                "start",
                "--name",
                "X Y",
                "--line1",
                "1 Main St",
                "--city",
                "Tulsa",
                "--state",
                "OK",
                "--zip",
                "74103",
                "--meter",
                "M1",
                "--meter-reading",
                "0",
            ]),
        ),
        (
            "service transfer",
            s(&[
                "service",
                "transfer",
                account,
                "--on",
                "2026-11-01",
                "--reading",
                "1",
                "--line1",
                "1 Main St",
                "--city",
                "Tulsa",
                "--state",
                "OK",
                "--zip",
                "74103",
                "--meter",
                "M1",
                "--meter-reading",
                "0",
            ]),
        ),
        ("sewer-caps recompute", s(&["sewer-caps", "recompute", "--year", "2026"])),
        ("session start", s(&["session", "start"])),
        ("session end", s(&["session", "end"])),
    ]
}

#[test]
fn every_command_that_acts_signs_in_first_and_refuses_a_wrong_password_writing_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_demo(dir.path());
    let account = account_numbers(&db).remove(0);
    let file = dir.path().join("payments.csv");
    std::fs::write(
        &file,
        format!("key,account,amount,received_on,method,reference\nk1,{account},5.00,2026-11-02,check,\n"),
    )
    .unwrap();
    let out = dir.path().join("out.file");
    let (file, out) = (file.to_str().unwrap(), out.to_str().unwrap());

    // Every command is either read-only or in the table: a new one must
    // say which it is.
    let acting = acting_commands(&account, file, out);
    let mut known: Vec<&str> = acting.iter().map(|(name, _)| *name).chain(READ_ONLY.iter().copied()).collect();
    known.sort_unstable();
    let mut leaves = leaf_commands();
    leaves.sort();
    assert_eq!(leaves, known, "every command is listed as acting (with arguments) or read-only");

    for (name, args) in &acting {
        let before = rows(&db, true);
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        args.extend(["--as", "manager", "--password-stdin"]);
        let output = run_with_input(&db, &args, "not-the-password\nsecond-line-password\n");
        assert_eq!(output.status.code(), Some(1), "{name}: {}", describe(&args, &output));
        assert!(stderr(&output).contains("Sign-in failed"), "{name} signs in first: {}", describe(&args, &output));
        assert_eq!(rows(&db, true), before, "{name}: a refused sign-in wrote something");
        assert!(!Path::new(out).exists(), "{name}: wrote its output file without signing in");
        // The lock would stop the walk: the failures are cleared between commands.
        ok_as(&db, "admin", &["user", "unlock", "manager"]);
    }
    // The read-only commands change nothing at all.
    for args in [vec!["search", "tulsa"], vec!["account", &account], vec!["verify"], vec!["dispute", "list"]] {
        let before = rows(&db, false);
        ok(&db, &args);
        assert_eq!(rows(&db, false), before, "{args:?} wrote to the database");
    }
}

#[test]
fn a_payment_file_is_posted_only_by_a_signed_in_person_with_payment_authority() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_demo(dir.path());
    let account = account_numbers(&db).remove(0);
    let file = dir.path().join("payments.csv");
    std::fs::write(
        &file,
        format!("key,account,amount,received_on,method,reference\nbig-1,{account},100000.00,2026-11-02,check,\n"),
    )
    .unwrap();
    let args = ["payments", "import", file.to_str().unwrap()];
    let postings = posting_count(&db);
    // No authority: an Administrator (separation of duties) and a representative.
    for user in ["admin", "rep1", "rep3"] {
        let refusal = refused_as(&db, user, &args);
        assert!(refusal.contains("may not post payments"), "{user}: {refusal}");
    }
    // A disabled or locked user is refused with the right password.
    ok_as(&db, "admin", &["user", "disable", "supervisor"]);
    assert!(refused_as(&db, "supervisor", &args).contains("disabled"));
    for _ in 0..5 {
        run_as_with(&db, "manager", &["user", "list"], &["not-the-password"]);
    }
    assert!(refused_as(&db, "manager", &args).contains("locked"));
    assert_eq!(posting_count(&db), postings, "nothing was posted");
    // The automated-jobs user posts it.
    assert!(ok_as(&db, "batch", &args).contains("done: 1 posted"));
    assert_eq!(posting_count(&db), postings + 1);
    // And the automated jobs move no money on their own judgement.
    let refusal = refused_as(&db, "batch", &["credit", &account, "5.00", "--reason", "goodwill", "--note", "x"]);
    assert!(refusal.contains("automated-jobs role"), "{refusal}");
}

/// One reader for every file: a bad row is named by the line an editor
/// shows, whether the file's lines end in LF or, saved on Windows, CR LF
/// (and with Excel's byte-order mark in front).
#[test]
fn a_bad_row_is_named_by_its_line_whatever_the_line_ends() {
    let dir = tempfile::tempdir().unwrap();
    let db = small_demo(dir.path());
    let accounts = quiet_accounts(&db);
    for (name, end, bom) in [("lf.csv", "\n", ""), ("crlf.csv", "\r\n", ""), ("excel.csv", "\r\n", "\u{feff}")] {
        let rows = [
            "key,kind,account,bill,line,direction,amount,reason,note".to_string(),
            format!("{name}-1,credit,{},,,,5.00,goodwill,fine", accounts[0]),
            format!("{name}-2,credit,{},,,,5.001,goodwill,three decimals", accounts[1]),
        ];
        let file = dir.path().join(name);
        std::fs::write(&file, format!("{bom}{}{end}", rows.join(end))).unwrap();
        let refusal = refused_as(&db, "rep2", &["adjust", "--batch", file.to_str().unwrap()]);
        assert!(refusal.contains("line 3: amount") && !refusal.contains("line 2"), "{name}: {refusal}");
        let payments = dir.path().join(format!("pay-{name}"));
        let rows = [
            "key,account,amount,received_on,method,reference".to_string(),
            format!("p-{name}-1,{},5.00,2026-11-02,check,", accounts[0]),
            format!("p-{name}-2,{},5.001,2026-11-02,check,", accounts[0]),
        ];
        std::fs::write(&payments, format!("{bom}{}{end}", rows.join(end))).unwrap();
        let refusal = refused_as(&db, "batch", &["payments", "import", payments.to_str().unwrap()]);
        assert!(refusal.contains("line 3: ") && !refusal.contains("line 2"), "{name}: {refusal}");
    }
}
