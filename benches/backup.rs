#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `backup` of the 50,000-account x 24-month ledger while another desk
//! posts payments: how long the copy takes, and the writer's latency (its
//! p99) alone and during the copy; then verifying the copy and restoring it.
//!
//! `cargo bench --bench backup`; for a quick run: `BENCH_ACCOUNTS=2000`
//! (`BENCH_MONTHS`, default 24).

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use common::{LatencyTable, Stats, bench_data_dir, cached_demo, copy_database, env_size, first_account, time};
use utility_desk::desk::{Desk, PaymentMethod, PaymentRequest};
use utility_desk::domain::Money;

/// Payments posted one by one, each its own transaction, until `stop`; the
/// time each took.
fn post_until(path: &std::path::Path, stop: Arc<AtomicBool>, tag: &'static str) -> Vec<Duration> {
    let mut desk = Desk::open(path).expect("a second desk");
    let cashier = desk.actor("manager").expect("manager");
    let account = first_account(path);
    let mut taken = Vec::new();
    let mut n = 0u64;
    while !stop.load(Ordering::Relaxed) {
        let request = PaymentRequest {
            account,
            amount: Money::from_cents(100),
            received_on: Utc::now().date_naive(),
            method: PaymentMethod::Check,
            reference: None,
            key: format!("bench-backup-{tag}-{n}"),
        };
        let started = Instant::now();
        desk.record_payment(&cashier, Utc::now(), &request).expect("a payment");
        taken.push(started.elapsed());
        n += 1;
    }
    taken
}

fn main() {
    let accounts = env_size("BENCH_ACCOUNTS", 50_000);
    let months = env_size("BENCH_MONTHS", 24);
    let source = cached_demo(accounts, months);
    let dir = tempfile::tempdir_in(bench_data_dir()).expect("temp dir");
    let path = dir.path().join("ledger.db");
    copy_database(&source, &path);
    let desk = Desk::open(&path).expect("open the copy");
    let size = std::fs::metadata(&path).expect("the ledger").len();
    println!("Ledger {accounts} accounts x {months} months: {:.0} MB", size as f64 / 1e6);

    // The writer alone, for three seconds.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (path, stop) = (path.clone(), stop.clone());
        std::thread::spawn(move || post_until(&path, stop, "alone"))
    };
    std::thread::sleep(Duration::from_secs(3));
    stop.store(true, Ordering::Relaxed);
    let alone = writer.join().expect("the writer");

    // The writer again, with a backup taken while it posts.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (path, stop) = (path.clone(), stop.clone());
        std::thread::spawn(move || post_until(&path, stop, "during"))
    };
    std::thread::sleep(Duration::from_millis(300));
    let copy = dir.path().join("backup.db");
    let (copied, copying) = time(|| desk.copy_to(&copy).expect("the backup"));
    stop.store(true, Ordering::Relaxed);
    let during = writer.join().expect("the writer");

    let (report, verifying) = time(|| Desk::open(&copy).expect("the copy").verify().expect("verify"));
    assert!(report.passed(), "the copy verifies");
    let restored = dir.path().join("restored.db");
    let (_, restoring) = time(|| Desk::restore(&copy, &restored).expect("the restore"));

    println!(
        "backup: {:.0} MB ({} pages) copied in {:.2} s ({:.0} MB/s) while the writer posted; the copy verified in {:.1} s; \
         restored (copy and verify) in {:.1} s",
        copied.bytes as f64 / 1e6,
        copied.pages,
        copying.as_secs_f64(),
        copied.bytes as f64 / 1e6 / copying.as_secs_f64().max(1e-9),
        verifying.as_secs_f64(),
        restoring.as_secs_f64()
    );
    let mut table = LatencyTable::new();
    table.row("a payment, the writer alone", &Stats::of(&alone), "");
    table.row("a payment, during the backup", &Stats::of(&during), "the writer is not stopped");
    table.print();
}
