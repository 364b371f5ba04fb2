//! Copies of the whole ledger: a backup made while desks keep working, and
//! a backup restored to a new place. Both copy through SQLite's online
//! backup, all pages in one step: that is one read transaction, so the
//! copy is the ledger at one moment, and in WAL mode writers go on while
//! it is read. The copy is written under a temporary name in the folder it
//! goes to, put on disk, and only then given its name, which must be free:
//! a copy is never half there, and never replaces a file.

use std::path::Path;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::{Result, Sqlite, StoreError};
use crate::records::Copied;

impl Sqlite {
    /// Copies the ledger, as it stands at one moment, to a new file `to`.
    pub fn copy_to(&self, to: &Path) -> Result<Copied> {
        copy(&self.conn, to)
    }

    /// Makes a new ledger at `to` from the backup `from`, which is only
    /// read. What it holds is for the caller to check (open and verify).
    pub fn restore(from: &Path, to: &Path) -> Result<Copied> {
        let shown = from.display().to_string();
        match std::fs::metadata(from) {
            Ok(m) if m.is_file() && m.len() > 0 => {}
            Ok(_) => {
                return Err(StoreError::NotALedger { path: shown, why: "it is not a file with a ledger in it".into() });
            }
            Err(e) => return Err(StoreError::Open { path: shown, reason: e.to_string() }),
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let source = Connection::open_with_flags(from, flags)
            .map_err(|e| StoreError::Open { path: shown.clone(), reason: e.to_string() })?;
        copy(&source, to).map_err(|e| match e {
            StoreError::Sqlite(inner) if inner.sqlite_error_code() == Some(rusqlite::ffi::ErrorCode::NotADatabase) => {
                StoreError::NotALedger { path: shown, why: "it is not a database".into() }
            }
            other => other,
        })
    }
}

/// `from`'s main database copied whole into the new file `to`.
fn copy(from: &Connection, to: &Path) -> Result<Copied> {
    let shown = to.display().to_string();
    let failed = |reason: String| StoreError::Copy { path: shown.clone(), reason };
    if std::fs::symlink_metadata(to).is_ok() {
        return Err(failed("a file is already there: choose another name, or move that file away first".into()));
    }
    let folder = match to.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let temporary = tempfile::Builder::new()
        .prefix(".utility-desk-copy-")
        .suffix(".partial")
        .tempfile_in(folder)
        .map_err(|e| failed(format!("cannot write in {}: {e}", folder.display())))?;
    let pages = {
        let mut copy = Connection::open(temporary.path())?;
        let backup = Backup::new(from, &mut copy)?;
        match backup.step(-1)? {
            StepResult::Done => {}
            other => return Err(failed(format!("the copy stopped part-way ({other:?}); try again"))),
        }
        let pages = u64::try_from(backup.progress().pagecount).unwrap_or_default();
        drop(backup);
        copy.close().map_err(|(_, e)| StoreError::from(e))?;
        pages
    };
    let file = temporary.as_file();
    file.sync_all().map_err(|e| failed(e.to_string()))?;
    let bytes = file.metadata().map_err(|e| failed(e.to_string()))?.len();
    temporary.persist_noclobber(to).map_err(|e| failed(e.error.to_string()))?;
    // The new name on disk as well as the bytes.
    if let Ok(dir) = std::fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    Ok(Copied { bytes, pages })
}
