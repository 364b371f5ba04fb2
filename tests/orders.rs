//! Service orders and inspection requests through the desk: the review
//! table, authority for each action, bad input that writes nothing, a re-read
//! that offers the bill's re-rate, states that end exactly once, and the
//! contacts and complaints that follow an order.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{
    Fixture, OPENING_READ, Staff, close_account, day, file_fixture, fingerprint, month_request, noon_on, now, opened_on,
};
use utility_desk::desk::{
    Actor, AuditQuery, CaseLink, CaseRef, ComplaintAction, ContactRequest, Desk, DeskError, NewComplaint,
    OrderCompletion, OrderRequest, RerateOffer, RerateRequest, ReviewOutcome,
};
use utility_desk::domain::account::AccountStatus;
use utility_desk::domain::cases::{Channel, ComplaintCategory};
use utility_desk::domain::ids::{AccountId, BillId};
use utility_desk::domain::ledger::ReasonCode;
use utility_desk::domain::orders::{OrderFields, OrderKind, OrderStatus, ReviewFlag};
use utility_desk::store::StoreError;

/// The fixture's first account is at 101 S Peoria Ave with meter M000001.
const ADDRESS: &str = "101 S Peoria Ave";

fn phone() -> Option<String> {
    Some("(918) 555-0101".into())
}

/// A leak inspection with everything it needs, the address said the long way.
fn leak() -> OrderFields {
    OrderFields {
        service_address: Some("101 South Peoria Avenue, Tulsa".into()),
        leak_location: Some("Water bubbling by the meter box".into()),
        contact_phone: phone(),
        ..OrderFields::default()
    }
}

fn stop_on(date: chrono::NaiveDate) -> OrderFields {
    OrderFields {
        service_date: Some(date),
        service_address: Some(ADDRESS.into()),
        forwarding_address: Some("9 W 5th St, Tulsa OK 74119".into()),
        ..OrderFields::default()
    }
}

fn start_on(date: chrono::NaiveDate) -> OrderFields {
    OrderFields {
        service_date: Some(date),
        service_address: Some(ADDRESS.into()),
        contact_phone: phone(),
        ..OrderFields::default()
    }
}

fn request(account: AccountId, kind: OrderKind, fields: OrderFields) -> OrderRequest {
    OrderRequest { account, kind, fields, complaint: None }
}

fn done(outcome: &str, reading: Option<u64>) -> OrderCompletion {
    OrderCompletion { outcome: outcome.into(), reading, rollover: false, new_service: None }
}

/// Drafts as `by` and submits.
fn submitted(desk: &mut Desk, by: &Actor, order: &OrderRequest) -> i64 {
    let id = desk.draft_order(by, now(), order).unwrap();
    desk.submit_order(by, now(), id).unwrap();
    id
}

/// Drafted by a CAR I, submitted, reviewed and sent by a CAR III.
fn sent(f: &mut Fixture, order: &OrderRequest) -> i64 {
    let staff = f.staff.clone();
    let id = submitted(&mut f.desk, &staff.car1, order);
    assert_eq!(f.desk.review_order(&staff.car3, now(), id, None).unwrap(), ReviewOutcome::Reviewed);
    f.desk.send_order(&staff.car3, now(), id, None).unwrap();
    id
}

fn audit_actions(desk: &mut Desk, admin: &Actor, account: AccountId) -> Vec<String> {
    let query = AuditQuery { account: Some(account), limit: 1_000, ..AuditQuery::default() };
    desk.audit(admin, now(), &query).unwrap().into_iter().map(|r| r.record.action).collect()
}

#[test]
fn the_review_table() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let neighbour = f.fixture.residential(); // 102 S Peoria Ave, meter M000002
    let staff = f.fixture.staff.clone();
    let desk = &mut f.fixture.desk;
    let (rep, car3) = (&staff.car1, &staff.car3);

    // An open start order on the account, dated 10 December, and a leak inspection.
    let start = submitted(desk, rep, &request(account, OrderKind::StartService, start_on(day(2026, 12, 10))));
    let first_leak = submitted(desk, rep, &request(account, OrderKind::LeakInspection, leak()));

    let meter_test = |meter: &str| OrderFields {
        meter_number: Some(meter.into()),
        reason: Some("Says the meter runs with every tap off".into()),
        contact_phone: phone(),
        ..OrderFields::default()
    };
    let table: Vec<(&str, OrderKind, OrderFields, Vec<ReviewFlag>)> = vec![
        ("a clean meter test", OrderKind::MeterTest, meter_test("m000001"), vec![]),
        (
            "a meter that is not the account's",
            OrderKind::MeterTest,
            meter_test("M000002"),
            vec![ReviewFlag::MeterMismatch { typed: "M000002".into(), on_account: "M000001".into() }],
        ),
        (
            "a stop before the account started",
            OrderKind::StopService,
            stop_on(day(2025, 11, 1)),
            vec![
                ReviewFlag::DateInPast { date: day(2025, 11, 1), today: day(2026, 11, 20) },
                ReviewFlag::StopBeforeStart { stop_on: day(2025, 11, 1), start_on: opened_on(), order: None },
                ReviewFlag::StopBeforeStart {
                    stop_on: day(2025, 11, 1),
                    start_on: day(2026, 12, 10),
                    order: Some(start),
                },
            ],
        ),
        (
            "a stop before the open start order",
            OrderKind::StopService,
            stop_on(day(2026, 12, 1)),
            vec![ReviewFlag::StopBeforeStart {
                stop_on: day(2026, 12, 1),
                start_on: day(2026, 12, 10),
                order: Some(start),
            }],
        ),
        (
            "a second open leak inspection for the premise",
            OrderKind::LeakInspection,
            leak(),
            vec![ReviewFlag::Duplicate { kind: OrderKind::LeakInspection, order: first_leak }],
        ),
    ];
    for (name, kind, fields, expected) in table {
        let id = submitted(desk, rep, &request(account, kind, fields));
        let outcome = desk.review_order(car3, now(), id, None).unwrap();
        let view = desk.order(id).unwrap();
        if expected.is_empty() {
            assert_eq!(outcome, ReviewOutcome::Reviewed, "{name}");
            assert_eq!(view.order.status, OrderStatus::Reviewed, "{name}");
            assert_eq!(view.order.review_flags.as_deref(), Some(&[][..]), "{name}");
        } else {
            assert_eq!(outcome, ReviewOutcome::ReturnedToDraft { flags: expected.clone() }, "{name}");
            assert_eq!(view.order.status, OrderStatus::Draft, "{name}: back to its author");
            assert_eq!(view.order.review_flags, Some(expected.clone()), "{name}: the flags are kept");
            let note = view.events.last().unwrap().note.clone().unwrap();
            assert!(note.contains(&expected[0].message()), "{name}: {note}");
        }
        desk.cancel_order(car3, now(), id, "test case done").unwrap();
    }

    // The address, matched however it is said, and not matched when it is another house.
    let mut with_address = |typed: &str| {
        let fields = OrderFields { service_address: Some(typed.into()), ..leak() };
        let id = submitted(desk, rep, &request(neighbour, OrderKind::LeakInspection, fields));
        let outcome = desk.review_order(car3, now(), id, None).unwrap();
        desk.cancel_order(car3, now(), id, "test case done").unwrap();
        outcome
    };
    assert_eq!(with_address("102 s. peoria ave"), ReviewOutcome::Reviewed);
    assert_eq!(
        with_address("101 S Peoria Ave"),
        ReviewOutcome::ReturnedToDraft {
            flags: vec![ReviewFlag::AddressMismatch {
                typed: "101 S Peoria Ave".into(),
                on_account: "102 S Peoria Ave, Tulsa, OK 74103".into()
            }]
        }
    );

    // A start dated in the past, and an order on an account closed since it was drafted.
    let late = submitted(desk, rep, &request(neighbour, OrderKind::StartService, start_on(day(2026, 11, 19))));
    let late_flags = desk.review_order(car3, now(), late, None).unwrap();
    assert_eq!(
        late_flags,
        ReviewOutcome::ReturnedToDraft {
            flags: vec![
                ReviewFlag::DateInPast { date: day(2026, 11, 19), today: day(2026, 11, 20) },
                ReviewFlag::AddressMismatch {
                    typed: ADDRESS.into(),
                    on_account: "102 S Peoria Ave, Tulsa, OK 74103".into()
                },
            ]
        }
    );
    let reread = OrderFields { bill: None, reason: Some("Read looks high".into()), ..OrderFields::default() };
    let bill = f.fixture.bill_month(neighbour, 2026, 10, OPENING_READ + 6_000);
    let desk = &mut f.fixture.desk;
    let on_closing = submitted(
        desk,
        &staff.car1,
        &request(neighbour, OrderKind::MeterReread, OrderFields { bill: Some(bill.bill), ..reread }),
    );
    close_account(desk, neighbour);
    let closed = desk.review_order(&staff.car3, now(), on_closing, None).unwrap();
    assert_eq!(closed, ReviewOutcome::ReturnedToDraft { flags: vec![ReviewFlag::AccountClosed] });
}

#[test]
fn authority_for_each_action() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let staff = f.fixture.staff.clone();
    let everyone = [
        ("car1", &staff.car1),
        ("car2", &staff.car2),
        ("car3", &staff.car3),
        ("supervisor", &staff.supervisor),
        ("manager", &staff.manager),
        ("admin", &staff.admin),
    ];
    let order = request(account, OrderKind::LeakInspection, leak());
    // Who may do each action to an order drafted by car1.
    type Attempt = fn(&mut Desk, &Actor, i64) -> Result<(), DeskError>;
    let table: [(&str, OrderStatus, Attempt, &[&str]); 8] = [
        (
            "update a draft",
            OrderStatus::Draft,
            |d, a, id| {
                d.update_order(a, now(), id, &OrderFields { access_notes: Some("Gate code 4411".into()), ..leak() })
            },
            &["car1", "car3", "supervisor", "manager"],
        ),
        (
            "submit a draft",
            OrderStatus::Draft,
            |d, a, id| d.submit_order(a, now(), id),
            &["car1", "car3", "supervisor", "manager"],
        ),
        (
            "cancel a draft",
            OrderStatus::Draft,
            |d, a, id| d.cancel_order(a, now(), id, "Customer fixed it"),
            &["car1", "car3", "supervisor", "manager"],
        ),
        (
            "review",
            OrderStatus::Submitted,
            |d, a, id| d.review_order(a, now(), id, None).map(|_| ()),
            &["car3", "supervisor", "manager"],
        ),
        (
            "cancel a submitted order",
            OrderStatus::Submitted,
            |d, a, id| d.cancel_order(a, now(), id, "Customer fixed it"),
            &["car3", "supervisor", "manager"],
        ),
        (
            "send",
            OrderStatus::Reviewed,
            |d, a, id| d.send_order(a, now(), id, None),
            &["car3", "supervisor", "manager"],
        ),
        (
            "complete",
            OrderStatus::Sent,
            |d, a, id| d.complete_order(a, now(), id, &done("Service line leak, customer side", None)).map(|_| ()),
            &["car1", "car2", "car3", "supervisor", "manager"],
        ),
        (
            "cancel a sent order",
            OrderStatus::Sent,
            |d, a, id| d.cancel_order(a, now(), id, "Crew could not get in"),
            &["car3", "supervisor", "manager"],
        ),
    ];
    for (action, state, attempt, allowed) in table {
        for (name, actor) in everyone {
            let desk = &mut f.fixture.desk;
            let id = desk.draft_order(&staff.car1, now(), &order).unwrap();
            let path: &[fn(&mut Desk, &Staff, i64)] = match state {
                OrderStatus::Draft => &[],
                OrderStatus::Submitted => &[submit],
                OrderStatus::Reviewed => &[submit, review],
                _ => &[submit, review, send],
            };
            for step in path {
                step(desk, &staff, id);
            }
            let before = fingerprint(&f.path);
            let desk = &mut f.fixture.desk;
            let result = attempt(desk, actor, id);
            if allowed.contains(&name) {
                result.unwrap_or_else(|e| panic!("{name} may {action}: {e}"));
                assert_ne!(fingerprint(&f.path), before, "{name} {action}: written");
            } else {
                let error = result.expect_err(&format!("{name} may not {action}"));
                assert!(matches!(error, DeskError::NotPermitted(_)), "{name} {action}: {error}");
                assert_eq!(fingerprint(&f.path), before, "{name} {action}: refused, nothing written");
            }
            let desk = &mut f.fixture.desk;
            if !desk.order(id).unwrap().order.status.is_final() {
                desk.cancel_order(&staff.manager, now(), id, "done with this case").unwrap();
            }
        }
    }
    // Drafting: every representative, not an Administrator.
    for (name, actor) in everyone {
        let drafted = f.fixture.desk.draft_order(actor, now(), &order);
        assert_eq!(drafted.is_ok(), name != "admin", "{name}: {drafted:?}");
    }
    let error = f.fixture.desk.draft_order(&staff.admin, now(), &order).unwrap_err();
    assert!(error.to_string().contains("Administrator keeps users and settings"), "{error}");
}

fn submit(desk: &mut Desk, staff: &Staff, id: i64) {
    desk.submit_order(&staff.car1, now(), id).unwrap();
}
fn review(desk: &mut Desk, staff: &Staff, id: i64) {
    assert_eq!(desk.review_order(&staff.car3, now(), id, None).unwrap(), ReviewOutcome::Reviewed);
}
fn send(desk: &mut Desk, staff: &Staff, id: i64) {
    desk.send_order(&staff.car3, now(), id, None).unwrap();
}

#[test]
fn bad_input_is_refused_with_a_clear_message_and_writes_nothing() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let other = f.fixture.residential();
    let bill = f.fixture.bill_month(account, 2026, 10, OPENING_READ + 6_000);
    let others_bill = f.fixture.bill_month(other, 2026, 10, OPENING_READ + 6_000);
    let closed = f.fixture.residential();
    close_account(&mut f.fixture.desk, closed);
    let staff = f.fixture.staff.clone();
    let desk = &mut f.fixture.desk;
    let complaint = desk
        .log_contact(
            &staff.car1,
            now(),
            &ContactRequest {
                account: other,
                channel: Channel::Phone,
                summary: "High bill".into(),
                complaint: Some(NewComplaint::from_customer(ComplaintCategory::HighBill)),
                about: None,
                identity: None,
            },
        )
        .unwrap()
        .complaint
        .unwrap();
    let incomplete = desk
        .draft_order(
            &staff.car1,
            now(),
            &request(
                account,
                OrderKind::LeakInspection,
                OrderFields { service_address: Some(ADDRESS.into()), ..OrderFields::default() },
            ),
        )
        .unwrap();
    let waiting = submitted(desk, &staff.car1, &request(account, OrderKind::LeakInspection, leak()));
    let reread =
        OrderFields { bill: Some(bill.bill), reason: Some("Read looks high".into()), ..OrderFields::default() };
    let reread_id = sent(&mut f.fixture, &request(account, OrderKind::MeterReread, reread.clone()));
    let before = fingerprint(&f.path);
    let desk = &mut f.fixture.desk;
    let rep = &staff.car1;
    let unchanged = desk.order(incomplete).unwrap().order.fields;
    let lacks =
        format!("order #{incomplete} (leak inspection) cannot be submitted without its leak location, contact phone");

    let drafts = [
        (request(AccountId(999_999), OrderKind::LeakInspection, leak()), "no account 999999".to_string()),
        (request(closed, OrderKind::LeakInspection, leak()), "is closed".to_string()),
        (
            request(
                account,
                OrderKind::LeakInspection,
                OrderFields { forwarding_address: Some("9 W 5th St".into()), ..leak() },
            ),
            "a leak inspection order has no forwarding address".to_string(),
        ),
        (
            request(account, OrderKind::MeterReread, OrderFields { bill: Some(others_bill.bill), ..reread.clone() }),
            format!("bill {} is on another account", others_bill.bill),
        ),
        (
            request(account, OrderKind::MeterReread, OrderFields { bill: Some(BillId(9_999)), ..reread.clone() }),
            "no bill 9999".to_string(),
        ),
        (
            request(account, OrderKind::LeakInspection, OrderFields { contact_phone: Some("none".into()), ..leak() }),
            "is not a phone number".to_string(),
        ),
        (
            OrderRequest { complaint: Some(complaint), ..request(account, OrderKind::LeakInspection, leak()) },
            format!("complaint #{complaint} is on account"),
        ),
    ];
    for (order, said) in drafts {
        let error = desk.draft_order(rep, now(), &order).unwrap_err();
        assert!(error.to_string().contains(&said), "{error} should say {said}");
    }
    let refusals: Vec<(Result<(), DeskError>, &str)> = vec![
        (desk.submit_order(rep, now(), incomplete), lacks.as_str()),
        (desk.update_order(rep, now(), incomplete, &unchanged), "nothing changed"),
        (desk.update_order(rep, now(), waiting, &leak()), "only a draft's fields change"),
        (desk.review_order(&staff.car3, now(), incomplete, None).map(|_| ()), "only a submitted order is reviewed"),
        (desk.send_order(&staff.car3, now(), waiting, None), "only a reviewed order is sent"),
        (desk.complete_order(rep, now(), waiting, &done("Fixed", None)).map(|_| ()), "only an order sent to the field"),
        (
            desk.complete_order(rep, now(), reread_id, &done("Read it", None)).map(|_| ()),
            "completed with the reading found",
        ),
        (
            desk.complete_order(rep, now(), reread_id, &done("  ", Some(7_000))).map(|_| ()),
            "a note of what the field found is required",
        ),
        (desk.cancel_order(rep, now(), incomplete, " "), "a reason for cancelling the order is required"),
        (desk.cancel_order(rep, now(), 404, "x"), "no service order #404"),
    ];
    for (result, said) in refusals {
        let error = result.unwrap_err();
        assert!(error.to_string().contains(said), "{error} should say {said}");
        assert!(!matches!(error, DeskError::Store(_)), "{error}");
    }
    assert_eq!(fingerprint(&f.path), before, "nothing was written");
}

#[test]
fn a_completed_reread_offers_the_re_rate_of_its_bill() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let twin = f.fixture.residential(); // the same services and sewer cap
    let billed = f.fixture.bill_month(account, 2026, 10, OPENING_READ + 14_000);
    // What the bill would have been at the re-read's 9,000 gallons, billed on its own.
    let expected = f.fixture.bill_month(twin, 2026, 10, OPENING_READ + 9_000);
    let reread = OrderFields {
        bill: Some(billed.bill),
        reason: Some("Twice last month's use; no leak found".into()),
        ..OrderFields::default()
    };
    let id = sent(&mut f.fixture, &request(account, OrderKind::MeterReread, reread.clone()));
    let balance = f.fixture.balance(account);
    let postings = f.fixture.counts().postings;
    let rep = f.fixture.staff.car1.clone();
    let desk = &mut f.fixture.desk;

    let completed = desk
        .complete_order(&rep, now(), id, &done("Read 10,000: the bill's read was misread", Some(OPENING_READ + 9_000)))
        .unwrap();
    let Some(RerateOffer::Rerate(preview)) = completed.rerate else { panic!("a re-rate is offered: {completed:?}") };
    assert_eq!(preview.bill.id, billed.bill);
    assert_eq!(preview.corrected_consumption_gal, 9_000);
    assert_eq!(preview.difference, expected.total - billed.total);
    assert!(preview.difference.is_negative());
    let view = desk.order(id).unwrap();
    assert_eq!((view.order.status, view.order.reread_value), (OrderStatus::Completed, Some(OPENING_READ + 9_000)));
    assert_eq!(f.fixture.balance(account), balance, "offered, not posted");
    assert_eq!(f.fixture.counts().postings, postings, "offered, not posted");

    // Taking the offer posts exactly the difference shown.
    let manager = f.fixture.staff.manager.clone();
    let rerate = RerateRequest {
        bill: billed.bill,
        corrected_reading: OPENING_READ + 9_000,
        rollover: false,
        reason: ReasonCode::MeterError,
        note: format!("Re-read, order #{id}"),
        key: format!("order-{id}-rerate"),
        recompute_caps: false,
    };
    f.fixture.desk.adjust_bill_by_read(&manager, now(), &rerate).unwrap();
    assert_eq!(f.fixture.balance(account), balance + preview.difference);

    // A re-read that finds the billed read, or one that cannot rate, still completes.
    for (reading, said) in [(OPENING_READ + 9_000, "same charges"), (OPENING_READ - 1, "cannot be re-rated")] {
        let id = sent(&mut f.fixture, &request(account, OrderKind::MeterReread, reread.clone()));
        let completed = f.fixture.desk.complete_order(&rep, now(), id, &done("Read it again", Some(reading))).unwrap();
        let Some(RerateOffer::NotOffered { reason }) = completed.rerate else { panic!("{completed:?}") };
        assert!(reason.contains(said), "{reason}");
        assert_eq!(f.fixture.desk.order(id).unwrap().order.status, OrderStatus::Completed);
    }
    f.fixture.assert_verified();
}

#[test]
fn an_order_ends_exactly_once_and_its_history_is_kept() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let staff = f.fixture.staff.clone();
    let completed = sent(&mut f.fixture, &request(account, OrderKind::LeakInspection, leak()));
    let desk = &mut f.fixture.desk;
    desk.complete_order(&staff.car2, now(), completed, &done("Leak on the customer's side", None)).unwrap();
    let cancelled = desk.draft_order(&staff.car1, now(), &request(account, OrderKind::LeakInspection, leak())).unwrap();
    desk.cancel_order(&staff.car1, now(), cancelled, "Drafted twice").unwrap();

    for id in [completed, cancelled] {
        let again = [
            desk.cancel_order(&staff.manager, now(), id, "again").unwrap_err(),
            desk.complete_order(&staff.manager, now(), id, &done("again", None)).unwrap_err(),
            desk.submit_order(&staff.manager, now(), id).unwrap_err(),
            desk.update_order(&staff.manager, now(), id, &leak()).unwrap_err(),
        ];
        for error in again {
            assert!(matches!(error, DeskError::Invalid(_)), "{error}");
        }
    }
    let error = desk.cancel_order(&staff.manager, now(), completed, "again").unwrap_err();
    assert!(error.to_string().contains("was already completed: it is final"), "{error}");

    let view = desk.order(completed).unwrap();
    let steps: Vec<(Option<OrderStatus>, OrderStatus)> = view.events.iter().map(|e| (e.from, e.to)).collect();
    use OrderStatus::*;
    assert_eq!(
        steps,
        [
            (None, Draft),
            (Some(Draft), Submitted),
            (Some(Submitted), Reviewed),
            (Some(Reviewed), Sent),
            (Some(Sent), Completed)
        ]
    );
    assert_eq!(
        (view.order.submitted_by.as_deref(), view.order.reviewed_by.as_deref(), view.order.completed_by.as_deref()),
        (Some("car1"), Some("car3"), Some("car2"))
    );
    // One audit record per step: 5 for the completed order, 2 for the cancelled one.
    let actions = audit_actions(desk, &staff.admin, account);
    let orders: Vec<&String> = actions.iter().filter(|a| a.starts_with("order-")).collect();
    assert_eq!(orders.len(), 7, "{orders:?}");

    // The database itself keeps a final order final and the history whole.
    let store = desk.store_for_tests();
    for sql in [
        format!("UPDATE service_orders SET status = 'sent' WHERE id = {completed}"),
        format!("UPDATE service_orders SET outcome_note = 'rewritten' WHERE id = {cancelled}"),
        format!("UPDATE order_events SET note = 'x' WHERE order_id = {completed}"),
        format!("DELETE FROM order_events WHERE order_id = {completed}"),
        format!("DELETE FROM service_orders WHERE id = {cancelled}"),
    ] {
        let error = store.raw_sql_for_tests(&sql).unwrap_err();
        assert!(matches!(error, StoreError::Constraint(_)), "{sql}: {error}");
    }
    // And skips no step: a draft cannot be sent.
    let draft = desk.draft_order(&staff.car1, now(), &request(account, OrderKind::LeakInspection, leak())).unwrap();
    let skip = format!("UPDATE service_orders SET status = 'sent', sent_by = 1, sent_at = 'x' WHERE id = {draft}");
    let error = desk.store_for_tests().raw_sql_for_tests(&skip).unwrap_err();
    assert!(matches!(&error, StoreError::Constraint(m) if m.contains("moves draft, submitted")), "{error}");
}

#[test]
fn contacts_and_complaints_follow_an_order() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let other = f.fixture.residential();
    let staff = f.fixture.staff.clone();
    let desk = &mut f.fixture.desk;
    let complaint = desk
        .log_contact(
            &staff.car1,
            now(),
            &ContactRequest {
                account,
                channel: Channel::Phone,
                summary: "Water pooling in the yard".into(),
                complaint: Some(NewComplaint::from_customer(ComplaintCategory::WaterService)),
                about: None,
                identity: None,
            },
        )
        .unwrap()
        .complaint
        .unwrap();
    let order = OrderRequest { complaint: Some(complaint), ..request(account, OrderKind::LeakInspection, leak()) };
    let id = desk.draft_order(&staff.car1, now(), &order).unwrap();
    let linked = desk.complaint(complaint, now()).unwrap();
    assert_eq!(linked.events.last().unwrap().link, Some(("order".to_string(), id)));

    let call = |about: i64, on: AccountId| ContactRequest {
        account: on,
        channel: Channel::Phone,
        summary: "Customer asked when the crew comes".into(),
        complaint: None,
        about: Some(CaseRef::Order(about)),
        identity: None,
    };
    let logged = desk.log_contact(&staff.car2, noon_on(day(2026, 11, 23)), &call(id, account)).unwrap();
    let view = desk.order(id).unwrap();
    assert_eq!(view.contacts.iter().map(|c| c.id).collect::<Vec<_>>(), [logged.contact]);
    assert_eq!(view.contacts[0].order_id, Some(id));
    let error = desk.log_contact(&staff.car2, now(), &call(id, other)).unwrap_err();
    assert!(error.to_string().contains(&format!("service order #{id} is on account")), "{error}");

    // A complaint links to a later order on its account, once.
    let test = OrderFields {
        meter_number: Some("M000001".into()),
        reason: Some("Meter may run fast".into()),
        contact_phone: phone(),
        ..OrderFields::default()
    };
    let second = desk.draft_order(&staff.car1, now(), &request(account, OrderKind::MeterTest, test)).unwrap();
    let link = ComplaintAction::Link { to: CaseLink::Order(second) };
    desk.work_complaint(&staff.car1, now(), complaint, &link).unwrap();
    let again = desk.work_complaint(&staff.car1, now(), complaint, &link).unwrap_err();
    assert!(again.to_string().contains("already linked"), "{again}");
    let elsewhere = desk.draft_order(&staff.car1, now(), &request(other, OrderKind::LeakInspection, leak())).unwrap();
    let link = ComplaintAction::Link { to: CaseLink::Order(elsewhere) };
    assert!(desk.work_complaint(&staff.car1, now(), complaint, &link).is_err());
}

#[test]
fn the_review_queue_is_submitted_orders_longest_waiting_first() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let neighbour = f.fixture.residential();
    let third = f.fixture.residential();
    let staff = f.fixture.staff.clone();
    let desk = &mut f.fixture.desk;
    let at = |d: u32| noon_on(day(2026, 11, d));
    let first = desk.draft_order(&staff.car1, at(16), &request(account, OrderKind::LeakInspection, leak())).unwrap();
    let next_door = OrderFields { service_address: Some("102 S Peoria Ave".into()), ..leak() };
    let second =
        desk.draft_order(&staff.car2, at(17), &request(neighbour, OrderKind::LeakInspection, next_door)).unwrap();
    let never = desk.draft_order(&staff.car1, at(17), &request(account, OrderKind::LeakInspection, leak())).unwrap();
    // Submitted in the other order than drafted.
    desk.submit_order(&staff.car2, at(18), second).unwrap();
    desk.submit_order(&staff.car1, at(19), first).unwrap();
    let queue: Vec<i64> = desk.review_queue().unwrap().iter().map(|o| o.id).collect();
    assert_eq!(queue, [second, first]);
    assert_eq!(desk.review_order(&staff.car3, now(), second, None).unwrap(), ReviewOutcome::Reviewed);
    let queue: Vec<i64> = desk.review_queue().unwrap().iter().map(|o| o.id).collect();
    assert_eq!(queue, [first], "reviewed orders leave the queue, drafts never join it");

    let premise = desk.orders(account).unwrap()[0].premise_id;
    let open: Vec<i64> = desk.open_orders_for_premise(premise).unwrap().iter().map(|o| o.id).collect();
    assert_eq!(open, [first, never]);
    assert_eq!(desk.orders(account).unwrap().len(), 2);

    // F2's orders: waiting for review, then to send, then in the field,
    // oldest first in each; never a draft.
    let in_progress = |desk: &mut utility_desk::desk::Desk| -> Vec<i64> {
        desk.orders_in_progress().unwrap().iter().map(|o| o.id).collect()
    };
    assert_eq!(in_progress(desk), [first, second]);
    desk.submit_order(&staff.car1, at(19), never).unwrap();
    assert_eq!(in_progress(desk), [first, never, second], "submitted ones first, though drafted after it");
    desk.send_order(&staff.car3, now(), second, None).unwrap();
    assert_eq!(in_progress(desk), [first, never, second]);
    let on_third = OrderFields { service_address: Some("103 S Peoria Ave".into()), ..leak() };
    let reviewed = submitted(desk, &staff.car1, &request(third, OrderKind::LeakInspection, on_third));
    assert_eq!(desk.review_order(&staff.car3, now(), reviewed, None).unwrap(), ReviewOutcome::Reviewed);
    desk.cancel_order(&staff.car3, now(), never, "The same leak as the first").unwrap();
    assert_eq!(in_progress(desk), [first, reviewed, second], "reviewed before sent, though newer; cancelled gone");
}

/// A stop, once the field has done it, ends service on its service date:
/// the account is final from then (still owed, never cut off), its
/// completion's one audit record says so, no bill runs past that day, the
/// final bill up to it posts, and a second stop goes back from review.
#[test]
fn a_completed_stop_makes_the_account_final_and_no_bill_runs_past_its_last_day() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    f.fixture.bill_month(account, 2026, 9, OPENING_READ + 6_000);
    let last_day = day(2026, 11, 18);
    let staff = f.fixture.staff.clone();
    let desk = &mut f.fixture.desk;
    assert!(desk.overview(account, now()).unwrap().flags.cutoff_eligible, "September is unpaid, 30 days past due");
    // Asked for on the 16th, for the 18th; not done before the 18th.
    let id = sent_on(desk, &staff, day(2026, 11, 16), &request(account, OrderKind::StopService, stop_on(last_day)));
    let early = desk.complete_order(&staff.car1, noon_on(day(2026, 11, 17)), id, &done("Off", None)).unwrap_err();
    assert!(early.to_string().contains("completed on or after that day"), "{early}");
    let completed = desk.complete_order(&staff.car1, now(), id, &done("Locked off at the curb stop", None)).unwrap();
    assert_eq!(completed.final_on, Some(last_day));
    let overview = desk.overview(account, now()).unwrap();
    let account_row = &overview.account.account;
    assert_eq!((account_row.status, account_row.closed_on), (AccountStatus::Final, Some(last_day)));
    assert!(overview.flags.past_due && !overview.flags.cutoff_eligible, "still owed, but no service to cut off");
    let query = AuditQuery { account: Some(account), limit: 1_000, ..AuditQuery::default() };
    let completions: Vec<_> = desk
        .audit(&staff.admin, now(), &query)
        .unwrap()
        .into_iter()
        .filter(|r| r.record.action == "order-complete")
        .collect();
    assert_eq!(completions.len(), 1);
    assert!(completions[0].record.detail.contains(r#""after":"final""#), "{}", completions[0].record.detail);

    // November's whole-month bill runs past the last day: refused, nothing written.
    let before = fingerprint(&f.path);
    let november = month_request(account, 2026, 11, OPENING_READ + 9_000);
    let refused = f.fixture.desk.post_bill(staff.cashier(), now(), &november).unwrap_err();
    assert!(refused.to_string().contains("is final: its service ended on 2026-11-18"), "{refused}");
    assert_eq!(fingerprint(&f.path), before);
    // The final bill, October to the last day, posts; a second stop changes nothing.
    let mut last = month_request(account, 2026, 10, OPENING_READ + 8_500);
    last.period_end = last_day;
    last.read.read_on = last_day;
    last.bill_date = day(2026, 11, 19);
    f.fixture.desk.post_bill(staff.cashier(), now(), &last).unwrap();
    // A second stop goes back from review: there is nothing left to stop.
    let later = request(account, OrderKind::StopService, stop_on(day(2026, 11, 30)));
    let desk = &mut f.fixture.desk;
    let again = submitted(desk, &staff.car1, &later);
    let outcome = desk.review_order(&staff.car3, now(), again, None).unwrap();
    assert_eq!(outcome, ReviewOutcome::ReturnedToDraft { flags: vec![ReviewFlag::ServiceEnded { on: last_day }] });
}

/// Drafted, submitted, reviewed and sent at noon on `on`.
fn sent_on(desk: &mut Desk, staff: &Staff, on: chrono::NaiveDate, order: &OrderRequest) -> i64 {
    let at = noon_on(on);
    let id = desk.draft_order(&staff.car1, at, order).unwrap();
    desk.submit_order(&staff.car1, at, id).unwrap();
    assert_eq!(desk.review_order(&staff.car3, at, id, None).unwrap(), ReviewOutcome::Reviewed);
    desk.send_order(&staff.car3, at, id, None).unwrap();
    id
}

/// A transfer ends service here as a stop does; while a standing bill runs
/// past its date, completing it is refused and writes nothing.
#[test]
fn a_transfer_ends_service_here_unless_a_bill_already_runs_past_it() {
    let mut f = file_fixture();
    let _first = f.fixture.residential();
    let billed_on = f.fixture.residential();
    let moving = f.fixture.residential();
    f.fixture.bill_month(billed_on, 2026, 10, OPENING_READ + 6_000);
    let staff = f.fixture.staff.clone();
    let transfer = |account, address: &str| {
        let fields = OrderFields {
            service_date: Some(day(2026, 10, 25)),
            service_address: Some(address.into()),
            new_address: Some("9 W 5th St, Tulsa OK 74119".into()),
            contact_phone: phone(),
            ..OrderFields::default()
        };
        request(account, OrderKind::TransferService, fields)
    };
    let desk = &mut f.fixture.desk;
    let blocked = sent_on(desk, &staff, day(2026, 10, 20), &transfer(billed_on, "102 S Peoria Ave"));
    let moved = sent_on(desk, &staff, day(2026, 10, 20), &transfer(moving, "103 S Peoria Ave"));

    let before = fingerprint(&f.path);
    let desk = &mut f.fixture.desk;
    let refused = desk.complete_order(&staff.car1, now(), blocked, &done("Moved out", None)).unwrap_err();
    assert!(refused.to_string().contains("runs past 2026-10-25, the day service ends: reverse it first"), "{refused}");
    assert_eq!(fingerprint(&f.path), before);

    let desk = &mut f.fixture.desk;
    assert_eq!(
        desk.complete_order(&staff.car1, now(), moved, &done("Moved", None)).unwrap().final_on,
        Some(day(2026, 10, 25))
    );
    assert_eq!(desk.overview(moving, now()).unwrap().account.account.status, AccountStatus::Final);
    assert_eq!(desk.overview(billed_on, now()).unwrap().account.account.status, AccountStatus::Active);
}
