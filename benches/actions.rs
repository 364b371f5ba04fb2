#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Writing to the ledger, on a copy of a small demo database (2,000 accounts
//! x 6 months): single actions, each its own `BEGIN IMMEDIATE` transaction
//! committed with `synchronous=FULL` (as the store opens every database);
//! bulk bill runs, each in one transaction (`BENCH_RUNS`, default 5; the
//! median against the target ≥ 100,000 ledger lines/s);
//! and `verify` on the 50,000-account x 24-month database the overview bench
//! uses (target ≥ 1,000,000 ledger lines/s).
//!
//! `cargo bench --bench actions`; for a quick run:
//! `BENCH_ACCOUNTS=300 BENCH_N=50 BENCH_VERIFY_ACCOUNTS=2000`
//! (`BENCH_MONTHS` for the small database, default 6; `BENCH_VERIFY_MONTHS`, default 24).

mod common;

use chrono::{DateTime, Days, Months, NaiveTime, TimeZone, Utc};
use common::billing::{bill_request, meters, month_end};
use common::{
    LatencyTable, Stats, account_ids, bench_data_dir, cached_demo, copy_database, env_size, print_machine_check,
    raw_connection, thousands, time, verdict,
};
use utility_desk::desk::{BillRequest, CreditRequest, Desk, PaymentMethod, PaymentRequest, ReverseRequest};
use utility_desk::domain::Money;
use utility_desk::domain::ids::PostingId;
use utility_desk::domain::ledger::ReasonCode;

const TARGET_BILL_RUN: f64 = 100_000.0;
const TARGET_VERIFY: f64 = 1_000_000.0;

fn main() {
    let accounts = env_size("BENCH_ACCOUNTS", 2_000);
    let months = env_size("BENCH_MONTHS", 6);
    let n = env_size("BENCH_N", 500).min(accounts) as usize;
    let verify_accounts = env_size("BENCH_VERIFY_ACCOUNTS", 50_000);
    let verify_months = env_size("BENCH_VERIFY_MONTHS", 24);
    // Bill runs, one per month after the single bills: the median is the
    // figure (one run lasts a fraction of a second, and this machine's
    // speed wanders by a fifth).
    let runs = env_size("BENCH_RUNS", 5).max(1);

    let source = cached_demo(accounts, months);
    let dir = tempfile::tempdir_in(bench_data_dir()).expect("temp dir");
    let path = dir.path().join("ledger.db");
    copy_database(&source, &path);
    let mut desk = Desk::open(&path).expect("open the copy");
    let ids = account_ids(&path);

    // The months after the demo's last bill: the first for single bills,
    // the next `runs` for the bill runs. `now` is set after them all, so
    // every date the actions carry has passed.
    let (mut meters, first_new) = meters(&mut desk, &ids);
    let first_new = first_new.expect("the demo database has bills (BENCH_MONTHS ≥ 1)");
    let second_new = first_new + Months::new(1);
    let now: DateTime<Utc> = Utc.from_utc_datetime(
        &(month_end(second_new + Months::new(runs - 1)) + Days::new(3))
            .and_time(NaiveTime::from_hms_opt(18, 0, 0).unwrap()),
    );
    let today = desk.today(now);

    // Credits and reversals are checked against the actor's limits (and
    // daily totals) like any other; the Manager has none, so 500 in a row
    // all post rather than going to approval.
    let manager = desk.actor("manager").expect("manager");
    let batch = desk.actor("batch").expect("batch");
    let run = Utc::now().timestamp_micros();
    println!(
        "actions: a copy of {} accounts x {months} months; {n} of each single action, each its own transaction (synchronous=FULL)",
        thousands(ids.len() as f64)
    );

    let mut table = LatencyTable::new();

    // Payments at the counter.
    let mut payments: Vec<PostingId> = Vec::with_capacity(n);
    let mut times = Vec::with_capacity(n);
    for (i, id) in ids.iter().take(n).enumerate() {
        let request = PaymentRequest {
            account: *id,
            amount: Money::from_cents(2_500 + i as i64),
            received_on: today,
            method: PaymentMethod::Cash,
            reference: None,
            key: format!("bench-pay-{run}-{i}"),
        };
        let (posted, elapsed) = time(|| desk.record_payment(&batch, now, &request).expect("record_payment"));
        payments.push(posted.posting_id);
        times.push(elapsed);
    }
    table.row("record_payment", &Stats::of(&times), "");

    // Credits.
    times.clear();
    for (i, id) in ids.iter().take(n).enumerate() {
        let request = CreditRequest {
            account: *id,
            amount: Money::from_cents(500 + i as i64),
            reason: ReasonCode::Goodwill,
            note: "Missed service appointment".into(),
            key: format!("bench-credit-{run}-{i}"),
        };
        let (_, elapsed) = time(|| desk.issue_credit(&manager, now, &request).expect("issue_credit"));
        times.push(elapsed);
    }
    table.row("issue_credit (by the Manager)", &Stats::of(&times), "");

    // Reversals of the payments just taken (returned checks).
    times.clear();
    for (i, posting) in payments.iter().enumerate() {
        let request = ReverseRequest {
            posting: *posting,
            note: "Check returned unpaid (NSF)".into(),
            key: format!("bench-reverse-{run}-{i}"),
        };
        let (_, elapsed) = time(|| desk.reverse(&manager, now, &request).expect("reverse"));
        times.push(elapsed);
    }
    table.row("reverse a payment (by the Manager)", &Stats::of(&times), "");

    // Single bills for the first new month.
    times.clear();
    let mut single_lines = 0;
    for id in ids.iter().take(n) {
        let request = bill_request(*id, first_new, meters.get_mut(id).expect("meter"));
        let (posted, elapsed) = time(|| desk.post_bill(&batch, now, &request).expect("post_bill"));
        single_lines += posted.ledger_lines;
        times.push(elapsed);
    }
    let single_bills = Stats::of(&times);
    table.row("post_bill (one bill)", &single_bills, "");
    table.print();
    println!(
        "post_bill one at a time: {} ledger lines/s ({:.1} lines a bill).",
        thousands(single_lines as f64 / single_bills.total.as_secs_f64()),
        single_lines as f64 / n as f64
    );

    // The bill runs: every account, one month each, one transaction each.
    let mut rates = Vec::with_capacity(runs as usize);
    let mut report = None;
    let (mut elapsed, mut lines) = (std::time::Duration::ZERO, 0u64);
    print_machine_check("before the bill runs");
    for month in 0..runs {
        let start = second_new + Months::new(month);
        let requests: Vec<BillRequest> =
            ids.iter().map(|id| bill_request(*id, start, meters.get_mut(id).expect("meter"))).collect();
        let (run_report, run_elapsed) = time(|| desk.bill_run(&batch, now, &requests).expect("bill_run"));
        rates.push(run_report.ledger_lines as f64 / run_elapsed.as_secs_f64());
        lines += run_report.ledger_lines;
        (report, elapsed) = (Some(run_report), elapsed + run_elapsed);
    }
    let report = report.expect("at least one run");
    let (lines, elapsed) = (lines / u64::from(runs), elapsed / runs);
    rates.sort_by(f64::total_cmp);
    let run_rate = rates[rates.len() / 2];
    print_machine_check("after the bill runs");
    drop(desk);

    // verify on the large database.
    let big = cached_demo(verify_accounts, verify_months);
    let mut big_desk = Desk::open(&big).expect("open the verify database");
    let (verify, verify_time) = time(|| big_desk.verify().expect("verify"));
    drop(big_desk);
    let entries = verify.counts.entries as f64;
    let verify_rate = entries / verify_time.as_secs_f64();
    let conn = raw_connection(&big);
    let (_, integrity_time) = time(|| {
        let result: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity_check");
        assert_eq!(result, "ok");
    });
    let checks_time = verify_time.saturating_sub(integrity_time);

    println!();
    println!("| what | measured | target |");
    println!("|---|---:|---|");
    println!(
        "| bill run, {} bills in one transaction, median of {runs} runs (slowest {}, fastest {}) | {} ledger lines in {:.2} s (means of the runs): **{} lines/s** | ≥ {} lines/s ({}) |",
        thousands(report.billed as f64),
        thousands(rates[0]),
        thousands(rates[rates.len() - 1]),
        thousands(lines as f64),
        elapsed.as_secs_f64(),
        thousands(run_rate),
        thousands(TARGET_BILL_RUN),
        verdict(run_rate >= TARGET_BILL_RUN)
    );
    println!(
        "| verify, {} accounts × {verify_months} months ({}) | {} ledger lines in {:.2} s: **{} lines/s** | ≥ {} lines/s ({}) |",
        thousands(verify.counts.accounts as f64),
        if verify.passed() { "passed" } else { "FAILED" },
        thousands(entries),
        verify_time.as_secs_f64(),
        thousands(verify_rate),
        thousands(TARGET_VERIFY),
        verdict(verify_rate >= TARGET_VERIFY)
    );
    println!("| … of which PRAGMA integrity_check (timed alone) | {:.2} s | |", integrity_time.as_secs_f64());
    println!(
        "| … the ledger checks without it | {:.2} s: {} lines/s | |",
        checks_time.as_secs_f64(),
        thousands(entries / checks_time.as_secs_f64().max(1e-9))
    );
    println!();
    if !report.refused.is_empty() {
        println!("The bill run refused {} bills, e.g. {:?}", report.refused.len(), report.refused.first());
    }
}
