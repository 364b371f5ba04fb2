#![allow(clippy::unwrap_used, clippy::expect_used)]
//! What authority and the audit trail cost. (1) A credit through the desk —
//! key check, limit check (policy, today's usage), posting, audit record —
//! against the same posting appended by the store alone, each one transaction
//! with synchronous=FULL on a file (target: at most +10 %). (2) `verify`'s
//! walk of the audit chain (target ≥ 200,000 records/s).
//!
//! `cargo bench --bench authority`; `BENCH_N=200 BENCH_ACCOUNTS=1000` for a quick run.

use std::time::{Duration, Instant};

use chrono::Utc;
use utility_desk::demo::{self, DemoOptions};
use utility_desk::desk::{CreditRequest, Desk, PaymentMethod, PaymentRequest};
use utility_desk::domain::Money;
use utility_desk::domain::ids::AccountId;
use utility_desk::domain::ledger::{ChartAccount, Line, NewPosting, PostingKind, ReasonCode, Side};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn summary(mut times: Vec<Duration>) -> (Duration, Duration, Duration) {
    times.sort();
    let mean = times.iter().sum::<Duration>() / times.len().max(1) as u32;
    (mean, percentile(&times, 0.5), percentile(&times, 0.99))
}

fn main() {
    let n = env("BENCH_N", 400);
    let accounts = env("BENCH_ACCOUNTS", 2_000) as u32;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let mut desk = Desk::open(&path).unwrap();
    println!("Making a {accounts}-account, 12-month demo for the audit chain ...");
    let made = Instant::now();
    demo::generate(&mut desk, &DemoOptions { accounts, seed: 1, months: 12 }, Utc::now(), |_, _| {}).unwrap();
    println!("  made in {:.1} s", made.elapsed().as_secs_f64());

    // A Customer Account Representative III: limits apply (per item and the
    // daily total, which reads the day's usage), unlike a Manager's.
    let manager = desk.actor("rep3").unwrap();
    // The store-alone postings are another person's, so that the
    // representative's day holds only their own 40 credits (the daily-total
    // check reads each of them: about 80 ns apiece).
    let other = desk.actor("supervisor").unwrap().user_id;
    let start = Utc::now();
    // A busy representative's day: 40 credits and 40 payments, then the next
    // business day (the daily total reads the day's own actions).
    const PER_DAY: usize = 40;
    let amount = Money::from_cents(125);
    // Alternate the two kinds so both see the same disk and cache state.
    let (mut full, mut bare, mut paid, mut audited) =
        (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let account = AccountId(1 + (i as i64 % i64::from(accounts)));
        let now = start + chrono::Duration::days((i / PER_DAY) as i64);
        let today = desk.today(now);
        let request = CreditRequest {
            account,
            amount,
            reason: ReasonCode::Goodwill,
            note: "bench".into(),
            key: format!("bench-credit-{i}"),
        };
        let started = Instant::now();
        desk.issue_credit(&manager, now, &request).unwrap();
        full.push(started.elapsed());

        let posting = NewPosting {
            kind: PostingKind::Credit,
            account_id: Some(account),
            effective_on: today,
            memo: "Credit (Customer goodwill): bench".into(),
            reason: Some(ReasonCode::Goodwill),
            bill_id: None,
            reverses: None,
            waives: None,
            lines: vec![
                Line::debit(ChartAccount::Credits(ReasonCode::Goodwill), amount),
                Line::receivable(account, Side::Credit, amount),
            ],
        };
        let payment = PaymentRequest {
            account,
            amount,
            received_on: today,
            method: PaymentMethod::Cash,
            reference: None,
            key: format!("bench-pay-{i}"),
        };
        let started = Instant::now();
        desk.record_payment(&manager, now, &payment).unwrap();
        paid.push(started.elapsed());

        let key = format!("bench-bare-{i}");
        let hash = format!("{:064}", i);
        let started = Instant::now();
        desk.store_for_tests().write(|db| db.insert_posting(&posting, &key, &hash, other, now).map(drop)).unwrap();
        bare.push(started.elapsed());

        // The floor the audit trail sets: the same posting and its audit
        // record (the desk's detail, hashed and chained), nothing else.
        let key = format!("bench-audited-{i}");
        let started = Instant::now();
        desk.store_for_tests()
            .write(|db| {
                let id = db.insert_posting(&posting, &key, &hash, other, now)?;
                let detail = format!(
                    r#"{{"effective_on":"{today}","key":"{key}","kind":"credit","memo":"{}","receivable_change":"-1.25"}}"#,
                    posting.memo
                );
                db.append_audit(now, Some(other), "posting", &format!("posting:{id}"), Some(account), &detail)
                    .map(drop)
            })
            .unwrap();
        audited.push(started.elapsed());
    }
    let (full_mean, full_p50, full_p99) = summary(full);
    let (bare_mean, bare_p50, bare_p99) = summary(bare);
    let (paid_mean, paid_p50, paid_p99) = summary(paid);
    let (audited_mean, audited_p50, audited_p99) = summary(audited);
    let audit_floor = (audited_p50.as_secs_f64() / bare_p50.as_secs_f64() - 1.0) * 100.0;
    let overhead = (full_p50.as_secs_f64() / bare_p50.as_secs_f64() - 1.0) * 100.0;
    let limits_only = (full_p50.as_secs_f64() / paid_p50.as_secs_f64() - 1.0) * 100.0;
    println!("\n| one action, its own transaction (FULL sync), n = {n}, {PER_DAY} a day | mean | p50 | p99 |");
    println!("|---|---:|---:|---:|");
    println!(
        "| desk: key + limits + posting + audit record | {:.2} ms | {:.2} ms | {:.2} ms |",
        ms(full_mean),
        ms(full_p50),
        ms(full_p99)
    );
    println!(
        "| desk payment: key + posting + audit record, no limits | {:.2} ms | {:.2} ms | {:.2} ms |",
        ms(paid_mean),
        ms(paid_p50),
        ms(paid_p99)
    );
    println!(
        "| store alone: the same posting and its audit record | {:.2} ms | {:.2} ms | {:.2} ms |",
        ms(audited_mean),
        ms(audited_p50),
        ms(audited_p99)
    );
    println!(
        "| store alone: the same posting | {:.2} ms | {:.2} ms | {:.2} ms |",
        ms(bare_mean),
        ms(bare_p50),
        ms(bare_p99)
    );
    println!(
        "\nthe limit check alone (credit against payment) adds {limits_only:.1} % at p50; with the audit record and \
         the idempotency check, {overhead:.1} % over the bare posting (target ≤ 10 %: {})",
        if overhead <= 10.0 { "met" } else { "MISSED" }
    );
    println!("the audit record alone, written by the store with no checks, adds {audit_floor:.1} % at p50");

    let report = desk.verify().unwrap();
    assert!(report.passed());
    let records = report.counts.audit_records;
    let seconds = report.audit_check_micros() as f64 / 1e6;
    let rate = records as f64 / seconds.max(1e-9);
    println!(
        "verify walked {records} audit records in {seconds:.3} s: {rate:.0} records/s (target ≥ 200,000: {})",
        if rate >= 200_000.0 { "met" } else { "MISSED" }
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
