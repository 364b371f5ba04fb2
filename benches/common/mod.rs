//! Shared by the benchmarks: sizes from the environment, cached demo
//! databases under `target/bench-data/`, timing statistics and the table
//! they are printed in. Each bench uses part of it.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

pub mod billing;
pub mod queries;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Utc;
use rusqlite::{Connection, OpenFlags};
use utility_desk::demo::{self, DemoOptions};
use utility_desk::desk::Desk;
use utility_desk::store::SCHEMA_VERSION;

/// The demo seed every bench uses, so cached databases are shared.
pub const SEED: u64 = 1;

/// A size from the environment (`BENCH_ACCOUNTS=2000`), or the default.
pub fn env_size(name: &str, default: u32) -> u32 {
    match std::env::var(name) {
        Ok(text) => text.replace(['_', ','], "").parse().unwrap_or_else(|_| panic!("{name}={text} is not a number")),
        Err(_) => default,
    }
}

/// Where generated databases are kept between runs.
pub fn bench_data_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("bench-data");
    std::fs::create_dir_all(&dir).expect("create target/bench-data");
    dir
}

/// This shared VM's speed at the moment, for reading a bench's figures: a
/// fixed in-memory SQLite workload (200,000 indexed inserts in one
/// transaction, no disk), timed. The same work takes about 1.5 times as long
/// in the machine's slow spells as in its fast ones, and the benches' figures
/// move with it; the demo and actions benches print it around their timed work.
pub fn machine_check() -> Duration {
    let conn = Connection::open_in_memory().expect("an in-memory database");
    conn.execute_batch(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT NOT NULL, v INTEGER NOT NULL); CREATE INDEX t_k ON t (k);",
    )
    .expect("the check's table");
    let started = Instant::now();
    conn.execute_batch("BEGIN").expect("begin");
    {
        let mut insert = conn.prepare("INSERT INTO t (k, v) VALUES (?1, ?2)").expect("prepare");
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..200_000i64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            insert.execute(rusqlite::params![format!("{x:016x}"), i]).expect("insert");
        }
    }
    conn.execute_batch("COMMIT").expect("commit");
    started.elapsed()
}

/// Prints [`machine_check`] under `label` ("before", "after").
pub fn print_machine_check(label: &str) {
    println!(
        "machine check ({label}): a fixed in-memory SQLite workload took {:.0} ms (the README gives its range on this VM)",
        machine_check().as_secs_f64() * 1000.0
    );
}

/// A demo database of this size, generated once and kept under
/// `target/bench-data/` (keyed by size, seed and schema version). Opened
/// read-write by the benches that only read it; `actions` works on a copy.
pub fn cached_demo(accounts: u32, months: u32) -> PathBuf {
    let name = format!("demo-{accounts}x{months}-seed{SEED}-schema{SCHEMA_VERSION}.db");
    let path = bench_data_dir().join(&name);
    let info = info_path(&path);
    if path.exists() && info.exists() {
        // The migrations may be edited in place before a release, so the
        // schema version alone does not prove the cached file is current.
        if schema_of(&path) == current_schema() {
            let about = std::fs::read_to_string(&info).unwrap_or_default();
            println!("Using cached {} ({})", path.display(), about.trim());
            return path;
        }
        println!("The schema changed since {} was made: making it again.", path.display());
    }
    // Older schema versions of this database are of no further use.
    let family = format!("demo-{accounts}x{months}-seed{SEED}-schema");
    for entry in std::fs::read_dir(bench_data_dir()).expect("list target/bench-data").flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if file.starts_with(&family) && !file.starts_with(&name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    let partial = bench_data_dir().join(format!("{name}.partial"));
    remove_database(&partial);
    println!("Generating {} ({accounts} accounts x {months} months, seed {SEED}) ...", path.display());
    let started = Instant::now();
    let summary = {
        let mut desk = Desk::create(&partial).expect("open the new bench database");
        let options = DemoOptions { accounts, seed: SEED, months };
        let mut last_tenth = -1;
        demo::generate(&mut desk, &options, Utc::now(), |stage, fraction| {
            let tenth = (fraction * 10.0).floor() as i32;
            if tenth > last_tenth {
                last_tenth = tenth;
                eprintln!("  {:>5.1}% {stage} ({:.0} s)", fraction * 100.0, started.elapsed().as_secs_f64());
            }
        })
        .expect("generate the demo")
    };
    // The desk is closed: the WAL is checkpointed into the file and removed.
    let seconds = started.elapsed().as_secs_f64();
    remove_database(&path);
    std::fs::rename(&partial, &path).expect("move the generated database into place");
    let about = format!(
        "generated {} in {seconds:.1} s: {} accounts, {} bills, {} ledger lines",
        Utc::now().format("%Y-%m-%d %H:%M UTC"),
        summary.accounts,
        summary.bills,
        summary.ledger_lines
    );
    std::fs::write(&info, &about).expect("write the database's info file");
    println!("Generated {} ({about})", path.display());
    path
}

/// The schema (tables, indexes, triggers) of a database, for comparison.
fn schema_of(path: &Path) -> Vec<String> {
    let conn = raw_connection(path);
    let mut statement =
        conn.prepare("SELECT type, name, COALESCE(sql, '') FROM sqlite_schema ORDER BY type, name").expect("schema");
    statement
        .query_map([], |r| {
            Ok(format!("{} {}: {}", r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })
        .expect("schema rows")
        .map(|r| r.expect("schema row"))
        .collect()
}

/// The schema this build creates, from a new empty database.
fn current_schema() -> Vec<String> {
    let dir = tempfile::tempdir_in(bench_data_dir()).expect("temp dir");
    let path = dir.path().join("empty.db");
    drop(Desk::create(&path).expect("create an empty database"));
    schema_of(&path)
}

fn info_path(db: &Path) -> PathBuf {
    db.with_extension("db.info")
}

/// Removes a database file with its WAL and shared-memory files.
pub fn remove_database(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}

/// Copies a database to `to`, after moving anything left in its WAL (a run
/// that stopped with the database open) into the main file.
pub fn copy_database(from: &Path, to: &Path) {
    raw_connection(from).pragma_update(None, "wal_checkpoint", "TRUNCATE").expect("checkpoint the bench database");
    std::fs::copy(from, to).expect("copy the bench database");
}

/// A plain rusqlite connection, for what the desk does not offer (raw FTS5
/// queries, ids, `PRAGMA integrity_check`). Opened read-write, though the
/// benches only read through it, so closing it leaves no `-wal`/`-shm` files.
pub fn raw_connection(path: &Path) -> Connection {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .expect("open the database with rusqlite");
    conn.pragma_update(None, "cache_size", -64_000).expect("cache_size");
    conn
}

/// The lowest and highest account ids.
pub fn account_id_range(path: &Path) -> (i64, i64) {
    raw_connection(path)
        .query_row("SELECT min(id), max(id) FROM accounts", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("account ids")
}

/// Every account's id, in order.
pub fn account_ids(path: &Path) -> Vec<utility_desk::domain::ids::AccountId> {
    let conn = raw_connection(path);
    let mut statement = conn.prepare("SELECT id FROM accounts ORDER BY id").expect("prepare");
    statement
        .query_map([], |r| Ok(utility_desk::domain::ids::AccountId(r.get(0)?)))
        .expect("ids")
        .map(|r| r.expect("id"))
        .collect()
}

/// The first account of a bench database.
pub fn first_account(path: &Path) -> utility_desk::domain::ids::AccountId {
    let (first, _) = account_id_range(path);
    utility_desk::domain::ids::AccountId(first)
}

/// Times one call.
pub fn time<T>(work: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let value = work();
    (value, started.elapsed())
}

/// SplitMix64, as the demo uses: deterministic samples per seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// `count` distinct values from `1..=n` (all of them if `count >= n`).
    pub fn distinct(&mut self, n: u64, count: usize) -> Vec<u64> {
        let mut all: Vec<u64> = (1..=n).collect();
        let count = count.min(all.len());
        for i in 0..count {
            let j = i + self.below((all.len() - i) as u64) as usize;
            all.swap(i, j);
        }
        all.truncate(count);
        all
    }
}

/// Latency figures of many timed calls.
pub struct Stats {
    pub count: usize,
    pub total: Duration,
    pub mean: Duration,
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
    pub max: Duration,
}

impl Stats {
    pub fn of(samples: &[Duration]) -> Stats {
        assert!(!samples.is_empty(), "no samples");
        let mut sorted = samples.to_vec();
        sorted.sort();
        let total: Duration = sorted.iter().sum();
        // Nearest rank: the smallest sample with at least p% at or below it.
        let rank = |p: f64| sorted[((p / 100.0 * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1];
        Stats {
            count: sorted.len(),
            total,
            mean: total / sorted.len() as u32,
            p50: rank(50.0),
            p95: rank(95.0),
            p99: rank(99.0),
            max: sorted[sorted.len() - 1],
        }
    }

    /// Calls per second, one after another.
    pub fn per_second(&self) -> f64 {
        self.count as f64 / self.total.as_secs_f64()
    }
}

/// Milliseconds, to a precision that suits the figure.
pub fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms < 10.0 { format!("{ms:.3} ms") } else { format!("{ms:.1} ms") }
}

/// A number with thousands separators.
pub fn thousands(n: f64) -> String {
    let rounded = n.round() as i64;
    let digits = rounded.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if rounded < 0 { format!("-{out}") } else { out }
}

/// A Markdown table of latency rows, so the output pastes into the README.
pub struct LatencyTable {
    rows: Vec<String>,
}

impl LatencyTable {
    pub fn new() -> LatencyTable {
        LatencyTable { rows: Vec::new() }
    }

    /// A row; `target` is printed beside the figures ("p95 ≤ 20 ms").
    pub fn row(&mut self, what: &str, stats: &Stats, target: &str) {
        self.rows.push(format!(
            "| {what} | {} | {} | {} | {} | {} | {} | {} | {target} |",
            thousands(stats.count as f64),
            ms(stats.mean),
            ms(stats.p50),
            ms(stats.p95),
            ms(stats.p99),
            ms(stats.max),
            thousands(stats.per_second()),
        ));
    }

    pub fn print(&self) {
        println!();
        println!("| what | n | mean | p50 | p95 | p99 | max | per second | target |");
        println!("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        for row in &self.rows {
            println!("{row}");
        }
        println!();
    }
}

/// "met" or "MISSED", beside a target.
pub fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}
