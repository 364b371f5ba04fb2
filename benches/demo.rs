#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Making the demo database: 5,000 accounts x 24 months into a new file,
//! through the desk's own actions, as the first run does (target ≤ 15 s).
//!
//! `cargo bench --bench demo`; `BENCH_ACCOUNTS=500 BENCH_MONTHS=6` for a quick run.

mod common;

use std::time::Instant;

use chrono::Utc;
use common::{SEED, bench_data_dir, env_size, print_machine_check, thousands, verdict};
use utility_desk::demo::{self, DemoOptions};
use utility_desk::desk::Desk;

const TARGET_SECONDS: f64 = 15.0;

fn main() {
    let accounts = env_size("BENCH_ACCOUNTS", 5_000);
    let months = env_size("BENCH_MONTHS", 24);
    // On the same disk as the real database would be (a tmpfs /tmp would make fsync free).
    let dir = tempfile::tempdir_in(bench_data_dir()).expect("temp dir");
    let path = dir.path().join("ledger.db");
    println!("demo: {accounts} accounts x {months} months, seed {SEED}, into {}", path.display());

    // As on first run: made under a temporary name in bulk-load mode,
    // switched to WAL and FULL sync, synced and renamed into place.
    let options = DemoOptions { accounts, seed: SEED, months };
    print_machine_check("before");
    let started = Instant::now();
    let summary = demo::create_at(&path, &options, Utc::now(), |_, _| {}).expect("make the demo");
    let seconds = started.elapsed().as_secs_f64();
    print_machine_check("after");
    let mut desk = Desk::open(&path).expect("open the demo database");
    let counts = desk.verify_counts().expect("counts");
    let (journal, sync) = desk.durability().expect("the journal mode");
    assert_eq!((journal.as_str(), sync), ("wal", 2), "the demo database is left in WAL with FULL sync");
    drop(desk);
    let size_mb = std::fs::metadata(&path).map(|m| m.len() as f64 / 1e6).unwrap_or(0.0);

    println!();
    println!("| what | measured | target |");
    println!("|---|---:|---|");
    println!(
        "| demo, {} accounts × {months} months | {seconds:.1} s | ≤ {TARGET_SECONDS} s ({}) |",
        thousands(f64::from(accounts)),
        verdict(seconds <= TARGET_SECONDS)
    );
    println!(
        "| ledger lines posted by the demo | {} ({} lines/s) | |",
        thousands(summary.ledger_lines as f64),
        thousands(summary.ledger_lines as f64 / seconds)
    );
    println!(
        "| entries in the database | {} ({} postings, {} bills) | |",
        thousands(counts.entries as f64),
        thousands(counts.postings as f64),
        thousands(counts.bills as f64)
    );
    println!(
        "| demo activity | {} payments, {} late fees, {} credits, {} adjustments, {} waivers, {} reversals | |",
        thousands(summary.payments as f64),
        thousands(summary.late_fees as f64),
        thousands(summary.credits as f64),
        thousands(summary.adjustments as f64),
        thousands(summary.waivers as f64),
        thousands(summary.reversals as f64)
    );
    println!("| database file | {size_mb:.0} MB | |");
    println!();
}
