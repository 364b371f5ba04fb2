#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The account overview (the desk's first screen) on 50,000 accounts with
//! 24 months of history (target p95 ≤ 5 ms).
//!
//! `cargo bench --bench overview`; `BENCH_ACCOUNTS=2000` for a quick run
//! (`BENCH_MONTHS`, default 24; `BENCH_SAMPLES`, default 2,000 accounts).

mod common;

use std::time::Duration;

use chrono::Utc;
use common::{LatencyTable, Rng, Stats, account_id_range, cached_demo, env_size, thousands, time, verdict};
use utility_desk::desk::Desk;
use utility_desk::domain::ids::AccountId;

const TARGET_P95: Duration = Duration::from_millis(5);

fn main() {
    let accounts = env_size("BENCH_ACCOUNTS", 50_000);
    let months = env_size("BENCH_MONTHS", 24);
    let samples = env_size("BENCH_SAMPLES", 2_000) as usize;
    let path = cached_demo(accounts, months);
    let (first_id, last_id) = account_id_range(&path);
    let now = Utc::now();
    let mut desk = Desk::open(&path).expect("open the bench database");
    let counts = desk.verify_counts().expect("counts");
    let mut rng = Rng(0x0E2E_F1E3 ^ u64::from(accounts));
    let ids: Vec<AccountId> = rng
        .distinct((last_id - first_id + 1) as u64, samples)
        .into_iter()
        .map(|offset| AccountId(first_id + offset as i64 - 1))
        .collect();
    println!(
        "overview: {} accounts x {months} months ({} entries), {} random accounts, warm cache (one untimed pass first)",
        thousands(counts.accounts as f64),
        thousands(counts.entries as f64),
        thousands(ids.len() as f64)
    );

    for id in &ids {
        desk.overview(*id, now).expect("overview");
    }
    let (mut bills, mut entries) = (0usize, 0usize);
    let mut times = Vec::with_capacity(ids.len());
    for id in &ids {
        let (overview, elapsed) = time(|| desk.overview(*id, now).expect("overview"));
        times.push(elapsed);
        bills += overview.bills.len();
        entries += overview.entries.len();
    }

    let stats = Stats::of(&times);
    let mut table = LatencyTable::new();
    table.row(
        &format!("desk.overview, {} accounts × {months} months", thousands(counts.accounts as f64)),
        &stats,
        &format!("p95 ≤ {} ms ({})", TARGET_P95.as_millis(), verdict(stats.p95 <= TARGET_P95)),
    );
    table.print();
    println!(
        "Each overview loaded on average {:.1} bills and {:.1} ledger entries.",
        bills as f64 / ids.len() as f64,
        entries as f64 / ids.len() as f64
    );
}
