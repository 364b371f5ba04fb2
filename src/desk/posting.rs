//! Postings under idempotency keys: a key names one action whatever became
//! of it, so a retried request posts once (the same payload answers with the
//! first posting; another payload under the key is refused), and every
//! posting is appended with its audit record, which commits to its content.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Actor, DeskError, Posted, Result, approvals, audit};
use crate::domain::ledger::NewPosting;
use crate::store::{Db, StoreError};

/// SHA-256 of the request as JSON: what "the same payload" means for an
/// idempotency key.
pub(super) fn payload_hash(payload: &impl Serialize) -> Result<String> {
    let bytes = serde_json::to_vec(payload).map_err(|e| DeskError::Invalid(e.to_string()))?;
    Ok(crate::domain::audit::hex(&Sha256::digest(bytes)))
}

/// What an idempotency key says about a request.
pub(super) enum KeyCheck {
    /// The same key and payload were posted before: this is that posting.
    Replay(Posted),
    /// The key is new; the hash is what will be stored with it.
    Fresh(FreshKey),
}

/// A key checked and found unused, with its payload's hash.
pub(super) struct FreshKey {
    pub(super) key: String,
    pub(super) hash: String,
}

/// Keys the desk makes for its own postings (bills, late fees, deposits)
/// start with this; a person's or a file's key may not, so no client key can
/// collide with one and block a bill run or a late-fee run.
pub const SYSTEM_KEY_PREFIX: &str = "system:";

impl FreshKey {
    /// A key the desk made from a row it has just inserted (a new bill's
    /// id): it cannot have been used, so it is not looked up.
    pub(super) fn new_system(key: &str, payload: &impl Serialize) -> Result<FreshKey> {
        debug_assert!(key.starts_with(SYSTEM_KEY_PREFIX));
        Ok(FreshKey { key: key.to_string(), hash: payload_hash(payload)? })
    }
}

/// Checks `key` for `payload`: a replay of the same request returns the first
/// posting; a different payload under the same key is refused.
pub(super) fn check_key(db: &Db, key: &str, payload: &impl Serialize) -> Result<KeyCheck> {
    let key = key.trim();
    if key.is_empty() || key.len() > 200 {
        return Err(DeskError::Invalid("an idempotency key has 1 to 200 characters".into()));
    }
    let hash = payload_hash(payload)?;
    match db.posting_by_key(key)? {
        None => Ok(KeyCheck::Fresh(FreshKey { key: key.to_string(), hash })),
        Some(existing) if existing.payload_sha256 == hash => {
            Ok(KeyCheck::Replay(Posted { posting_id: existing.id, replayed: true }))
        }
        Some(existing) => Err(DeskError::KeyReused { key: key.to_string(), posting: existing.id }),
    }
}

/// A client's key as it is stored: itself, or, if it holds something that
/// looks like a card number, its SHA-256 (keys are only ever compared, so
/// the same key still finds its action, and no card number is kept; a key
/// cannot simply be refused, since keys a program makes from ids and times
/// look like card numbers one time in ten).
pub fn stored_key(key: &str) -> String {
    let key = key.trim();
    if crate::domain::scrub::holds_card_number(key) {
        format!("sha256:{}", crate::domain::audit::hex(&Sha256::digest(key.as_bytes())))
    } else {
        key.to_string()
    }
}

/// Refuses a client's key that uses the prefix kept for the desk's own.
pub fn check_client_key(key: &str) -> Result<()> {
    if key.trim().starts_with(SYSTEM_KEY_PREFIX) {
        return Err(DeskError::Invalid(format!(
            "keys starting with \"{SYSTEM_KEY_PREFIX}\" are kept for the desk's own postings: choose another key"
        )));
    }
    Ok(())
}

/// [`check_key`] for a key chosen by a person or a file, which names one
/// action whatever became of it: a posting, or an approval request
/// (pending, approved, rejected or withdrawn). The same key and payload
/// answer with the first outcome (a posting replays; a request is
/// [`DeskError::KeyInRequest`], which `submit` turns back into its pending
/// outcome); anything else under the key is refused. `check` is
/// [`approvals::Check::Approved`] only when a request is being approved:
/// then the request holding the key is the very action being posted.
pub(super) fn check_client_request(
    db: &Db,
    key: &str,
    payload: &impl Serialize,
    check: approvals::Check,
) -> Result<KeyCheck> {
    check_client_key(key)?;
    let key = key.trim();
    if key.is_empty() || key.len() > 200 {
        return Err(DeskError::Invalid("an idempotency key has 1 to 200 characters".into()));
    }
    let stored = stored_key(key);
    let key = stored.as_str();
    let hash = payload_hash(payload)?;
    if let Some(existing) = db.posting_by_key(key)? {
        if existing.payload_sha256 == hash {
            return Ok(KeyCheck::Replay(Posted { posting_id: existing.id, replayed: true }));
        }
        // Approved for less than was asked: the request holds what was asked.
        if let Some(row) = db.request_by_key(key)?
            && approvals::asked_hash(&row)? == hash
        {
            return Ok(KeyCheck::Replay(Posted { posting_id: existing.id, replayed: true }));
        }
        return Err(DeskError::KeyReused { key: key.to_string(), posting: existing.id });
    }
    if check == approvals::Check::Limits
        && let Some(row) = db.request_by_key(key)?
    {
        let same_payload = approvals::asked_hash(&row)? == hash;
        return Err(DeskError::KeyInRequest {
            key: key.to_string(),
            request: row.id,
            status: row.status,
            same_payload,
        });
    }
    Ok(KeyCheck::Fresh(FreshKey { key: key.to_string(), hash }))
}

/// Validates and appends a posting under a key already checked: a bill, a
/// payment, a late fee, a deposit. A money action (credit, adjustment,
/// waiver, reversal) goes through [`Batch::post_money`], which counts it
/// toward the person's limits.
pub(super) fn post_fresh(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    fresh: FreshKey,
    posting: NewPosting,
) -> Result<Posted> {
    if approvals::money_action(posting.kind).is_some() {
        return Err(DeskError::Store(StoreError::RolledBack(format!(
            "a {} posting was appended without counting it toward the person's limits",
            posting.kind
        ))));
    }
    append_posting(db, actor, now, fresh, posting)
}

/// Validates and appends a posting and its audit record.
pub(super) fn append_posting(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    fresh: FreshKey,
    posting: NewPosting,
) -> Result<Posted> {
    posting.validate()?;
    let posting_id = db.insert_posting(&posting, &fresh.key, &fresh.hash, actor.user_id, now)?;
    // Serialized straight from a struct (no `json!` map built and walked on
    // every posting), its fields in the order `json!` would sort them. The
    // record commits to the posting's content (`verify` recomputes it).
    #[derive(Serialize)]
    struct Detail<'a> {
        content_sha256: String,
        effective_on: NaiveDate,
        key: &'a str,
        kind: crate::domain::ledger::PostingKind,
        memo: &'a str,
        receivable_change: crate::domain::Money,
    }
    let detail = Detail {
        content_sha256: posting.digest(posting_id),
        effective_on: posting.effective_on,
        key: &fresh.key,
        kind: posting.kind,
        memo: &posting.memo,
        receivable_change: posting.receivable_change(),
    };
    audit(db, now, Some(actor), "posting", &format!("posting:{posting_id}"), posting.account_id, &detail)?;
    Ok(Posted { posting_id, replayed: false })
}

/// Posts `build()`'s posting under `key`, once (see [`check_key`]).
pub(super) fn post_once(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    key: &str,
    payload: &impl Serialize,
    build: impl FnOnce() -> Result<NewPosting>,
) -> Result<Posted> {
    match check_key(db, key, payload)? {
        KeyCheck::Replay(posted) => Ok(posted),
        KeyCheck::Fresh(fresh) => post_fresh(db, actor, now, fresh, build()?),
    }
}
