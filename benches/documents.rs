#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Documents: a month's supervisor reports over 1,000,000 accounts (target
//! for the adjustments report ≤ 5 s), and a 12-month itemized statement as
//! PDF (target ≤ 200 ms).
//!
//! `cargo bench --bench documents`; `BENCH_ACCOUNTS=20000` for a quick run
//! (`BENCH_MONTHS`, default 2, months of history; `BENCH_RUNS`, default 5;
//! the statement uses its own 13-month database of `BENCH_STATEMENT_ACCOUNTS`,
//! default 2,000).

mod common;

use std::time::Duration;

use chrono::{Datelike, NaiveDate, Utc};
use common::{LatencyTable, Stats, cached_demo, env_size, raw_connection, thousands, time, verdict};
use utility_desk::demo::DEMO_PASSWORD;
use utility_desk::desk::Desk;

const REPORT_TARGET: Duration = Duration::from_secs(5);

fn main() {
    let accounts = env_size("BENCH_ACCOUNTS", 1_000_000);
    let months = env_size("BENCH_MONTHS", 2);
    let runs = env_size("BENCH_RUNS", 5) as usize;
    let path = cached_demo(accounts, months);
    let now = Utc::now();
    let mut desk = Desk::open(&path).expect("open the bench database");
    let supervisor = desk.login(now, "supervisor", DEMO_PASSWORD).expect("the demo supervisor").actor;

    // The last month with bills: the month a supervisor reports on.
    let raw = raw_connection(&path);
    let last: String = raw
        .query_row("SELECT max(effective_on) FROM postings WHERE kind = 'bill'", [], |r| r.get(0))
        .expect("the demo has bills (BENCH_MONTHS ≥ 1)");
    let last = NaiveDate::parse_from_str(&last, "%Y-%m-%d").expect("a date");
    let from = last.with_day(1).expect("the first of the month");
    let to = from.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).expect("month end");
    let in_month: i64 = raw
        .query_row(
            "SELECT count(*) FROM postings WHERE kind IN ('credit', 'adjustment', 'waiver', 'reversal')
             AND effective_on BETWEEN ?1 AND ?2",
            [from.to_string(), to.to_string()],
            |r| r.get(0),
        )
        .expect("count the month's money actions");
    let postings: i64 = raw.query_row("SELECT count(*) FROM postings", [], |r| r.get(0)).expect("count postings");
    println!(
        "{} accounts, {} postings; reporting {from} to {to} ({} credits, adjustments, waivers and reversals)",
        thousands(accounts as f64),
        thousands(postings as f64),
        thousands(in_month as f64)
    );

    let mut table = LatencyTable::new();
    let mut samples = Vec::new();
    let mut lines = 0;
    for _ in 0..runs {
        let (report, took) = time(|| desk.money_actions_report(&supervisor, from, to, now).expect("the report"));
        lines = report.lines.len();
        samples.push(took);
    }
    let adjustments = Stats::of(&samples);
    table.row(&format!("money actions report, one month ({lines} lines)"), &adjustments, "≤ 5 s");
    for (what, run) in [("complaints report, one month", 0), ("productivity report, one month", 1)] {
        let samples: Vec<Duration> = (0..runs)
            .map(|_| {
                time(|| match run {
                    0 => drop(desk.complaints_report(&supervisor, from, to, now).expect("the report")),
                    _ => drop(desk.productivity_report(&supervisor, from, to, now).expect("the report")),
                })
                .1
            })
            .collect();
        table.row(what, &Stats::of(&samples), "");
    }
    // A 12-month itemized statement as PDF, on a smaller database with
    // thirteen months of bills (BENCH_STATEMENT_ACCOUNTS, default 2,000).
    let small = cached_demo(env_size("BENCH_STATEMENT_ACCOUNTS", 2_000), 13);
    let mut desk = Desk::open(&small).expect("open the statement bench database");
    let path = small;
    let (year_from, year_to) = desk.default_statement_period(now);
    let rep = desk.login(now, "rep1", DEMO_PASSWORD).expect("the demo representative").actor;
    let letterhead = utility_desk::documents::pdf::Letterhead::standard().expect("the letterhead");
    let statement = desk.statement(&rep, common::first_account(&path), year_from, year_to, now).expect("a statement");
    let pdf_samples: Vec<Duration> = (0..runs.max(20))
        .map(|_| time(|| utility_desk::documents::statement::write_pdf(&statement, &letterhead).expect("the PDF")).1)
        .collect();
    let whole: Vec<Duration> = (0..runs.max(20))
        .map(|_| {
            time(|| {
                let s =
                    desk.statement(&rep, common::first_account(&path), year_from, year_to, now).expect("a statement");
                utility_desk::documents::statement::write_pdf(&s, &letterhead).expect("the PDF")
            })
            .1
        })
        .collect();
    let lines = statement.items.len() + statement.bills.iter().map(|b| b.lines.len() + 1).sum::<usize>();
    let pdf = Stats::of(&pdf_samples);
    table.row(
        &format!("statement PDF, {} bills, {lines} printed lines (layout and PDF)", statement.bills.len()),
        &pdf,
        "≤ 200 ms",
    );
    table.row("statement PDF, with the ledger read and reconciled", &Stats::of(&whole), "≤ 200 ms");
    table.print();
    println!("money actions report: {}", verdict(adjustments.max <= REPORT_TARGET));
    println!("statement PDF: {}", verdict(Stats::of(&whole).max <= Duration::from_millis(200)));
}
