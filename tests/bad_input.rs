//! What the desk refuses, and that a refusal leaves the database exactly as
//! it was: the same `verify` counts, the same balances, and the same rows in
//! every table (read through a second connection to the database file).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::Days;
use common::{cents, close_account, day, file_fixture, fingerprint, month_request, now, payment, today};
use utility_desk::desk::{
    Actor, Desk, DeskError, LineAdjustRequest, LineDirection, NewAccountRequest, NewCustomer, NewRead, PremiseChoice,
    RerateRequest, ReverseRequest, WaiveRequest,
};
use utility_desk::domain::Money;
use utility_desk::domain::account::{Address, MeterSize, Services};
use utility_desk::domain::ids::{AccountId, BillId, PostingId};
use utility_desk::domain::ledger::{LedgerError, ReasonCode};
use utility_desk::domain::money::AmountError;
use utility_desk::domain::reads::{ReadError, ReadKind};

/// What the refusals are tried against.
struct Scene {
    actor: Actor,
    open: AccountId,
    closed: AccountId,
    bill: BillId,
    bill_posting: PostingId,
    reversed: PostingId,
}

const UNKNOWN: AccountId = AccountId(987_654);

type Attempt = fn(&mut Desk, &Scene) -> Result<(), DeskError>;
type Expected = fn(&DeskError) -> bool;

fn cases() -> Vec<(&'static str, Attempt, Expected)> {
    vec![
        (
            "payment to an unknown account",
            |d, s| d.record_payment(&s.actor, now(), &payment(UNKNOWN, cents(100), today(), "k-unknown-pay")).map(drop),
            |e| matches!(e, DeskError::UnknownAccount(_)),
        ),
        (
            "payment dated before the account opened",
            |d, s| {
                let long_ago = chrono::NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
                d.record_payment(&s.actor, now(), &payment(s.open, cents(100), long_ago, "k-1900-pay")).map(drop)
            },
            |e| e.to_string().contains("is before account"),
        ),
        (
            "credit to an unknown account",
            |d, s| d.issue_credit(&s.actor, now(), &common::credit(UNKNOWN, cents(100), "k-unknown-credit")).map(drop),
            |e| matches!(e, DeskError::UnknownAccount(_)),
        ),
        (
            "bill for an unknown account",
            |d, s| d.post_bill(&s.actor, now(), &month_request(UNKNOWN, 2026, 10, 9_000)).map(drop),
            |e| matches!(e, DeskError::UnknownAccount(_)),
        ),
        (
            "overview of an unknown account",
            |d, _| d.overview(UNKNOWN, now()).map(drop),
            |e| matches!(e, DeskError::UnknownAccount(_)),
        ),
        (
            "payment to a closed account",
            |d, s| d.record_payment(&s.actor, now(), &payment(s.closed, cents(100), today(), "k-closed-pay")).map(drop),
            |e| matches!(e, DeskError::AccountClosed(_)),
        ),
        (
            "credit to a closed account",
            |d, s| d.issue_credit(&s.actor, now(), &common::credit(s.closed, cents(100), "k-closed-credit")).map(drop),
            |e| matches!(e, DeskError::AccountClosed(_)),
        ),
        (
            "bill for a closed account",
            |d, s| d.post_bill(&s.actor, now(), &month_request(s.closed, 2026, 10, 9_000)).map(drop),
            |e| matches!(e, DeskError::AccountClosed(_)),
        ),
        (
            "read lower than the previous read, no rollover",
            |d, s| d.post_bill(&s.actor, now(), &month_request(s.open, 2026, 10, 5_000)).map(drop),
            |e| {
                matches!(e, DeskError::Read(ReadError::LowerThanPrevious { previous: 6_400, current: 5_000 }))
                    && e.to_string().contains("rollover")
            },
        ),
        (
            "rollover confirmed on a read that is not lower",
            |d, s| {
                let mut request = month_request(s.open, 2026, 10, 9_000);
                request.read.rollover = true;
                d.post_bill(&s.actor, now(), &request).map(drop)
            },
            |e| matches!(e, DeskError::Read(ReadError::NotARollover { .. })),
        ),
        (
            "read with more digits than the meter has dials",
            |d, s| d.post_bill(&s.actor, now(), &month_request(s.open, 2026, 10, 10_000_000)).map(drop),
            |e| matches!(e, DeskError::Read(ReadError::TooManyDigits { dials: 7, .. })),
        ),
        (
            "read dated in the future",
            |d, s| {
                let mut request = month_request(s.open, 2026, 10, 9_000);
                request.read.read_on = today() + Days::new(1);
                d.post_bill(&s.actor, now(), &request).map(drop)
            },
            |e| matches!(e, DeskError::FutureDate { what: "read", .. }),
        ),
        (
            "bill dated in the future",
            |d, s| {
                let mut request = month_request(s.open, 2026, 10, 9_000);
                request.bill_date = today() + Days::new(1);
                d.post_bill(&s.actor, now(), &request).map(drop)
            },
            |e| matches!(e, DeskError::FutureDate { what: "bill", .. }),
        ),
        (
            "payment dated in the future",
            |d, s| {
                let request = payment(s.open, cents(100), today() + Days::new(1), "k-future-pay");
                d.record_payment(&s.actor, now(), &request).map(drop)
            },
            |e| matches!(e, DeskError::FutureDate { what: "payment", .. }),
        ),
        (
            "late fees assessed as of a future date",
            |d, s| d.assess_late_fees(&s.actor, now(), today() + Days::new(1)).map(drop),
            |e| matches!(e, DeskError::FutureDate { what: "assessment", .. }),
        ),
        (
            "account opened in the future",
            |d, s| d.open_account(&s.actor, now(), &new_account(today() + Days::new(1))).map(drop),
            |e| matches!(e, DeskError::FutureDate { what: "opening", .. }),
        ),
        (
            "read dated before the meter's last read",
            |d, s| {
                let mut request = month_request(s.open, 2026, 10, 9_000);
                request.read.read_on = day(2026, 9, 29);
                d.post_bill(&s.actor, now(), &request).map(drop)
            },
            |e| matches!(e, DeskError::Invalid(m) if m.contains("already read")),
        ),
        (
            "billing period that ends before it starts",
            |d, s| {
                let mut request = month_request(s.open, 2026, 10, 9_000);
                request.period_end = day(2026, 9, 30);
                request.period_start = day(2026, 10, 31);
                d.post_bill(&s.actor, now(), &request).map(drop)
            },
            |e| matches!(e, DeskError::Invalid(m) if m.contains("before it starts")),
        ),
        (
            "the same period billed twice",
            |d, s| d.post_bill(&s.actor, now(), &month_request(s.open, 2026, 9, 9_000)).map(drop),
            |e| matches!(e, DeskError::AlreadyBilled { .. }),
        ),
        (
            "a period overlapping a billed one",
            |d, s| {
                let mut request = month_request(s.open, 2026, 10, 9_000);
                request.period_start = day(2026, 9, 30);
                d.post_bill(&s.actor, now(), &request).map(drop)
            },
            |e| matches!(e, DeskError::AlreadyBilled { .. }),
        ),
        (
            "credit with an empty note",
            |d, s| {
                let mut request = common::credit(s.open, cents(100), "k-empty-credit");
                request.note = "   ".into();
                d.issue_credit(&s.actor, now(), &request).map(drop)
            },
            |e| matches!(e, DeskError::NoteRequired(_)),
        ),
        (
            "reversal with an empty note",
            |d, s| {
                let request = ReverseRequest { posting: s.bill_posting, note: String::new(), key: "k-rev".into() };
                d.reverse(&s.actor, now(), &request).map(drop)
            },
            |e| matches!(e, DeskError::NoteRequired(_)),
        ),
        (
            "waiver with an empty note",
            |d, s| {
                let request = WaiveRequest { late_fee: s.bill_posting, note: "\t".into(), key: "k-waive".into() };
                d.waive_late_fee(&s.actor, now(), &request).map(drop)
            },
            |e| matches!(e, DeskError::NoteRequired(_)),
        ),
        (
            "re-rate with an empty note",
            |d, s| d.adjust_bill_by_read(&s.actor, now(), &rerate(s.bill, 4_000, "")).map(drop),
            |e| matches!(e, DeskError::NoteRequired(_)),
        ),
        (
            "line adjustment with an empty note",
            |d, s| d.adjust_bill_line(&s.actor, now(), &line(s.bill, 100, LineDirection::Decrease, " ")).map(drop),
            |e| matches!(e, DeskError::NoteRequired(_)),
        ),
        (
            "a used key with another amount",
            |d, s| {
                d.record_payment(&s.actor, now(), &payment(s.open, cents(5_001), day(2026, 10, 5), "pay-1")).map(drop)
            },
            |e| matches!(e, DeskError::KeyReused { key, .. } if key == "pay-1"),
        ),
        (
            "a payment's key used for a credit",
            |d, s| d.issue_credit(&s.actor, now(), &common::credit(s.open, cents(5_000), "pay-1")).map(drop),
            |e| matches!(e, DeskError::KeyReused { .. }),
        ),
        (
            "a payment's key used for a reversal",
            |d, s| {
                let request = ReverseRequest { posting: s.bill_posting, note: "dup".into(), key: " pay-1 ".into() };
                d.reverse(&s.actor, now(), &request).map(drop)
            },
            |e| matches!(e, DeskError::KeyReused { .. }),
        ),
        (
            "an empty idempotency key",
            |d, s| d.record_payment(&s.actor, now(), &payment(s.open, cents(100), today(), "  ")).map(drop),
            |e| matches!(e, DeskError::Invalid(m) if m.contains("idempotency key")),
        ),
        (
            "a zero payment",
            |d, s| d.record_payment(&s.actor, now(), &payment(s.open, Money::ZERO, today(), "k-zero")).map(drop),
            |e| matches!(e, DeskError::Ledger(LedgerError::NonPositive(_))),
        ),
        (
            "a negative payment",
            |d, s| d.record_payment(&s.actor, now(), &payment(s.open, cents(-500), today(), "k-neg")).map(drop),
            |e| matches!(e, DeskError::Ledger(LedgerError::NonPositive(_))),
        ),
        (
            "a negative credit",
            |d, s| d.issue_credit(&s.actor, now(), &common::credit(s.open, cents(-500), "k-neg-credit")).map(drop),
            |e| matches!(e, DeskError::Amount(AmountError::Negative)),
        ),
        (
            "a payment above the $10,000,000.00 cap",
            |d, s| {
                let request = payment(s.open, cents(1_000_000_001), today(), "k-huge");
                d.record_payment(&s.actor, now(), &request).map(drop)
            },
            |e| matches!(e, DeskError::Ledger(LedgerError::AboveCap(_))),
        ),
        (
            "a card number as the payment reference",
            |d, s| {
                let mut request = payment(s.open, cents(100), today(), "k-card");
                request.reference = Some("4111 1111 1111 1111".into());
                d.record_payment(&s.actor, now(), &request).map(drop)
            },
            |e| matches!(e, DeskError::Invalid(m) if m.contains("card number")),
        ),
        (
            "reversal of an unknown posting",
            |d, s| {
                let request = ReverseRequest { posting: PostingId(99_999), note: "typo".into(), key: "k-rev-u".into() };
                d.reverse(&s.actor, now(), &request).map(drop)
            },
            |e| matches!(e, DeskError::UnknownPosting(PostingId(99_999))),
        ),
        (
            "second reversal of a posting",
            |d, s| {
                let request = ReverseRequest { posting: s.reversed, note: "again".into(), key: "k-rev-2".into() };
                d.reverse(&s.actor, now(), &request).map(drop)
            },
            |e| matches!(e, DeskError::AlreadyReversed { .. }),
        ),
        (
            "waiver of a posting that is not a late fee",
            |d, s| {
                let request = WaiveRequest { late_fee: s.bill_posting, note: "no".into(), key: "k-waive-bill".into() };
                d.waive_late_fee(&s.actor, now(), &request).map(drop)
            },
            |e| matches!(e, DeskError::NotALateFee(_)),
        ),
        (
            "re-rate of an unknown bill",
            |d, s| d.adjust_bill_by_read(&s.actor, now(), &rerate(BillId(99_999), 4_000, "misread")).map(drop),
            |e| matches!(e, DeskError::UnknownBill(BillId(99_999))),
        ),
        (
            "re-rate to the read already billed",
            |d, s| d.adjust_bill_by_read(&s.actor, now(), &rerate(s.bill, 6_400, "misread")).map(drop),
            |e| matches!(e, DeskError::NothingToAdjust),
        ),
        (
            "re-rate to a read below the previous one",
            |d, s| d.adjust_bill_by_read(&s.actor, now(), &rerate(s.bill, 500, "misread")).map(drop),
            |e| matches!(e, DeskError::Read(ReadError::LowerThanPrevious { .. })),
        ),
        (
            "line adjustment larger than the service's charges",
            |d, s| d.adjust_bill_line(&s.actor, now(), &line(s.bill, 2_486, LineDirection::Decrease, "x")).map(drop),
            |e| matches!(e, DeskError::DecreaseTooLarge { .. }),
        ),
        (
            "line adjustment with a negative amount",
            |d, s| d.adjust_bill_line(&s.actor, now(), &line(s.bill, -100, LineDirection::Decrease, "x")).map(drop),
            |e| matches!(e, DeskError::Amount(AmountError::Negative)),
        ),
        (
            "line adjustment on a line the bill does not have",
            |d, s| {
                let mut request = line(s.bill, 100, LineDirection::Decrease, "x");
                request.line = 0;
                d.adjust_bill_line(&s.actor, now(), &request).map(drop)
            },
            |e| matches!(e, DeskError::UnknownBillLine { line: 0, .. }),
        ),
    ]
}

#[test]
fn every_refusal_leaves_the_database_exactly_as_it_was() {
    let mut file = file_fixture();
    let f = &mut file.fixture;
    let open = f.residential();
    let closed = f.residential();
    let september = f.bill_month(open, 2026, 9, 6_400);
    f.bill_month(closed, 2026, 9, 6_400);
    f.pay(open, cents(5_000), day(2026, 10, 5), "pay-1");
    let mistaken = f.pay(open, cents(100), day(2026, 10, 6), "pay-2");
    f.reverse(mistaken, "rev-pay-2");
    close_account(&mut f.desk, closed);
    let scene = Scene {
        actor: f.staff.cashier().clone(),
        open,
        closed,
        bill: september.bill,
        bill_posting: september.posted.posting_id,
        reversed: mistaken.posting_id,
    };
    f.assert_verified();

    for (name, attempt, expected) in cases() {
        let counts = f.counts();
        let balances = (f.balance(open), f.balance(closed));
        let rows = fingerprint(&file.path);

        let error = match attempt(&mut f.desk, &scene) {
            Ok(()) => panic!("{name}: accepted, expected a refusal"),
            Err(error) => error,
        };

        assert!(expected(&error), "{name}: unexpected refusal {error:?}");
        assert!(!error.to_string().is_empty(), "{name}: the refusal says why");
        assert_eq!(f.counts(), counts, "{name}: verify counts changed");
        assert_eq!((f.balance(open), f.balance(closed)), balances, "{name}: a balance changed");
        assert_eq!(fingerprint(&file.path), rows, "{name}: the database changed");
    }
    // The fingerprint does see a change that is made.
    let rows = fingerprint(&file.path);
    f.pay(open, cents(1), today(), "pay-after");
    assert_ne!(fingerprint(&file.path), rows);
    f.assert_verified();
}

#[test]
fn a_rollover_is_billed_only_once_it_is_confirmed() {
    let mut file = file_fixture();
    let f = &mut file.fixture;
    let account = f.residential_with(9_999_000, Money::ZERO);
    let actor = f.staff.cashier().clone();
    let rows = fingerprint(&file.path);

    let request = month_request(account, 2026, 10, 1_500);
    let error = f.desk.post_bill(&actor, now(), &request).unwrap_err();
    assert!(error.to_string().contains("rollover"), "{error}");
    assert_eq!(fingerprint(&file.path), rows);

    let confirmed = month_request(account, 2026, 10, 1_500);
    let confirmed = utility_desk::desk::BillRequest { read: NewRead { rollover: true, ..confirmed.read }, ..confirmed };
    let posted = f.desk.post_bill(&actor, now(), &confirmed).unwrap();
    let bill = f.desk.preview_rerate(posted.bill, 1_500, true).unwrap().bill;
    // 9,999,000 -> 10,000,000 -> 1,500: 2,500 gallons.
    assert_eq!(bill.consumption_gal, 2_500);
    assert!(bill.current_read.rollover);
    // Meter $10.25, water 2.5 x 5.39 = 13.475 -> $13.48, sewer 2.5 x 10.02 = $25.05, the flat charges.
    assert_eq!(posted.total, cents(1025 + 1348 + 2505 + 1063 + 2485 + 525));
    assert_eq!(f.balance(account), posted.total);
    f.assert_verified();
}

#[test]
fn a_bill_run_posts_the_good_bills_and_leaves_no_trace_of_the_refused() {
    let mut file = file_fixture();
    let f = &mut file.fixture;
    let good = f.residential();
    let billed = f.residential();
    let closed = f.residential();
    f.bill_month(billed, 2026, 10, 6_400);
    close_account(&mut f.desk, closed);
    let counts = f.counts();
    let actor = f.staff.cashier().clone();

    let mut future = month_request(billed, 2026, 11, 9_000);
    future.read.read_on = today() + Days::new(3);
    let requests = [
        month_request(billed, 2026, 10, 9_000), // already billed
        month_request(good, 2026, 10, 6_400),
        month_request(closed, 2026, 10, 6_400),
        future,
        month_request(UNKNOWN, 2026, 10, 6_400),
    ];
    let report = f.desk.bill_run(&actor, now(), &requests).unwrap();

    assert_eq!((report.billed, report.total), (1, cents(13_420)));
    let refused: Vec<AccountId> = report.refused.iter().map(|(account, _)| *account).collect();
    assert_eq!(refused, [billed, closed, billed, UNKNOWN]);
    assert!(report.refused[0].1.contains("already billed"), "{}", report.refused[0].1);
    assert!(report.refused[1].1.contains("closed"), "{}", report.refused[1].1);
    assert!(report.refused[2].1.contains("future"), "{}", report.refused[2].1);
    let after = f.counts();
    assert_eq!((after.bills, after.postings), (counts.bills + 1, counts.postings + 1), "only the good bill");
    assert_eq!(f.balance(billed), cents(13_420));
    // The refused bills' reads were not kept either: a bill read on 19
    // November (before the refused read of the 23rd) starts from 6,400.
    let next = utility_desk::desk::BillRequest {
        account: billed,
        period_start: day(2026, 11, 1),
        period_end: day(2026, 11, 19),
        bill_date: day(2026, 11, 20),
        read: NewRead { read_on: day(2026, 11, 19), reading: 9_000, kind: ReadKind::Actual, rollover: false },
    };
    let next = f.desk.post_bill(&actor, now(), &next).unwrap();
    let bill = f.desk.preview_rerate(next.bill, 9_000, false).unwrap().bill;
    assert_eq!((bill.previous_read.reading, bill.consumption_gal), (6_400, 2_600));
    f.assert_verified();
}

fn rerate(bill: BillId, corrected_reading: u64, note: &str) -> RerateRequest {
    RerateRequest {
        bill,
        corrected_reading,
        rollover: false,
        reason: ReasonCode::MeterError,
        note: note.into(),
        key: format!("k-rerate-{bill}-{corrected_reading}"),
        recompute_caps: false,
    }
}

fn line(bill: BillId, amount: i64, direction: LineDirection, note: &str) -> LineAdjustRequest {
    LineAdjustRequest {
        bill,
        line: 5,
        amount: cents(amount),
        direction,
        reason: ReasonCode::BillingError,
        note: note.into(),
        key: format!("k-line-{bill}-{amount}"),
    }
}

fn new_account(opened_on: chrono::NaiveDate) -> NewAccountRequest {
    let address = Address {
        line1: "1 Main St".into(),
        line2: None,
        city: "Tulsa".into(),
        state: "OK".into(),
        zip: "74103".into(),
    };
    NewAccountRequest {
        cycle: 1,
        customer: utility_desk::desk::CustomerChoice::New(NewCustomer {
            name: "Future Customer".into(),
            mailing: address.clone(),
            phone: None,
            email: None,
            tax_id_last4: None,
        }),
        premise: PremiseChoice::New { address, sewer_cap_gal: 6_000 },
        opened_on,
        deposit: Money::ZERO,
        services: Services {
            meter_number: "F1".into(),
            meter_size: MeterSize::FiveEighths,
            meter_dials: 7,
            sewer: true,
            stormwater: true,
            refuse: None,
            emsacare: false,
        },
        opening_read: 0,
    }
}
