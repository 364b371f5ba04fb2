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
    let db = engine::ledger_location(dir, "ledger.db");
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
    let shown = overview(&db, number);
    let account = &shown["account"];
    assert_eq!(account["customer"]["name"], "Raymond Tiger");
    assert_eq!(account["premise"]["address"]["line2"], "Apt 4, rear", "a quoted cell with a comma");
    assert_eq!(account["customer"]["mailing"]["line1"], "PO Box 4417", "the mailing address apart");
    assert_eq!(account["services"]["refuse"]["cart"], "64");
    assert_eq!(account["services"]["emsacare"], false);

    // What each owed came in with its aging, against the conversion account.
    assert!(said.contains("opening balances $2,228.09 net, deposits held $375.00"), "{said}");
    let aging = |number: &str| overview(&db, number)["aging"].clone();
    let bearpaw = aging(&crosswalk[4].1);
    for (bucket, cents) in
        [("current", 4112), ("days_1_30", 3980), ("days_31_60", 4005), ("days_61_90", 3877), ("over_90", 12000)]
    {
        assert_eq!(bearpaw[bucket], cents, "{bucket}: {bearpaw}");
    }
    assert_eq!(bearpaw["oldest_days_past_due"], 105, "over 90 is aged from 105 days back: {bearpaw}");
    assert_eq!(aging(&crosswalk[1].1)["unapplied_credit"], 1500, "a credit balance is paid ahead");
    let harjo = aging(&crosswalk[0].1);
    assert_eq!((harjo["current"].as_i64(), harjo["days_1_30"].as_i64()), (Some(6218), Some(5840)), "{harjo}");
    assert_eq!(balance(&db, &crosswalk[3].1), 184_277, "a quoted amount with a thousands comma");

    // Moving a due date by hand is seen: the posting's memo, which its audit
    // record commits to, names the date it was aged from.
    let tampered = engine::copy_ledger(&db, dir.path(), "tampered.db");
    engine::raw(&tampered).execute(&format!(
        "{} UPDATE opening_balance_due SET due_on = '2099-01-01' \
         WHERE posting_id = (SELECT min(posting_id) FROM opening_balance_due);",
        engine::drop_trigger("opening_balance_due", "opening_balance_due_no_update")
    ));
    let (code, report) = verify_report(&tampered);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(failed_checks(&report), ["every converted balance is aged from the day its posting names"]);
    assert!(report.to_string().contains("is aged from 2099-01-01 but does not say so"), "{report}");

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
    // Line 4: winter use outside the winter, and an amount with a third decimal.
    lines[3] = with_tail(&lines[3], ["2025-06-01=100", "", "", "", "12.345", "", "", "", ""]);
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
        "line 4, column winter_use: 2025-06-01 is not in December, January or February",
        "line 4, column balance_1_30: ",
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
    // Line 3 owes and has a credit; line 5 was read before it opened; line
    // 6's current amount fell due long ago.
    lines[2] = with_tail(&lines[2], ["", "", "20.00", "", "", "", "", "", "15.00"]);
    lines[5] = with_tail(&lines[5], ["", "", "41.12", "2020-01-01", "", "", "", "", ""]);
    lines[4] = lines[4].replace(",48820113,2026-11-17,", ",48820113,2001-01-01,");
    let clash = dir.path().join("clash.csv");
    std::fs::write(&clash, lines.join("\n")).unwrap();
    let before = everything(&db, true);
    let out = import(&db, &clash, &[]);
    assert_eq!(out.status.code(), Some(1));
    let why = stderr(&out);
    assert!(why.contains("line 2: the meter T10004211 is in service on account "), "{why}");
    assert!(why.contains("line 4: the legacy number 004-118221-01 is also on row 2 of the file"), "{why}");
    assert!(why.contains("line 3: both an amount owed and a credit balance"), "{why}");
    assert!(why.contains("line 5: the meter was last read on 2001-01-01, not between the day service began"), "{why}");
    assert!(why.contains("line 6: the current amount is due on 2020-01-01, before the conversion day"), "{why}");
    assert_eq!(everything(&db, true), before, "nothing was written");

    // Not an accounts file at all; a representative may not convert.
    let payments = dir.path().join("payments.csv");
    std::fs::write(&payments, "key,account,amount\nk1,1,5.00\n").unwrap();
    let why = stderr(&import(&db, &payments, &[]));
    assert!(why.contains("is not an accounts file") && why.contains("missing column(s): legacy_number"), "{why}");
}

/// The line with its last nine columns (winter use, deposit, the balance
/// by bucket with the current part's due date, the credit) replaced.
fn with_tail(line: &str, tail: [&str; 9]) -> String {
    let head = line.rsplitn(10, ',').last().unwrap();
    format!("{head},{}", tail.join(","))
}

/// The 1 May whose sewer caps are in effect today.
fn cap_year() -> i32 {
    use chrono::Datelike;
    let today = chrono::Utc::now().date_naive();
    if today.month() >= 5 { today.year() } else { today.year() - 1 }
}

#[test]
fn winter_use_from_the_old_system_makes_the_cap_and_goes_into_the_may_recomputation() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(dir.path());
    let year = cap_year();
    // Two winter bills of the last winter averaged: 4,500 gallons.
    let winter = format!("{year}-01-15=4000; {year}-02-13=5000");
    let text = std::fs::read_to_string(sample()).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Line 2 gives only the winters; line 4 a cap of its own and the winters.
    lines[1] =
        with_tail(&lines[1].replace(",2011-06-14,4800", ",2011-06-14,"), [&winter, "", "", "", "", "", "", "", ""]);
    lines[3] = with_tail(&lines[3], [&winter, "", "", "", "", "", "", "", ""]);
    let file = dir.path().join("winters.csv");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let out = import(&db, &file, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let number = |legacy: &str| {
        let line = stdout(&out).lines().find(|l| l.starts_with(legacy)).unwrap().to_string();
        line.split_once(' ').unwrap().1.to_string()
    };
    let (harjo, whitehorse) = (number("004-118220-01"), number("004-118233-02"));
    assert_eq!(overview(&db, &harjo)["sewer_cap_gal"], 4500, "the cap computed from the winters given");
    assert_eq!(overview(&db, &whitehorse)["sewer_cap_gal"], 6500, "the cap the file gives");

    // The May job averages the old system's winters like its own bills.
    let (first, own) = ("Nightly-Temp-Pass-1", "Nightly-Jobs-Pass-1");
    let args = ["user", "add", "nightly", "--name", "Nightly jobs", "--role", "batch"];
    for (args, user, lines) in [
        (&args[..], "root", [ADMIN_PASSWORD, first]),
        (&["user", "passwd", "nightly"][..], "nightly", [first, own]),
        (&["sewer-caps", "recompute", "--year", &year.to_string()][..], "nightly", [own, ""]),
    ] {
        let out = run_as_with(&db, user, args, &lines);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(overview(&db, &whitehorse)["sewer_cap_gal"], 4500, "recomputed from the converted winters");
    verify_passes(&db);
}
