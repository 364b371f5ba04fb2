//! Invariant 10: after a process is killed at any point, the database opens,
//! `verify` passes, and every acknowledged action is there. And two
//! processes writing at once lose nothing. And the faults a file meets:
//! not a ledger, read-only, locked by another desk, replaced under a running
//! desk, damaged. The ledgers of the concurrent and killed imports and of
//! the reads that must not wait are on the run's engine (on PostgreSQL the
//! writes are held by the audit head's row lock); a file's own faults and
//! the killed demos keep to files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use support::*;

/// `count` payment rows with keys `prefix-N` and small amounts on random
/// accounts; returns them with the total per account.
fn payment_rows(prefix: &str, count: usize, numbers: &[String], seed: u64) -> (Vec<PaymentRow>, BTreeMap<String, i64>) {
    let mut rng = Lcg(seed);
    let mut totals = BTreeMap::new();
    let rows = (0..count)
        .map(|i| {
            let number = &numbers[rng.below(numbers.len() as u64) as usize];
            let cents = 1 + rng.below(2_500) as i64;
            *totals.entry(number.clone()).or_insert(0) += cents;
            PaymentRow::new(format!("{prefix}-{i}"), number, cents)
        })
        .collect();
    (rows, totals)
}

fn balances(db: &Path, numbers: &[String]) -> BTreeMap<String, i64> {
    numbers.iter().map(|n| (n.clone(), balance(db, n))).collect()
}

fn import_args(file: &Path) -> Vec<String> {
    ["payments", "import", file.to_str().unwrap(), "--as", "batch"].map(String::from).to_vec()
}

#[test]
fn two_processes_posting_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 40, 31, 6);
    let numbers = account_numbers(&db);
    let before = balances(&db, &numbers);
    let postings_before = posting_count(&db);

    let (rows_a, totals_a) = payment_rows("desk-a", 300, &numbers, 1);
    let (rows_b, totals_b) = payment_rows("desk-b", 300, &numbers, 2);
    let (file_a, file_b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    write_payments(&file_a, &rows_a);
    write_payments(&file_b, &rows_b);

    let spawn = |file: &Path| {
        let args = import_args(file);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        spawn_signed_in(&db, &args, Stdio::piped())
    };
    // Hold the ledger's writes while both start, so both are surely running
    // and waiting when they are let go, and then compete row by row.
    let mut lock = engine::raw(&db);
    lock.hold_writes();
    let (mut a, mut b) = (spawn(&file_a), spawn(&file_b));
    std::thread::sleep(Duration::from_millis(300));
    assert!(a.try_wait().unwrap().is_none() && b.try_wait().unwrap().is_none(), "both wait for the lock");
    lock.release();
    let (out_a, out_b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    for (name, output, rows) in [("a", &out_a, &rows_a), ("b", &out_b, &rows_b)] {
        assert_eq!(output.status.code(), Some(0), "process {name}: {}", stderr(output));
        let acks = import_lines(&stdout(output));
        let keys: Vec<&str> = acks
            .iter()
            .map(|(verb, key, _)| {
                assert_eq!(verb, "posted");
                key.as_str()
            })
            .collect();
        let expected: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, expected, "process {name} acknowledged every row, in order");
    }

    let ids = |output: &std::process::Output| -> Vec<i64> {
        import_lines(&stdout(output)).into_iter().map(|a| a.2).collect()
    };
    let (ids_a, ids_b) = (ids(&out_a), ids(&out_b));
    let mut all: Vec<i64> = ids_a.iter().chain(&ids_b).copied().collect();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), 600, "every row has its own posting");
    let interleaved = ids_a.iter().any(|id| id > ids_b.first().unwrap() && id < ids_b.last().unwrap());
    eprintln!("the two imports' postings {} interleaved", if interleaved { "were" } else { "were not" });

    assert_eq!(posting_count(&db), postings_before + 600);
    let after = balances(&db, &numbers);
    for number in &numbers {
        let paid = totals_a.get(number).unwrap_or(&0) + totals_b.get(number).unwrap_or(&0);
        assert_eq!(after[number], before[number] - paid, "account {number}");
    }
    verify_passes(&db);

    // Each file again: every row is already there, under the same posting.
    for (file, first) in [(&file_a, &ids_a), (&file_b, &ids_b)] {
        let out = ok_signed_in(&db, &import_args(file).iter().map(String::as_str).collect::<Vec<_>>());
        let again = import_lines(&out);
        assert!(again.iter().all(|(verb, _, _)| verb == "already-posted"), "{out}");
        assert_eq!(&again.iter().map(|a| a.2).collect::<Vec<_>>(), first);
    }
    assert_eq!(posting_count(&db), postings_before + 600);
}

#[cfg(unix)]
fn killed_by_sigkill(status: std::process::ExitStatus) -> bool {
    use std::os::unix::process::ExitStatusExt;
    status.signal() == Some(9)
}

#[cfg(not(unix))]
fn killed_by_sigkill(status: std::process::ExitStatus) -> bool {
    !status.success()
}

#[test]
fn a_bulk_import_killed_midway_keeps_every_acknowledged_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 40, 32, 6);
    let numbers = account_numbers(&db);
    let postings_before = posting_count(&db);
    let (rows, _) = payment_rows("bulk", 2_000, &numbers, 3);
    let file = dir.path().join("bulk.csv");
    write_payments(&file, &rows);

    let args = import_args(&file);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut child = spawn_signed_in(&db, &args, Stdio::piped());
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut text = String::new();
    let mut acknowledged = 0;
    while acknowledged < 50 {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "the import ended early:\n{text}");
        acknowledged += usize::from(line.starts_with("posted "));
        text.push_str(&line);
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    // What was already in the pipe was acknowledged too; only whole lines count.
    reader.read_to_string(&mut text).unwrap();
    let complete = text.rfind('\n').map_or("", |end| &text[..=end]);
    let acks: BTreeMap<String, i64> = import_lines(complete).into_iter().map(|(_, key, id)| (key, id)).collect();
    assert!(killed_by_sigkill(status), "the import was killed, not finished: {status:?}");
    assert!(acks.len() >= 50 && acks.len() < 2_000, "{} acknowledged", acks.len());
    assert!(!text.contains("done:"), "the import finished before the kill");

    let report = verify_passes(&db);
    let committed = report["counts"]["postings"].as_u64().unwrap() - postings_before;
    assert!(committed >= acks.len() as u64, "{committed} postings for {} acknowledged rows", acks.len());

    // Running the file again finds every acknowledged row, under the same
    // posting, and posts the rest.
    let out = ok_signed_in(&db, &args);
    let again = import_lines(&out);
    assert_eq!(again.len(), 2_000, "{out}");
    for (key, id) in &acks {
        let line = again.iter().find(|(_, k, _)| k == key).unwrap_or_else(|| panic!("{key} missing on re-run"));
        assert_eq!((line.0.as_str(), line.2), ("already-posted", *id), "acknowledged {key}");
    }
    let replayed = again.iter().filter(|(verb, _, _)| verb == "already-posted").count() as u64;
    assert_eq!(replayed, committed, "what was committed before the kill is found again, nothing more");
    let keys: Vec<&str> = again.iter().map(|(_, key, _)| key.as_str()).collect();
    assert_eq!(keys, rows.iter().map(|r| r.key.as_str()).collect::<Vec<_>>());
    assert!(out.contains(&format!("done: {} posted, {replayed} already posted", 2_000 - replayed)), "{out}");

    let report = verify_passes(&db);
    assert_eq!(report["counts"]["postings"].as_u64().unwrap(), postings_before + 2_000);
}

/// When to kill a demo run.
enum KillAt {
    /// After this long, whatever it is doing.
    After(Duration),
    /// Once its progress output (stderr) so far satisfies this.
    Progress(fn(&str) -> bool),
}

/// Starts a demo, kills it at `at`, checks the kill landed before the end,
/// and returns the database.
fn kill_demo(dir: &Path, name: &str, accounts: &str, at: KillAt) -> std::path::PathBuf {
    let db = dir.join(name);
    let mut child = command(&db, &["demo", "--accounts", accounts, "--seed", "4", "--months", "12"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut progress = child.stderr.take().unwrap();
    match at {
        KillAt::After(wait) => {
            let started = Instant::now();
            while started.elapsed() < wait {
                assert!(child.try_wait().unwrap().is_none(), "{name}: the demo finished too soon");
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        KillAt::Progress(ready) => {
            // Progress arrives as it is made (stderr is unbuffered); read it in pieces.
            let mut seen = Vec::new();
            let mut buffer = [0u8; 256];
            while !ready(&String::from_utf8_lossy(&seen)) {
                let n = progress.read(&mut buffer).unwrap();
                assert!(n > 0, "{name}: the demo ended before the kill point: {}", String::from_utf8_lossy(&seen));
                seen.extend_from_slice(&buffer[..n]);
            }
        }
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(killed_by_sigkill(status), "{name}: the demo was killed, not finished: {status:?}");
    db
}

/// The last percentage a demo's progress line showed for `stage`.
fn percent(progress: &str, stage: &str) -> Option<u32> {
    let last = progress.rsplit('\r').find(|p| p.trim_start().starts_with(stage))?;
    last.split_whitespace().find_map(|w| w.strip_suffix('%')).and_then(|p| p.parse().ok())
}

#[test]
fn a_demo_killed_midway_leaves_a_database_that_verifies_and_says_it_is_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    // Early (users, first accounts); between two batches of accounts (the
    // first 2,000 are committed); in the middle of billing the months.
    let early = kill_demo(dir.path(), "early.db", "3000", KillAt::After(Duration::from_millis(150)));
    let opening = kill_demo(dir.path(), "opening.db", "3000", KillAt::Progress(|p| percent(p, "Opening").is_some()));
    let billing = kill_demo(
        dir.path(),
        "billing.db",
        "300",
        KillAt::Progress(|p| percent(p, "Billing").is_some_and(|n| n >= 50)),
    );
    for (db, at_least_bills) in [(&early, 0), (&opening, 0), (&billing, 300)] {
        // Every ledger check passes; the one problem verify names is that
        // the demo is incomplete, and demo refuses to go on in it, saying
        // how to start again. (Killed before it marked the file, a demo
        // has written nothing yet and starts again there.)
        let again = run(db, &["demo", "--accounts", "10", "--seed", "4", "--months", "1"]);
        let (code, report) = verify_report(db);
        if again.status.code() == Some(0) {
            assert!(std::ptr::eq(db, &early), "{}: a demo went on in a half-built file", db.display());
            assert_eq!(code, Some(0), "{report}");
            continue;
        }
        let refusal = stderr(&again);
        assert!(refusal.contains("incomplete demo database") && refusal.contains("Delete it"), "{refusal}");
        assert_eq!(code, Some(1));
        assert_eq!(failed_checks(&report), ["the database is whole (no demo stopped part-way)"], "{report}");
        let counts = &report["counts"];
        assert_eq!(counts["total_debits"], counts["total_credits"], "{}", db.display());
        assert!(counts["bills"].as_u64().unwrap() >= at_least_bills, "{}: {counts}", db.display());
        // The database still works: it can be searched and an account shown.
        let hits = json(db, &["search", "tulsa", "--json"]);
        if let Some(number) = hits.as_array().unwrap().first().and_then(|h| h["number"].as_str()) {
            assert_eq!(overview(db, number)["account"]["account"]["number"], number);
        }
        eprintln!("{}: {counts}", db.display());
    }
    let opened = verify_report(&opening).1["counts"]["accounts"].as_u64().unwrap();
    assert!(opened >= 2_000, "the kill came after the first batch of accounts was committed: {opened}");
}

/// A file at the ledger's path that is not a ledger (empty, text, another
/// program's database) is refused by every command but `init` and `demo`,
/// and left exactly as it was.
#[test]
fn a_file_that_is_not_a_ledger_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x');")
        .unwrap();
    let files = [
        (dir.path().join("empty.db"), Vec::new(), "the file is empty"),
        (dir.path().join("text.db"), b"not a database at all\n".repeat(300), "it is not a database"),
        (other.clone(), std::fs::read(&other).unwrap(), "it is another program's database"),
    ];
    for (path, bytes, why) in &files {
        std::fs::write(path, bytes).unwrap();
        for args in [vec!["search", "smith"], vec!["verify"], vec!["verify", "--json"], vec!["account", "10000001-7"]] {
            let output = run(path, &args);
            assert_eq!(output.status.code(), Some(1), "{args:?} on {}", path.display());
            let said = stderr(&output);
            assert!(said.contains("is not a utility-desk ledger") && said.contains(why), "{said}");
        }
        assert_eq!(&std::fs::read(path).unwrap(), bytes, "{} was left as it was", path.display());
        let beside: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert!(!beside.iter().any(|n| n.to_string_lossy().ends_with("-wal")), "{beside:?}");
        // init makes no ledger over it either.
        let output = run_with_input(
            path,
            &["init", "--admin", "root", "--name", "Root", "--password-stdin"],
            "Long-Enough-Pass-1\n",
        );
        if !bytes.is_empty() {
            assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        }
    }
}

/// Reads take no write lock: while another desk holds the ledger's write
/// lock (a long transaction), search, an account and verify answer at once
/// rather than after the 10-second busy wait.
#[test]
fn reads_do_not_wait_behind_another_desks_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 10, 3, 2);
    let number = account_numbers(&db).remove(0);
    let mut lock = engine::raw(&db);
    lock.hold_writes();
    for args in [vec!["search", "tulsa"], vec!["account", number.as_str()], vec!["verify"]] {
        let started = Instant::now();
        let output = run(&db, &args);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {}", stderr(&output));
        assert!(started.elapsed() < Duration::from_secs(5), "{args:?} waited {:?}", started.elapsed());
    }
    lock.release();
}

/// A ledger on a read-only file and folder (another user's, a read-only
/// disk) is searched and verified; a write says why it cannot be made.
#[test]
fn a_read_only_ledger_is_read_and_a_write_says_why_not() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_file(dir.path(), "ledger.db", 10, 3, 2);
    let number = account_numbers(&db).remove(0);
    use std::os::unix::fs::PermissionsExt;
    // Root reads and writes whatever the permissions say: then the checks
    // run as the unprivileged `nobody`, with the binary linked beside them.
    let root = std::process::Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0"));
    let binary = dir.path().join("utility-desk");
    if std::fs::hard_link(bin(), &binary).is_err() {
        std::fs::copy(bin(), &binary).unwrap();
    }
    std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let run_as_reader = |args: &[&str], input: &str| {
        use std::io::Write;
        let mut command = if root {
            let mut c = std::process::Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(&binary);
            c
        } else {
            std::process::Command::new(&binary)
        };
        let mut child = command
            .arg("--db")
            .arg(&db)
            .args(args)
            .env_remove("UTILITY_DESK_DB")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
        child.wait_with_output().unwrap()
    };
    let found = run_as_reader(&["search", "tulsa", "--json"], "");
    assert_eq!(found.status.code(), Some(0), "{}", stderr(&found));
    assert!(stdout(&found).contains(&number));
    let verified = run_as_reader(&["verify"], "");
    assert_eq!(verified.status.code(), Some(0), "{}", stderr(&verified));
    let credit = run_as_reader(
        &["credit", &number, "5.00", "--reason", "goodwill", "--note", "x", "--as", "rep2", "--password-stdin"],
        &format!("{DEMO_PASSWORD}\n"),
    );
    assert_eq!(credit.status.code(), Some(1));
    assert!(stderr(&credit).contains("can only be read here"), "{}", stderr(&credit));
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A ledger file deleted or replaced under a running desk: the desk's next
/// write is refused, saying so, and neither file takes it.
#[test]
fn a_ledger_replaced_under_a_running_desk_takes_no_write() {
    use utility_desk::desk::{CreditRequest, Desk, DeskError};
    use utility_desk::store::StoreError;
    let dir = tempfile::tempdir().unwrap();
    let db = demo_file(dir.path(), "ledger.db", 10, 3, 2);
    let mut desk = Desk::open(&db).unwrap();
    let manager = desk.login(chrono::Utc::now(), "manager", DEMO_PASSWORD).unwrap().actor;
    let account = desk.search("tulsa").unwrap()[0].account_id;
    let credit = |key: &str| CreditRequest {
        account,
        amount: utility_desk::domain::Money::from_cents(500),
        reason: utility_desk::domain::ledger::ReasonCode::Goodwill,
        note: "courtesy".into(),
        key: key.into(),
    };
    desk.issue_credit(&manager, chrono::Utc::now(), &credit("before")).unwrap();
    let moved = dir.path().join("moved.db");
    std::fs::rename(&db, &moved).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::rename(format!("{}{suffix}", db.display()), format!("{}{suffix}", moved.display()));
    }
    let postings = posting_count(&moved);
    let error = desk.issue_credit(&manager, chrono::Utc::now(), &credit("after-move")).unwrap_err();
    assert!(matches!(error, DeskError::Store(StoreError::FileReplaced(_))), "{error:?}");
    assert!(error.to_string().contains("was deleted, moved or replaced while this desk had it open"), "{error}");
    // A copy put back at the path is another file: still refused.
    std::fs::copy(&moved, &db).unwrap();
    let copied = posting_count(&db);
    assert!(matches!(
        desk.issue_credit(&manager, chrono::Utc::now(), &credit("after-copy")),
        Err(DeskError::Store(StoreError::FileReplaced(_)))
    ));
    drop(desk);
    assert_eq!(posting_count(&moved), postings, "the moved file took nothing");
    assert_eq!(posting_count(&db), copied, "the copy took nothing");
}

/// A damaged ledger: verify still prints its JSON report (exit 1), and
/// from then on no more is written to the file, by this process or the
/// next, until it is restored and the mark beside it removed.
#[test]
fn a_damaged_ledger_takes_no_more_writes_and_verify_still_reports() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_file(dir.path(), "ledger.db", 40, 3, 6);
    let number = account_numbers(&db).remove(0);
    // Garbage over pages in the middle of the file (past its first pages).
    let mut bytes = std::fs::read(&db).unwrap();
    let middle = bytes.len() / 2 / 4096 * 4096;
    for b in &mut bytes[middle..middle + 3 * 4096] {
        *b = 0xA5;
    }
    std::fs::write(&db, &bytes).unwrap();
    let (code, report) = verify_report(&db);
    assert_eq!(code, Some(1));
    assert!(failed_checks(&report).iter().any(|c| c.starts_with("database integrity")), "{report}");
    let mark = dir.path().join("ledger.db.damaged");
    assert!(mark.exists(), "verify marked the file damaged");
    let credit =
        run_signed_in(&db, &["credit", &number, "5.00", "--reason", "goodwill", "--note", "x", "--as", "manager"]);
    assert_eq!(credit.status.code(), Some(1));
    assert!(
        stderr(&credit).contains("is damaged") && stderr(&credit).contains("restore it from the latest backup"),
        "{}",
        stderr(&credit)
    );
    // Verify in JSON still reports, and so does the next process's verify.
    let (code, report) = verify_report(&db);
    assert_eq!(code, Some(1), "{report}");
}

/// A long run of commits keeps the write-ahead log near its bound (a
/// quarter of the ledger, at least 8 MB): in a demo made in place it grew
/// past the ledger's own size (34 MB for a 20 MB ledger), because the log
/// never restarted between back-to-back transactions.
#[test]
fn a_long_run_keeps_the_write_ahead_log_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let wal = dir.path().join("ledger.db-wal");
    let mut child = command(&db, &["demo", "--accounts", "600", "--seed", "6", "--months", "12"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut largest = 0;
    while child.try_wait().unwrap().is_none() {
        largest = largest.max(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0));
        std::thread::sleep(Duration::from_millis(5));
    }
    let ledger = std::fs::metadata(&db).unwrap().len();
    assert!(ledger > 15_000_000, "the ledger is large enough to tell: {ledger} bytes");
    // The bound (2,000 pages) and one month's transaction on top.
    assert!(largest < 14_000_000, "the log grew to {largest} bytes for a {ledger}-byte ledger");
    verify_passes(&db);
}

/// A run says first how much room it needs on the ledger's disk.
#[test]
fn a_run_says_what_room_it_needs() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_file(dir.path(), "ledger.db", 20, 5, 2);
    let numbers = account_numbers(&db);
    let (rows, _) = payment_rows("room", 300, &numbers, 9);
    let file = dir.path().join("room.csv");
    write_payments(&file, &rows);
    let args = import_args(&file);
    let output = run_signed_in(&db, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let said = stderr(&output);
    assert!(said.contains("300 row(s) need up to ") && said.contains(" MB free"), "{said}");
    verify_passes(&db);
}
