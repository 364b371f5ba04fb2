//! End-to-end scripts (`tests/ui/*.ice`) run by iced_test's emulator against
//! the real application: its boot, its tasks and its widget operations, on a
//! demo database made for the run. Subscriptions (the keyboard shortcuts)
//! do not run there; `tests/ui.rs` covers them.

#[path = "engine/mod.rs"]
mod engine;

use chrono::{TimeZone, Utc};
use utility_desk::demo::DemoOptions;

#[test]
fn the_ice_scripts_pass() {
    // Kept under target/ so a failed script's database can be looked at.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("ui-scripts");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // Made as of a fixed day, so the scripts can name its figures: seed 7,
    // 40 accounts; the first is 10000001-7 (Denise Roberts).
    let made = Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap();
    let path = engine::demo_ledger_made(&dir, &DemoOptions { accounts: 40, seed: 7, months: 6 }, made);
    let scripts = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ui");
    if let Err(error) = iced_test::run(utility_desk::gui::application(path), scripts) {
        panic!("{error:?}");
    }
}
