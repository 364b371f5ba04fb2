//! What `verify` checked and found.

use crate::domain::Money;
use serde::Serialize;

/// One check and what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: &'static str,
    /// How many problems were found (0: the check passed).
    pub problem_count: u64,
    /// The first problems, described.
    pub problems: Vec<String>,
    /// How long the check took, in microseconds.
    pub micros: u64,
}

/// Sizes of the ledger, so a person sees what was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct LedgerCounts {
    pub accounts: u64,
    pub bills: u64,
    pub postings: u64,
    pub entries: u64,
    pub total_debits: Money,
    pub total_credits: Money,
    /// Audit records checked (filled in by `verify`).
    pub audit_records: u64,
    /// Of those, the records of refused actions (who tried what, and why).
    pub refusals: u64,
}

/// Everything `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub checks: Vec<Check>,
    pub counts: LedgerCounts,
    /// The audit trail's last record and its hash: an anchor to keep
    /// outside the database (see `verify --anchor`).
    pub head: Option<AuditAnchor>,
}

/// An audit record named by its id and hash, kept outside the database: if
/// the record still has that hash and the chain up to it is whole, nothing
/// up to it was changed since, even by someone who rewrote the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditAnchor {
    pub record: i64,
    pub hash: String,
}

/// The name of SQLite's own check of the file.
pub const INTEGRITY: &str = "database integrity (PRAGMA integrity_check)";
/// The same check on a PostgreSQL ledger: amcheck over its B-tree indexes.
pub const INTEGRITY_SERVER: &str = "database integrity (PostgreSQL amcheck of the ledger's indexes)";
/// Where amcheck is not installed, or not granted to the desks' role.
pub const INTEGRITY_SERVER_NOT_RUN: &str =
    "database integrity (PostgreSQL: not checked here, amcheck is not installed or not granted to this role)";

impl std::str::FromStr for AuditAnchor {
    type Err = String;

    /// `RECORD:HASH`, as `verify` prints the head.
    fn from_str(text: &str) -> std::result::Result<AuditAnchor, String> {
        let (record, hash) = text.trim().split_once(':').ok_or("an anchor is RECORD:HASH, as verify prints it")?;
        let record = record.parse::<i64>().map_err(|_| format!("\"{record}\" is not an audit record's number"))?;
        let hash = hash.to_ascii_lowercase();
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("an anchor's hash is the 64 hexadecimal digits verify prints".into());
        }
        Ok(AuditAnchor { record, hash })
    }
}

impl Check {
    /// A check with no problems found (yet).
    pub fn passed(name: &'static str) -> Self {
        Check { name, problem_count: 0, problems: Vec::new(), micros: 0 }
    }
}

impl VerifyReport {
    /// A report for a damaged file: the integrity check's findings (or
    /// SQLite's refusal to read it) and a note that nothing else was checked.
    pub fn damaged(mut checks: Vec<Check>) -> VerifyReport {
        if checks.is_empty() {
            checks.push(Check::passed(INTEGRITY));
        }
        checks.push(Check {
            name: "the ledger checks (not run: the file is damaged; restore it from the latest backup)",
            problem_count: 1,
            problems: vec!["not run".to_string()],
            micros: 0,
        });
        VerifyReport { checks, counts: LedgerCounts::default(), head: None }
    }

    /// SQLite's own findings of damage, if any.
    pub fn damage(&self) -> Option<&str> {
        self.checks
            .iter()
            .find(|c| (c.name == INTEGRITY || c.name == INTEGRITY_SERVER) && c.problem_count > 0)
            .and_then(|c| c.problems.first())
            .map(String::as_str)
    }

    /// Time spent on the ledger checks, without SQLite's page-level integrity check.
    pub fn ledger_check_micros(&self) -> u64 {
        self.checks
            .iter()
            .filter(|c| !c.name.starts_with("database integrity") && !c.name.starts_with("the audit trail"))
            .map(|c| c.micros)
            .sum()
    }

    /// Time spent walking the audit chain.
    pub fn audit_check_micros(&self) -> u64 {
        self.checks.iter().filter(|c| c.name.starts_with("the audit trail")).map(|c| c.micros).sum()
    }

    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.problem_count == 0)
    }
}
