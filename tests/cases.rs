//! Contacts and complaints through the desk: logged with one audit record,
//! shown on the account, refused with a clear message when they cannot be.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{day, file_fixture, fingerprint, noon_on, now};
use utility_desk::desk::{
    Actor, Assignee, AuditQuery, CaseLink, CaseRef, ComplaintAction, ContactRequest, Desk, DeskError, Due, NewComplaint,
};
use utility_desk::domain::cases::{Channel, ComplaintCategory, ComplaintStatus, Priority, Queue, Resolution, Source};
use utility_desk::domain::ids::AccountId;

fn contact(account: AccountId, summary: &str, complaint: Option<ComplaintCategory>) -> ContactRequest {
    ContactRequest {
        account,
        channel: Channel::Phone,
        summary: summary.into(),
        complaint: complaint.map(NewComplaint::from_customer),
        about: None,
        identity: None,
    }
}

#[test]
fn a_contact_and_a_complaint_are_logged_shown_and_audited() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let rep = f.fixture.staff.car1.clone();

    let first = f.fixture.desk.log_contact(&rep, now(), &contact(account, "Asked for the due date", None)).unwrap();
    assert_eq!(first.complaint, None);
    let second = f
        .fixture
        .desk
        .log_contact(
            &rep,
            now(),
            &contact(account, "Says the bill is twice last month's", Some(ComplaintCategory::HighBill)),
        )
        .unwrap();
    let complaint = second.complaint.expect("a complaint was opened");

    let cases = f.fixture.desk.cases(account).unwrap();
    assert_eq!(cases.contacts.iter().map(|c| c.id).collect::<Vec<_>>(), [second.contact, first.contact]);
    assert_eq!(cases.contacts[0].complaint_id, Some(complaint));
    assert_eq!(cases.contacts[0].by, "car1");
    assert_eq!(cases.complaints.len(), 1);
    assert_eq!(
        (cases.complaints[0].category, cases.complaints[0].status, cases.complaints[0].source),
        (ComplaintCategory::HighBill, ComplaintStatus::Open, Source::Customer)
    );
    assert_eq!(f.fixture.desk.overview(account, now()).unwrap().flags.open_complaints, 1);

    let admin = f.fixture.staff.admin.clone();
    let audit = f
        .fixture
        .desk
        .audit(&admin, now(), &AuditQuery { account: Some(account), limit: 100, ..AuditQuery::default() })
        .unwrap();
    let actions: Vec<&str> = audit.iter().map(|r| r.record.action.as_str()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "contact").count(), 1, "{actions:?}");
    assert_eq!(actions.iter().filter(|a| **a == "complaint-open").count(), 1, "{actions:?}");
}

#[test]
fn a_card_number_said_on_the_phone_is_not_kept() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let rep = f.fixture.staff.car1.clone();
    f.fixture
        .desk
        .log_contact(&rep, now(), &contact(account, "Wants to pay with card 4111 1111 1111 1111 today", None))
        .unwrap();
    let kept = &f.fixture.desk.cases(account).unwrap().contacts[0].summary;
    assert_eq!(kept, "Wants to pay with card [card number removed] today");
}

#[test]
fn a_contact_that_cannot_be_logged_is_refused_and_writes_nothing() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let rep = f.fixture.staff.car1.clone();
    let before = fingerprint(&f.path);
    let refusals = [
        (contact(account, "   ", None), "a summary of what the customer said is required"),
        (contact(AccountId(999_999), "Asked about a bill", None), "no account 999999"),
        (contact(account, &"x".repeat(2_001), Some(ComplaintCategory::Meter)), "longer than 2,000 characters"),
    ];
    for (request, said) in refusals {
        let error = f.fixture.desk.log_contact(&rep, now(), &request).unwrap_err();
        assert!(error.to_string().contains(said), "{error} should say {said}");
        assert!(!matches!(error, DeskError::Store(_)));
    }
    assert_eq!(fingerprint(&f.path), before, "nothing was written");
}

/// A City Council referral from district 4, as the liaison desk takes it.
fn council_referral(account: AccountId) -> ContactRequest {
    ContactRequest {
        account,
        channel: Channel::Email,
        summary: "Councilor's office: the customer says the high bill was never explained".into(),
        complaint: Some(NewComplaint {
            source: Source::Council,
            council_district: Some(4),
            reference: Some("CC-2026-0412".into()),
            ..NewComplaint::from_customer(ComplaintCategory::HighBill)
        }),
        about: None,
        identity: None,
    }
}

fn audit_actions(desk: &mut Desk, admin: &Actor, account: AccountId) -> Vec<String> {
    let query = AuditQuery { account: Some(account), limit: 100, ..AuditQuery::default() };
    desk.audit(admin, now(), &query).unwrap().into_iter().map(|r| r.record.action).collect()
}

#[test]
fn a_council_referral_goes_from_logging_to_closed_and_back_open() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let staff = f.fixture.staff.clone();
    let desk = &mut f.fixture.desk;

    let logged = desk.log_contact(&staff.car1, now(), &council_referral(account)).unwrap();
    let id = logged.complaint.unwrap();
    let view = desk.complaint(id, now()).unwrap();
    // Friday 20 November + 5 business days, skipping Thanksgiving and the day after.
    assert_eq!(view.complaint.due_on, day(2026, 12, 1));
    assert_eq!(view.due, Due::DueIn { business_days: 5 });
    assert_eq!((view.complaint.council_district, view.complaint.reference.as_deref()), (Some(4), Some("CC-2026-0412")));
    assert_eq!(view.contacts.len(), 1, "the contact that opened it");

    // Liaison work: a CAR I or II may log and escalate it, not close it.
    let close = ComplaintAction::Close { resolution: Resolution::Explained, note: "Explained the summer use".into() };
    let refused = desk.work_complaint(&staff.car2, now(), id, &close).unwrap_err();
    assert!(refused.to_string().contains("liaison work"), "{refused}");
    let escalate = ComplaintAction::Escalate { to: Queue::Car3, reason: "Councilor wants a call back today".into() };
    desk.work_complaint(&staff.car1, now(), id, &escalate).unwrap();
    let take = ComplaintAction::Assign { to: Assignee::Person("car2".into()) };
    let refused = desk.work_complaint(&staff.car3, now(), id, &take).unwrap_err();
    assert!(refused.to_string().contains("car2 is a Customer Account Representative II"), "{refused}");
    let take = ComplaintAction::Assign { to: Assignee::Person("car3".into()) };
    let view = desk.work_complaint(&staff.car3, now(), id, &take).unwrap();
    assert_eq!((view.complaint.queue, view.complaint.assigned_to.as_deref()), (Queue::Car3, Some("car3")));

    // The credit that answers it, linked; a follow-up call on the complaint.
    let credit = f.fixture.credit(account, common::cents(2_500), "council-credit");
    let desk = &mut f.fixture.desk;
    desk.work_complaint(&staff.car3, now(), id, &ComplaintAction::Link { to: CaseLink::Posting(credit.posting_id) })
        .unwrap();
    let again = desk.work_complaint(
        &staff.car3,
        now(),
        id,
        &ComplaintAction::Link { to: CaseLink::Posting(credit.posting_id) },
    );
    assert!(again.unwrap_err().to_string().contains("already linked"));
    let call = ContactRequest {
        account,
        channel: Channel::Phone,
        summary: "Called the customer back; credit explained".into(),
        complaint: None,
        about: Some(CaseRef::Complaint(id)),
        identity: None,
    };
    desk.log_contact(&staff.car3, now(), &call).unwrap();

    let closed = desk.work_complaint(&staff.car3, noon_on(day(2026, 11, 24)), id, &close).unwrap();
    assert_eq!(closed.complaint.status, ComplaintStatus::Closed);
    assert_eq!(closed.complaint.resolution, Some(Resolution::Explained));
    assert_eq!(closed.due, Due::ClosedOnTime);
    assert_eq!(closed.age_business_days, 2);
    assert_eq!(closed.contacts.len(), 2);
    let kinds: Vec<&str> = closed.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["opened", "escalated", "assigned", "linked", "closed"]);

    // Reopened after its due date: the due date stands, and it is overdue.
    let reopen = ComplaintAction::Reopen { reason: "Customer called: the credit is not on the bill".into() };
    let reopened = desk.work_complaint(&staff.car3, noon_on(day(2026, 12, 3)), id, &reopen).unwrap();
    assert_eq!(reopened.complaint.status, ComplaintStatus::Open);
    assert_eq!(reopened.complaint.resolution, None);
    assert_eq!(reopened.complaint.due_on, day(2026, 12, 1));
    assert_eq!(desk.complaint(id, noon_on(day(2026, 12, 3))).unwrap().due, Due::Overdue { business_days: 2 });

    let actions = audit_actions(desk, &staff.admin, account);
    for (action, times) in [
        ("complaint-open", 1),
        ("complaint-escalate", 1),
        ("complaint-assign", 1),
        ("complaint-link", 1),
        ("complaint-close", 1),
        ("complaint-reopen", 1),
        ("contact", 1),
    ] {
        assert_eq!(actions.iter().filter(|a| *a == action).count(), times, "{action} in {actions:?}");
    }
}

#[test]
fn escalated_complaints_are_closed_at_their_level() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let staff = f.fixture.staff.clone();
    let desk = &mut f.fixture.desk;
    let id = desk
        .log_contact(&staff.car1, now(), &contact(account, "Meter reader was rude", Some(ComplaintCategory::Staff)))
        .unwrap()
        .complaint
        .unwrap();
    let up = ComplaintAction::Escalate { to: Queue::Supervisor, reason: "Staff conduct".into() };
    desk.work_complaint(&staff.car2, now(), id, &up).unwrap();
    let close = ComplaintAction::Close { resolution: Resolution::NoAction, note: "Spoke with the reader".into() };
    let refused = desk.work_complaint(&staff.car3, now(), id, &close).unwrap_err();
    assert!(refused.to_string().contains("escalated to the Supervisor queue"), "{refused}");
    let back = ComplaintAction::Escalate { to: Queue::Car3, reason: "wrong queue".into() };
    assert!(desk.work_complaint(&staff.car3, now(), id, &back).unwrap_err().to_string().contains("already in"));
    desk.work_complaint(&staff.supervisor, now(), id, &close).unwrap();
    assert_eq!(desk.complaint(id, now()).unwrap().complaint.closed_by.as_deref(), Some("supervisor"));
}

#[test]
fn complaint_work_that_cannot_be_done_is_refused_and_writes_nothing() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let other = f.fixture.residential();
    let staff = f.fixture.staff.clone();
    let desk = &mut f.fixture.desk;
    let id = desk.log_contact(&staff.car1, now(), &council_referral(account)).unwrap().complaint.unwrap();
    let before = fingerprint(&f.path);
    let desk = &mut f.fixture.desk;

    let with = |change: &dyn Fn(&mut NewComplaint)| {
        let mut request = council_referral(account);
        change(request.complaint.as_mut().unwrap());
        request
    };
    let contacts = [
        (with(&|c| c.council_district = None), "needs its council district (1 to 9)"),
        (with(&|c| c.council_district = Some(12)), "no council district 12"),
        (with(&|c| c.source = Source::Mayor), "only City Council referrals have a council district"),
        (with(&|c| c.due_on = Some(day(2026, 11, 19))), "the due date 2026-11-19 is in the past (today is 2026-11-20)"),
        (with(&|c| c.due_on = Some(day(2026, 11, 26))), "not a business day (Thanksgiving Day)"),
        (with(&|c| c.due_on = Some(day(2026, 11, 28))), "not a business day (Saturday): the next one is 2026-11-30"),
        (with(&|c| c.assign_to = Some("car1".into())), "needs a Customer Account Representative III or above"),
        (with(&|c| c.assign_to = Some("nobody".into())), "no user \"nobody\""),
        (with(&|c| c.reference = Some("x".repeat(41))), "at most 40 characters"),
    ];
    for (request, said) in contacts {
        let error = desk.log_contact(&staff.car1, now(), &request).unwrap_err();
        assert!(error.to_string().contains(said), "{error} should say {said}");
    }
    let follow_up = ContactRequest {
        account: other,
        channel: Channel::Phone,
        summary: "Asked about the complaint".into(),
        complaint: None,
        about: Some(CaseRef::Complaint(id)),
        identity: None,
    };
    let error = desk.log_contact(&staff.car1, now(), &follow_up).unwrap_err();
    assert!(error.to_string().contains("is on account"), "{error}");
    let error = desk.log_contact(&staff.admin, now(), &contact(account, "Hello", None)).unwrap_err();
    assert!(error.to_string().contains("Administrator keeps users and settings"), "{error}");

    let work = [
        (
            staff.car3.clone(),
            ComplaintAction::Close { resolution: Resolution::Explained, note: " ".into() },
            "a resolution note is required",
        ),
        (staff.car3.clone(), ComplaintAction::Reopen { reason: "again".into() }, "is open already"),
        (
            staff.car1.clone(),
            ComplaintAction::Assign { to: Assignee::Queue(Queue::Desk) },
            "only a Customer Account Representative III or above may assign it",
        ),
        (
            staff.car3.clone(),
            ComplaintAction::Escalate { to: Queue::Car3, reason: " ".into() },
            "a reason for escalating is required",
        ),
        (staff.car3.clone(), ComplaintAction::Note { note: "".into() }, "a follow-up note is required"),
        (staff.car3.clone(), ComplaintAction::Link { to: CaseLink::Request(4_040) }, "no approval request 4040"),
    ];
    for (actor, action, said) in work {
        let error = desk.work_complaint(&actor, now(), id, &action).unwrap_err();
        assert!(error.to_string().contains(said), "{error} should say {said}");
    }
    let note = ComplaintAction::Note { note: "x".into() };
    assert!(
        desk.work_complaint(&staff.car1, now(), 9_999, &note).unwrap_err().to_string().contains("no complaint #9999")
    );
    assert_eq!(fingerprint(&f.path), before, "nothing was written");
}

#[test]
fn a_complaint_links_to_the_same_thing_once() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let staff = f.fixture.staff.clone();
    let credit = f.fixture.credit(account, common::cents(1_500), "link-once-credit");
    let desk = &mut f.fixture.desk;
    let high_bill = contact(account, "Says the bill is twice last month's", Some(ComplaintCategory::HighBill));
    let first = desk.log_contact(&staff.car1, now(), &high_bill).unwrap().complaint.unwrap();
    let second = desk.log_contact(&staff.car1, now(), &high_bill).unwrap().complaint.unwrap();
    let link = ComplaintAction::Link { to: CaseLink::Posting(credit.posting_id) };
    desk.work_complaint(&staff.car3, now(), first, &link).unwrap();
    let before = fingerprint(&f.path);

    let desk = &mut f.fixture.desk;
    let again = desk.work_complaint(&staff.car3, now(), first, &link).unwrap_err();
    assert!(matches!(again, DeskError::Invalid(_)), "{again:?}");
    assert_eq!(again.to_string(), format!("complaint #{first} is already linked to posting {}", credit.posting_id));
    assert_eq!(fingerprint(&f.path), before, "nothing was written");

    // Once per complaint: another complaint may link the same credit.
    let view = f.fixture.desk.work_complaint(&staff.car3, now(), second, &link).unwrap();
    let links: Vec<_> = view.events.iter().filter_map(|e| e.link.clone()).collect();
    assert_eq!(links, [("posting".to_string(), credit.posting_id.0)]);
}

#[test]
fn a_due_date_set_by_hand_and_priority_set_the_clock() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let rep = f.fixture.staff.car1.clone();
    let desk = &mut f.fixture.desk;
    let mut request = contact(account, "No water since this morning", Some(ComplaintCategory::WaterService));
    request.complaint.as_mut().unwrap().priority = Priority::Urgent;
    let urgent = desk.log_contact(&rep, now(), &request).unwrap().complaint.unwrap();
    assert_eq!(desk.complaint(urgent, now()).unwrap().complaint.due_on, day(2026, 11, 23), "next business day");
    request.complaint.as_mut().unwrap().due_on = Some(day(2026, 12, 4));
    let by_hand = desk.log_contact(&rep, now(), &request).unwrap().complaint.unwrap();
    assert_eq!(desk.complaint(by_hand, now()).unwrap().complaint.due_on, day(2026, 12, 4));
    assert_eq!(desk.complaint(urgent, noon_on(day(2026, 11, 23))).unwrap().due, Due::DueToday);
}

#[test]
fn what_was_said_and_done_on_a_case_is_never_edited() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let rep = f.fixture.staff.car1.clone();
    let id = f.fixture.desk.log_contact(&rep, now(), &council_referral(account)).unwrap().complaint.unwrap();
    let before = fingerprint(&f.path);
    let attempts = [
        ("UPDATE contacts SET summary = 'edited'", "append-only"),
        ("DELETE FROM contacts", "append-only"),
        ("UPDATE complaint_events SET note = 'edited'", "append-only"),
        ("DELETE FROM complaint_events", "append-only"),
        ("DELETE FROM complaints", "never deleted"),
        ("UPDATE complaints SET source = 'customer'", "fixed"),
        ("UPDATE complaints SET summary = 'edited'", "fixed"),
        ("UPDATE complaints SET status = 'closed'", "a resolution exactly when closed"),
        ("UPDATE complaints SET council_district = NULL", "council district"),
    ];
    for (sql, said) in attempts {
        let error = f.fixture.desk.store_for_tests().raw_sql_for_tests(sql).expect_err(sql);
        assert!(error.to_string().contains(said), "{sql}: {error}");
    }
    assert_eq!(fingerprint(&f.path), before);
    assert_eq!(f.fixture.desk.complaint(id, now()).unwrap().events.len(), 1);
}

fn complaint_from(source: Source, district: Option<u8>, account: AccountId) -> ContactRequest {
    ContactRequest {
        account,
        channel: Channel::Phone,
        summary: format!("Referral from {}", source.label()),
        complaint: Some(NewComplaint {
            source,
            council_district: district,
            ..NewComplaint::from_customer(ComplaintCategory::Billing)
        }),
        about: None,
        identity: None,
    }
}

#[test]
fn work_queues_hold_what_each_person_may_handle() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let staff = f.fixture.staff.clone();
    let desk = &mut f.fixture.desk;
    let mut mine = complaint_from(Source::Customer, None, account);
    mine.complaint.as_mut().unwrap().assign_to = Some("car1".into());
    let assigned = desk.log_contact(&staff.car1, now(), &mine).unwrap().complaint.unwrap();
    let customer = desk.log_contact(&staff.car1, now(), &complaint_from(Source::Customer, None, account)).unwrap();
    let council = desk.log_contact(&staff.car1, now(), &complaint_from(Source::Council, Some(2), account)).unwrap();
    let escalated = desk.log_contact(&staff.car1, now(), &complaint_from(Source::ThreeOneOne, None, account)).unwrap();
    let up = ComplaintAction::Escalate { to: Queue::Supervisor, reason: "Repeat caller".into() };
    desk.work_complaint(&staff.car1, now(), escalated.complaint.unwrap(), &up).unwrap();

    let ids = |items: &[utility_desk::desk::WorkItem]| items.iter().map(|i| i.complaint.id).collect::<Vec<_>>();
    // Today the desk's own walk-in work is not due yet: a CAR I sees only
    // what is assigned to them.
    let work = desk.my_work(&staff.car1, now()).unwrap();
    assert_eq!((ids(&work.assigned), ids(&work.waiting)), (vec![assigned], vec![]));
    // What was escalated, and liaison work, is in its receivers' lists at
    // once, not from its due date (it was missing until then).
    let work = desk.my_work(&staff.supervisor, now()).unwrap();
    assert_eq!(ids(&work.waiting), [council.complaint.unwrap(), escalated.complaint.unwrap()]);
    let work = desk.my_work(&staff.car3, now()).unwrap();
    assert_eq!(ids(&work.waiting), [council.complaint.unwrap()], "the council's item is liaison work");

    // Three weeks on, everything is overdue; each sees what they may handle.
    let later = noon_on(day(2026, 12, 14));
    let work = desk.my_work(&staff.car1, later).unwrap();
    assert_eq!(ids(&work.waiting), [customer.complaint.unwrap()], "no liaison or escalated items for a CAR I");
    assert!(work.waiting.iter().all(|i| matches!(i.due, Due::Overdue { .. })));
    assert_eq!(work.overdue(), 2);
    let work = desk.my_work(&staff.car3, later).unwrap();
    // Soonest due first: the council's five business days before the customer's ten.
    assert_eq!(ids(&work.waiting), [council.complaint.unwrap(), customer.complaint.unwrap()]);
    let work = desk.my_work(&staff.supervisor, later).unwrap();
    assert_eq!(work.waiting.len(), 3, "the supervisor queue too");
    assert!(desk.my_work(&staff.admin, later).is_err());

    let liaison = desk.liaison_queue(later).unwrap();
    assert_eq!(ids(&liaison), [council.complaint.unwrap()]);
}

#[test]
fn the_liaison_report_counts_by_source_and_district_and_writes_csv() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let staff = f.fixture.staff.clone();
    let desk = &mut f.fixture.desk;
    let mut opened = Vec::new();
    for (source, district) in [
        (Source::Council, Some(4)),
        (Source::Council, Some(4)),
        (Source::Council, Some(1)),
        (Source::Mayor, None),
        (Source::Customer, None),
    ] {
        opened.push(desk.log_contact(&staff.car1, now(), &complaint_from(source, district, account)).unwrap());
    }
    // One district 4 item closed on time, the Mayor's item closed late.
    let close = ComplaintAction::Close { resolution: Resolution::Adjusted, note: "Credited the leak".into() };
    desk.work_complaint(&staff.car3, noon_on(day(2026, 11, 23)), opened[0].complaint.unwrap(), &close).unwrap();
    desk.work_complaint(&staff.car3, noon_on(day(2026, 12, 8)), opened[3].complaint.unwrap(), &close).unwrap();

    let as_of = noon_on(day(2026, 12, 10));
    let report = desk.liaison_report(&staff.car3, day(2026, 11, 1), day(2026, 11, 30), as_of).unwrap();
    assert_eq!(report.rows.len(), 4, "the customer's own complaint is not liaison work");
    let summary: Vec<(Source, Option<u8>, u32, u32, u32, u32)> =
        report.groups.iter().map(|g| (g.source, g.council_district, g.opened, g.open, g.closed, g.overdue)).collect();
    assert_eq!(
        summary,
        [
            (Source::Mayor, None, 1, 0, 1, 1),
            (Source::Council, Some(1), 1, 1, 0, 1),
            (Source::Council, Some(4), 2, 1, 1, 1),
        ]
    );
    // District 4: closed after 1 business day, open for 12 (to 10 December).
    assert_eq!(report.groups[2].average_age_business_days, 6.5);

    let mut csv = Vec::new();
    utility_desk::documents::reports::write_liaison_csv(&report, &mut csv).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "complaint");
    assert!(headers.iter().any(|h| h == "council_district"));
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 4);
    let overdue = headers.iter().position(|h| h == "overdue").unwrap();
    assert_eq!(records.iter().filter(|r| &r[overdue] == "true").count(), 3);

    // Outside the period, nothing; a backwards period is refused.
    assert!(desk.liaison_report(&staff.car3, day(2026, 10, 1), day(2026, 10, 31), as_of).unwrap().rows.is_empty());
    let error = desk.liaison_report(&staff.car3, day(2026, 11, 30), day(2026, 11, 1), as_of).unwrap_err();
    assert!(error.to_string().contains("ends (2026-11-01) before it starts"), "{error}");
    // Liaison work is a CAR III's and above, and so is its report.
    let refused = desk.liaison_report(&staff.car2, day(2026, 11, 1), day(2026, 11, 30), as_of).unwrap_err();
    assert!(matches!(refused, DeskError::NotPermitted(_)), "{refused}");
    assert!(refused.to_string().contains("run by a Customer Account Representative III or above"), "{refused}");
    assert!(desk.liaison_report(&staff.supervisor, day(2026, 11, 1), day(2026, 11, 30), as_of).is_ok());
}

/// A card number as people type it: the test number in several spellings,
/// each with the digits a search of the file would look for.
const CARDS: &[(&str, &str)] = &[
    ("4111 1111 1111 1111", "4111111111111111"),
    ("4111.1111.1111.1111 12/29 737", "4111111111111111"),
    ("5555/5555/5555/4444", "5555555555554444"),
    ("5555\u{a0}5555\u{a0}5555\u{a0}4444", "5555555555554444"),
    ("４０１２８８８８８８８８１８８１", "4012888888881881"),
    ("3782-822463-10005 exp 11/28", "378282246310005"),
    ("6011111111111117", "6011111111111117"),
    ("4111\t1111\t1111\t1111", "4111111111111111"),
    ("VISA5555555555554444", "5555555555554444"),
    ("6011  1111  1111  1117", "6011111111111117"),
];

/// A sentence holding the `i`th card spelling.
fn said(i: usize) -> String {
    format!("caller read out her card {} to pay", CARDS[i % CARDS.len()].0)
}

/// Every free-text field a person fills in is scrubbed before anything is
/// written (tables and the audit trail's details alike), and an identifier
/// holding a card number is refused: no spelling of any card is anywhere
/// in the database file or its log afterwards.
#[test]
fn no_card_number_typed_into_any_field_is_stored_anywhere() {
    use utility_desk::desk::{
        CreditRequest, DisputeDecision, DisputeRequest, LetterAbout, LineAdjustRequest, LineDirection, MoneyRequest,
        OrderRequest, Outcome, RerateRequest, ReverseRequest, WaiveRequest,
    };
    use utility_desk::domain::ledger::ReasonCode;
    use utility_desk::domain::orders::{OrderFields, OrderKind};
    let mut f = file_fixture();
    let account = f.fixture.residential();
    f.fixture.bill_month(account, 2026, 8, 6_400);
    let september = f.fixture.bill_month(account, 2026, 9, 11_800);
    let staff = f.fixture.staff.clone();
    let others: Vec<AccountId> = CARDS.iter().map(|_| f.fixture.residential()).collect();
    let desk = &mut f.fixture.desk;
    let mut n = 0;
    let mut next = || {
        n += 1;
        said(n)
    };

    // Contacts and complaints: summary, note, escalation, close, reopen.
    let logged =
        desk.log_contact(&staff.car1, now(), &contact(account, &next(), Some(ComplaintCategory::Billing))).unwrap();
    let complaint = logged.complaint.unwrap();
    for action in [
        ComplaintAction::Note { note: next() },
        ComplaintAction::Escalate { to: Queue::Car3, reason: next() },
        ComplaintAction::Close { resolution: Resolution::Explained, note: next() },
        ComplaintAction::Reopen { reason: next() },
    ] {
        desk.work_complaint(&staff.car3, now(), complaint, &action).unwrap();
    }
    // Disputes: the reason, a denial's note.
    let dispute = DisputeRequest { bill: september.bill, amount: None, reason: next(), complaint: Some(complaint) };
    let dispute = desk.open_dispute(&staff.car1, now(), &dispute).unwrap();
    desk.resolve_dispute(&staff.car3, now(), dispute, &DisputeDecision::Deny { note: next() }).unwrap();
    // Money: notes on every action, a request's note, the decisions' notes.
    let credit = |amount: i64, key: &str, note: String| {
        MoneyRequest::Credit(CreditRequest {
            account,
            amount: common::cents(amount),
            reason: ReasonCode::Goodwill,
            note,
            key: key.into(),
        })
    };
    let posted = desk.submit(&staff.car2, now(), &credit(1_000, "card-1", next())).unwrap();
    let Outcome::Posted(posted) = posted else { panic!("{posted:?}") };
    let Outcome::Pending { request, .. } = desk.submit(&staff.car2, now(), &credit(9_000, "card-2", next())).unwrap()
    else {
        panic!("above the limit")
    };
    desk.reject(&staff.supervisor, now(), request, &next()).unwrap();
    let Outcome::Pending { request, .. } = desk.submit(&staff.car2, now(), &credit(9_500, "card-3", next())).unwrap()
    else {
        panic!("above the limit")
    };
    desk.approve(&staff.supervisor, now(), request, None, Some(&next())).unwrap();
    let line = LineAdjustRequest {
        bill: september.bill,
        line: 2,
        amount: common::cents(100),
        direction: LineDirection::Decrease,
        reason: ReasonCode::BillingError,
        note: next(),
        key: "card-4".into(),
    };
    desk.adjust_bill_line(&staff.manager, now(), &line).unwrap();
    let rerate = RerateRequest {
        bill: september.bill,
        corrected_reading: 11_000,
        rollover: false,
        reason: ReasonCode::MeterError,
        note: next(),
        key: "card-5".into(),
        recompute_caps: false,
    };
    desk.adjust_bill_by_read(&staff.manager, now(), &rerate).unwrap();
    let reverse = ReverseRequest { posting: posted.posting_id, note: next(), key: "card-6".into() };
    desk.reverse(&staff.manager, now(), &reverse).unwrap();
    desk.assess_late_fees(&staff.manager, now(), day(2026, 10, 25)).unwrap();
    let fee = desk
        .overview(account, now())
        .unwrap()
        .entries
        .iter()
        .find(|e| e.kind == utility_desk::domain::ledger::PostingKind::LateFee)
        .expect("a late fee")
        .posting_id;
    desk.waive_late_fee(&staff.manager, now(), &WaiveRequest { late_fee: fee, note: next(), key: "card-7".into() })
        .unwrap();
    // A service order's free text, and a letter's subject and body.
    let fields = OrderFields {
        access_notes: Some(next()),
        leak_location: Some(next()),
        reason: Some(next()),
        ..OrderFields::default()
    };
    let order = OrderRequest { account, kind: OrderKind::LeakInspection, fields, complaint: None };
    desk.draft_order(&staff.car1, now(), &order).unwrap();
    let mut letter = desk
        .draft_letter(&staff.car3, now(), account, "high-bill-explanation", Some(LetterAbout::Bill(september.bill)))
        .unwrap();
    letter.subject = format!("Re: {}", next());
    letter.body = format!("{}\n\n{}", letter.body, next());
    desk.send_letter(&staff.car3, now(), &letter).unwrap();

    // A key is kept as its hash, and still names its action; a user name, a
    // full name and a referral's reference are refused whole (and each
    // refusal is recorded, scrubbed).
    for (i, &(typed, digits)) in CARDS.iter().enumerate() {
        let to = others[i];
        let credit = |key: &str| {
            MoneyRequest::Credit(CreditRequest {
                account: to,
                amount: common::cents(500),
                reason: ReasonCode::Goodwill,
                note: "a note".into(),
                key: key.into(),
            })
        };
        let first = desk.submit(&staff.car2, now(), &credit(typed)).unwrap();
        let Outcome::Posted(first) = first else { panic!("{first:?}") };
        let again = desk.submit(&staff.car2, now(), &credit(typed)).unwrap();
        assert_eq!(again, Outcome::Posted(utility_desk::desk::Posted { posting_id: first.posting_id, replayed: true }));
        let error = desk.add_user_as(
            &staff.admin,
            now(),
            digits,
            "Jo Bloggs",
            utility_desk::domain::user::Role::Car1,
            "a-long-password-1",
        );
        assert!(error.is_err(), "user name {digits}");
        let error = desk.add_user_as(
            &staff.admin,
            now(),
            &format!("jo{i}"),
            typed,
            utility_desk::domain::user::Role::Car1,
            "a-long-password-1",
        );
        assert!(error.unwrap_err().to_string().contains("holds a card number"));
        let mut referral = contact(account, "Council referral", Some(ComplaintCategory::Billing));
        if let Some(complaint) = &mut referral.complaint {
            complaint.reference = Some(typed.to_string());
        }
        assert!(
            desk.log_contact(&staff.car1, now(), &referral).unwrap_err().to_string().contains("holds a card number")
        );
        // A service order's identifiers: the addresses, the meter number
        // and the contact phone (an Amex number is 15 digits, as long as
        // the longest phone number).
        for fields in [
            OrderFields { service_address: Some(format!("{typed} Main St")), ..OrderFields::default() },
            OrderFields { forwarding_address: Some(typed.to_string()), ..OrderFields::default() },
            OrderFields { meter_number: Some(typed.to_string()), ..OrderFields::default() },
            OrderFields { contact_phone: Some(typed.to_string()), ..OrderFields::default() },
        ] {
            let order = OrderRequest { account, kind: OrderKind::StopService, fields, complaint: None };
            let error = desk.draft_order(&staff.car1, now(), &order).unwrap_err().to_string();
            assert!(error.contains("payment card number"), "{typed}: {error}");
        }
    }
    f.fixture.assert_verified();
    drop(f.fixture);

    // Where a card was kept, if one was: every table and column, to name it.
    let conn = rusqlite::Connection::open(&f.path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut kept = Vec::new();
    for table in &tables {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for column in columns {
            for &(typed, digits) in CARDS {
                let sql = format!(
                    "SELECT count(*) FROM \"{table}\" WHERE instr(\"{column}\", ?1) OR instr(\"{column}\", ?2)"
                );
                let found: i64 = conn.query_row(&sql, [typed, digits], |r| r.get(0)).unwrap();
                if found > 0 {
                    kept.push(format!("{table}.{column}: {typed}"));
                }
            }
        }
    }
    assert!(kept.is_empty(), "card numbers kept: {kept:#?}");
    drop(conn);

    // Nothing of any card is left in the file, its log or anything beside it.
    let mut files = 0;
    for entry in std::fs::read_dir(f.path.parent().unwrap()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        files += 1;
        for &(typed, digits) in CARDS {
            for needle in [typed.as_bytes(), digits.as_bytes()] {
                assert!(!bytes.windows(needle.len()).any(|w| w == needle), "{typed} was stored");
            }
        }
    }
    assert!(files >= 1);
}
