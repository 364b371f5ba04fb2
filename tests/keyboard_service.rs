//! Service started, moved and stopped in the window by keys alone: a new
//! customer from search when no account fits (Alt+N), and from an account
//! (Alt+H) its service stopped from the final read or moved with its
//! customer, the final balance going across. Each step is a key a
//! representative on the phone would press; a refusal shows in the form and
//! writes nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod window;

use chrono::Utc;
use iced::keyboard::key::Named;
use utility_desk::desk::{Desk, Overview};
use utility_desk::domain::Money;
use utility_desk::domain::account::AccountStatus;
use utility_desk::domain::cases::{Caller, Proof};
use utility_desk::domain::ids::AccountId;
use window::*;

/// The account as the desk has it now.
fn overview(w: &Window, id: AccountId) -> Overview {
    Desk::open(&w.path).unwrap().overview(id, Utc::now()).unwrap()
}

/// Types into the focused field and presses Enter (to the next field, or
/// from the last one, send).
fn fill(w: &mut Window, typed: &str) {
    w.type_text(typed);
    w.press(Named::Enter);
}

/// Clears the focused field.
fn clear(w: &mut Window, length: usize) {
    for _ in 0..length {
        w.press(Named::Backspace);
    }
}

#[test]
fn a_new_customer_is_started_from_search_by_keys_alone() {
    let mut w = Window::new(LAPTOP);
    w.sign_in("rep2");
    let taken = {
        let mut desk = Desk::open(&w.path).unwrap();
        let hit = desk.search("1000").unwrap().remove(0);
        (hit.number.to_string(), desk.overview(hit.account_id, Utc::now()).unwrap().account.premise.address)
    };

    // Nobody by that name: the search says what to do, and Alt+N does it.
    w.type_text("Zebulon Quartermaine");
    assert!(w.sees("No account matches. A new customer? Start service: Alt+N."));
    w.alt('n');
    assert!(w.sees("Start service for a new customer"));
    assert!(w.focus().is("service-name"), "the focus starts in the name: {:?}", w.focus());

    // Name, phone, no email; an address already served, with service on.
    fill(&mut w, "Zebulon Quartermaine");
    fill(&mut w, "918 555 0199");
    w.press(Named::Enter);
    assert!(w.focus().is("service-line1"), "{:?}", w.focus());
    fill(&mut w, &taken.1.line1);
    w.press(Named::Enter);
    fill(&mut w, &taken.1.city);
    fill(&mut w, &taken.1.state);
    fill(&mut w, &taken.1.zip);
    fill(&mut w, "4000");
    fill(&mut w, "n77");
    w.press(Named::Enter); // 5/8, as filled in
    w.press(Named::Enter); // 7 dials
    fill(&mut w, "0");
    w.press(Named::Enter); // starts today
    w.press(Named::Enter); // cycle 1
    w.press(Named::Enter); // a 64-gallon cart
    assert!(w.focus().is("service-deposit"), "{:?}", w.focus());
    w.press(Named::Enter); // no deposit: sent
    let said = format!("the premise has active service on account {}", taken.0);
    assert!(w.sees_part(&said), "the refusal shows in the form");
    assert!(w.app.open_account().is_none(), "still on the form");
    assert!(Desk::open(&w.path).unwrap().search("Quartermaine").unwrap().is_empty(), "nothing written");

    // Another address, and Enter from the last field sends it.
    w.tab_to("service-line1", 40);
    clear(&mut w, taken.1.line1.len());
    w.type_text("77 E 5th St");
    w.tab_to("service-deposit", 40);
    w.press(Named::Enter);
    let opened = w.app.open_account().expect("the new account is open");
    assert!(w.sees_part("Service started on "), "the notice says so");
    let shown = overview(&w, opened);
    assert_eq!(shown.account.customer.name, "Zebulon Quartermaine");
    assert_eq!(shown.account.customer.phone.as_deref(), Some("(918) 555-0199"));
    assert_eq!(shown.account.services.meter_number, "N77");
    assert_eq!(shown.account.premise.address.line1, "77 E 5th St");
    assert_eq!(shown.sewer_cap_gal, Some(4000));
    assert_eq!(shown.account.account.status, AccountStatus::Active);
    assert!(w.sees_part(&shown.account.account.number.to_string()), "the account shows");
}

#[test]
fn service_moves_with_its_customer_and_stops_from_the_account_by_keys_alone() {
    let mut w = Window::new(LAPTOP);
    w.sign_in("rep3");
    w.open_first_account();
    let old = w.app.open_account().unwrap();
    let before = overview(&w, old);
    let last = &before.bills[0].current_read;
    let today = utility_desk::gui::clock::today();
    assert!(last.read_on < today, "the demo's last read is before today: {last:?}");

    // Alt+H: what to do, the focus on Stop; Move is one Tab along.
    w.alt('h');
    assert!(w.focus().is("service-act-stop"), "{:?}", w.focus());
    w.press(Named::Tab);
    assert!(w.focus().is("service-act-move"), "{:?}", w.focus());
    w.press(Named::Enter);
    assert!(w.focus().is("service-stopon"), "the first field: {:?}", w.focus());
    w.press(Named::Enter); // today
    fill(&mut w, &(last.reading + 3000).to_string());
    fill(&mut w, "500 S Boston Ave");
    w.press(Named::Enter);
    w.press(Named::Enter); // the account's city
    w.press(Named::Enter); // and state
    fill(&mut w, "74103");
    fill(&mut w, "3900");
    fill(&mut w, "m500");
    w.press(Named::Enter);
    w.press(Named::Enter);
    fill(&mut w, "50");
    assert!(w.focus().is("service-startson"), "{:?}", w.focus());
    w.press(Named::Enter); // the day after: sent, the balance moved with it

    let new = w.app.open_account().expect("an account is open");
    assert_ne!(new, old, "the new account is open: {:?}", w.texts());
    assert!(w.sees_part("Service starts at the new address on "), "the notice says so");
    let (was, is) = (overview(&w, old), overview(&w, new));
    assert_eq!(was.account.account.status, AccountStatus::Final);
    assert_eq!(was.account.balance, Money::ZERO, "nothing left behind");
    let final_bill = &was.bills[0];
    assert_eq!(final_bill.current_read.reading, last.reading + 3000, "billed from the final read");
    assert_eq!(is.account.balance, before.account.balance + final_bill.total, "all of it went across");
    assert_eq!(is.account.customer.id, before.account.customer.id);
    assert_eq!(is.account.services.meter_number, "M500");
    assert_eq!(is.account.premise.address.city, before.account.premise.address.city);

    // Another account stopped: Ctrl+F, its number, Enter, Alt+H, Enter on
    // Stop, today, the final reading. Lower than the last read, it is
    // refused in the form, writing nothing; corrected, it is sent.
    let (other, number) = {
        let mut desk = Desk::open(&w.path).unwrap();
        let hit = desk.search("1000").unwrap().into_iter().find(|h| h.account_id != old).unwrap();
        (hit.account_id, hit.number.to_string())
    };
    let before = overview(&w, other);
    let last = before.bills[0].current_read.reading;
    w.ctrl('f');
    w.type_text(&number);
    w.press(Named::Enter);
    assert_eq!(w.app.open_account(), Some(other));
    w.alt('h');
    w.press(Named::Enter);
    w.press(Named::Enter); // today
    assert!(w.focus().is("service-finalreading"), "{:?}", w.focus());
    let low = (last - 1).to_string();
    fill(&mut w, &low);
    assert!(w.sees_part("lower than"), "the refusal shows in the form");
    let shown = overview(&w, other);
    assert_eq!((shown.account.account.status, shown.bills.len()), (AccountStatus::Active, before.bills.len()));
    clear(&mut w, low.len());
    fill(&mut w, &(last + 1200).to_string());
    assert_eq!(w.app.open_account(), Some(other), "still on the account");
    assert!(w.sees_part(&format!("Service ended on {today}, 1200 gal since the last read.")));
    let after = overview(&w, other);
    assert_eq!(after.account.account.status, AccountStatus::Final);
    assert_eq!(after.bills.len(), before.bills.len() + 1, "the final bill");
    assert!(w.sees_part(&format!(": {}.", after.bills[0].total)) && w.sees_part("Final bill "), "the notice names it");
}

#[test]
fn customer_information_is_kept_current_from_the_account_by_keys_alone() {
    let mut w = Window::new(LAPTOP);
    w.sign_in("rep2");
    w.open_first_account();
    let id = w.app.open_account().unwrap();
    let before = overview(&w, id);
    let service = before.account.premise.address.clone();
    assert_eq!(before.account.customer.mailing, service, "the demo's mail goes to the service address");

    // Alt+U: the focus in the name. Mail to a PO box and a new phone,
    // typed with dots; Enter in the last field saves.
    w.alt('u');
    assert!(w.focus().is("customer-name"), "{:?}", w.focus());
    w.press(Named::Tab);
    assert!(w.focus().is("Mail goes to the service address"), "{:?}", w.focus());
    w.press(Named::Enter);
    w.tab_to("customer-mailline1", 5);
    clear(&mut w, service.line1.len());
    fill(&mut w, "PO Box 33");
    w.press(Named::Enter);
    w.press(Named::Enter); // the city
    w.press(Named::Enter); // the state
    clear(&mut w, service.zip.len());
    fill(&mut w, "74101");
    assert!(w.focus().is("customer-phone"), "{:?}", w.focus());
    clear(&mut w, before.account.customer.phone.as_deref().unwrap_or_default().len());
    fill(&mut w, "918.555.7788");
    assert!(w.focus().is("customer-email"), "{:?}", w.focus());
    w.press(Named::Enter);
    let after = overview(&w, id);
    let customer = &after.account.customer;
    assert_eq!(customer.mailing.line1, "PO Box 33");
    assert_eq!(customer.mailing.zip, "74101");
    assert_eq!(customer.phone.as_deref(), Some("(918) 555-7788"));
    assert_eq!(
        (customer.name.as_str(), &customer.email),
        (before.account.customer.name.as_str(), &before.account.customer.email)
    );
    assert!(w.sees_part("phone ") && w.sees_part("→ (918) 555-7788"), "the notice says what changed: {:?}", w.texts());
    assert!(w.sees_part("PO Box 33, Tulsa, OK 74101"), "the header shows where mail goes");
    assert!(w.focus().is("account-customer"), "back on the button: {:?}", w.focus());

    // A name now, so soon after the mailing address, is a Supervisor's:
    // refused in the form, nothing changed.
    w.alt('u');
    clear(&mut w, customer.name.len());
    w.type_text("Someone Else");
    w.tab_to("Save changes", 20);
    w.press(Named::Enter);
    assert!(w.sees_part("a Supervisor makes it"), "{:?}", w.texts());
    assert_eq!(overview(&w, id).account.customer, after.account.customer, "nothing changed");
    w.press(Named::Escape);

    // Someone else may be spoken to, until a day; then not.
    let until = utility_desk::gui::clock::today() + chrono::Days::new(90);
    w.alt('u');
    w.tab_to("customer-partyname", 30);
    fill(&mut w, "John Smith");
    assert!(w.focus().is("customer-partyfrom"), "{:?}", w.focus());
    w.press(Named::Enter); // from today
    fill(&mut w, &until.to_string());
    assert!(w.sees_part(&format!("John Smith (full access until {until})")), "the header: {:?}", w.texts());

    // A call from him: who was spoken to and what he proved, with the contact.
    let john = overview(&w, id).parties[0].id;
    w.alt('l');
    w.type_text("Asked when the bill is due");
    w.tab_to(&format!("contact-caller-{john}"), 10);
    w.press(Named::Enter);
    w.tab_to("last payment", 10);
    w.press(Named::Enter);
    w.tab_to("Log contact", 20);
    w.press(Named::Enter);
    let cases = Desk::open(&w.path).unwrap().cases(id).unwrap();
    let check = cases.contacts[0].identity.clone().expect("the identity check was kept");
    assert_eq!((check.caller, check.verified), (Caller::Party(john), vec![Proof::LastPayment]));
    assert_eq!(check.party_name.as_deref(), Some("John Smith"));
    w.alt('u');
    w.tab_to("End John Smith's access now", 40);
    w.press(Named::Enter);
    assert!(w.sees_part("John Smith may no longer be spoken to about the account."));
    assert!(!w.sees_part("John Smith (full"), "gone from the header");
    assert!(overview(&w, id).parties.is_empty());
}

#[test]
fn a_final_account_moves_its_balance_and_refunds_its_credit_by_keys_alone() {
    let mut w = Window::new(LAPTOP);
    w.sign_in("rep3");
    w.open_first_account();
    let first = w.app.open_account().unwrap();
    let number = overview(&w, first).account.account.number.to_string();

    // Another premise for the same customer: Alt+H, Start (two Tabs along).
    w.alt('h');
    w.tab_to("service-act-start", 3);
    w.press(Named::Enter);
    assert!(w.focus().is("service-line1"), "no name: the customer is known: {:?}", w.focus());
    fill(&mut w, "12 E 3rd St");
    w.press(Named::Enter);
    w.press(Named::Enter); // the city
    w.press(Named::Enter); // the state
    fill(&mut w, "74103");
    fill(&mut w, "3000");
    fill(&mut w, "k12");
    w.press(Named::Enter);
    w.press(Named::Enter);
    fill(&mut w, "0");
    w.tab_to("service-deposit", 10);
    w.press(Named::Enter);
    let second = w.app.open_account().expect("the new account is open");
    assert_ne!(second, first, "{:?}", w.texts());
    let second_number = overview(&w, second).account.account.number.to_string();

    // The first stopped today; its balance then moves to the second.
    w.ctrl('f');
    w.type_text(&number);
    w.press(Named::Enter);
    let last = overview(&w, first).bills[0].current_read.reading;
    w.alt('h');
    w.press(Named::Enter); // Stop
    w.press(Named::Enter); // today
    fill(&mut w, &(last + 1000).to_string());
    let owed = overview(&w, first).account.balance;
    assert_eq!(overview(&w, first).account.account.status, AccountStatus::Final);
    assert!(owed.is_positive(), "{owed}");
    w.alt('h');
    assert!(w.focus().is("service-act-move-balance"), "a final account's first choice: {:?}", w.focus());
    assert!(!w.sees("Stop service"), "its service has ended");
    w.press(Named::Enter);
    fill(&mut w, &second_number);
    assert!(w.sees_part(&format!("The balance of {owed} moved to account {second_number}.")), "{:?}", w.texts());
    assert_eq!(overview(&w, first).account.balance, Money::ZERO);

    // Paid $300.00 too much, the credit is refunded: above a CAR III's
    // credit limit it waits for a supervisor, and nothing moves yet.
    {
        let mut desk = Desk::open(&w.path).unwrap();
        let batch = desk.actor("batch").unwrap();
        let payment = utility_desk::desk::PaymentRequest {
            account: first,
            amount: Money::from_cents(30_000),
            received_on: utility_desk::gui::clock::today(),
            method: utility_desk::desk::PaymentMethod::Check,
            reference: Some("CHK 311".into()),
            key: "overpaid-1".into(),
        };
        desk.record_payment(&batch, Utc::now(), &payment).unwrap();
    }
    w.ctrl('f');
    w.type_text(&number);
    w.press(Named::Enter);
    w.alt('h');
    assert!(w.focus().is("service-act-refund"), "{:?}", w.focus());
    w.press(Named::Enter);
    fill(&mut w, "Check to the forwarding address");
    assert!(w.sees_part("Sent for approval."), "{:?}", w.texts());
    assert_eq!(overview(&w, first).account.balance, Money::from_cents(-30_000), "nothing moved yet");
    let pending = Desk::open(&w.path).unwrap().requests(Utc::now(), Some("pending"), None).unwrap();
    assert!(pending.iter().any(|r| r.row.account_id == first && r.row.amount == Money::from_cents(30_000)));
}

#[test]
fn a_transfer_order_completed_in_the_window_starts_service_at_the_new_premise() {
    use utility_desk::desk::OrderRequest;
    use utility_desk::domain::orders::{OrderFields, OrderKind};
    let mut w = Window::new(LAPTOP);
    // A transfer order on the first account, sent to the field.
    let (order, account, last) = {
        let mut desk = Desk::open(&w.path).unwrap();
        let password = utility_desk::demo::DEMO_PASSWORD;
        let rep1 = desk.login_window(Utc::now(), "rep1", password).unwrap().actor;
        let rep3 = desk.login_window(Utc::now(), "rep3", password).unwrap().actor;
        let account = desk.search("1000").unwrap()[0].account_id;
        let shown = desk.overview(account, Utc::now()).unwrap();
        let fields = OrderFields {
            service_date: Some(utility_desk::gui::clock::today()),
            service_address: Some(shown.account.premise.address.line1.clone()),
            new_address: Some("500 S Boston Ave, Tulsa OK 74103".into()),
            contact_phone: Some("(918) 555-0199".into()),
            ..OrderFields::default()
        };
        let request = OrderRequest { account, kind: OrderKind::TransferService, fields, complaint: None };
        let id = desk.draft_order(&rep1, Utc::now(), &request).unwrap();
        desk.submit_order(&rep1, Utc::now(), id).unwrap();
        desk.review_order(&rep3, Utc::now(), id, None).unwrap();
        desk.send_order(&rep3, Utc::now(), id, None).unwrap();
        (id, account, shown.bills[0].current_read.reading)
    };
    w.sign_in("rep3");
    w.press(Named::F2);
    w.type_text(&format!("order {order}"));
    w.press(Named::Enter);
    assert!(w.sees(&format!("Transfer service #{order}")), "{:?}", w.texts());

    // Alt+F: the field's result, the focus in the final reading; Enter
    // through the new premise; the outcome; Enter completes it.
    w.alt('f');
    assert!(w.focus().is("order-reading"), "{:?}", w.focus());
    fill(&mut w, &(last + 800).to_string());
    assert!(w.focus().is("order-new-0"), "{:?}", w.focus());
    for typed in ["500 S Boston Ave", "Tulsa", "OK", "74103", "3500", "m77", "15"] {
        fill(&mut w, typed);
    }
    assert!(w.focus().is("order-outcome"), "{:?}", w.focus());
    fill(&mut w, "Final read taken; new meter set at the new address");
    assert!(w.sees_part("Service starts for the same customer: account "), "{:?}", w.texts());
    let old = overview(&w, account);
    assert_eq!(old.account.account.status, AccountStatus::Final);
    assert_eq!(old.bills[0].current_read.reading, last + 800, "the final bill from the final reading");
    assert_eq!(old.account.balance, Money::ZERO, "the balance went across");
    let mut desk = Desk::open(&w.path).unwrap();
    let new = desk.search("500 S Boston").unwrap();
    let new = new.iter().find(|h| h.meter_number == "M77").expect("the new account, found by its address");
    let shown = desk.overview(new.account_id, Utc::now()).unwrap();
    assert_eq!(shown.account.customer.id, old.account.customer.id);
    assert_eq!(shown.account.services.meter_size, old.account.services.meter_size, "the old meter's size");
    assert_eq!(shown.sewer_cap_gal, Some(3500));
}
