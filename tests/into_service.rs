//! Going into service: from `init` to a working utility through the
//! command line (the README's "Going into service"), and each cycle's
//! meter reads from the reading route's file to its bills: the file loaded
//! whole or not at all, exceptions held until a CAR III decides them, and
//! the bill run billing what it may and naming what it skips.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};
use support::*;

const ADMIN: &str = "Tr0mbone-Quartz-Lantern";
const NIGHTLY: &str = "Nightly-Jobs-Pass-1";
const JDOE: &str = "Jane-Doe-Desk-Pass-1";
const MGR: &str = "Finance-Manager-Pass-1";

fn days_ago(n: u64) -> NaiveDate {
    utility_today() - Days::new(n)
}

/// A production ledger with the sample accounts, their meters last read 70
/// days ago, an automated-jobs user `nightly` and a CAR III `jdoe`.
fn utility(dir: &Path) -> (PathBuf, Vec<(String, String)>) {
    let db = engine::ledger_location(dir, "ledger.db");
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
    for (user, role, first, own) in [
        ("nightly", "batch", "Nightly-Temp-1", NIGHTLY),
        ("jdoe", "car3", "Jdoe-Temp-1", JDOE),
        ("mgr", "manager", "Mgr-Temp-Pass-1", MGR),
    ] {
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

/// Every step a utility takes to go live, `verify` clean after each: the
/// old system's accounts in, two months of reads (one held, then
/// accepted), bill runs, the bank's payments, the late-fee job, a
/// statement that reconciles, a backup restored, and books that balance
/// in hledger.
#[test]
fn from_init_to_a_working_utility_with_verify_clean_at_every_step() {
    let dir = tempfile::tempdir().unwrap();
    let (db, crosswalk) = utility(dir.path());
    verify_passes(&db);
    let number = |legacy: &str| crosswalk.iter().find(|(l, _)| l == legacy).unwrap().1.clone();
    let (harjo, bearpaw) = (number("004-118220-01"), number("004-120044-01"));
    let converted: i64 = crosswalk.iter().map(|(_, n)| balance(&db, n)).sum();
    assert_eq!(converted, 222_809, "the opening balances, net of a credit");

    let months = [
        (days_ago(40), [387_620, 96_431, 1_209_944, 49_120_113, 4_510]),
        (days_ago(10), [417_620, 100_431, 1_216_944, 49_430_113, 4_610]),
    ];
    let meters = ["T10004211", "T10004212", "T10004233", "T20001001", "T10004244"];
    for (month, (day, readings)) in months.iter().enumerate() {
        let rows: Vec<_> = meters.iter().zip(readings).map(|(m, r)| (*m, *day, *r, "actual")).collect();
        let file = reads_file(dir.path(), &format!("reads-{month}.csv"), &rows);
        let said = ok_nightly(&db, &["reads", "import", file.to_str().unwrap()]);
        verify_passes(&db);
        if month == 1 {
            assert!(said.contains("(1 held") && said.contains(&format!("account {harjo}: High use")), "{said}");
            let (said, _) = bill_run(&db, dir.path(), "3");
            assert!(said.contains("2 billed") && said.contains(&format!("skipped {harjo}: held")), "{said}");
            let held = json(&db, &["reads", "held", "--json"]);
            let id = held[0]["id"].as_i64().unwrap().to_string();
            let note = ["--note", "Customer filled a pool; confirmed on the phone"];
            let out = run_as_with(&db, "jdoe", &[&["reads", "accept", &id][..], &note].concat(), &[JDOE]);
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        }
        // Cycle 3's other two were billed before Harjo's read was accepted.
        let expected = if month == 0 { [("3", 3), ("4", 2)] } else { [("3", 1), ("4", 2)] };
        for (cycle, bills) in expected {
            let (said, _) = bill_run(&db, dir.path(), cycle);
            assert!(said.contains(&format!(": {bills} billed")) && !said.contains("held"), "{month}, {cycle}: {said}");
        }
        verify_passes(&db);
    }
    let billed = json(&db, &["account", &harjo, "--json"])["bills"].as_array().unwrap().len();
    assert_eq!(billed, 2, "both months billed");

    // The bank's payments file: Harjo pays in full, Bearpaw a part.
    let owed = balance(&db, &harjo);
    let payments = dir.path().join("payments.csv");
    let received = days_ago(2);
    let text = format!(
        "key,account,amount,received_on,method,reference\nbank-1,{harjo},{}.{:02},{received},ach,ACH 1\nbank-2,{bearpaw},50.00,{received},check,CHK 204\n",
        owed / 100,
        owed % 100
    );
    std::fs::write(&payments, text).unwrap();
    let before = balance(&db, &bearpaw);
    ok_nightly(&db, &["payments", "import", payments.to_str().unwrap()]);
    assert_eq!((balance(&db, &harjo), balance(&db, &bearpaw)), (0, before - 5_000));
    verify_passes(&db);

    // The month's late-fee job: the bills just run are not yet due, so it
    // charges nothing (converted balances were charged by the old system).
    let said = ok_nightly(&db, &["late-fees", "run"]);
    assert!(said.contains(" 0 fees charged"), "{said}");
    verify_passes(&db);

    // Bearpaw's statement from the conversion reconciles to his balance.
    let from = days_ago(71).to_string();
    let out = run_as_with(&db, "jdoe", &["statement", &bearpaw, "--from", &from, "--json"], &[JDOE]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let statement: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let cents = |v: &serde_json::Value| v.as_i64().unwrap();
    let totals = &statement["totals"];
    assert_eq!(cents(&statement["balance_forward"]), 0, "nothing before the conversion");
    let ending = cents(&statement["balance_forward"]) + cents(&totals["billed"]) + cents(&totals["late_fees"])
        - cents(&totals["payments"])
        - cents(&totals["credits_and_adjustments"]);
    assert_eq!(ending, cents(&statement["ending_balance"]));
    assert_eq!(ending, balance(&db, &bearpaw), "the statement ends at the balance");

    // A backup, restored, is the same ledger (on PostgreSQL, the server's
    // own tools make backups, and the command says so).
    let backup = dir.path().join("backup.db");
    let restored = dir.path().join("restored.db");
    if engine::on_postgres() {
        let refused = refused(&db, &["backup", backup.to_str().unwrap()]);
        assert!(refused.contains("pg_dump"), "{refused}");
    } else {
        assert_eq!(run(&db, &["backup", backup.to_str().unwrap()]).status.code(), Some(0));
        let out = run(&db, &["restore", backup.to_str().unwrap(), "--to", restored.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        for (_, number) in &crosswalk {
            assert_eq!(balance(&restored, number), balance(&db, number), "{number} restored");
        }
        verify_passes(&restored);
    }

    // Finance's books balance, and agree with the desk.
    let journal = dir.path().join("books.journal");
    let out = run_as_with(&db, "mgr", &["export", "--hledger", journal.to_str().unwrap()], &[MGR]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    if tool("hledger") {
        let journal = journal.to_str().unwrap();
        let total_of = |csv: &str| journal_cents(csv.lines().last().unwrap().split_once(',').unwrap().1);
        run_tool("hledger", &["-f", journal, "check"]);
        let all = run_tool("hledger", &["-f", journal, "balance", "-O", "csv"]);
        assert_eq!(total_of(&all), 0, "{all}");
        let owed = run_tool("hledger", &["-f", journal, "balance", "assets:receivable", "-O", "csv"]);
        let total: i64 = crosswalk.iter().map(|(_, n)| balance(&db, n)).sum();
        assert_eq!(total_of(&owed), total, "{owed}");
        let equity = run_tool("hledger", &["-f", journal, "balance", "equity:conversion", "-O", "csv"]);
        // Owed to the utility (credit side) less the deposits it owes back.
        assert_eq!(total_of(&equity), -(222_809 - 37_500), "balances and deposits came in against it: {equity}");
    }
    verify_passes(&db);
}

/// The first month's reads of the sample, 40 days ago, billed.
fn first_month_billed(db: &Path, dir: &Path) -> NaiveDate {
    let first = days_ago(40);
    let rows = [
        ("T10004211", first, 387_620, "actual"),
        ("T10004212", first, 96_431, "actual"),
        ("T10004233", first, 1_209_944, "actual"),
        ("T20001001", first, 49_120_113, "actual"),
        ("T10004244", first, 4_410, "actual"),
    ];
    ok_nightly(db, &["reads", "import", reads_file(dir, "first.csv", &rows).to_str().unwrap()]);
    for cycle in ["3", "4"] {
        bill_run(db, dir, cycle);
    }
    first
}

/// The account's bills with their lines, from its statement since the
/// conversion (newest last).
fn bills_with_lines(db: &Path, number: &str) -> Vec<serde_json::Value> {
    let from = days_ago(71).to_string();
    let out = run_as_with(db, "jdoe", &["statement", number, "--from", &from, "--json"], &[JDOE]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let statement: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    statement["bills"].as_array().unwrap().clone()
}

/// A line's amount in cents, by the start of its description.
fn line_cents(bill: &serde_json::Value, starts: &str) -> i64 {
    let line = bill["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["line"]["description"].as_str().unwrap().starts_with(starts));
    line.unwrap_or_else(|| panic!("{starts} in {bill}"))["line"]["amount"].as_i64().unwrap()
}

#[test]
fn a_stop_ends_service_with_a_final_bill_prorated_to_its_days() {
    let dir = tempfile::tempdir().unwrap();
    let (db, crosswalk) = utility(dir.path());
    let number = |legacy: &str| crosswalk.iter().find(|(l, _)| l == legacy).unwrap().1.clone();
    let (harjo, bearpaw) = (number("004-118220-01"), number("004-120044-01"));
    let first = first_month_billed(&db, dir.path());

    // Refused, writing nothing: in the future, or not after the last read.
    let before =
        all_rows(&db, |t| if t == "audit_log" || t == "audit_head" || t == "users" { Some(None) } else { None });
    for (on, said) in [(days_ago(0) + Days::new(3), "is in the future"), (first, "the meter was last read on")] {
        let args = ["service", "stop", &harjo, "--on", &on.to_string(), "--reading", "390620"];
        let out = run_as_with(&db, "jdoe", &args, &[JDOE]);
        assert_eq!(out.status.code(), Some(1), "{on}");
        assert!(stderr(&out).contains(said), "{said}: {}", stderr(&out));
    }
    let after =
        all_rows(&db, |t| if t == "audit_log" || t == "audit_head" || t == "users" { Some(None) } else { None });
    assert_eq!(after, before, "a refused stop writes nothing");

    // Fifteen days after the last read: the monthly charges for 15 of 30 days.
    let on = first + Days::new(15);
    let args = ["service", "stop", &harjo, "--on", &on.to_string(), "--reading", "390620"];
    let out = run_as_with(&db, "jdoe", &args, &[JDOE]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(&format!("service ended on {on}, 3000 gal since the last read")), "{}", stdout(&out));
    assert!(stdout(&out).contains("Final bill "), "{}", stdout(&out));
    let bills = bills_with_lines(&db, &harjo);
    let (month, last) = (&bills[bills.len() - 2], &bills[bills.len() - 1]);
    assert_eq!(last["period_end"], on.to_string());
    for charge in ["Water meter charge", "Stormwater", "Refuse", "EMSAcare"] {
        let (whole, part) = (line_cents(month, charge), line_cents(last, charge));
        assert!((2 * part - whole).abs() <= 1, "{charge}: {part} is half of {whole}");
    }
    let meter = last["lines"].as_array().unwrap()[0]["line"].clone();
    assert!(meter["description"].as_str().unwrap().ends_with("15 of 30 days (final bill)"), "{meter}");
    assert_eq!(meter["quantity"].as_str().unwrap().parse::<f64>().unwrap(), 0.5, "half a month: {meter}");
    assert_eq!(overview(&db, &harjo)["account"]["account"]["status"], "final");

    // Once ended, ended: a second stop is refused, and the bill run says why it skips it.
    let args = ["service", "stop", &harjo, "--on", &days_ago(1).to_string(), "--reading", "391000"];
    assert!(stderr(&run_as_with(&db, "jdoe", &args, &[JDOE])).contains("its service has already ended"));
    let (said, _) = bill_run(&db, dir.path(), "3");
    assert!(said.contains(&format!("skipped {harjo}: service ended on {on}; its final bill is done")), "{said}");

    // A final read held (no use two cycles running) is billed by the run
    // once a CAR III accepts it.
    let args = ["service", "stop", &bearpaw, "--on", &on.to_string(), "--reading", "4410"];
    let out = run_as_with(&db, "jdoe", &args, &[JDOE]);
    assert!(stdout(&out).contains("The final read is held (No use two cycles running"), "{}", stdout(&out));
    let (said, _) = bill_run(&db, dir.path(), "3");
    assert!(said.contains(&format!("skipped {bearpaw}: held:")), "{said}");
    let id = json(&db, &["reads", "held", "--json"])[0]["id"].as_i64().unwrap().to_string();
    let accept = ["reads", "accept", &id, "--note", "House empty since the tenant left"];
    assert_eq!(run_as_with(&db, "jdoe", &accept, &[JDOE]).status.code(), Some(0));
    let (said, register) = bill_run(&db, dir.path(), "3");
    assert!(said.contains(": 1 billed"), "{said}");
    assert!(
        register.contains(&format!("{bearpaw},")) && register.contains(&format!(",{on},4410,actual,0,")),
        "{register}"
    );
    let bills = bills_with_lines(&db, &bearpaw);
    let final_bill = bills.last().unwrap();
    assert!(final_bill["lines"][0]["line"]["description"].as_str().unwrap().ends_with("(final bill)"), "{final_bill}");

    // Settled, a final account is closed by the month's job; owing, it stays final.
    let owed = balance(&db, &harjo);
    let payments = dir.path().join("final-payment.csv");
    let text = format!(
        "key,account,amount,received_on,method,reference\nfinal-1,{harjo},{}.{:02},{},check,CHK 9\n",
        owed / 100,
        owed % 100,
        days_ago(1)
    );
    std::fs::write(&payments, text).unwrap();
    ok_nightly(&db, &["payments", "import", payments.to_str().unwrap()]);
    // An open complaint keeps it final until it is closed.
    let args = ["complaint", "open", &harjo, "--category", "billing", "--summary", "Asks about the final bill"];
    let out = run_as_with(&db, "jdoe", &args, &[JDOE]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let complaint = number_after(&stdout(&out), "#").to_string();
    let said = ok_nightly(&db, &["accounts", "close-settled"]);
    assert!(said.contains(&format!("kept final {harjo}: 1 complaint(s) open")), "{said}");
    let args = ["complaint", "close", &complaint, "--resolution", "explained", "--note", "Explained the proration"];
    let out = run_as_with(&db, "jdoe", &args, &[JDOE]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = ok_nightly(&db, &["accounts", "close-settled"]);
    assert!(said.contains(&format!("closed {harjo}")) && !said.contains(&bearpaw), "{said}");
    assert_eq!(overview(&db, &harjo)["account"]["account"]["status"], "closed");
    assert!(ok_nightly(&db, &["accounts", "close-settled"]).contains("done: 0 closed"), "once");
    verify_passes(&db);
}

/// Raymond Tiger's service moved on `on` to 500 S Boston Ave (a new meter
/// N2 reading 50, the premise's sewer cap 3,900 gal) by a CAR III.
fn tiger_moves(db: &Path, tiger: &str, on: &str, extra: &[&str]) -> std::process::Output {
    let args = ["service", "transfer", tiger, "--on", on, "--reading", "98431", "--line1", "500 S Boston Ave"];
    let rest = ["--city", "Tulsa", "--state", "OK", "--zip", "74103", "--meter", "N2", "--meter-reading", "50"];
    run_as_with(db, "jdoe", &[&args[..], &rest[..], &["--sewer-cap", "3900"], extra].concat(), &[JDOE])
}

#[test]
fn service_starts_where_none_is_active_and_moves_with_its_customer() {
    let dir = tempfile::tempdir().unwrap();
    let (db, crosswalk) = utility(dir.path());
    let number = |legacy: &str| crosswalk.iter().find(|(l, _)| l == legacy).unwrap().1.clone();
    let (harjo, tiger) = (number("004-118220-01"), number("004-118221-01"));
    let first = first_month_billed(&db, dir.path());
    let start = |extra: &[&str]| {
        let mut args = vec!["service", "start", "--city", "Tulsa", "--state", "OK", "--meter-reading", "100"];
        args.extend_from_slice(extra);
        run_as_with(&db, "jdoe", &args, &[JDOE])
    };

    // Refused, writing nothing: a premise with active service, a meter in
    // service, a new premise with sewer and no cap.
    let everything =
        || all_rows(&db, |t| if t == "audit_log" || t == "audit_head" || t == "users" { Some(None) } else { None });
    let before = everything();
    for (extra, said) in [
        (
            vec!["--name", "Ann Other", "--line1", "8309 w 16th st", "--zip", "74127", "--meter", "N0"],
            format!("the premise has active service on account {harjo}"),
        ),
        (
            vec!["--name", "Ann Other", "--line1", "77 E 5th St", "--zip", "74103", "--meter", "T10004212"],
            format!("the meter T10004212 is in service on account {tiger}"),
        ),
        (
            vec!["--name", "Ann Other", "--line1", "77 E 5th St", "--zip", "74103", "--meter", "N0", "--sewer"],
            "needs its sewer cap".to_string(),
        ),
    ] {
        let out = start(&extra);
        assert_eq!(out.status.code(), Some(1), "{extra:?}");
        assert!(stderr(&out).contains(&said), "{said}: {}", stderr(&out));
    }
    assert_eq!(everything(), before, "a refused start writes nothing");

    // A new customer at a new premise.
    let out = start(&[
        "--name",
        "Ada Lovelace",
        "--line1",
        "77 E 5th St",
        "--zip",
        "74103",
        "--meter",
        "N1",
        "--sewer",
        "--sewer-cap",
        "4000",
        "--stormwater",
        "--cycle",
        "3",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ada = stdout(&out).trim().rsplit(' ').next().unwrap().trim_end_matches('.').to_string();
    let shown = overview(&db, &ada);
    assert_eq!(shown["account"]["customer"]["name"], "Ada Lovelace");
    assert_eq!(shown["sewer_cap_gal"], 4000);

    // Tiger moves: his final bill at the old premise, the same customer and
    // services at the new one, in his cycle.
    let on = (first + Days::new(10)).to_string();
    let out = tiger_moves(&db, &tiger, &on, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(said.contains(&format!("service ended on {on}, 2000 gal")) && said.contains("Final bill "), "{said}");
    let moved = said.trim().rsplit(' ').next().unwrap().trim_end_matches('.').to_string();
    let (old, new) = (overview(&db, &tiger), overview(&db, &moved));
    assert_eq!(old["account"]["account"]["status"], "final");
    assert_eq!(new["account"]["account"]["status"], "active");
    assert_eq!(new["account"]["customer"], old["account"]["customer"], "the same customer");
    assert_eq!(new["account"]["services"]["refuse"], old["account"]["services"]["refuse"], "the same services");
    assert_eq!(new["account"]["services"]["meter_number"], "N2");
    let (said, _) = bill_run(&db, dir.path(), "3");
    assert!(said.contains(&format!("skipped {moved}: no read loaded after")), "in the old cycle: {said}");

    // The old premise is free again: a new tenant takes it, with its cap.
    let out = start(&[
        "--name",
        "New Tenant",
        "--line1",
        "1420 N Cincinnati Ave",
        "--zip",
        "74106",
        "--meter",
        "N3",
        "--sewer",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let tenant = stdout(&out).trim().rsplit(' ').next().unwrap().trim_end_matches('.').to_string();
    let shown = overview(&db, &tenant);
    assert_eq!(shown["account"]["premise"], old["account"]["premise"], "the premise served before");
    assert_eq!(shown["sewer_cap_gal"], 3900, "its cap");
    verify_passes(&db);
}

#[test]
fn customer_information_is_kept_current_with_who_may_be_spoken_to() {
    let dir = tempfile::tempdir().unwrap();
    let (db, crosswalk) = utility(dir.path());
    let number = |legacy: &str| crosswalk.iter().find(|(l, _)| l == legacy).unwrap().1.clone();
    let (harjo, tiger) = (number("004-118220-01"), number("004-118221-01"));
    let as_user = |user: &str, password: &str, args: &[&str]| run_as_with(&db, user, args, &[password]);

    let args = [
        "customer",
        "update",
        &harjo,
        "--mailing-line1",
        "PO Box 33",
        "--mailing-city",
        "Tulsa",
        "--mailing-state",
        "ok",
        "--mailing-zip",
        "74101",
        "--phone",
        "(918) 555-7788",
        "--paperless",
        "yes",
    ];
    let out = as_user("jdoe", JDOE, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(said.contains("mailing: 8309 W 16th St") && said.contains("-> PO Box 33"), "{said}");
    assert!(said.contains("phone: (918) 555-0142 -> (918) 555-7788") && said.contains("paperless: false -> true"));
    let shown = ok(&db, &["account", &harjo]);
    assert!(shown.contains("PO Box 33, Tulsa, OK 74101") && shown.contains("Paperless billing"), "{shown}");
    assert_eq!(json(&db, &["search", "918-555-7788", "--json"])[0]["number"], harjo.as_str(), "found by the new phone");
    let again = as_user("jdoe", JDOE, &["customer", "update", &harjo, "--paperless", "yes"]);
    assert!(stderr(&again).contains("nothing changed"), "{}", stderr(&again));

    // A name soon after the mailing address: a Supervisor's, flagged.
    let before = overview(&db, &harjo)["account"]["customer"].clone();
    let out = as_user("jdoe", JDOE, &["customer", "update", &harjo, "--name", "Melissa Smith"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("a Supervisor makes it"), "{}", stderr(&out));
    assert_eq!(overview(&db, &harjo)["account"]["customer"], before, "refused: nothing changed");
    let out = as_user("mgr", MGR, &["customer", "update", &harjo, "--name", "Melissa Smith"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("flagged: the name changed within 30 days"), "{}", stdout(&out));
    // With no mailing change lately, a representative changes a name.
    let out = as_user("jdoe", JDOE, &["customer", "update", &tiger, "--name", "Raymond Tiger Jr"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // Who may be spoken to, on the account's first screen.
    let until = days_ago(0) + Days::new(180);
    let args = ["customer", "party", "add", &harjo, "--name", "John Smith", "--access", "full", "--until"];
    let out = as_user("jdoe", JDOE, &[&args[..], &[until.to_string().as_str()]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let from = days_ago(10).to_string();
    let args = ["customer", "party", "add", &harjo, "--name", "Ann Roe", "--access", "payments", "--from", &from];
    let out = as_user("jdoe", JDOE, &args);
    let ann = number_after(&stdout(&out), "party #").to_string();
    let shown = ok(&db, &["account", &harjo]);
    let expected = format!(
        "May be spoken to: Melissa Smith (account holder); John Smith (full access until {until}); Ann Roe (payments only)"
    );
    assert!(shown.contains(&expected), "{shown}");
    let out = as_user("jdoe", JDOE, &["customer", "party", "end", &ann, "--on", &days_ago(1).to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!ok(&db, &["account", &harjo]).contains("Ann Roe"), "her access ended yesterday");
    let again = as_user("jdoe", JDOE, &["customer", "party", "end", &ann]);
    assert!(stderr(&again).contains("was ended already"), "{}", stderr(&again));

    // The identity check on a call, kept with the contact: who was spoken
    // to (the holder, or a party who may be today) and what they proved.
    let everything =
        || all_rows(&db, |t| if t == "audit_log" || t == "audit_head" || t == "users" { Some(None) } else { None });
    let before = everything();
    for (extra, said) in [
        (vec!["--verified", "account-number", "--caller-party", &ann], format!("party #{ann} may not be spoken to")),
        (vec!["--verified", "shoe-size"], "shoe-size".to_string()),
        (vec!["--caller-party", &ann], "--verified".to_string()),
    ] {
        let args = [&["contact", &harjo, "--summary", "Asked about the final bill"][..], &extra[..]].concat();
        let out = as_user("jdoe", JDOE, &args);
        assert_ne!(out.status.code(), Some(0), "{extra:?}");
        assert!(stderr(&out).contains(&said), "{said}: {}", stderr(&out));
    }
    assert_eq!(everything(), before, "a refused contact writes nothing");
    let john = json(&db, &["account", &harjo, "--json"])["parties"][0]["id"].as_i64().unwrap().to_string();
    let checks = [
        (
            vec!["--verified", "service-address,account-number,account-number"],
            "account holder; verified account number, service address",
        ),
        (vec!["--verified", "last-payment", "--caller-party", &john], "John Smith (party #"),
    ];
    for (extra, said) in checks {
        let args = [&["contact", &harjo, "--summary", "Asked when the bill is due"][..], &extra[..]].concat();
        let out = as_user("jdoe", JDOE, &args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let history = ok(&db, &["account", &harjo, "--history"]);
        assert!(history.contains(&format!("[identity: {said}")), "{said}: {history}");
    }
    verify_passes(&db);
}

/// Dollars as the desk prints them ("$1,234.56") in cents.
fn cents_in(text: &str) -> i64 {
    let dollars = text.split('$').nth(1).unwrap().split_whitespace().next().unwrap().replace(',', "");
    let (whole, part) = dollars.split_once('.').unwrap();
    whole.parse::<i64>().unwrap() * 100 + part.parse::<i64>().unwrap()
}

#[test]
fn a_final_balance_moves_to_the_customers_other_account_and_nowhere_else() {
    let dir = tempfile::tempdir().unwrap();
    let (db, crosswalk) = utility(dir.path());
    let number = |legacy: &str| crosswalk.iter().find(|(l, _)| l == legacy).unwrap().1.clone();
    let (harjo, tiger) = (number("004-118220-01"), number("004-118221-01"));
    let first = first_month_billed(&db, dir.path());
    let on = (first + Days::new(10)).to_string();
    let last_word = |out: &str| out.trim().rsplit(' ').next().unwrap().trim_end_matches('.').to_string();

    // Tiger moves and takes his balance with him, final bill and all.
    let owed_before = balance(&db, &tiger);
    let out = tiger_moves(&db, &tiger, &on, &["--move-balance"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stdout(&out);
    let moved_line = said.lines().find(|l| l.starts_with("The balance of ")).unwrap_or_else(|| panic!("{said}"));
    let new_tiger = last_word(moved_line);
    let moved = cents_in(moved_line);
    assert!(moved > owed_before, "what he owed plus the final bill: {said}");
    assert_eq!(balance(&db, &tiger), 0, "nothing left on the final account");
    assert_eq!(balance(&db, &new_tiger), moved, "all of it on the new one");

    // Harjo stops and pays $20.00 more than she owes; she starts again elsewhere.
    let args = ["service", "stop", &harjo, "--on", &on, "--reading", "390620"];
    assert_eq!(run_as_with(&db, "jdoe", &args, &[JDOE]).status.code(), Some(0));
    let owed = balance(&db, &harjo) + 2000;
    let payments = dir.path().join("over.csv");
    let text = format!(
        "key,account,amount,received_on,method,reference\nover-1,{harjo},{}.{:02},{},check,CHK 12\n",
        owed / 100,
        owed % 100,
        days_ago(1)
    );
    std::fs::write(&payments, text).unwrap();
    ok_nightly(&db, &["payments", "import", payments.to_str().unwrap()]);
    assert_eq!(balance(&db, &harjo), -2000, "a $20.00 credit");
    let args = ["service", "start", "--customer-of", &harjo, "--line1", "12 E 3rd St", "--city", "Tulsa"];
    let rest = ["--state", "OK", "--zip", "74103", "--meter", "N5", "--meter-reading", "0"];
    let out = run_as_with(&db, "jdoe", &[&args[..], &rest[..]].concat(), &[JDOE]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let new_harjo = last_word(&stdout(&out));

    // Refused, writing nothing: from an active account, from one with no
    // balance, to another customer's account, to itself, and by a job.
    let everything =
        || all_rows(&db, |t| if t == "audit_log" || t == "audit_head" || t == "users" { Some(None) } else { None });
    let before = everything();
    for (user, password, from, to, said) in [
        ("jdoe", JDOE, &new_tiger, &tiger, format!("account {new_tiger} is active: a balance moves only from a final")),
        ("jdoe", JDOE, &tiger, &new_tiger, format!("account {tiger} has no balance to move")),
        ("jdoe", JDOE, &harjo, &new_tiger, "a balance moves only between one customer's accounts".to_string()),
        ("jdoe", JDOE, &harjo, &harjo, format!("account {harjo} cannot move its balance to itself")),
        ("nightly", NIGHTLY, &harjo, &new_harjo, "the automated-jobs role posts bills".to_string()),
    ] {
        let out = run_as_with(&db, user, &["service", "move-balance", from, "--to", to], &[password]);
        assert_eq!(out.status.code(), Some(1), "{from} -> {to}");
        assert!(stderr(&out).to_lowercase().contains(&said.to_lowercase()), "{said}: {}", stderr(&out));
    }
    assert_eq!(everything(), before, "a refused move writes nothing");

    // Her credit follows her, once.
    let args = ["service", "move-balance", &harjo, "--to", &new_harjo];
    let out = run_as_with(&db, "jdoe", &args, &[JDOE]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let expected = format!("The credit of $20.00 moved from account {harjo} to account {new_harjo}.");
    assert_eq!(stdout(&out).trim(), expected);
    assert_eq!((balance(&db, &harjo), balance(&db, &new_harjo)), (0, -2000));
    let again = run_as_with(&db, "jdoe", &args, &[JDOE]);
    assert!(stderr(&again).contains("has no balance to move"), "{}", stderr(&again));
    let activity = ok(&db, &["account", &new_harjo]);
    assert!(activity.contains(&format!("Credit balance moved from account {harjo}")), "{activity}");
    verify_passes(&db);

    // Someone with the file gives the new account to another customer:
    // the move no longer stays with one customer, and verify says so.
    let tampered = engine::copy_ledger(&db, dir.path(), "tampered.db");
    // Numbers are kept as digits.
    let (new_harjo_digits, tiger_digits) = (new_harjo.replace('-', ""), tiger.replace('-', ""));
    let mut raw = engine::raw(&tampered);
    raw.execute(&format!(
        "UPDATE accounts SET customer_id = (SELECT customer_id FROM accounts WHERE number = '{tiger_digits}') \
         WHERE number = '{new_harjo_digits}'"
    ));
    let moved_to = format!("SELECT customer_id FROM accounts WHERE number = '{new_harjo_digits}'");
    let tiger_is = format!("SELECT customer_id FROM accounts WHERE number = '{tiger_digits}'");
    assert_eq!(raw.number(&moved_to), raw.number(&tiger_is), "the account was given to the other customer");
    drop(raw);
    let (code, report) = verify_report(&tampered);
    assert_eq!(code, Some(1), "{report}");
    let failed = failed_checks(&report);
    assert!(failed.iter().any(|c| c.contains("every balance moved stays with one customer")), "{failed:?}");
    let journal = dir.path().join("books.journal");
    let out = run_as_with(&db, "mgr", &["export", "--hledger", journal.to_str().unwrap()], &[MGR]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    if tool("hledger") {
        let journal = journal.to_str().unwrap();
        let total_of = |csv: &str| journal_cents(csv.lines().last().unwrap().split_once(',').unwrap().1);
        run_tool("hledger", &["-f", journal, "check"]);
        assert_eq!(total_of(&run_tool("hledger", &["-f", journal, "balance", "-O", "csv"])), 0);
        for (number, cents) in [(&harjo, 0), (&new_harjo, -2000), (&tiger, 0), (&new_tiger, moved)] {
            let account = format!("assets:receivable:{number}");
            let said = run_tool("hledger", &["-f", journal, "balance", &account, "-O", "csv"]);
            assert_eq!(total_of(&said), cents, "{number}: {said}");
        }
    }
}

/// The shipped schedule with another id, first day and water price.
fn schedule_file(dir: &Path, id: &str, from: NaiveDate, water: &str) -> PathBuf {
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/rates/residential-2024.toml"))
            .unwrap();
    let text = shipped
        .replace("id = \"residential-2024\"", &format!("id = \"{id}\""))
        .replace("name = \"Residential rates 2024\"", &format!("name = \"Residential rates {id}\""))
        .replace("effective_from = 2024-01-01", &format!("effective_from = {from}"))
        .replace("per_kgal = \"5.39\"", &format!("per_kgal = \"{water}\""));
    let path = dir.join(format!("{id}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_manager_loads_the_utilitys_own_rates_which_bill_from_their_first_day() {
    let dir = tempfile::tempdir().unwrap();
    let (db, crosswalk) = utility(dir.path());
    let harjo = crosswalk.iter().find(|(l, _)| l == "004-118220-01").unwrap().1.clone();
    let shipped = ok(&db, &["rates", "list"]);
    assert!(shipped.contains("residential-2024  from 2024-01-01") && shipped.contains("(in effect)"), "{shipped}");
    let shown = ok(&db, &["rates", "show", "residential-2024"]);
    assert!(shown.contains("water.blocks.1") && shown.contains("5.39"), "{shown}");
    assert!(shown.contains("emsacare.monthly") && shown.contains("(stand-in, not a published figure)"), "{shown}");
    let source = ok(&db, &["rates", "show", "residential-2024", "--source"]);
    let file =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/rates/residential-2024.toml"));
    assert_eq!(source, file.unwrap(), "kept exactly as shipped");
    // A desk open before the load sees it in its next transaction.
    let mut open_desk = utility_desk::desk::Desk::open(&db).unwrap();

    // Refused, writing nothing: by a CAR III, a bare float, not UTF-8, an
    // id in use, a first day taken.
    let everything =
        || all_rows(&db, |t| if t == "audit_log" || t == "audit_head" || t == "users" { Some(None) } else { None });
    let before = everything();
    let from = days_ago(60);
    let new = schedule_file(dir.path(), "residential-2026", from, "5.65");
    let float = dir.path().join("float.toml");
    std::fs::write(&float, std::fs::read_to_string(&new).unwrap().replace("\"5.65\"", "5.65")).unwrap();
    let latin1 = dir.path().join("latin1.toml");
    std::fs::write(&latin1, b"id = \"caf\xe9\"\n").unwrap();
    let card = dir.path().join("card.toml");
    let commented = format!("# paid by 4111 1111 1111 1111\n{}", std::fs::read_to_string(&new).unwrap());
    std::fs::write(&card, commented).unwrap();
    let taken = schedule_file(dir.path(), "residential-2024", from, "5.65");
    let same_day =
        schedule_file(dir.path(), "residential-2026-b", NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(), "5.65");
    let path = |p: &PathBuf| p.to_str().unwrap().to_string();
    for (user, password, file, said) in [
        ("jdoe", JDOE, path(&new), "loaded by a Manager".to_string()),
        ("mgr", MGR, path(&float), "bare number; write figures in quotes".to_string()),
        ("mgr", MGR, path(&latin1), "is not UTF-8 text (byte 10 is not)".to_string()),
        ("mgr", MGR, path(&card), "looks like it holds a card number".to_string()),
        ("mgr", MGR, path(&taken), "is in the ledger already".to_string()),
        ("mgr", MGR, path(&same_day), "already starts on 2024-01-01".to_string()),
    ] {
        let out = run_as_with(&db, user, &["rates", "load", &file], &[password]);
        assert_eq!(out.status.code(), Some(1), "{file}");
        assert!(stderr(&out).contains(&said), "{said}: {}", stderr(&out));
    }
    assert_eq!(everything(), before, "a refused schedule writes nothing");

    // Previewed, then saved.
    let out = run_as_with(&db, "mgr", &["rates", "load", &path(&new), "--dry-run"], &[MGR]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(said.contains("1 figure(s) change:") && said.contains("water.blocks.1") && said.contains("5.65"), "{said}");
    assert!(said.contains("following residential-2024") && said.contains("Dry run: nothing saved"), "{said}");
    assert_eq!(everything(), before, "a dry run writes nothing");
    let out = run_as_with(&db, "mgr", &["rates", "load", &path(&new)], &[MGR]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("Saved: schedule residential-2026"), "{}", stdout(&out));
    let listed = ok(&db, &["rates", "list"]);
    assert!(listed.contains(&format!("residential-2026  from {from}")), "{listed}");
    let error = open_desk.preview_rates(&std::fs::read_to_string(&new).unwrap()).unwrap_err();
    assert!(error.to_string().contains("in the ledger already"), "the open desk reads it: {error}");

    // The month billed after its first day is rated by it; bills then cover
    // the days it starts, so it can no longer be replaced from that day.
    first_month_billed(&db, dir.path());
    let bills = bills_with_lines(&db, &harjo);
    let bill = bills.last().unwrap();
    assert_eq!(bill["schedule_id"], "residential-2026", "{bill}");
    let water = line_cents(bill, "Water use");
    let gallons = bill["consumption_gal"].as_i64().unwrap();
    assert_eq!(water, (gallons * 565 + 500) / 1000, "{gallons} gal at $5.65 per 1,000: {bill}");
    let later = schedule_file(dir.path(), "residential-2026-c", from + Days::new(1), "5.70");
    let out = run_as_with(&db, "mgr", &["rates", "load", &path(&later)], &[MGR]);
    assert!(stderr(&out).contains("bills already cover the days up to"), "{}", stderr(&out));
    let audit = ok_as_mgr(&db, &["audit", "--user", "mgr"]);
    assert!(audit.contains("rates:residential-2026"), "{audit}");
    verify_passes(&db);
}

fn ok_as_mgr(db: &Path, args: &[&str]) -> String {
    let out = run_as_with(db, "mgr", args, &[MGR]);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn a_final_credit_is_refunded_under_the_limits_of_a_credit() {
    let dir = tempfile::tempdir().unwrap();
    let (db, crosswalk) = utility(dir.path());
    let number = |legacy: &str| crosswalk.iter().find(|(l, _)| l == legacy).unwrap().1.clone();
    let (harjo, tiger, bearpaw) = (number("004-118220-01"), number("004-118221-01"), number("004-120044-01"));
    let first = first_month_billed(&db, dir.path());
    let on = (first + Days::new(10)).to_string();
    for (account, reading) in [(&harjo, "390620"), (&tiger, "98431")] {
        let args = ["service", "stop", account, "--on", &on, "--reading", reading];
        let out = run_as_with(&db, "jdoe", &args, &[JDOE]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    // Harjo pays $20.00 more than she owes, Tiger $400.00 more.
    let mut text = String::from("key,account,amount,received_on,method,reference\n");
    for (key, account, over) in [("r-1", &harjo, 2000), ("r-2", &tiger, 40_000)] {
        let owed = balance(&db, account) + over;
        text.push_str(&format!("{key},{account},{}.{:02},{},check,CHK\n", owed / 100, owed % 100, days_ago(1)));
    }
    let payments = dir.path().join("over.csv");
    std::fs::write(&payments, text).unwrap();
    ok_nightly(&db, &["payments", "import", payments.to_str().unwrap()]);
    assert_eq!((balance(&db, &harjo), balance(&db, &tiger)), (-2000, -40_000));

    // Refused, writing nothing: an active account, a final one that owes,
    // no note, the automated-jobs user.
    let everything =
        || all_rows(&db, |t| if t == "audit_log" || t == "audit_head" || t == "users" { Some(None) } else { None });
    let before = everything();
    let note = ["--note", "Check to the forwarding address"];
    for (user, password, account, extra, said) in [
        ("jdoe", JDOE, &bearpaw, &note[..], "is active: a credit balance is refunded once service has ended"),
        ("jdoe", JDOE, &harjo, &["--note", " "][..], "note of how the refund is paid"),
        ("nightly", NIGHTLY, &harjo, &note[..], "the automated-jobs role posts bills"),
    ] {
        let args = [&["refund", account.as_str()][..], extra].concat();
        let out = run_as_with(&db, user, &args, &[password]);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).to_lowercase().contains(&said.to_lowercase()), "{said}: {}", stderr(&out));
    }
    assert_eq!(everything(), before, "a refused refund writes nothing");

    // $20.00 is within a CAR III's credit limit: posted.
    let out = run_as_with(&db, "jdoe", &[&["refund", harjo.as_str()][..], &note[..]].concat(), &[JDOE]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("posted"), "{}", stdout(&out));
    assert_eq!(balance(&db, &harjo), 0);
    let again = run_as_with(&db, "jdoe", &[&["refund", harjo.as_str()][..], &note[..]].concat(), &[JDOE]);
    assert!(stderr(&again).contains("has no credit balance to refund"), "{}", stderr(&again));

    // $400.00 is above it: a request, and nothing moves until a Manager approves.
    let out = run_as_with(&db, "jdoe", &[&["refund", tiger.as_str()][..], &note[..]].concat(), &[JDOE]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(said.contains("sent for approval"), "{said}");
    assert_eq!(balance(&db, &tiger), -40_000, "nothing moved yet");
    let request = number_after(&said, "request ").to_string();
    let out = run_as_with(&db, "mgr", &["approve", &request, "--note", "Forwarding address checked"], &[MGR]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(balance(&db, &tiger), 0, "refunded once approved");

    // The books: refunds payable holds what is owed back.
    let journal = dir.path().join("books.journal");
    let out = run_as_with(&db, "mgr", &["export", "--hledger", journal.to_str().unwrap()], &[MGR]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    if tool("hledger") {
        let journal = journal.to_str().unwrap();
        let total_of = |csv: &str| journal_cents(csv.lines().last().unwrap().split_once(',').unwrap().1);
        let owed = run_tool("hledger", &["-f", journal, "balance", "liabilities:refunds-payable", "-O", "csv"]);
        assert_eq!(total_of(&owed), -42_000, "{owed}");
    }
    verify_passes(&db);
}
