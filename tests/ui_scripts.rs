//! End-to-end scripts (`tests/ui/*.ice`) run by iced_test's emulator against
//! the real application: its boot, its tasks and its widget operations, on a
//! demo database made for the run. Subscriptions (the keyboard shortcuts)
//! do not run there; `tests/ui.rs` covers them.

use chrono::Utc;
use utility_desk::demo::{self, DemoOptions};

#[test]
fn the_ice_scripts_pass() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    // Seed 7, 40 accounts: the scripts name its first account, 10000001-7 (Denise Roberts).
    demo::create_at(&path, &DemoOptions { accounts: 40, seed: 7, months: 6 }, Utc::now(), |_, _| {}).unwrap();
    let scripts = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ui");
    if let Err(error) = iced_test::run(utility_desk::gui::application(path), scripts) {
        panic!("{error:?}");
    }
}
