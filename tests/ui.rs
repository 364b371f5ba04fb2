//! The window, headless: iced_test's Simulator draws each screen against a
//! small demo database; tests click by widget id and by label, type, and
//! find text. The Simulator runs no tasks and no subscriptions, so `apply`
//! runs the tasks `update` returns (database work on the backend threads)
//! and keys are sent the way the keyboard subscription sends them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "engine/mod.rs"]
mod engine;

use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;
use iced::Task;
use iced_test::futures::futures::{StreamExt, executor};
use iced_test::runtime::{self, task};
use iced_test::{Error, simulator};
use utility_desk::demo::{DEMO_PASSWORD, DemoOptions};
use utility_desk::desk::Desk;
use utility_desk::desk::explain::explain_bill_with_history;
use utility_desk::gui::app::{IDLE_LOCK, Shortcut};
use utility_desk::gui::screen::{account, complaint, dispute, login, order, search, work};
use utility_desk::gui::{App, Message};

/// A demo database made once per test (40 accounts, 6 months: a second or so).
struct Scene {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn scene() -> Scene {
    let dir = tempfile::tempdir().unwrap();
    let path = engine::demo_ledger(dir.path(), &DemoOptions { accounts: 40, seed: 7, months: 6 });
    Scene { _dir: dir, path }
}

/// Runs a task to its end on this thread and returns the messages it made.
/// Widget operations (focus, scroll) need a window and are dropped.
fn drain(t: Task<Message>) -> Vec<Message> {
    let Some(stream) = task::into_stream(t) else { return Vec::new() };
    executor::block_on(
        stream
            .filter_map(|action| async move {
                match action {
                    runtime::Action::Output(message) => Some(message),
                    _ => None,
                }
            })
            .collect(),
    )
}

/// `update`, then every message its tasks produce, until nothing is left.
fn apply(app: &mut App, message: Message) {
    let mut queue = vec![message];
    while let Some(message) = queue.pop() {
        queue.extend(drain(app.update(message)));
    }
}

fn boot(scene: &Scene) -> App {
    let (mut app, task) = App::boot(scene.path.clone());
    for message in drain(task) {
        apply(&mut app, message);
    }
    app
}

/// Applies what a simulated interaction produced.
fn act(app: &mut App, interact: impl FnOnce(&mut iced_test::Simulator<'_, Message>) -> Result<(), Error>) {
    let messages: Vec<Message> = {
        let mut ui = simulator(app.view());
        interact(&mut ui).unwrap();
        ui.into_messages().collect()
    };
    for message in messages {
        apply(app, message);
    }
}

fn sees(app: &App, wanted: &str) -> bool {
    simulator(app.view()).find(wanted).is_ok()
}

fn sign_in(app: &mut App, user: &str, password: &str) {
    act(app, |ui| {
        ui.click(login::USERNAME)?;
        ui.typewrite(user);
        ui.click(login::PASSWORD)?;
        ui.typewrite(password);
        ui.click("Sign in")?;
        Ok(())
    });
}

fn key(app: &mut App, key: Shortcut) {
    apply(app, Message::Key(key));
}

/// The first account the demo made, by number and name.
fn first_account(scene: &Scene) -> (String, String) {
    let mut desk = Desk::open(&scene.path).unwrap();
    let hit = desk.search("1000").unwrap().into_iter().next().expect("the demo has accounts");
    (hit.number.to_string(), hit.name)
}

fn open_first_account(app: &mut App, scene: &Scene) -> String {
    let (number, name) = first_account(scene);
    act(app, |ui| {
        ui.click(search::INPUT)?;
        ui.typewrite(&number);
        Ok(())
    });
    assert!(sees(app, &name), "the search finds {name} by account number {number}");
    key(app, Shortcut::Enter);
    assert!(app.open_account().is_some(), "Enter opens the chosen account");
    name
}

#[test]
fn sign_in_lists_the_demo_users_and_says_why_it_failed() {
    let scene = scene();
    let mut app = boot(&scene);
    assert!(sees(&app, "Demo database: sign in as any of"));
    assert!(sees(&app, DEMO_PASSWORD));

    sign_in(&mut app, "rep1", "not-the-password");
    assert_eq!(app.signed_in(), None);
    assert!(sees(
        &app,
        "Sign-in failed: the user name or password is not right (5 failed sign-ins in a row lock a user until an Administrator unlocks it)"
    ));

    // The name is kept; the password is typed again.
    act(&mut app, |ui| {
        ui.click(login::PASSWORD)?;
        ui.typewrite(DEMO_PASSWORD);
        ui.click("Sign in")?;
        Ok(())
    });
    assert_eq!(app.signed_in(), Some("rep1"));
    assert!(sees(&app, "rep1 · CAR I"));
}

#[test]
fn search_updates_as_one_types_and_the_keys_open_an_account() {
    let scene = scene();
    let mut app = boot(&scene);
    sign_in(&mut app, "rep1", DEMO_PASSWORD);
    assert!(sees(&app, "Type to search; ↑ ↓ to choose, Enter to open."));

    // Every account number starts with 1000: all 40 match, shown in order.
    act(&mut app, |ui| {
        ui.click(search::INPUT)?;
        ui.typewrite("1000");
        Ok(())
    });
    assert!(sees(&app, "40 accounts"));
    let mut desk = Desk::open(&scene.path).unwrap();
    let hits = desk.search("1000").unwrap();
    key(&mut app, Shortcut::Down);
    key(&mut app, Shortcut::Down);
    key(&mut app, Shortcut::Up);
    key(&mut app, Shortcut::Enter);
    assert_eq!(app.open_account(), Some(hits[1].account_id), "down, down, up, Enter opens the second result");
    assert!(sees(&app, &hits[1].name));

    // Ctrl+F (or /) goes back to search with the query kept.
    key(&mut app, Shortcut::Search);
    assert_eq!(app.open_account(), None);
    assert!(sees(&app, "40 accounts"));
}

#[test]
fn an_older_search_answer_never_replaces_a_newer_one() {
    let scene = scene();
    let backend = utility_desk::gui::backend::Backend::open(&scene.path).unwrap();
    let mut search = search::Search::default();
    let (number, _) = first_account(&scene);
    // Two keystrokes: "1" then the whole number. Their answers arrive in
    // the wrong order: the first (40 accounts) after the second (one).
    let (first, _) = search.update(&backend, search::Message::Query("1".into()));
    let (second, _) = search.update(&backend, search::Message::Query(number.clone()));
    let first = drain_search(first);
    for message in drain_search(second).into_iter().chain(first) {
        let _ = search.update(&backend, message);
    }
    assert_eq!(search.results().len(), 1, "the answer for {number} stands");
    assert_eq!(search.results()[0].number.to_string(), number);
}

fn drain_search(t: Task<search::Message>) -> Vec<search::Message> {
    let Some(stream) = task::into_stream(t) else { return Vec::new() };
    executor::block_on(
        stream
            .filter_map(|action| async move {
                match action {
                    runtime::Action::Output(message) => Some(message),
                    _ => None,
                }
            })
            .collect(),
    )
}

#[test]
fn a_credit_within_the_limit_posts_and_the_balance_moves() {
    let scene = scene();
    let mut app = boot(&scene);
    sign_in(&mut app, "rep2", DEMO_PASSWORD);
    open_first_account(&mut app, &scene);
    let id = app.open_account().unwrap();
    let before = Desk::open(&scene.path).unwrap().overview(id, Utc::now()).unwrap().account.balance;

    key(&mut app, Shortcut::Credit);
    act(&mut app, |ui| {
        ui.click(account::CREDIT_AMOUNT)?;
        ui.typewrite("25.00");
        Ok(())
    });
    assert!(sees(&app, "Within your limits: this credit will post now."));
    // The reason: a word is enough.
    act(&mut app, |ui| {
        ui.click(account::credit::REASON)?;
        ui.typewrite("goodw");
        Ok(())
    });
    assert!(sees(&app, "→ Customer goodwill"));
    act(&mut app, |ui| {
        ui.click(account::CREDIT_NOTE)?;
        ui.typewrite("Missed appointment on 3 November");
        ui.click("Post credit")?;
        Ok(())
    });
    let after = Desk::open(&scene.path).unwrap().overview(id, Utc::now()).unwrap().account.balance;
    assert_eq!(before - after, utility_desk::domain::Money::from_cents(2_500));
    assert!(sees(&app, "Credit of $25.00 posted."));
}

/// Whether a text starting with `prefix` is on screen (ids in messages vary).
fn sees_prefix(app: &App, prefix: &str) -> bool {
    let mut ui = simulator(app.view());
    ui.find(move |candidate: iced_test::selector::Candidate<'_>| match candidate {
        iced_test::selector::Candidate::Text { content, .. } if content.starts_with(prefix) => Some(()),
        _ => None,
    })
    .is_ok()
}

#[test]
fn an_over_limit_credit_says_so_first_and_a_supervisor_approves_it_lower() {
    let scene = scene();
    let mut app = boot(&scene);
    sign_in(&mut app, "rep2", DEMO_PASSWORD);
    open_first_account(&mut app, &scene);
    let id = app.open_account().unwrap();
    let pending_before = Desk::open(&scene.path).unwrap().requests(Utc::now(), Some("pending"), None).unwrap().len();

    key(&mut app, Shortcut::Credit);
    act(&mut app, |ui| {
        ui.click(account::CREDIT_AMOUNT)?;
        ui.typewrite("75.00");
        Ok(())
    });
    assert!(sees(&app, "Your credit limit is $50.00: this $75.00 credit will go to a supervisor."));
    act(&mut app, |ui| {
        ui.click(account::credit::REASON)?;
        ui.typewrite("zzz");
        Ok(())
    });
    assert!(sees(&app, "no reason matches"));
    // Clicking a match chooses it too.
    act(&mut app, |ui| {
        ui.click(account::credit::REASON)?;
        for _ in 0..3 {
            ui.tap_key(iced::keyboard::key::Named::Backspace);
        }
        Ok(())
    });
    act(&mut app, |ui| ui.click("Leak allowance").map(drop));
    assert!(sees(&app, "→ Leak allowance"));
    act(&mut app, |ui| {
        ui.click(account::CREDIT_NOTE)?;
        ui.typewrite("Leak repaired, plumber's invoice seen");
        ui.click("Send for approval")?;
        Ok(())
    });
    // After it went, the notice says what happened, not what will.
    assert!(sees(
        &app,
        "Sent for approval. Above Customer Account Representative II's credit limit of $50.00: this $75.00 credit \
         needs a supervisor's approval."
    ));
    let mut desk = Desk::open(&scene.path).unwrap();
    let pending = desk.requests(Utc::now(), Some("pending"), None).unwrap();
    assert_eq!(pending.len(), pending_before + 1);
    let request = pending.iter().find(|r| r.row.account_id == id && r.row.requested_by_name == "rep2").unwrap();

    // The supervisor signs in, finds it in the queue and approves $60.00.
    key(&mut app, Shortcut::Mnemonic('q'));
    assert_eq!(app.signed_in(), None, "Alt+Q signs out");
    sign_in(&mut app, "supervisor", DEMO_PASSWORD);
    key(&mut app, Shortcut::Approvals);
    assert!(sees(&app, "Approval queue, oldest first"));
    let position = pending.iter().position(|r| r.row.id == request.row.id).unwrap();
    for _ in 0..position {
        key(&mut app, Shortcut::Down);
    }
    assert!(sees(&app, "Credit of $75.00"));
    assert!(sees(&app, &format!("request {}", request.row.id)));
    assert!(sees(&app, "Leak allowance: Leak repaired, plumber's invoice seen"));
    // Alt+O opens the request's account for a closer look; Alt+A comes back.
    key(&mut app, Shortcut::Mnemonic('o'));
    assert_eq!(app.open_account(), Some(id));
    key(&mut app, Shortcut::Approvals);
    for _ in 0..position {
        key(&mut app, Shortcut::Down);
    }
    assert!(sees(&app, &format!("request {}", request.row.id)));
    act(&mut app, |ui| {
        ui.click(utility_desk::gui::screen::approvals::AMOUNT)?;
        for _ in 0..5 {
            ui.tap_key(iced::keyboard::key::Named::Backspace);
        }
        ui.typewrite("60.00");
        Ok(())
    });
    // The button says what one key will post, and to whom.
    let customer = desk.overview(id, Utc::now()).unwrap().account.customer.name;
    let number = desk.overview(id, Utc::now()).unwrap().account.account.number;
    assert!(sees(&app, &format!("Approve and post $60.00 credit to {number} ({customer})  Alt+P")));
    key(&mut app, Shortcut::Mnemonic('p'));
    assert!(sees(&app, "Request approved and posted."));
    assert!(sees_prefix(&app, &format!("request {}, posting ", request.row.id)));
    let decided = desk.requests(Utc::now(), Some("approved"), None).unwrap();
    let approved = decided.iter().find(|r| r.row.id == request.row.id).unwrap();
    assert_eq!(approved.row.approved_amount, Some(utility_desk::domain::Money::from_cents(6_000)));
}

/// Two windows on two connections to one ledger (under
/// `UTILITY_DESK_TEST_ENGINE=postgres`, one PostgreSQL database): the
/// supervisor's approval queue is open; a representative at another desk
/// sends an over-limit credit; the queue shows it at the window's next look
/// at the ledger (the one-second watch, no key pressed), and the supervisor
/// approves it there.
#[test]
fn a_credit_sent_at_one_desk_appears_in_the_supervisor_s_queue_at_another() {
    let scene = scene();
    let mut supervisor = boot(&scene);
    sign_in(&mut supervisor, "supervisor", DEMO_PASSWORD);
    key(&mut supervisor, Shortcut::Approvals);
    assert!(sees(&supervisor, "Approval queue, oldest first"));
    apply(&mut supervisor, Message::Watch);

    let mut rep = boot(&scene);
    sign_in(&mut rep, "rep2", DEMO_PASSWORD);
    open_first_account(&mut rep, &scene);
    let id = rep.open_account().unwrap();
    key(&mut rep, Shortcut::Credit);
    act(&mut rep, |ui| {
        ui.click(account::CREDIT_AMOUNT)?;
        ui.typewrite("75.00");
        ui.click(account::credit::REASON)?;
        ui.typewrite("leak");
        Ok(())
    });
    act(&mut rep, |ui| ui.click("Leak allowance").map(drop));
    act(&mut rep, |ui| {
        ui.click(account::CREDIT_NOTE)?;
        ui.typewrite("Leak repaired, sent from the counter");
        ui.click("Send for approval")?;
        Ok(())
    });
    assert!(sees_prefix(&rep, "Sent for approval."));
    let mut desk = Desk::open(&scene.path).unwrap();
    let pending = desk.requests(Utc::now(), Some("pending"), None).unwrap();
    let request = pending.iter().find(|r| r.row.account_id == id && r.row.requested_by_name == "rep2").unwrap();
    let position = pending.iter().position(|r| r.row.id == request.row.id).unwrap();
    let shown = |app: &mut App| {
        for _ in 0..position {
            key(app, Shortcut::Down);
        }
        sees(app, "Leak allowance: Leak repaired, sent from the counter")
    };
    assert!(!shown(&mut supervisor), "not before the window looks");

    // The watch's tick, as the window's one-second timer sends it.
    apply(&mut supervisor, Message::Watch);
    assert!(shown(&mut supervisor), "the queue shows the new request without a key pressed");
    assert!(sees(&supervisor, &format!("request {}", request.row.id)));
    key(&mut supervisor, Shortcut::Mnemonic('p'));
    assert!(sees(&supervisor, "Request approved and posted."));
    let approved = desk.requests(Utc::now(), Some("approved"), None).unwrap();
    assert!(approved.iter().any(|r| r.row.id == request.row.id && r.row.decided_by.is_some()));
}

#[test]
fn the_window_locks_when_idle_hides_the_account_and_unlocks_with_the_password() {
    let scene = scene();
    let mut app = boot(&scene);
    sign_in(&mut app, "rep3", DEMO_PASSWORD);
    let name = open_first_account(&mut app, &scene);

    apply(&mut app, Message::Tick);
    assert!(!app.is_locked(), "not idle yet");
    app.pretend_idle(IDLE_LOCK + Duration::from_secs(1));
    apply(&mut app, Message::Tick);
    assert!(app.is_locked());
    assert!(!sees(&app, &name), "account data is hidden while locked");
    assert!(sees(&app, "Locked after 15 idle minutes. rep3, enter your password to go on."));

    act(&mut app, |ui| {
        ui.click(login::PASSWORD)?;
        ui.typewrite(DEMO_PASSWORD);
        ui.click("Sign in")?;
        Ok(())
    });
    assert!(!app.is_locked());
    assert_eq!(app.signed_in(), Some("rep3"));
    assert!(sees(&app, &name), "back on the same account");
}

#[test]
fn someone_else_may_sign_in_at_the_lock_and_the_old_work_is_gone() {
    let scene = scene();
    let mut app = boot(&scene);
    sign_in(&mut app, "rep3", DEMO_PASSWORD);
    open_first_account(&mut app, &scene);
    key(&mut app, Shortcut::Lock);
    assert!(app.is_locked());
    assert!(sees(&app, "Locked by rep3. Enter your password to go on."), "Ctrl+L is not an idle lock");
    key(&mut app, Shortcut::Mnemonic('s'));
    sign_in(&mut app, "rep1", DEMO_PASSWORD);
    assert_eq!(app.signed_in(), Some("rep1"));
    assert_eq!(app.open_account(), None, "rep1 starts at search, not on rep3's account");
}

/// At the window's narrowest (1,024 px, the Simulator's own width) every
/// tab and action button of an account is whole and inside the window: the
/// actions wrap onto a second line rather than squeeze their labels away.
#[test]
fn at_the_narrowest_window_every_account_action_is_inside_it() {
    let scene = scene();
    let mut app = boot(&scene);
    sign_in(&mut app, "rep1", DEMO_PASSWORD);
    open_first_account(&mut app, &scene);
    let mut ui = simulator(app.view());
    let labels = [
        "Activity  Alt+1",
        "Issue credit  Alt+C",
        "Log contact  Alt+L",
        "Order  Alt+W",
        "Statement  Alt+S",
        "Letter  Alt+K",
    ];
    assert_whole_and_inside(&mut ui, &labels);
    // The customer's address has room to be read.
    let account = app.open_account().unwrap();
    let overview = Desk::open(&scene.path).unwrap().overview(account, Utc::now()).unwrap();
    let address = overview.account.premise.address.to_string();
    let shown = ui.find(address.as_str()).unwrap().bounds();
    assert!(shown.width >= 200.0 && shown.height <= 2.0 * ui.find("Activity  Alt+1").unwrap().bounds().height);
    drop(ui);

    // A Manager's top bar has the most in it, the F1 hint last.
    key(&mut app, Shortcut::Mnemonic('q'));
    sign_in(&mut app, "manager", DEMO_PASSWORD);
    let mut ui = simulator(app.view());
    assert_whole_and_inside(&mut ui, &["Administration", "manager · Manager", "Sign out  Alt+Q", "keys"]);
}

/// Each label is on one line, not squeezed, and inside a 1,024-pixel window.
fn assert_whole_and_inside(ui: &mut iced_test::Simulator<'_, Message>, labels: &[&str]) {
    let line = ui.find("Search").unwrap().bounds().height;
    for label in labels {
        let bounds = ui.find(*label).unwrap().bounds();
        // Squeezed, a label breaks over lines or shrinks to nothing.
        let whole = bounds.height <= line && bounds.width >= 4.0 * label.chars().count() as f32;
        assert!(whole && bounds.x >= 0.0 && bounds.x + bounds.width <= 1024.0, "{label} lies at {bounds:?}");
    }
}

#[test]
fn a_bill_is_itemized_and_explained_in_plain_words() {
    let scene = scene();
    let mut app = boot(&scene);
    sign_in(&mut app, "rep1", DEMO_PASSWORD);
    open_first_account(&mut app, &scene);
    let id = app.open_account().unwrap();
    key(&mut app, Shortcut::Tab(2));
    key(&mut app, Shortcut::Down);
    let mut desk = Desk::open(&scene.path).unwrap();
    let bills = desk.overview(id, Utc::now()).unwrap().bills;
    let bill = desk.bill(bills[0].id).unwrap();
    assert!(sees(&app, &bill.lines[0].line.description), "the newest bill's lines show");
    key(&mut app, Shortcut::Enter);
    let said = explain_bill_with_history(&bill, &bills);
    assert!(said[1].contains("this home's usual use"), "the use is set against the usual: {}", said[1]);
    for paragraph in said {
        assert!(sees(&app, &paragraph), "missing: {paragraph}");
    }
}

#[test]
fn f1_lists_the_keys_and_the_theme_switches() {
    let scene = scene();
    let mut app = boot(&scene);
    assert!(!sees(&app, "show or hide this list"));
    key(&mut app, Shortcut::Help);
    assert!(sees(&app, "show or hide this list"));
    key(&mut app, Shortcut::Escape);
    assert!(!sees(&app, "show or hide this list"));
    let light = app.theme();
    key(&mut app, Shortcut::Theme);
    assert_eq!(light.to_string(), "Utility Desk Light");
    assert_eq!(app.theme().to_string(), "Utility Desk Dark");
}

#[test]
fn a_bill_line_is_adjusted_by_amount_from_the_keyboard() {
    use account::adjust;
    let scene = scene();
    let mut app = boot(&scene);
    sign_in(&mut app, "rep3", DEMO_PASSWORD);
    open_first_account(&mut app, &scene);
    let id = app.open_account().unwrap();
    key(&mut app, Shortcut::Adjust);
    assert!(sees(&app, "Choose a bill first: Alt+2, then ↓."));
    key(&mut app, Shortcut::Tab(2));
    key(&mut app, Shortcut::Down);
    key(&mut app, Shortcut::Adjust);
    let mut desk = Desk::open(&scene.path).unwrap();
    let newest = desk.overview(id, Utc::now()).unwrap().bills[0].id;
    let bill = desk.bill(newest).unwrap();
    assert!(sees(&app, &format!("Adjust bill {} ({} to {})", bill.id, bill.period_start, bill.period_end)));

    let line = &bill.lines[1];
    key(&mut app, Shortcut::Mnemonic('n'));
    assert!(sees(&app, "↑ ↓ choose the line"), "Alt+N: by amount on a line");
    act(&mut app, |ui| {
        ui.click(line.line.description.as_str())?;
        ui.click(adjust::AMOUNT)?;
        ui.typewrite("1.00");
        ui.click(adjust::REASON)?;
        ui.typewrite("billing");
        ui.click(adjust::NOTE)?;
        ui.typewrite("Charged twice for the same month");
        Ok(())
    });
    let after = line.line.amount - utility_desk::domain::Money::from_cents(100);
    assert!(sees(&app, &format!("Line 2: {} before, {after} after.", line.line.amount)));
    assert!(sees(&app, "Within your limits: this adjustment will post now."));
    act(&mut app, |ui| ui.click("Post adjustment").map(drop));
    assert!(sees(&app, &format!("Bill {} adjusted.", bill.id)));
    let entries = desk.overview(id, Utc::now()).unwrap().entries;
    let newest = &entries[0];
    assert_eq!(newest.kind, utility_desk::domain::ledger::PostingKind::Adjustment);
    assert_eq!(newest.amount, utility_desk::domain::Money::from_cents(100));
    assert_eq!(newest.bill_id, Some(bill.id));
}

#[test]
fn a_complaint_from_a_phone_call_is_logged_from_the_keyboard() {
    use account::contact;
    let scene = scene();
    let mut app = boot(&scene);
    sign_in(&mut app, "rep1", DEMO_PASSWORD);
    open_first_account(&mut app, &scene);
    let id = app.open_account().unwrap();
    let before = Desk::open(&scene.path).unwrap().cases(id).unwrap();

    key(&mut app, Shortcut::Contact);
    assert!(sees(&app, "Log a contact"));
    act(&mut app, |ui| {
        ui.click(contact::SUMMARY)?;
        ui.typewrite("Says the bill doubled while the house was empty");
        Ok(())
    });
    key(&mut app, Shortcut::Mnemonic('k'));
    act(&mut app, |ui| {
        ui.click(contact::CATEGORY)?;
        ui.typewrite("high");
        Ok(())
    });
    assert!(sees(&app, "→ High bill"));
    act(&mut app, |ui| ui.click("Log and open complaint").map(drop));
    assert!(sees(&app, "Contact logged and complaint opened."));
    assert!(sees_prefix(&app, "Says the bill doubled while the house was empty (complaint #"), "on the Cases tab");

    let after = Desk::open(&scene.path).unwrap().cases(id).unwrap();
    assert_eq!(after.contacts.len(), before.contacts.len() + 1);
    assert_eq!(after.complaints.len(), before.complaints.len() + 1);
    assert_eq!(after.complaints[0].category, utility_desk::domain::cases::ComplaintCategory::HighBill);
}

#[test]
fn a_council_referral_is_logged_escalated_closed_and_reported_in_the_window() {
    use account::contact;
    let scene = scene();
    let mut app = boot(&scene);
    sign_in(&mut app, "rep1", DEMO_PASSWORD);
    open_first_account(&mut app, &scene);
    let account = app.open_account().unwrap();

    // The councilor's office calls: logged from the keyboard.
    key(&mut app, Shortcut::Contact);
    act(&mut app, |ui| {
        ui.click(contact::SUMMARY)?;
        ui.typewrite("Councilor's office: the customer's bill was never explained");
        Ok(())
    });
    key(&mut app, Shortcut::Mnemonic('k'));
    act(&mut app, |ui| {
        ui.click(contact::CATEGORY)?;
        ui.typewrite("billing");
        ui.click(contact::SOURCE)?;
        ui.typewrite("council");
        Ok(())
    });
    assert!(sees(&app, "→ City Council"), "the district field appears for the Council");
    act(&mut app, |ui| {
        ui.click(contact::DISTRICT)?;
        ui.typewrite("4");
        ui.click(contact::REFERENCE)?;
        ui.typewrite("CC-2026-0412");
        Ok(())
    });
    act(&mut app, |ui| ui.click("Log and open complaint").map(drop));
    assert!(sees(&app, "Contact logged and complaint opened."));
    let opened = Desk::open(&scene.path).unwrap().cases(account).unwrap().complaints[0].clone();
    assert_eq!((opened.source, opened.council_district), (utility_desk::domain::cases::Source::Council, Some(4)));
    let tag = format!("#{}", opened.id);

    // A CAR I escalates it from the liaison queue (F2, Alt+2); closing is not hers.
    key(&mut app, Shortcut::Work);
    key(&mut app, Shortcut::Tab(2));
    act(&mut app, |ui| ui.click(tag.as_str()).map(drop));
    assert!(sees(&app, "Closed by a Customer Account Representative III or above."));
    key(&mut app, Shortcut::Mnemonic('e'));
    act(&mut app, |ui| {
        ui.click(complaint::TEXT)?;
        ui.typewrite("Councilor wants a call back today");
        ui.click("Send")?;
        Ok(())
    });
    assert!(sees(&app, "Escalated to the CAR III queue."));

    // A CAR III takes it and closes it with a resolution.
    key(&mut app, Shortcut::Mnemonic('q'));
    sign_in(&mut app, "rep3", DEMO_PASSWORD);
    key(&mut app, Shortcut::Work);
    key(&mut app, Shortcut::Tab(2));
    act(&mut app, |ui| ui.click(tag.as_str()).map(drop));
    key(&mut app, Shortcut::Mnemonic('t'));
    assert!(sees(&app, "Assigned to rep3."));
    key(&mut app, Shortcut::Mnemonic('r'));
    act(&mut app, |ui| {
        ui.click(complaint::CHOICE)?;
        ui.typewrite("explained");
        ui.click(complaint::TEXT)?;
        ui.typewrite("Called the customer and the councilor's aide; explained the summer use");
        Ok(())
    });
    assert!(sees(&app, "→ Explained: no error found"));
    act(&mut app, |ui| ui.click("Send").map(drop));
    assert!(sees(&app, "Closed: Explained: no error found."));
    let closed = Desk::open(&scene.path).unwrap().complaint(opened.id, Utc::now()).unwrap();
    assert_eq!(closed.complaint.closed_by.as_deref(), Some("rep3"));

    // The liaison report shows it, and saves it as CSV.
    key(&mut app, Shortcut::Tab(3));
    act(&mut app, |ui| ui.click("Run").map(drop));
    assert!(sees(&app, "City Council district 4"));
    let csv = scene._dir.path().join("liaison.csv");
    // (The path field holds a default; the test names its own file.)
    apply(&mut app, Message::Work(work::Message::CsvPath(csv.display().to_string())));
    key(&mut app, Shortcut::Mnemonic('v'));
    assert!(sees(&app, &csv.display().to_string()), "a notice says where it went");
    let written = std::fs::read_to_string(&csv).unwrap();
    let ours = written.lines().find(|l| l.starts_with(&format!("{},", opened.id))).expect("our row");
    assert!(ours.contains("council,4,CC-2026-0412") && ours.contains(",closed,"), "{ours}");
}

#[test]
fn a_complaint_closed_in_my_work_stays_open_beside_the_list_and_down_goes_to_the_next() {
    use utility_desk::desk::{ContactRequest, NewComplaint};
    use utility_desk::domain::cases::{Channel, ComplaintCategory};
    let scene = scene();
    // Four complaints from the desk, all for rep3 to work, in a row on the list.
    let (first, second, third) = {
        let mut desk = Desk::open(&scene.path).unwrap();
        let account = desk.search("1000").unwrap()[0].account_id;
        let rep1 = desk.actor("rep1").unwrap();
        let rep3 = desk.actor("rep3").unwrap();
        for summary in ["Says the bill is too high", "Calls again", "And a third time", "And a fourth"] {
            let complaint = NewComplaint {
                assign_to: Some("rep3".into()),
                ..NewComplaint::from_customer(ComplaintCategory::HighBill)
            };
            let request = ContactRequest {
                account,
                channel: Channel::Phone,
                summary: summary.into(),
                complaint: Some(complaint),
                about: None,
                identity: None,
            };
            desk.log_contact(&rep1, Utc::now(), &request).unwrap();
        }
        let work = desk.my_work(&rep3, Utc::now()).unwrap();
        let items: Vec<_> = work.assigned.iter().chain(&work.waiting).map(|i| &i.complaint).collect();
        let first = items.iter().map(|c| c.id).max().unwrap() - 3;
        let at = items.iter().position(|c| c.id == first).expect("the first complaint is in rep3's work");
        let title = |n: usize| {
            let c = items.get(at + n).expect("rows follow it");
            format!("Complaint #{} · {}", c.id, c.category.label())
        };
        (title(0), title(1), title(2))
    };
    let close = |app: &mut App| {
        key(app, Shortcut::Mnemonic('r'));
        act(app, |ui| {
            ui.click(complaint::CHOICE)?;
            ui.typewrite("explained");
            ui.click(complaint::TEXT)?;
            ui.typewrite("Walked through the reads with the customer");
            ui.click("Send")?;
            Ok(())
        });
        assert!(sees(app, "Closed: Explained: no error found."));
    };
    let mut app = boot(&scene);
    sign_in(&mut app, "rep3", DEMO_PASSWORD);
    key(&mut app, Shortcut::Work);
    let tag = first.split(' ').nth(1).unwrap().to_string();
    act(&mut app, |ui| ui.click(tag.as_str()).map(drop));
    assert!(sees(&app, &first));

    // Closed, it leaves the list; the panel still shows it and what closing said.
    close(&mut app);
    assert!(sees(&app, &first), "the closed complaint stays open beside the list");
    assert!(!sees(&app, &second), "the row that moved up is not opened by itself");

    // Reopened, it is back on the list and chosen there: ↓ moves on from it.
    key(&mut app, Shortcut::Mnemonic('o'));
    act(&mut app, |ui| {
        ui.click(complaint::TEXT)?;
        ui.typewrite("Customer called back: the reads still look wrong");
        ui.click("Send")?;
        Ok(())
    });
    assert!(sees(&app, "Reopened; the due date stands."));
    key(&mut app, Shortcut::Down);
    assert!(sees(&app, &second), "↓ from the reopened complaint opens the one after it");

    // Close the second: ↓ goes to the row that moved up into its place.
    close(&mut app);
    assert!(sees(&app, &second));
    key(&mut app, Shortcut::Down);
    assert!(sees(&app, &third), "↓ opens the complaint after the closed one, not the one after that");
}

#[test]
fn a_meter_reread_is_drafted_reviewed_sent_completed_and_offers_the_rerate_in_the_window() {
    use utility_desk::domain::orders::{Field, OrderStatus};
    let scene = scene();
    let mut app = boot(&scene);
    sign_in(&mut app, "rep1", DEMO_PASSWORD);
    open_first_account(&mut app, &scene);
    let account = app.open_account().unwrap();
    let bill = Desk::open(&scene.path).unwrap().overview(account, Utc::now()).unwrap().bills[0].clone();
    let before = Desk::open(&scene.path).unwrap().cases(account).unwrap().orders.len();

    // A CAR I drafts a re-read (Alt+W); submitting without the reason is
    // refused and keeps the draft.
    key(&mut app, Shortcut::Order);
    act(&mut app, |ui| ui.click("Meter re-read").map(drop));
    assert!(sees(&app, "bill *"), "the re-read's required fields are marked");
    // The bill on screen (the newest) is filled in already.
    act(&mut app, |ui| ui.click("Submit for review").map(drop));
    assert!(sees_prefix(&app, "Saved as a draft, not submitted: "), "the missing reason is said");
    assert!(sees(&app, "missing (required)"));
    let drafted = Desk::open(&scene.path).unwrap().cases(account).unwrap().orders;
    assert_eq!(drafted.len(), before + 1);
    let id = drafted.iter().map(|o| o.id).max().unwrap();
    assert_eq!(drafted.iter().find(|o| o.id == id).unwrap().status, OrderStatus::Draft);

    // Edited (Alt+E) and submitted.
    key(&mut app, Shortcut::Mnemonic('e'));
    act(&mut app, |ui| {
        ui.click(order::field_id(Field::Reason))?;
        ui.typewrite("Customer read the meter herself: lower than billed");
        ui.click("Submit for review")?;
        Ok(())
    });
    assert!(sees(&app, "Submitted for review."));
    assert!(sees(&app, "Reviewed and sent by a Customer Account Representative III or above."));

    // A CAR III reviews it from the Service orders queue (F2, Alt+4), sends it,
    // and records the reading the field found.
    key(&mut app, Shortcut::Mnemonic('q'));
    sign_in(&mut app, "rep3", DEMO_PASSWORD);
    key(&mut app, Shortcut::Work);
    key(&mut app, Shortcut::Tab(4));
    assert!(sees_prefix(&app, "Waiting for review ("));
    let tag = format!("#{id}");
    act(&mut app, |ui| ui.click(tag.as_str()).map(drop));
    // Review and send each ask for a comment and a confirmation first.
    key(&mut app, Shortcut::Mnemonic('v'));
    assert!(sees_prefix(&app, "Review order #"), "Alt+V opens the review, it does not review at once");
    assert!(!sees(&app, "Reviewed: nothing missing, ready to send."));
    act(&mut app, |ui| {
        ui.click(order::COMMENT)?;
        ui.typewrite("Bill and meter checked against the account");
        ui.click("Review")?;
        Ok(())
    });
    assert!(sees(&app, "Reviewed: nothing missing, ready to send."));
    key(&mut app, Shortcut::Mnemonic('d'));
    assert!(sees_prefix(&app, "Send order #"));
    act(&mut app, |ui| ui.click("Send to the field").map(drop));
    assert!(sees(&app, "Sent to the field."));
    let events = Desk::open(&scene.path).unwrap().order(id).unwrap().events;
    assert!(
        events.iter().any(|e| e.note.as_deref() == Some("Bill and meter checked against the account")),
        "the review's comment is kept with the order"
    );
    key(&mut app, Shortcut::Mnemonic('f'));
    let found = bill.current_read.reading - (bill.current_read.reading - bill.previous_read.reading) / 2;
    act(&mut app, |ui| {
        ui.click(order::READING)?;
        ui.typewrite(&found.to_string());
        ui.click(order::OUTCOME)?;
        ui.typewrite("Meter read on site; the billed read was misread");
        ui.click("Complete")?;
        Ok(())
    });
    assert!(
        sees_prefix(&app, &format!("Completed. The re-read changes bill {} by ", bill.id)),
        "the re-rate is offered"
    );
    let done = Desk::open(&scene.path).unwrap().order(id).unwrap();
    assert_eq!((done.order.status, done.order.reread_value), (OrderStatus::Completed, Some(found)));

    // Alt+J takes the offer to the account's adjust form, the reading typed in.
    key(&mut app, Shortcut::Adjust);
    assert_eq!(app.open_account(), Some(account));
    assert!(sees(&app, &format!("Adjust bill {} ({} to {})", bill.id, bill.period_start, bill.period_end)));
    assert!(sees(&app, &found.to_string()), "the reading found is in the form");
    assert!(sees_prefix(&app, "Used "), "and the bill is re-rated from it");
}

#[test]
fn a_dispute_is_recorded_by_a_car_i_and_granted_by_a_car_iii_in_the_window() {
    let scene = scene();
    let mut app = boot(&scene);
    sign_in(&mut app, "rep1", DEMO_PASSWORD);
    open_first_account(&mut app, &scene);
    let account = app.open_account().unwrap();
    let bill = Desk::open(&scene.path).unwrap().overview(account, Utc::now()).unwrap().bills[0].clone();

    // On the Bills tab, the newest bill: Alt+I records a dispute of $5.00.
    key(&mut app, Shortcut::Tab(2));
    key(&mut app, Shortcut::Down);
    key(&mut app, Shortcut::Mnemonic('i'));
    assert!(sees_prefix(&app, &format!("Dispute bill {} (", bill.id)));
    act(&mut app, |ui| {
        ui.click(dispute::AMOUNT)?;
        ui.typewrite("5.00");
        ui.click(dispute::REASON)?;
        ui.typewrite("Says the sewer charge counts the pool fill");
        ui.click("Record dispute")?;
        Ok(())
    });
    assert!(sees_prefix(&app, "Dispute recorded: the amount is held apart"));
    assert!(sees_prefix(&app, "Disputed $"), "the header holds what is unpaid of it apart");
    assert!(sees(&app, "Resolved by a Customer Account Representative III or above."), "not a CAR I's to resolve");
    let recorded = Desk::open(&scene.path).unwrap().cases(account).unwrap().disputes;
    let id = recorded.iter().find(|d| d.is_open() && d.bill_id == bill.id).expect("the dispute").id;

    // A CAR III opens it from the Cases tab and grants it as a credit.
    key(&mut app, Shortcut::Mnemonic('q'));
    sign_in(&mut app, "rep3", DEMO_PASSWORD);
    open_first_account(&mut app, &scene);
    key(&mut app, Shortcut::Tab(4));
    act(&mut app, |ui| ui.click("Says the sewer charge counts the pool fill").map(drop));
    key(&mut app, Shortcut::Mnemonic('g'));
    assert!(sees(&app, "$5.00"), "the amount disputed is the amount granted unless changed");
    // More than was disputed is refused, and nothing is written.
    let amount = |typed: &str| {
        Message::Account(account::Message::Cases(account::cases::Message::Dispute(dispute::Message::Amount(
            typed.into(),
        ))))
    };
    apply(&mut app, amount("6.00"));
    act(&mut app, |ui| {
        ui.click(dispute::REASON_CODE)?;
        ui.typewrite("billing");
        ui.click(dispute::NOTE)?;
        ui.typewrite("Pool fill confirmed by the customer's receipt");
        ui.click("Grant")?;
        Ok(())
    });
    assert!(sees(&app, "grant at most the $5.00 disputed; for more, adjust the bill on its own"));
    assert!(Desk::open(&scene.path).unwrap().dispute(id).unwrap().dispute.is_open());
    apply(&mut app, amount("5.00"));
    act(&mut app, |ui| ui.click("Grant").map(drop));
    assert!(sees_prefix(&app, "Granted: posted as posting "));
    let granted = Desk::open(&scene.path).unwrap().dispute(id).unwrap().dispute;
    assert_eq!((granted.status.as_str(), granted.resolved_by.as_deref()), ("granted", Some("rep3")));
    assert!(granted.posting_id.is_some());
}

#[test]
fn a_statement_is_saved_as_pdf_and_csv_and_printed_or_saved_from_the_account() {
    use account::statement;
    let scene = scene();
    let mut app = boot(&scene);
    sign_in(&mut app, "rep1", DEMO_PASSWORD);
    let name = open_first_account(&mut app, &scene);
    key(&mut app, Shortcut::Mnemonic('s'));
    assert!(sees_prefix(&app, "Itemized statement for "));
    let path = scene._dir.path().join("statement.pdf");
    let set = |message: statement::Message| Message::Account(account::Message::Statement(message));
    apply(&mut app, set(statement::Message::Path(path.display().to_string())));
    act(&mut app, |ui| ui.click("Save PDF").map(drop));
    assert!(sees_prefix(&app, "Statement saved as PDF ("), "the notice says so");
    let pdf = std::fs::read(&path).unwrap();
    let document = lopdf::Document::load_mem(&pdf).unwrap();
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    assert!(document.extract_text(&pages).unwrap().contains(&name), "the customer's name is in it");

    key(&mut app, Shortcut::Mnemonic('s'));
    apply(&mut app, set(statement::Message::Path(path.display().to_string())));
    act(&mut app, |ui| ui.click("Save CSV").map(drop));
    assert!(sees_prefix(&app, "Statement saved as CSV ("));
    let csv = std::fs::read_to_string(path.with_extension("csv")).unwrap();
    assert!(csv.starts_with("account,date,posting,kind,description,reason,bill,charge,credit,balance"));

    // A period that ends before it starts is refused in the form, and nothing is written.
    key(&mut app, Shortcut::Mnemonic('s'));
    let other = scene._dir.path().join("refused.pdf");
    apply(&mut app, set(statement::Message::Path(other.display().to_string())));
    apply(&mut app, set(statement::Message::From("2026-11-01".into())));
    apply(&mut app, set(statement::Message::To("2026-10-01".into())));
    act(&mut app, |ui| ui.click("Save PDF").map(drop));
    assert!(sees(&app, "the statement ends (2026-10-01) before it starts (2026-11-01)"));
    assert!(!other.exists());

    // Print: through lp where there is a printer; otherwise saved, and said so.
    apply(&mut app, set(statement::Message::From("2026-01-01".into())));
    act(&mut app, |ui| ui.click("Print").map(drop));
    let no_printing =
        std::process::Command::new("lp").arg("-h").output().is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound);
    if no_printing {
        assert!(
            sees(
                &app,
                "Not printed: this computer has no printing set up; ask IT to add a printer. The statement is saved as PDF."
            ),
            "without a printing system the notice says so in plain words, not \"lp: No such file or directory\""
        );
    } else {
        assert!(
            sees_prefix(&app, "Statement sent to the printer") || sees_prefix(&app, "Not printed: "),
            "the notice says what happened"
        );
    }
    assert!(other.exists(), "the PDF is saved either way");
}

#[test]
fn a_supervisor_runs_the_reports_and_saves_them_as_csv_and_a_representative_has_none() {
    use utility_desk::gui::screen::reports;
    let scene = scene();
    let mut app = boot(&scene);
    sign_in(&mut app, "rep3", DEMO_PASSWORD);
    assert!(!sees(&app, "Reports  F3"), "no Reports for a representative");
    key(&mut app, Shortcut::Reports);
    assert!(!sees(&app, "Supervisor reports"));

    key(&mut app, Shortcut::Mnemonic('q'));
    sign_in(&mut app, "supervisor", DEMO_PASSWORD);
    key(&mut app, Shortcut::Reports);
    assert!(sees(&app, "Supervisor reports"));
    let set = |message: reports::Message| Message::Reports(message);
    apply(&mut app, set(reports::Message::From("2026-01-01".into())));
    act(&mut app, |ui| ui.click("Run").map(drop));
    assert!(sees_prefix(&app, "Effective 2026-01-01 to "), "the credits and adjustments report");
    assert!(sees(&app, "Requests raised above limits"));
    let path = scene._dir.path().join("adjustments.csv");
    apply(&mut app, set(reports::Message::CsvPath(path.display().to_string())));
    key(&mut app, Shortcut::Mnemonic('v'));
    assert!(sees_prefix(&app, "Saved "), "the notice says what was saved");
    assert!(csv::Reader::from_path(&path).unwrap().headers().unwrap().iter().any(|h| h == "credited"));
    assert!(scene._dir.path().join("adjustments-requests.csv").exists(), "the requests table beside it");
    key(&mut app, Shortcut::Mnemonic('p'));
    assert!(sees(&app, "Saved the report as PDF."));
    assert!(std::fs::read(path.with_extension("pdf")).unwrap().starts_with(b"%PDF-"));

    key(&mut app, Shortcut::Tab(2));
    act(&mut app, |ui| ui.click("Run").map(drop));
    assert!(sees_prefix(&app, "Opened 2026-01-01 to "), "complaints by source and status");
    key(&mut app, Shortcut::Tab(3));
    act(&mut app, |ui| ui.click("Run").map(drop));
    assert!(sees(&app, "Complaints opened"), "case work per person");
    assert!(sees_prefix(&app, "Lucia Bramante (rep3"), "a representative's row");
}

#[test]
fn a_high_bill_letter_is_merged_for_the_chosen_bill_edited_and_kept_as_sent() {
    use account::letter;
    let scene = scene();
    let mut app = boot(&scene);
    sign_in(&mut app, "rep1", DEMO_PASSWORD);
    let name = open_first_account(&mut app, &scene);
    let account = app.open_account().unwrap();
    key(&mut app, Shortcut::Tab(2));
    key(&mut app, Shortcut::Down);
    key(&mut app, Shortcut::Mnemonic('k'));
    assert!(sees(&app, "Letter to the customer"));
    act(&mut app, |ui| ui.click("High-bill explanation").map(drop));
    act(&mut app, |ui| ui.click("Merge").map(drop));
    assert!(sees(&app, "What is sent is kept on the account exactly as it reads here; it is never changed."));
    let set = |message: letter::Message| Message::Account(account::Message::Letter(message));
    let pdf = scene._dir.path().join("letter.pdf");
    apply(&mut app, set(letter::Message::PdfPath(pdf.display().to_string())));
    apply(&mut app, set(letter::Message::Subject("Your October bill, explained".into())));
    act(&mut app, |ui| ui.click("Send and keep").map(drop));
    assert!(sees_prefix(&app, "Letter #"), "the notice names the letter");
    let kept = Desk::open(&scene.path).unwrap().letters(account).unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].subject, "Your October bill, explained", "the subject as edited");
    assert!(kept[0].body.starts_with(&format!("Dear {name},")), "{}", kept[0].body);
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));

    // A complaint response with nothing to say which complaint is refused in the form.
    key(&mut app, Shortcut::Mnemonic('k'));
    act(&mut app, |ui| ui.click("Complaint response").map(drop));
    act(&mut app, |ui| ui.click("Merge").map(drop));
    assert!(sees(&app, "say which: complaint"));
}

#[test]
fn an_administrator_adds_a_user_and_a_manager_raises_a_limit() {
    use utility_desk::domain::authority::{Figure, Limit, MoneyAction};
    use utility_desk::domain::user::Role;
    use utility_desk::gui::screen::admin;
    let scene = scene();
    let mut app = boot(&scene);
    sign_in(&mut app, "admin", DEMO_PASSWORD);
    key(&mut app, Shortcut::Admin);
    assert!(sees(&app, "Administration"));
    act(&mut app, |ui| {
        ui.click(admin::NEW_USERNAME)?;
        ui.typewrite("jdoe");
        ui.click(admin::NEW_NAME)?;
        ui.typewrite("Jane Doe");
        ui.click(admin::NEW_ROLE)?;
        ui.typewrite("car2");
        ui.click(admin::NEW_PASSWORD)?;
        ui.typewrite("a-long-first-password");
        ui.click("Add user")?;
        Ok(())
    });
    assert!(sees(&app, "User jdoe added as Customer Account Representative II."));
    let mut desk = Desk::open(&scene.path).unwrap();

    // The Administrator's password is temporary: jdoe's first sign-in asks
    // for her own, typed twice, and only then opens the desk.
    apply(&mut app, Message::SignOut);
    sign_in(&mut app, "jdoe", "a-long-first-password");
    assert_eq!(app.signed_in(), None);
    assert!(sees(&app, "Choose your password"));
    act(&mut app, |ui| {
        ui.click(login::NEW_PASSWORD)?;
        ui.typewrite("jdoes-own-password");
        ui.click(login::NEW_AGAIN)?;
        ui.typewrite("jdoes-own-passwort");
        ui.click("Save and sign in")?;
        Ok(())
    });
    assert!(sees(&app, "type the same new password in both fields"));
    act(&mut app, |ui| {
        ui.click(login::NEW_PASSWORD)?;
        ui.typewrite("jdoes-own-password");
        ui.click(login::NEW_AGAIN)?;
        ui.typewrite("jdoes-own-password");
        ui.click("Save and sign in")?;
        Ok(())
    });
    assert_eq!(app.signed_in(), Some("jdoe"));
    assert!(desk.login(Utc::now(), "jdoe", "a-long-first-password").is_err(), "the temporary one is gone");
    assert!(desk.login(Utc::now(), "jdoe", "jdoes-own-password").is_ok());

    // A Manager changes a figure of the limits table; users are not theirs to manage.
    apply(&mut app, Message::SignOut);
    sign_in(&mut app, "manager", DEMO_PASSWORD);
    key(&mut app, Shortcut::Admin);
    assert!(sees(&app, "Only an Administrator manages users."));
    let credit = Figure::PerItem(MoneyAction::Credit);
    act(&mut app, |ui| {
        ui.click(admin::LIMIT)?;
        ui.typewrite("car2 credit 75.00");
        ui.tap_key(iced::keyboard::key::Named::Enter);
        Ok(())
    });
    assert!(sees(&app, "Customer Account Representative II: credit limit is now $75.00."));
    let policy = desk.policy().unwrap();
    assert_eq!(policy.figure(Role::Car2, credit), Some(Limit::UpTo(utility_desk::domain::Money::from_cents(7_500))));
}

/// On X11 a key pressed with Alt still carries its letter: the window keeps
/// it from the text fields, so Alt+K (complaint) types no "k" in the note.
#[test]
fn alt_with_a_letter_types_nothing_into_a_field() {
    use account::contact;
    use iced::keyboard::{self, Key, Modifiers};
    let scene = scene();
    let mut app = boot(&scene);
    sign_in(&mut app, "rep1", DEMO_PASSWORD);
    open_first_account(&mut app, &scene);
    key(&mut app, Shortcut::Contact);
    let press = |letter: &str, modifiers: Modifiers| {
        iced::Event::Keyboard(keyboard::Event::KeyPressed {
            key: Key::Character(letter.into()),
            modified_key: Key::Character(letter.into()),
            physical_key: keyboard::key::Physical::Unidentified(keyboard::key::NativeCode::Unidentified),
            location: keyboard::Location::Standard,
            modifiers,
            text: Some(letter.into()),
            repeat: false,
        })
    };
    act(&mut app, |ui| {
        ui.click(contact::SUMMARY)?;
        ui.simulate([press("n", Modifiers::empty()), press("k", Modifiers::ALT), press("o", Modifiers::empty())]);
        Ok(())
    });
    assert!(sees(&app, "no"), "the plain letters were typed, the Alt one was not");
    assert!(!sees(&app, "nko"));
}

/// First run: no database yet. The window shows a progress bar while the
/// demo is made on its own thread, then the sign-in screen with the demo
/// users; the database is complete when it appears under its name.
#[test]
fn the_first_run_makes_the_demo_behind_a_progress_bar() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data").join("ledger.db");
    let (mut app, task) = App::boot_with_demo(path.clone(), DemoOptions { accounts: 30, seed: 3, months: 4 });
    assert!(sees(&app, "Preparing the demo database"));
    let mut progress = Vec::new();
    for message in drain(task) {
        if let Message::Preparing(utility_desk::gui::app::Preparation::Progress(_, fraction)) = &message {
            progress.push(*fraction);
        }
        apply(&mut app, message);
    }
    assert!(progress.len() >= 3 && progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
    assert!(path.exists());
    assert!(sees(&app, "Demo database: sign in as any of"));
    sign_in(&mut app, "rep1", DEMO_PASSWORD);
    assert_eq!(app.signed_in(), Some("rep1"));
}
