//! The demo database as the window shows it: service orders in every state,
//! a review queue with work in it, and a ledger that still verifies.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use chrono::Utc;
use utility_desk::demo::{self, DemoOptions};
use utility_desk::desk::Desk;
use utility_desk::domain::orders::{OrderKind, OrderStatus};
use utility_desk::records::OrderRow;

#[test]
fn the_demo_has_orders_in_every_state_and_a_review_queue() {
    let mut desk = Desk::open_in_memory().unwrap();
    let options = DemoOptions { accounts: 40, seed: 7, months: 3 };
    let summary = demo::generate(&mut desk, &options, Utc::now(), |_, _| {}).unwrap();

    // Every demo premise is in Tulsa: one search finds all forty accounts.
    let accounts = desk.search("tulsa").unwrap();
    assert_eq!(accounts.len(), 40);
    let mut orders: Vec<OrderRow> = Vec::new();
    for hit in &accounts {
        orders.extend(desk.orders(hit.account_id).unwrap());
    }
    assert_eq!(orders.len() as u64, summary.orders, "the summary counts every order");

    let mut by_status: BTreeMap<&str, usize> = BTreeMap::new();
    for order in &orders {
        *by_status.entry(order.status.code()).or_default() += 1;
    }
    for status in [
        OrderStatus::Draft,
        OrderStatus::Submitted,
        OrderStatus::Reviewed,
        OrderStatus::Sent,
        OrderStatus::Completed,
        OrderStatus::Cancelled,
    ] {
        assert!(by_status.contains_key(status.code()), "no {} order in the demo: {by_status:?}", status.code());
    }
    let returned = orders
        .iter()
        .filter(|o| o.status == OrderStatus::Draft && o.review_flags.as_ref().is_some_and(|f| !f.is_empty()));
    assert!(returned.count() > 0, "no draft the review sent back with flags");
    let reread = orders.iter().find(|o| o.kind == OrderKind::MeterReread && o.status == OrderStatus::Completed);
    assert!(reread.expect("a completed re-read").reread_value.is_some(), "a completed re-read has its reading");
    for order in &orders {
        assert!(["rep1", "rep2"].contains(&order.created_by.as_str()), "drafted by a CAR I or II: {order:?}");
        if let Some(by) = &order.reviewed_by {
            assert_eq!(by, "rep3", "reviewed by the CAR III");
        }
    }

    let queue = desk.review_queue().unwrap();
    assert!(!queue.is_empty(), "the review queue is empty");
    assert!(queue.iter().all(|o| o.status == OrderStatus::Submitted));
    assert!(desk.verify().unwrap().passed(), "the demo with its orders verifies");
}

#[test]
fn the_first_run_demo_is_made_in_bulk_and_left_in_wal_with_full_sync() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    // What an interrupted first run left behind is thrown away.
    let partial = path.with_extension("db.partial");
    std::fs::write(&partial, b"half a database").unwrap();
    let options = DemoOptions { accounts: 30, seed: 3, months: 4 };
    let summary = demo::create_at(&path, &options, Utc::now(), |_, _| {}).unwrap();
    assert!(!partial.exists(), "the partial file was renamed into place");

    let mut desk = Desk::open(&path).unwrap();
    let (journal, sync) = desk.durability().unwrap();
    assert_eq!((journal.as_str(), sync), ("wal", 2), "bulk-load mode does not outlive the demo");
    let report = desk.verify().unwrap();
    assert!(report.checks.iter().all(|c| c.problem_count == 0), "{:?}", report.checks);
    assert_eq!(report.counts.accounts, 30);
    assert_eq!(report.counts.bills, summary.bills);

    // Bulk-load mode is refused on a database that holds accounts, and
    // leaves it as it was.
    let error = desk.begin_bulk_load().unwrap_err().to_string();
    assert!(error.contains("only for a new database") && error.contains("30 accounts"), "{error}");
    assert_eq!(desk.durability().unwrap(), ("wal".to_string(), 2));
}

/// The first-run demo never lands on a file that appeared at its path while
/// it was being made (a ledger another window made with `init`): that file
/// is left byte for byte, and the demo is thrown away.
#[test]
fn the_first_run_demo_never_replaces_a_file_that_appeared_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let theirs = b"a ledger made meanwhile".to_vec();
    let mut made = false;
    let options = DemoOptions { accounts: 20, seed: 5, months: 3 };
    let error = demo::create_at(&path, &options, Utc::now(), |_, _| {
        if !made {
            std::fs::write(&path, &theirs).unwrap();
            made = true;
        }
    })
    .unwrap_err()
    .to_string();
    assert!(error.contains("a file appeared at") && error.contains("was left as it is"), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), theirs);
    assert!(!path.with_extension("db.partial").exists(), "the demo was thrown away");
}
