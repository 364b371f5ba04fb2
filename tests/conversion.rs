//! Conversion in: a utility's own accounts from its old system, into a
//! ledger made by `init`. The whole file is checked first, every bad cell
//! named by line and column; nothing is written unless every row is good;
//! the same file again opens nothing; the legacy number is found by search.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};

use support::*;

const ADMIN_PASSWORD: &str = "Tr0mbone-Quartz-Lantern";

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples/accounts.csv")
}

/// A new production ledger with its Administrator, `root`.
fn fresh(dir: &Path) -> PathBuf {
    let db = dir.join("ledger.db");
    let out = run_with_input(
        &db,
        &["init", "--admin", "root", "--name", "Root", "--password-stdin"],
        &format!("{ADMIN_PASSWORD}\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    db
}

fn import(db: &Path, file: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["accounts", "import", file.to_str().unwrap()];
    args.extend_from_slice(extra);
    args.extend(["--as", "root", "--password-stdin"]);
    run_with_input(db, &args, &format!("{ADMIN_PASSWORD}\n"))
}

/// Every row of every table, to show a refusal wrote nothing (sign-ins
/// move the users' counters and write their records; the search index's
/// own tables are SQLite's layout).
fn everything(db: &Path, with_audit: bool) -> String {
    all_rows(db, |table| match table {
        "audit_log" if !with_audit => Some(None),
        "audit_log" => {
            Some(Some("SELECT id, action, subject FROM audit_log WHERE action NOT IN ('login', 'login-failed')".into()))
        }
        "audit_head" | "users" => Some(None),
        _ if table.starts_with("account_search") => Some(None),
        _ => None,
    })
}

#[test]
fn the_sample_converts_into_an_empty_ledger_once_and_its_legacy_numbers_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(dir.path());
    let dry = import(&db, &sample(), &["--dry-run"]);
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    assert!(stdout(&dry).contains("all 5 rows are good (a dry run: nothing was written)"), "{}", stdout(&dry));
    assert_eq!(verify_passes(&db)["counts"]["accounts"], 0, "a dry run opens nothing");

    let first = import(&db, &sample(), &[]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let said = stdout(&first);
    assert!(said.contains("done: 5 accounts opened, 0 converted before"), "{said}");
    let crosswalk: Vec<(String, String)> = said
        .lines()
        .filter(|l| l.starts_with("004-"))
        .map(|l| {
            let (legacy, number) = l.split_once(' ').unwrap();
            (legacy.to_string(), number.to_string())
        })
        .collect();
    assert_eq!(crosswalk.len(), 5);
    let report = verify_passes(&db);
    assert_eq!(report["counts"]["accounts"], 5);

    // Found by the number customers still quote; kept as the file said.
    let (legacy, number) = &crosswalk[1];
    let hits = json(&db, &["search", legacy, "--json"]);
    assert_eq!(hits[0]["number"].as_str(), Some(number.as_str()), "{hits}");
    let overview = overview(&db, number);
    let account = &overview["account"];
    assert_eq!(account["customer"]["name"], "Raymond Tiger");
    assert_eq!(account["premise"]["address"]["line2"], "Apt 4, rear", "a quoted cell with a comma");
    assert_eq!(account["customer"]["mailing"]["line1"], "PO Box 4417", "the mailing address apart");
    assert_eq!(account["services"]["refuse"]["cart"], "64");
    assert_eq!(account["services"]["emsacare"], false);

    // The same file again: nothing more is opened.
    let before = everything(&db, false);
    let again = import(&db, &sample(), &[]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(stdout(&again).contains("done: 0 accounts opened, 5 converted before"), "{}", stdout(&again));
    assert_eq!(everything(&db, false), before, "a second run changes nothing but its own audit record");
}

#[test]
fn a_file_with_any_bad_row_is_refused_whole_naming_each_cell_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(dir.path());
    let text = std::fs::read_to_string(sample()).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Line 3: a meter size that does not exist; line 5: a formula for a
    // name; line 6: no opening date, and a cycle out of range.
    lines[2] = lines[2].replace(",5/8,7,", ",7/8,7,");
    lines[4] = lines[4].replace("Peoria Laundry LLC", "=HYPERLINK(\"x\")");
    lines[5] = lines[5].replace(",3,2023-11-30,", ",120,,");
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, lines.join("\r\n")).unwrap();
    let before = everything(&db, true);
    let out = import(&db, &bad, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let why = stderr(&out);
    for expected in [
        "line 3, column meter_size: ",
        "line 5, column name: ",
        "looks like a spreadsheet formula",
        "line 6, column opened_on: a value is needed",
        "nothing was written",
    ] {
        assert!(why.contains(expected), "{expected:?} in {why}");
    }
    assert_eq!(everything(&db, true), before, "nothing was written");

    // Good cells, but against the ledger: a meter already in service, and
    // a legacy number repeated in the file.
    assert_eq!(import(&db, &sample(), &[]).status.code(), Some(0));
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[1] = lines[1].replace("004-118220-01", "004-999999-01");
    lines[3] = lines[3].replace("004-118233-02", "004-118221-01");
    let clash = dir.path().join("clash.csv");
    std::fs::write(&clash, lines.join("\n")).unwrap();
    let before = everything(&db, true);
    let out = import(&db, &clash, &[]);
    assert_eq!(out.status.code(), Some(1));
    let why = stderr(&out);
    assert!(why.contains("line 2: the meter T10004211 is in service on account "), "{why}");
    assert!(why.contains("line 4: the legacy number 004-118221-01 is also on row 2 of the file"), "{why}");
    assert_eq!(everything(&db, true), before, "nothing was written");

    // Not an accounts file at all; a representative may not convert.
    let payments = dir.path().join("payments.csv");
    std::fs::write(&payments, "key,account,amount\nk1,1,5.00\n").unwrap();
    let why = stderr(&import(&db, &payments, &[]));
    assert!(why.contains("is not an accounts file") && why.contains("missing column(s): legacy_number"), "{why}");
}
