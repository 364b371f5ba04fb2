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
        "(p.kind = 'credit' OR p.kind = 'adjustment' OR p.kind = 'waiver' OR p.kind = 'reversal' OR p.kind = 'refund')"
    };
}

/// What a user has used of their daily total between two instants (SQL
/// expressions for the user and the instants): their money postings' moves
/// on receivable, plus their requests still pending. One spelling for the
/// desk's sum and `verify`'s check of the kept sums.
#[rustfmt::skip]
macro_rules! authority_used_between {
    ($user:literal, $from:literal, $to:literal) => {
        concat!(
            "(SELECT COALESCE(SUM(COALESCE(p.receivable_cents,
                        (SELECT SUM(e.amount_cents) FROM entries e
                         WHERE e.posting_id = p.id AND e.ledger = 'assets:receivable'))), 0)
             FROM postings p
             WHERE p.user_id = ",
            $user,
            " AND p.posted_at >= ",
            $from,
            " AND p.posted_at < ",
            $to,
            " AND ",
            money_action_kinds!(),
            ")
          + (SELECT COALESCE(SUM(amount_cents), 0) FROM approval_requests
             WHERE requested_by = ",
            $user,
            " AND status = 'pending' AND requested_at >= ",
            $from,
            " AND requested_at < ",
            $to,
            ")"
        )
    };
}

/// [`authority_used_between`] on one account for one money action (whose
/// code is the posting kind's): the user's postings of that kind on the
/// account (a short range of the partial index `postings_money_by_account`,
/// so the money kinds are spelt as its WHERE), plus the user's pending
/// requests of that action on the account.
#[rustfmt::skip]
macro_rules! authority_used_on_between {
    ($user:literal, $from:literal, $to:literal, $account:literal, $action:literal) => {
        concat!(
            "(SELECT COALESCE(SUM(COALESCE(p.receivable_cents,
                        (SELECT SUM(e.amount_cents) FROM entries e
                         WHERE e.posting_id = p.id AND e.ledger = 'assets:receivable'))), 0)
             FROM postings p
             WHERE p.account_id = ", $account, " AND p.user_id = ", $user,
            " AND p.posted_at >= ", $from, " AND p.posted_at < ", $to, " AND p.kind = ", $action, " AND ",
            money_action_kinds!(), ")
          + (SELECT COALESCE(SUM(amount_cents), 0) FROM approval_requests
             WHERE account_id = ", $account, " AND status = 'pending' AND requested_by = ", $user,
            " AND action = ", $action, " AND requested_at >= ", $from, " AND requested_at < ", $to, ")"
        )
    };
}

mod accounts;
mod approvals;
mod audit;
mod backup;
mod bills;
mod cases;
mod checkpoint;
mod commitments;
mod convert;
mod customers;
mod disputes;
mod ledger;
mod letters;
mod migrate;
mod open;
mod orders;
mod postgres;
mod rates;
mod reads;
mod reports;
mod search;
pub(crate) mod sql;
mod users;
mod verify;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

pub use migrate::Moved;
/// The FTS5 query the SQLite store runs for a search text (for the search
/// benchmark, which times it raw beside `Desk::search`).
pub use search::fts_query;

use crate::records::{Copied, Room};

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
    ("0013_entries_by_posting", include_str!("store/migrations/0013_entries_by_posting.sql")),
    ("0014_people", include_str!("store/migrations/0014_people.sql")),
    ("0015_request_keys", include_str!("store/migrations/0015_request_keys.sql")),
    ("0016_authority_use", include_str!("store/migrations/0016_authority_use.sql")),
    ("0017_audit_commitments", include_str!("store/migrations/0017_audit_commitments.sql")),
    ("0018_bill_reads_in_force", include_str!("store/migrations/0018_bill_reads_in_force.sql")),
    ("0019_sewer_cap_corrections", include_str!("store/migrations/0019_sewer_cap_corrections.sql")),
    ("0020_user_settings", include_str!("store/migrations/0020_user_settings.sql")),
    ("0021_cli_sessions", include_str!("store/migrations/0021_cli_sessions.sql")),
    ("0022_access_commitments", include_str!("store/migrations/0022_access_commitments.sql")),
    ("0023_conversion", include_str!("store/migrations/0023_conversion.sql")),
    ("0024_opening_balances", include_str!("store/migrations/0024_opening_balances.sql")),
    ("0025_cycle_reads", include_str!("store/migrations/0025_cycle_reads.sql")),
    ("0026_customer_information", include_str!("store/migrations/0026_customer_information.sql")),
    ("0027_balance_transfers", include_str!("store/migrations/0027_balance_transfers.sql")),
    ("0028_contact_identity", include_str!("store/migrations/0028_contact_identity.sql")),
    ("0029_refunds", include_str!("store/migrations/0029_refunds.sql")),
    ("0030_search_words", include_str!("store/migrations/0030_search_words.sql")),
    ("0031_search_index", include_str!("store/migrations/0031_search_index.sql")),
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
    /// The file at the ledger's path is not a utility-desk ledger (empty,
    /// another program's database, not a database at all).
    #[error("{path} is not a utility-desk ledger ({why}): only `utility-desk init` or `utility-desk demo` makes one")]
    NotALedger { path: String, why: String },
    /// The file the store opened no longer has its name (deleted, moved or
    /// replaced under a running desk): nothing more is written to it.
    #[error(
        "the ledger file {0} was deleted, moved or replaced while this desk had it open: nothing was written; \
         close the desk and open it again, and find out what moved the file"
    )]
    FileReplaced(String),
    /// SQLite found the file damaged: writes are refused from then on.
    #[error(
        "the ledger {path} is damaged ({what}): nothing more is written to it; restore it from the latest backup \
         (`utility-desk verify` shows what is wrong; {marker} records the damage and must be removed once it is \
         restored)"
    )]
    Damaged { path: String, what: String, marker: String },
    /// The ledger can only be read here (its file, folder or disk).
    #[error(
        "the ledger {0} can only be read here (its file, its folder or its disk is read-only): nothing was written"
    )]
    ReadOnly(String),
    /// The disk holding the ledger is full.
    #[error("the disk holding {0} is full: nothing was written; free some space and try again")]
    DiskFull(String),
    #[error("the database is busy: another workstation held it for over {0} seconds; try again")]
    Busy(u64),
    #[error("the database refused the change: {0}")]
    Constraint(String),
    #[error("stored data is not what this program expects: {0}")]
    Corrupt(String),
    #[error("cannot write the output: {0}")]
    Io(String),
    /// A copy of the ledger (a backup, a restore) was not made.
    #[error("the copy {path} was not made: {reason}")]
    Copy { path: String, reason: String },
    /// The transaction was rolled back whole because an action went wrong
    /// after it had written: a fault in the program, not in the data.
    #[error("nothing was kept: {0} (a fault in this program, not in the data: please report it)")]
    RolledBack(String),
    #[error("database error: {0}")]
    Sqlite(Arc<rusqlite::Error>),
    /// The connection to a database server went while it was used.
    #[error(
        "the connection to the database server was lost ({0}): what was being done is not acknowledged; the desk \
         connects again at the next action, and an action sent again with the same key is not done twice"
    )]
    Lost(String),
    /// Two desks' transactions could not both be kept (a serialization
    /// failure or a deadlock, after the tries allowed).
    #[error("the action met another desk's at the same moment and was not done (nothing was written): {0}; try again")]
    Conflict(String),
    /// The database server refused for a reason of its own.
    #[error("the database server refused: {0}")]
    Server(String),
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

/// An error type that may carry a store error (the desk's does), so the
/// store can see what SQLite said (a damaged file, a full disk) in a
/// transaction whose work returned the caller's own error type.
pub trait StoreFailure: From<StoreError> {
    fn store_error(&self) -> Option<&StoreError>;
}

impl StoreFailure for StoreError {
    fn store_error(&self) -> Option<&StoreError> {
        Some(self)
    }
}

/// An open ledger database, on whichever engine holds it.
pub struct Store {
    engine: Engine,
}

enum Engine {
    Sqlite(Box<Sqlite>),
    Postgres(postgres::Postgres),
}

/// Whether `path` names a PostgreSQL database rather than a file.
pub fn is_server_location(path: &Path) -> bool {
    server_location(path).is_some()
}

/// `path` as a PostgreSQL location, if it is one.
fn server_location(path: &Path) -> Option<&str> {
    path.to_str().filter(|text| postgres::is_location(text))
}

/// A ledger in an SQLite file (or in memory, for tests).
pub(crate) struct Sqlite {
    conn: Connection,
    path: Option<PathBuf>,
    /// Copies the write-ahead log into a file database off the writer's
    /// path (none for a database in memory, or one opened read-only).
    checkpointer: Option<checkpoint::Checkpointer>,
    /// The file's identity when it was opened (device and inode), checked
    /// before each commit: see `store/open.rs`.
    identity: Option<open::Identity>,
    /// Why the file is known to be damaged, if it is: writes are refused.
    damaged: Option<String>,
}

/// A view of the database inside a read or a write transaction. Every query
/// is a method on it (in the submodules), so reads and writes share them.
pub struct Db<'a> {
    conn: sql::Conn<'a>,
    /// The audit chain's last (id, hash), read once per write transaction:
    /// writers take turns (SQLite's write lock, PostgreSQL's lock on the
    /// head row), so it cannot change under us.
    chain_head: std::cell::RefCell<Option<(i64, String)>>,
    /// Rows this transaction's statements changed (for "nothing was
    /// written" checks).
    writes: std::cell::Cell<u64>,
}

impl<'a> Db<'a> {
    fn new(conn: &'a Connection) -> Db<'a> {
        Db { conn: sql::Conn::Sqlite(conn), chain_head: Default::default(), writes: Default::default() }
    }

    fn postgres(
        tx: ::postgres::Transaction<'a>,
        statements: &'a mut std::collections::HashMap<String, ::postgres::Statement>,
    ) -> Db<'a> {
        Db {
            conn: sql::Conn::Postgres(Box::new(std::cell::RefCell::new(sql::Pg { tx: Some(tx), statements }))),
            chain_head: Default::default(),
            writes: Default::default(),
        }
    }

    /// Ends a PostgreSQL transaction: committed, or rolled back.
    fn finish(self, commit: bool) -> Result<()> {
        match self.conn {
            sql::Conn::Postgres(pg) => pg.finish(commit),
            sql::Conn::Sqlite(_) => Ok(()),
        }
    }
}

impl Sqlite {
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

    /// The connection, for a copy read from it (`store/migrate.rs`).
    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
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
    /// Refused, with nothing written, when the file is known to be damaged,
    /// or when the path no longer names the file that was opened.
    pub fn write<T, E: StoreFailure>(&mut self, work: impl FnOnce(&Db) -> Result<T, E>) -> Result<T, E> {
        if let Some(damage) = self.damage() {
            return Err(E::from(damage));
        }
        let Sqlite { conn, path, identity, .. } = self;
        let result = (|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::from)?;
            let value = work(&Db::new(&tx))?;
            open::still_the_file(path.as_deref(), *identity)?;
            tx.commit().map_err(StoreError::from)?;
            Ok(value)
        })();
        self.noticed(result)
    }

    /// Runs `work` in one read transaction: a consistent snapshot.
    pub fn read<T, E: StoreFailure>(&mut self, work: impl FnOnce(&Db) -> Result<T, E>) -> Result<T, E> {
        let result = (|| {
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Deferred).map_err(StoreError::from)?;
            let value = work(&Db::new(&tx))?;
            tx.commit().map_err(StoreError::from)?;
            Ok(value)
        })();
        self.noticed(result)
    }

    /// Runs raw SQL outside the store's rules. Only for tests that play an
    /// attacker (dropping triggers, editing rows) and for maintenance.
    #[doc(hidden)]
    pub fn raw_sql_for_tests(&self, sql: &str) -> Result<()> {
        self.conn.execute_batch(sql)?;
        Ok(())
    }
}

impl Store {
    /// Makes the ledger at `path` if there is none, or opens it, and brings
    /// its schema up to date: for `init` and `demo`.
    pub fn create(path: &Path) -> Result<Store> {
        if let Some(location) = server_location(path) {
            return Ok(Store { engine: Engine::Postgres(postgres::Postgres::create(location)?) });
        }
        Ok(Store { engine: Engine::Sqlite(Box::new(Sqlite::create(path)?)) })
    }

    /// Opens the ledger at `path`, which must be one, and brings an older
    /// schema up to date (see `store/open.rs`).
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(location) = server_location(path) {
            return Ok(Store { engine: Engine::Postgres(postgres::Postgres::open(location)?) });
        }
        Ok(Store { engine: Engine::Sqlite(Box::new(Sqlite::open(path)?)) })
    }

    /// Where the ledger is, as a person may be shown it.
    pub fn location(&self) -> String {
        match &self.engine {
            Engine::Sqlite(sqlite) => sqlite.path().map_or_else(|| ":memory:".to_string(), |p| p.display().to_string()),
            Engine::Postgres(pg) => pg.shown().to_string(),
        }
    }

    /// Whether the ledger is on a database server (shared by many desks)
    /// rather than in a file.
    pub fn is_shared(&self) -> bool {
        matches!(self.engine, Engine::Postgres(_))
    }

    /// Grants the desk's role what it needs (a server ledger, as its owner).
    pub fn grant_desk_role(&self, role: &str) -> Result<()> {
        match &self.engine {
            Engine::Postgres(pg) => pg.grant_desk_role(role),
            Engine::Sqlite(_) => Err(StoreError::Constraint(
                "a ledger file has no database roles: only a PostgreSQL ledger is granted to a desk role".into(),
            )),
        }
    }

    /// A private in-memory database, for tests.
    pub fn open_in_memory() -> Result<Store> {
        Ok(Store { engine: Engine::Sqlite(Box::new(Sqlite::open_in_memory()?)) })
    }

    /// Makes a new ledger at `to` from the backup `from`, which is only
    /// read. What it holds is for the caller to check (open and verify).
    pub fn restore(from: &Path, to: &Path) -> Result<Copied> {
        Sqlite::restore(from, to)
    }

    /// Runs `work` in one write transaction: committed if it returns `Ok`,
    /// rolled back (the database exactly as it was) otherwise.
    pub fn write<T, E: StoreFailure>(&mut self, work: impl FnOnce(&Db) -> Result<T, E>) -> Result<T, E> {
        match &mut self.engine {
            Engine::Sqlite(sqlite) => sqlite.write(work),
            Engine::Postgres(pg) => pg.write(work),
        }
    }

    /// Runs `work` in one read transaction: a consistent snapshot.
    pub fn read<T, E: StoreFailure>(&mut self, work: impl FnOnce(&Db) -> Result<T, E>) -> Result<T, E> {
        match &mut self.engine {
            Engine::Sqlite(sqlite) => sqlite.read(work),
            Engine::Postgres(pg) => pg.read(work),
        }
    }

    /// Copies the ledger, as it stands at one moment, to a new file `to`.
    pub fn copy_to(&self, to: &Path) -> Result<Copied> {
        match &self.engine {
            Engine::Sqlite(sqlite) => sqlite.copy_to(to),
            Engine::Postgres(pg) => Err(StoreError::Copy {
                path: to.display().to_string(),
                reason: format!(
                    "the ledger at {} is on a PostgreSQL server, which is backed up with the server's own tools \
                     (pg_dump, or pg_basebackup with the write-ahead log archived; see the README)",
                    pg.shown()
                ),
            }),
        }
    }

    /// Whether the ledger can only be read here.
    pub fn is_read_only(&self) -> bool {
        match &self.engine {
            Engine::Sqlite(sqlite) => sqlite.is_read_only(),
            Engine::Postgres(_) => false,
        }
    }

    /// Marks the ledger damaged (`what` the engine or `verify` said): no
    /// more is written to it.
    pub fn mark_damaged(&mut self, what: &str) {
        match &mut self.engine {
            Engine::Sqlite(sqlite) => sqlite.mark_damaged(what),
            // The server keeps its own files; `verify` says what it found.
            Engine::Postgres(_) => {}
        }
    }

    /// What a run of `rows` new rows needs on the ledger's disk, and what it has.
    pub fn room_for(&self, rows: u64) -> Result<Room> {
        match &self.engine {
            Engine::Sqlite(sqlite) => sqlite.room_for(rows),
            // The server's disk is its administrator's to watch.
            Engine::Postgres(pg) => Ok(Room { at: pg.shown().to_string(), needed: 0, free: None }),
        }
    }

    /// See [`Sqlite::begin_bulk_load`]: a new file filled fast (the demo).
    pub fn begin_bulk_load(&mut self) -> Result<()> {
        match &mut self.engine {
            Engine::Sqlite(sqlite) => sqlite.begin_bulk_load(),
            Engine::Postgres(_) => Ok(()),
        }
    }

    /// Back to durable writing after [`Store::begin_bulk_load`].
    pub fn end_bulk_load(&mut self) -> Result<()> {
        match &mut self.engine {
            Engine::Sqlite(sqlite) => sqlite.end_bulk_load(),
            Engine::Postgres(_) => Ok(()),
        }
    }

    /// The journal mode and sync level in force, as the engine names them.
    pub fn durability(&self) -> Result<(String, i64)> {
        match &self.engine {
            Engine::Sqlite(sqlite) => sqlite.durability(),
            Engine::Postgres(_) => Ok(("postgresql".to_string(), 2)),
        }
    }

    /// Where the database lives, if it is a file.
    pub fn path(&self) -> Option<&Path> {
        match &self.engine {
            Engine::Sqlite(sqlite) => sqlite.path(),
            Engine::Postgres(_) => None,
        }
    }

    /// Checkpoints run off the writer's path so far (SQLite only).
    pub fn background_checkpoints(&self) -> u64 {
        match &self.engine {
            Engine::Sqlite(sqlite) => sqlite.background_checkpoints(),
            Engine::Postgres(_) => 0,
        }
    }

    /// Runs raw SQL outside the store's rules. Only for tests that play an
    /// attacker (dropping triggers, editing rows) and for maintenance.
    #[doc(hidden)]
    pub fn raw_sql_for_tests(&self, sql: &str) -> Result<()> {
        match &self.engine {
            Engine::Sqlite(sqlite) => sqlite.raw_sql_for_tests(sql),
            Engine::Postgres(pg) => pg.raw_sql_for_tests(sql),
        }
    }
}

impl Db<'_> {
    /// Runs `work` inside a savepoint: on error, only its changes are undone
    /// and the surrounding transaction goes on (one bad row in a bulk run).
    pub fn savepoint<T, E: From<StoreError>>(&self, work: impl FnOnce(&Db) -> Result<T, E>) -> Result<T, E> {
        // Cached statements: a bulk run opens one savepoint per action.
        let run = |sql: &str| -> Result<()> {
            self.execute(sql, sql::args![])?;
            Ok(())
        };
        run("SAVEPOINT row")?;
        match work(self) {
            Ok(value) => {
                // PostgreSQL checks each posting's balance at commit; checked
                // here instead, one that does not balance fails its own
                // action, not the whole run.
                let checked = match self.engine() {
                    sql::Engine::Postgres => {
                        run("SET CONSTRAINTS ALL IMMEDIATE").and_then(|()| run("SET CONSTRAINTS ALL DEFERRED"))
                    }
                    sql::Engine::Sqlite => Ok(()),
                };
                if let Err(error) = checked {
                    run("ROLLBACK TO row")?;
                    run("RELEASE row")?;
                    *self.chain_head.borrow_mut() = None;
                    return Err(E::from(error));
                }
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

    /// Rows changed so far in this transaction (for "nothing was written" checks).
    pub fn total_changes(&self) -> u64 {
        self.writes.get()
    }

    /// A value from the `meta` table.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        self.optional("SELECT value FROM meta WHERE key = ?1", sql::args![key], |r| r.get(0))
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
            sql::args![key, value],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
