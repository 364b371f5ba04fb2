#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Going into service at a utility's size, through the command line as an
//! IT department runs it: `accounts import` of 100,000 accounts (with
//! balances), `reads import` of a read for each, `bill run` of the one
//! cycle they are all in, then a second month's reads (checked against the
//! first month's bills, some held as exceptions) and its bill run.
//!
//! `cargo bench --bench into_service`; for a quick run: `BENCH_ACCOUNTS=5000`;
//! `BENCH_KEEP=1` keeps the files (and the ledger before each month's reads,
//! to profile a load again).

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use chrono::{Days, NaiveDate, Utc};
use common::{Rng, env_size, thousands, time};

const ADMIN: &str = "Bench-Admin-Pass-1";
const NIGHTLY: &str = "Bench-Nightly-Pass-1";

/// Runs the release binary on `db` with `input` on stdin; panics on failure.
fn desk(db: &Path, args: &[&str], input: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_utility-desk"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the desk");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn as_nightly(db: &Path, args: &[&str]) -> (String, Duration) {
    let mut all = args.to_vec();
    all.extend(["--as", "nightly", "--password-stdin"]);
    time(|| desk(db, &all, &format!("{NIGHTLY}\n")))
}

/// The accounts file: every account in cycle 1, a fifth owing something.
fn accounts_file(path: &Path, n: u32, read_on: NaiveDate, rng: &mut Rng) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let header = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples/accounts.csv"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    writeln!(out, "{header}").unwrap();
    let streets = ["W 16th St", "N Cincinnati Ave", "S Peoria Ave", "E Admiral Pl", "S Yale Ave", "E 71st St"];
    for i in 0..n {
        let street = rng.pick(&streets);
        let (owed, late) = if i % 5 == 0 { (rng.below(9_000) + 1_000, rng.below(4_000)) } else { (0, 0) };
        writeln!(
            out,
            "L{i:08},Customer {i},{} {street},,Tulsa,OK,741{:02},,,,,,(918) 555-{:04},,,M{i:08},5/8,7,{},{read_on},yes,yes,96,weekly,no,1,2015-03-02,5000,,,{}.{:02},,{}.{:02},,,,",
            100 + i % 9_000,
            i % 100,
            i % 10_000,
            rng.below(1_000_000),
            owed / 100,
            owed % 100,
            late / 100,
            late % 100,
        )
        .unwrap();
    }
}

/// A read for each meter `read_on`, `used` gallons after `before`.
fn reads_file(path: &Path, readings: &mut [u64], read_on: NaiveDate, rng: &mut Rng, high_every: u64) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "meter,read_on,reading,kind,reader,rollover").unwrap();
    for (i, reading) in readings.iter_mut().enumerate() {
        let mut used = 3_000 + rng.below(6_000);
        if high_every > 0 && (i as u64).is_multiple_of(high_every) {
            used *= 5;
        }
        let next = (*reading + used) % 10_000_000;
        let rollover = if next < *reading { "yes" } else { "" };
        *reading = next;
        writeln!(out, "M{i:08},{read_on},{next},actual,R{},{rollover}", i % 40).unwrap();
    }
}

fn number_after(text: &str, marker: &str) -> u64 {
    let at = text.find(marker).unwrap_or_else(|| panic!("{marker:?} in {text}"));
    let digits: String = text[..at].chars().rev().take_while(|c| c.is_ascii_digit() || *c == ',').collect();
    digits.chars().rev().filter(char::is_ascii_digit).collect::<String>().parse().unwrap()
}

fn main() {
    let n = env_size("BENCH_ACCOUNTS", 100_000);
    let dir = tempfile::tempdir_in(common::bench_data_dir()).expect("temp dir");
    let db = dir.path().join("ledger.db");
    let today = Utc::now().date_naive();
    let mut rng = Rng(1);
    desk(&db, &["init", "--admin", "root", "--name", "Root", "--password-stdin"], &format!("{ADMIN}\n"));
    let add = ["user", "add", "nightly", "--name", "Nightly", "--role", "batch", "--as", "root", "--password-stdin"];
    desk(&db, &add, &format!("{ADMIN}\nBench-Temp-Pass-1\n"));
    desk(
        &db,
        &["user", "passwd", "nightly", "--as", "nightly", "--password-stdin"],
        &format!("Bench-Temp-Pass-1\n{NIGHTLY}\n"),
    );

    let accounts = dir.path().join("accounts.csv");
    accounts_file(&accounts, n, today - Days::new(70), &mut rng);
    let import = ["accounts", "import", accounts.to_str().unwrap(), "--as", "root", "--password-stdin"];
    let (said, converted) = time(|| desk(&db, &import, &format!("{ADMIN}\n")));
    assert!(said.contains(&format!("done: {n} accounts opened")), "{said}");

    // The readings the conversion file gave, to read on from.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut readings: Vec<u64> = conn
        .prepare("SELECT m.reading FROM meter_reads m JOIN services s ON s.account_id = m.account_id ORDER BY s.meter_number")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    drop(conn);
    assert_eq!(readings.len(), n as usize);

    let mut rows = Vec::new();
    for (month, read_on, high_every) in [(1, today - Days::new(40), 0), (2, today - Days::new(10), 50)] {
        let file = dir.path().join(format!("reads-{month}.csv"));
        reads_file(&file, &mut readings, read_on, &mut rng, high_every);
        if std::env::var_os("BENCH_KEEP").is_some() {
            // For a profiler: the ledger as it was before this month's reads.
            std::fs::copy(&db, dir.path().join(format!("before-reads-{month}.db"))).unwrap();
        }
        let (said, loaded) = as_nightly(&db, &["reads", "import", file.to_str().unwrap()]);
        let held = number_after(&said, " held for a decision");
        let register = dir.path().join(format!("register-{month}.csv"));
        let (said, billed) =
            as_nightly(&db, &["bill", "run", "--cycle", "1", "--register", register.to_str().unwrap()]);
        let bills = number_after(&said, " billed,");
        let lines = number_after(&said, " ledger lines");
        rows.push((month, loaded, held, billed, bills, lines));
    }

    if std::env::var_os("BENCH_KEEP").is_some() {
        println!("Kept in {}", dir.keep().display());
    }
    println!(
        "Going into service, {} accounts in one cycle (release binary, this VM, one run):",
        thousands(f64::from(n))
    );
    println!("| step | time | rate | target |");
    println!("|---|---|---|---|");
    println!(
        "| accounts import ({} accounts, a fifth with balances) | {:.1} s | {} accounts/s | <= 60 s at 100,000 |",
        thousands(f64::from(n)),
        converted.as_secs_f64(),
        thousands(f64::from(n) / converted.as_secs_f64())
    );
    for (month, loaded, held, billed, bills, lines) in rows {
        println!(
            "| month {month}: reads import ({held} held as exceptions) | {:.1} s | {} reads/s | >= 20,000 reads/s |",
            loaded.as_secs_f64(),
            thousands(f64::from(n) / loaded.as_secs_f64())
        );
        println!(
            "| month {month}: bill run ({} bills, {} ledger lines) | {:.1} s | {} lines/s | <= 60 s at 100,000 |",
            thousands(bills as f64),
            thousands(lines as f64),
            billed.as_secs_f64(),
            thousands(lines as f64 / billed.as_secs_f64())
        );
    }
}
