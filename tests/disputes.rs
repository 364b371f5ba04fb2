//! Disputes: the disputed amount is held apart from past due (no late fee,
//! no cut-off) while open; only a CAR III or above resolves one, by an
//! adjustment under the authority rules or by a denial.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{OPENING_READ, cents, day, file_fixture, fingerprint, noon_on, now, today};
use utility_desk::desk::{DisputeDecision, DisputeOutcome, DisputeRequest};
use utility_desk::domain::Money;
use utility_desk::domain::ids::BillId;
use utility_desk::domain::ledger::ReasonCode;

fn whole(bill: BillId, reason: &str) -> DisputeRequest {
    DisputeRequest { bill, amount: None, reason: reason.into(), complaint: None }
}

fn grant(line: Option<u32>, amount: Option<Money>) -> DisputeDecision {
    DisputeDecision::Grant { line, amount, reason: ReasonCode::MeterError, note: "Meter tested fast".into() }
}

#[test]
fn an_open_dispute_is_not_past_due_charged_a_late_fee_or_cut_off() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let august = f.fixture.bill_month(account, 2026, 8, OPENING_READ + 6_000);
    let september = f.fixture.bill_month(account, 2026, 9, OPENING_READ + 12_000);
    let rep = f.fixture.staff.car1.clone();
    let desk = &mut f.fixture.desk;

    let before = desk.overview(account, now()).unwrap();
    assert!(before.flags.past_due && before.flags.cutoff_eligible, "both bills are unpaid and past due");

    desk.open_dispute(&rep, now(), &whole(august.bill, "Says nobody lived there in August")).unwrap();
    let partly = DisputeRequest { amount: Some(cents(1_000)), ..whole(september.bill, "Contests $10.00") };
    desk.open_dispute(&rep, now(), &partly).unwrap();
    let held = desk.overview(account, now()).unwrap();
    assert_eq!(held.aging.disputed, august.total + cents(1_000));
    assert_eq!(held.aging.past_due(), september.total - cents(1_000));
    assert_eq!(held.aging.balance(), held.account.balance, "still owed, in the balance");
    assert_eq!(held.flags.open_disputes, 2);

    // Only the undisputed part of September draws a late fee.
    let manager = f.fixture.staff.manager.clone();
    let desk = &mut f.fixture.desk;
    let report = desk.assess_late_fees(&manager, now(), today()).unwrap();
    let rate = utility_desk::domain::rates::RateBook::builtin().unwrap();
    let expected = rate.in_effect(today()).unwrap().late_fee(september.total - cents(1_000));
    assert_eq!(report.total, expected);

    // The whole of what is past due is disputed: not eligible for cut-off.
    let ids: Vec<i64> = desk.disputes(account).unwrap().iter().map(|d| d.id).collect();
    let supervisor = f.fixture.staff.supervisor.clone();
    let desk = &mut f.fixture.desk;
    let deny = DisputeDecision::Deny { note: "Read confirmed by photo".into() };
    desk.resolve_dispute(&supervisor, now(), ids[0], &deny).unwrap(); // September's, newest first
    let after = desk.overview(account, now()).unwrap();
    assert_eq!(after.aging.disputed, august.total);
    assert!(after.flags.cutoff_eligible, "September is past due again, 60+ days");
    let august_only = desk.overview(account, now()).unwrap();
    assert!(august_only.aging.past_due().is_positive());
}

/// A statement for a past period shows the disputes as they stood when it
/// ended: one opened since is not held on it, one resolved since still is.
#[test]
fn a_past_statement_holds_the_disputes_open_when_its_period_ended() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let august = f.fixture.bill_month(account, 2026, 8, OPENING_READ + 6_000);
    let september = f.fixture.bill_month(account, 2026, 9, OPENING_READ + 12_000);
    let staff = f.fixture.staff.clone();
    let desk = &mut f.fixture.desk;
    let on_august =
        desk.open_dispute(&staff.car1, noon_on(day(2026, 11, 10)), &whole(august.bill, "Away all August")).unwrap();
    let deny = DisputeDecision::Deny { note: "Read confirmed by photo".into() };
    desk.resolve_dispute(&staff.car3, noon_on(day(2026, 11, 15)), on_august, &deny).unwrap();
    let on_september =
        desk.open_dispute(&staff.car1, noon_on(day(2026, 11, 18)), &whole(september.bill, "Estimated read")).unwrap();

    let held_on = |desk: &mut utility_desk::desk::Desk, to| {
        let statement = desk.statement(&staff.car1, account, day(2026, 8, 1), to, now()).unwrap();
        let open: Vec<i64> = statement.open_disputes.iter().map(|d| d.id).collect();
        (statement.aging.disputed, open)
    };
    assert_eq!(held_on(desk, day(2026, 11, 9)), (Money::ZERO, vec![]), "before either was opened");
    assert_eq!(held_on(desk, day(2026, 11, 12)), (august.total, vec![on_august]), "August's, denied since");
    assert_eq!(held_on(desk, day(2026, 11, 15)), (Money::ZERO, vec![]), "denied that day; September's not yet");
    assert_eq!(held_on(desk, today()), (september.total, vec![on_september]), "as it stands now");
}

/// In a time zone whose clocks jump over midnight (Santiago, 6 September
/// 2026, 00:00 to 01:00), a statement ending the day before still has an
/// end: the first instant of the next day is 01:00.
#[test]
fn a_statement_ends_where_the_clocks_jump_over_midnight() {
    use chrono::TimeZone;
    let santiago: chrono_tz::Tz = "America/Santiago".parse().unwrap();
    let jump = day(2026, 9, 6).and_hms_opt(0, 0, 0).unwrap();
    assert!(santiago.from_local_datetime(&jump).earliest().is_none(), "the premise: no midnight that day");
    let mut f = file_fixture();
    let account = f.fixture.residential();
    f.fixture.bill_month(account, 2026, 8, OPENING_READ + 6_000);
    let staff = f.fixture.staff.clone();
    f.fixture
        .desk
        .store_for_tests()
        .raw_sql_for_tests("UPDATE meta SET value = 'America/Santiago' WHERE key = 'time_zone'")
        .unwrap();
    let mut desk = utility_desk::desk::Desk::open(&f.path).unwrap();
    let statement = desk.statement(&staff.car1, account, day(2026, 8, 1), day(2026, 9, 5), now()).unwrap();
    assert_eq!(statement.to, day(2026, 9, 5));
}

#[test]
fn only_a_car_iii_or_above_resolves_and_above_the_limit_it_waits_for_approval() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    // A $700-odd bill from a burst pipe: granted as a credit, above a CAR III's limit.
    let big = f.fixture.bill_month(account, 2026, 9, OPENING_READ + 120_000);
    let small = f.fixture.bill_month(account, 2026, 10, OPENING_READ + 126_000);
    assert!(big.total > cents(50_000), "{}", big.total);
    let staff = f.fixture.staff.clone();
    let desk = &mut f.fixture.desk;
    let first = desk.open_dispute(&staff.car1, now(), &whole(big.bill, "Burst pipe, repaired")).unwrap();
    let second = desk.open_dispute(&staff.car2, now(), &whole(small.bill, "Estimated read")).unwrap();

    let refused = desk.resolve_dispute(&staff.car2, now(), second, &grant(Some(2), None)).unwrap_err();
    assert!(refused.to_string().contains("only a Customer Account Representative III or above"), "{refused}");

    // Within the limit: the adjustment posts and the dispute is granted.
    let outcome = desk.resolve_dispute(&staff.car3, now(), second, &grant(Some(2), Some(cents(500)))).unwrap();
    let DisputeOutcome::Granted { posting } = outcome else { panic!("{outcome:?}") };
    let view = desk.dispute(second).unwrap();
    assert_eq!((view.dispute.status.as_str(), view.dispute.posting_id), ("granted", Some(posting)));

    // Above it: a request; the dispute stays open and held until decided.
    let outcome = desk.resolve_dispute(&staff.car3, now(), first, &grant(None, None)).unwrap();
    let DisputeOutcome::AwaitingApproval { request, .. } = outcome else { panic!("{outcome:?}") };
    assert!(desk.dispute(first).unwrap().dispute.is_open());
    // Still held, all of it: the $5.00 decrease went to what is not disputed.
    assert_eq!(desk.overview(account, now()).unwrap().aging.disputed, big.total);
    let again = desk.resolve_dispute(&staff.car3, now(), first, &DisputeDecision::Deny { note: "x".into() });
    assert!(again.unwrap_err().to_string().contains(&format!("waits on approval request {request}")));

    // Rejected: open again, for another decision; approved: granted.
    desk.reject(&staff.supervisor, now(), request, "Send the plumber's invoice first").unwrap();
    assert_eq!(desk.dispute(first).unwrap().dispute.request_id, None);
    let DisputeOutcome::AwaitingApproval { request, .. } =
        desk.resolve_dispute(&staff.car3, noon_on(day(2026, 11, 23)), first, &grant(None, None)).unwrap()
    else {
        panic!("above the limit again")
    };
    let posted = desk.approve(&staff.supervisor, noon_on(day(2026, 11, 23)), request, None, None).unwrap();
    let granted = desk.dispute(first).unwrap().dispute;
    assert_eq!((granted.status.as_str(), granted.posting_id), ("granted", Some(posted.posting_id)));
    assert_eq!(desk.overview(account, now()).unwrap().aging.disputed, Money::ZERO);
    f.fixture.assert_verified();
}

#[test]
fn a_dispute_that_cannot_be_recorded_or_resolved_writes_nothing() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let bill = f.fixture.bill_month(account, 2026, 10, OPENING_READ + 6_000);
    let staff = f.fixture.staff.clone();
    let desk = &mut f.fixture.desk;
    let open = desk.open_dispute(&staff.car1, now(), &whole(bill.bill, "High")).unwrap();
    let before = fingerprint(&f.path);
    let desk = &mut f.fixture.desk;
    let refusals = [
        (whole(bill.bill, "again"), format!("already has an open dispute (#{open})")),
        (whole(BillId(9_999), "x"), "no bill 9999".to_string()),
        (whole(bill.bill, "  "), "a reason for the dispute is required".to_string()),
        (
            DisputeRequest { amount: Some(bill.total + cents(1)), ..whole(bill.bill, "x") },
            "is more than bill".to_string(),
        ),
    ];
    for (request, said) in refusals {
        let error = desk.open_dispute(&staff.car1, now(), &request).unwrap_err();
        assert!(error.to_string().contains(&said), "{error} should say {said}");
    }
    let error = desk.open_dispute(&staff.admin, now(), &whole(bill.bill, "x")).unwrap_err();
    assert!(error.to_string().contains("Administrator"), "{error}");
    let decisions = [
        (grant(Some(1), Some(bill.total + cents(1))), "grant at most"),
        (grant(Some(99), None), "has no line 99"),
        (DisputeDecision::Deny { note: " ".into() }, "reason for denying the dispute is required"),
    ];
    for (decision, said) in decisions {
        let error = desk.resolve_dispute(&staff.car3, now(), open, &decision).unwrap_err();
        assert!(error.to_string().contains(said), "{error} should say {said}");
    }
    assert!(
        desk.resolve_dispute(&staff.car3, now(), 404, &grant(None, None))
            .unwrap_err()
            .to_string()
            .contains("no dispute #404")
    );
    assert_eq!(fingerprint(&f.path), before, "nothing was written");
}
