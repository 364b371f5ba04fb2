//! The audit trail's hash chain: each record's hash covers the previous
//! record's hash and the record's own canonical form, so editing, deleting,
//! inserting or reordering any record breaks every link after it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit record, as hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub id: i64,
    /// RFC 3339 UTC instant, as stored.
    pub at: String,
    pub user_id: Option<i64>,
    pub action: String,
    pub subject: String,
    pub account_id: Option<i64>,
    /// Canonical JSON of what changed.
    pub detail: String,
}

impl AuditRecord {
    /// The canonical serialization: a JSON array of the fields in a fixed
    /// order. Strings are escaped by JSON, so no field can spill into another.
    pub fn canonical(&self) -> String {
        // A tuple serializes as the same compact JSON array as `json!([...])`,
        // without building a value tree first.
        let fields = (self.id, &self.at, self.user_id, &self.action, &self.subject, self.account_id, &self.detail);
        serde_json::to_string(&fields).unwrap_or_default()
    }

    /// This record's hash, chained to `prev_hash`.
    pub fn chain_hash(&self, prev_hash: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(prev_hash.as_bytes());
        hasher.update([0x1e]);
        hasher.update(self.canonical().as_bytes());
        hex(&hasher.finalize())
    }
}

/// Lower-case hexadecimal of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// Where a chain of stored records first goes wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ChainBreak {
    /// A record's `prev_hash` is not the previous record's hash (a record
    /// was deleted, inserted or moved).
    Link { id: i64, expected_prev: String, found_prev: String },
    /// A record's content does not hash to its stored hash (it was edited).
    Content { id: i64 },
    /// Ids are not consecutive (a record was deleted).
    Gap { after: i64, next: i64 },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainBreak::Link { id, .. } => {
                write!(f, "audit record {id} does not follow the record before it (one was removed, added or moved)")
            }
            ChainBreak::Content { id } => write!(f, "audit record {id} was changed after it was written"),
            ChainBreak::Gap { after, next } => write!(f, "audit records {} to {} are missing", after + 1, next - 1),
        }
    }
}

/// Walks records in id order, checking each link; stops at the first break.
#[derive(Debug, Clone)]
pub struct ChainWalker {
    prev_hash: String,
    prev_id: Option<i64>,
    pub checked: u64,
}

impl Default for ChainWalker {
    fn default() -> Self {
        ChainWalker { prev_hash: GENESIS.to_string(), prev_id: None, checked: 0 }
    }
}

impl ChainWalker {
    /// Checks the next stored record (with its stored `prev_hash` and `hash`).
    pub fn check(&mut self, record: &AuditRecord, prev_hash: &str, hash: &str) -> Result<(), ChainBreak> {
        if let Some(prev_id) = self.prev_id
            && record.id != prev_id + 1
        {
            return Err(ChainBreak::Gap { after: prev_id, next: record.id });
        }
        if prev_hash != self.prev_hash {
            return Err(ChainBreak::Link {
                id: record.id,
                expected_prev: self.prev_hash.clone(),
                found_prev: prev_hash.to_string(),
            });
        }
        if record.chain_hash(prev_hash) != hash {
            return Err(ChainBreak::Content { id: record.id });
        }
        self.prev_hash = hash.to_string();
        self.prev_id = Some(record.id);
        self.checked += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: i64, detail: &str) -> AuditRecord {
        AuditRecord {
            id,
            at: "2026-11-20T18:00:00.000Z".into(),
            user_id: Some(3),
            action: "posting".into(),
            subject: format!("posting:{id}"),
            account_id: Some(7),
            detail: detail.into(),
        }
    }

    fn chain(n: i64) -> Vec<(AuditRecord, String, String)> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|id| {
                let r = record(id, &format!("{{\"amount\":{id}}}"));
                let hash = r.chain_hash(&prev);
                let out = (r, prev.clone(), hash.clone());
                prev = hash;
                out
            })
            .collect()
    }

    fn walk(records: &[(AuditRecord, String, String)]) -> Result<u64, ChainBreak> {
        let mut walker = ChainWalker::default();
        for (r, prev, hash) in records {
            walker.check(r, prev, hash)?;
        }
        Ok(walker.checked)
    }

    #[test]
    fn an_intact_chain_passes() {
        assert_eq!(walk(&chain(5)), Ok(5));
    }

    #[test]
    fn edits_deletions_and_swaps_are_caught_at_the_first_broken_link() {
        let mut edited = chain(5);
        edited[2].0.detail = "{\"amount\":999}".into();
        assert_eq!(walk(&edited), Err(ChainBreak::Content { id: 3 }));

        let mut deleted = chain(5);
        deleted.remove(2);
        assert_eq!(walk(&deleted), Err(ChainBreak::Gap { after: 2, next: 4 }));

        // Deleting the record and renumbering the rest still breaks the link.
        let mut renumbered = chain(5);
        renumbered.remove(2);
        for (i, r) in renumbered.iter_mut().enumerate() {
            r.0.id = i as i64 + 1;
        }
        assert!(matches!(walk(&renumbered), Err(ChainBreak::Link { id: 3, .. })));

        let mut swapped = chain(5);
        let (a, b) = (swapped[1].0.clone(), swapped[2].0.clone());
        swapped[1].0 = AuditRecord { id: 2, ..b };
        swapped[2].0 = AuditRecord { id: 3, ..a };
        assert_eq!(walk(&swapped), Err(ChainBreak::Content { id: 2 }));
    }

    #[test]
    fn the_canonical_form_is_a_compact_json_array() {
        let r = AuditRecord { user_id: None, ..record(7, "{\"a\":1}") };
        assert_eq!(r.canonical(), r#"[7,"2026-11-20T18:00:00.000Z",null,"posting","posting:7",7,"{\"a\":1}"]"#);
    }

    #[test]
    fn fields_cannot_bleed_into_each_other() {
        let a = AuditRecord { subject: "ab".into(), action: "c".into(), ..record(1, "{}") };
        let b = AuditRecord { subject: "a".into(), action: "bc".into(), ..record(1, "{}") };
        assert_ne!(a.chain_hash(GENESIS), b.chain_hash(GENESIS));
    }
}
