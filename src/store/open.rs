//! Opening the ledger file, and watching it while it is open.
//!
//! Only `init` and `demo` (and the window's first run) make a ledger
//! ([`Store::create`]); everything else opens one that is there
//! ([`Store::open`]) and refuses a file that is not one (empty, another
//! program's database, not a database). Opening reads the schema's version
//! first and takes the write lock only to bring an older schema up to date,
//! so a read-only file, folder or mount can still be searched and verified,
//! and another desk's write lock does not hold up a read.
//!
//! While open, each commit first checks that the path still names the file
//! that was opened (deleted, moved or replaced under a running desk, it
//! would acknowledge writes into a file nobody will open again). A file
//! SQLite reports damaged is marked so, beside it (`LEDGER.damaged`), and
//! no more is written to it, in this process or the next, until it is
//! restored and the mark removed. A full disk is named as one.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::{BUSY_TIMEOUT, CACHE_KIB, MIGRATIONS, SCHEMA_VERSION, Sqlite, StoreError, StoreFailure, checkpoint};
use crate::records::Room;
use crate::store::Result;

/// How a store is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Make the ledger if the file is new (init, demo).
    Create,
    /// The file must already be a ledger.
    Existing,
}

/// What names a file on its disk: device and inode (Unix). Elsewhere the
/// check is skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Identity {
    device: u64,
    inode: u64,
}

fn identity_of(path: &Path) -> Option<Identity> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| Identity { device: m.dev(), inode: m.ino() })
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Refuses a commit when `path` no longer names the file opened as `opened`.
pub(super) fn still_the_file(path: Option<&Path>, opened: Option<Identity>) -> Result<()> {
    let (Some(path), Some(opened)) = (path, opened) else { return Ok(()) };
    if identity_of(path) == Some(opened) { Ok(()) } else { Err(StoreError::FileReplaced(path.display().to_string())) }
}

/// Where the mark of a damaged ledger is kept: beside it.
fn damage_mark(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".damaged");
    PathBuf::from(name)
}

impl Sqlite {
    /// Makes the ledger at `path` if there is none (with its folder), or
    /// opens it, and brings its schema up to date: for `init` and `demo`.
    pub fn create(path: &Path) -> Result<Sqlite> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Open { path: path.display().to_string(), reason: e.to_string() })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|e| StoreError::Open { path: path.display().to_string(), reason: e.to_string() })?;
        Sqlite::setup(conn, Some(path.to_path_buf()), Mode::Create)
    }

    /// Opens the ledger at `path`, which must be one, and brings an older
    /// schema up to date. Refuses a database from a newer version, and a
    /// file that is not a ledger. A file that cannot be written is opened
    /// for reading.
    pub fn open(path: &Path) -> Result<Sqlite> {
        let shown = path.display().to_string();
        let not_a_ledger = |why: &str| StoreError::NotALedger { path: shown.clone(), why: why.to_string() };
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::Open { path: shown, reason: "there is no ledger file there".into() });
            }
            Err(e) => return Err(StoreError::Open { path: shown, reason: e.to_string() }),
            Ok(m) if m.is_dir() => return Err(not_a_ledger("it is a folder")),
            Ok(m) if m.len() == 0 => return Err(not_a_ledger("the file is empty")),
            Ok(_) => {}
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|e| StoreError::Open { path: shown.clone(), reason: e.to_string() })?;
        let opened = match Sqlite::setup(conn, Some(path.to_path_buf()), Mode::Existing) {
            // A ledger in WAL mode whose folder this user cannot write (a
            // read-only folder or disk) cannot even be read the usual way:
            // SQLite needs its shared-memory file beside it. Opened as
            // immutable, it is read as it stands.
            Err(StoreError::Sqlite(inner)) if is(&inner, rusqlite::ffi::ErrorCode::ReadOnly) => {
                let flags =
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                let conn = Connection::open_with_flags(immutable_uri(path), flags)
                    .map_err(|e| StoreError::Open { path: shown.clone(), reason: e.to_string() })?;
                Sqlite::setup(conn, Some(path.to_path_buf()), Mode::Existing)
            }
            other => other,
        };
        opened.map_err(|e| match e {
            StoreError::Sqlite(inner) if is(&inner, rusqlite::ffi::ErrorCode::NotADatabase) => {
                not_a_ledger("it is not a database")
            }
            other => other,
        })
    }

    /// A private in-memory database, for tests.
    pub fn open_in_memory() -> Result<Sqlite> {
        Sqlite::setup(Connection::open_in_memory()?, None, Mode::Create)
    }

    fn setup(mut conn: Connection, path: Option<PathBuf>, mode: Mode) -> Result<Sqlite> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let read_only = conn.is_readonly(rusqlite::MAIN_DB)?;
        // Whether it is a ledger at all, before anything is changed in it
        // (another program's database keeps its journal mode).
        let version = schema_version(&mut conn, path.as_deref(), mode)?;
        // WAL lets readers work while one process writes; FULL sync makes an
        // acknowledged commit survive power loss; foreign keys are checked.
        // A ledger is made in WAL mode and stays in it: only a new file, or
        // one left in another mode, is switched (a read-only one cannot be).
        let journal: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if !journal.eq_ignore_ascii_case("wal") && !read_only {
            conn.pragma_update(None, "journal_mode", "WAL")?;
        }
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
            Some(path) if !read_only => Some(checkpoint::Checkpointer::start(&mut conn, path)?),
            _ => None,
        };
        let identity = path.as_deref().and_then(identity_of);
        let damaged = path.as_deref().map(damage_mark).filter(|m| m.exists()).map(|m| {
            let said = std::fs::read_to_string(&m).unwrap_or_default();
            said.lines().next().unwrap_or("marked damaged").to_string()
        });
        let mut store = Sqlite { conn, path, checkpointer, identity, damaged };
        if version < SCHEMA_VERSION {
            store.migrate()?;
        }
        Ok(store)
    }

    /// Brings an older schema up to date, under the write lock.
    fn migrate(&mut self) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another desk may have brought it up to date while this one waited.
        let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        for (_, sql) in MIGRATIONS.iter().skip(usize::try_from(found).unwrap_or(0)) {
            tx.execute_batch(sql)?;
            if sql.contains("PRAGMA writable_schema = ON") {
                // A definition edited in place: a new schema cookie makes
                // this connection and every other one parse it again.
                let cookie: i64 = tx.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
                tx.pragma_update(None, "schema_version", cookie + 1)?;
            }
        }
        if found < 30 {
            // The search vocabulary (0030), from the accounts already there.
            super::Db::new(&tx).index_all_words()?;
        }
        if found < SCHEMA_VERSION {
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Whether the ledger can only be read here.
    pub fn is_read_only(&self) -> bool {
        self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false)
    }

    /// The refusal of every write to a file known to be damaged.
    pub(super) fn damage(&self) -> Option<StoreError> {
        let (what, path) = (self.damaged.as_ref()?, self.path.as_deref()?);
        Some(StoreError::Damaged {
            path: path.display().to_string(),
            what: what.clone(),
            marker: damage_mark(path).display().to_string(),
        })
    }

    /// Marks the file damaged (`what` SQLite or `verify` said): no more is
    /// written to it, now or when it is next opened, until it is restored
    /// and the mark removed.
    pub fn mark_damaged(&mut self, what: &str) {
        let Some(path) = self.path.clone() else { return };
        if self.damaged.is_none() {
            let text = format!(
                "{what}\nutility-desk found {} damaged on {}. Restore it from the latest backup, check it with \
                 `utility-desk verify`, then delete this file.\n",
                path.display(),
                chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
            );
            // The mark may not be writable (a full or read-only disk): the
            // refusal holds for this process all the same.
            let _ = std::fs::write(damage_mark(&path), text);
            self.damaged = Some(what.to_string());
        }
    }

    /// Looks at what a transaction answered: SQLite's word that the file is
    /// damaged marks it so, and a full disk is named as one.
    pub(super) fn noticed<T, E: StoreFailure>(
        &mut self,
        result: std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let Err(error) = &result else { return result };
        let Some(StoreError::Sqlite(inner)) = error.store_error() else { return result };
        use rusqlite::ffi::ErrorCode;
        if is(inner, ErrorCode::DatabaseCorrupt) || is(inner, ErrorCode::NotADatabase) {
            self.mark_damaged(&inner.to_string());
            if let Some(damage) = self.damage() {
                return Err(E::from(damage));
            }
        }
        if is(inner, ErrorCode::ReadOnly) {
            let path = self.path.as_deref().map_or_else(|| ":memory:".to_string(), |p| p.display().to_string());
            return Err(E::from(StoreError::ReadOnly(path)));
        }
        if is(inner, ErrorCode::DiskFull) {
            let dir = self.path.as_deref().and_then(Path::parent).filter(|d| !d.as_os_str().is_empty());
            let dir = dir.map_or_else(|| ".".to_string(), |d| d.display().to_string());
            return Err(E::from(StoreError::DiskFull(dir)));
        }
        result
    }
}

/// The schema version the file holds, read without the write lock; refused
/// when it is newer than this build's or, for an existing file, when the
/// file holds no ledger.
fn schema_version(conn: &mut Connection, path: Option<&Path>, mode: Mode) -> Result<i64> {
    let display = path.map_or_else(|| ":memory:".to_string(), |p| p.display().to_string());
    let (found, tables): (i64, i64) = {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        let found = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let tables = tx.query_row("SELECT count(*) FROM sqlite_schema WHERE type = 'table'", [], |r| r.get(0))?;
        tx.commit()?;
        (found, tables)
    };
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema { path: display, found, supported: SCHEMA_VERSION });
    }
    if found == 0 && (mode == Mode::Existing || tables > 0) {
        let why = if tables == 0 { "it holds no ledger" } else { "it is another program's database" };
        return Err(StoreError::NotALedger { path: display, why: why.into() });
    }
    Ok(found)
}

/// `path` as a read-only, immutable SQLite URI (`%`, `?` and `#` escaped).
fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for c in path.display().to_string().chars() {
        match c {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    uri
}

/// Whether SQLite answered `code`.
fn is(error: &rusqlite::Error, code: rusqlite::ffi::ErrorCode) -> bool {
    matches!(error, rusqlite::Error::SqliteFailure(e, _) if e.code == code)
}

/// Bytes free for an unprivileged user on the disk holding `dir`.
fn free_bytes(dir: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        let stat = rustix::fs::statvfs(dir).ok()?;
        Some(stat.f_bavail.saturating_mul(stat.f_frsize))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

impl Sqlite {
    /// What `rows` more postings (with their lines, records and indexes)
    /// need on the ledger's disk: each row as large as the ledger's own
    /// average posting (at least 2 KB), and the write-ahead log at its
    /// bound (see `store/checkpoint.rs`).
    pub fn room_for(&self, rows: u64) -> Result<Room> {
        let dir = self.path.as_deref().and_then(Path::parent).filter(|d| !d.as_os_str().is_empty());
        let dir = dir.unwrap_or(Path::new("."));
        let (pages, page_size): (i64, i64) = (
            self.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?,
            self.conn.query_row("PRAGMA page_size", [], |r| r.get(0))?,
        );
        let postings: i64 = self.conn.query_row("SELECT COALESCE(max(id), 0) FROM postings", [], |r| r.get(0))?;
        let size = u64::try_from(pages.saturating_mul(page_size)).unwrap_or(0);
        let per_row = (size / u64::try_from(postings.max(1)).unwrap_or(1)).max(2_048);
        let log = u64::try_from(i64::from(checkpoint::log_bound_pages(pages)) * page_size).unwrap_or(0);
        Ok(Room {
            at: dir.display().to_string(),
            needed: rows.saturating_mul(per_row).saturating_add(log),
            free: free_bytes(dir),
        })
    }
}
