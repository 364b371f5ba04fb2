#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Account search on 1,000,000 accounts (target p95 ≤ 20 ms): name prefixes,
//! address fragments, account, phone and meter numbers, through
//! `Desk::search`; then the same full-text queries as raw FTS5 SQL, so the
//! desk's own cost (exact matches, loading the hits) is visible.
//!
//! `cargo bench --bench search`; `BENCH_ACCOUNTS=20000` for a quick run
//! (`BENCH_QUERIES` sets the queries per kind, default 400).

mod common;

use std::time::Duration;

use chrono::Utc;
use common::{
    LatencyTable, Rng, Stats, account_id_range, cached_demo, env_size, ms, raw_connection, thousands, time, verdict,
};
use utility_desk::desk::Desk;
use utility_desk::domain::ids::AccountId;
use utility_desk::store::fts_query;

const TARGET_P95: Duration = Duration::from_millis(20);
/// What a person would type without looking anything up.
const FIXED: &[(Kind, &str)] = &[
    (Kind::Name, "smi"),
    (Kind::Name, "john sm"),
    (Kind::Name, "garc"),
    (Kind::Address, "41st"),
    (Kind::Address, "peoria ave"),
    (Kind::Address, "1234 e"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Name,
    Address,
    Account,
    Phone,
    Meter,
}

const KINDS: [Kind; 5] = [Kind::Name, Kind::Address, Kind::Account, Kind::Phone, Kind::Meter];

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Name => "name prefix",
            Kind::Address => "address fragment",
            Kind::Account => "account number",
            Kind::Phone => "phone number",
            Kind::Meter => "meter number",
        }
    }

    /// Found by an exact match, so the account typed must be among the hits.
    fn exact(self) -> bool {
        matches!(self, Kind::Account | Kind::Phone | Kind::Meter)
    }
}

struct Query {
    kind: Kind,
    text: String,
    /// The account the text was taken from, if it must be found.
    expect: Option<AccountId>,
}

/// What the query samples were taken from.
struct Sample {
    id: AccountId,
    name: String,
    line1: String,
    number: String,
    phone: Option<String>,
    meter: String,
}

fn main() {
    let accounts = env_size("BENCH_ACCOUNTS", 1_000_000);
    let per_kind = env_size("BENCH_QUERIES", 400) as usize;
    let path = cached_demo(accounts, 0);
    let now = Utc::now();
    let mut desk = Desk::open(&path).expect("open the bench database");
    let mut rng = Rng(0x5EA2_C400 ^ u64::from(accounts));

    // Real names, addresses and numbers, from random accounts' overviews.
    let raw = raw_connection(&path);
    let (first_id, last_id) = account_id_range(&path);
    let span = (last_id - first_id + 1) as u64;
    let samples: Vec<Sample> = rng
        .distinct(span, per_kind.max(50))
        .into_iter()
        .map(|offset| {
            let id = AccountId(first_id + offset as i64 - 1);
            let row = desk.overview(id, now).expect("overview of a sampled account").account;
            Sample {
                id,
                name: row.customer.name,
                line1: row.premise.address.line1,
                number: row.account.number.to_string(),
                phone: row.customer.phone,
                meter: row.services.meter_number,
            }
        })
        .collect();

    let mut queries: Vec<Query> = Vec::new();
    for kind in KINDS {
        let fixed = FIXED.iter().filter(|(k, _)| *k == kind).map(|(_, t)| t.to_string());
        let mut texts: Vec<(String, Option<AccountId>)> = fixed.map(|t| (t, None)).collect();
        let mut i = 0;
        while texts.len() < per_kind {
            let s = &samples[i % samples.len()];
            let form = i / samples.len() + i;
            texts.push(match kind {
                Kind::Name => (name_query(&s.name, form), None),
                Kind::Address => (address_query(&s.line1, form), None),
                Kind::Account => {
                    let text = if form.is_multiple_of(2) { s.number.clone() } else { s.number.replace('-', "") };
                    (text, Some(s.id))
                }
                Kind::Phone => {
                    let phone = s.phone.clone().unwrap_or_default();
                    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
                    let text = match form % 3 {
                        0 => phone,
                        1 if digits.len() == 10 => format!("{}-{}-{}", &digits[..3], &digits[3..6], &digits[6..]),
                        _ => digits,
                    };
                    (text, Some(s.id))
                }
                Kind::Meter => {
                    let text = if form.is_multiple_of(2) { s.meter.clone() } else { s.meter.to_lowercase() };
                    (text, Some(s.id))
                }
            });
            i += 1;
        }
        queries.extend(texts.into_iter().map(|(text, expect)| Query { kind, text, expect }));
    }
    // A representative's morning: the kinds arrive mixed.
    for i in (1..queries.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        queries.swap(i, j);
    }

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
    let mut found_expected = [0usize; 5];
    let mut results = [0usize; 5];
    let mut empty = [0usize; 5];
    for q in &queries {
        let (hits, elapsed) = time(|| desk.search(&q.text).expect("search"));
        desk_times.push(elapsed);
        let k = kind_index(q.kind);
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

    println!("| kind | queries | mean hits | no hits | exact account found |");
    println!("|---|---:|---:|---:|---:|");
    for kind in KINDS {
        let k = kind_index(kind);
        let n = queries.iter().filter(|q| q.kind == kind).count();
        let expected = queries.iter().filter(|q| q.kind == kind && q.expect.is_some()).count();
        let found = if kind.exact() { format!("{}/{expected}", found_expected[k]) } else { "-".into() };
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

fn kind_index(kind: Kind) -> usize {
    KINDS.iter().position(|k| *k == kind).unwrap_or(0)
}

fn of_kind(queries: &[Query], times: &[Duration], kind: Kind) -> Vec<Duration> {
    queries.iter().zip(times).filter(|(q, _)| q.kind == kind).map(|(_, t)| *t).collect()
}

/// "smi", "john sm", "garcía": how people start typing a name.
fn name_query(name: &str, form: usize) -> String {
    let lower = name.to_lowercase();
    let mut words = lower.split_whitespace();
    let first = words.next().unwrap_or_default();
    let last = words.last().unwrap_or(first);
    let prefix = |w: &str, n: usize| w.chars().take(n).collect::<String>();
    match form % 4 {
        0 => prefix(last, 3),
        1 => format!("{first} {}", prefix(last, 2)),
        2 => prefix(last, 4),
        _ => format!("{} {last}", prefix(first, 3)),
    }
}

/// "41st", "peoria ave", "1234 e": fragments of a service address.
fn address_query(line1: &str, form: usize) -> String {
    let lower = line1.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    // "1234 e peoria ave" or "1234 n 41st st".
    let (number, direction) = (words.first().copied().unwrap_or_default(), words.get(1).copied().unwrap_or_default());
    let street = words.get(2).copied().unwrap_or_default();
    let kind = words.get(3).copied().unwrap_or_default();
    match form % 3 {
        0 => format!("{street} {kind}"),
        1 => format!("{number} {direction}"),
        _ if street.starts_with(|c: char| c.is_ascii_digit()) => street.to_string(),
        _ => format!("{number} {street}"),
    }
}
