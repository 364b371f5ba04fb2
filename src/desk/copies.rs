//! Backups: a copy of the ledger made while desks keep working, and a new
//! ledger made from one; each copy is opened and verified before it is
//! reported (the store's `backup` module makes the copies).

use std::path::Path;

use super::{Desk, DeskError, Result};
use crate::records::{Copied, VerifyReport};
use crate::store::Store;

impl Desk {
    /// The copy alone, as [`Desk::backup_to`] makes it, without opening
    /// and verifying it.
    pub fn copy_to(&self, to: &Path) -> Result<Copied> {
        Ok(self.store.copy_to(to)?)
    }

    /// Copies the ledger to the new file `to` and verifies the copy. A copy
    /// that does not verify is kept (it is the ledger as it was: `verify`
    /// on the ledger says the same) and reported with its problems.
    pub fn backup_to(&self, to: &Path) -> Result<(Copied, VerifyReport)> {
        let copied = self.copy_to(to)?;
        let report = Desk::open(to)?.verify()?;
        Ok((copied, report))
    }

    /// Makes a new ledger at `to` from the backup `from` (only read), and
    /// verifies it. A backup that is not a ledger, or does not verify,
    /// restores nothing: what was written at `to` is removed again.
    pub fn restore(from: &Path, to: &Path) -> Result<(Copied, VerifyReport)> {
        let copied = Store::restore(from, to)?;
        let checked = Desk::open(to).and_then(|mut desk| desk.verify());
        let refused = match checked {
            Ok(report) if report.passed() => return Ok((copied, report)),
            Ok(report) => {
                let first = report.checks.iter().flat_map(|c| c.problems.iter()).next().cloned().unwrap_or_default();
                DeskError::Invalid(format!(
                    "the backup {} does not verify ({first}): nothing was restored; try an older backup, or \
                     `utility-desk --db {} verify` for every problem",
                    from.display(),
                    from.display()
                ))
            }
            Err(e) => e,
        };
        for leftover in [to.to_path_buf(), with_suffix(to, "-wal"), with_suffix(to, "-shm")] {
            let _ = std::fs::remove_file(leftover);
        }
        Err(refused)
    }
}

/// `path` with `suffix` after its whole name (SQLite's `-wal` beside a ledger).
fn with_suffix(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}
