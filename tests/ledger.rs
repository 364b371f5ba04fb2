//! The ledger core at work: bills, payments, credits, idempotency,
//! reversals, late fees and waivers, re-rating and line adjustments, and
//! the aging the account overview shows. Each test ends with `verify`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{cents, day, fixture, month_request, noon_on, now, payment};
use rust_decimal::Decimal;
use utility_desk::desk::{DeskError, LineAdjustRequest, LineDirection, RerateRequest, ReverseRequest, WaiveRequest};
use utility_desk::domain::Money;
use utility_desk::domain::account::ServiceKind;
use utility_desk::domain::ids::{BillId, PostingId};
use utility_desk::domain::ledger::{PostingKind, ReasonCode, Side};

/// The typical account's charges for 5,400 gallons, line by line, in cents.
const LINES_5400_GAL: [(ServiceKind, i64); 6] = [
    (ServiceKind::Water, 1025),      // 5/8" meter charge
    (ServiceKind::Water, 2911),      // 5.400 kgal x $5.39 = 29.106
    (ServiceKind::Sewer, 5411),      // 5.400 kgal x $10.02 = 54.108
    (ServiceKind::Stormwater, 1063), // flat
    (ServiceKind::Refuse, 2485),     // 96-gallon cart, weekly
    (ServiceKind::Emsacare, 525),    // flat
];
const TOTAL_5400_GAL: i64 = 13_420;

#[test]
fn a_bill_posts_its_lines_and_moves_the_balance() {
    let mut f = fixture();
    let account = f.residential();
    assert_eq!(f.balance(account), Money::ZERO);
    let before = f.counts();

    let posted = f.bill_month(account, 2026, 10, 6_400);

    assert!(!posted.posted.replayed);
    assert_eq!(posted.total, cents(TOTAL_5400_GAL));
    // One receivable debit, and one revenue credit per service (the two water lines merge).
    assert_eq!(posted.ledger_lines, 6);

    let bill = f.desk.preview_rerate(posted.bill, 6_400, false).unwrap().bill;
    let lines: Vec<(ServiceKind, i64)> = bill.lines.iter().map(|l| (l.line.service, l.line.amount.cents())).collect();
    assert_eq!(lines, LINES_5400_GAL);
    assert_eq!(bill.lines.iter().map(|l| l.seq).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6]);
    assert_eq!(bill.total, bill.lines.iter().map(|l| l.line.amount).sum::<Money>(), "total is the sum of the lines");
    assert_eq!(bill.consumption_gal, 5_400);
    assert_eq!((bill.bill_date, bill.due_date), (day(2026, 11, 1), day(2026, 11, 21)));
    assert_eq!((bill.previous_read.reading, bill.current_read.reading), (1_000, 6_400));

    assert_eq!(f.balance(account), cents(TOTAL_5400_GAL));
    let after = f.counts();
    assert_eq!(after.bills, before.bills + 1);
    assert_eq!(after.postings, before.postings + 1);
    assert_eq!(after.entries, before.entries + 6);
    assert_eq!(after.total_debits - before.total_debits, cents(TOTAL_5400_GAL));
    assert_eq!(after.total_credits - before.total_credits, cents(TOTAL_5400_GAL));

    let overview = f.desk.overview(account, now()).unwrap();
    assert_eq!(overview.bills.len(), 1);
    assert_eq!(overview.bills[0].id, posted.bill);
    let entry = &overview.entries[0];
    assert_eq!((entry.posting_id, entry.kind, entry.side), (posted.posted.posting_id, PostingKind::Bill, Side::Debit));
    assert_eq!((entry.amount, entry.bill_id), (cents(TOTAL_5400_GAL), Some(posted.bill)));
    f.assert_verified();
}

#[test]
fn sewer_is_billed_on_the_lesser_of_use_and_the_cap() {
    let mut f = fixture();
    let account = f.residential();
    // 8,000 gallons against a 6,000-gallon cap: sewer bills 6,000.
    let posted = f.bill_month(account, 2026, 10, 9_000);
    let bill = f.desk.preview_rerate(posted.bill, 9_000, false).unwrap().bill;
    let sewer: Vec<_> = bill.lines.iter().filter(|l| l.line.service == ServiceKind::Sewer).collect();
    assert_eq!(sewer.len(), 1);
    assert_eq!(sewer[0].line.quantity, Decimal::new(6_000, 3));
    assert_eq!(sewer[0].line.amount, cents(6_012));
    assert_eq!(bill.sewer_cap_gal, 6_000);
    assert_eq!(posted.total, cents(1025 + 4312 + 6012 + 1063 + 2485 + 525));
    f.assert_verified();
}

#[test]
fn a_payment_lowers_the_balance() {
    let mut f = fixture();
    let account = f.residential();
    f.bill_month(account, 2026, 10, 6_400);
    let before = f.counts();

    let posted = f.pay(account, cents(5_000), day(2026, 11, 15), "pay-1");

    assert!(!posted.replayed);
    assert_eq!(f.balance(account), cents(TOTAL_5400_GAL - 5_000));
    let after = f.counts();
    assert_eq!((after.postings, after.entries), (before.postings + 1, before.entries + 2));
    let entry = &f.desk.overview(account, now()).unwrap().entries[0];
    assert_eq!((entry.posting_id, entry.kind), (posted.posting_id, PostingKind::Payment));
    assert_eq!((entry.side, entry.amount, entry.effective_on), (Side::Credit, cents(5_000), day(2026, 11, 15)));
    f.assert_verified();
}

#[test]
fn a_credit_carries_its_reason_and_note_and_needs_a_note() {
    let mut f = fixture();
    let account = f.residential();
    f.bill_month(account, 2026, 10, 6_400);
    let actor = f.staff.cashier().clone();

    let mut request = common::credit(account, cents(1_500), "credit-1");
    request.reason = ReasonCode::Leak;
    request.note = "  leak under the slab, repaired 11/02  ".into();
    let posted = f.desk.issue_credit(&actor, now(), &request).unwrap();
    assert!(!posted.replayed);
    assert_eq!(f.balance(account), cents(TOTAL_5400_GAL - 1_500));
    let entry = f.desk.overview(account, now()).unwrap().entries[0].clone();
    assert_eq!((entry.kind, entry.reason, entry.side), (PostingKind::Credit, Some(ReasonCode::Leak), Side::Credit));
    assert!(entry.memo.contains("leak under the slab, repaired 11/02"), "{}", entry.memo);

    for note in ["", "   ", "\n\t"] {
        let before = f.counts();
        let balance = f.balance(account);
        let mut empty = common::credit(account, cents(500), "credit-2");
        empty.note = note.into();
        let error = f.desk.issue_credit(&actor, now(), &empty).unwrap_err();
        assert!(matches!(error, DeskError::NoteRequired(_)), "{error:?}");
        assert_eq!((f.counts(), f.balance(account)), (before, balance), "nothing written for note {note:?}");
    }
    // The refused key was never used: it is free for the corrected request.
    let mut fixed = common::credit(account, cents(500), "credit-2");
    fixed.note = "meter reader left gate open".into();
    assert!(!f.desk.issue_credit(&actor, now(), &fixed).unwrap().replayed);
    f.assert_verified();
}

#[test]
fn the_same_key_and_request_posts_once() {
    let mut f = fixture();
    let account = f.residential();
    f.bill_month(account, 2026, 10, 6_400);
    let actor = f.staff.cashier().clone();

    let pay = payment(account, cents(4_000), day(2026, 11, 16), "lockbox-2026-11-16-0007");
    let first = f.desk.record_payment(&actor, now(), &pay).unwrap();
    let counts = f.counts();
    let balance = f.balance(account);
    let again = f.desk.record_payment(&actor, now(), &pay).unwrap();
    assert_eq!(again, utility_desk::desk::Posted { posting_id: first.posting_id, replayed: true });
    assert_eq!((f.counts(), f.balance(account)), (counts, balance), "a replay writes nothing");
    assert_eq!(balance, cents(TOTAL_5400_GAL - 4_000), "the balance moved once");

    let credit = common::credit(account, cents(700), "credit-replay");
    let first = f.desk.issue_credit(&actor, now(), &credit).unwrap();
    let again = f.desk.issue_credit(&actor, now(), &credit).unwrap();
    assert!(again.replayed && again.posting_id == first.posting_id);

    let reverse = ReverseRequest { posting: first.posting_id, note: "wrong account".into(), key: "rev-1".into() };
    let reversal = f.desk.reverse(&actor, now(), &reverse).unwrap();
    let again = f.desk.reverse(&actor, now(), &reverse).unwrap();
    assert!(again.replayed && again.posting_id == reversal.posting_id);
    assert_eq!(f.balance(account), cents(TOTAL_5400_GAL - 4_000));
    f.assert_verified();
}

#[test]
fn the_same_key_with_a_different_request_is_refused() {
    let mut f = fixture();
    let account = f.residential();
    f.bill_month(account, 2026, 10, 6_400);
    let actor = f.staff.cashier().clone();
    let first = f.pay(account, cents(4_000), day(2026, 11, 16), "pay-key");
    let counts = f.counts();
    let balance = f.balance(account);

    let changed_amount = payment(account, cents(4_001), day(2026, 11, 16), "pay-key");
    let changed_date = payment(account, cents(4_000), day(2026, 11, 15), "pay-key");
    let mut changed_reference = payment(account, cents(4_000), day(2026, 11, 16), "pay-key");
    changed_reference.reference = Some("check 1043".into());
    for request in [changed_amount, changed_date, changed_reference] {
        let error = f.desk.record_payment(&actor, now(), &request).unwrap_err();
        match error {
            DeskError::KeyReused { key, posting } => assert_eq!((key.as_str(), posting), ("pay-key", first.posting_id)),
            other => panic!("expected KeyReused, got {other:?}"),
        }
        assert_eq!((f.counts(), f.balance(account)), (counts, balance), "nothing written");
    }
    // A different kind of request under the same key is refused too.
    let error = f.desk.issue_credit(&actor, now(), &common::credit(account, cents(4_000), "pay-key")).unwrap_err();
    assert!(matches!(error, DeskError::KeyReused { .. }), "{error:?}");
    assert_eq!((f.counts(), f.balance(account)), (counts, balance));
    f.assert_verified();
}

#[test]
fn a_reversal_nets_to_zero_once() {
    let mut f = fixture();
    let account = f.residential();
    let bill = f.bill_month(account, 2026, 10, 6_400);
    let payment = f.pay(account, cents(10_000), day(2026, 11, 10), "pay-1");
    assert_eq!(f.balance(account), cents(TOTAL_5400_GAL - 10_000));
    let debits_before = f.counts().total_debits;

    let reversal = f.reverse(payment, "rev-pay-1");
    assert!(!reversal.replayed);
    assert_eq!(f.balance(account), cents(TOTAL_5400_GAL), "the payment's effect is gone");
    // The reversal adds its mirror image: debits and credits both grow by the amount.
    assert_eq!(f.counts().total_debits - debits_before, cents(10_000));
    let overview = f.desk.overview(account, now()).unwrap();
    let payment_entry = overview.entries.iter().find(|e| e.posting_id == payment.posting_id).unwrap();
    assert_eq!(payment_entry.reversed_by, Some(reversal.posting_id));
    let reversal_entry = overview.entries.iter().find(|e| e.posting_id == reversal.posting_id).unwrap();
    assert_eq!(
        (reversal_entry.kind, reversal_entry.side, reversal_entry.amount),
        (PostingKind::Reversal, Side::Debit, cents(10_000))
    );

    let actor = f.staff.cashier().clone();
    let counts = f.counts();
    let twice = ReverseRequest { posting: payment.posting_id, note: "again".into(), key: "rev-pay-1-again".into() };
    let error = f.desk.reverse(&actor, now(), &twice).unwrap_err();
    assert!(
        matches!(error, DeskError::AlreadyReversed { posting, by } if posting == payment.posting_id && by == reversal.posting_id),
        "{error:?}"
    );
    let of_reversal = ReverseRequest { posting: reversal.posting_id, note: "undo".into(), key: "rev-rev".into() };
    let error = f.desk.reverse(&actor, now(), &of_reversal).unwrap_err();
    assert!(matches!(error, DeskError::ReversalOfReversal(p) if p == reversal.posting_id), "{error:?}");
    let unknown = ReverseRequest { posting: PostingId(9_999), note: "typo".into(), key: "rev-unknown".into() };
    assert!(matches!(f.desk.reverse(&actor, now(), &unknown).unwrap_err(), DeskError::UnknownPosting(_)));
    assert_eq!(f.counts(), counts, "refused reversals write nothing");

    // A bill reverses too, and its balance goes back to zero.
    f.reverse(bill.posted, "rev-bill");
    assert_eq!(f.balance(account), Money::ZERO);
    f.assert_verified();
}

#[test]
fn a_reversed_bill_can_be_billed_again_from_the_same_reads() {
    let mut f = fixture();
    let account = f.residential();
    let bill = f.bill_month(account, 2026, 9, 6_400);
    let actor = f.staff.cashier().clone();

    let counts = f.counts();
    let error = f.desk.post_bill(&actor, now(), &month_request(account, 2026, 9, 6_400)).unwrap_err();
    assert!(matches!(error, DeskError::AlreadyBilled { bill: b, .. } if b == bill.bill), "{error:?}");
    assert_eq!(f.counts(), counts);

    f.reverse(bill.posted, "rev-bill");
    let rebill = f.bill_month(account, 2026, 9, 6_400);
    assert_ne!(rebill.bill, bill.bill);
    let overview = f.desk.overview(account, now()).unwrap();
    let new_bill = overview.bills.iter().find(|b| b.id == rebill.bill).unwrap();
    // The rebill starts from the read before the reversed bill, not from the reversed bill's own read.
    assert_eq!((new_bill.previous_read.reading, new_bill.consumption_gal), (1_000, 5_400));
    assert_eq!(rebill.total, cents(TOTAL_5400_GAL));
    assert_eq!(f.balance(account), cents(TOTAL_5400_GAL));
    // And the next month starts from the rebill's read.
    let october = f.bill_month(account, 2026, 10, 11_800);
    assert_eq!(october.total, cents(TOTAL_5400_GAL));
    f.assert_verified();
}

#[test]
fn a_reversed_bill_is_not_adjusted_again() {
    let mut f = fixture();
    let account = f.residential();
    let bill = f.bill_month(account, 2026, 10, 6_400);
    f.reverse(bill.posted, "rev-bill");
    assert_eq!(f.balance(account), Money::ZERO);
    let actor = f.staff.supervisor.clone();
    let counts = f.counts();

    let line = LineAdjustRequest {
        bill: bill.bill,
        line: 5,
        amount: cents(1_000),
        direction: LineDirection::Decrease,
        reason: ReasonCode::BillingError,
        note: "cart missing".into(),
        key: "adj-reversed".into(),
    };
    let error = f.desk.adjust_bill_line(&actor, now(), &line).unwrap_err();
    assert!(matches!(&error, DeskError::Invalid(m) if m.contains("reversed")), "{error:?}");
    let rerate = RerateRequest {
        bill: bill.bill,
        corrected_reading: 4_000,
        rollover: false,
        reason: ReasonCode::MeterError,
        note: "misread".into(),
        key: "rerate-reversed".into(),
        recompute_caps: false,
    };
    let error = f.desk.adjust_bill_by_read(&actor, now(), &rerate).unwrap_err();
    assert!(matches!(&error, DeskError::Invalid(m) if m.contains("reversed")), "{error:?}");
    assert_eq!((f.counts(), f.balance(account)), (counts, Money::ZERO), "the customer is not credited twice");
    f.assert_verified();
}

/// Two unpaid months: August (due 21 September) and September (due 21 October).
fn two_unpaid_bills(f: &mut common::Fixture) -> (utility_desk::domain::ids::AccountId, BillId, BillId) {
    let account = f.residential();
    let august = f.bill_month(account, 2026, 8, 6_400);
    let september = f.bill_month(account, 2026, 9, 11_800);
    (account, august.bill, september.bill)
}

fn late_fees(
    f: &mut common::Fixture,
    account: utility_desk::domain::ids::AccountId,
) -> Vec<(PostingId, Option<BillId>, Money)> {
    f.desk
        .overview(account, now())
        .unwrap()
        .entries
        .iter()
        .filter(|e| e.kind == PostingKind::LateFee)
        .map(|e| (e.posting_id, e.bill_id, e.amount))
        .collect()
}

#[test]
fn a_late_fee_is_one_and_a_half_percent_of_the_past_due_amount_once_per_bill() {
    let mut f = fixture();
    let (account, august, september) = two_unpaid_bills(&mut f);
    let actor = f.staff.cashier().clone();

    // Not yet past due on the due date itself.
    let report = f.desk.assess_late_fees(&actor, now(), day(2026, 9, 21)).unwrap();
    assert_eq!((report.assessed, report.total), (0, Money::ZERO));

    // 25 September: August's $134.20 is past due; 1.5% = $2.013 -> $2.01.
    let report = f.desk.assess_late_fees(&actor, now(), day(2026, 9, 25)).unwrap();
    assert_eq!((report.assessed, report.total), (1, cents(201)));
    assert_eq!(f.balance(account), cents(2 * TOTAL_5400_GAL + 201));
    let counts = f.counts();

    // Running again, on the same or a later day before September is due, posts nothing.
    for as_of in [day(2026, 9, 25), day(2026, 10, 1), day(2026, 10, 21)] {
        let report = f.desk.assess_late_fees(&actor, now(), as_of).unwrap();
        assert_eq!(report.assessed, 0, "{as_of}");
    }
    assert_eq!(f.counts(), counts);

    // 25 October: September is past due too. The fee is on both bills'
    // $268.40, not on the earlier late fee: 1.5% = $4.026 -> $4.03
    // (it would be $4.06 if the $2.01 fee were included).
    let report = f.desk.assess_late_fees(&actor, now(), day(2026, 10, 25)).unwrap();
    assert_eq!((report.assessed, report.total), (1, cents(403)));
    let again = f.desk.assess_late_fees(&actor, now(), day(2026, 10, 25)).unwrap();
    assert_eq!(again.assessed, 0);

    let mut fees = late_fees(&mut f, account);
    fees.sort();
    assert_eq!(
        fees.iter().map(|(_, bill, amount)| (*bill, *amount)).collect::<Vec<_>>(),
        [(Some(august), cents(201)), (Some(september), cents(403))]
    );
    assert_eq!(f.balance(account), cents(2 * TOTAL_5400_GAL + 201 + 403));
    f.assert_verified();
}

/// A late-fee run skips the aging of an account whose balance is covered by
/// bills not yet due; a reversed bill covers nothing, and a past-due bill
/// still draws its fee.
#[test]
fn a_late_fee_run_counts_only_standing_bills_as_not_yet_due() {
    let mut f = fixture();
    let paid_up = f.residential();
    let reversed = f.residential();
    let mut septembers = Vec::new();
    for account in [paid_up, reversed] {
        f.bill_month(account, 2026, 8, 6_400); // $134.20, due 21 September
        septembers.push(f.bill_month(account, 2026, 9, 11_800)); // $134.20, due 21 October
    }
    // One pays August on time and owes only September, not yet due; the
    // other's September bill is reversed, leaving August's $134.20 unpaid.
    f.pay(paid_up, cents(TOTAL_5400_GAL), day(2026, 9, 20), "august");
    f.reverse(septembers[1].posted, "reverse-september");
    assert_eq!(f.balance(paid_up), cents(TOTAL_5400_GAL));
    assert_eq!(f.balance(reversed), cents(TOTAL_5400_GAL));

    let actor = f.staff.cashier().clone();
    let report = f.desk.assess_late_fees(&actor, now(), day(2026, 9, 25)).unwrap();
    assert_eq!((report.accounts_checked, report.assessed, report.total), (2, 1, cents(201)));
    assert!(late_fees(&mut f, paid_up).is_empty());
    assert_eq!(late_fees(&mut f, reversed).iter().map(|fee| fee.2).collect::<Vec<_>>(), [cents(201)]);
    f.assert_verified();
}

#[test]
fn no_late_fee_when_paid_on_time_and_a_fee_on_what_is_left_otherwise() {
    let mut f = fixture();
    let on_time = f.residential();
    let partly = f.residential();
    for account in [on_time, partly] {
        f.bill_month(account, 2026, 9, 6_400); // due 21 October
    }
    f.pay(on_time, cents(TOTAL_5400_GAL), day(2026, 10, 20), "on-time");
    f.pay(partly, cents(TOTAL_5400_GAL - 10_000), day(2026, 10, 20), "partly");

    let actor = f.staff.cashier().clone();
    let report = f.desk.assess_late_fees(&actor, now(), day(2026, 10, 25)).unwrap();
    // Only the account still owing is looked at, and $100.00 past due draws $1.50.
    assert_eq!((report.accounts_checked, report.assessed, report.total), (1, 1, cents(150)));
    assert!(late_fees(&mut f, on_time).is_empty());
    assert_eq!(f.balance(on_time), Money::ZERO);
    assert_eq!(late_fees(&mut f, partly).iter().map(|fee| fee.2).collect::<Vec<_>>(), [cents(150)]);
    f.assert_verified();
}

#[test]
fn a_late_fee_is_waived_once_and_only_a_late_fee() {
    let mut f = fixture();
    let (account, august, _) = two_unpaid_bills(&mut f);
    let actor = f.staff.cashier().clone();
    f.desk.assess_late_fees(&actor, now(), day(2026, 9, 25)).unwrap();
    let (fee, fee_bill, amount) = late_fees(&mut f, account)[0];
    assert_eq!((fee_bill, amount), (Some(august), cents(201)));
    let balance = f.balance(account);

    let empty = WaiveRequest { late_fee: fee, note: " ".into(), key: "waive-1".into() };
    let counts = f.counts();
    assert!(matches!(f.desk.waive_late_fee(&actor, now(), &empty).unwrap_err(), DeskError::NoteRequired(_)));
    assert_eq!(f.counts(), counts);

    let waive = WaiveRequest { late_fee: fee, note: "first late payment in ten years".into(), key: "waive-1".into() };
    let waiver = f.desk.waive_late_fee(&actor, now(), &waive).unwrap();
    assert!(!waiver.replayed);
    assert_eq!(f.balance(account), balance - cents(201));
    let replay = f.desk.waive_late_fee(&actor, now(), &waive).unwrap();
    assert_eq!((replay.posting_id, replay.replayed), (waiver.posting_id, true));

    let counts = f.counts();
    let twice = WaiveRequest { key: "waive-2".into(), ..waive.clone() };
    let error = f.desk.waive_late_fee(&actor, now(), &twice).unwrap_err();
    assert!(
        matches!(error, DeskError::AlreadyWaived { fee: fe, waiver: w } if fe == fee && w == waiver.posting_id),
        "{error:?}"
    );

    let bill_posting = f
        .desk
        .overview(account, now())
        .unwrap()
        .entries
        .iter()
        .find(|e| e.kind == PostingKind::Bill)
        .unwrap()
        .posting_id;
    let not_a_fee = WaiveRequest { late_fee: bill_posting, note: "wrong posting".into(), key: "waive-3".into() };
    let error = f.desk.waive_late_fee(&actor, now(), &not_a_fee).unwrap_err();
    assert!(matches!(error, DeskError::NotALateFee(p) if p == bill_posting), "{error:?}");

    // The waived fee cannot be reversed while its waiver stands.
    let reverse_fee = ReverseRequest { posting: fee, note: "fee in error".into(), key: "rev-fee".into() };
    let error = f.desk.reverse(&actor, now(), &reverse_fee).unwrap_err();
    assert!(
        matches!(error, DeskError::WaivedFirst { posting, waiver: w } if posting == fee && w == waiver.posting_id),
        "{error:?}"
    );
    assert_eq!((f.counts(), f.balance(account)), (counts, balance - cents(201)));

    // A waived fee is not in the overview's past-due amount.
    let overview = f.desk.overview(account, now()).unwrap();
    assert_eq!(overview.aging.balance(), overview.account.balance);
    assert_eq!(overview.account.balance, cents(2 * TOTAL_5400_GAL));
    f.assert_verified();
}

#[test]
fn re_rating_from_a_corrected_read_previews_then_posts_the_difference() {
    let mut f = fixture();
    let account = f.residential();
    let september = f.bill_month(account, 2026, 9, 6_400); // 5,400 gal, read in error
    let balance = f.balance(account);
    let counts = f.counts();

    // The meter really read 4000: 3,000 gallons.
    let review = f.desk.preview_rerate(september.bill, 4_000, false).unwrap();
    assert_eq!((f.counts(), f.balance(account)), (counts, balance), "a preview writes nothing");
    assert_eq!(review.corrected_consumption_gal, 3_000);
    let by_service: Vec<(ServiceKind, i64, i64, i64)> =
        review.services.iter().map(|s| (s.service, s.before.cents(), s.after.cents(), s.difference.cents())).collect();
    assert_eq!(
        by_service,
        [
            (ServiceKind::Water, 1025 + 2911, 1025 + 1617, -1294), // 3.000 kgal x $5.39 = 16.17
            (ServiceKind::Sewer, 5411, 3006, -2405),               // 3.000 kgal x $10.02 = 30.06
            (ServiceKind::Stormwater, 1063, 1063, 0),
            (ServiceKind::Refuse, 2485, 2485, 0),
            (ServiceKind::Emsacare, 525, 525, 0),
        ]
    );
    assert_eq!(review.difference, cents(-1294 - 2405));
    assert_eq!(review.after.iter().map(|l| l.amount).sum::<Money>(), cents(TOTAL_5400_GAL - 3699));

    let actor = f.staff.supervisor.clone();
    let request = RerateRequest {
        bill: september.bill,
        corrected_reading: 4_000,
        rollover: false,
        reason: ReasonCode::MeterError,
        note: "reader transposed digits; photo shows 0004000".into(),
        key: "rerate-sep".into(),
        recompute_caps: false,
    };
    let posted = f.desk.adjust_bill_by_read(&actor, now(), &request).unwrap();
    assert!(!posted.replayed);
    assert_eq!(f.balance(account), balance - cents(3_699), "the receivable is credited by the difference");
    let entry = f.desk.overview(account, now()).unwrap().entries[0].clone();
    assert_eq!(
        (entry.posting_id, entry.kind, entry.bill_id),
        (posted.posting_id, PostingKind::Adjustment, Some(september.bill))
    );
    assert_eq!((entry.side, entry.amount, entry.reason), (Side::Credit, cents(3_699), Some(ReasonCode::MeterError)));

    let counts = f.counts();
    let replay = f.desk.adjust_bill_by_read(&actor, now(), &request).unwrap();
    assert_eq!((replay.posting_id, replay.replayed), (posted.posting_id, true));
    assert_eq!((f.counts(), f.balance(account)), (counts, balance - cents(3_699)));

    // Re-rating again to the same read counts the adjustment that stands: nothing left to adjust.
    let review = f.desk.preview_rerate(september.bill, 4_000, false).unwrap();
    assert!(review.services.iter().all(|s| s.difference.is_zero()), "{:?}", review.services);
    let again = RerateRequest { key: "rerate-sep-2".into(), ..request.clone() };
    assert!(matches!(f.desk.adjust_bill_by_read(&actor, now(), &again).unwrap_err(), DeskError::NothingToAdjust));

    // The bill cannot be reversed while the adjustment stands.
    let reverse_bill =
        ReverseRequest { posting: september.posted.posting_id, note: "rebill".into(), key: "rev-bill".into() };
    assert!(matches!(f.desk.reverse(&actor, now(), &reverse_bill).unwrap_err(), DeskError::AdjustedFirst { .. }));
    assert_eq!(f.counts(), counts);

    // October's consumption starts from the corrected read.
    let october = f.bill_month(account, 2026, 10, 9_400);
    let bill = f.desk.preview_rerate(october.bill, 9_400, false).unwrap().bill;
    assert_eq!((bill.previous_read.reading, bill.consumption_gal), (4_000, 5_400));
    f.assert_verified();
}

#[test]
fn a_bill_line_is_adjusted_by_an_amount_within_what_is_left() {
    let mut f = fixture();
    let account = f.residential();
    let bill = f.bill_month(account, 2026, 10, 6_400).bill;
    let actor = f.staff.supervisor.clone();
    let line = |line: u32, amount: i64, direction: LineDirection, key: &str| LineAdjustRequest {
        bill,
        line,
        amount: cents(amount),
        direction,
        reason: ReasonCode::BillingError,
        note: "refuse cart was not delivered until the 15th".into(),
        key: key.into(),
    };

    // Line 5 is refuse, $24.85. Take $12.43 off.
    let posted = f.desk.adjust_bill_line(&actor, now(), &line(5, 1_243, LineDirection::Decrease, "adj-1")).unwrap();
    assert_eq!(f.balance(account), cents(TOTAL_5400_GAL - 1_243));
    let entry = f.desk.overview(account, now()).unwrap().entries[0].clone();
    assert_eq!(
        (entry.posting_id, entry.kind, entry.bill_id, entry.side),
        (posted.posting_id, PostingKind::Adjustment, Some(bill), Side::Credit)
    );

    // $12.42 is left on refuse: a decrease of $12.43 is too large, $12.42 is not.
    let counts = f.counts();
    let error = f.desk.adjust_bill_line(&actor, now(), &line(5, 1_243, LineDirection::Decrease, "adj-2")).unwrap_err();
    match &error {
        DeskError::DecreaseTooLarge { left, service, .. } => {
            assert_eq!((left.as_str(), service.as_str()), ("$12.42", "refuse"))
        }
        other => panic!("expected DecreaseTooLarge, got {other:?}"),
    }
    assert_eq!((f.counts(), f.balance(account)), (counts, cents(TOTAL_5400_GAL - 1_243)));
    f.desk.adjust_bill_line(&actor, now(), &line(5, 1_242, LineDirection::Decrease, "adj-2")).unwrap();
    assert_eq!(f.balance(account), cents(TOTAL_5400_GAL - 2_485));

    // An increase goes the other way.
    f.desk.adjust_bill_line(&actor, now(), &line(6, 100, LineDirection::Increase, "adj-3")).unwrap();
    assert_eq!(f.balance(account), cents(TOTAL_5400_GAL - 2_485 + 100));

    let counts = f.counts();
    let error = f.desk.adjust_bill_line(&actor, now(), &line(7, 100, LineDirection::Decrease, "adj-4")).unwrap_err();
    assert!(matches!(error, DeskError::UnknownBillLine { line: 7, .. }), "{error:?}");
    // A negative amount is refused, not turned into the opposite direction.
    let error = f.desk.adjust_bill_line(&actor, now(), &line(6, -100, LineDirection::Decrease, "adj-5")).unwrap_err();
    assert!(matches!(error, DeskError::Amount(_)), "{error:?}");
    let error = f.desk.adjust_bill_line(&actor, now(), &line(6, 0, LineDirection::Increase, "adj-6")).unwrap_err();
    assert!(matches!(error, DeskError::Amount(_)), "{error:?}");
    assert_eq!((f.counts(), f.balance(account)), (counts, cents(TOTAL_5400_GAL - 2_485 + 100)));
    f.assert_verified();
}

#[test]
fn the_overview_ages_oldest_first_and_flags_cut_off_at_24_days() {
    let mut f = fixture();
    let account = f.residential();
    f.bill_month(account, 2026, 8, 6_400); // due 21 September
    f.bill_month(account, 2026, 9, 11_800); // due 21 October
    f.bill_month(account, 2026, 10, 17_200); // due 21 November
    // Pays August in full and $34.20 of September: $100.00 of September is left.
    f.pay(account, cents(TOTAL_5400_GAL + 3_420), day(2026, 10, 2), "pay-aug");

    let overview = f.desk.overview(account, now()).unwrap();
    let aging = overview.aging;
    assert_eq!(overview.as_of, day(2026, 11, 20));
    assert_eq!(aging.days_31_60, Money::ZERO, "August was paid first");
    assert_eq!(aging.days_1_30, cents(10_000), "what is left of September, 30 days past due");
    assert_eq!(aging.current, cents(TOTAL_5400_GAL), "October is not due yet");
    assert_eq!(aging.oldest_days_past_due, 30);
    assert_eq!(aging.balance(), overview.account.balance);
    assert!(overview.flags.past_due && overview.flags.cutoff_eligible);

    // (as of, past due, cut-off eligible, days past due): cut-off at 24 days.
    let cases = [
        (day(2026, 10, 21), false, false, 0),
        (day(2026, 10, 22), true, false, 1),
        (day(2026, 11, 13), true, false, 23),
        (day(2026, 11, 14), true, true, 24),
    ];
    for (as_of, past_due, cutoff, days) in cases {
        let overview = f.desk.overview(account, noon_on(as_of)).unwrap();
        assert_eq!(overview.as_of, as_of);
        assert_eq!(
            (overview.flags.past_due, overview.flags.cutoff_eligible, overview.aging.oldest_days_past_due),
            (past_due, cutoff, days),
            "as of {as_of}"
        );
    }

    // Paid up: nothing past due.
    f.pay(account, cents(10_000 + TOTAL_5400_GAL), day(2026, 11, 20), "pay-rest");
    let overview = f.desk.overview(account, now()).unwrap();
    assert_eq!(overview.account.balance, Money::ZERO);
    assert!(!overview.flags.past_due && !overview.flags.cutoff_eligible);
    assert_eq!(overview.aging.past_due(), Money::ZERO);
    f.assert_verified();
}

#[test]
fn verify_passes_after_a_busy_month_on_many_accounts() {
    let mut f = fixture();
    let actor = f.staff.cashier().clone();
    let accounts: Vec<_> = (0..4).map(|_| f.residential()).collect();
    let requests: Vec<_> = accounts.iter().map(|a| month_request(*a, 2026, 9, 6_400)).collect();
    let run = f.desk.bill_run(&actor, now(), &requests).unwrap();
    assert_eq!((run.billed, run.total, run.refused.len()), (4, cents(4 * TOTAL_5400_GAL), 0));
    // Running it again bills nothing and says why for each account.
    let again = f.desk.bill_run(&actor, now(), &requests).unwrap();
    assert_eq!((again.billed, again.refused.len()), (0, 4));

    let paid = f.pay(accounts[0], cents(TOTAL_5400_GAL), day(2026, 10, 10), "p0");
    f.credit(accounts[1], cents(2_000), "c1");
    f.desk.assess_late_fees(&actor, now(), day(2026, 10, 25)).unwrap();
    f.reverse(paid, "r0");
    f.desk.assess_late_fees(&actor, now(), day(2026, 10, 25)).unwrap();
    let total: Money = accounts.clone().into_iter().map(|a| f.balance(a)).sum();
    // Four bills, minus a $20 credit, plus fees on $134.20 (x3: 201 each) and $114.20 (171).
    assert_eq!(total, cents(4 * TOTAL_5400_GAL - 2_000 + 3 * 201 + 171));
    for account in accounts {
        let overview = f.desk.overview(account, now()).unwrap();
        assert_eq!(overview.aging.balance(), overview.account.balance);
    }
    f.assert_verified();
}

#[test]
fn a_decrease_is_limited_by_its_own_line_not_only_by_its_service() {
    let mut f = fixture();
    let account = f.residential();
    let bill = f.bill_month(account, 2026, 10, 6_400).bill;
    let actor = f.staff.supervisor.clone();
    let counts = f.counts();
    // Line 1 is the $10.25 meter charge; water as a whole is $39.36, so
    // $11.00 fits the service but not the line.
    let request = LineAdjustRequest {
        bill,
        line: 1,
        amount: cents(1_100),
        direction: LineDirection::Decrease,
        reason: ReasonCode::BillingError,
        note: "meter charge billed twice".into(),
        key: "line-1".into(),
    };
    match f.desk.adjust_bill_line(&actor, now(), &request).unwrap_err() {
        DeskError::DecreaseTooLarge { left, .. } => assert_eq!(left, "$10.25"),
        other => panic!("expected DecreaseTooLarge, got {other:?}"),
    }
    assert_eq!((f.counts(), f.balance(account)), (counts, cents(TOTAL_5400_GAL)));
    f.desk.adjust_bill_line(&actor, now(), &LineAdjustRequest { amount: cents(1_025), ..request }).unwrap();
    assert_eq!(f.balance(account), cents(TOTAL_5400_GAL - 1_025));
}

#[test]
fn a_client_key_cannot_use_the_prefix_of_the_desk_s_own_keys() {
    let mut f = fixture();
    let account = f.residential();
    f.bill_month(account, 2026, 9, 6_400);
    let actor = f.staff.cashier().clone();
    let counts = f.counts();
    let payment = common::payment(account, cents(500), day(2026, 10, 1), "system:late-fee:1");
    let error = f.desk.record_payment(&actor, now(), &payment).unwrap_err();
    assert!(error.to_string().contains("kept for the desk's own postings"), "{error}");
    let credit = common::credit(account, cents(500), "system:bill:1:1");
    let error = f.desk.issue_credit(&actor, now(), &credit).unwrap_err();
    assert!(error.to_string().contains("kept for the desk's own postings"), "{error}");
    assert_eq!(f.counts(), counts);
    // The late-fee run, whose keys use that prefix, is not blocked.
    let report = f.desk.assess_late_fees(&actor, now(), day(2026, 10, 25)).unwrap();
    assert_eq!(report.assessed, 1);
}

/// A corrected read replaces the read it corrects for everything after it:
/// the next bill, which started from the read corrected, is re-rated from
/// the correction in the same action (previewed, and counted under the same
/// limit), so no gallon goes unbilled or is billed twice; each bill opens on
/// the reading the one before it closes on, and verify says so when not.
#[test]
fn a_corrected_read_re_rates_the_next_bill_too() {
    let mut f = fixture();
    let account = f.residential();
    let august = f.bill_month(account, 2026, 8, 6_400); // 5,400 gal, read in error
    let september = f.bill_month(account, 2026, 9, 11_800); // 5,400 gal from the wrong read
    let balance = f.balance(account);

    // August really read 4000: 3,000 gallons; September then used 7,800.
    let review = f.desk.preview_rerate(august.bill, 4_000, false).unwrap();
    assert_eq!(review.corrected_consumption_gal, 3_000);
    let next = review.next.as_ref().expect("September started from the read corrected");
    assert_eq!((next.bill.id, next.closing_reading, next.corrected_consumption_gal), (september.bill, 11_800, 7_800));
    let by_service: Vec<(ServiceKind, i64)> = next.services.iter().map(|s| (s.service, s.difference.cents())).collect();
    assert_eq!(
        by_service,
        [
            (ServiceKind::Water, 4204 - 2911), // 7.800 kgal x $5.39 = 42.04
            (ServiceKind::Sewer, 6012 - 5411), // capped at 6,000 gal: 60.12
            (ServiceKind::Stormwater, 0),
            (ServiceKind::Refuse, 0),
            (ServiceKind::Emsacare, 0),
        ]
    );
    assert_eq!(review.rewritten(false), cents(3_699 + 1_894), "both bills count against the limit");

    // A CAR III's $500 adjustment limit covers it: both post, in one action.
    let car3 = f.staff.car3.clone();
    let request = RerateRequest {
        bill: august.bill,
        corrected_reading: 4_000,
        rollover: false,
        reason: ReasonCode::MeterError,
        note: "reader transposed digits".into(),
        key: "rerate-aug".into(),
        recompute_caps: false,
    };
    f.desk.adjust_bill_by_read(&car3, now(), &request).unwrap();
    assert_eq!(f.balance(account), balance - cents(3_699) + cents(1_894));
    let adjustments: Vec<_> = f
        .desk
        .overview(account, now())
        .unwrap()
        .entries
        .iter()
        .filter(|e| e.kind == PostingKind::Adjustment)
        .map(|e| e.bill_id)
        .collect();
    assert_eq!(adjustments.len(), 2, "{adjustments:?}");
    assert!(adjustments.contains(&Some(august.bill)) && adjustments.contains(&Some(september.bill)));
    f.assert_verified();
    // The next bill is billed from where September closes, as before.
    let october = f.bill_month(account, 2026, 10, 14_000);
    assert_eq!(
        f.desk.overview(account, now()).unwrap().bills.iter().find(|b| b.id == october.bill).unwrap().consumption_gal,
        2_200
    );
    f.assert_verified();

    // Without the follow-on (as before this fix), verify names the gap.
    f.desk
        .store_for_tests()
        .raw_sql_for_tests(&format!(
            "{} DELETE FROM bill_openings;",
            common::engine::drop_trigger("bill_openings", "bill_openings_no_delete")
        ))
        .unwrap();
    let report = f.desk.verify().unwrap();
    let named = &report
        .checks
        .iter()
        .find(|c| c.name == "every bill opens on the reading the bill before it closes on")
        .unwrap()
        .problems;
    assert_eq!(named.len(), 1, "{named:?}");
    assert!(
        named[0].contains(&format!(
            "bill {} opens on reading 6400, but bill {} before it closes on 4000",
            september.bill, august.bill
        )),
        "{named:?}"
    );
}

/// Sewer caps go on the readings in force. A winter bill corrected before
/// the May recomputation counts as corrected; one corrected after it offers
/// the cap's recomputation and the sewer re-rate of the bills rated with
/// it, which the person takes (or not) in the same action.
#[test]
fn sewer_caps_go_on_the_readings_in_force_and_a_late_correction_offers_their_recomputation() {
    let mut f = fixture();
    let cap_now = |f: &mut common::Fixture, account| f.desk.overview(account, now()).unwrap().sewer_cap_gal;
    // Two households, each billed 4,000 gallons a winter month (bill dates
    // December, January, February: the November, December, January periods).
    let (early, late) = (f.residential(), f.residential());
    for account in [early, late] {
        f.bill_month(account, 2025, 11, 5_000);
        f.bill_month(account, 2025, 12, 9_000);
    }
    let january_early = f.bill_month(early, 2026, 1, 13_000);
    let january_late = f.bill_month(late, 2026, 1, 13_000);
    let manager = f.staff.manager.clone();
    let correct = |bill, key: &str, recompute_caps| RerateRequest {
        bill,
        corrected_reading: 16_000,
        rollover: false,
        reason: ReasonCode::EstimatedRead,
        note: "actual read received".into(),
        key: key.into(),
        recompute_caps,
    };
    // Corrected before May: January used 7,000; the cap averages 5,000.
    f.desk.adjust_bill_by_read(&manager, now(), &correct(january_early.bill, "early", false)).unwrap();
    assert_eq!(f.desk.recompute_sewer_caps(&manager, now(), 2026).unwrap(), 2, "both households' caps set");
    assert_eq!(cap_now(&mut f, early), Some(5_000), "the cap went on the corrected January");
    assert_eq!(cap_now(&mut f, late), Some(4_000));
    // The May job run again (the scheduler retried it) sets nothing more;
    // a representative may not run it; a year not yet begun is refused.
    assert_eq!(f.desk.recompute_sewer_caps(&manager, now(), 2026).unwrap(), 0, "once per account and year");
    let car1 = f.staff.car1.clone();
    assert!(matches!(
        f.desk.recompute_sewer_caps(&car1, now(), 2026),
        Err(utility_desk::desk::DeskError::NotPermitted(_))
    ));
    assert!(matches!(
        f.desk.recompute_sewer_caps(&manager, now(), 2027),
        Err(utility_desk::desk::DeskError::FutureDate { .. })
    ));

    // The late household: February to September billed at 7,000 gallons a
    // month, the sewer capped at 4,000 from May on; then January is corrected.
    let mut reading = 20_000;
    let mut rated = Vec::new();
    for month in 2..=9 {
        rated.push(f.bill_month(late, 2026, month, reading).bill);
        reading += 7_000;
    }
    let review = f.desk.preview_rerate(january_late.bill, 16_000, false).unwrap();
    assert_eq!(review.caps.len(), 1, "{:?}", review.caps);
    let cap = &review.caps[0];
    assert_eq!((cap.effective_from, cap.before_gal, cap.after_gal), (day(2026, 5, 1), 4_000, 5_000));
    // The May to September bills were rated with it: 1,000 more gallons of
    // sewer each, at $10.02 a thousand.
    let offered: Vec<(utility_desk::domain::ids::BillId, i64)> =
        cap.bills.iter().map(|b| (b.bill.id, b.difference.cents())).collect();
    assert_eq!(offered, rated[3..].iter().map(|b| (*b, 1_002)).collect::<Vec<_>>());
    let balance = f.balance(late);
    // Not taken: the cap stays, and only the two bills' re-rates post.
    let declined = RerateRequest { corrected_reading: 15_000, ..correct(january_late.bill, "late-declined", false) };
    let declined_review = f.desk.preview_rerate(january_late.bill, 15_000, false).unwrap();
    f.desk.adjust_bill_by_read(&manager, now(), &declined).unwrap();
    assert_eq!(
        f.balance(late),
        balance + declined_review.difference + declined_review.next.as_ref().unwrap().difference
    );
    assert_eq!(cap_now(&mut f, late), Some(4_000));
    // Taken (corrected again, to 16,000): the cap is recomputed and the
    // sewer of May to September re-rated, all in one action.
    let review = f.desk.preview_rerate(january_late.bill, 16_000, false).unwrap();
    let before = f.balance(late);
    f.desk.adjust_bill_by_read(&manager, now(), &correct(january_late.bill, "late-taken", true)).unwrap();
    let caps: Money = review.caps.iter().flat_map(|c| c.bills.iter()).map(|b| b.difference).sum();
    assert_eq!(f.balance(late), before + review.difference + review.next.as_ref().unwrap().difference + caps);
    assert_eq!(cap_now(&mut f, late), Some(review.caps[0].after_gal));
    // October is billed with the recomputed cap.
    f.bill_month(late, 2026, 10, reading);
    let october = f.desk.overview(late, now()).unwrap().bills[0].clone();
    assert_eq!(october.sewer_cap_gal, review.caps[0].after_gal);
    // And nothing is left to offer.
    assert!(f.desk.preview_rerate(january_late.bill, 16_000, false).unwrap().caps.is_empty());
    f.assert_verified();
}
