//! The command line as a person or a script uses it: exit codes, JSON,
//! search on hostile input, refusals, the journal export checked by hledger
//! and ledger, and payment files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support::*;

#[test]
fn demo_then_verify_passes_in_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 40, 7, 6);
    let text = ok(&db, &["verify"]);
    assert!(text.contains("verify passed"), "{text}");
    assert!(!text.contains("FAIL"), "{text}");

    let report = json(&db, &["verify", "--json"]);
    let checks = report["checks"].as_array().unwrap();
    let names: Vec<&str> = checks.iter().map(|c| c["name"].as_str().unwrap()).collect();
    for expected in ["integrity", "every posting balances", "cached balances", "whole ledger balances"] {
        assert!(names.iter().any(|n| n.contains(expected)), "verify --json lacks \"{expected}\": {names:?}");
    }
    for check in checks {
        assert_eq!(check["problem_count"], 0, "{check}");
        assert_eq!(check["problems"], Value::Array(vec![]), "{check}");
    }
    let counts = &report["counts"];
    assert_eq!(counts["accounts"], 40);
    assert_eq!(counts["bills"], 40 * 6, "one bill per account per month");
    assert!(counts["postings"].as_u64().unwrap() > 240);
    assert_eq!(counts["total_debits"], counts["total_credits"]);
}

/// The parts of an overview that come from the seed, without timestamps.
fn seeded_part(overview: &Value) -> Value {
    let mut entries = overview["entries"].clone();
    for entry in entries.as_array_mut().unwrap() {
        entry.as_object_mut().unwrap().remove("posted_at");
    }
    serde_json::json!({
        "account": overview["account"],
        "bills": overview["bills"],
        "aging": overview["aging"],
        "entries": entries,
    })
}

#[test]
fn the_same_seed_gives_the_same_demo_and_another_seed_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let a = demo(dir.path(), "a.db", 40, 11, 6);
    let b = demo(dir.path(), "b.db", 40, 11, 6);
    let c = demo(dir.path(), "c.db", 40, 12, 6);

    let numbers = account_numbers(&a);
    assert_eq!(numbers.len(), 40);
    let name = overview(&a, &numbers[3])["account"]["customer"]["name"].as_str().unwrap().to_string();
    for query in ["tulsa", "st", "555", name.as_str(), numbers[5].as_str()] {
        let from_a = json(&a, &["search", query, "--json"]);
        assert!(!from_a.as_array().unwrap().is_empty(), "\"{query}\" finds something");
        assert_eq!(from_a, json(&b, &["search", query, "--json"]), "search \"{query}\"");
    }
    for number in numbers.iter().step_by(7) {
        let (oa, ob) = (overview(&a, number), overview(&b, number));
        assert!(!oa["bills"].as_array().unwrap().is_empty());
        assert_eq!(seeded_part(&oa), seeded_part(&ob), "account {number}");
    }

    assert_ne!(json(&a, &["search", "tulsa", "--json"]), json(&c, &["search", "tulsa", "--json"]));
    let differs = numbers.iter().any(|n| seeded_part(&overview(&a, n)) != seeded_part(&overview(&c, n)));
    assert!(differs, "seed 12 made the same accounts as seed 11");
}

#[test]
fn search_never_fails_on_hostile_input() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 40, 3, 2);
    let long = "x".repeat(500);
    let long_words = "smith ".repeat(90);
    let hostile: &[&[&str]] = &[
        &["\""],
        &["\"\"\""],
        &["*"],
        &["AND"],
        &["OR", "NOT"],
        &["NEAR("],
        &["NEAR(a b, 3)"],
        &["'"],
        &["o'brien"],
        &[")"],
        &["("],
        &["-"],
        &["--", "-smith"],
        &["a:b"],
        &["^st"],
        &["{col}:x"],
        &["José Müller"],
        &["東京 🚰"],
        &[""],
        &["   "],
        &["\t\n"],
        &["%"],
        &["_"],
        &["'; DROP TABLE accounts; --"],
        &[&long],
        &[&long_words],
        &["10000001-"],
        &["(918) 555-"],
        &[],
    ];
    for words in hostile {
        let mut args = vec!["search"];
        args.extend_from_slice(words);
        let output = run(&db, &args);
        assert_eq!(output.status.code(), Some(0), "search {words:?}: {}", stderr(&output));
        assert!(stderr(&output).is_empty(), "search {words:?}: {}", stderr(&output));
        args.insert(1, "--json");
        let hits = json(&db, &args);
        assert!(hits.is_array(), "search {words:?} --json: {hits}");
    }
    // Nothing was harmed.
    assert_eq!(verify_passes(&db)["counts"]["accounts"], 40);
}

#[test]
fn search_finds_an_account_by_number_and_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 40, 5, 2);
    let numbers = account_numbers(&db);
    for number in [&numbers[0], &numbers[17], &numbers[39]] {
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        for typed in [number.clone(), digits, format!("  {number} ")] {
            let hits = json(&db, &["search", &typed, "--json"]);
            let first = &hits[0];
            assert_eq!(first["number"], number.as_str(), "search \"{typed}\": {hits}");
            assert_eq!(first["exact"], true, "search \"{typed}\": {hits}");
        }
        let text = ok(&db, &["search", number]);
        assert!(text.lines().next().unwrap().contains("(exact match)"), "{text}");

        let account = overview(&db, number);
        let name = account["account"]["customer"]["name"].as_str().unwrap();
        for typed in
            [name.to_string(), name.to_lowercase(), name.split_whitespace().rev().collect::<Vec<_>>().join(" ")]
        {
            let hits = json(&db, &["search", &typed, "--json"]);
            let found = hits.as_array().unwrap().iter().find(|h| h["number"] == number.as_str());
            let found = found.unwrap_or_else(|| panic!("search \"{typed}\" misses {number}: {hits}"));
            assert_eq!(found["name"], name);
            assert_eq!(found["exact"], false, "a name is not an exact-number match");
        }
        let meter = account["account"]["services"]["meter_number"].as_str().unwrap();
        let hits = json(&db, &["search", &meter.to_lowercase(), "--json"]);
        assert_eq!(hits[0]["number"], number.as_str(), "by meter {meter}: {hits}");
    }
}

#[test]
fn account_refuses_a_mistyped_or_unknown_number() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 40, 5, 2);
    let number = account_numbers(&db)[4].clone();
    let text = ok(&db, &["account", &number]);
    assert!(text.contains(&number), "{text}");

    let (body, check) = number.split_once('-').unwrap();
    let wrong = (check.parse::<u32>().unwrap() + 1) % 10;
    let typo = format!("{body}-{wrong}");
    let message = refused(&db, &["account", &typo]);
    assert!(message.contains("check digit"), "{message}");
    assert!(!message.contains("no account"), "a typo is not an account that does not exist: {message}");
    let message = refused(&db, &["account", &typo, "--json"]);
    assert!(message.contains("check digit"), "{message}");

    let unknown = valid_number(10_009_999);
    assert!(unknown.ends_with(&luhn_digit("10009999").to_string()));
    let message = refused(&db, &["account", &unknown]);
    assert!(message.contains("no account") && message.contains(&unknown), "{message}");
    assert!(!message.contains("check digit"), "{message}");

    let message = refused(&db, &["account", "12345"]);
    assert!(message.contains("nine digits") && !message.contains("no account"), "{message}");
    // The overview in JSON gives each bill's lines or leaves the field out.
    let overview = json(&db, &["account", &number, "--json"]);
    let bills = overview["bills"].as_array().unwrap();
    assert!(!bills.is_empty() && bills.iter().all(|b| b.get("lines").is_none()), "{overview}");
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("never.db");
    let cases: &[&[&str]] = &[
        &["frobnicate"],
        &["account"],
        &["init", "--admin", "root"],
        &["payments", "import", "file.csv"],
        &["payments", "refund"],
        &["export"],
        &["demo", "--months", "500"],
        &["demo", "--accounts", "many"],
        &["verify", "--yaml"],
    ];
    for args in cases {
        let output = run(&db, args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        assert!(!stderr(&output).is_empty(), "{args:?} explains itself");
    }
    let output = Command::new(bin()).args(["--db"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(!db.exists(), "a usage error creates no database");

    // Commands on a database that is not there are refused, not usage errors,
    // and do not create an empty ledger.
    let message = refused(&db, &["verify"]);
    assert!(message.contains("no database"), "{message}");
    assert!(!db.exists());
}

#[test]
fn a_database_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 20, 1, 2);
    // The schema version this build does not know: SQLite's user_version,
    // PostgreSQL's newest applied migration.
    let version_sql = engine::pick("PRAGMA user_version".into(), "SELECT max(version) FROM schema_migrations".into());
    engine::raw(&db).execute(&engine::pick(
        "PRAGMA user_version = 999".into(),
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from a newer desk', now()::text)"
            .into(),
    ));

    for args in [&["verify"][..], &["verify", "--json"], &["search", "tulsa"]] {
        let message = refused(&db, args);
        assert!(message.contains("newer version"), "{args:?}: {message}");
    }
    let version = sql_number(&db, &version_sql);
    assert_eq!(version, 999, "the newer database was left as it was");
}

#[test]
fn init_creates_a_database_once_and_never_stores_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office").join("ledger.db");
    let password = "Tr0mbone-Quartz-Lantern";
    let init = |db: &std::path::Path, admin: &str, input: &str| {
        run_with_input(db, &["init", "--admin", admin, "--name", "Priya Raman", "--password-stdin"], input)
    };
    let output = init(&db, "priya", &format!("{password}\n"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("priya"));
    assert!(db.exists());
    let report = verify_passes(&db);
    assert_eq!(report["counts"]["accounts"], 0);
    assert_eq!(report["counts"]["postings"], 0);

    let output = init(&db, "other", &format!("{password}\n"));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("already has users"), "{}", stderr(&output));

    // A database made by init is production: no demo data (and no users
    // with the published demo password) ever goes into it, even empty.
    let before = std::fs::read(&db).unwrap();
    let output = run(&db, &["demo", "--accounts", "5", "--months", "1"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("production database"), "{}", stderr(&output));
    assert_eq!(std::fs::read(&db).unwrap(), before, "the refused demo wrote nothing");
    // Its automated jobs' user is made by the Administrator, with the batch role.
    let args =
        ["user", "add", "nightly", "--name", "Nightly jobs", "--role", "batch", "--as", "priya", "--password-stdin"];
    let output = run_with_input(&db, &args, &format!("{password}\nNightly-Jobs-Pass-1\n"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let fresh = dir.path().join("bad.db");
    let output = init(&fresh, "x y", &format!("{password}\n"));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("user name"), "{}", stderr(&output));
    let output = init(&dir.path().join("weak.db"), "sam", "short\n");
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("at least 10 characters"), "{}", stderr(&output));
    assert!(!stderr(&output).contains("short"), "the password is not echoed back: {}", stderr(&output));

    // Nothing in the database folder holds the password, in any form a
    // search would find (the file, its WAL, anything beside it).
    for entry in std::fs::read_dir(db.parent().unwrap()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!bytes.windows(password.len()).any(|w| w == password.as_bytes()), "the password was stored");
    }
}

#[test]
fn the_hledger_export_loads_and_agrees_with_the_balances() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 40, 9, 6);
    let journal = dir.path().join("books.journal");
    let journal_arg = journal.to_str().unwrap();
    let postings = posting_count(&db);
    let audits = verify_passes(&db)["counts"]["audit_records"].as_u64().unwrap();
    let output = run_with_input(
        &db,
        &["export", "--hledger", journal_arg, "--as", "manager", "--password-stdin"],
        &format!("{}\n", utility_desk::demo::DEMO_PASSWORD),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    // The sign-in and the export are each audited.
    assert_eq!(verify_passes(&db)["counts"]["audit_records"].as_u64().unwrap(), audits + 2);
    assert!(text.contains(&format!("Wrote {postings} postings")), "{text}");
    let written = std::fs::read_to_string(&journal).unwrap();
    assert_eq!(written.matches("; posting:").count() as u64, postings, "one journal transaction per posting");

    let expected: BTreeMap<String, i64> =
        account_numbers(&db).into_iter().map(|n| (n.clone(), balance(&db, &n))).collect();
    assert_eq!(expected.len(), 40);
    assert!(expected.values().any(|b| *b != 0), "some balances are not zero, so the comparison means something");
    let expected_total: i64 = expected.values().sum();

    // By date, posting order within a day: the first date is the earliest.
    let dates: Vec<&str> = written.lines().filter(|l| l.starts_with("20")).map(|l| &l[..10]).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "the journal is in date order");
    assert!(written.starts_with("; utility-desk ledger export: every posting, by date"), "{}", &written[..100]);
    // Only those who need the whole ledger export it.
    for user in ["rep1", "rep3", "admin"] {
        let refused = run_with_input(
            &db,
            &["export", "--hledger", journal_arg, "--as", user, "--password-stdin"],
            &format!("{}\n", utility_desk::demo::DEMO_PASSWORD),
        );
        assert_eq!(refused.status.code(), Some(1), "{user}");
        assert!(stderr(&refused).contains("may not export the ledger"), "{}", stderr(&refused));
    }
    assert_eq!(std::fs::read_to_string(&journal).unwrap(), written, "a refused export left the file as it was");

    if tool("hledger") {
        run_tool("hledger", &["-f", journal_arg, "check"]);
        run_tool("hledger", &["-f", journal_arg, "check", "ordereddates"]);
        let csv =
            run_tool("hledger", &["-f", journal_arg, "balance", "assets:receivable", "--flat", "-E", "-O", "csv"]);
        let mut found = BTreeMap::new();
        let mut total = None;
        for line in csv.lines().skip(1) {
            let (account, amount) = line.split_once("\",\"").unwrap_or_else(|| panic!("csv line {line:?}"));
            let account = account.trim_matches('"');
            let cents = journal_cents(amount);
            if account == "total" {
                total = Some(cents);
            } else {
                let number = account.strip_prefix("assets:receivable:").unwrap_or_else(|| panic!("{account}"));
                found.insert(number.to_string(), cents);
            }
        }
        for (number, cents) in &expected {
            assert_eq!(found.get(number).copied().unwrap_or(0), *cents, "hledger's balance of {number}");
        }
        assert!(found.keys().all(|n| expected.contains_key(n)), "hledger has receivables we do not: {found:?}");
        assert_eq!(total, Some(expected_total), "hledger's receivable total");

        // The whole ledger balances in hledger's eyes too.
        let all = run_tool("hledger", &["-f", journal_arg, "balance", "-O", "csv"]);
        let last = all.lines().last().unwrap();
        assert!(last.starts_with("\"total\""), "{all}");
        assert_eq!(journal_cents(last.split_once(',').unwrap().1), 0, "{all}");
    }
    if tool("ledger") {
        let report = run_tool("ledger", &["-f", journal_arg, "balance"]);
        assert_eq!(report.lines().last().map(str::trim), Some("0"), "ledger's total:\n{report}");
        // Collapsed (-n) to one line: the receivables' total.
        let receivable = run_tool("ledger", &["-f", journal_arg, "-n", "balance", "^assets:receivable"]);
        let amount = receivable.split_whitespace().next().unwrap_or_else(|| panic!("{receivable}"));
        assert_eq!(journal_cents(amount), expected_total, "ledger's receivable total:\n{receivable}");
    }
}

fn import(db: &Path, file: &Path) -> std::process::Output {
    run_signed_in(db, &["payments", "import", file.to_str().unwrap(), "--as", "batch"])
}

#[test]
fn a_payment_file_posts_each_row_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 40, 21, 3);
    let numbers = account_numbers(&db);
    let accounts = [&numbers[1], &numbers[2], &numbers[2], &numbers[30]];
    let amounts = [1_234, 5_000, 99, 100_000];
    let before: Vec<i64> = accounts.iter().map(|n| balance(&db, n)).collect();
    let postings_before = posting_count(&db);

    let mut rows: Vec<PaymentRow> = accounts
        .iter()
        .zip(amounts)
        .enumerate()
        .map(|(i, (number, cents))| PaymentRow::new(format!("lockbox-2026-11-{i}"), number, cents))
        .collect();
    rows[3].amount = "$1,000.00".into();
    rows[2].method = "cash".into();
    rows[2].reference = String::new();
    let file = dir.path().join("payments.csv");
    write_payments(&file, &rows);

    let output = import(&db, &file);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    let acks = import_lines(&out);
    assert_eq!(acks.len(), 4, "{out}");
    for ((verb, key, _), row) in acks.iter().zip(&rows) {
        assert_eq!((verb.as_str(), key.as_str()), ("posted", row.key.as_str()), "{out}");
    }
    assert!(out.contains("done: 4 posted, 0 already posted"), "{out}");
    assert_eq!(posting_count(&db), postings_before + 4);
    assert_eq!(balance(&db, accounts[0]), before[0] - 1_234);
    assert_eq!(balance(&db, accounts[1]), before[1] - 5_000 - 99);
    assert_eq!(balance(&db, accounts[3]), before[3] - 100_000);
    let entries = overview(&db, accounts[0])["entries"].clone();
    let newest = entries.as_array().unwrap().iter().find(|e| e["posting_id"] == acks[0].2).expect("the payment entry");
    assert_eq!(
        (newest["kind"].as_str(), newest["side"].as_str(), newest["amount"].as_i64()),
        (Some("payment"), Some("C"), Some(1_234))
    );

    // The same file again changes nothing and names each first posting.
    let output = import(&db, &file);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let again = stdout(&output);
    let replays = import_lines(&again);
    assert_eq!(replays.len(), 4, "{again}");
    for ((verb, key, id), (_, first_key, first_id)) in replays.iter().zip(&acks) {
        assert_eq!((verb.as_str(), key, id), ("already-posted", first_key, first_id), "{again}");
    }
    assert!(again.contains("done: 0 posted, 4 already posted"), "{again}");
    assert_eq!(posting_count(&db), postings_before + 4);
    assert_eq!(balance(&db, accounts[1]), before[1] - 5_000 - 99);
    verify_passes(&db);

    // A file posted as an unknown user posts nothing.
    let fresh = dir.path().join("fresh.csv");
    write_payments(&fresh, &[PaymentRow::new("by-nobody-1", accounts[0], 700)]);
    let output = run_signed_in(&db, &["payments", "import", fresh.to_str().unwrap(), "--as", "nobody"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("Sign-in failed"), "{}", stderr(&output));
    assert_eq!(posting_count(&db), postings_before + 4);
}

#[test]
fn a_payment_file_with_a_bad_row_posts_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 40, 22, 3);
    let numbers = account_numbers(&db);
    let (body, check) = numbers[6].split_once('-').unwrap();
    let typo = format!("{body}-{}", (check.parse::<u32>().unwrap() + 3) % 10);
    let unknown = valid_number(10_007_777);
    let future = future_day().to_string();

    type Spoil = fn(&mut PaymentRow, &str, &str, &str);
    let cases: &[(&str, Spoil, &str)] = &[
        ("three decimals", |r, _, _, _| r.amount = "12.345".into(), "12.345"),
        ("negative", |r, _, _, _| r.amount = "-5.00".into(), "negative"),
        ("zero", |r, _, _, _| r.amount = "0.00".into(), "more than $0.00"),
        ("exponent", |r, _, _, _| r.amount = "1e3".into(), "1e3"),
        ("unknown account", |r, _, unknown, _| r.account = unknown.into(), "no account"),
        ("mistyped account", |r, typo, _, _| r.account = typo.into(), "check digit"),
        ("future date", |r, _, _, future| r.received_on = future.into(), "future"),
        ("not a date", |r, _, _, _| r.received_on = "2026-13-01".into(), "2026-13-01"),
        ("unknown method", |r, _, _, _| r.method = "bitcoin".into(), "bitcoin"),
        ("card number as reference", |r, _, _, _| r.reference = "4111 1111 1111 1111".into(), "card number"),
        ("empty key", |r, _, _, _| r.key = " ".into(), "idempotency key"),
        ("key used twice in the file", |r, _, _, _| r.key = r.key.replace("-2", "-0"), "earlier in the file"),
    ];
    let postings_before = posting_count(&db);
    let balances_before: Vec<i64> = numbers[..3].iter().map(|n| balance(&db, n)).collect();
    for (name, spoil, says) in cases {
        // The bad row comes last, so rows before it would be posted if the
        // file were not checked whole first.
        let mut rows: Vec<PaymentRow> = (0..3)
            .map(|i| PaymentRow::new(format!("bad-file-{}-{i}", name.replace(' ', "-")), &numbers[i], 1_000 + i as i64))
            .collect();
        spoil(&mut rows[2], &typo, &unknown, &future);
        let file = dir.path().join("bad.csv");
        write_payments(&file, &rows);
        let output = import(&db, &file);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{name}: {err}");
        assert!(import_lines(&stdout(&output)).is_empty(), "{name}: acknowledged {}", stdout(&output));
        assert!(err.contains("line 4"), "{name}: the message names the line: {err}");
        assert!(!err.contains("line 2") && !err.contains("line 3"), "{name}: only the bad line: {err}");
        assert!(err.contains(says), "{name}: the message says why ({says}): {err}");
        assert!(err.contains("nothing was posted"), "{name}: {err}");
        assert_eq!(posting_count(&db), postings_before, "{name}: something was posted");
    }

    // Several bad rows are all named at once.
    let mut rows: Vec<PaymentRow> =
        (0..6).map(|i| PaymentRow::new(format!("many-bad-{i}"), &numbers[i % 3], 500)).collect();
    rows[1].amount = "12.345".into();
    rows[2].account = unknown.clone();
    rows[4].received_on = future.clone();
    rows[5].method = "barter".into();
    let file = dir.path().join("many-bad.csv");
    write_payments(&file, &rows);
    let output = import(&db, &file);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    for line in ["line 3", "line 4", "line 6", "line 7"] {
        assert!(err.contains(line), "{line} is named: {err}");
    }
    assert!(!err.contains("line 2:") && !err.contains("line 5:"), "{err}");
    assert!(import_lines(&stdout(&output)).is_empty());

    assert_eq!(posting_count(&db), postings_before);
    let balances_after: Vec<i64> = numbers[..3].iter().map(|n| balance(&db, n)).collect();
    assert_eq!(balances_after, balances_before);
    verify_passes(&db);
}

/// With no subcommand the binary opens the window; with no display it says
/// so and exits 1 rather than crashing.
#[test]
fn without_a_display_the_window_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_utility-desk"))
        .arg("--db")
        .arg(&db)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("no display to open the window on"), "{said}");

    // A display that names no X server: a sentence and exit 1, not a panic
    // and its backtrace (exit 101).
    utility_desk::demo::create_at(
        &db,
        &utility_desk::demo::DemoOptions { accounts: 3, seed: 1, months: 1 },
        chrono::Utc::now(),
        |_, _| {},
    )
    .unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_utility-desk"))
        .arg("--db")
        .arg(&db)
        .env("DISPLAY", "unix:987")
        .env_remove("WAYLAND_DISPLAY")
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(said.contains("no display could be reached at DISPLAY=\"unix:987\""), "{said}");
    assert!(!said.contains("panicked") && !said.contains("backtrace"), "{said}");
}

/// Dates are `YYYY-MM-DD` and nothing else, in files and flags alike; a
/// payment cannot be dated before its account opened (nor in the future).
#[test]
fn loose_dates_are_refused_in_files_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 10, 12, 2);
    let account = account_numbers(&db).remove(0);
    let postings = posting_count(&db);
    let dated = |key: &str, day: &str| PaymentRow { received_on: day.into(), ..PaymentRow::new(key, &account, 1_000) };
    let file = dir.path().join("dates.csv");
    write_payments(
        &file,
        &[
            PaymentRow::new("good-1", &account, 1_000),
            dated("short-year", "26-01-01"),
            dated("unpadded", "2026-2-3"),
            dated("slashes", "02/03/2026"),
            dated("long-ago", "1900-01-01"),
            dated("future", "2030-01-01"),
            dated("no-day", "2026-02-30"),
        ],
    );
    let output = import(&db, &file);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    for (line, said) in [
        (3, "\"26-01-01\" is not a date written YYYY-MM-DD"),
        (4, "\"2026-2-3\" is not a date written YYYY-MM-DD"),
        (5, "\"02/03/2026\" is not a date written YYYY-MM-DD"),
        (6, "received_on 1900-01-01 is before account"),
        (7, "in the future"),
        (8, "\"2026-02-30\" is not a day of the calendar"),
    ] {
        assert!(err.contains(&format!("line {line}: ")) && err.contains(said), "line {line} ({said}): {err}");
    }
    assert!(err.contains("6 row(s)") && !err.contains("line 2:"), "{err}");
    assert_eq!(posting_count(&db), postings, "nothing was posted");

    // A flag: a usage error (exit 2) that says what a date looks like.
    for day in ["26-01-01", "2026-2-3", "2100-01-01"] {
        let output = run_signed_in(&db, &["statement", &account, "--from", day, "--as", "rep1"]);
        assert_eq!(output.status.code(), Some(2), "{day}: {}", stderr(&output));
        assert!(stderr(&output).contains(day), "{}", stderr(&output));
    }
}
