#![allow(clippy::unwrap_used, clippy::expect_used)]
//! What authority and the audit trail cost. (1) A credit through the desk —
//! key check, limit check (policy, today's usage), posting, audit record —
//! against the same posting appended by the store alone, each one transaction
//! with synchronous=FULL on a file (target: at most +10 %). (2) `verify`'s
//! walk of the audit chain (target ≥ 200,000 records/s). (3) A credit by a
//! person who already has 20,000 money actions that day, against one on a
//! day of their own: the limits are checked against kept sums, one lookup
//! however full the day is.
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
    let mut desk = Desk::create(&path).unwrap();
    println!("Making a {accounts}-account, 12-month demo for the audit chain ...");
    let made = Instant::now();
    demo::generate(&mut desk, &DemoOptions { accounts, seed: 1, months: 12 }, Utc::now(), |_, _| {}).unwrap();
    println!("  made in {:.1} s", made.elapsed().as_secs_f64());

    // A Customer Account Representative III: limits apply (per item and the
    // daily total, which reads the day's usage), unlike a Manager's.
    let manager = desk.actor("rep3").unwrap();
    // Payments are posted by the automated jobs' role.
    let batch = desk.actor("batch").unwrap();
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
        desk.record_payment(&batch, now, &payment).unwrap();
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

    full_day(&mut desk, start + chrono::Duration::days(1_000), accounts);

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

/// (3): a credit's time with 20,000 of the person's money actions already
/// that day, against the same credit on a day of their own; and what summing
/// that day from its postings (as every check did before the kept sums)
/// takes.
fn full_day(desk: &mut Desk, day: chrono::DateTime<Utc>, accounts: u32) {
    const BUSY: usize = 20_000;
    const TIMED: usize = 200;
    let rep = desk.actor("rep3").unwrap();
    let credit = |i: usize, prefix: &str| CreditRequest {
        account: AccountId(1 + (i as i64 % i64::from(accounts))),
        amount: Money::from_cents(1),
        reason: ReasonCode::Goodwill,
        note: "busy day".into(),
        key: format!("{prefix}-{i}"),
    };
    let filled = Instant::now();
    desk.batch(|b| {
        for i in 0..BUSY {
            b.issue_credit(&rep, day, &credit(i, "busy"))?;
        }
        Ok(())
    })
    .unwrap();
    println!(
        "
{BUSY} one-cent credits by one person on one day, in one batch: {:.1} s",
        filled.elapsed().as_secs_f64()
    );
    let next_day = day + chrono::Duration::days(1);
    let (mut busy, mut quiet) = (Vec::with_capacity(TIMED), Vec::with_capacity(TIMED));
    for i in 0..TIMED {
        let started = Instant::now();
        desk.issue_credit(&rep, day, &credit(BUSY + i, "busy")).unwrap();
        busy.push(started.elapsed());
        let started = Instant::now();
        desk.issue_credit(&rep, next_day, &credit(i, "quiet")).unwrap();
        quiet.push(started.elapsed());
    }
    let from = day - chrono::Duration::hours(12);
    let to = day + chrono::Duration::hours(12);
    let started = Instant::now();
    let summed = desk.store_for_tests().read(|db| db.authority_used(rep.user_id, from, to)).unwrap();
    let sum_took = started.elapsed();
    let (busy_mean, busy_p50, busy_p99) = summary(busy);
    let (quiet_mean, quiet_p50, quiet_p99) = summary(quiet);
    println!("| a credit (limits checked), n = {TIMED} each | mean | p50 | p99 |");
    println!("|---|---:|---:|---:|");
    println!(
        "| with {BUSY} actions already that day | {:.2} ms | {:.2} ms | {:.2} ms |",
        ms(busy_mean),
        ms(busy_p50),
        ms(busy_p99)
    );
    println!("| on a day of its own | {:.2} ms | {:.2} ms | {:.2} ms |", ms(quiet_mean), ms(quiet_p50), ms(quiet_p99));
    println!(
        "summing that day from its {} of postings, as each check did before the kept sums: {:.2} ms",
        summed,
        ms(sum_took)
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
