//! Backups and restores: a copy of the ledger while desks keep working,
//! and a new ledger made from one; each verified, never written over a
//! file, and a backup that does not verify restores nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]
// Both helper modules bring the engine harness; only the fixture's is used.
#![allow(clippy::duplicate_mod)]

mod common;
mod support;

use std::path::Path;

use support::{demo_file as demo, ok, posting_count, refused, verify_passes};

/// The bytes of a file, to show a refusal left it as it was.
fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn a_backup_is_a_verified_copy_and_a_restore_a_verified_new_ledger_never_over_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 20, 5, 6);
    let copy = dir.path().join("copy.db");
    let said = ok(&db, &["backup", copy.to_str().unwrap()]);
    assert!(said.starts_with(&format!("Backed up {} to {}: ", db.display(), copy.display())), "{said}");
    assert!(said.contains("verify passed") && said.contains("audit head: "), "{said}");
    assert_eq!(posting_count(&copy), posting_count(&db), "the copy holds every posting");

    // Never over a file: the copy is left exactly as it was.
    let before = bytes(&copy);
    let why = refused(&db, &["backup", copy.to_str().unwrap()]);
    assert!(why.contains("a file is already there"), "{why}");
    assert_eq!(bytes(&copy), before);

    let restored = dir.path().join("restored.db");
    let said = ok(&db, &["restore", copy.to_str().unwrap(), "--to", restored.to_str().unwrap()]);
    assert!(said.starts_with("Restored ") && said.contains("verify passed"), "{said}");
    verify_passes(&restored);
    assert_eq!(posting_count(&restored), posting_count(&db));
    let before = bytes(&restored);
    let why = refused(&db, &["restore", copy.to_str().unwrap(), "--to", restored.to_str().unwrap()]);
    assert!(why.contains("a file is already there"), "{why}");
    assert_eq!(bytes(&restored), before, "a restore never writes over a ledger");

    // Not a ledger, or nothing there: refused, and nothing left behind.
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a ledger at all, just some words that are long enough\n").unwrap();
    let nowhere = dir.path().join("nowhere.db");
    for from in [&text, &dir.path().join("missing.db")] {
        let why = refused(&db, &["restore", from.to_str().unwrap(), "--to", nowhere.to_str().unwrap()]);
        assert!(why.contains(&from.display().to_string()), "names the file: {why}");
        assert!(!nowhere.exists(), "nothing restored from {}: {why}", from.display());
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "no half-written copy is left: {leftovers:?}");
}

#[test]
fn a_backup_that_does_not_verify_restores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 10, 5, 3);
    let copy = dir.path().join("copy.db");
    ok(&db, &["backup", copy.to_str().unwrap()]);
    // The copy tampered with: one ledger line changed.
    let conn = rusqlite::Connection::open(&copy).unwrap();
    conn.execute_batch(
        "DROP TRIGGER entries_no_update;
         UPDATE entries SET amount_cents = amount_cents + 1 WHERE posting_id = (SELECT min(posting_id) FROM entries);",
    )
    .unwrap();
    drop(conn);
    let restored = dir.path().join("restored.db");
    let why = refused(&db, &["restore", copy.to_str().unwrap(), "--to", restored.to_str().unwrap()]);
    assert!(why.contains("does not verify") && why.contains("nothing was restored"), "{why}");
    for leftover in ["restored.db", "restored.db-wal", "restored.db-shm"] {
        assert!(!dir.path().join(leftover).exists(), "{leftover} was removed again");
    }
}

/// Backups taken while another desk posts payments: each is the ledger at
/// one moment (it verifies, and holds a whole number of the writer's
/// payments, each with its lines), and the writer is not stopped.
#[test]
fn a_backup_while_another_desk_keeps_posting_is_the_ledger_at_one_moment() {
    use common::{cents, day, now, payment};
    let f = common::file_fixture();
    let mut fixture = f.fixture;
    let account = fixture.residential();
    let path = f.path.clone();
    let cashier = fixture.staff.cashier().clone();
    let writer = std::thread::spawn(move || {
        let mut desk = utility_desk::desk::Desk::open(&path).unwrap();
        for n in 0..200 {
            let request = payment(account, cents(100 + n), day(2026, 11, 1), &format!("pay-{n}"));
            desk.record_payment(&cashier, now(), &request).unwrap();
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let mut copies = Vec::new();
    for n in 0..5 {
        let to = dir.path().join(format!("copy-{n}.db"));
        let (copied, report) = fixture.desk.backup_to(&to).unwrap();
        assert!(report.passed(), "copy {n} verifies: {:?}", report.checks.iter().find(|c| c.problem_count > 0));
        assert!(copied.bytes > 0 && copied.pages > 0);
        copies.push(report.counts.postings);
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    writer.join().unwrap();
    assert!(copies.windows(2).all(|w| w[0] <= w[1]), "each copy holds at least what the one before did: {copies:?}");
    let last = dir.path().join("last.db");
    let (_, report) = fixture.desk.backup_to(&last).unwrap();
    assert!(report.counts.postings >= 200, "the writer's 200 payments are all in a copy taken after it");
}

/// A reader holding an old snapshot (a backup, `verify`, a long report)
/// keeps the write-ahead log from restarting. A writer past the log's bound
/// then checkpoints itself in its commit, and used to wait the whole busy
/// timeout for that reader: a payment stalled 10 s during a backup of the
/// 50,000-account ledger. Now it waits a moment, lets the log grow, and
/// tries again later.
#[test]
fn a_reader_holding_an_old_snapshot_does_not_stall_the_writer() {
    use common::{cents, day, now, payment};
    let f = common::file_fixture();
    let mut fixture = f.fixture;
    let account = fixture.residential();
    let reader = rusqlite::Connection::open(&f.path).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let _: i64 = reader.query_row("SELECT count(*) FROM postings", [], |r| r.get(0)).unwrap();
    let wal = {
        let mut name = f.path.as_os_str().to_owned();
        name.push("-wal");
        std::path::PathBuf::from(name)
    };
    let cashier = fixture.staff.cashier().clone();
    let (mut slowest, mut n) = (std::time::Duration::ZERO, 0);
    // Past the bound (2,000 pages of 4 KiB for a small ledger) and well on.
    while std::fs::metadata(&wal).map_or(0, |m| m.len()) < 12_000_000 {
        let started = std::time::Instant::now();
        let request = payment(account, cents(100), day(2026, 11, 1), &format!("held-{n}"));
        fixture.desk.record_payment(&cashier, now(), &request).unwrap();
        slowest = slowest.max(started.elapsed());
        n += 1;
        assert!(n < 20_000, "the log never grew past its bound");
    }
    assert!(
        slowest < std::time::Duration::from_secs(3),
        "no payment waited out the busy timeout for the reader: the slowest of {n} took {slowest:?}"
    );
    reader.execute_batch("COMMIT").unwrap();
    drop(reader);
    fixture.assert_verified();
}
