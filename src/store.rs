//! The SQLite ledger: opening (pragmas), versioned migrations, transactions,
//! and the queries. `desk` sees only this module's types and `StoreError`,
//! never rusqlite's, so another store (a shared server database) can replace it.

/// Credits, adjustments, waivers and reversals, as a condition on `postings p`.
/// Written exactly as the WHERE of the partial indexes `postings_money_actions`
/// and `postings_money_by_user` (migrations 0011 and 0012), so that a query
/// repeating it can read by them; a chain of `=` rather than `IN (...)`, which
/// SQLite evaluates by building a temporary b-tree on every run. A macro, so
/// that queries can be `concat!`ed into constants.
macro_rules! money_action_kinds {
    () => {
        "(p.kind = 'credit' OR p.kind = 'adjustment' OR p.kind = 'waiver' OR p.kind = 'reversal')"
    };
}

mod accounts;
mod approvals;
mod audit;
mod bills;
mod cases;
mod checkpoint;
mod convert;
mod disputes;
mod ledger;
mod letters;
mod orders;
mod reports;
mod search;
mod users;
mod verify;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

pub use accounts::{AccountRow, NewAccount, ServiceAccount};
pub use approvals::{NewRequest, RequestRow};
pub use audit::{AuditFilter, AuditRow};
pub use bills::{BillLineRow, BillRow, NewBill, ReadRow};
pub use cases::{ComplaintEvent, ComplaintFilter, ComplaintRow, ContactAbout, ContactRow, NewComplaintRow};
pub use disputes::DisputeRow;
pub use ledger::{AgingRow, EntryRow, PostingRow, StoredPosting};
pub use letters::{LetterRow, NewLetter};
pub use orders::{NewOrderRow, OrderEvent, OrderRow, OrderStep};
pub use reports::{MoneyActionLine, OpenedComplaint, ProductivityLine, RaisedRequest};
pub use search::{MAX_RESULTS as MAX_SEARCH_RESULTS, SearchHit};
pub use users::UserRow;
pub use verify::{LedgerCounts, VerifyReport};

/// The migrations, in order. The schema version is their count, kept in
/// `PRAGMA user_version`.
const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_ledger", include_str!("store/migrations/0001_ledger.sql")),
    ("0002_audit", include_str!("store/migrations/0002_audit.sql")),
    ("0003_users", include_str!("store/migrations/0003_users.sql")),
    ("0004_approvals", include_str!("store/migrations/0004_approvals.sql")),
    ("0005_contacts", include_str!("store/migrations/0005_contacts.sql")),
    ("0006_complaints", include_str!("store/migrations/0006_complaints.sql")),
    ("0007_disputes", include_str!("store/migrations/0007_disputes.sql")),
    ("0008_orders", include_str!("store/migrations/0008_orders.sql")),
    ("0009_reports", include_str!("store/migrations/0009_reports.sql")),
    ("0010_letters", include_str!("store/migrations/0010_letters.sql")),
    ("0011_hot_paths", include_str!("store/migrations/0011_hot_paths.sql")),
    ("0012_limit_check", include_str!("store/migrations/0012_limit_check.sql")),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long a writer waits for another process's transaction to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The page cache per connection, in KiB (negative, as SQLite takes it): 64 MB.
const CACHE_KIB: i64 = -64_000;

/// The page cache while a new database is bulk-loaded: 256 MB, so that the
/// first-run demo (about 340 MB at 5,000 accounts) rereads few pages from
/// the file between its monthly commits. Back to [`CACHE_KIB`] at the end.
const BULK_LOAD_CACHE_KIB: i64 = -256_000;

/// Why the store could not do what was asked.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the database {path} was written by a newer version of utility-desk (schema {found}, this program knows up to {supported}); install the newer version"
    )]
    NewerSchema { path: String, found: i64, supported: i64 },
    #[error("cannot open the database {path}: {reason}")]
    Open { path: String, reason: String },
    #[error("the database is busy: another workstation held it for over {0} seconds; try again")]
    Busy(u64),
    #[error("the database refused the change: {0}")]
    Constraint(String),
    #[error("stored data is not what this program expects: {0}")]
    Corrupt(String),
    #[error("cannot write the output: {0}")]
    Io(String),
    #[error("database error: {0}")]
    Sqlite(Arc<rusqlite::Error>),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        match &error {
            rusqlite::Error::SqliteFailure(e, message) => match e.code {
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => StoreError::Busy(BUSY_TIMEOUT.as_secs()),
                ErrorCode::ConstraintViolation => {
                    StoreError::Constraint(message.clone().unwrap_or_else(|| "constraint failed".into()))
                }
                _ => StoreError::Sqlite(Arc::new(error)),
            },
            rusqlite::Error::FromSqlConversionFailure(_, _, inner) => StoreError::Corrupt(inner.to_string()),
            _ => StoreError::Sqlite(Arc::new(error)),
        }
    }
}

/// An open ledger database.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    /// Copies the write-ahead log into a file database off the writer's
    /// path (none for a database in memory).
    checkpointer: Option<checkpoint::Checkpointer>,
}

/// A view of the database inside a read or a write transaction. Every query
/// is a method on it (in the submodules), so reads and writes share them.
pub struct Db<'a> {
    conn: &'a Connection,
    /// The audit chain's last (id, hash), read once per write transaction:
    /// only one writer holds the database, so it cannot change under us.
    chain_head: std::cell::RefCell<Option<(i64, String)>>,
}

impl<'a> Db<'a> {
    fn new(conn: &'a Connection) -> Db<'a> {
        Db { conn, chain_head: std::cell::RefCell::new(None) }
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its
    /// schema up to date. Refuses a database from a newer version.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Open { path: path.display().to_string(), reason: e.to_string() })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|e| StoreError::Open { path: path.display().to_string(), reason: e.to_string() })?;
        Store::setup(conn, Some(path.to_path_buf()))
    }

    /// A private in-memory database, for tests.
    pub fn open_in_memory() -> Result<Store> {
        Store::setup(Connection::open_in_memory()?, None)
    }

    fn setup(mut conn: Connection, path: Option<PathBuf>) -> Result<Store> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // WAL lets readers work while one process writes; FULL sync makes an
        // acknowledged commit survive power loss; foreign keys are checked.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "cache_size", CACHE_KIB)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // Query planner stability: without it, SQLite (built with STAT4)
        // re-prepares a cached statement whenever a bound value changes,
        // which made every cached query cost a full parse.
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        conn.set_prepared_statement_cache_capacity(128);
        let checkpointer = match &path {
            Some(path) => Some(checkpoint::Checkpointer::start(&mut conn, path)?),
            None => None,
        };
        let mut store = Store { conn, path, checkpointer };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<()> {
        let display = self.path.as_ref().map_or_else(|| ":memory:".to_string(), |p| p.display().to_string());
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema { path: display, found, supported: SCHEMA_VERSION });
        }
        for (_, sql) in MIGRATIONS.iter().skip(usize::try_from(found).unwrap_or(0)) {
            tx.execute_batch(sql)?;
        }
        if found < SCHEMA_VERSION {
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Fills a brand-new database faster: the rollback journal in memory
    /// instead of the WAL, and no fsync at each commit. Savepoints and
    /// rollbacks still work; what is lost is only crash safety, so this is
    /// for a file made under a temporary name and thrown away if the process
    /// dies (the demo: [`crate::demo::create_at`]). Refused unless the
    /// database has no accounts yet. [`Store::end_bulk_load`] puts WAL and
    /// FULL sync back and syncs the file.
    pub fn begin_bulk_load(&mut self) -> Result<()> {
        let accounts: i64 = self.conn.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))?;
        if accounts > 0 {
            return Err(StoreError::Constraint(format!(
                "a bulk load is only for a new database, and this one holds {accounts} accounts"
            )));
        }
        // SQLite keeps WAL (and says so) while another connection, such as
        // the checkpoint thread's, has the file open: then no bulk load.
        let mode: String = self.conn.query_row("PRAGMA journal_mode = MEMORY", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("memory") {
            return Err(StoreError::Constraint(format!(
                "a bulk load needs the database to itself, and it stayed in {mode} mode"
            )));
        }
        self.conn.pragma_update(None, "synchronous", "OFF")?;
        self.conn.pragma_update(None, "cache_size", BULK_LOAD_CACHE_KIB)?;
        Ok(())
    }

    /// Back to WAL and FULL sync after [`Store::begin_bulk_load`], with
    /// everything written so far synced to the disk.
    pub fn end_bulk_load(&mut self) -> Result<()> {
        self.conn.pragma_update(None, "cache_size", CACHE_KIB)?;
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        if let Some(path) = &self.path {
            std::fs::File::open(path).and_then(|f| f.sync_all()).map_err(|e| StoreError::Io(e.to_string()))?;
        }
        Ok(())
    }

    /// The journal mode and sync level in force, as SQLite names them.
    pub fn durability(&self) -> Result<(String, i64)> {
        let mode: String = self.conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        let sync: i64 = self.conn.query_row("PRAGMA synchronous", [], |r| r.get(0))?;
        Ok((mode, sync))
    }

    /// Where the database lives, if it is a file.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Checkpoints run off the writer's path so far (see `store::checkpoint`).
    pub fn background_checkpoints(&self) -> u64 {
        self.checkpointer.as_ref().map_or(0, checkpoint::Checkpointer::done)
    }

    /// Runs `work` in one `BEGIN IMMEDIATE` transaction: committed if it
    /// returns `Ok`, rolled back (the database exactly as it was) otherwise.
    pub fn write<T, E: From<StoreError>>(&mut self, work: impl FnOnce(&Db) -> Result<T, E>) -> Result<T, E> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::from)?;
        let value = work(&Db::new(&tx))?;
        tx.commit().map_err(StoreError::from)?;
        Ok(value)
    }

    /// Runs `work` in one read transaction: a consistent snapshot.
    pub fn read<T, E: From<StoreError>>(&mut self, work: impl FnOnce(&Db) -> Result<T, E>) -> Result<T, E> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Deferred).map_err(StoreError::from)?;
        let value = work(&Db::new(&tx))?;
        tx.commit().map_err(StoreError::from)?;
        Ok(value)
    }

    /// Runs raw SQL outside the store's rules. Only for tests that play an
    /// attacker (dropping triggers, editing rows) and for maintenance.
    #[doc(hidden)]
    pub fn raw_sql_for_tests(&self, sql: &str) -> Result<()> {
        self.conn.execute_batch(sql)?;
        Ok(())
    }
}

impl Db<'_> {
    /// Runs `work` inside a savepoint: on error, only its changes are undone
    /// and the surrounding transaction goes on (one bad row in a bulk run).
    pub fn savepoint<T, E: From<StoreError>>(&self, work: impl FnOnce(&Db) -> Result<T, E>) -> Result<T, E> {
        // Cached statements: a bulk run opens one savepoint per action.
        let run = |sql: &str| -> Result<()> {
            self.conn.prepare_cached(sql)?.execute([])?;
            Ok(())
        };
        run("SAVEPOINT row")?;
        match work(self) {
            Ok(value) => {
                run("RELEASE row")?;
                Ok(value)
            }
            Err(error) => {
                run("ROLLBACK TO row")?;
                run("RELEASE row")?;
                // An audit record written inside the savepoint is gone: read
                // the chain's head again before the next one.
                *self.chain_head.borrow_mut() = None;
                Err(error)
            }
        }
    }

    /// Rows changed so far on this connection (for "nothing was written" checks).
    pub fn total_changes(&self) -> u64 {
        self.conn.total_changes()
    }

    /// A value from the `meta` table.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn
            .prepare_cached("INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2")?
            .execute([key, value])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Money;
    use crate::domain::ids::UserId;

    #[test]
    fn a_newer_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.db");
        drop(Store::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
        drop(conn);
        let error = Store::open(&path).err().unwrap();
        assert!(matches!(error, StoreError::NewerSchema { .. }), "{error}");
        assert!(error.to_string().contains("newer version"));
    }

    #[test]
    fn pragmas_are_set() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("ledger.db")).unwrap();
        let mode: String = store.conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        let sync: i64 = store.conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
        let fks: i64 = store.conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert_eq!((mode.as_str(), sync, fks), ("wal", 2, 1));
    }

    /// A database as version `version` of this program left it: the first
    /// `version` migrations, without the later ones.
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
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.db");
        let conn = database_at_version(&path, 5);
        conn.execute_batch(
            "INSERT INTO users (id, username, full_name, role, created_at) VALUES (1, 'rep', 'A Rep', 'car1', '2026-01-01');
             INSERT INTO customers (id, name, mail_line1, mail_city, mail_state, mail_zip, created_at)
                 VALUES (1, 'A Customer', '1 Main St', 'Tulsa', 'OK', '74103', '2026-01-01');
             INSERT INTO premises (id, line1, city, state, zip, sewer_cap_gal) VALUES (1, '1 Main St', 'Tulsa', 'OK', '74103', 0);
             INSERT INTO accounts (id, number, customer_id, premise_id, status, opened_on)
                 VALUES (1, '100000017', 1, 1, 'active', '2026-01-01');
             INSERT INTO complaints (account_id, category, summary, opened_by, opened_at)
                 VALUES (1, 'billing', 'Bill too high', 1, '2026-11-02 15:00:00+00:00');",
        )
        .unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
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
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("ledger.db")).unwrap();
        let plan = query_plan(&store.conn, bills::LAST_READ);
        assert!(plan.contains("INDEX meter_reads_account") && plan.contains("INDEX bills_current_read"), "{plan}");
        let program = opcodes(&store.conn, bills::LAST_READ);
        assert!(!program.iter().any(|op| op == "OpenEphemeral"), "{program:?}");
    }

    #[test]
    fn the_hot_queries_read_by_their_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("ledger.db")).unwrap();
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
    }

    /// The CREATE statement of a table.
    fn table_sql(conn: &Connection, table: &str) -> String {
        conn.query_row("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1", [table], |r| r.get(0))
            .unwrap()
    }

    /// Rows a version-10 database holds: a user, an account, a payment.
    const VERSION_10_ROWS: &str =
        "INSERT INTO users (id, username, full_name, role, created_at) VALUES (1, 'rep', 'A Rep', 'car1', '2026-01-01');
         INSERT INTO customers (id, name, mail_line1, mail_city, mail_state, mail_zip, created_at)
             VALUES (1, 'A Customer', '1 Main St', 'Tulsa', 'OK', '74103', '2026-01-01');
         INSERT INTO premises (id, line1, city, state, zip, sewer_cap_gal) VALUES (1, '1 Main St', 'Tulsa', 'OK', '74103', 0);
         INSERT INTO accounts (id, number, customer_id, premise_id, status, opened_on)
             VALUES (1, '100000017', 1, 1, 'active', '2026-01-01');
         INSERT INTO ledger_accounts (code, name) VALUES ('assets:receivable', 'Receivable'), ('assets:cash', 'Cash')
             ON CONFLICT DO NOTHING;
         INSERT INTO postings (id, idempotency_key, payload_sha256, kind, account_id, effective_on, posted_at, user_id, memo)
             VALUES (1, 'pay-1', printf('%064d', 0), 'payment', 1, '2026-02-01', '2026-02-01T10:00:00Z', 1, 'Payment');
         INSERT INTO entries (posting_id, ledger, account_id, side, amount_cents)
             VALUES (1, 'assets:cash', NULL, 'D', 5000), (1, 'assets:receivable', 1, 'C', 5000);
         INSERT INTO payments (posting_id, method, reference, received_on) VALUES (1, 'check', 'CHK 1001', '2026-02-01');";

    #[test]
    fn a_version_10_database_gets_the_hot_path_schema_and_keeps_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.db");
        let conn = database_at_version(&path, 10);
        conn.execute_batch(VERSION_10_ROWS).unwrap();
        assert!(table_sql(&conn, "postings").contains("kind IN ("), "version 10 had the IN list");
        drop(conn);

        let store = Store::open(&path).unwrap();
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
        let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(integrity, "ok");
        let broken_links: i64 =
            conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
        assert_eq!(broken_links, 0);
    }

    /// Fills `pages` pages of the log in one commit.
    fn write_pages(store: &mut Store, tag: &str, pages: usize) {
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
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.db");
        let mut store = Store::open(&path).unwrap();
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
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.db");
        let conn = database_at_version(&path, 11);
        conn.execute_batch(VERSION_10_ROWS).unwrap();
        conn.execute_batch(
            "INSERT INTO ledger_accounts (code, name) VALUES ('expenses:credits:goodwill', 'Goodwill')
                 ON CONFLICT DO NOTHING;
             INSERT INTO postings (id, idempotency_key, payload_sha256, kind, account_id, effective_on, posted_at,
                                   user_id, memo, reason)
                 VALUES (2, 'credit-1', printf('%064d', 0), 'credit', 1, '2026-02-01', '2026-02-01 11:00:00+00:00', 1,
                         'Credit', 'goodwill');
             INSERT INTO entries (posting_id, ledger, account_id, side, amount_cents)
                 VALUES (2, 'expenses:credits:goodwill', NULL, 'D', 1250), (2, 'assets:receivable', 1, 'C', 1250);",
        )
        .unwrap();
        drop(conn);

        let mut store = Store::open(&path).unwrap();
        let (from, to) = ("2026-02-01T00:00:00Z".parse().unwrap(), "2026-02-02T00:00:00Z".parse().unwrap());
        store
            .read(|db| {
                let recorded: Option<i64> =
                    db.conn.query_row("SELECT receivable_cents FROM postings WHERE id = 2", [], |r| r.get(0))?;
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
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.db");
        let store = Store::open(&path).unwrap();
        store.conn.execute_batch(VERSION_10_ROWS).unwrap();
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
}
