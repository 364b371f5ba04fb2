//! The store's own tests: pragmas, migrations from older versions, the
//! hot queries' plans, and the checkpoint thread.

use super::*;
use crate::domain::Money;
use crate::domain::ids::UserId;

#[test]
fn a_newer_database_is_refused() {
    let (_dir, path) = new_file();
    drop(Sqlite::create(&path).unwrap());
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
    drop(conn);
    let error = Sqlite::create(&path).err().unwrap();
    assert!(matches!(error, StoreError::NewerSchema { .. }), "{error}");
    assert!(error.to_string().contains("newer version"));
}

#[test]
fn pragmas_are_set() {
    let (_dir, path) = new_file();
    let store = Sqlite::create(&path).unwrap();
    let mode: String = store.conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    let sync: i64 = store.conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    let fks: i64 = store.conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
    assert_eq!((mode.as_str(), sync, fks), ("wal", 2, 1));
}

/// A database as version `version` of this program left it: the first
/// `version` migrations, without the later ones.
/// A path for a new database in a directory removed when the first value is dropped.
fn new_file() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    (dir, path)
}

fn database_at_version(path: &Path, version: usize) -> Connection {
    let conn = Connection::open(path).unwrap();
    for (_, sql) in &MIGRATIONS[..version] {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", version as i64).unwrap();
    conn
}

#[test]
fn complaints_from_before_the_cases_work_get_a_due_date_and_their_opening() {
    let (_dir, path) = new_file();
    let conn = database_at_version(&path, 5);
    conn.execute_batch(AN_ACCOUNT).unwrap();
    conn.execute_batch(
        "INSERT INTO complaints (account_id, category, summary, opened_by, opened_at)
             VALUES (1, 'billing', 'Bill too high', 1, '2026-11-02 15:00:00+00:00');",
    )
    .unwrap();
    drop(conn);
    let store = Sqlite::create(&path).unwrap();
    let (due, events, version): (String, i64, i64) = store
        .conn
        .query_row(
            "SELECT due_on, (SELECT count(*) FROM complaint_events WHERE kind = 'opened'), \
             (SELECT user_version FROM pragma_user_version) FROM complaints",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((due.as_str(), events, version), ("2026-11-16", 1, SCHEMA_VERSION));
}

/// What SQLite's planner does with `sql`, one line per step.
fn query_plan(conn: &Connection, sql: &str) -> String {
    let mut statement = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    // The parameters stay unbound (NULL): the plan does not depend on them.
    let mut rows = statement.raw_query();
    let mut steps = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        steps.push(row.get::<_, String>(3).unwrap());
    }
    steps.join("\n")
}

/// The program SQLite compiled `sql` to, one opcode per step.
fn opcodes(conn: &Connection, sql: &str) -> Vec<String> {
    let mut statement = conn.prepare(&format!("EXPLAIN {sql}")).unwrap();
    let mut rows = statement.raw_query();
    let mut opcodes = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        opcodes.push(row.get::<_, String>(1).unwrap());
    }
    opcodes
}

/// A bill run looks up each account's last read: its subqueries seek
/// bills by index, and no temporary table is built per bill (an `IN`
/// list of columns would be).
#[test]
fn the_last_read_builds_no_temporary_table() {
    let (_dir, path) = new_file();
    let store = Sqlite::create(&path).unwrap();
    let plan = query_plan(&store.conn, bills::LAST_READ);
    assert!(plan.contains("INDEX meter_reads_account") && plan.contains("INDEX bills_current_read"), "{plan}");
    let program = opcodes(&store.conn, bills::LAST_READ);
    assert!(!program.iter().any(|op| op == "OpenEphemeral"), "{program:?}");
}

#[test]
fn the_hot_queries_read_by_their_indexes() {
    let (_dir, path) = new_file();
    let store = Sqlite::create(&path).unwrap();
    let plan = query_plan(&store.conn, bills::OVERLAPPING_BILL);
    assert!(plan.contains("INDEX bills_account_end"), "{plan}");
    let plan = query_plan(&store.conn, bills::LATEST_BILL_DUE_BEFORE);
    assert!(plan.contains("INDEX bills_account_due") && !plan.contains("TEMP B-TREE"), "{plan}");
    let plan = query_plan(&store.conn, bills::BILLED_NOT_YET_DUE);
    assert!(plan.contains("INDEX bills_account_due (account_id=? AND due_date>?)"), "{plan}");
    let plan = query_plan(&store.conn, reports::MONEY_ACTION_LINES);
    assert!(plan.contains("INDEX postings_money_actions"), "{plan}");
    // The day's money actions and their amounts from the index alone
    // (entries only for a posting made before migration 0012).
    let plan = query_plan(&store.conn, approvals::AUTHORITY_USED);
    assert!(plan.contains("COVERING INDEX postings_money_by_user"), "{plan}");
    // One person's money actions of one kind on one account that day: a
    // short range of a covering index, and the account's pending requests.
    let plan = query_plan(&store.conn, approvals::AUTHORITY_USED_ON);
    assert!(
        plan.contains(
            "COVERING INDEX postings_money_by_account (account_id=? AND user_id=? AND posted_at>? AND posted_at<?)"
        ) && plan.contains("SEARCH approval_requests USING INDEX"),
        "{plan}"
    );
    // Aging reads an account's lines in posting order straight off the
    // account index, with no sort.
    let plan = query_plan(&store.conn, ledger::AGING_ROWS);
    assert!(plan.contains("INDEX entries_account (account_id=?)") && !plan.contains("TEMP B-TREE"), "{plan}");
}

/// The CREATE statement of a table.
fn table_sql(conn: &Connection, table: &str) -> String {
    conn.query_row("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1", [table], |r| r.get(0)).unwrap()
}

/// Passes SQLite's integrity check and foreign-key check.
fn assert_sound(conn: &Connection) {
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    let broken_links: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
    assert_eq!(broken_links, 0);
}

/// Every row of `sql`, mapped.
fn rows<T>(conn: &Connection, sql: &str, map: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>) -> Vec<T> {
    conn.prepare(sql).unwrap().query_map([], map).unwrap().collect::<rusqlite::Result<_>>().unwrap()
}

/// A database at schema `version` (10 or later) holding [`AN_ACCOUNT`],
/// [`A_PAYMENT`] and `more`.
fn older_database(path: &Path, version: usize, more: &str) -> Connection {
    let conn = database_at_version(path, version);
    conn.execute_batch(AN_ACCOUNT).unwrap();
    conn.execute_batch(A_PAYMENT).unwrap();
    conn.execute_batch(more).unwrap();
    conn
}

/// A user and an account, as any version since the first holds them.
const AN_ACCOUNT: &str =
    "INSERT INTO users (id, username, full_name, role, created_at) VALUES (1, 'rep', 'A Rep', 'car1', '2026-01-01');
     INSERT INTO customers (id, name, mail_line1, mail_city, mail_state, mail_zip, created_at)
         VALUES (1, 'A Customer', '1 Main St', 'Tulsa', 'OK', '74103', '2026-01-01');
     INSERT INTO premises (id, line1, city, state, zip, sewer_cap_gal) VALUES (1, '1 Main St', 'Tulsa', 'OK', '74103', 0);
     INSERT INTO accounts (id, number, customer_id, premise_id, status, opened_on)
         VALUES (1, '100000017', 1, 1, 'active', '2026-01-01');";

/// A payment on that account, as a version-10 database holds it.
const A_PAYMENT: &str =
    "INSERT INTO ledger_accounts (code, name) VALUES ('assets:receivable', 'Receivable'), ('assets:cash', 'Cash')
         ON CONFLICT DO NOTHING;
     INSERT INTO postings (id, idempotency_key, payload_sha256, kind, account_id, effective_on, posted_at, user_id, memo)
         VALUES (1, 'pay-1', printf('%064d', 0), 'payment', 1, '2026-02-01', '2026-02-01T10:00:00Z', 1, 'Payment');
     INSERT INTO entries (posting_id, ledger, account_id, side, amount_cents)
         VALUES (1, 'assets:cash', NULL, 'D', 5000), (1, 'assets:receivable', 1, 'C', 5000);
     INSERT INTO payments (posting_id, method, reference, received_on) VALUES (1, 'check', 'CHK 1001', '2026-02-01');";

#[test]
fn a_version_10_database_gets_the_hot_path_schema_and_keeps_its_rows() {
    let (_dir, path) = new_file();
    let conn = older_database(&path, 10, "");
    assert!(table_sql(&conn, "postings").contains("kind IN ("), "version 10 had the IN list");
    drop(conn);

    let store = Sqlite::create(&path).unwrap();
    let conn = &store.conn;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    for (table, rule) in [
        ("postings", "CONSTRAINT posting_kind CHECK (kind = 'bill' OR"),
        ("payments", "CONSTRAINT payment_method CHECK (method = 'cash' OR"),
    ] {
        let sql = table_sql(conn, table);
        assert!(sql.contains(rule) && !sql.contains(" IN ('"), "{sql}");
    }
    let kept: (String, i64, String) = conn
        .query_row(
            "SELECT p.kind, (SELECT sum(amount_cents) FROM entries WHERE posting_id = p.id), y.method
             FROM postings p JOIN payments y ON y.posting_id = p.id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(kept, ("payment".to_string(), 10_000, "check".to_string()));
    assert_sound(conn);
}

/// Fills `pages` pages of the log in one commit.
fn write_pages(store: &mut Sqlite, tag: &str, pages: usize) {
    store
        .write(|db| {
            for i in 0..pages {
                db.set_meta(&format!("filler-{tag}-{i}"), &"x".repeat(3_000))?;
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
}

#[test]
fn a_long_log_is_checkpointed_by_the_store_s_thread_not_the_commit() {
    let (_dir, path) = new_file();
    let mut store = Sqlite::create(&path).unwrap();
    // Short of the 1,000 pages that wake the checkpointer.
    write_pages(&mut store, "short", 200);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(store.background_checkpoints(), 0);
    let before = std::fs::metadata(&path).unwrap().len();

    // Past them: the commit returns, and the store's thread copies the
    // log into the file while the store stays open.
    write_pages(&mut store, "long", 1_500);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while store.background_checkpoints() == 0 {
        assert!(std::time::Instant::now() < deadline, "no checkpoint ran in 30 s");
        std::thread::sleep(Duration::from_millis(10));
    }
    let after = std::fs::metadata(&path).unwrap().len();
    assert!(after >= before + 1_500 * 3_000, "the file grew from {before} to {after} bytes");
    let last = store.read(|db| db.meta("filler-long-1499")).unwrap();
    assert!(last.is_some());
}

#[test]
fn money_actions_posted_before_version_12_still_count_toward_the_daily_total() {
    let (_dir, path) = new_file();
    let conn = older_database(
        &path,
        11,
        "INSERT INTO ledger_accounts (code, name) VALUES ('expenses:credits:goodwill', 'Goodwill')
             ON CONFLICT DO NOTHING;
         INSERT INTO postings (id, idempotency_key, payload_sha256, kind, account_id, effective_on, posted_at,
                               user_id, memo, reason)
             VALUES (2, 'credit-1', printf('%064d', 0), 'credit', 1, '2026-02-01', '2026-02-01 11:00:00+00:00', 1,
                     'Credit', 'goodwill');
         INSERT INTO entries (posting_id, ledger, account_id, side, amount_cents)
             VALUES (2, 'expenses:credits:goodwill', NULL, 'D', 1250), (2, 'assets:receivable', 1, 'C', 1250);",
    );
    drop(conn);

    let mut store = Sqlite::create(&path).unwrap();
    let (from, to) = ("2026-02-01T00:00:00Z".parse().unwrap(), "2026-02-02T00:00:00Z".parse().unwrap());
    store
        .read(|db| {
            let recorded: Option<i64> =
                db.one("SELECT receivable_cents FROM postings WHERE id = 2", sql::args![], |r| r.get(0))?;
            assert_eq!(recorded, None, "rows already written are not touched");
            assert_eq!(db.meta("receivable_recorded_from")?.as_deref(), Some("3"));
            // Read from its entries, as before the migration.
            assert_eq!(db.authority_used(UserId(1), from, to)?, Money::from_cents(1250));
            let report = db.verify_ledger()?;
            let check = report.checks.iter().find(|c| c.name.starts_with("every posting records")).unwrap();
            assert_eq!(check.problem_count, 0, "{:?}", check.problems);
            Ok::<_, StoreError>(())
        })
        .unwrap();
}

#[test]
fn the_rewritten_rules_still_refuse_what_they_refused() {
    let (_dir, path) = new_file();
    older_database(&path, 10, "");
    let store = Sqlite::create(&path).unwrap();
    let bad_kind = store.conn.execute(
        "INSERT INTO postings (idempotency_key, payload_sha256, kind, account_id, effective_on, posted_at, user_id, memo)
         VALUES ('gift-1', printf('%064d', 0), 'gift', 1, '2026-02-01', '2026-02-01T10:00:00Z', 1, 'A gift')",
        [],
    );
    let error = bad_kind.unwrap_err().to_string();
    assert!(error.contains("CHECK constraint failed: posting_kind"), "{error}");
    let bad_method = store.conn.execute("UPDATE payments SET method = 'barter'", []).unwrap_err().to_string();
    assert!(bad_method.contains("append-only") || bad_method.contains("payment_method"), "{bad_method}");
    store.conn.execute_batch("DROP TRIGGER payments_no_update").unwrap();
    let bad_method = store.conn.execute("UPDATE payments SET method = 'barter'", []).unwrap_err().to_string();
    assert!(bad_method.contains("CHECK constraint failed: payment_method"), "{bad_method}");
    // A kind the rule lists is accepted (the desk's tests post every kind).
    store
        .conn
        .execute(
            "INSERT INTO postings (idempotency_key, payload_sha256, kind, account_id, effective_on, posted_at, user_id, memo)
             VALUES ('credit-1', printf('%064d', 0), 'credit', 1, '2026-02-01', '2026-02-01T10:00:00Z', 1, 'Goodwill')",
            [],
        )
        .unwrap();
}

#[test]
fn a_version_12_database_keeps_each_posting_s_entries_in_order_keyed_by_posting() {
    let (_dir, path) = new_file();
    // A bill whose lines were written in an order no column but the id
    // gives (credit, debit, credit): they are numbered in that order.
    let conn = older_database(
        &path,
        12,
        "INSERT INTO ledger_accounts (code, name) VALUES ('revenue:water', 'Water') ON CONFLICT DO NOTHING;
         INSERT INTO postings (id, idempotency_key, payload_sha256, kind, account_id, effective_on, posted_at,
                               user_id, memo)
             VALUES (2, 'bill-1', printf('%064d', 0), 'bill', 1, '2026-01-10', '2026-01-10 10:00:00+00:00', 1, 'Bill');
         INSERT INTO entries (id, posting_id, ledger, account_id, side, amount_cents)
             VALUES (10, 2, 'revenue:water', NULL, 'C', 700), (11, 2, 'assets:receivable', 1, 'D', 1000),
                    (12, 2, 'revenue:water', NULL, 'C', 300);",
    );
    let before: Vec<(i64, String, i64)> =
        rows(&conn, "SELECT posting_id, side, amount_cents FROM entries ORDER BY posting_id, id", |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        });
    drop(conn);

    let store = Sqlite::create(&path).unwrap();
    let conn = &store.conn;
    let after: Vec<(i64, i64, String, i64)> =
        rows(conn, "SELECT posting_id, line, side, amount_cents FROM entries ORDER BY posting_id, line", |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        });
    assert_eq!(after.iter().map(|(p, _, s, a)| (*p, s.clone(), *a)).collect::<Vec<_>>(), before);
    let lines: Vec<(i64, i64)> = after.iter().map(|(p, l, _, _)| (*p, *l)).collect();
    assert_eq!(lines, [(1, 1), (1, 2), (2, 1), (2, 2), (2, 3)], "numbered from 1 within each posting");
    let sql = table_sql(conn, "entries");
    assert!(sql.contains("WITHOUT ROWID") && sql.contains("PRIMARY KEY (posting_id, line)"), "{sql}");
    let indexes: Vec<String> = rows(
        conn,
        "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'entries' AND sql IS NOT NULL",
        |r| r.get(0),
    );
    assert_eq!(indexes, ["entries_account"], "the key replaces entries_posting");
    for tamper in ["UPDATE entries SET amount_cents = 1", "DELETE FROM entries WHERE posting_id = 2"] {
        let error = conn.execute(tamper, []).unwrap_err().to_string();
        assert!(error.contains("append-only"), "{tamper}: {error}");
    }
    assert_sound(conn);
}

#[test]
fn requests_from_before_keys_were_kept_on_them_get_their_keys_the_first_of_a_reused_one_keeping_it() {
    let (_dir, path) = new_file();
    let request = |id: i64, key: &str, status: &str| {
        let decided = if status == "pending" { "NULL".to_string() } else { "'2026-02-03'".to_string() };
        let posting = if status == "approved" { "1" } else { "NULL" };
        format!(
            "INSERT INTO approval_requests (id, action, account_id, subject, amount_cents, request, requested_by,
                 requested_at, reason, reviewer_role, status, decided_at, posting_id)
             VALUES ({id}, 'credit', 1, 'account:1', 7500,
                 '{{\"Credit\":{{\"account\":1,\"amount\":7500,\"reason\":\"goodwill\",\"note\":\"n\",\"key\":\"{key}\"}}}}',
                 1, '2026-02-02', 'over the limit', 'supervisor', '{status}', {decided}, {posting});"
        )
    };
    let conn = database_at_version(&path, 14);
    conn.execute_batch(AN_ACCOUNT).unwrap();
    conn.execute_batch(
        "INSERT INTO ledger_accounts (code, name) VALUES ('assets:receivable', 'Receivable'),
             ('contra:credits:goodwill', 'Goodwill') ON CONFLICT DO NOTHING;
         INSERT INTO postings (id, idempotency_key, payload_sha256, kind, account_id, effective_on, posted_at, user_id,
             memo, reason, receivable_cents)
         VALUES (1, 'R1', printf('%064d', 0), 'credit', 1, '2026-02-03', '2026-02-03T10:00:00Z', 1, 'Credit',
             'goodwill', 7500);
         INSERT INTO entries (posting_id, line, ledger, account_id, side, amount_cents)
             VALUES (1, 1, 'contra:credits:goodwill', NULL, 'D', 7500), (1, 2, 'assets:receivable', 1, 'C', 7500);",
    )
    .unwrap();
    conn.execute_batch(
        &[request(1, "R1", "approved"), request(2, "R1", "pending"), request(3, " R2 ", "rejected")].concat(),
    )
    .unwrap();
    drop(conn);
    let store = Sqlite::create(&path).unwrap();
    let keys: Vec<(i64, Option<String>)> = store
        .conn
        .prepare("SELECT id, idempotency_key FROM approval_requests ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(keys, [(1, Some("R1".into())), (2, None), (3, Some("R2".into()))]);
    // The decided requests are final again.
    let refused = store.conn.execute("UPDATE approval_requests SET reason = 'x' WHERE id = 1", []);
    assert!(refused.unwrap_err().to_string().contains("already decided"));
    assert_sound(&store.conn);
}

#[test]
fn a_run_s_room_and_a_full_disk_are_told_in_words() {
    let (_dir, path) = new_file();
    let mut store = Sqlite::create(&path).unwrap();
    let room = store.room_for(1_000).unwrap();
    assert!(room.needed >= 1_000 * 2_048 + 2_000 * 4_096, "{room:?}");
    assert!(room.free.is_some_and(|f| f > 0) && room.fits(), "{room:?}");
    assert!(!crate::records::Room { free: Some(10), ..room.clone() }.fits());
    // What SQLite says of a full disk, as the store tells it.
    let full = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL), None);
    let told = store.noticed::<(), StoreError>(Err(StoreError::Sqlite(std::sync::Arc::new(full)))).unwrap_err();
    let dir = path.parent().unwrap().display().to_string();
    assert_eq!(
        told.to_string(),
        format!("the disk holding {dir} is full: nothing was written; free some space and try again")
    );
}

#[test]
fn rows_past_one_statement_s_share_go_in_by_several_statements_all_of_them() {
    let (_dir, path) = new_file();
    let mut store = Sqlite::create(&path).unwrap();
    // 2,500 rows of two values: three statements, the last of 500 rows.
    let keys: Vec<String> = (0..2_500).map(|n| format!("bulk-{n:04}")).collect();
    let value = "x".to_string();
    let params: Vec<&dyn sql::Param> = keys.iter().flat_map(|k| [k as &dyn sql::Param, &value]).collect();
    let inserted = store.write(|db| db.insert_rows("INSERT INTO meta (key, value)", 2, &params)).unwrap();
    assert_eq!(inserted, 2_500);
    let last = store.read(|db| db.meta("bulk-2499")).unwrap();
    assert_eq!(last.as_deref(), Some("x"));
    let first = store.read(|db| db.meta("bulk-0000")).unwrap();
    assert_eq!(first.as_deref(), Some("x"));
}
