//! History is append-only: the database itself refuses UPDATE and DELETE on
//! the ledger's history tables. And when someone gets past that (drops a
//! trigger, edits a row), `verify` names what no longer adds up.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Fixture, cents, day, file_fixture, fingerprint, fixture, now};
use utility_desk::desk::{Posted, RerateRequest};
use utility_desk::domain::ids::AccountId;
use utility_desk::domain::ledger::ReasonCode;
use utility_desk::records::VerifyReport;
use utility_desk::store::StoreError;

/// An account with a bill, a payment, a re-rate (with its corrected read),
/// a late fee and a reversed payment: every history table has rows.
fn populated(f: &mut Fixture) -> (AccountId, Posted, Posted) {
    let account = f.residential();
    f.bill_month(account, 2026, 8, 6_400);
    let september = f.bill_month(account, 2026, 9, 11_800);
    let payment = f.pay(account, cents(5_000), day(2026, 10, 1), "pay-1");
    let actor = f.staff.cashier().clone();
    let rerate = RerateRequest {
        bill: september.bill,
        corrected_reading: 10_000,
        rollover: false,
        reason: ReasonCode::MeterError,
        note: "misread".into(),
        key: "rerate-1".into(),
        recompute_caps: false,
    };
    f.desk.adjust_bill_by_read(&actor, now(), &rerate).unwrap();
    let fees = f.desk.assess_late_fees(&actor, now(), day(2026, 10, 25)).unwrap();
    assert_eq!(fees.assessed, 1);
    let mistaken = f.pay(account, cents(250), day(2026, 10, 2), "pay-2");
    let reversal = f.reverse(mistaken, "rev-pay-2");
    f.assert_verified();
    (account, payment, reversal)
}

/// The checks that found problems, by name.
fn failing(report: &VerifyReport) -> Vec<&'static str> {
    let mut names: Vec<_> = report.checks.iter().filter(|c| c.problem_count > 0).map(|c| c.name).collect();
    names.sort_unstable();
    names
}

fn problems(report: &VerifyReport, check: &str) -> Vec<String> {
    report.checks.iter().find(|c| c.name == check).map(|c| c.problems.clone()).unwrap_or_default()
}

fn raw(f: &mut Fixture, sql: &str) -> Result<(), StoreError> {
    f.desk.store_for_tests().raw_sql_for_tests(sql)
}

#[test]
fn history_tables_refuse_update_and_delete() {
    let mut file = file_fixture();
    let f = &mut file.fixture;
    populated(f);
    let rows = fingerprint(&file.path);
    let counts = f.counts();

    let attempts = [
        ("postings", "UPDATE postings SET memo = 'edited'"),
        ("postings", "DELETE FROM postings WHERE id = (SELECT max(id) FROM postings)"),
        ("entries", "UPDATE entries SET amount_cents = amount_cents + 1"),
        ("entries", "DELETE FROM entries WHERE posting_id = (SELECT max(posting_id) FROM entries)"),
        ("bills", "UPDATE bills SET total_cents = 0"),
        ("bills", "DELETE FROM bills"),
        ("bill_lines", "UPDATE bill_lines SET amount_cents = 0 WHERE seq = 2"),
        ("bill_lines", "DELETE FROM bill_lines"),
        ("meter_reads", "UPDATE meter_reads SET reading = reading + 1"),
        ("meter_reads", "DELETE FROM meter_reads WHERE corrects_id IS NOT NULL"),
        ("payments", "UPDATE payments SET reference = 'x'"),
        ("payments", "DELETE FROM payments"),
        ("bill_adjustments", "UPDATE bill_adjustments SET consumption_gal = 0"),
        ("bill_adjustments", "DELETE FROM bill_adjustments"),
        ("bill_adjustment_lines", "UPDATE bill_adjustment_lines SET after_cents = before_cents"),
        ("bill_adjustment_lines", "DELETE FROM bill_adjustment_lines"),
        ("rate_schedules", "UPDATE rate_schedules SET source = ''"),
        ("rate_schedules", "DELETE FROM rate_schedules"),
        ("sewer_caps", "UPDATE sewer_caps SET cap_gal = 0"),
        ("sewer_caps", "DELETE FROM sewer_caps"),
    ];
    for (table, sql) in attempts {
        // Each table really has rows for the trigger to fire on.
        let error = raw(f, sql).expect_err(sql);
        assert!(matches!(&error, StoreError::Constraint(m) if m.contains("append-only")), "{table}: {sql}: {error:?}");
    }
    assert_eq!(fingerprint(&file.path), rows, "nothing changed");
    assert_eq!(f.counts(), counts);
    f.assert_verified();
}

#[test]
fn an_edited_entry_amount_is_caught() {
    let mut f = fixture();
    let (account, payment, _) = populated(&mut f);
    raw(&mut f, "DROP TRIGGER entries_no_update").unwrap();
    raw(
        &mut f,
        &format!(
            "UPDATE entries SET amount_cents = amount_cents + 100
             WHERE posting_id = {} AND ledger = 'assets:receivable'",
            payment.posting_id.0
        ),
    )
    .unwrap();

    let report = f.desk.verify().unwrap();
    assert!(!report.passed());
    assert_eq!(
        failing(&report),
        [
            "cached balances equal their entries",
            "every posting balances",
            "every posting records what it moved on receivable",
            "the audit trail records every posting, and each still matches its record",
            "the whole ledger balances"
        ]
    );
    assert_eq!(
        problems(&report, "every posting records what it moved on receivable"),
        [format!("posting {} records $50.00 moved on receivable but its lines move $51.00", payment.posting_id)]
    );
    let off = problems(&report, "every posting balances");
    assert_eq!(off, [format!("posting {} is off by -$1.00", payment.posting_id)]);
    let number = f.desk.overview(account, now()).unwrap().account.account.number;
    let balance = problems(&report, "cached balances equal their entries");
    assert!(balance.len() == 1 && balance[0].contains(number.digits()), "{balance:?}");
    assert!(problems(&report, "the whole ledger balances")[0].contains("differ"));
}

#[test]
fn an_edited_cached_balance_is_caught() {
    let mut f = fixture();
    let (account, _, _) = populated(&mut f);
    let other = f.residential();
    let balance = f.balance(account);
    // `accounts` has no history trigger: the cached balance is the one figure that is updated.
    raw(&mut f, &format!("UPDATE accounts SET balance_cents = balance_cents - 1 WHERE id = {}", account.0)).unwrap();

    let report = f.desk.verify().unwrap();
    assert_eq!(failing(&report), ["cached balances equal their entries"]);
    let number = f.desk.overview(account, now()).unwrap().account.account.number;
    let expected =
        format!("account {} shows {} but its entries sum to {}", number.digits(), balance - cents(1), balance);
    assert_eq!(problems(&report, "cached balances equal their entries"), [expected]);

    // The other account's (zero) balance is fine; editing it is caught too.
    raw(&mut f, &format!("UPDATE accounts SET balance_cents = 999 WHERE id = {}", other.0)).unwrap();
    let report = f.desk.verify().unwrap();
    assert_eq!(
        report.checks.iter().find(|c| c.name == "cached balances equal their entries").unwrap().problem_count,
        2
    );
}

#[test]
fn an_edited_bill_total_is_caught() {
    let mut f = fixture();
    populated(&mut f);
    raw(&mut f, "DROP TRIGGER bills_no_update").unwrap();
    raw(&mut f, "UPDATE bills SET total_cents = total_cents + 5 WHERE id = (SELECT min(id) FROM bills)").unwrap();

    let report = f.desk.verify().unwrap();
    assert_eq!(failing(&report), ["every bill is posted for its total", "every bill's total equals its lines"]);
    assert!(problems(&report, "every bill's total equals its lines")[0].starts_with("bill 1 shows $134.25"));
}

#[test]
fn an_edited_reversal_that_still_balances_is_caught() {
    let mut f = fixture();
    let (_, _, reversal) = populated(&mut f);
    raw(&mut f, "DROP TRIGGER entries_no_update").unwrap();
    // Both sides grow by a cent: the posting still balances, but no longer mirrors the payment.
    raw(
        &mut f,
        &format!("UPDATE entries SET amount_cents = amount_cents + 1 WHERE posting_id = {}", reversal.posting_id.0),
    )
    .unwrap();

    let report = f.desk.verify().unwrap();
    assert_eq!(
        failing(&report),
        [
            "cached balances equal their entries",
            "every posting records what it moved on receivable",
            "every reversal mirrors its original",
            "the audit trail records every posting, and each still matches its record"
        ]
    );
    let mirror = problems(&report, "every reversal mirrors its original");
    assert_eq!(mirror.len(), 1);
    assert!(mirror[0].starts_with(&format!("reversal {} does not mirror posting", reversal.posting_id)), "{mirror:?}");
}

/// The daily-total check trusts each posting's recorded amount: lowering it
/// by hand (to slip under a limit) leaves the ledger balanced but is named.
#[test]
fn an_edited_recorded_amount_is_caught() {
    let mut f = fixture();
    let (_, payment, _) = populated(&mut f);
    raw(&mut f, "DROP TRIGGER postings_no_update").unwrap();
    raw(&mut f, &format!("UPDATE postings SET receivable_cents = 1 WHERE id = {}", payment.posting_id.0)).unwrap();

    let report = f.desk.verify().unwrap();
    assert_eq!(
        failing(&report),
        [
            "every posting records what it moved on receivable",
            "the audit trail records every posting, and each still matches its record"
        ]
    );
    assert_eq!(
        problems(&report, "every posting records what it moved on receivable"),
        [format!("posting {} records $0.01 moved on receivable but its lines move $50.00", payment.posting_id)]
    );
}

#[test]
fn a_deleted_entry_is_caught() {
    let mut f = fixture();
    let (_, payment, _) = populated(&mut f);
    raw(&mut f, "DROP TRIGGER entries_no_delete").unwrap();
    raw(&mut f, &format!("DELETE FROM entries WHERE posting_id = {} AND ledger = 'assets:cash'", payment.posting_id.0))
        .unwrap();

    let report = f.desk.verify().unwrap();
    assert_eq!(
        failing(&report),
        [
            "every posting balances",
            "every posting has two or more lines",
            "the audit trail records every posting, and each still matches its record",
            "the whole ledger balances"
        ]
    );
    assert_eq!(
        problems(&report, "every posting has two or more lines"),
        [format!("posting {} has 1 line(s)", payment.posting_id)]
    );
}

#[test]
fn an_edited_bill_line_is_caught() {
    let mut f = fixture();
    populated(&mut f);
    raw(&mut f, "DROP TRIGGER bill_lines_no_update").unwrap();
    raw(&mut f, "UPDATE bill_lines SET amount_cents = amount_cents + 7 WHERE bill_id = 1 AND seq = 1").unwrap();

    let report = f.desk.verify().unwrap();
    assert_eq!(failing(&report), ["every bill's total equals its lines"]);
    assert_eq!(
        problems(&report, "every bill's total equals its lines"),
        ["bill 1 shows $134.20 but its lines sum to $134.27"]
    );
}

/// A posting slipped in by hand with an id far past the others (the checks
/// keep sums in a vector indexed by id; this one lands outside it) and one
/// line that does not balance.
#[test]
fn a_hand_inserted_posting_far_past_the_others_is_caught() {
    let mut f = fixture();
    let (account, _, _) = populated(&mut f);
    let by_hand = raw(
        &mut f,
        &format!(
            "INSERT INTO postings (id, idempotency_key, payload_sha256, kind, account_id, effective_on, posted_at,
                                   user_id, memo)
             VALUES (1000000000, 'by-hand', '{}', 'credit', {}, '2024-01-01', '2024-01-01T00:00:00Z', 1, 'by hand')",
            "0".repeat(64),
            account.0
        ),
    );
    if common::engine::on_postgres() {
        // PostgreSQL refuses it at commit: a posting needs lines that balance.
        let refused = by_hand.unwrap_err().to_string();
        assert!(refused.contains("posting 1000000000 has 0 line(s)"), "{refused}");
        f.assert_verified();
        return;
    }
    by_hand.unwrap();
    raw(
        &mut f,
        "INSERT INTO entries (posting_id, line, ledger, account_id, side, amount_cents)
         VALUES (1000000000, 1, 'revenue:water', NULL, 'C', 250)",
    )
    .unwrap();

    let report = f.desk.verify().unwrap();
    assert_eq!(
        failing(&report),
        [
            "every posting balances",
            "every posting has two or more lines",
            "every posting records what it moved on receivable",
            "the audit trail records every posting, and each still matches its record",
            "the whole ledger balances"
        ]
    );
    assert_eq!(problems(&report, "every posting balances"), ["posting 1000000000 is off by -$2.50"]);
    // Made after migration 0012, so it should have recorded its amount.
    assert_eq!(
        problems(&report, "every posting records what it moved on receivable"),
        ["posting 1000000000 has no receivable amount recorded"]
    );
    assert_eq!(problems(&report, "every posting has two or more lines"), ["posting 1000000000 has 1 line(s)"]);
}

#[test]
fn a_posting_without_lines_is_caught() {
    let mut f = fixture();
    let (_, payment, _) = populated(&mut f);
    raw(&mut f, "DROP TRIGGER entries_no_delete").unwrap();
    raw(&mut f, &format!("DELETE FROM entries WHERE posting_id = {}", payment.posting_id.0)).unwrap();

    let report = f.desk.verify().unwrap();
    // The balance moved by the payment no longer has its lines.
    // The posting still records the amount its lines once moved.
    assert_eq!(
        failing(&report),
        [
            "cached balances equal their entries",
            "every posting has two or more lines",
            "every posting records what it moved on receivable",
            "the audit trail records every posting, and each still matches its record"
        ]
    );
    assert_eq!(
        problems(&report, "every posting has two or more lines"),
        [format!("posting {} has 0 line(s)", payment.posting_id)]
    );
}

mod audit_chain {
    use super::*;

    /// A desk on a file with some history, whose audit triggers are dropped
    /// so a test can play someone editing the database by hand.
    fn tampered(sql: &str) -> Vec<String> {
        let mut f = common::file_fixture();
        let account = f.fixture.residential();
        f.fixture.bill_month(account, 2026, 9, 6_400);
        f.fixture.pay(account, common::cents(5_000), common::day(2026, 10, 5), "audit-pay");
        f.fixture.credit(account, common::cents(700), "audit-credit");
        f.fixture.assert_verified();
        let store = f.fixture.desk.store_for_tests();
        store.raw_sql_for_tests("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;").unwrap();
        store.raw_sql_for_tests(sql).unwrap();
        let report = f.fixture.desk.verify().unwrap();
        report
            .checks
            .iter()
            .filter(|c| c.problem_count > 0)
            .flat_map(|c| c.problems.iter().map(move |p| format!("{}: {p}", c.name)))
            .collect()
    }

    #[test]
    fn the_audit_trail_refuses_update_and_delete() {
        let mut f = common::fixture();
        f.residential();
        let store = f.desk.store_for_tests();
        for sql in ["UPDATE audit_log SET detail = '{}' WHERE id = 1", "DELETE FROM audit_log WHERE id = 1"] {
            let error = store.raw_sql_for_tests(sql).unwrap_err();
            assert!(error.to_string().contains("append-only"), "{sql}: {error}");
        }
    }

    #[test]
    fn an_edited_record_is_named() {
        let problems = tampered(
            "UPDATE audit_log SET detail = replace(detail, '-7', '-70') WHERE action = 'posting' AND id = (SELECT max(id) FROM audit_log)",
        );
        let last = problems.join("\n");
        assert!(last.contains("was changed after it was written"), "{last}");
    }

    #[test]
    fn a_deleted_record_is_named() {
        let problems = tampered("DELETE FROM audit_log WHERE id = 3").join("\n");
        assert!(problems.contains("audit records 3 to 3 are missing"), "{problems}");
    }

    #[test]
    fn two_swapped_records_are_named() {
        let problems = tampered(
            "UPDATE audit_log SET id = -1 WHERE id = 2; UPDATE audit_log SET id = 2 WHERE id = 3; UPDATE audit_log SET id = 3 WHERE id = -1;",
        )
        .join("\n");
        assert!(problems.contains("audit record 2"), "{problems}");
    }

    #[test]
    fn every_change_writes_exactly_one_record() {
        let mut f = common::fixture();
        let records = |f: &mut common::Fixture| f.desk.verify().unwrap().counts.audit_records;
        let start = records(&mut f);
        let account = f.residential();
        assert_eq!(records(&mut f), start + 1, "opening an account");
        f.bill_month(account, 2026, 9, 6_400);
        assert_eq!(records(&mut f), start + 2, "a bill");
        f.pay(account, common::cents(1_000), common::day(2026, 10, 5), "one-pay");
        assert_eq!(records(&mut f), start + 3, "a payment");
        // A replay changes nothing, so it writes nothing.
        f.pay(account, common::cents(1_000), common::day(2026, 10, 5), "one-pay");
        assert_eq!(records(&mut f), start + 3, "a replay");
        // A refused action changes nothing: its one record says who tried
        // what, and why it was refused.
        let actor = f.staff.cashier().clone();
        let bad = common::payment(account, common::cents(1_000), common::day(2030, 1, 1), "future");
        assert!(f.desk.record_payment(&actor, common::now(), &bad).is_err());
        assert_eq!(records(&mut f), start + 4, "a refusal");
        assert_eq!(f.counts().postings, 2, "the refused payment posted nothing");
    }
}

#[test]
fn actions_refused_inside_a_batch_leave_the_audit_chain_whole() {
    let mut f = common::fixture();
    let account = f.residential();
    f.bill_month(account, 2026, 9, 6_400);
    let actor = f.staff.cashier().clone();
    f.desk
        .batch(|b| {
            b.record_payment(&actor, now(), &common::payment(account, cents(1_000), day(2026, 10, 1), "ok-1"))?;
            // Refused actions between accepted ones, in one transaction.
            let refused =
                b.record_payment(&actor, now(), &common::payment(account, cents(1_000), day(2030, 1, 1), "late"));
            assert!(refused.is_err());
            let error = b.reverse(
                &actor,
                now(),
                &utility_desk::desk::ReverseRequest {
                    posting: utility_desk::domain::ids::PostingId(999_999),
                    note: "no such posting".into(),
                    key: "bad-reverse".into(),
                },
            );
            assert!(error.is_err());
            b.record_payment(&actor, now(), &common::payment(account, cents(500), day(2026, 10, 2), "ok-2"))?;
            Ok(())
        })
        .unwrap();
    f.assert_verified();
}

#[test]
fn a_posting_stripped_of_every_line_is_named() {
    let mut f = common::file_fixture();
    let account = f.fixture.residential();
    let paid = {
        f.fixture.bill_month(account, 2026, 9, 6_400);
        f.fixture.pay(account, cents(5_000), day(2026, 10, 5), "strip-me")
    };
    let store = f.fixture.desk.store_for_tests();
    store.raw_sql_for_tests("DROP TRIGGER entries_no_delete;").unwrap();
    store.raw_sql_for_tests(&format!("DELETE FROM entries WHERE posting_id = {}", paid.posting_id)).unwrap();
    let report = f.fixture.desk.verify().unwrap();
    let short = report.checks.iter().find(|c| c.name == "every posting has two or more lines").unwrap();
    assert_eq!(short.problems, [format!("posting {} has 0 line(s)", paid.posting_id)]);
    let cached = report.checks.iter().find(|c| c.name == "cached balances equal their entries").unwrap();
    assert_eq!(cached.problem_count, 1);
}

/// An account made final by hand, behind a bill that runs past its last
/// day, is named by `verify`.
#[test]
fn a_bill_past_a_final_accounts_last_day_is_caught() {
    let mut f = fixture();
    let (account, _, _) = populated(&mut f);
    assert!(f.desk.verify().unwrap().passed());
    let last = f.desk.overview(account, now()).unwrap().bills.iter().map(|b| b.period_end).max().unwrap();
    let before_it = last - chrono::Days::new(5);
    raw(&mut f, &format!("UPDATE accounts SET status = 'final', closed_on = '{before_it}' WHERE id = {}", account.0))
        .unwrap();
    let report = f.desk.verify().unwrap();
    assert_eq!(failing(&report), ["no bill runs past the day an account's service ended"]);
    let found = problems(&report, "no bill runs past the day an account's service ended");
    assert!(found.len() == 1 && found[0].contains(&format!("is final from {before_it} but bill")), "{found:?}");
}

/// What a person used of their limits each day is kept as it is used, so
/// the daily-total check is one lookup; lowering it by hand (to make room
/// under the limit) is named, and a deleted row is summed again from the
/// postings.
#[test]
fn an_edited_kept_use_of_the_limits_is_caught() {
    let mut f = fixture();
    let account = f.residential();
    f.bill_month(account, 2026, 9, 6_400);
    let car2 = f.staff.car2.clone();
    f.desk.issue_credit(&car2, now(), &common::credit(account, cents(4_000), "kept-1")).unwrap();
    f.assert_verified();
    raw(&mut f, "UPDATE authority_days SET used_cents = 0").unwrap();
    let report = f.desk.verify().unwrap();
    let check = "what each person used of their limits is kept as it was used";
    assert_eq!(failing(&report), [check]);
    let named = problems(&report, check);
    assert_eq!(named.len(), 1, "{named:?}");
    assert!(
        named[0].starts_with("car2's use of their limits from ")
            && named[0].ends_with("is kept as $0.00 but their actions add up to $40.00"),
        "{named:?}"
    );
    // Deleted, the kept sum is made again from the postings: the limit holds.
    raw(&mut f, "DELETE FROM authority_days").unwrap();
    f.assert_verified();
    let second = f.desk.issue_credit(&car2, now(), &common::credit(account, cents(4_000), "kept-2"));
    assert!(matches!(second, Err(utility_desk::desk::DeskError::AboveLimit(_))), "{second:?}");
    f.assert_verified();
}

/// What the audit trail commits to, against someone holding the file who
/// drops the triggers and edits tables consistently: each is named.
mod commitments {
    use super::*;
    use utility_desk::desk::{CreditRequest, MoneyRequest, Outcome};

    /// A fixture with history, a pending and a rejected request, and the
    /// history triggers dropped.
    fn history() -> (Fixture, AccountId, Posted, i64) {
        let mut f = fixture();
        let (account, payment, _) = populated(&mut f);
        let (car2, supervisor) = (f.staff.car2.clone(), f.staff.supervisor.clone());
        let ask = |key: &str| {
            MoneyRequest::Credit(CreditRequest {
                account,
                amount: cents(9_000),
                reason: utility_desk::domain::ledger::ReasonCode::Goodwill,
                note: "missed visit".into(),
                key: key.into(),
            })
        };
        let Outcome::Pending { request: rejected, .. } = f.desk.submit(&car2, now(), &ask("big-1")).unwrap() else {
            panic!("above the limit")
        };
        f.desk.reject(&supervisor, now(), rejected, "no visit on record").unwrap();
        f.assert_verified();
        raw(
            &mut f,
            "DROP TRIGGER postings_no_update; DROP TRIGGER entries_no_update; DROP TRIGGER audit_log_no_delete;
             DROP TRIGGER approval_decided_is_final; DROP TRIGGER postings_no_delete; DROP TRIGGER entries_no_delete;",
        )
        .unwrap();
        (f, account, payment, rejected)
    }

    const POSTINGS: &str = "the audit trail records every posting, and each still matches its record";

    /// A $50.00 payment lowered to $5.00 everywhere it shows: its two lines,
    /// its recorded amount and the cached balance. The ledger adds up; the
    /// payment's audit record still says $50.00.
    #[test]
    fn a_payment_lowered_consistently_no_longer_matches_its_record() {
        let (mut f, account, payment, _) = history();
        raw(
            &mut f,
            &format!(
                "UPDATE entries SET amount_cents = 500 WHERE posting_id = {p};
                 UPDATE postings SET receivable_cents = 500 WHERE id = {p};
                 UPDATE accounts SET balance_cents = balance_cents + 4500 WHERE id = {a};",
                p = payment.posting_id.0,
                a = account.0
            ),
        )
        .unwrap();
        let report = f.desk.verify().unwrap();
        assert_eq!(failing(&report), [POSTINGS]);
        let named = problems(&report, POSTINGS);
        assert!(
            named.len() == 1
                && named[0].starts_with(&format!("posting {} no longer matches its audit record", payment.posting_id)),
            "{named:?}"
        );
    }

    /// The daily totals are summed by person and day: a CAR II's credit
    /// moved to a CAR I, or a day back, with the kept sums made to agree,
    /// would free the CAR II's limit for the day. The posting no longer
    /// names whom and when its record does; and a kept day shrunk to leave
    /// the credit out is named for its length.
    #[test]
    fn a_posting_moved_to_another_person_or_day_is_named() {
        let (mut f, account, _, _) = history();
        let car2 = f.staff.car2.clone();
        let Outcome::Posted(credit) = f
            .desk
            .submit(
                &car2,
                now(),
                &MoneyRequest::Credit(CreditRequest {
                    account,
                    amount: cents(4_000),
                    reason: utility_desk::domain::ledger::ReasonCode::Goodwill,
                    note: "missed visit".into(),
                    key: "moved-1".into(),
                }),
            )
            .unwrap()
        else {
            panic!("within the limit")
        };
        f.assert_verified();
        let p = credit.posting_id.0;
        for (change, undo) in [
            (
                format!("UPDATE postings SET user_id = {} WHERE id = {p}", f.staff.car1.user_id),
                format!("UPDATE postings SET user_id = {} WHERE id = {p}", car2.user_id),
            ),
            (
                common::engine::pick(
                    format!("UPDATE postings SET posted_at = datetime(posted_at, '-1 day') WHERE id = {p}"),
                    format!(
                        "UPDATE postings SET posted_at = to_char(substr(posted_at, 1, 10)::date - 1, 'YYYY-MM-DD')
                             || substr(posted_at, 11) WHERE id = {p}"
                    ),
                ),
                common::engine::pick(
                    format!("UPDATE postings SET posted_at = datetime(posted_at, '+1 day') WHERE id = {p}"),
                    format!(
                        "UPDATE postings SET posted_at = to_char(substr(posted_at, 1, 10)::date + 1, 'YYYY-MM-DD')
                             || substr(posted_at, 11) WHERE id = {p}"
                    ),
                ),
            ),
        ] {
            raw(&mut f, &change).unwrap();
            raw(&mut f, "DELETE FROM authority_days").unwrap();
            let report = f.desk.verify().unwrap();
            assert_eq!(failing(&report), [POSTINGS], "{change}");
            let record = audit_record_of(&mut f, p);
            assert_eq!(
                problems(&report, POSTINGS),
                [format!(
                    "posting {p} no longer names the person and time its audit record {record} does \
                     (moved to another person or day after it was posted)"
                )],
                "{change}"
            );
            raw(&mut f, &undo).unwrap();
        }
        f.assert_verified();
        // The kept sums deleted are made again by the next money action.
        f.desk.issue_credit(&car2, now(), &common::credit(account, cents(100), "moved-2")).unwrap();
        f.assert_verified();
        raw(
            &mut f,
            &common::engine::pick(
                "UPDATE authority_days SET day_end = datetime(day_start, '+1 hour'), used_cents = 0".into(),
                "UPDATE authority_days
                     SET day_end = to_char((day_start::timestamptz + interval '1 hour') AT TIME ZONE 'UTC',
                                           'YYYY-MM-DD HH24:MI:SS') || '+00:00', used_cents = 0"
                    .into(),
            ),
        )
        .unwrap();
        let kept = "what each person used of their limits is kept as it was used";
        let named = problems(&f.desk.verify().unwrap(), kept);
        assert!(
            !named.is_empty() && named.iter().all(|n| n.ends_with("is kept for 1.0 hours, not a day")),
            "{named:?}"
        );
    }

    /// The id of posting `id`'s audit record.
    fn audit_record_of(f: &mut Fixture, id: i64) -> i64 {
        let query = utility_desk::desk::AuditQuery { limit: 1000, ..Default::default() };
        let admin = f.staff.admin.clone();
        let rows = f.desk.audit(&admin, now(), &query).unwrap();
        rows.iter().find(|r| r.record.subject == format!("posting:{id}")).expect("its record").record.id
    }

    /// A posting (balanced, its balance moved) slipped in by hand has no
    /// record; a posting deleted with its lines leaves a record of nothing.
    #[test]
    fn a_posting_without_its_record_or_a_record_without_its_posting_is_named() {
        let (mut f, account, payment, _) = history();
        raw(
            &mut f,
            &format!(
                "INSERT INTO postings (id, idempotency_key, payload_sha256, kind, account_id, effective_on, posted_at,
                     user_id, memo, reason, receivable_cents)
                 VALUES (9000, 'by-hand', '{zeros}', 'credit', {a}, '2026-11-02', '2026-11-02T10:00:00Z', 1,
                     'Credit', 'goodwill', 2500);
                 INSERT INTO entries (posting_id, line, ledger, account_id, side, amount_cents)
                     VALUES (9000, 1, 'contra:credits:goodwill', NULL, 'D', 2500),
                            (9000, 2, 'assets:receivable', {a}, 'C', 2500);
                 UPDATE accounts SET balance_cents = balance_cents - 2500 WHERE id = {a};",
                a = account.0,
                zeros = "0".repeat(64)
            ),
        )
        .unwrap();
        let named = problems(&f.desk.verify().unwrap(), POSTINGS);
        assert_eq!(named, ["posting 9000 has no audit record"]);
        raw(&mut f, "DELETE FROM entries WHERE posting_id = 9000; DELETE FROM postings WHERE id = 9000;").unwrap();
        raw(&mut f, &format!("UPDATE accounts SET balance_cents = balance_cents + 2500 WHERE id = {}", account.0))
            .unwrap();
        f.assert_verified();
        // The payment deleted whole, its balance put back: its record remains.
        raw(
            &mut f,
            &format!(
                "DROP TRIGGER payments_no_delete; DELETE FROM payments WHERE posting_id = {p};
                 DELETE FROM entries WHERE posting_id = {p};
                 DELETE FROM postings WHERE id = {p}; UPDATE accounts SET balance_cents = balance_cents + 5000 WHERE id = {a};",
                p = payment.posting_id.0,
                a = account.0
            ),
        )
        .unwrap();
        let report = f.desk.verify().unwrap();
        assert_eq!(failing(&report), [POSTINGS]);
        assert!(problems(&report, POSTINGS)[0].ends_with(&format!("but there is no posting {}", payment.posting_id)));
    }

    /// The last audit record deleted (the chain that is left is whole), or
    /// the whole trail emptied: the head row says where it ended.
    #[test]
    fn a_tail_cut_off_the_audit_trail_is_named() {
        let (mut f, _, _, _) = history();
        raw(&mut f, "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)").unwrap();
        let report = f.desk.verify().unwrap();
        let check = "the audit trail ends where its head row says";
        assert!(failing(&report).contains(&check), "{:?}", failing(&report));
        assert!(problems(&report, check)[0].contains("records were removed or added outside the desk"));
        raw(&mut f, "DELETE FROM audit_log").unwrap();
        assert!(failing(&f.desk.verify().unwrap()).contains(&check));
    }

    /// A decided request set back to pending, a role raised by hand, a
    /// limit raised by hand: each is not what the audited changes made.
    #[test]
    fn a_request_a_role_or_a_limit_changed_outside_the_desk_is_named() {
        let (mut f, _, _, rejected) = history();
        raw(
            &mut f,
            &format!(
                "UPDATE approval_requests SET status = 'pending', decided_at = NULL, decided_by = NULL,
                     decision_note = NULL WHERE id = {rejected};
                 UPDATE users SET role = 'manager' WHERE username = 'car2';
                 {raise}",
                raise = common::engine::pick(
                    "UPDATE authority_policy SET body = json_set(body, '$.roles.car1.per_item.credit', 100000);".into(),
                    "UPDATE authority_policy
                         SET body = jsonb_set(body::jsonb, '{roles,car1,per_item,credit}', '100000')::text;"
                        .into()
                )
            ),
        )
        .unwrap();
        let report = f.desk.verify().unwrap();
        assert_eq!(
            failing(&report),
            [
                "the audit trail accounts for every user's role",
                "the audit trail accounts for the limits table",
                "the audit trail records every approval request and decision",
                "what each person used of their limits is kept as it was used",
            ]
        );
        assert_eq!(
            problems(&report, "the audit trail records every approval request and decision"),
            [format!("request {rejected} is pending, but the audit trail records its decision")]
        );
        assert_eq!(
            problems(&report, "the audit trail accounts for every user's role"),
            ["user car2 is manager, but the audit trail made them car2"]
        );
        assert_eq!(
            problems(&report, "the audit trail accounts for the limits table"),
            ["Customer Account Representative I's credit limit is $1,000.00, but its audited changes make it $0.00"]
        );
        // A limit changed through the desk is audited, and verify agrees.
        raw(
            &mut f,
            &common::engine::pick(
                "UPDATE authority_policy SET body = json_set(body, '$.roles.car1.per_item.credit', 0)".into(),
                "UPDATE authority_policy SET body = jsonb_set(body::jsonb, '{roles,car1,per_item,credit}', '0')::text"
                    .into(),
            ),
        )
        .unwrap();
        let manager = f.staff.manager.clone();
        use utility_desk::domain::authority::MoneyAction;
        use utility_desk::domain::authority::{Figure, Limit};
        f.desk
            .set_policy(
                &manager,
                now(),
                utility_desk::domain::user::Role::Car2,
                Figure::PerItem(MoneyAction::Credit),
                Limit::UpTo(cents(7_500)),
            )
            .unwrap();
        assert!(!failing(&f.desk.verify().unwrap()).contains(&"the audit trail accounts for the limits table"));
    }
}

/// Whoever can write the file could sign in as anyone by writing a session
/// row for a token of their choosing, or a password hash they know, beside
/// the desk: a session the audit trail does not record signs nobody in,
/// and `verify` names both.
#[test]
fn a_session_or_a_password_written_outside_the_desk_signs_nobody_in_and_is_named() {
    use sha2::Digest;
    use utility_desk::desk::DeskError;
    const ACCESS: &str = "the audit trail accounts for every password and command-line session";
    let hex = |text: &str| sha2::Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect::<String>();
    let mut f = fixture();
    f.desk.set_password(None, now(), "car2", "correct horse battery").unwrap();
    let (_, token) = f.desk.start_cli_session(now(), "car2", "correct horse battery").unwrap();
    assert_eq!(f.desk.resume_cli_session(now(), "car2", &token).unwrap().actor.username, "car2");
    f.assert_verified();
    // Made young again by its row: its age is what its audit record says.
    let later = now() + chrono::Duration::hours(11);
    raw(&mut f, &format!("UPDATE cli_sessions SET started_at = '{0}', last_used_at = '{0}'", later.to_rfc3339()))
        .unwrap();
    let aged = f.desk.resume_cli_session(later, "car2", &token);
    assert!(matches!(aged, Err(DeskError::SessionExpired)), "past the 10-hour lifetime: {aged:?}");
    let (_, token) = f.desk.start_cli_session(now(), "car2", "correct horse battery").unwrap();
    assert!(f.desk.resume_cli_session(now(), "car2", &token).is_ok());

    // A token of the attacker's choosing, written in as the supervisor's,
    // once with no audit record and once pointing at car2's real one.
    let (supervisor, car2) = (f.staff.supervisor.user_id.0, f.staff.car2.user_id.0);
    let forged = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    let borrowed = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
    raw(
        &mut f,
        &format!(
            "INSERT INTO cli_sessions (token_sha256, user_id, started_at, last_used_at)
                 VALUES ('{}', {supervisor}, '{at}', '{at}');
             INSERT INTO cli_sessions (token_sha256, user_id, started_at, last_used_at, audit_id)
                 SELECT '{}', {supervisor}, '{at}', '{at}', audit_id FROM cli_sessions WHERE user_id = {car2} LIMIT 1;",
            hex(forged),
            hex(borrowed),
            at = now().to_rfc3339(),
        ),
    )
    .unwrap();
    let failed_sign_ins = |f: &mut Fixture| {
        let admin = f.staff.admin.clone();
        let query =
            utility_desk::desk::AuditQuery { user: Some("supervisor".into()), limit: 100, ..Default::default() };
        f.desk.audit(&admin, now(), &query).unwrap().iter().filter(|r| r.record.action == "login-failed").count()
    };
    let failed_before = failed_sign_ins(&mut f);
    for token in [forged, borrowed] {
        let refused = f.desk.resume_cli_session(now(), "supervisor", token);
        assert!(matches!(refused, Err(DeskError::SessionExpired)), "{refused:?}");
    }
    assert_eq!(
        failed_sign_ins(&mut f),
        failed_before + 2,
        "each attempt is recorded, and kept although the sign-in was refused"
    );
    let report = f.desk.verify().unwrap();
    assert_eq!(failing(&report), [ACCESS]);
    let named = problems(&report, ACCESS);
    assert_eq!(named.len(), 2, "{named:?}");
    assert!(named.iter().all(|p| p.contains(&format!("session of user {supervisor}"))), "{named:?}");

    // The supervisor given car2's password hash; car2's own hash replaced.
    raw(&mut f, &format!("DELETE FROM cli_sessions WHERE user_id = {supervisor}")).unwrap();
    raw(
        &mut f,
        "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = 'car2')
             WHERE username = 'supervisor';
         UPDATE users SET password_hash = password_hash || 'x' WHERE username = 'car2';",
    )
    .unwrap();
    // The supervisor's account is not opened with car2's password, nor its
    // password changed with it (which would make the forged one audited).
    use utility_desk::desk::Channel;
    let refused = f.desk.login(now(), "supervisor", "correct horse battery");
    assert!(matches!(&refused, Err(DeskError::SignIn(why)) if why.contains("not set through the desk")), "{refused:?}");
    let refused = f.desk.change_password(
        now(),
        "supervisor",
        "correct horse battery",
        "a fresh passphrase",
        Channel::CommandLine,
    );
    assert!(matches!(&refused, Err(DeskError::SignIn(_))), "{refused:?}");
    let report = f.desk.verify().unwrap();
    assert_eq!(failing(&report), [ACCESS]);
    assert_eq!(
        problems(&report, ACCESS),
        [
            "user car2's password is not the one its audited changes set (changed outside the desk)",
            "user supervisor has a password no audited change set (written outside the desk)",
        ]
    );
}

/// The hash chain has no secret: someone who edits a record and computes
/// every hash after it again (and the head row) leaves a chain that holds.
/// An anchor kept outside the database from an earlier `verify` does not.
#[test]
fn a_rewritten_audit_chain_is_caught_by_an_anchor_kept_outside() {
    use utility_desk::domain::audit::AuditRecord;
    let mut f = common::file_fixture();
    let (_, payment, _) = populated(&mut f.fixture);
    let head = f.fixture.desk.verify().unwrap().head.expect("a head");
    let other = f.fixture.residential();
    f.fixture.credit(other, cents(500), "after-anchor");
    let anchor: utility_desk::records::AuditAnchor = format!("{}:{}", head.record, head.hash).parse().unwrap();
    assert!(f.fixture.desk.verify_with(std::slice::from_ref(&anchor)).unwrap().passed());

    // Rewrite the payment's record (its memo) and every hash after it.
    let conn = rusqlite::Connection::open(&f.path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER postings_no_update; DROP TRIGGER entries_no_update;",
    )
    .unwrap();
    let records: Vec<(AuditRecord, String)> = conn
        .prepare("SELECT id, at, user_id, action, subject, account_id, detail, prev_hash FROM audit_log ORDER BY id")
        .unwrap()
        .query_map([], |r| {
            Ok((
                AuditRecord {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    user_id: r.get(2)?,
                    action: r.get(3)?,
                    subject: r.get(4)?,
                    account_id: r.get(5)?,
                    detail: r.get(6)?,
                },
                r.get(7)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let subject = format!("posting:{}", payment.posting_id);
    let mut prev = records[0].1.clone();
    for (mut record, _) in records {
        if record.subject == subject {
            assert!(record.detail.contains("\"memo\":\"Payment"), "{}", record.detail);
            record.detail = record.detail.replace("\"memo\":\"Payment", "\"memo\":\"Refund");
        }
        let hash = record.chain_hash(&prev);
        conn.execute(
            "UPDATE audit_log SET detail = ?2, prev_hash = ?3, hash = ?4 WHERE id = ?1",
            rusqlite::params![record.id, record.detail, prev, hash],
        )
        .unwrap();
        prev = hash;
    }
    conn.execute("UPDATE audit_head SET last_hash = ?1", [&prev]).unwrap();
    drop(conn);
    let report = f.fixture.desk.verify_with(std::slice::from_ref(&anchor)).unwrap();
    assert_eq!(failing(&report), ["the audit trail still holds the anchored record"]);
    assert!(problems(&report, "the audit trail still holds the anchored record")[0].contains("rewritten"));
    // A bad anchor is refused with the reason.
    assert!("12:abc".parse::<utility_desk::records::AuditAnchor>().unwrap_err().contains("64 hexadecimal digits"));
}
