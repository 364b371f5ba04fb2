//! The month's jobs as the utility's scheduler runs them: each signs in,
//! is idempotent (a retried run charges or sets nothing more) and audited.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::*;

/// How many audit records of `action` the ledger holds.
fn audit_records(db: &std::path::Path, action: &str) -> i64 {
    sql_number(db, &format!("SELECT count(*) FROM audit_log WHERE action = '{action}'"))
}

#[test]
fn late_fees_run_charges_each_past_due_bill_once_however_often_it_runs() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 30, 11, 6);
    let first = ok_as(&db, "batch", &["late-fees", "run"]);
    assert!(first.starts_with("Late fees as of ") && first.contains("accounts owing checked"), "{first}");
    let postings = posting_count(&db);
    let again = ok_as(&db, "batch", &["late-fees", "run"]);
    assert!(again.contains(" 0 fees charged, $0.00 in all (none was due, or each was charged before)"), "{again}");
    assert_eq!(posting_count(&db), postings, "a second run posts nothing");
    // A representative may not run it; a day not yet come is refused.
    let why = refused_as(&db, "rep1", &["late-fees", "run"]);
    assert!(why.contains("post bills or late fees"), "{why}");
    let tomorrow = future_day().to_string();
    let why = refused_as(&db, "batch", &["late-fees", "run", "--as-of", &tomorrow]);
    assert!(why.contains(&tomorrow), "{why}");
    assert_eq!(posting_count(&db), postings);
    verify_passes(&db);
}

#[test]
fn the_may_sewer_cap_job_is_audited_and_sets_each_cap_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 20, 5, 14);
    let year = (chrono::Utc::now().date_naive() - chrono::Days::new(400)).format("%Y").to_string();
    let before = audit_records(&db, "sewer-caps");
    let first = ok_as(&db, "batch", &["sewer-caps", "recompute", "--year", &year]);
    assert!(first.starts_with(&format!("Sewer caps effective 1 May {year}: ")), "{first}");
    let again = ok_as(&db, "batch", &["sewer-caps", "recompute", "--year", &year]);
    assert!(again.contains(": 0 set from winter bills"), "a second run sets nothing: {again}");
    assert_eq!(audit_records(&db, "sewer-caps"), before + 2, "each run has its audit record");
    let why = refused_as(&db, "rep1", &["sewer-caps", "recompute", "--year", &year]);
    assert!(why.contains("post bills or late fees"), "{why}");
    verify_passes(&db);
}
