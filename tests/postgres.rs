//! The ledger on PostgreSQL as a city's IT department runs it: an owner
//! role that makes the schema, and the desks' own role, which is not the
//! owner and may do only what the desk does. History cannot be changed by
//! the desks' role (the grants) nor by the owner (the triggers), and the
//! database itself refuses a posting that does not balance. Skipped, saying
//! why, without PostgreSQL's server binaries; required under CI.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::engine::{self, Server, server_or_skip};
use common::{cents, fixture_with, now, payment, today};
use utility_desk::desk::Desk;

/// The tables whose rows are never changed or removed once written.
const APPEND_ONLY: &[&str] = &[
    "postings",
    "entries",
    "bills",
    "bill_lines",
    "meter_reads",
    "payments",
    "bill_adjustments",
    "bill_adjustment_lines",
    "rate_schedules",
    "sewer_caps",
    "audit_log",
    "contacts",
    "complaint_events",
    "order_events",
    "letters",
    "bill_openings",
    "sewer_cap_corrections",
    "opening_balance_due",
    "converted_winter_use",
    "cycle_reads",
    "read_decisions",
    "customer_changes",
    "authorized_parties",
    "party_ends",
    "search_words",
    "search_word_variants",
];

/// A new database owned by a new owner role, the ledger made in it by that
/// owner, and the desks' role granted: the database's name and the
/// locations of both roles.
fn ledger_with_roles(server: &Server) -> (String, String, String) {
    let name = server.new_database();
    let (owner, desk) = (format!("{name}_owner"), format!("{name}_desk"));
    server.psql("postgres", &format!("CREATE ROLE {owner} LOGIN; CREATE ROLE {desk} LOGIN")).unwrap();
    server.psql("postgres", &format!("ALTER DATABASE {name} OWNER TO {owner}")).unwrap();
    server.psql(&name, &format!("ALTER SCHEMA public OWNER TO {owner}")).unwrap();
    let (owner_at, desk_at) = (server.location(&name, &owner), server.location(&name, &desk));
    let mut made = Desk::create(Path::new(&owner_at)).expect("the owner makes the ledger");
    made.store_for_tests().grant_desk_role(&desk).expect("the owner grants the desks' role");
    (name, owner_at, desk_at)
}

#[test]
fn the_desks_role_works_the_ledger_but_cannot_change_its_history() {
    let Some(server) = server_or_skip("the_desks_role_works_the_ledger_but_cannot_change_its_history") else {
        return;
    };
    let (name, owner_at, desk_at) = ledger_with_roles(server);

    // The desk, on its own role, does a day's work and the books verify.
    let mut f = fixture_with(Desk::open(Path::new(&desk_at)).expect("the desks' role opens the ledger"));
    let account = f.residential();
    f.bill_month(account, 2026, 10, 6_000);
    f.pay(account, cents(2_500), today(), "pay-1");
    f.credit(account, cents(500), "credit-1");
    f.assert_verified();
    let before = f.counts();

    for table in APPEND_ONLY {
        let column = server
            .psql(
                &name,
                &format!(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = '{table}' \
                     ORDER BY ordinal_position LIMIT 1"
                ),
            )
            .unwrap();
        for sql in [
            format!("UPDATE {table} SET {column} = {column}"),
            format!("DELETE FROM {table}"),
            format!("TRUNCATE {table}"),
        ] {
            let refused = f.desk.store_for_tests().raw_sql_for_tests(&sql).expect_err(&sql).to_string();
            assert!(refused.contains("permission denied"), "{sql}: {refused}");
        }
    }
    // The owner holds every privilege; the triggers refuse it all the same.
    let mut owner = Desk::open(Path::new(&owner_at)).unwrap();
    for sql in ["UPDATE entries SET amount_cents = amount_cents + 1", "DELETE FROM audit_log", "TRUNCATE postings"] {
        let refused = owner.store_for_tests().raw_sql_for_tests(sql).expect_err(sql).to_string();
        assert!(!refused.contains("permission denied"), "the owner is refused by a trigger, not a grant: {refused}");
    }
    assert_eq!(f.counts(), before, "nothing changed");
    f.assert_verified();
}

#[test]
fn the_database_refuses_a_posting_that_does_not_balance() {
    let Some(server) = server_or_skip("the_database_refuses_a_posting_that_does_not_balance") else { return };
    let (_, _, desk_at) = ledger_with_roles(server);
    let mut f = fixture_with(Desk::open(Path::new(&desk_at)).unwrap());
    let account = f.residential();
    f.assert_verified();
    let before = f.counts();
    let sql = format!(
        "BEGIN;
         INSERT INTO postings (id, idempotency_key, payload_sha256, kind, account_id, effective_on, posted_at,
                               user_id, memo, reason, receivable_cents)
             VALUES (900001, 'by-hand', '{zeros}', 'credit', {a}, '2026-11-02', '2026-11-02 10:00:00+00:00', 1,
                     'Credit', 'goodwill', 2500);
         INSERT INTO entries (posting_id, line, ledger, account_id, side, amount_cents)
             VALUES (900001, 1, 'contra:credits:goodwill', NULL, 'D', 2500),
                    (900001, 2, 'assets:receivable', {a}, 'C', 2400);
         COMMIT;",
        zeros = "0".repeat(64),
        a = account.0
    );
    let refused = f.desk.store_for_tests().raw_sql_for_tests(&sql).expect_err("an unbalanced posting").to_string();
    assert!(refused.contains("900001"), "the refusal names the posting: {refused}");
    assert_eq!(f.counts(), before);
    f.assert_verified();
}

/// A ledger made by an older version (schema 29, before the search
/// vocabulary and the search's word indexes): the desks are told to have
/// the owner run `init`, which brings it up to date, fills the vocabulary
/// and the words from the accounts there and grants the desks' role its
/// part of the new tables.
#[test]
fn an_older_schema_is_brought_up_to_date_by_the_owner() {
    let Some(server) = server_or_skip("an_older_schema_is_brought_up_to_date_by_the_owner") else { return };
    let (name, owner_at, desk_at) = ledger_with_roles(server);
    let mut f = fixture_with(Desk::open(Path::new(&desk_at)).unwrap());
    let account = f.residential();
    let customer = f.desk.overview(account, now()).unwrap().account.customer.name;
    drop(f);
    server
        .psql(
            &name,
            // Migrations 0031 and 0030 undone: the search's trigram indexes
            // back, its words and vocabulary gone.
            "ALTER TABLE schema_migrations DISABLE TRIGGER USER; DROP TABLE account_words; \
             ALTER TABLE account_search DROP COLUMN words; \
             CREATE INDEX account_search_number ON account_search USING gin (number gin_trgm_ops); \
             CREATE INDEX account_search_name ON account_search USING gin (name gin_trgm_ops); \
             CREATE INDEX account_search_address ON account_search USING gin (address gin_trgm_ops); \
             CREATE INDEX account_search_phone ON account_search USING gin (phone gin_trgm_ops); \
             CREATE INDEX account_search_meter ON account_search USING gin (meter gin_trgm_ops); \
             DROP TABLE search_word_variants, search_words; \
             DELETE FROM schema_migrations WHERE version >= 30; ALTER TABLE schema_migrations ENABLE TRIGGER USER",
        )
        .unwrap();

    let refused = Desk::open(Path::new(&desk_at)).err().expect("an older schema is refused to the desks").to_string();
    assert!(refused.contains("version 29") && refused.contains("utility-desk init"), "{refused}");
    Desk::create(Path::new(&owner_at)).expect("the owner brings the schema up to date");

    let mut desk = Desk::open(Path::new(&desk_at)).expect("the desks open it again");
    // The first word of the name with its second and third letters swapped.
    let first = customer.split_whitespace().next().unwrap().to_lowercase();
    let mut letters: Vec<char> = first.chars().collect();
    letters.swap(1, 2);
    let misspelt: String = letters.into_iter().collect();
    let last = customer.split_whitespace().last().unwrap();
    let found: Vec<_> = desk.search(&format!("{misspelt} {last}")).unwrap().into_iter().map(|h| h.account_id).collect();
    assert!(found.contains(&account), "{misspelt} {last}: {found:?}");
    // One word is searched among the account's words (0031), from the
    // accounts that were there.
    let found: Vec<_> = desk.search(last).unwrap().into_iter().map(|h| h.account_id).collect();
    assert!(found.contains(&account), "{last}: {found:?}");
}

/// `init` as the owner makes the ledger on the server, its first
/// Administrator and the desks' grants; the desks' role then verifies it
/// and signs in; `init` again refuses to make a second ledger there.
#[test]
fn init_on_the_server_makes_the_ledger_and_grants_the_desks_role() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let Some(server) = server_or_skip("init_on_the_server_makes_the_ledger_and_grants_the_desks_role") else {
        return;
    };
    let name = server.new_database();
    let (owner, desk) = (format!("{name}_owner"), format!("{name}_desk"));
    server.psql("postgres", &format!("CREATE ROLE {owner} LOGIN; CREATE ROLE {desk} LOGIN")).unwrap();
    server.psql("postgres", &format!("ALTER DATABASE {name} OWNER TO {owner}")).unwrap();
    server.psql(&name, &format!("ALTER SCHEMA public OWNER TO {owner}")).unwrap();
    let (owner_at, desk_at) = (server.location(&name, &owner), server.location(&name, &desk));
    let init = |role: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_utility-desk"))
            .args(["init", "--db", &owner_at, "--admin", "jdoe", "--name", "Jane Doe", "--password-stdin"])
            .args(["--desk-role", role])
            .env_remove("UTILITY_DESK_DB")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(b"correct horse battery staple\n").unwrap();
        child.wait_with_output().unwrap()
    };
    let made = init(&desk);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let said = String::from_utf8_lossy(&made.stdout);
    assert!(said.contains("with Administrator jdoe") && said.contains(&desk), "{said}");

    let verified = Command::new(env!("CARGO_BIN_EXE_utility-desk"))
        .args(["verify", "--db", &desk_at])
        .env_remove("UTILITY_DESK_DB")
        .output()
        .unwrap();
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stderr));
    let mut desks = Desk::open(Path::new(&desk_at)).unwrap();
    let channel = utility_desk::desk::Channel::CommandLine;
    assert!(desks.sign_in(now(), "jdoe", "correct horse battery staple", channel).is_ok());

    // A second init makes nothing; given the role again, it only grants.
    let again = init(&desk);
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("Granted"), "{again:?}");
    assert_eq!(desks.users().unwrap().len(), 1);
}

/// `migrate` copies the demo ledger file (the 5,000 accounts × 24 months
/// the first run makes) into an empty PostgreSQL database: both verify,
/// agree on counts, sums, balances and the chain's head, and export the
/// same journal byte for byte; a second copy into the same database is
/// refused, writing nothing. It copies a file whatever the run's engine,
/// so it runs in the SQLite run only.
#[test]
fn migrate_copies_a_ledger_file_whole_and_both_export_the_same_journal() {
    use std::process::Command;
    if engine::on_postgres() {
        eprintln!("migrate of the demo: run in the SQLite run (it copies a file into a server either way)");
        return;
    }
    let Some(server) = server_or_skip("migrate_copies_a_ledger_file_whole_and_both_export_the_same_journal") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ledger.db");
    let bin = env!("CARGO_BIN_EXE_utility-desk");
    let run = |args: &[&str]| Command::new(bin).args(args).env_remove("UTILITY_DESK_DB").output().unwrap();
    let demo = run(&["demo", "--db", file.to_str().unwrap(), "--accounts", "5000", "--months", "24"]);
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let name = server.new_database();
    let to = server.location(&name, "postgres");

    let copied = run(&["migrate", "--from", file.to_str().unwrap(), "--to", &to]);
    let said = String::from_utf8_lossy(&copied.stdout);
    assert!(copied.status.success(), "{said}{}", String::from_utf8_lossy(&copied.stderr));
    assert!(said.contains("Both agree") && said.contains("The audit chain ends at record"), "{said}");

    // (migrate verified both: it says "Both agree" only then.)
    let journal = |location: &Path| {
        let mut desk = Desk::open(location).unwrap();
        let manager = desk.actor("manager").unwrap();
        let mut out = Vec::new();
        desk.export_hledger(&manager, now(), "a test", &mut out).unwrap();
        (out, desk.verify_counts().unwrap())
    };
    let (from_journal, from_counts) = journal(&file);
    let (to_journal, to_counts) = journal(Path::new(&to));
    assert_eq!(from_counts, to_counts);
    assert!(from_counts.accounts == 5_000 && from_journal.len() > 10_000_000, "{from_counts:?}");
    assert!(from_journal == to_journal, "the two journals differ");

    // The same searches find the same accounts in the same order on both:
    // a last name, its prefix, a street, a first name with a letter wrong.
    let mut on_file = Desk::open(&file).unwrap();
    let mut on_server = Desk::open(Path::new(&to)).unwrap();
    // (A first name of five letters or more: shorter words are not corrected.)
    let long_first = |name: &str| name.split_whitespace().next().is_some_and(|first| first.chars().count() >= 5);
    let hit = on_file.search("tulsa").unwrap().into_iter().find(|h| long_first(&h.name)).expect("a hit");
    let name: Vec<String> = hit.name.to_lowercase().split_whitespace().map(String::from).collect();
    let (first, last) = (name[0].clone(), name[name.len() - 1].clone());
    let street = hit.service_address.split(',').next().unwrap().to_lowercase();
    let misspelt: String = first.chars().enumerate().filter(|(at, _)| *at != 1).map(|(_, c)| c).collect();
    let prefix: String = last.chars().take(3).collect();
    for query in [last.clone(), prefix, street, format!("{misspelt} {last}"), "tulsa".into()] {
        let ids = |desk: &mut Desk| desk.search(&query).unwrap().into_iter().map(|h| h.account_id).collect::<Vec<_>>();
        let found = ids(&mut on_file);
        assert!(!found.is_empty(), "{query}");
        assert_eq!(found, ids(&mut on_server), "{query}");
    }

    let again = run(&["migrate", "--from", file.to_str().unwrap(), "--to", &to]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds a ledger"), "{again:?}");
    let unchanged = Desk::open(Path::new(&to)).unwrap().verify_counts().unwrap();
    assert_eq!(unchanged, to_counts);
}

/// The server stopped at once (as a crash or a failover stops it) in the
/// middle of a desk's run of payments: every payment sent while it was down
/// is refused with a message that says the connection was lost and that
/// sending it again with its key is safe; once the server is back the desk
/// connects again by itself; every payment acknowledged before is there,
/// and sending every key again posts each exactly once.
#[test]
fn the_server_stopped_mid_run_loses_nothing_acknowledged() {
    if server_or_skip("the_server_stopped_mid_run_loses_nothing_acknowledged").is_none() {
        return;
    }
    // A server of this test's own: the others' is not stopped under them.
    let server = engine::start_own().expect("a server of the test's own");
    let name = server.new_database();
    let mut f = fixture_with(Desk::create(Path::new(&server.location(&name, "postgres"))).unwrap());
    let account = f.residential();
    let before = f.balance(account);
    let cashier = f.staff.cashier().clone();

    let (mut acknowledged, mut refused) = (Vec::new(), Vec::new());
    for n in 0..45 {
        if n == 15 {
            assert!(server.pg_ctl(&["-m", "immediate", "stop"]), "the server stops");
        }
        if n == 30 {
            assert!(server.start_again(), "the server starts again");
        }
        let request = payment(account, cents(100), today(), &format!("outage-{n}"));
        match f.desk.record_payment(&cashier, now(), &request) {
            Ok(posted) => acknowledged.push((request, posted.posting_id)),
            Err(error) => refused.push((n, request, error.to_string())),
        }
    }
    // Up, down, up again: the first fifteen and the last fifteen went
    // through, the middle fifteen were refused, each saying why.
    let refused_at: Vec<i32> = refused.iter().map(|(n, ..)| *n).collect();
    assert_eq!(refused_at, (15..30).collect::<Vec<_>>(), "{refused:#?}");
    for (_, _, said) in &refused {
        assert!(said.contains("lost") || said.contains("connect"), "says the server is gone: {said}");
        assert!(said.contains(&name), "says which ledger: {said}");
    }
    assert!(refused[0].2.contains("sent again with the same key"), "{}", refused[0].2);

    // Everything acknowledged is there: sent again, each is the posting
    // it was, not a new one.
    for (request, posting) in &acknowledged {
        let again = f.desk.record_payment(&cashier, now(), request).unwrap();
        assert_eq!(again.posting_id, *posting, "{} was kept", request.key);
    }
    // The refused ones, sent again, are posted once each.
    for (_, request, _) in &refused {
        f.desk.record_payment(&cashier, now(), request).unwrap();
        f.desk.record_payment(&cashier, now(), request).unwrap();
    }
    assert_eq!(f.balance(account), before - cents(100 * 45), "45 payments, each once");
    f.assert_verified();
}
