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

/// What `migrate` copied and what it found comparing the two ledgers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migrated {
    /// Rows copied per table, in the order copied.
    pub tables: Vec<(String, u64)>,
    /// What `verify` counted on the server (the same as in the file).
    pub counts: crate::records::LedgerCounts,
    /// The audit trail's last record and hash on both.
    pub head: Option<crate::records::AuditAnchor>,
    /// Accounts whose balances were compared (all of them).
    pub balances: usize,
}

impl Desk {
    /// Copies the SQLite ledger `from` into the empty PostgreSQL database
    /// `to` (making its schema if it has none), keeping ids, keys and the
    /// audit chain; then verifies both and compares them (counts, sums,
    /// every account's balance, the chain's head). Refused into a database
    /// that already holds data; nothing is kept there unless the copy
    /// itself committed whole.
    pub fn migrate(from: &Path, to: &Path) -> Result<Migrated> {
        if crate::store::is_server_location(from) || !crate::store::is_server_location(to) {
            return Err(DeskError::Invalid(
                "migrate copies a ledger file (--from FILE.db) into a PostgreSQL database (--to postgres://...)".into(),
            ));
        }
        let mut source = Store::open(from)?;
        let mut target = Store::create(to)?;
        let moved = source.copy_into(&mut target)?;
        let (from_balances, from_head) = source.balances_and_head()?;
        let (to_balances, to_head) = target.balances_and_head()?;
        let mut file = Desk::with_store(source)?;
        let mut server = Desk::with_store(target)?;
        let (before, after) = (file.verify()?, server.verify()?);
        let mut differences = Vec::new();
        if !after.passed() {
            differences.push("the copy does not pass verify (run `utility-desk verify` on it)".to_string());
        }
        if before.counts != after.counts {
            differences.push(format!("counted {:?} in the file but {:?} on the server", before.counts, after.counts));
        }
        if from_balances != to_balances {
            let differ = from_balances.iter().zip(&to_balances).filter(|(a, b)| a != b).count();
            differences.push(format!("{differ} account balances differ"));
        }
        if from_head != to_head || before.head != after.head {
            differences
                .push(format!("the audit chain ends at {from_head:?} in the file but {to_head:?} on the server"));
        }
        if !differences.is_empty() {
            return Err(DeskError::Invalid(format!(
                "the ledger was copied but the copy does not agree with the file: {}; do not use it",
                differences.join("; ")
            )));
        }
        Ok(Migrated { tables: moved.tables, counts: after.counts, head: after.head, balances: to_balances.len() })
    }
}
