//! Money authority through the desk: every role x action x amount, daily
//! totals (no splitting), approvals (maker != checker, approver's limit,
//! lower amounts, rejection, withdrawal, racing approvers), policy changes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::Duration;
use common::{Fixture, cents, day, file_fixture, fixture, now};
use utility_desk::desk::{
    Actor, CreditRequest, Desk, DeskError, LineAdjustRequest, LineDirection, MoneyRequest, Outcome, ReverseRequest,
    WaiveRequest,
};
use utility_desk::domain::authority::{Figure, Limit};
use utility_desk::domain::ids::AccountId;
use utility_desk::domain::ledger::ReasonCode;
use utility_desk::domain::user::Role;

fn actor(f: &Fixture, role: Role) -> Actor {
    let s = &f.staff;
    match role {
        Role::Car1 => s.car1.clone(),
        Role::Car2 => s.car2.clone(),
        Role::Car3 => s.car3.clone(),
        Role::Supervisor => s.supervisor.clone(),
        Role::Manager => s.manager.clone(),
        Role::Admin => s.admin.clone(),
        Role::Batch => s.batch.clone(),
    }
}

fn credit(account: AccountId, amount: i64, key: &str) -> MoneyRequest {
    MoneyRequest::Credit(CreditRequest {
        account,
        amount: cents(amount),
        reason: ReasonCode::Goodwill,
        note: "missed appointment".into(),
        key: key.into(),
    })
}

/// What we expect of one submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Post,
    Pend(Role),
    Refuse,
}

fn outcome(result: Result<Outcome, DeskError>) -> Expect {
    match result {
        Ok(Outcome::Posted(_)) => Expect::Post,
        Ok(Outcome::Pending { reviewer, .. }) => Expect::Pend(reviewer),
        Err(DeskError::NotPermitted(_)) => Expect::Refuse,
        Err(other) => panic!("unexpected error {other:?}"),
    }
}

/// A fresh desk with an account owing two bills (so there is a late fee to
/// waive and money to credit); returns it with the bill with a $161.70
/// water-use line (30,000 gal) and the late fee.
fn scene() -> (Fixture, AccountId, utility_desk::domain::ids::BillId, utility_desk::domain::ids::PostingId) {
    let mut f = fixture();
    let account = f.residential();
    f.bill_month(account, 2026, 8, 1_000 + 5_400);
    let big = f.bill_month(account, 2026, 9, 1_000 + 5_400 + 30_000).bill;
    let manager = f.staff.manager.clone();
    f.desk.assess_late_fees(&manager, now(), day(2026, 9, 25)).unwrap();
    let fee = f
        .desk
        .overview(account, now())
        .unwrap()
        .entries
        .iter()
        .find(|e| e.kind == utility_desk::domain::ledger::PostingKind::LateFee)
        .unwrap()
        .posting_id;
    (f, account, big, fee)
}

#[test]
fn every_role_and_credit_amount_posts_pends_or_is_refused_as_the_table_says() {
    use Expect::*;
    use Role::*;
    let cases: &[(Role, i64, Expect)] = &[
        (Car1, 1, Pend(Supervisor)),
        (Car2, 4_999, Post),
        (Car2, 5_000, Post),
        (Car2, 5_001, Pend(Supervisor)),
        (Car3, 25_000, Post),
        (Car3, 25_001, Pend(Supervisor)),
        (Car3, 250_001, Pend(Manager)),
        (Supervisor, 100_000, Post),
        (Supervisor, 100_001, Pend(Supervisor)),
        (Manager, 5_000_000, Post),
        (Admin, 1, Refuse),
    ];
    for &(role, amount, expected) in cases {
        let (mut f, account, _, _) = scene();
        let who = actor(&f, role);
        let before = (f.balance(account), f.counts());
        let got = outcome(f.desk.submit(&who, now(), &credit(account, amount, "c")));
        assert_eq!(got, expected, "{role:?} credit of {}", cents(amount));
        let after = (f.balance(account), f.counts());
        if expected == Post {
            assert_eq!(after.0, before.0 - cents(amount), "{role:?}: posted credits move the balance");
        } else {
            // A pending or refused request moves no money.
            assert_eq!((after.0, after.1.postings), (before.0, before.1.postings), "{role:?} {amount}");
        }
    }
}

#[test]
fn adjustments_waivers_and_reversals_follow_their_own_limits() {
    use Expect::*;
    use Role::*;
    // Line 2 of the big bill is 30 kgal of water: $161.70.
    let line = |bill, amount: i64| {
        MoneyRequest::AdjustLine(LineAdjustRequest {
            bill,
            line: 2,
            amount: cents(amount),
            direction: LineDirection::Decrease,
            reason: ReasonCode::MeterError,
            note: "meter test failed".into(),
            key: "adj".into(),
        })
    };
    let cases: &[(Role, i64, Expect)] = &[
        (Car1, 100, Pend(Supervisor)),
        (Car2, 10_000, Post),
        (Car2, 10_001, Pend(Supervisor)),
        (Car3, 16_170, Post),
        (Supervisor, 16_170, Post),
        (Admin, 100, Refuse),
    ];
    for &(role, amount, expected) in cases {
        let (mut f, _, bill, _) = scene();
        let who = actor(&f, role);
        assert_eq!(outcome(f.desk.submit(&who, now(), &line(bill, amount))), expected, "{role:?} adjust {amount}");
    }
    // The $2.01 late fee: within every representative's waiver limit but CAR I's.
    for (role, expected) in [(Car1, Pend(Supervisor)), (Car2, Post), (Admin, Refuse)] {
        let (mut f, _, _, fee) = scene();
        let who = actor(&f, role);
        let waive = MoneyRequest::Waive(WaiveRequest { late_fee: fee, note: "first time".into(), key: "w".into() });
        assert_eq!(outcome(f.desk.submit(&who, now(), &waive)), expected, "{role:?} waiver");
    }
    // Reversing a $134.20 payment weighs $134.20: above CAR II's $100 adjustment limit.
    for (role, expected) in [(Car2, Pend(Supervisor)), (Car3, Post), (Admin, Refuse)] {
        let (mut f, account, _, _) = scene();
        let paid = f.pay(account, cents(13_420), day(2026, 10, 1), "pay");
        let who = actor(&f, role);
        let reverse =
            MoneyRequest::Reverse(ReverseRequest { posting: paid.posting_id, note: "NSF".into(), key: "r".into() });
        assert_eq!(outcome(f.desk.submit(&who, now(), &reverse)), expected, "{role:?} reversal");
    }
}

#[test]
fn a_credit_split_into_small_ones_still_meets_the_daily_total() {
    let (mut f, account, _, _) = scene();
    let car2 = f.staff.car2.clone();
    // Six $45.00 credits ($270.00) to six accounts post; the seventh would
    // make $315.00 > $300.00.
    for i in 0..6 {
        let to = if i == 0 { account } else { f.residential() };
        assert_eq!(outcome(f.desk.submit(&car2, now(), &credit(to, 4_500, &format!("split-{i}")))), Expect::Post);
    }
    let other = f.residential();
    match f.desk.submit(&car2, now(), &credit(other, 4_500, "split-6")).unwrap() {
        Outcome::Pending { reason, .. } => {
            assert!(reason.contains("$300.00") && reason.contains("$270.00"), "{reason}")
        }
        posted => panic!("expected pending, got {posted:?}"),
    }
    // Pending counts toward the total too: a $25.00 credit now pends as well ($270 + $45 pending + $25).
    let third = f.residential();
    assert!(matches!(f.desk.submit(&car2, now(), &credit(third, 2_500, "split-7")).unwrap(), Outcome::Pending { .. }));
    // The next business day starts afresh.
    let tomorrow = now() + Duration::days(1);
    assert!(matches!(f.desk.submit(&car2, tomorrow, &credit(account, 4_500, "split-8")).unwrap(), Outcome::Posted(_)));
    // The direct path refuses instead of exceeding the limit.
    let direct = CreditRequest {
        account,
        amount: cents(6_000),
        reason: ReasonCode::Goodwill,
        note: "x".into(),
        key: "direct".into(),
    };
    assert!(matches!(f.desk.issue_credit(&car2, tomorrow, &direct), Err(DeskError::AboveLimit(_))));
    f.assert_verified();
}

fn pending_id(outcome: Outcome) -> i64 {
    match outcome {
        Outcome::Pending { request, .. } => request,
        posted => panic!("expected pending, got {posted:?}"),
    }
}

#[test]
fn approvals_need_another_person_with_enough_authority_and_end_once() {
    let (mut f, account, _, _) = scene();
    let (car3, supervisor, manager) = (f.staff.car3.clone(), f.staff.supervisor.clone(), f.staff.manager.clone());
    let start = f.balance(account);

    // $3,000.00 is beyond a supervisor's approval limit.
    let big = pending_id(f.desk.submit(&car3, now(), &credit(account, 300_000, "big")).unwrap());
    let error = f.desk.approve(&supervisor, now(), big, None, None).unwrap_err();
    assert!(error.to_string().contains("$2,500.00"), "{error}");
    // The requester cannot approve it even where their role could.
    let error = f.desk.approve(&car3, now(), big, None, None).unwrap_err();
    assert!(matches!(error, DeskError::NotPermitted(_)), "{error:?}");
    // A second request for the same account and action points to the first.
    let error = f.desk.submit(&car3, now(), &credit(account, 30_000, "again")).unwrap_err();
    assert!(matches!(error, DeskError::DuplicateRequest { first, .. } if first == big), "{error:?}");
    assert_eq!(f.balance(account), start, "nothing moves while pending");
    assert_eq!(f.desk.overview(account, now()).unwrap().flags.pending_items, 1);

    // A manager approves a lower amount; both amounts are kept.
    f.desk.approve(&manager, now(), big, Some(cents(200_000)), Some("leak confirmed, partial")).unwrap();
    assert_eq!(f.balance(account), start - cents(200_000));
    let view = f.desk.requests(now(), Some("approved"), None).unwrap().pop().unwrap();
    assert_eq!((view.row.amount, view.row.approved_amount), (cents(300_000), Some(cents(200_000))));
    // It ended once: nothing more can be done with it.
    for error in [
        f.desk.approve(&manager, now(), big, None, None).unwrap_err(),
        f.desk.reject(&manager, now(), big, "too late").unwrap_err(),
        f.desk.withdraw(&car3, now(), big).unwrap_err(),
    ] {
        assert!(matches!(error, DeskError::AlreadyDecided { .. }), "{error:?}");
    }
    assert_eq!(f.desk.overview(account, now()).unwrap().flags.pending_items, 0);
    f.assert_verified();
}

#[test]
fn rejections_need_a_reason_and_only_the_requester_withdraws() {
    let (mut f, account, _, _) = scene();
    let (car2, car3, supervisor) = (f.staff.car2.clone(), f.staff.car3.clone(), f.staff.supervisor.clone());
    let postings = f.counts().postings;
    let id = pending_id(f.desk.submit(&car2, now(), &credit(account, 8_000, "r1")).unwrap());
    assert!(matches!(f.desk.reject(&supervisor, now(), id, "  ").unwrap_err(), DeskError::NoteRequired(_)));
    f.desk.reject(&supervisor, now(), id, "no record of the missed visit").unwrap();
    let other = f.residential();
    let id = pending_id(f.desk.submit(&car2, now(), &credit(other, 8_000, "r2")).unwrap());
    assert!(matches!(f.desk.withdraw(&car3, now(), id).unwrap_err(), DeskError::NotPermitted(_)));
    f.desk.withdraw(&car2, now(), id).unwrap();
    let mine = f.desk.requests(now(), None, Some(&car2)).unwrap();
    assert_eq!(mine.iter().map(|r| r.row.status.as_str()).collect::<Vec<_>>(), ["rejected", "withdrawn"]);
    // Neither moved any money.
    assert_eq!(f.counts().postings, postings);
}

#[test]
fn two_approvers_at_once_one_wins_and_the_other_is_told() {
    let mut file = file_fixture();
    let account = file.fixture.residential();
    file.fixture.bill_month(account, 2026, 9, 6_400);
    let car2 = file.fixture.staff.car2.clone();
    let id = pending_id(file.fixture.desk.submit(&car2, now(), &credit(account, 9_000, "race")).unwrap());
    let approvers = [file.fixture.staff.supervisor.clone(), file.fixture.staff.manager.clone()];
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = approvers
            .iter()
            .map(|who| {
                let path = file.path.clone();
                scope.spawn(move || Desk::open(&path).unwrap().approve(who, now(), id, None, None))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let wins = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(wins, 1, "{results:?}");
    assert!(results.iter().any(|r| matches!(r, Err(DeskError::AlreadyDecided { .. }))), "{results:?}");
    assert_eq!(file.fixture.balance(account), cents(13_420 - 9_000), "posted exactly once");
    file.fixture.assert_verified();
}

#[test]
fn old_requests_are_flagged_stale_after_three_business_days() {
    let (mut f, account, _, _) = scene();
    let car2 = f.staff.car2.clone();
    // Friday 13 November 2026, five business days before Friday the 20th.
    let friday = now() - Duration::days(7);
    pending_id(f.desk.submit(&car2, friday, &credit(account, 8_000, "old")).unwrap());
    let other = f.residential();
    pending_id(f.desk.submit(&car2, now(), &credit(other, 8_000, "new")).unwrap());
    let queue = f.desk.requests(now(), Some("pending"), None).unwrap();
    assert_eq!(queue.iter().map(|r| (r.age_business_days, r.stale)).collect::<Vec<_>>(), [(5, true), (0, false)]);
}

#[test]
fn only_a_manager_or_administrator_changes_the_limits_and_it_takes_effect() {
    let (mut f, account, _, _) = scene();
    let (car2, supervisor, manager) = (f.staff.car2.clone(), f.staff.supervisor.clone(), f.staff.manager.clone());
    let per_credit = Figure::PerItem(utility_desk::domain::authority::MoneyAction::Credit);
    let error = f.desk.set_policy(&supervisor, now(), Role::Car2, per_credit, Limit::UpTo(cents(7_500))).unwrap_err();
    assert!(matches!(error, DeskError::NotPermitted(_)), "{error:?}");
    let audits = f.counts().audit_records;
    f.desk.set_policy(&manager, now(), Role::Car2, per_credit, Limit::UpTo(cents(7_500))).unwrap();
    assert_eq!(f.counts().audit_records, audits + 1);
    assert_eq!(outcome(f.desk.submit(&car2, now(), &credit(account, 7_000, "k"))), Expect::Post);
    // Nonsense is refused and the policy stays as it was.
    let error = f.desk.set_policy(&manager, now(), Role::Admin, per_credit, Limit::UpTo(cents(100))).unwrap_err();
    assert!(matches!(error, DeskError::Invalid(_)), "{error:?}");
    assert_eq!(f.desk.policy().unwrap().figure(Role::Car2, per_credit), Some(Limit::UpTo(cents(7_500))));
}

#[test]
fn a_card_number_typed_into_a_note_is_never_stored() {
    let mut file = file_fixture();
    let account = file.fixture.residential();
    file.fixture.bill_month(account, 2026, 9, 6_400);
    let card = "4111 1111 1111 1111";
    let (car2, manager) = (file.fixture.staff.car2.clone(), file.fixture.staff.manager.clone());
    let note = format!("customer read out card {card} to pay");
    let small = MoneyRequest::Credit(CreditRequest {
        account,
        amount: cents(1_000),
        reason: ReasonCode::Goodwill,
        note: note.clone(),
        key: "n1".into(),
    });
    assert_eq!(outcome(file.fixture.desk.submit(&car2, now(), &small)), Expect::Post);
    let other = file.fixture.residential();
    let large = MoneyRequest::Credit(CreditRequest {
        account: other,
        amount: cents(9_000),
        reason: ReasonCode::Goodwill,
        note,
        key: "n2".into(),
    });
    let id = pending_id(file.fixture.desk.submit(&car2, now(), &large).unwrap());
    file.fixture.desk.approve(&manager, now(), id, None, Some(&format!("ok, card {card}"))).unwrap();
    drop(file.fixture.desk);
    let digits = card.replace(' ', "");
    for entry in std::fs::read_dir(file.path.parent().unwrap()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        for needle in [card.as_bytes(), digits.as_bytes()] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle), "a card number was stored");
        }
    }
}

/// The window asks before submitting: the preview names the same outcome the
/// submission then gets, counts what was already used today, and writes nothing.
#[test]
fn the_preview_tells_what_a_submission_will_do() {
    use utility_desk::domain::authority::{Decision, MoneyAction};
    let (mut f, account, _, _) = scene();
    let car2 = actor(&f, Role::Car2);
    let preview =
        |f: &mut Fixture, amount: i64| f.desk.preview_decision(&car2, now(), MoneyAction::Credit, cents(amount), None);

    let audit_before = f.desk.verify_counts().unwrap();
    match preview(&mut f, 7_500).unwrap() {
        Decision::Pend { reason, reviewer, .. } => {
            assert_eq!(reviewer, Role::Supervisor);
            assert!(reason.starts_with("Your credit limit is $50.00"), "{reason}");
            assert!(reason.contains("$75.00"), "{reason}");
        }
        other => panic!("expected approval, got {other:?}"),
    }
    assert_eq!(preview(&mut f, 4_000).unwrap(), Decision::Post);
    assert_eq!(f.desk.verify_counts().unwrap(), audit_before, "a preview writes nothing");

    // What the submission does agrees with the preview.
    assert_eq!(outcome(f.desk.submit(&car2, now(), &credit(account, 4_000, "p-1"))), Expect::Post);
    // Today's usage counts: with $290.00 used of CAR II's $300.00 daily
    // total, a $40.00 credit within the item limit still goes for approval.
    for i in 0..5 {
        let to = f.residential();
        assert_eq!(outcome(f.desk.submit(&car2, now(), &credit(to, 5_000, &format!("daily-{i}")))), Expect::Post);
    }
    match preview(&mut f, 4_000).unwrap() {
        Decision::Pend { reason, .. } => assert!(reason.contains("daily limit is $300.00"), "{reason}"),
        other => panic!("expected approval, got {other:?}"),
    }
    assert_eq!(outcome(f.desk.submit(&car2, now(), &credit(account, 4_000, "p-last"))), Expect::Pend(Role::Supervisor));
    assert!(matches!(
        f.desk.preview_decision(&actor(&f, Role::Admin), now(), MoneyAction::Credit, cents(100), None).unwrap(),
        Decision::Refuse { .. }
    ));
}

/// A request's age counts business days: weekends and the city's holidays
/// (Thanksgiving and the day after, in 2026) do not make it stale sooner.
#[test]
fn request_age_skips_weekends_and_city_holidays() {
    let (mut f, account, _, _) = scene();
    let car2 = actor(&f, Role::Car2);
    // Friday 20 November 2026, noon in Tulsa.
    assert_eq!(outcome(f.desk.submit(&car2, now(), &credit(account, 7_500, "age-1"))), Expect::Pend(Role::Supervisor));
    let age_on = |f: &mut Fixture, date: chrono::NaiveDate| {
        let views = f.desk.requests(common::noon_on(date), Some("pending"), None).unwrap();
        let view = views.iter().find(|v| v.row.requested_by == car2.user_id).unwrap();
        (view.age_business_days, view.stale)
    };
    // Monday 23 to Wednesday 25: 1 to 3 business days, not yet stale.
    assert_eq!(age_on(&mut f, day(2026, 11, 25)), (3, false));
    // Thanksgiving and the day after are holidays: still 3 on Friday the 27th.
    assert_eq!(age_on(&mut f, day(2026, 11, 27)), (3, false));
    // Monday 30 November: 4 business days, stale (weekdays alone would say 6).
    assert_eq!(age_on(&mut f, day(2026, 11, 30)), (4, true));
}

/// Where the clocks jump over midnight (Santiago, 6 September 2026, 00:00 to
/// 01:00), the business day starts at 01:00 and the daily total counts
/// everything since: credits split across the morning still add up.
#[test]
fn the_daily_total_holds_on_a_day_whose_clocks_jump_over_midnight() {
    use chrono::{TimeZone, Utc};
    let mut f = file_fixture();
    let account = f.fixture.residential();
    f.fixture
        .desk
        .store_for_tests()
        .raw_sql_for_tests("UPDATE meta SET value = 'America/Santiago' WHERE key = 'time_zone'")
        .unwrap();
    f.fixture.desk = utility_desk::desk::Desk::open(&f.path).unwrap();
    let car2 = f.fixture.staff.car2.clone();
    // 10:00 in Santiago that day is 13:00 UTC; one $45.00 credit a minute,
    // each to its own account.
    let at = |minute: i64| Utc.with_ymd_and_hms(2026, 9, 6, 13, 0, 0).unwrap() + Duration::minutes(minute);
    for i in 0..6 {
        let to = if i == 0 { account } else { f.fixture.residential() };
        let posted = f.fixture.desk.submit(&car2, at(i), &credit(to, 4_500, &format!("jump-{i}")));
        assert_eq!(outcome(posted), Expect::Post);
    }
    let seventh = f.fixture.desk.submit(&car2, at(6), &credit(account, 4_500, "jump-6")).unwrap();
    assert!(matches!(seventh, Outcome::Pending { .. }), "$315.00 in a day is over the $300.00 total: {seventh:?}");
}

/// A key names one action whatever became of it: while it waits for
/// approval, after it was rejected or withdrawn, and after it was approved
/// for less than asked. The same action under it answers with its first
/// outcome; anything else under it is refused and moves no money.
#[test]
fn a_key_names_one_action_whatever_state_it_is_in() {
    let (mut f, account, _, _) = scene();
    let other = f.residential();
    let (car2, supervisor) = (f.staff.car2.clone(), f.staff.supervisor.clone());
    let asked = credit(account, 7_500, "R1");
    let first = pending_id(f.desk.submit(&car2, now(), &asked).unwrap());
    let before = (f.balance(account), f.balance(other), f.counts());

    // While it waits: the same credit answers with the same request...
    assert_eq!(pending_id(f.desk.submit(&car2, now(), &asked).unwrap()), first);
    // ...a smaller credit under the key posts nothing (it posted $40 before)...
    let smaller = f.desk.submit(&car2, now(), &credit(account, 4_000, "R1")).unwrap_err();
    assert!(matches!(smaller, DeskError::KeyInRequest { request, same_payload: false, .. } if request == first));
    assert!(smaller.to_string().contains("already used for a different request (approval request"), "{smaller}");
    // ...and the key on another account makes no second request.
    let elsewhere = f.desk.submit(&car2, now(), &credit(other, 7_500, "R1")).unwrap_err();
    assert!(matches!(elsewhere, DeskError::KeyInRequest { same_payload: false, .. }), "{elsewhere:?}");
    // Nor does a payment file take the key.
    let manager = f.staff.manager.clone();
    let payment = common::payment(account, cents(4_000), day(2026, 11, 2), "R1");
    assert!(matches!(f.desk.record_payment(&manager, now(), &payment), Err(DeskError::KeyInRequest { .. })));
    assert_eq!((f.balance(account), f.balance(other), f.counts()), before, "nothing moved");
    assert_eq!(f.desk.requests(now(), Some("pending"), Some(&car2)).unwrap().len(), 1, "one request");

    // Approved for less than asked: the same ask replays the posting.
    let posted = f.desk.approve(&supervisor, now(), first, Some(cents(6_000)), None).unwrap();
    let again = f.desk.submit(&car2, now(), &asked).unwrap();
    assert_eq!(again, Outcome::Posted(utility_desk::desk::Posted { posting_id: posted.posting_id, replayed: true }));
    let changed = f.desk.submit(&car2, now(), &credit(account, 2_000, "R1")).unwrap_err();
    assert!(matches!(changed, DeskError::KeyReused { .. }), "{changed:?}");
    assert_eq!(f.balance(account), before.0 - cents(6_000));

    // Rejected or withdrawn: the key stays spent, and says so.
    for (key, end) in [("R2", "rejected"), ("R3", "withdrawn")] {
        let ask = credit(other, 9_000, key);
        let id = pending_id(f.desk.submit(&car2, now(), &ask).unwrap());
        if end == "rejected" {
            f.desk.reject(&supervisor, now(), id, "no record of the visit").unwrap();
        } else {
            f.desk.withdraw(&car2, now(), id).unwrap();
        }
        let counts = f.counts();
        for retry in [ask.clone(), credit(other, 1_000, key)] {
            let error = f.desk.submit(&car2, now(), &retry).unwrap_err();
            assert!(matches!(&error, DeskError::KeyInRequest { status, .. } if status == end), "{error:?}");
        }
        let error = f.desk.submit(&car2, now(), &ask).unwrap_err();
        assert!(error.to_string().contains(&format!("which was {end}: nothing was posted")), "{error}");
        assert_eq!(f.counts(), counts, "a spent key posts and asks nothing");
    }
    f.assert_verified();
}

/// One person's credits to one account on one business day count together
/// against the per-item limit (and, separately, their adjustments): three
/// $40.00 credits no longer slip under a CAR II's $50.00 one by one. The
/// count is kept as the day goes, and survives a pending request's end.
#[test]
fn credits_split_into_items_on_one_account_count_together_against_the_item_limit() {
    use utility_desk::domain::authority::{Decision, MoneyAction};
    let (mut f, account, bill, _) = scene();
    let (car2, car3, supervisor) = (f.staff.car2.clone(), f.staff.car3.clone(), f.staff.supervisor.clone());
    assert_eq!(outcome(f.desk.submit(&car2, now(), &credit(account, 4_000, "item-1"))), Expect::Post);
    // $40.00 + $40.00 is over $50.00: the second goes to a supervisor, saying why.
    let preview = f.desk.preview_decision(&car2, now(), MoneyAction::Credit, cents(4_000), Some(account)).unwrap();
    let Decision::Pend { reason, .. } = preview else { panic!("{preview:?}") };
    assert!(reason.contains("$50.00 for each account a day, and $40.00 is already on this account today"), "{reason}");
    let second = f.desk.submit(&car2, now(), &credit(account, 4_000, "item-2")).unwrap();
    let Outcome::Pending { request, .. } = second else { panic!("{second:?}") };
    // A pending request counts too: even $10.00 more would wait.
    let more = f.desk.preview_decision(&car2, now(), MoneyAction::Credit, cents(1_000), Some(account)).unwrap();
    assert!(matches!(more, Decision::Pend { .. }), "{more:?}");
    // Withdrawn, it no longer counts: $10.00 more fits ($40 + $10 = $50).
    f.desk.withdraw(&car2, now(), request).unwrap();
    assert_eq!(outcome(f.desk.submit(&car2, now(), &credit(account, 1_000, "item-4"))), Expect::Post);
    // Another account, another person, an adjustment, the next day: each its own count.
    let other = f.residential();
    assert_eq!(outcome(f.desk.submit(&car2, now(), &credit(other, 4_000, "item-5"))), Expect::Post);
    assert_eq!(outcome(f.desk.submit(&car3, now(), &credit(account, 4_000, "item-6"))), Expect::Post);
    let line = MoneyRequest::AdjustLine(LineAdjustRequest {
        bill,
        line: 2,
        amount: cents(4_000),
        direction: LineDirection::Decrease,
        reason: ReasonCode::BillingError,
        note: "wrong size".into(),
        key: "item-7".into(),
    });
    assert_eq!(outcome(f.desk.submit(&car2, now(), &line)), Expect::Post);
    let tomorrow = now() + Duration::days(1);
    assert_eq!(outcome(f.desk.submit(&car2, tomorrow, &credit(account, 4_000, "item-8"))), Expect::Post);
    // An approved request counts on the day it is posted, like any posting.
    let big = pending_id(f.desk.submit(&car2, tomorrow, &credit(account, 4_000, "item-9")).unwrap());
    f.desk.approve(&supervisor, tomorrow, big, None, None).unwrap();
    assert_eq!(
        outcome(f.desk.submit(&car2, tomorrow, &credit(account, 100, "item-10"))),
        Expect::Pend(Role::Supervisor)
    );
    f.assert_verified();
}

/// A refused rejection says it was the rejection that was refused, and the
/// request keeps its reason in the third person (the queue is read by the
/// reviewer, after the request went).
#[test]
fn a_refused_rejection_says_reject_and_a_request_speaks_of_its_requester() {
    let (mut f, account, _, _) = scene();
    let (car3, supervisor) = (f.staff.car3.clone(), f.staff.supervisor.clone());
    let request = pending_id(f.desk.submit(&car3, now(), &credit(account, 300_000, "big-ask")).unwrap());
    let error = f.desk.reject(&supervisor, now(), request, "no").unwrap_err();
    assert!(error.to_string().contains("you cannot reject this $3,000.00 credit"), "{error}");
    let row = f.desk.requests(now(), Some("pending"), None).unwrap().into_iter().find(|r| r.row.id == request).unwrap();
    assert_eq!(
        row.row.reason,
        "Above Customer Account Representative III's credit limit of $250.00: this $3,000.00 credit needs a manager's approval"
    );
    assert_eq!(row.row.requested_by_full_name, "Casey Three");
}

/// A re-rate is worked out again when it is approved; if the bill changed
/// while the request waited and the re-rate now comes to more than was
/// asked and approved, the approval posts nothing and says why.
#[test]
fn an_approved_re_rate_posts_no_more_than_was_approved() {
    use utility_desk::desk::RerateRequest;
    let (mut f, _, bill, _) = scene();
    let (car1, manager, supervisor) = (f.staff.car1.clone(), f.staff.manager.clone(), f.staff.supervisor.clone());
    // September's read was 36,400: 10,000 gallons less is the corrected read.
    let rerate = MoneyRequest::AdjustByRead(RerateRequest {
        bill,
        corrected_reading: 26_400,
        rollover: false,
        reason: ReasonCode::MeterError,
        note: "meter re-read lower".into(),
        key: "rerate-1".into(),
        recompute_caps: false,
    });
    let Outcome::Pending { request, .. } = f.desk.submit(&car1, now(), &rerate).unwrap() else {
        panic!("a CAR I's re-rate waits for a supervisor")
    };
    let pending = |f: &mut Fixture| -> Vec<(i64, utility_desk::domain::money::Money)> {
        let rows = f.desk.requests(now(), Some("pending"), None).unwrap();
        rows.into_iter().map(|r| (r.row.id, r.row.amount)).collect()
    };
    let asked = pending(&mut f).into_iter().find(|&(id, _)| id == request).expect("the request waits").1;
    // Meanwhile $20.00 is put onto the water line: the re-rate, which sets
    // the bill to what the corrected read makes it, now takes $20.00 more off.
    let onto = MoneyRequest::AdjustLine(LineAdjustRequest {
        bill,
        line: 2,
        amount: cents(2_000),
        direction: LineDirection::Increase,
        reason: ReasonCode::BillingError,
        note: "water line under-billed".into(),
        key: "onto-1".into(),
    });
    assert!(matches!(f.desk.submit(&manager, now(), &onto).unwrap(), Outcome::Posted(_)));
    let before = f.counts();
    let error = f.desk.approve(&supervisor, now(), request, None, None).unwrap_err().to_string();
    assert!(error.contains(&format!("more than the {asked} approved")), "{error}");
    assert_eq!(f.counts(), before, "a refused approval writes nothing but its refusal");
    assert_eq!(pending(&mut f), vec![(request, asked)], "the request still waits, as it was");
}
