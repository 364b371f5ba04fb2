//! What a copy of the ledger (a backup, a restore) made.

/// What a copy wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    pub bytes: u64,
    pub pages: u64,
}
