//! A cycle's meter reads, from the reading route's file to its bills: the
//! file loaded whole or not at all, exceptions held until a CAR III
//! decides them, and the bill run billing what it may and naming what it
//! skips.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate, Utc};
use support::*;

const ADMIN: &str = "Tr0mbone-Quartz-Lantern";
const NIGHTLY: &str = "Nightly-Jobs-Pass-1";
const JDOE: &str = "Jane-Doe-Desk-Pass-1";

fn days_ago(n: u64) -> NaiveDate {
    Utc::now().date_naive() - Days::new(n)
}

/// A production ledger with the sample accounts, their meters last read 70
/// days ago, an automated-jobs user `nightly` and a CAR III `jdoe`.
fn utility(dir: &Path) -> (PathBuf, Vec<(String, String)>) {
    let db = dir.join("ledger.db");
    let args = ["init", "--admin", "root", "--name", "Root", "--password-stdin"];
    assert_eq!(run_with_input(&db, &args, &format!("{ADMIN}\n")).status.code(), Some(0));
    let sample = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples/accounts.csv"))
        .unwrap()
        .replace(",2026-11-16,", &format!(",{},", days_ago(70)))
        .replace(",2026-11-17,", &format!(",{},", days_ago(70)));
    let file = dir.join("accounts.csv");
    std::fs::write(&file, sample).unwrap();
    let out = run_as_with(&db, "root", &["accounts", "import", file.to_str().unwrap()], &[ADMIN]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let crosswalk = stdout(&out)
        .lines()
        .filter_map(|l| l.split_once(' ').filter(|(legacy, _)| legacy.starts_with("004-")))
        .map(|(legacy, number)| (legacy.to_string(), number.to_string()))
        .collect();
    for (user, role, first, own) in
        [("nightly", "batch", "Nightly-Temp-1", NIGHTLY), ("jdoe", "car3", "Jdoe-Temp-1", JDOE)]
    {
        let add = ["user", "add", user, "--name", user, "--role", role];
        assert_eq!(run_as_with(&db, "root", &add, &[ADMIN, first]).status.code(), Some(0));
        assert_eq!(run_as_with(&db, user, &["user", "passwd", user], &[first, own]).status.code(), Some(0));
    }
    (db, crosswalk)
}

/// A reads file of (meter, day, reading, kind) rows.
fn reads_file(dir: &Path, name: &str, rows: &[(&str, NaiveDate, u64, &str)]) -> PathBuf {
    let mut text = String::from("meter,read_on,reading,kind,reader,rollover\r\n");
    for (meter, day, reading, kind) in rows {
        text.push_str(&format!("{meter},{day},{reading},{kind},R14,\r\n"));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn nightly(db: &Path, args: &[&str]) -> std::process::Output {
    run_as_with(db, "nightly", args, &[NIGHTLY])
}

fn ok_nightly(db: &Path, args: &[&str]) -> String {
    let out = nightly(db, args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

fn bill_run(db: &Path, dir: &Path, cycle: &str) -> (String, String) {
    let register = dir.join(format!("register-{cycle}-{}.csv", std::process::id()));
    let said = ok_nightly(db, &["bill", "run", "--cycle", cycle, "--register", register.to_str().unwrap()]);
    (said, std::fs::read_to_string(&register).unwrap())
}

#[test]
fn exceptions_are_held_from_the_bill_run_until_a_car3_decides_them() {
    let dir = tempfile::tempdir().unwrap();
    let (db, crosswalk) = utility(dir.path());
    let number = |legacy: &str| crosswalk.iter().find(|(l, _)| l == legacy).unwrap().1.clone();
    let (harjo, tiger, bearpaw) = (number("004-118220-01"), number("004-118221-01"), number("004-120044-01"));

    // The first cycle: every read is billed (no history to hold one against).
    let first = days_ago(40);
    let file = reads_file(
        dir.path(),
        "first.csv",
        &[
            ("T10004211", first, 387_620, "actual"),
            ("T10004212", first, 96_431, "actual"),
            ("T10004233", first, 1_209_944, "estimated"),
            ("T20001001", first, 49_120_113, "actual"),
            ("T10004244", first, 4_410, "customer"),
        ],
    );
    assert!(ok_nightly(&db, &["reads", "import", file.to_str().unwrap()]).contains("done: 5 reads loaded (0 held"));
    let (said, register) = bill_run(&db, dir.path(), "3");
    assert!(said.contains("3 billed") && said.contains("0 skipped"), "{said}");
    assert!(register.contains(&format!("{harjo},1,{},{first},387620,actual,6400,", days_ago(69))), "{register}");
    let (said, _) = bill_run(&db, dir.path(), "4");
    assert!(said.contains("2 billed"), "{said}");
    // A second run bills nothing more.
    let (said, _) = bill_run(&db, dir.path(), "3");
    assert!(said.contains("0 billed") && said.contains(&format!("already billed to its read of {first}")), "{said}");

    // The second cycle: high, low and a second zero are held.
    let second = days_ago(10);
    let file = reads_file(
        dir.path(),
        "second.csv",
        &[
            ("T10004211", second, 417_620, "actual"),
            ("T10004212", second, 97_431, "actual"),
            ("T10004233", second, 1_216_944, "actual"),
            ("T20001001", second, 49_430_113, "actual"),
            ("T10004244", second, 4_410, "actual"),
        ],
    );
    let said = ok_nightly(&db, &["reads", "import", file.to_str().unwrap()]);
    assert!(said.contains("done: 5 reads loaded (3 held"), "{said}");
    for expected in [
        format!("line 2: account {harjo}: High use, 30000 gal is 468% of the 12-month average of 6400 gal"),
        format!("line 3: account {tiger}: Low use, 1000 gal is under half the 12-month average of 4200 gal"),
        format!("line 6: account {bearpaw}: No use two cycles running"),
    ] {
        assert!(said.contains(&expected), "{expected} in {said}");
    }
    let (said, _) = bill_run(&db, dir.path(), "3");
    assert!(said.contains("0 billed") && said.contains("3 skipped"), "{said}");
    assert!(said.contains(&format!("skipped {harjo}: held: High use")), "{said}");
    let (said, _) = bill_run(&db, dir.path(), "4");
    assert!(said.contains("2 billed"), "cycle 4 had nothing held: {said}");

    let held = json(&db, &["reads", "held", "--json"]);
    let id = |number: &str| {
        held.as_array().unwrap().iter().find(|r| r["account_number"] == number).unwrap()["id"].as_i64().unwrap()
    };
    let (high, low, zero) = (id(&harjo).to_string(), id(&tiger).to_string(), id(&bearpaw).to_string());
    let why = stderr(&nightly(&db, &["reads", "accept", &high, "--note", "checked"]));
    assert!(why.contains("only a Customer Account Representative III or above decides a held read"), "{why}");

    let decide = |args: &[&str]| {
        let out = run_as_with(&db, "jdoe", args, &[JDOE]);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        stdout(&out)
    };
    decide(&["reads", "accept", &high, "--note", "Customer confirmed a pool fill"]);
    let said = decide(&["reads", "accept", &low, "--reading", "100631", "--note", "Dial misread: photo shows 100631"]);
    assert!(said.contains("billed at 100631 (4200 gal)"), "{said}");
    decide(&["reads", "reread", &zero, "--note", "Meter may be stopped: field to read again"]);
    let again = run_as_with(&db, "jdoe", &["reads", "accept", &zero, "--note", "changed my mind"], &[JDOE]);
    assert!(stderr(&again).contains("was decided already"), "{}", stderr(&again));
    assert!(stdout(&run(&db, &["reads", "held"])).contains("No reads are held."));

    let (said, register) = bill_run(&db, dir.path(), "3");
    assert!(said.contains("2 billed") && said.contains("1 skipped"), "{said}");
    assert!(said.contains(&format!("skipped {bearpaw}: read #{zero} of {second} was sent to be read again")), "{said}");
    assert!(register.contains(&format!(",{second},417620,actual,30000,")), "as read: {register}");
    assert!(register.contains(&format!(",{second},100631,actual,4200,")), "as corrected: {register}");
    verify_passes(&db);
}

#[test]
fn a_bad_reads_file_is_refused_whole_naming_each_line_and_loads_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = utility(dir.path());
    let good = reads_file(dir.path(), "good.csv", &[("T10004211", days_ago(40), 387_620, "actual")]);
    ok_nightly(&db, &["reads", "import", good.to_str().unwrap()]);
    let rows = [
        ("T10004211", days_ago(40), 387_621, "actual"), // line 2: another reading that day
        ("T99999999", days_ago(10), 100, "actual"),     // line 3: no such meter
        ("T10004212", days_ago(80), 96_431, "actual"),  // line 4: before its last read
        ("T10004233", days_ago(10), 1_000_000, "actual"), // line 5: lower, no rollover
        ("T20001001", days_ago(0) + Days::new(2), 49_120_113, "actual"), // line 6: future
    ];
    let bad = reads_file(dir.path(), "bad.csv", &rows);
    let before =
        all_rows(&db, |t| if t == "audit_log" || t == "audit_head" || t == "users" { Some(None) } else { None });
    let out = nightly(&db, &["reads", "import", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let why = stderr(&out);
    for expected in [
        "5 row(s) of",
        "line 2: the meter T10004211 has a different reading (387620) loaded for",
        "line 3: the meter T99999999 is not in service on any active account",
        "line 4: the read is dated",
        "line 5: the read 1000000 is lower than the previous read 1202844",
        "line 6: the read is dated",
        "nothing was written",
    ] {
        assert!(why.contains(expected), "{expected:?} in {why}");
    }
    let after =
        all_rows(&db, |t| if t == "audit_log" || t == "audit_head" || t == "users" { Some(None) } else { None });
    assert_eq!(after, before, "a refused file loads nothing");

    // Cells: a kind that is not one, a formula, a reading that is not a number.
    let text =
        "meter,read_on,reading,kind,reader,rollover\nT10004211,2026-01-01,12,guessed,,\n=cmd(),2026-01-01,x,actual,,\n";
    std::fs::write(&bad, text).unwrap();
    let why = stderr(&nightly(&db, &["reads", "import", bad.to_str().unwrap()]));
    for expected in ["line 2, column kind: ", "line 3, column meter: \"=cmd()\" looks like a spreadsheet formula"] {
        assert!(why.contains(expected), "{expected:?} in {why}");
    }
    // The same file again is counted, not loaded twice.
    assert!(ok_nightly(&db, &["reads", "import", good.to_str().unwrap()]).contains("0 reads loaded"));
}
