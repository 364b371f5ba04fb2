//! Fuzz targets that build on stable: each file the command line reads
//! (an accounts file, a reads file, a payment file, a batch of credits and
//! adjustments) and the rate-file loader, fed mutated files for a time
//! budget against a small demo ledger. Every input must be answered, never
//! panicked on: accepted, or refused in words; a refusal that names lines
//! names lines the file has; nothing is written.
//!
//! Each run first replays the corpus under `tests/fuzz/<target>/` (seeds
//! and every input a run ever found: a regression corpus), then mutates
//! it for `FUZZ_SECONDS` per target (default 2; `.ci/run` gives 60), from
//! `FUZZ_SEED` (printed, so a failure can be run again). An input that
//! breaks a rule is written to `target/fuzz-found/` and named in the
//! failure: add it to the corpus with the fix.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Utc;
use utility_desk::demo::{self, DemoOptions};
use utility_desk::desk::{Actor, Desk, DeskError};
use utility_desk::domain::account::{MeterSize, Services};
use utility_desk::domain::rates::{RateBook, RateSchedule, RatingInput};

/// A seeded, repeatable stream (the demo's SplitMix64).
struct Rng(utility_desk::demo::Rng);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0.below(n.max(1) as u64) as usize
    }
}

/// What a mutation may put into a file: the shapes files go wrong in.
const TOKENS: &[&[u8]] = &[
    b",",
    b"\"",
    b"\"\"",
    b"\r\n",
    b"\n",
    b"\r",
    b"=",
    b"-",
    b"+",
    b"@",
    b"\t",
    b"\xEF\xBB\xBF",
    b"0",
    b"-1",
    b"99999999999999999999",
    b"4294967296",
    b"2026-02-30",
    b"2026-13-01",
    b"9999-12-31",
    b"0000-01-01",
    b"yes",
    b"no",
    b";",
    b"=",
    b"\xC3\xA9",
    b"\xFF\xFE",
    b"\x00",
    b"$",
    b"1,000.00",
    b"12.345",
    b"0.00",
    b"=HYPERLINK(\"x\")",
    b"actual",
    b"estimated",
    b"customer",
    b"credit",
    b"adjust",
    b"[water]",
    b"\"1.0\"",
    b"1e9",
    b"NaN",
    b"[[x]]",
    b"\"\n\"",
    b" ",
    b"5/8",
    b"3/4",
    b"winter",
    b"2025-12-15=4800",
    b"T10004211",
    b"10000001-7",
];

fn mutate(rng: &mut Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut data = corpus[rng.below(corpus.len())].clone();
    for _ in 0..=rng.below(4) {
        let at = rng.below(data.len() + 1);
        match rng.below(7) {
            0 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] = rng.below(256) as u8;
            }
            1 | 2 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                data.splice(at..at, token.iter().copied());
            }
            3 if !data.is_empty() => {
                let end = (at + 1 + rng.below(16)).min(data.len());
                data.drain(at.min(end)..end);
            }
            4 => {
                // A line repeated, or one from another input spliced in.
                let other = &corpus[rng.below(corpus.len())];
                let lines: Vec<&[u8]> = other.split(|b| *b == b'\n').collect();
                let line = lines[rng.below(lines.len())];
                let mut piece = line.to_vec();
                piece.push(b'\n');
                let start = data[..at].iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
                data.splice(start..start, piece);
            }
            5 => data.truncate(at),
            _ => {
                // A cell's text doubled, to grow numbers and names.
                let end = (at + 1 + rng.below(8)).min(data.len());
                let piece = data[at.min(end)..end].to_vec();
                data.splice(at..at, piece);
            }
        }
    }
    data
}

/// The corpus of a target: every file under `tests/fuzz/<target>/`.
fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let found: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    assert!(!found.is_empty(), "no corpus in {}", dir.display());
    found
}

fn seconds() -> Duration {
    let s = std::env::var("FUZZ_SECONDS").ok().and_then(|s| s.parse::<f64>().ok()).unwrap_or(2.0);
    Duration::from_secs_f64(s)
}

fn seed() -> u64 {
    std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
    })
}

/// What an answer must be, or why it is wrong.
fn judged(input: &[u8], answer: Result<usize, DeskError>) -> Result<(), String> {
    let lines = input.iter().filter(|b| **b == b'\n').count() + 1;
    match answer {
        Ok(rows) if rows > lines => Err(format!("{rows} rows accepted from {lines} lines")),
        Ok(_) => Ok(()),
        Err(DeskError::Store(e)) => Err(format!("the store failed: {e}")),
        Err(refused) => {
            let said = refused.to_string();
            if said.trim().is_empty() {
                return Err("refused without a word".into());
            }
            // A refusal names a row where one of its lines starts "line N"
            // (text of the file echoed back, a header's say, is not one).
            for named in said.lines().filter_map(|l| l.trim_start().strip_prefix("line ")) {
                let digits: String = named.chars().take_while(char::is_ascii_digit).collect();
                if let Ok(n) = digits.parse::<usize>()
                    && n > lines
                {
                    return Err(format!("a refusal names line {n} of a file of {lines}: {said}"));
                }
            }
            Ok(())
        }
    }
}

/// Runs `target` on the corpus, then on mutations of it until the budget
/// is spent; fails naming each input that panicked or broke a rule.
fn fuzz(name: &str, ext: &str, mut target: impl FnMut(&[u8]) -> Result<usize, DeskError>) {
    let corpus = corpus(name);
    let seed = seed();
    let mut rng = Rng(utility_desk::demo::Rng(seed));
    let (started, budget) = (Instant::now(), seconds());
    let (mut runs, mut accepted) = (0u64, 0u64);
    let mut found: Vec<String> = Vec::new();
    let mut inputs = corpus.clone().into_iter();
    loop {
        let input = match inputs.next() {
            Some(input) => input,
            None if started.elapsed() < budget => mutate(&mut rng, &corpus),
            None => break,
        };
        runs += 1;
        let answer = catch_unwind(AssertUnwindSafe(|| target(&input)));
        let problem = match answer {
            Err(panic) => Some(format!(
                "panicked: {}",
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            )),
            Ok(answer) => {
                accepted += u64::from(answer.is_ok());
                judged(&input, answer).err()
            }
        };
        if let Some(problem) = problem {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-found");
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join(format!("{name}-{seed}-{runs}.{ext}"));
            std::fs::write(&path, &input).unwrap();
            found.push(format!("{}: {problem}", path.display()));
            if found.len() >= 5 {
                break;
            }
        }
    }
    println!(
        "{name}: {runs} inputs in {:.1} s (FUZZ_SEED={seed}), {accepted} accepted, the rest refused",
        started.elapsed().as_secs_f64()
    );
    assert!(found.is_empty(), "{name}: {} input(s) broke a rule:\n{}", found.len(), found.join("\n"));
}

/// A desk on a small demo ledger, and the person a target acts as.
fn desk(dir: &Path, user: &str) -> (Desk, Actor) {
    let path = dir.join("ledger.db");
    demo::create_at(&path, &DemoOptions { accounts: 12, seed: 3, months: 2 }, Utc::now(), |_, _| {}).unwrap();
    let mut desk = Desk::open(&path).unwrap();
    let actor = desk.actor(user).unwrap();
    (desk, actor)
}

#[test]
fn fuzz_accounts_files() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, manager) = desk(dir.path(), "manager");
    fuzz("accounts", "csv", |bytes| utility_desk::cli::fuzz::accounts(&mut desk, &manager, bytes));
    assert_eq!(desk.search("Harjo").unwrap().len(), 0, "nothing was converted");
}

#[test]
fn fuzz_reads_files() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, batch) = desk(dir.path(), "batch");
    fuzz("reads", "csv", |bytes| utility_desk::cli::fuzz::reads(&mut desk, &batch, bytes));
    assert!(desk.held_reads(None).unwrap().is_empty(), "nothing was loaded");
}

#[test]
fn fuzz_payment_files() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, _) = desk(dir.path(), "batch");
    let before = desk.verify().unwrap().counts;
    fuzz("payments", "csv", |bytes| utility_desk::cli::fuzz::payments(&mut desk, bytes));
    assert_eq!(desk.verify().unwrap().counts, before, "nothing was posted");
}

#[test]
fn fuzz_batch_files() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, _) = desk(dir.path(), "batch");
    let before = desk.verify().unwrap().counts;
    fuzz("adjustments", "csv", |bytes| utility_desk::cli::fuzz::adjustments(&mut desk, bytes));
    assert_eq!(desk.verify().unwrap().counts, before, "nothing was posted");
}

#[test]
fn fuzz_rate_files() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, _) = desk(dir.path(), "manager");
    let before = desk.verify().unwrap().counts;
    let services = |size| Services {
        meter_number: "M1".into(),
        meter_size: size,
        meter_dials: 7,
        sewer: true,
        stormwater: true,
        refuse: None,
        emsacare: true,
    };
    fuzz("rates", "toml", |bytes| {
        // As `rates load` reads the file: UTF-8 or refused, a byte-order mark dropped.
        let text = utility_desk::cli::fuzz::rates(bytes, std::path::Path::new("rates.toml"))?;
        let schedule = RateSchedule::from_toml(&text).map_err(|e| DeskError::Invalid(e.to_string()))?;
        // A schedule that loads rates every meter size, or says why not.
        for size in MeterSize::ALL {
            for gallons in [0, 5_400, 10_000_000] {
                let services = services(*size);
                let input = RatingInput {
                    services: &services,
                    consumption_gal: gallons,
                    sewer_cap_gal: 4_800,
                    month_share: None,
                };
                schedule.rate(&input).map_err(|e| DeskError::Invalid(e.to_string()))?;
            }
        }
        RateBook::new(vec![schedule]).map_err(|e| DeskError::Invalid(e.to_string()))?;
        // And as `rates load --dry-run` checks and previews it on a ledger.
        desk.preview_rates(&text)?;
        Ok(1)
    });
    assert_eq!(desk.verify().unwrap().counts, before, "nothing was written");
}

#[test]
fn the_harness_names_an_input_that_panics_or_names_a_line_the_file_lacks() {
    let caught =
        catch_unwind(|| fuzz("rates", "toml", |bytes| if bytes.is_empty() { Ok(0) } else { panic!("planted") }));
    let said = caught.expect_err("a panicking target fails the run");
    let said = said.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(said.contains("broke a rule") && said.contains("panicked: planted"), "{said}");
    assert!(judged(b"a\nb\n", Err(DeskError::Invalid("line 9: bad".into()))).is_err(), "line 9 of 3");
    assert!(judged(b"a\nb\n", Err(DeskError::Invalid("line 2: bad".into()))).is_ok());
    assert!(judged(b"a\n", Err(DeskError::Invalid("unknown column mailing_[x]line 2".into()))).is_ok(), "a column");
    assert!(judged(b"a\n", Err(DeskError::Invalid("2 problems:\n  line 7, column x: bad".into()))).is_err());
    assert!(judged(b"a\n", Ok(5)).is_err(), "more rows than lines");
}
