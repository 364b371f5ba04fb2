//! Correspondence: templates merged with the account and the case, edited,
//! kept exactly as sent (never changed), audited, and written as PDF; a
//! template naming a field the letter has no value for is refused whole.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{file_fixture, fingerprint, now};
use utility_desk::desk::{AuditQuery, ComplaintAction, ContactRequest, DeskError, LetterAbout, NewComplaint};
use utility_desk::domain::cases::{Channel, ComplaintCategory, Resolution};

fn complaint(account: utility_desk::domain::ids::AccountId) -> ContactRequest {
    ContactRequest {
        account,
        channel: Channel::Phone,
        summary: "The October bill is twice the usual".into(),
        complaint: Some(NewComplaint::from_customer(ComplaintCategory::HighBill)),
        about: None,
        identity: None,
    }
}

#[test]
fn a_complaint_response_is_merged_edited_kept_as_sent_and_written_as_pdf() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let s = f.fixture.staff.clone();
    let desk = &mut f.fixture.desk;
    let id = desk.log_contact(&s.car1, now(), &complaint(account)).unwrap().complaint.unwrap();
    let close = ComplaintAction::Close {
        resolution: Resolution::Explained,
        note: "The meter was read correctly; the pool was filled in October.".into(),
    };
    desk.work_complaint(&s.car3, now(), id, &close).unwrap();

    let about = Some(LetterAbout::Complaint(id));
    let draft = desk.draft_letter(&s.car3, now(), account, "complaint-response", about).unwrap();
    let customer = desk.overview(account, now()).unwrap().account.customer.name;
    assert_eq!(
        draft.subject,
        format!("Your complaint #{id} about your utility account {}", draft_number(desk, account))
    );
    assert!(draft.body.starts_with(&format!("Dear {customer},")), "{}", draft.body);
    assert!(draft.body.contains("The October bill is twice the usual"));
    assert!(draft.body.contains("the pool was filled in October"));
    assert!(!draft.body.contains("{{"), "every field filled");

    // The representative adds a sentence; what is kept is what was sent.
    let mut edited = draft.clone();
    edited.body = edited.body.replace("We have looked into it.", "We have looked into it with the meter shop.");
    let letter = desk.send_letter(&s.car3, now(), &edited).unwrap();
    let kept = desk.letter(letter).unwrap();
    assert_eq!((kept.subject.as_str(), kept.body.as_str()), (edited.subject.as_str(), edited.body.as_str()));
    assert_eq!(kept.about, Some(("complaint".to_string(), id)));
    assert_eq!(desk.letters(account).unwrap().len(), 1);
    let audit = desk
        .audit(&s.admin, now(), &AuditQuery { account: Some(account), limit: 50, ..AuditQuery::default() })
        .unwrap();
    assert!(audit.iter().any(|r| r.record.action == "letter-send" && r.record.subject == format!("letter:{letter}")));

    // Never changed, never removed.
    let conn = rusqlite::Connection::open(&f.path).unwrap();
    let update = conn.execute("UPDATE letters SET body = 'changed' WHERE id = ?1", [letter]).unwrap_err();
    assert!(update.to_string().contains("kept as sent"), "{update}");
    assert!(conn.execute("DELETE FROM letters", []).is_err());

    let (kept, account) = f.fixture.desk.kept_letter(letter).unwrap();
    let pdf = utility_desk::documents::letter::pdf(&kept, &account).unwrap();
    let document = lopdf::Document::load_mem(&pdf).unwrap();
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    let text = document.extract_text(&pages).unwrap();
    assert!(text.contains(&customer) && text.contains("with the meter shop"), "{text}");
}

fn draft_number(desk: &mut utility_desk::desk::Desk, account: utility_desk::domain::ids::AccountId) -> String {
    desk.overview(account, now()).unwrap().account.account.number.to_string()
}

#[test]
fn a_letter_missing_a_field_or_about_another_account_is_refused_and_nothing_is_written() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let other = f.fixture.residential();
    let s = f.fixture.staff.clone();
    let desk = &mut f.fixture.desk;
    let open = desk.log_contact(&s.car1, now(), &complaint(account)).unwrap().complaint.unwrap();
    let before = fingerprint(&f.path);

    // Still open: there is no resolution to write about.
    let missing = desk.draft_letter(&s.car1, now(), account, "complaint-response", Some(LetterAbout::Complaint(open)));
    let missing = missing.unwrap_err().to_string();
    assert!(missing.contains("needs resolution_note that this letter has no value for"), "{missing}");
    // A dispute letter with no dispute named.
    let bare = desk.draft_letter(&s.car1, now(), account, "dispute-granted", None).unwrap_err().to_string();
    assert!(bare.contains("dispute_bill") && bare.contains("nothing was written"), "{bare}");
    // Another account's complaint.
    let elsewhere = desk.draft_letter(&s.car1, now(), other, "complaint-response", Some(LetterAbout::Complaint(open)));
    assert!(elsewhere.unwrap_err().to_string().contains("on another account"));
    let unknown = desk.draft_letter(&s.car1, now(), account, "thank-you", None).unwrap_err();
    assert!(unknown.to_string().contains("no letter template \"thank-you\""), "{unknown}");
    // A body with a field left in, and an Administrator, are refused at sending.
    let mut draft = utility_desk::desk::LetterDraft {
        account,
        template: "credit-confirmation".into(),
        about: None,
        subject: "A credit".into(),
        body: "Dear {{customer_name}}".into(),
    };
    assert!(desk.send_letter(&s.car1, now(), &draft).unwrap_err().to_string().contains("still has a {{field}}"));
    draft.body = "Dear customer".into();
    assert!(matches!(desk.send_letter(&s.admin, now(), &draft), Err(DeskError::NotPermitted(_))));
    assert_eq!(fingerprint(&f.path), before, "nothing was written");
}
