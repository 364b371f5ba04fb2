#![allow(clippy::unwrap_used, clippy::expect_used)]
//! SQLite and PostgreSQL side by side, in one run, on the same data (each
//! PostgreSQL ledger made by `Desk::migrate` from the SQLite file it is
//! compared with, ids and all):
//!
//! - single actions from 1, 4 and 16 desks at once (each desk a thread with
//!   its own connection; a payment, then a credit by the Manager, each its
//!   own transaction): actions per second and each action's p50 and p99;
//! - a bill run over every account of that ledger, ledger lines/s;
//! - search over 1,000,000 accounts, every kind of query including names
//!   with a typo and addresses spelled out, p95 (target ≤ 20 ms), and whether
//!   both engines gave the same accounts in the same order;
//! - the account overview over 50,000 accounts × 24 months, p95
//!   (target ≤ 5 ms), and `verify` of that ledger, lines/s.
//!
//! The PostgreSQL server is a throwaway one of the bench's own (Debian's
//! binaries, a Unix socket), with its durable defaults: fsync and
//! synchronous commit on.
//!
//! `cargo bench --bench engines`; sizes: `BENCH_ACCOUNTS` (default 2,000)
//! and `BENCH_MONTHS` (6) for the desks' ledger, `BENCH_PER_DESK` (200
//! actions), `BENCH_RUNS` (3 bill runs), `BENCH_SEARCH_ACCOUNTS`
//! (1,000,000), `BENCH_QUERIES` (200 a kind), `BENCH_VERIFY_ACCOUNTS`
//! (50,000), `BENCH_VERIFY_MONTHS` (24), `BENCH_OVERVIEWS` (1,000);
//! `BENCH_PARTS=desks,search,large` (the default: all three) runs some.
//! `BENCH_SEARCH_POSTGRES=LOCATION` searches a PostgreSQL ledger already
//! migrated from the search's SQLite file instead of migrating it again
//! (seven minutes at 1,000,000 accounts), for trying a change to search.

mod common;
#[path = "../tests/engine/mod.rs"]
mod engine;

use std::path::{Path, PathBuf};
use std::sync::Barrier;
use std::time::{Duration, Instant};

use chrono::{DateTime, Days, Months, NaiveTime, TimeZone, Utc};
use common::billing::{bill_request, meters, month_end};
use common::queries::{KINDS, Query, queries};
use common::{
    Rng, Stats, account_id_range, account_ids, bench_data_dir, cached_demo, copy_database, env_size, ms, thousands,
    time, verdict,
};
use utility_desk::desk::{BillRequest, CreditRequest, Desk, PaymentMethod, PaymentRequest};
use utility_desk::domain::Money;
use utility_desk::domain::ids::AccountId;
use utility_desk::domain::ledger::ReasonCode;

const ENGINES: [&str; 2] = ["SQLite", "PostgreSQL"];
const DESKS: [usize; 3] = [1, 4, 16];
const TARGET_SEARCH_P95: Duration = Duration::from_millis(20);
const TARGET_OVERVIEW_P95: Duration = Duration::from_millis(5);

fn main() {
    let accounts = env_size("BENCH_ACCOUNTS", 2_000);
    let months = env_size("BENCH_MONTHS", 6).max(1);
    let per_desk = env_size("BENCH_PER_DESK", 200) as usize;
    let runs = env_size("BENCH_RUNS", 3).max(1);
    let search_accounts = env_size("BENCH_SEARCH_ACCOUNTS", 1_000_000);
    let per_kind = env_size("BENCH_QUERIES", 200) as usize;
    let big_accounts = env_size("BENCH_VERIFY_ACCOUNTS", 50_000);
    let big_months = env_size("BENCH_VERIFY_MONTHS", 24);
    let overviews = env_size("BENCH_OVERVIEWS", 1_000) as usize;
    let parts = std::env::var("BENCH_PARTS").unwrap_or_else(|_| "desks,search,large".into());
    let part = |name: &str| parts.split(',').any(|p| p.trim() == name);

    let server = engine::start_own().unwrap_or_else(|why| panic!("the engines bench needs PostgreSQL: {why}"));
    let settings = server
        .psql("postgres", "SELECT version() || '; fsync ' || current_setting('fsync') || ', synchronous_commit ' || current_setting('synchronous_commit') || ', shared_buffers ' || current_setting('shared_buffers')")
        .expect("the server's settings");
    println!("engines: SQLite (WAL, synchronous=FULL) and {settings}");
    let on_server = |source: &Path| -> PathBuf {
        let location = PathBuf::from(server.location(&server.new_database(), "postgres"));
        let (migrated, elapsed) = time(|| Desk::migrate(source, &location).expect("migrate into PostgreSQL"));
        let rows: u64 = migrated.tables.iter().map(|(_, n)| n).sum();
        println!(
            "  migrate {} into PostgreSQL: {} rows in {:.1} s, both verified and agreeing",
            source.file_name().unwrap_or_default().to_string_lossy(),
            thousands(rows as f64),
            elapsed.as_secs_f64()
        );
        location
    };

    if part("desks") {
        desks_and_bill_runs(&on_server, accounts, months, per_desk, runs);
    }
    if part("search") {
        search(&on_server, search_accounts, per_kind);
    }
    if part("large") {
        large(&on_server, big_accounts, big_months, overviews);
    }
}

/// Many desks on one ledger, then bill runs on it.
fn desks_and_bill_runs(on_server: &dyn Fn(&Path) -> PathBuf, accounts: u32, months: u32, per_desk: usize, runs: u32) {
    let source = cached_demo(accounts, months);
    let dir = tempfile::tempdir_in(bench_data_dir()).expect("temp dir");
    let file = dir.path().join("desks.db");
    copy_database(&source, &file);
    let ids = account_ids(&file);
    let ledgers = [file, on_server(&source)];
    println!(
        "\nSingle actions: {} accounts × {months} months; each desk a thread with its own connection, {per_desk} actions each (a payment, then a credit by the Manager, each its own transaction)\n",
        thousands(ids.len() as f64)
    );
    println!("| desks | engine | actions | wall | actions/s | p50 | p99 | max |");
    println!("|---:|---|---:|---:|---:|---:|---:|---:|");
    let run = Utc::now().timestamp_micros();
    for desks in DESKS {
        for (engine, ledger) in ENGINES.iter().zip(&ledgers) {
            let (samples, wall) = many_desks(ledger, &ids, desks, per_desk, &format!("{run}-{desks}"));
            let stats = Stats::of(&samples);
            println!(
                "| {desks} | {engine} | {} | {:.2} s | **{}** | {} | **{}** | {} |",
                thousands(stats.count as f64),
                wall.as_secs_f64(),
                thousands(stats.count as f64 / wall.as_secs_f64()),
                ms(stats.p50),
                ms(stats.p99),
                ms(stats.max)
            );
        }
    }

    println!("\nBill runs: every account of that ledger, one month each, one transaction each (median of {runs})\n");
    println!("| engine | bills a run | ledger lines a run | lines/s (median) | slowest run | fastest run |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (engine, ledger) in ENGINES.iter().zip(&ledgers) {
        let (bills, lines, mut rates) = bill_runs(ledger, &ids, runs);
        rates.sort_by(f64::total_cmp);
        println!(
            "| {engine} | {} | {} | **{}** | {} | {} |",
            thousands(bills as f64),
            thousands(lines as f64),
            thousands(rates[rates.len() / 2]),
            thousands(rates[0]),
            thousands(rates[rates.len() - 1])
        );
    }
    drop(dir);
}

/// Every kind of query on both engines.
fn search(on_server: &dyn Fn(&Path) -> PathBuf, search_accounts: u32, per_kind: usize) {
    println!();
    let source = cached_demo(search_accounts, 0);
    let on_postgres = match std::env::var("BENCH_SEARCH_POSTGRES") {
        Ok(location) => PathBuf::from(location),
        Err(_) => on_server(&source),
    };
    let ledgers = [source.clone(), on_postgres];
    let (first, last) = account_id_range(&source);
    let mut rng = Rng(0x5EA2_C400 ^ u64::from(search_accounts));
    let queries = queries(&mut Desk::open(&source).expect("open the search ledger"), first, last, per_kind, &mut rng);
    let mut hits: Vec<Vec<Vec<AccountId>>> = Vec::new();
    let mut times: Vec<Vec<Duration>> = Vec::new();
    for ledger in &ledgers {
        let (engine_hits, engine_times) = search_all(ledger, &queries);
        hits.push(engine_hits);
        times.push(engine_times);
    }
    println!(
        "\nSearch: {} accounts, {} queries ({per_kind} a kind, mixed; one untimed pass first); target p95 ≤ {} ms\n",
        thousands((last - first + 1) as f64),
        queries.len(),
        TARGET_SEARCH_P95.as_millis()
    );
    println!(
        "| kind | SQLite p50 | SQLite p95 | PostgreSQL p50 | PostgreSQL p95 | its account found (SQLite / PostgreSQL) | same hits, same order |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let of_kind = |kind: Option<common::queries::Kind>| -> Vec<usize> {
        (0..queries.len()).filter(|&i| kind.is_none_or(|k| queries[i].kind == k)).collect()
    };
    let mut rows: Vec<(String, Vec<usize>)> =
        KINDS.iter().map(|k| (k.label().to_string(), of_kind(Some(*k)))).collect();
    rows.push(("**all kinds**".to_string(), of_kind(None)));
    for (label, picked) in rows {
        let stats: Vec<Stats> =
            times.iter().map(|t| Stats::of(&picked.iter().map(|&i| t[i]).collect::<Vec<_>>())).collect();
        let expected: Vec<usize> = picked.iter().copied().filter(|&i| queries[i].expect.is_some()).collect();
        let found = |e: usize| {
            expected.iter().filter(|&&i| queries[i].expect.is_some_and(|id| hits[e][i].contains(&id))).count()
        };
        let same = picked.iter().filter(|&&i| hits[0][i] == hits[1][i]).count();
        let found = if expected.is_empty() {
            "-".to_string()
        } else {
            format!("{} / {} of {}", found(0), found(1), expected.len())
        };
        println!(
            "| {label} | {} | {} ({}) | {} | {} ({}) | {found} | {same} of {} |",
            ms(stats[0].p50),
            ms(stats[0].p95),
            verdict(stats[0].p95 <= TARGET_SEARCH_P95),
            ms(stats[1].p50),
            ms(stats[1].p95),
            verdict(stats[1].p95 <= TARGET_SEARCH_P95),
            picked.len()
        );
    }
    for (engine, engine_times) in ENGINES.iter().zip(&times) {
        let mut slowest: Vec<usize> = (0..queries.len()).collect();
        slowest.sort_by_key(|&i| std::cmp::Reverse(engine_times[i]));
        let listed: Vec<String> =
            slowest.iter().take(8).map(|&i| format!("{:?} {}", queries[i].text, ms(engine_times[i]))).collect();
        println!("  slowest on {engine}: {}", listed.join(", "));
    }
    let differing: Vec<&Query> =
        (0..queries.len()).filter(|&i| hits[0][i] != hits[1][i]).map(|i| &queries[i]).collect();
    for q in differing.iter().take(5) {
        println!("  not the same on both: {} {:?}", q.kind.label(), q.text);
    }
}

/// The overview and verify on a large ledger.
fn large(on_server: &dyn Fn(&Path) -> PathBuf, big_accounts: u32, big_months: u32, overviews: usize) {
    println!();
    let source = cached_demo(big_accounts, big_months);
    let on_postgres = match std::env::var("BENCH_SEARCH_POSTGRES") {
        Ok(location) => PathBuf::from(location),
        Err(_) => on_server(&source),
    };
    let ledgers = [source.clone(), on_postgres];
    let (first, last) = account_id_range(&source);
    let mut rng = Rng(0x0E_2E21 ^ u64::from(big_accounts));
    let sample: Vec<AccountId> = rng
        .distinct((last - first + 1) as u64, overviews)
        .into_iter()
        .map(|o| AccountId(first + o as i64 - 1))
        .collect();
    println!(
        "\nThe account overview ({} accounts, one untimed pass first; target p95 ≤ {} ms) and verify, {} accounts × {big_months} months\n",
        thousands(sample.len() as f64),
        TARGET_OVERVIEW_P95.as_millis(),
        thousands((last - first + 1) as f64)
    );
    println!("| engine | overview p50 | overview p95 | overview p99 | verify | ledger lines | verify lines/s |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (engine, ledger) in ENGINES.iter().zip(&ledgers) {
        let mut desk = Desk::open(ledger).expect("open the large ledger");
        let now = Utc::now();
        for id in &sample {
            desk.overview(*id, now).expect("overview");
        }
        let samples: Vec<Duration> =
            sample.iter().map(|id| time(|| desk.overview(*id, now).expect("overview")).1).collect();
        let stats = Stats::of(&samples);
        let (report, elapsed) = time(|| desk.verify().expect("verify"));
        let lines = report.counts.entries as f64;
        println!(
            "| {engine} | {} | **{}** ({}) | {} | {:.1} s ({}) | {} | **{}** |",
            ms(stats.p50),
            ms(stats.p95),
            verdict(stats.p95 <= TARGET_OVERVIEW_P95),
            ms(stats.p99),
            elapsed.as_secs_f64(),
            if report.passed() { "passed" } else { "FAILED" },
            thousands(lines),
            thousands(lines / elapsed.as_secs_f64())
        );
    }
    println!();
}

/// `desks` threads, each with its own desk on `ledger`, started together,
/// each taking `per_desk` actions; every action's time and the wall time
/// from the first start to the last finish.
fn many_desks(ledger: &Path, ids: &[AccountId], desks: usize, per_desk: usize, run: &str) -> (Vec<Duration>, Duration) {
    let barrier = Barrier::new(desks);
    let results: Vec<(Vec<Duration>, Instant, Instant)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..desks)
            .map(|d| {
                let barrier = &barrier;
                scope.spawn(move || {
                    let mut desk = Desk::open(ledger).expect("a desk of its own");
                    let batch = desk.actor("batch").expect("the jobs user");
                    let manager = desk.actor("manager").expect("the Manager");
                    let now = Utc::now();
                    let today = desk.today(now);
                    let mut samples = Vec::with_capacity(per_desk);
                    barrier.wait();
                    let started = Instant::now();
                    for i in 0..per_desk {
                        let account = ids[(d * per_desk + i) % ids.len()];
                        let key = format!("bench-{run}-{d}-{i}");
                        let elapsed = if i % 2 == 0 {
                            let request = PaymentRequest {
                                account,
                                amount: Money::from_cents(2_500 + i as i64),
                                received_on: today,
                                method: PaymentMethod::Cash,
                                reference: None,
                                key,
                            };
                            time(|| desk.record_payment(&batch, now, &request).expect("a payment")).1
                        } else {
                            let request = CreditRequest {
                                account,
                                amount: Money::from_cents(500 + i as i64),
                                reason: ReasonCode::Goodwill,
                                note: "Missed service appointment".into(),
                                key,
                            };
                            time(|| desk.issue_credit(&manager, now, &request).expect("a credit")).1
                        };
                        samples.push(elapsed);
                    }
                    (samples, started, Instant::now())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a desk's thread")).collect()
    });
    let first = results.iter().map(|r| r.1).min().expect("a desk");
    let last = results.iter().map(|r| r.2).max().expect("a desk");
    (results.into_iter().flat_map(|r| r.0).collect(), last - first)
}

/// `runs` bill runs on `ledger`, a month each after its last bill; the
/// bills and lines of the last run and every run's lines/s.
fn bill_runs(ledger: &Path, ids: &[AccountId], runs: u32) -> (u64, u64, Vec<f64>) {
    let mut desk = Desk::open(ledger).expect("open for the bill runs");
    let batch = desk.actor("batch").expect("the jobs user");
    let (mut meters, first_new) = meters(&mut desk, ids);
    let first_new = first_new.expect("the desks' ledger has bills");
    let now: DateTime<Utc> = Utc.from_utc_datetime(
        &(month_end(first_new + Months::new(runs - 1)) + Days::new(3))
            .and_time(NaiveTime::from_hms_opt(18, 0, 0).unwrap()),
    );
    let (mut bills, mut lines, mut rates) = (0, 0, Vec::new());
    for month in 0..runs {
        let start = first_new + Months::new(month);
        let requests: Vec<BillRequest> =
            ids.iter().map(|id| bill_request(*id, start, meters.get_mut(id).expect("meter"))).collect();
        let (report, elapsed) = time(|| desk.bill_run(&batch, now, &requests).expect("bill_run"));
        assert!(report.refused.is_empty(), "the bill run refused {:?}", report.refused.first());
        (bills, lines) = (report.billed, report.ledger_lines);
        rates.push(report.ledger_lines as f64 / elapsed.as_secs_f64());
    }
    (bills, lines, rates)
}

/// Every query on `ledger`, once untimed and once timed: the accounts each
/// found, in order, and its time.
fn search_all(ledger: &Path, queries: &[Query]) -> (Vec<Vec<AccountId>>, Vec<Duration>) {
    let mut desk = Desk::open(ledger).expect("open the search ledger");
    for q in queries {
        desk.search(&q.text).expect("search");
    }
    queries
        .iter()
        .map(|q| {
            let (hits, elapsed) = time(|| desk.search(&q.text).expect("search"));
            (hits.into_iter().map(|h| h.account_id).collect(), elapsed)
        })
        .unzip()
}
