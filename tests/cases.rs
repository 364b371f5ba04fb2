//! Contacts and complaints through the desk: logged with one audit record,
//! shown on the account, refused with a clear message when they cannot be.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{file_fixture, fingerprint, now};
use utility_desk::desk::{AuditQuery, ContactRequest, DeskError};
use utility_desk::domain::cases::{Channel, ComplaintCategory};
use utility_desk::domain::ids::AccountId;

fn contact(account: AccountId, summary: &str, complaint: Option<ComplaintCategory>) -> ContactRequest {
    ContactRequest { account, channel: Channel::Phone, summary: summary.into(), complaint }
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
        (cases.complaints[0].category, cases.complaints[0].status.as_str()),
        (ComplaintCategory::HighBill, "open")
    );
    assert_eq!(f.fixture.desk.overview(account, now()).unwrap().flags.open_complaints, 1);

    let admin = f.fixture.staff.admin.clone();
    let audit = f
        .fixture
        .desk
        .audit(&admin, &AuditQuery { account: Some(account), limit: 100, ..AuditQuery::default() })
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
