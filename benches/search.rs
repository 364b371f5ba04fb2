#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Account search on 1,000,000 accounts (target p95 ≤ 20 ms): name prefixes,
//! address fragments, account, phone and meter numbers, whole names with a
//! letter wrong and addresses spelled out (each its own row), through
//! `Desk::search`; then the same full-text queries as raw FTS5 SQL, so the
//! desk's own cost (exact matches, loading the hits) is visible.
//!
//! `cargo bench --bench search`; `BENCH_ACCOUNTS=20000` for a quick run
//! (`BENCH_QUERIES` sets the queries per kind, default 400).

mod common;

use std::time::Duration;

use common::queries::{KINDS, Kind, Query, queries};
use common::{
    LatencyTable, Rng, Stats, account_id_range, cached_demo, env_size, ms, raw_connection, thousands, time, verdict,
};
use utility_desk::desk::Desk;
use utility_desk::store::fts_query;

const TARGET_P95: Duration = Duration::from_millis(20);

fn main() {
    let accounts = env_size("BENCH_ACCOUNTS", 1_000_000);
    let per_kind = env_size("BENCH_QUERIES", 400) as usize;
    let path = cached_demo(accounts, 0);
    let mut desk = Desk::open(&path).expect("open the bench database");
    let mut rng = Rng(0x5EA2_C400 ^ u64::from(accounts));

    // Real names, addresses and numbers, from random accounts' overviews.
    let raw = raw_connection(&path);
    let (first_id, last_id) = account_id_range(&path);
    let span = (last_id - first_id + 1) as u64;
    let queries = queries(&mut desk, first_id, last_id, per_kind, &mut rng);

    println!(
        "search: {} accounts, {} queries ({per_kind} per kind), warm cache (one untimed pass first)",
        thousands(span as f64),
        queries.len()
    );

    // The desk path.
    for q in &queries {
        desk.search(&q.text).expect("search");
    }
    let mut desk_times = Vec::with_capacity(queries.len());
    let mut found_expected = [0usize; KINDS.len()];
    let mut results = [0usize; KINDS.len()];
    let mut empty = [0usize; KINDS.len()];
    for q in &queries {
        let (hits, elapsed) = time(|| desk.search(&q.text).expect("search"));
        desk_times.push(elapsed);
        let k = q.kind.index();
        results[k] += hits.len();
        empty[k] += usize::from(hits.is_empty());
        if let Some(expect) = q.expect
            && hits.iter().any(|h| h.account_id == expect)
        {
            found_expected[k] += 1;
        }
    }

    // The same full-text queries as raw FTS5 SQL.
    let mut statement = raw
        .prepare("SELECT rowid FROM account_search WHERE account_search MATCH ?1 ORDER BY rank LIMIT 50")
        .expect("prepare the FTS query");
    let mut run_fts = |text: &str| -> usize {
        let Some(fts) = fts_query(text) else { return 0 };
        let rows = statement.query_map([fts], |r| r.get::<_, i64>(0)).expect("fts query");
        rows.fold(0, |n, r| {
            r.expect("fts row");
            n + 1
        })
    };
    for q in &queries {
        run_fts(&q.text);
    }
    let mut fts_times = Vec::with_capacity(queries.len());
    for q in &queries {
        let (_, elapsed) = time(|| run_fts(&q.text));
        fts_times.push(elapsed);
    }

    let mut table = LatencyTable::new();
    let target = format!("p95 ≤ {} ms", TARGET_P95.as_millis());
    for kind in KINDS {
        let stats = Stats::of(&of_kind(&queries, &desk_times, kind));
        let mark = verdict(stats.p95 <= TARGET_P95);
        table.row(&format!("desk.search: {}", kind.label()), &stats, &format!("{target} ({mark})"));
    }
    let all = Stats::of(&desk_times);
    table.row("**desk.search: all kinds**", &all, &format!("**{target} ({})**", verdict(all.p95 <= TARGET_P95)));
    for kind in KINDS {
        table.row(&format!("raw FTS5 MATCH: {}", kind.label()), &Stats::of(&of_kind(&queries, &fts_times, kind)), "");
    }
    table.row("raw FTS5 MATCH: all kinds", &Stats::of(&fts_times), "");
    table.print();

    println!("| kind | queries | mean hits | no hits | its account found |");
    println!("|---|---:|---:|---:|---:|");
    for kind in KINDS {
        let k = kind.index();
        let n = queries.iter().filter(|q| q.kind == kind).count();
        let expected = queries.iter().filter(|q| q.kind == kind && q.expect.is_some()).count();
        let found = if kind.names_its_account() { format!("{}/{expected}", found_expected[k]) } else { "-".into() };
        println!("| {} | {n} | {:.1} | {} | {found} |", kind.label(), results[k] as f64 / n as f64, empty[k]);
    }
    println!();

    println!("Slowest desk.search queries (raw FTS5 time beside):");
    let mut order: Vec<usize> = (0..queries.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(desk_times[i]));
    for &i in order.iter().take(8) {
        let q = &queries[i];
        println!("  {:>10}  (fts {:>10})  {:<16} {:?}", ms(desk_times[i]), ms(fts_times[i]), q.kind.label(), q.text);
    }
}

fn of_kind(queries: &[Query], times: &[Duration], kind: Kind) -> Vec<Duration> {
    queries.iter().zip(times).filter(|(q, _)| q.kind == kind).map(|(_, t)| *t).collect()
}
