//! Helpers for the tests that drive the `utility-desk` binary as a person or
//! a script would: run a command, read its exit code, stdout and JSON.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

#[path = "../engine/mod.rs"]
pub mod engine;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{Days, NaiveDate, Utc};
use serde_json::Value;
pub use utility_desk::demo::DEMO_PASSWORD;

/// The binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_utility-desk")
}

/// `utility-desk --db DB ARGS...`, ready to run or spawn.
pub fn command(db: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(bin());
    // Neither a developer's database nor their live session reaches a test.
    command.arg("--db").arg(db).args(args).env_remove("UTILITY_DESK_DB").env_remove("UTILITY_DESK_SESSION");
    command
}

/// Runs `utility-desk --db DB ARGS...` to the end.
pub fn run(db: &Path, args: &[&str]) -> Output {
    command(db, args).output().expect("the binary runs")
}

/// Runs a command with `input` on its standard input (a password, say).
pub fn run_with_input(db: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = command(db, args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // A command refused before it reads its input (a usage error, say)
    // closes the pipe first: that is its answer, not a test failure.
    match child.stdin.take().expect("stdin").write_all(input.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        written => written.expect("write stdin"),
    }
    child.wait_with_output().expect("the binary finishes")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs a command that must succeed; returns its stdout.
pub fn ok(db: &Path, args: &[&str]) -> String {
    let output = run(db, args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "`{}` failed\nstdout:\n{}\nstderr:\n{}",
        args.join(" "),
        stdout(&output),
        stderr(&output)
    );
    stdout(&output)
}

/// Runs a command that must be refused with exit code 1; returns its stderr.
pub fn refused(db: &Path, args: &[&str]) -> String {
    let output = run(db, args);
    assert_eq!(
        output.status.code(),
        Some(1),
        "`{}` should be refused\nstdout:\n{}\nstderr:\n{}",
        args.join(" "),
        stdout(&output),
        stderr(&output)
    );
    stderr(&output)
}

/// Runs a command that must succeed and print JSON.
pub fn json(db: &Path, args: &[&str]) -> Value {
    let text = ok(db, args);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("`{}` printed invalid JSON ({e}):\n{text}", args.join(" ")))
}

/// Makes a demo ledger `name` in `dir` with the command line (under
/// `UTILITY_DESK_TEST_ENGINE=postgres`, a new database on the run's server).
pub fn demo(dir: &Path, name: &str, accounts: u32, seed: u64, months: u32) -> PathBuf {
    demo_at(engine::ledger_location(dir, name), accounts, seed, months)
}

/// Makes a demo ledger file `name` in `dir`, whichever the run's engine
/// (for what only a file has: backups, its bytes, its folder).
pub fn demo_file(dir: &Path, name: &str, accounts: u32, seed: u64, months: u32) -> PathBuf {
    demo_at(dir.join(name), accounts, seed, months)
}

fn demo_at(db: PathBuf, accounts: u32, seed: u64, months: u32) -> PathBuf {
    ok(
        &db,
        &["demo", "--accounts", &accounts.to_string(), "--seed", &seed.to_string(), "--months", &months.to_string()],
    );
    db
}

/// Every demo account's number. Every demo premise is in Tulsa, so one search
/// finds them all (up to the 50 results a search returns).
pub fn account_numbers(db: &Path) -> Vec<String> {
    let hits = json(db, &["search", "tulsa", "--json"]);
    let numbers: Vec<String> = hits
        .as_array()
        .expect("an array")
        .iter()
        .map(|h| h["number"].as_str().expect("a number").to_string())
        .collect();
    assert!(!numbers.is_empty(), "the demo has accounts");
    numbers
}

/// An account's overview as JSON.
pub fn overview(db: &Path, number: &str) -> Value {
    json(db, &["account", number, "--json"])
}

/// An account's balance in cents (money is integer cents in JSON).
pub fn balance(db: &Path, number: &str) -> i64 {
    overview(db, number)["account"]["balance"].as_i64().expect("balance in cents")
}

/// `verify --json`, asserting that it passes and every check found nothing.
pub fn verify_passes(db: &Path) -> Value {
    let report = json(db, &["verify", "--json"]);
    let checks = report["checks"].as_array().expect("checks");
    assert!(checks.len() >= 5, "verify runs its checks: {report}");
    for check in checks {
        assert_eq!(check["problem_count"], 0, "check failed: {check}");
    }
    assert!(ok(db, &["verify"]).contains("verify passed"));
    report
}

/// `verify --json` whatever it finds: its exit code and report.
pub fn verify_report(db: &Path) -> (Option<i32>, Value) {
    let output = run(db, &["verify", "--json"]);
    let report = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("verify printed no JSON ({e}): {}", stderr(&output)));
    (output.status.code(), report)
}

/// The names of the checks `verify` found problems in.
pub fn failed_checks(report: &Value) -> Vec<String> {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["problem_count"] != 0)
        .map(|c| c["name"].as_str().expect("a name").to_string())
        .collect()
}

/// Runs `ARGS... --password-stdin` with the demo password on standard input:
/// a demo user signing in from a script.
pub fn run_signed_in(db: &Path, args: &[&str]) -> Output {
    let mut args = args.to_vec();
    args.push("--password-stdin");
    run_with_input(db, &args, &format!("{DEMO_PASSWORD}\n"))
}

/// Spawns `ARGS... --password-stdin` and writes the demo password to its
/// standard input, for tests that read its output as it comes.
pub fn spawn_signed_in(db: &Path, args: &[&str], stdout: std::process::Stdio) -> std::process::Child {
    use std::io::Write;
    let mut child = command(db, args)
        .arg("--password-stdin")
        .stdin(std::process::Stdio::piped())
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(format!("{DEMO_PASSWORD}\n").as_bytes()).expect("write the password");
    child
}

/// Like [`ok`], signed in as in [`run_signed_in`].
pub fn ok_signed_in(db: &Path, args: &[&str]) -> String {
    let output = run_signed_in(db, args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "`{}` failed\nstdout:\n{}\nstderr:\n{}",
        args.join(" "),
        stdout(&output),
        stderr(&output)
    );
    stdout(&output)
}

/// How many postings the ledger holds.
pub fn posting_count(db: &Path) -> u64 {
    json(db, &["verify", "--json"])["counts"]["postings"].as_u64().expect("a count")
}

/// The utility's date now, in the zone a new ledger keeps (the desk's
/// "today"): just after midnight UTC it is still yesterday in Chicago.
pub fn utility_today() -> NaiveDate {
    let zone: chrono_tz::Tz = utility_desk::desk::DEFAULT_TIME_ZONE.parse().expect("a known zone");
    Utc::now().with_timezone(&zone).date_naive()
}

/// A date a payment can be received on whatever the time zone: two days ago.
pub fn recent_day() -> NaiveDate {
    Utc::now().date_naive() - Days::new(2)
}

/// A date in the future in every time zone.
pub fn future_day() -> NaiveDate {
    Utc::now().date_naive() + Days::new(30)
}

/// One row of a payment file.
#[derive(Debug, Clone)]
pub struct PaymentRow {
    pub key: String,
    pub account: String,
    pub amount: String,
    pub received_on: String,
    pub method: String,
    pub reference: String,
}

impl PaymentRow {
    /// A valid check payment of `cents` received two days ago.
    pub fn new(key: impl Into<String>, account: &str, cents: i64) -> PaymentRow {
        PaymentRow {
            key: key.into(),
            account: account.to_string(),
            amount: format!("{}.{:02}", cents / 100, cents % 100),
            received_on: recent_day().to_string(),
            method: "check".into(),
            reference: "CHK 1234".into(),
        }
    }
}

/// Writes a payment file with the header the importer expects.
pub fn write_payments(path: &Path, rows: &[PaymentRow]) {
    let mut writer = csv::Writer::from_path(path).expect("create the payment file");
    writer.write_record(["key", "account", "amount", "received_on", "method", "reference"]).unwrap();
    for r in rows {
        writer.write_record([&r.key, &r.account, &r.amount, &r.received_on, &r.method, &r.reference]).unwrap();
    }
    writer.flush().expect("write the payment file");
}

/// A line of `payments import` output: (verb, key, posting id).
pub fn import_lines(out: &str) -> Vec<(String, String, i64)> {
    out.lines()
        .filter(|l| l.starts_with("posted ") || l.starts_with("already-posted "))
        .map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(parts.len(), 3, "an acknowledgement is `VERB KEY POSTING_ID`: {l:?}");
            (parts[0].to_string(), parts[1].to_string(), parts[2].parse().expect("a posting id"))
        })
        .collect()
}

/// The Luhn check digit for `body`, computed here independently of the crate.
pub fn luhn_digit(body: &str) -> u32 {
    let sum: u32 = body
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let d = c.to_digit(10).expect("digits");
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// A well-formed account number (valid check digit) for an eight-digit body.
pub fn valid_number(body: u32) -> String {
    let body = format!("{body:08}");
    format!("{body}-{}", luhn_digit(&body))
}

/// A tiny deterministic generator so test data is the same on every run.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// Runs `ARGS --as USER --password-stdin` with `lines` on standard input
/// (the sign-in password first).
pub fn run_as_with(db: &Path, user: &str, args: &[&str], lines: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--as", user, "--password-stdin"]);
    let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
    run_with_input(db, &all, &input)
}

/// Runs a command as a demo user.
pub fn run_as(db: &Path, user: &str, args: &[&str]) -> Output {
    run_as_with(db, user, args, &[DEMO_PASSWORD])
}

pub fn describe(args: &[&str], output: &Output) -> String {
    format!("`{}`\nstdout:\n{}\nstderr:\n{}", args.join(" "), stdout(output), stderr(output))
}

/// A command as a demo user that must succeed; its stdout.
pub fn ok_as(db: &Path, user: &str, args: &[&str]) -> String {
    let output = run_as(db, user, args);
    assert_eq!(output.status.code(), Some(0), "{}", describe(args, &output));
    stdout(&output)
}

/// A command as a demo user that must be refused (exit 1); its stderr.
pub fn refused_as(db: &Path, user: &str, args: &[&str]) -> String {
    let output = run_as(db, user, args);
    assert_eq!(output.status.code(), Some(1), "{}", describe(args, &output));
    stderr(&output)
}

/// The number in "posted: posting N" or "sent for approval: request N — ...".
pub fn number_after(text: &str, marker: &str) -> i64 {
    let at = text.find(marker).unwrap_or_else(|| panic!("no \"{marker}\" in {text:?}")) + marker.len();
    text[at..].split(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap()
}

/// Every row of every table of the ledger, sorted, to show that a refused
/// command wrote nothing, on either engine (see [`engine::Raw::all_rows`]).
pub fn all_rows(db: &Path, query: impl Fn(&str) -> Option<Option<String>>) -> String {
    engine::raw(db).all_rows(query)
}

/// The one number `sql` selects from the ledger at `db`, on either engine.
pub fn sql_number(db: &Path, sql: &str) -> i64 {
    engine::raw(db).number(sql)
}

/// A tool finance uses on our journal. Missing on CI is a failure, so the
/// check cannot be skipped there without anyone noticing.
pub fn tool(name: &str) -> bool {
    let found = Command::new("which").arg(name).output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var_os("CI").is_none(), "{name} is not installed, and CI is set: install it (see .ci/run)");
        eprintln!("skipping the {name} check: {name} is not installed");
    }
    found
}

/// A journal amount as cents: "$-1,234.50", "-$5.00", "0".
pub fn journal_cents(text: &str) -> i64 {
    let clean: String = text.chars().filter(|c| !matches!(c, '$' | ',' | '"' | ' ')).collect();
    let (negative, digits) = match clean.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, clean.as_str()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let fraction = format!("{fraction:0<2}");
    assert_eq!(fraction.len(), 2, "amount {text:?}");
    let cents = whole.parse::<i64>().unwrap() * 100 + fraction.parse::<i64>().unwrap();
    if negative { -cents } else { cents }
}

pub fn run_tool(program: &str, args: &[&str]) -> String {
    let output = Command::new(program).args(args).output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{program} {args:?} failed: {err}");
    assert!(!err.to_lowercase().contains("error"), "{program} {args:?}: {err}");
    String::from_utf8(output.stdout).unwrap()
}
