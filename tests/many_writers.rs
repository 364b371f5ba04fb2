//! Eight processes working one ledger at once, 200 mixed actions each: a
//! CAR II's credits just under and just over the per-item limit from every
//! desk at once (one person, eight desks, one daily total), supervisors on
//! every desk racing to approve the same requests, payments, and payment
//! keys sent from two desks. Afterwards every acknowledged action is there
//! exactly once, the CAR II's own postings stay within the daily total,
//! every request was decided once, and `verify` is clean (the audit chain
//! whole). On PostgreSQL (each process its own connections) and on one
//! SQLite file shared by the processes of one machine.
//!
//! The workers are this test binary run again with `MANY_WRITERS_LEDGER`
//! set (the `worker` test, ignored otherwise); each prints what it was told
//! was done (`ACK ...`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};

use common::engine::server_or_skip;
use common::{cents, fixture_with, now, today};
use utility_desk::desk::{CreditRequest, Desk, DeskError, MoneyRequest, Outcome};
use utility_desk::domain::ids::AccountId;
use utility_desk::domain::ledger::ReasonCode;

const WORKERS: usize = 8;
const ACTIONS: usize = 200;
const ACCOUNTS: usize = 12;
/// The CAR II's daily total in the default limits table.
const CAR2_DAILY_CENTS: i64 = 30_000;

/// Makes the ledger at `location` with its staff and accounts, runs the
/// workers on it at once, and checks what they were told against what is
/// there.
fn run(location: &str) {
    let mut f = fixture_with(Desk::create(Path::new(location)).unwrap());
    let accounts: Vec<AccountId> = (0..ACCOUNTS).map(|_| f.residential()).collect();
    for account in &accounts {
        f.bill_month(*account, 2026, 10, 6_000);
    }
    f.assert_verified();
    let before = f.counts();
    let listed = accounts.iter().map(|a| a.0.to_string()).collect::<Vec<_>>().join(",");
    let children: Vec<_> = (0..WORKERS)
        .map(|worker| {
            Command::new(std::env::current_exe().unwrap())
                .args(["worker", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
                .env("MANY_WRITERS_LEDGER", location)
                .env("MANY_WRITERS_WORKER", worker.to_string())
                .env("MANY_WRITERS_ACCOUNTS", &listed)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut acks = Vec::new();
    for (worker, child) in children.into_iter().enumerate() {
        let output = child.wait_with_output().unwrap();
        let said = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "worker {worker}: {said}\n{}", String::from_utf8_lossy(&output.stderr));
        // The test harness writes its own words before the first line.
        acks.extend(said.lines().filter_map(|l| l.split_once("ACK ")).map(|(_, ack)| ack.to_string()));
    }

    // Payments: a key sent from two desks is one posting.
    let mut payments: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let (mut credits, mut credited) = (BTreeSet::new(), 0i64);
    let mut approved: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut pending = BTreeSet::new();
    for ack in &acks {
        let words: Vec<&str> = ack.split_whitespace().collect();
        match words.as_slice() {
            ["payment", key, posting] => {
                payments.entry(key.to_string()).or_default().insert(posting.to_string());
            }
            ["credit", posting, amount] => {
                assert!(credits.insert(posting.to_string()), "a credit acknowledged twice: {ack}");
                credited += amount.parse::<i64>().unwrap();
            }
            ["pending", request] => {
                pending.insert(request.to_string());
            }
            ["approved", request, posting] => {
                approved.entry(request.to_string()).or_default().push(posting.to_string())
            }
            other => panic!("an acknowledgement not understood: {other:?}"),
        }
    }
    assert!(payments.values().all(|postings| postings.len() == 1), "a payment key posted twice: {payments:?}");
    assert!(approved.values().all(|postings| postings.len() == 1), "a request approved twice: {approved:?}");
    assert!(approved.keys().all(|request| pending.contains(request)), "approved a request never asked");
    assert!(credited <= CAR2_DAILY_CENTS, "the CAR II's own credits came to {credited} cents, over the daily total");
    assert!(!credits.is_empty() && !approved.is_empty() && payments.len() > 100, "the mix ran: {acks:?}");

    let mut desk = Desk::open(Path::new(location)).unwrap();
    let report = desk.verify().unwrap();
    assert!(report.passed(), "{report:#?}");
    let after = report.counts;
    let posted = payments.len() + credits.len() + approved.len();
    assert_eq!(after.postings, before.postings + posted as u64, "every acknowledged posting, once, and no other");
}

/// One worker's 200 actions, when run by [`run`].
#[test]
#[ignore = "run by the many-writers tests as their workers"]
fn worker() {
    let Ok(location) = std::env::var("MANY_WRITERS_LEDGER") else { return };
    let me: usize = std::env::var("MANY_WRITERS_WORKER").unwrap().parse().unwrap();
    let accounts: Vec<AccountId> =
        std::env::var("MANY_WRITERS_ACCOUNTS").unwrap().split(',').map(|n| AccountId(n.parse().unwrap())).collect();
    let mut desk = Desk::open(Path::new(&location)).unwrap();
    let (car2, supervisor) = (desk.actor("car2").unwrap(), desk.actor("supervisor").unwrap());
    let cashier = desk.actor("batch").unwrap();
    for i in 0..ACTIONS {
        let account = accounts[(i * 7 + me) % accounts.len()];
        match i % 4 {
            // Payments; workers k and k + 4 send the same keys for the same
            // payments.
            0 | 2 => {
                let shared = accounts[(i * 5 + me % 4) % accounts.len()];
                let key = format!("pay-{}-{i}", me % 4);
                let posted = desk
                    .record_payment(&cashier, now(), &common::payment(shared, cents(1_000), today(), &key))
                    .unwrap();
                println!("ACK payment {key} {}", posted.posting_id.0);
            }
            // The CAR II's credits: $49 is under the per-item limit and may
            // post (until the day's total is used); $51 goes for approval.
            1 => {
                let amount = if i % 8 == 1 { 4_900 } else { 5_100 };
                let request = MoneyRequest::Credit(CreditRequest {
                    account,
                    amount: cents(amount),
                    reason: ReasonCode::Goodwill,
                    note: "many desks".into(),
                    key: format!("credit-{me}-{i}"),
                });
                match desk.submit(&car2, now(), &request) {
                    Ok(Outcome::Posted(posted)) => println!("ACK credit {} {amount}", posted.posting_id.0),
                    Ok(Outcome::Pending { request, .. }) => println!("ACK pending {request}"),
                    // One request waits per account and action: another
                    // desk's is still pending.
                    Err(DeskError::DuplicateRequest { .. }) => {}
                    Err(other) => panic!("a credit: {other}"),
                }
            }
            // A supervisor approves the oldest pending requests, racing the
            // supervisors on the other desks.
            _ => {
                let pending = desk.requests(now(), Some("pending"), None).unwrap();
                for view in pending.iter().take(2) {
                    match desk.approve(&supervisor, now(), view.row.id, None, Some("checked")) {
                        Ok(posted) => println!("ACK approved {} {}", view.row.id, posted.posting_id.0),
                        Err(DeskError::AlreadyDecided { .. }) => {}
                        Err(other) => panic!("approving request {}: {other}", view.row.id),
                    }
                }
            }
        }
    }
}

#[test]
fn eight_processes_on_one_postgresql_ledger_lose_nothing_and_pass_no_limit() {
    let Some(server) = server_or_skip("eight_processes_on_one_postgresql_ledger_lose_nothing_and_pass_no_limit") else {
        return;
    };
    let name = server.new_database();
    run(&server.location(&name, "postgres"));
}

#[test]
fn eight_processes_on_one_sqlite_file_lose_nothing_and_pass_no_limit() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path().join("ledger.db").to_str().unwrap());
}

/// What the window watches (every second) to show another desk's work in
/// its open queue: the ledger's version moves when any desk writes, and
/// not when one only reads.
fn version_moves(location: &str) {
    let mut f = fixture_with(Desk::create(Path::new(location)).unwrap());
    let account = f.residential();
    let mut watcher = Desk::open(Path::new(location)).unwrap();
    let before = watcher.ledger_version().unwrap();
    watcher.search("smith").unwrap();
    assert_eq!(watcher.ledger_version().unwrap(), before, "a read moves nothing");
    let car1 = f.staff.car1.clone();
    let request = MoneyRequest::Credit(CreditRequest {
        account,
        amount: cents(2_000),
        reason: ReasonCode::Goodwill,
        note: "seen by the supervisor's desk".into(),
        key: "version-1".into(),
    });
    let Outcome::Pending { request: id, .. } = f.desk.submit(&car1, now(), &request).unwrap() else {
        panic!("a CAR I's credit waits for approval")
    };
    assert!(watcher.ledger_version().unwrap() > before, "another desk's request moves it");
    let queue = watcher.requests(now(), Some("pending"), None).unwrap();
    assert_eq!(queue.iter().map(|r| r.row.id).collect::<Vec<_>>(), [id]);
}

#[test]
fn the_ledger_version_moves_when_another_desk_writes_on_postgresql() {
    let Some(server) = server_or_skip("the_ledger_version_moves_when_another_desk_writes_on_postgresql") else {
        return;
    };
    version_moves(&server.location(&server.new_database(), "postgres"));
}

#[test]
fn the_ledger_version_moves_when_another_desk_writes_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    version_moves(dir.path().join("ledger.db").to_str().unwrap());
}
