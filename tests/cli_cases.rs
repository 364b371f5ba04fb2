//! Cases through the command line: a City Council referral taken from
//! logging to a closed, reported item, and the refusals on the way.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::HashMap;

use chrono::Utc;
use support::*;
use utility_desk::domain::calendar::Calendar;
use utility_desk::domain::cases::{Priority, ServiceLevels, Source};

#[test]
fn a_council_referral_is_logged_escalated_closed_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 20, 11, 2);
    let account = account_numbers(&db).remove(0);

    let args = [
        "complaint",
        "open",
        &account,
        "--category",
        "high-bill",
        "--channel",
        "email",
        "--source",
        "council",
        "--district",
        "4",
        "--reference",
        "CC-2026-0412",
        "--summary",
        "Councilor's office: bill never explained",
    ];
    let opened = ok_as(&db, "rep1", &args);
    let id = number_after(&opened, "complaint #");
    let today = Utc::now().with_timezone(&chrono_tz::America::Chicago).date_naive();
    let due =
        ServiceLevels::city().unwrap().due_on(&Calendar::city().unwrap(), Source::Council, Priority::Normal, today);
    assert!(opened.contains(&format!("due {due}")), "{opened}");

    let id_text = id.to_string();
    let close = ["complaint", "close", &id_text, "--resolution", "explained", "--note", "Explained the summer use"];
    assert!(refused_as(&db, "rep2", &close).contains("liaison work"));
    ok_as(&db, "rep1", &["complaint", "escalate", &id_text, "--to", "car3", "--reason", "Councilor wants a call"]);
    let refused = refused_as(&db, "rep3", &["complaint", "assign", &id_text, "--to", "rep1"]);
    assert!(refused.contains("rep1 is a Customer Account Representative I"), "{refused}");
    ok_as(&db, "rep3", &["complaint", "assign", &id_text, "--to", "rep3"]);
    ok_as(&db, "rep3", &["contact", &account, "--summary", "Called the customer back", "--complaint", &id_text]);
    let work = ok_as(&db, "rep3", &["complaint", "work"]);
    assert!(work.contains(&format!("#{id}")), "{work}");
    let closed = ok_as(&db, "rep3", &close);
    assert!(closed.contains(&format!("closed: complaint #{id} (closed, closed on time)")), "{closed}");

    let view = json(&db, &["complaint", "show", &id_text, "--json"]);
    let kinds: Vec<&str> = view["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["opened", "escalated", "assigned", "closed"]);
    assert_eq!(view["contacts"].as_array().unwrap().len(), 2);

    let csv_path = dir.path().join("liaison.csv");
    let refused = refused_as(&db, "rep1", &["report", "liaison", "--csv", csv_path.to_str().unwrap()]);
    assert!(refused.contains("run by a Customer Account Representative III or above"), "{refused}");
    assert!(!csv_path.exists(), "a refused report writes no file");
    let report = ok_as(&db, "rep3", &["report", "liaison", "--csv", csv_path.to_str().unwrap()]);
    assert!(report.contains("City Council district 4"), "{report}");
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let rows: Vec<HashMap<String, String>> = reader.deserialize().map(Result::unwrap).collect();
    let ours: Vec<&HashMap<String, String>> = rows.iter().filter(|r| r["complaint"] == id_text).collect();
    assert_eq!(ours.len(), 1, "{rows:?}");
    assert_eq!(ours[0]["status"], "closed");
    assert_eq!(ours[0]["council_district"], "4");
    assert_eq!(ours[0]["resolution"], "explained");
    assert_eq!(ours[0]["reference"], "CC-2026-0412");
}

#[test]
fn case_commands_refuse_bad_input_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 10, 12, 1);
    let account = account_numbers(&db).remove(0);
    let before = case_rows(&db);
    let open = |summary: &str, extra: &[&str]| {
        let mut args = vec!["complaint", "open", account.as_str(), "--category", "billing", "--summary", summary];
        args.extend_from_slice(extra);
        refused_as(&db, "rep1", &args)
    };
    assert!(open("Bill", &["--source", "council"]).contains("needs its council district"));
    assert!(open("Bill", &["--due", "2020-01-02"]).contains("the due date 2020-01-02 is in the past"));
    assert!(open("  ", &[]).contains("a summary of what the customer said is required"));
    let unknown =
        refused_as(&db, "rep1", &["complaint", "open", "99999999-9", "--category", "billing", "--summary", "x"]);
    assert!(unknown.contains("99999999-9"), "{unknown}");
    assert!(refused_as(&db, "rep1", &["complaint", "note", "999999", "--text", "x"]).contains("no complaint #999999"));
    assert!(refused_as(&db, "admin", &["contact", &account, "--summary", "hello"]).contains("Administrator"));
    let usage = run_as(&db, "rep1", &["complaint", "close", "1", "--note", "no resolution"]);
    assert_eq!(usage.status.code(), Some(2), "a missing --resolution is a usage error");
    assert_eq!(case_rows(&db), before, "nothing was written");
}

/// How many contacts, complaints and complaint events the database holds.
fn case_rows(db: &std::path::Path) -> (i64, i64, i64) {
    let count = |table: &str| sql_number(db, &format!("SELECT count(*) FROM {table}"));
    (count("contacts"), count("complaints"), count("complaint_events"))
}

#[test]
fn a_dispute_holds_the_bill_apart_until_a_car_iii_denies_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 10, 13, 2);
    // An account that owes something: its newest bill is not all paid.
    let account = account_numbers(&db).into_iter().find(|n| balance(&db, n) > 0).expect("an account that owes");
    let bill = overview(&db, &account)["bills"][0]["id"].as_i64().unwrap().to_string();

    let opened = ok_as(&db, "rep1", &["dispute", "open", &bill, "--reason", "Estimated read"]);
    let id = number_after(&opened, "dispute #").to_string();
    let held = overview(&db, &account)["aging"]["disputed"].as_i64().unwrap();
    assert!(held > 0, "held apart in the overview");
    assert_eq!(overview(&db, &account)["flags"]["open_disputes"], 1);
    let listed = json(&db, &["dispute", "list", "--json"]);
    assert!(listed.as_array().unwrap().iter().any(|d| d["id"].as_i64() == id.parse().ok()));

    let refused = refused_as(&db, "rep2", &["dispute", "deny", &id, "--note", "Read is actual"]);
    assert!(refused.contains("only a Customer Account Representative III or above resolves disputes"), "{refused}");
    ok_as(&db, "rep3", &["dispute", "deny", &id, "--note", "Read is actual: photo on file"]);
    let view = json(&db, &["dispute", "show", &id, "--json"]);
    assert_eq!(view["dispute"]["status"], "denied");
    assert_eq!(overview(&db, &account)["aging"]["disputed"], 0);
}
