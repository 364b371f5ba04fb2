//! The room on the disk a run of writes needs.

/// What a run of writes needs on the ledger's disk, and what it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    /// The folder the ledger (and its log) is in.
    pub at: String,
    /// Bytes the run will take at most: the rows' growth of the ledger, and
    /// the write-ahead log at its bound.
    pub needed: u64,
    /// Bytes free for this user on that disk, where the system says.
    pub free: Option<u64>,
}

impl Room {
    /// Whether the run fits (or the free space cannot be told).
    pub fn fits(&self) -> bool {
        self.free.is_none_or(|free| free >= self.needed)
    }
}
