//! The whole ledger as a plain-text journal (in progress).
