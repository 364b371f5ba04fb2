//! What the audit trail commits to, checked against what the tables hold.
//!
//! The hash chain shows that no record was edited, removed or reordered.
//! Read alongside the tables, the records also show that nothing was
//! changed beside them: the trail ends where its head row says (a tail cut
//! off is seen); every posting has its record and its content still hashes
//! to what that record says (a payment lowered consistently in its lines,
//! its recorded amount and the balance is seen); every approval request and
//! decision has its record; and every user's role and the limits table are
//! what the audited changes made them, and every password hash and
//! command-line sitting is one an audited change made. One pass over the audit trail, with
//! the postings and their lines read alongside in the same order.

use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

use super::sql::{Rows, args};
use super::verify::{micros, note};
use super::{Db, Result};
use crate::domain::audit::{ChainBreak, ChainWalker};
use crate::domain::authority::{Figure, Limit, Policy};
use crate::domain::ledger::{PostingContent, content_digest};
use crate::domain::user::Role;
use crate::records::Check;

/// What the walk of the audit trail found.
pub(super) struct AuditFindings {
    pub checks: Vec<Check>,
    /// Records walked.
    pub records: u64,
    /// Of those, refused actions' records.
    pub refusals: u64,
    /// The last record and its hash.
    pub last: Option<(i64, String)>,
}

/// A line as read for its posting's digest: ledger, account, side, cents.
type StoredLine = (String, Option<i64>, String, i64);

/// The postings in id order, each with the digest of its stored content
/// (its lines read alongside, in the same order).
struct PostingStream<'s> {
    postings: Rows<'s>,
    entries: Rows<'s>,
    /// The entry read past the last posting's lines.
    ahead: Option<(i64, StoredLine)>,
}

impl PostingStream<'_> {
    fn next(&mut self) -> Result<Option<StreamedPosting>> {
        let Some(p) = self.postings.next()? else { return Ok(None) };
        let id: i64 = p.get(0)?;
        let (user_id, posted_at): (i64, chrono::DateTime<chrono::Utc>) = (p.get(8)?, p.get(9)?);
        let (kind, effective_on): (String, String) = (p.get(1)?, p.get(3)?);
        let content = PostingContent {
            id,
            kind: &kind,
            account_id: p.get(2)?,
            effective_on: &effective_on,
            bill_id: p.get(4)?,
            reverses: p.get(5)?,
            waives: p.get(6)?,
            receivable_cents: p.get(7)?,
        };
        let mut lines: Vec<StoredLine> = Vec::new();
        loop {
            if self.ahead.is_none()
                && let Some(e) = self.entries.next()?
            {
                self.ahead = Some((e.get(0)?, (e.get(1)?, e.get(2)?, e.get(3)?, e.get(4)?)));
            }
            match self.ahead.take() {
                Some((posting, line)) if posting == id => lines.push(line),
                // Lines of no posting are another check's business.
                Some((posting, _)) if posting < id => {}
                other => {
                    self.ahead = other;
                    break;
                }
            }
        }
        let digest = content_digest(
            &content,
            lines.iter().map(|(ledger, account, side, amount)| (ledger.as_str(), *account, side.as_str(), *amount)),
        );
        Ok(Some(StreamedPosting { id, digest, user_id, posted_micros: posted_at.timestamp_micros() }))
    }
}

/// A posting as the walk of the trail meets it: its digest, and who posted
/// it when (which its audit record names too).
struct StreamedPosting {
    id: i64,
    digest: String,
    user_id: i64,
    posted_micros: i64,
}

/// The id in a subject such as `posting:42`.
fn id_in(subject: &str, prefix: &str) -> Option<i64> {
    subject.strip_prefix(prefix)?.parse().ok()
}

/// The content digest a posting's record holds (its detail is serialized
/// from a struct, so the field is found without parsing the JSON).
fn recorded_digest(detail: &str) -> Option<&str> {
    const FIELD: &str = "\"content_sha256\":\"";
    let at = detail.find(FIELD)? + FIELD.len();
    detail.get(at..at + 64)
}

/// What a record of a password change says it set: `Some(digest)` or
/// `Some(None)` (no password); `None` if it says nothing (made before
/// records did).
fn password_said(detail: &serde_json::Value) -> Option<Option<String>> {
    detail.get("password_sha256").map(|v| v.as_str().map(str::to_string))
}

/// What the records of user and policy changes said, in order.
#[derive(Default)]
struct Changes {
    /// User id to the role the trail gave them.
    roles: HashMap<i64, Role>,
    /// The limits table as first saved, if its record says.
    policy_init: Option<String>,
    /// Each change of one figure: role, figure, new limit as said.
    policy_set: Vec<(String, String, String)>,
    /// Requests asked and decided.
    requested: BTreeSet<i64>,
    decided: BTreeSet<i64>,
    /// Records that could not be read as their action says.
    unreadable: Vec<String>,
    /// A command-line sitting's token digest to the person whose start the
    /// trail records.
    sessions: HashMap<String, i64>,
    /// User id to what the last record that set their password said of
    /// it: the digest of the hash it set, `Some(None)` for none, `None`
    /// for a record made before records said (migration 0022).
    passwords: HashMap<i64, Option<Option<String>>>,
}

impl Changes {
    fn take(&mut self, id: i64, action: &str, subject: &str, detail: &str) {
        let json = || serde_json::from_str::<serde_json::Value>(detail).ok();
        let read = match action {
            "request" => id_in(subject, "request:").map(|n| self.requested.insert(n)).is_some(),
            "approve" | "reject" | "withdraw" => id_in(subject, "request:").map(|n| self.decided.insert(n)).is_some(),
            "user-add" | "user-role" => {
                let detail = json();
                let role =
                    detail.as_ref().and_then(|v| v["after"]["role"].as_str().and_then(|r| r.parse::<Role>().ok()));
                match (id_in(subject, "user:"), role) {
                    (Some(user), Some(role)) => {
                        if action == "user-add" {
                            self.passwords.insert(user, detail.as_ref().and_then(password_said));
                        }
                        self.roles.insert(user, role).is_none() || action == "user-role"
                    }
                    _ => false,
                }
            }
            "user-password" => match id_in(subject, "user:") {
                Some(user) => {
                    self.passwords.insert(user, json().as_ref().and_then(password_said));
                    true
                }
                None => false,
            },
            "session-start" => {
                let digest = json().and_then(|v| v["token_sha256"].as_str().map(str::to_string));
                match (id_in(subject, "user:"), digest) {
                    (Some(user), Some(digest)) => self.sessions.insert(digest, user).is_none(),
                    _ => false,
                }
            }
            "policy-init" => json().map(|v| self.policy_init = Some(v["policy"].to_string())).is_some(),
            "policy-set" => match json() {
                Some(v) => {
                    let field = |k: &str| v[k].as_str().map(str::to_string);
                    match (field("role"), field("figure"), field("after")) {
                        (Some(role), Some(figure), Some(after)) => {
                            self.policy_set.push((role, figure, after));
                            true
                        }
                        _ => false,
                    }
                }
                None => false,
            },
            _ => true,
        };
        if !read {
            self.unreadable.push(format!("audit record {id} ({action} {subject}) cannot be read as its action says"));
        }
    }

    /// The limits table the recorded changes make, or why they cannot.
    fn policy(&self) -> std::result::Result<Policy, String> {
        let mut policy = match &self.policy_init {
            Some(body) => serde_json::from_str(body).map_err(|e| format!("the first limits table recorded: {e}"))?,
            None => Policy::default_table(),
        };
        for (role, figure, after) in &self.policy_set {
            let role: Role = role.parse().map_err(|e| format!("a recorded change of the limits: {e}"))?;
            let figure: Figure = figure.parse().map_err(|e| format!("a recorded change of the limits: {e}"))?;
            let limit: Limit = after.parse().map_err(|e| format!("a recorded change of the limits: {e}"))?;
            policy.set(role, figure, limit).map_err(|e| format!("a recorded change of the limits: {e}"))?;
        }
        Ok(policy)
    }
}

impl Db<'_> {
    /// Walks the audit trail and checks what it commits to; see the module.
    pub(super) fn audit_findings(&self) -> Result<AuditFindings> {
        let started = Instant::now();
        let digests_from: i64 = self.meta("posting_digests_from")?.and_then(|v| v.parse().ok()).unwrap_or(i64::MAX);
        let mut walk = self.prepare(&format!("SELECT {} FROM audit_log ORDER BY id", super::audit::COLUMNS))?;
        let mut postings = self.prepare(
            "SELECT id, kind, account_id, effective_on, bill_id, reverses_id, waives_id, receivable_cents,
                    user_id, posted_at
             FROM postings ORDER BY id",
        )?;
        let mut entries = self.prepare(
            "SELECT posting_id, ledger, account_id, side, amount_cents FROM entries ORDER BY posting_id, line",
        )?;
        let mut stream =
            PostingStream { postings: postings.query(args![])?, entries: entries.query(args![])?, ahead: None };
        let mut next_posting = stream.next()?;

        let mut chain = Check::passed("the audit trail's hash chain is intact");
        let mut posted = Check::passed("the audit trail records every posting, and each still matches its record");
        let mut walker = ChainWalker::default();
        let mut broken: Option<ChainBreak> = None;
        let (mut records, mut refusals, mut last) = (0u64, 0u64, None::<(i64, String)>);
        let mut changes = Changes::default();
        let mut rows = walk.query(args![])?;
        while let Some(row) = rows.next()? {
            let (record, prev_hash, hash) = super::audit::row_to_record(&row)?;
            records += 1;
            if broken.is_none()
                && let Err(b) = walker.check(&record, &prev_hash, &hash)
            {
                broken = Some(b);
            }
            refusals += u64::from(record.action == "refused");
            if record.action == "posting" {
                let Some(n) = id_in(&record.subject, "posting:") else {
                    note(&mut posted, format!("audit record {} names no posting ({})", record.id, record.subject));
                    continue;
                };
                while let Some(StreamedPosting { id, .. }) = &next_posting
                    && *id < n
                {
                    note(&mut posted, format!("posting {id} has no audit record"));
                    next_posting = stream.next()?;
                }
                match &next_posting {
                    Some(found) if found.id == n => {
                        // Who posted it and when: the daily totals are
                        // summed by them, so moving a posting to another
                        // person or day would free a limit.
                        let recorded_at =
                            chrono::DateTime::parse_from_rfc3339(&record.at).map(|at| at.timestamp_micros());
                        if record.user_id != Some(found.user_id) || recorded_at != Ok(found.posted_micros) {
                            note(
                                &mut posted,
                                format!(
                                    "posting {n} no longer names the person and time its audit record {} does \
                                     (moved to another person or day after it was posted)",
                                    record.id
                                ),
                            );
                        }
                        match recorded_digest(&record.detail) {
                            Some(recorded) if recorded != found.digest => note(
                                &mut posted,
                                format!(
                                    "posting {n} no longer matches its audit record {} (its lines, amounts or links \
                                     were changed after it was posted)",
                                    record.id
                                ),
                            ),
                            None if n >= digests_from => {
                                note(
                                    &mut posted,
                                    format!("audit record {} of posting {n} holds no digest of it", record.id),
                                );
                            }
                            _ => {}
                        }
                        next_posting = stream.next()?;
                    }
                    _ => note(
                        &mut posted,
                        format!("audit record {} says posting {n} was made, but there is no posting {n}", record.id),
                    ),
                }
            } else {
                changes.take(record.id, &record.action, &record.subject, &record.detail);
            }
            last = Some((record.id, hash));
        }
        while let Some(StreamedPosting { id, .. }) = &next_posting {
            note(&mut posted, format!("posting {id} has no audit record"));
            next_posting = stream.next()?;
        }
        if let Some(b) = broken {
            note(&mut chain, b.to_string());
        }
        chain.micros = micros(started);

        let started = Instant::now();
        let mut checks = vec![chain, self.head_check(records, last.clone())?, posted];
        checks.push(self.requests_check(&changes)?);
        checks.push(self.roles_check(&changes)?);
        checks.push(self.policy_check(&changes)?);
        checks.push(self.access_check(&changes)?);
        let share = micros(started) / 5;
        for check in &mut checks[3..] {
            check.micros = share;
        }
        Ok(AuditFindings { checks, records, refusals, last })
    }

    /// The trail ends where the head row says: its last record, hash and count.
    fn head_check(&self, records: u64, last: Option<(i64, String)>) -> Result<Check> {
        let mut check = Check::passed("the audit trail ends where its head row says");
        let head: Option<(i64, String, i64)> =
            self.optional("SELECT last_id, last_hash, records FROM audit_head WHERE id = 1", args![], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        let (last_id, last_hash) = last.unwrap_or((0, crate::domain::audit::GENESIS.to_string()));
        match head {
            None => note(&mut check, "the audit trail's head row is missing".to_string()),
            Some((head_id, head_hash, head_records)) => {
                if (head_id, u64::try_from(head_records).unwrap_or(u64::MAX)) != (last_id, records) {
                    note(
                        &mut check,
                        format!(
                            "the head row says the trail holds {head_records} records ending at record {head_id}, \
                             but it holds {records} ending at record {last_id} (records were removed or added \
                             outside the desk)"
                        ),
                    );
                } else if head_hash != last_hash {
                    note(&mut check, format!("the last record, {last_id}, is not the one the head row names"));
                }
            }
        }
        Ok(check)
    }

    /// Every request has the record of its asking, and a decided one the
    /// record of its decision (and a pending one none).
    fn requests_check(&self, changes: &Changes) -> Result<Check> {
        let mut check = Check::passed("the audit trail records every approval request and decision");
        let mut statement = self.prepare("SELECT id, status FROM approval_requests ORDER BY id")?;
        let mut rows = statement.query(args![])?;
        while let Some(r) = rows.next()? {
            let (id, status): (i64, String) = (r.get(0)?, r.get(1)?);
            if !changes.requested.contains(&id) {
                note(&mut check, format!("request {id} has no audit record of being asked"));
            }
            match (status.as_str(), changes.decided.contains(&id)) {
                ("pending", true) => {
                    note(&mut check, format!("request {id} is pending, but the audit trail records its decision"))
                }
                ("pending", false) | (_, true) => {}
                (status, false) => {
                    note(&mut check, format!("request {id} is {status} with no audit record of the decision"))
                }
            }
        }
        Ok(check)
    }

    /// Every user's role is the one the trail gave them.
    fn roles_check(&self, changes: &Changes) -> Result<Check> {
        let mut check = Check::passed("the audit trail accounts for every user's role");
        for problem in &changes.unreadable {
            note(&mut check, problem.clone());
        }
        let mut statement = self.prepare("SELECT id, username, role FROM users ORDER BY id")?;
        let mut rows = statement.query(args![])?;
        while let Some(r) = rows.next()? {
            let (id, username, role): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            match changes.roles.get(&id) {
                None => note(&mut check, format!("user {username} has no audit record of being added")),
                Some(recorded) if recorded.code() != role => note(
                    &mut check,
                    format!("user {username} is {role}, but the audit trail made them {}", recorded.code()),
                ),
                Some(_) => {}
            }
        }
        Ok(check)
    }

    /// Every stored password hash is the one the last audited change set,
    /// and every command-line sitting has the audit record of its start: a
    /// hash or a sitting written into the file outside the desk would sign
    /// someone in as another person.
    fn access_check(&self, changes: &Changes) -> Result<Check> {
        use sha2::Digest;
        let mut check = Check::passed("the audit trail accounts for every password and command-line session");
        let mut statement = self.prepare("SELECT id, username, password_hash FROM users ORDER BY id")?;
        let mut rows = statement.query(args![])?;
        while let Some(r) = rows.next()? {
            let (id, username, hash): (i64, String, Option<String>) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let stored = hash.map(|h| crate::domain::audit::hex(&sha2::Sha256::digest(h.as_bytes())));
            match (changes.passwords.get(&id), stored) {
                (Some(Some(Some(recorded))), stored) if stored.as_ref() != Some(recorded) => note(
                    &mut check,
                    format!(
                        "user {username}'s password is not the one its audited changes set (changed outside the desk)"
                    ),
                ),
                (Some(Some(None)), Some(_)) => note(
                    &mut check,
                    format!("user {username} has a password no audited change set (written outside the desk)"),
                ),
                _ => {}
            }
        }
        for (digest, user) in self.cli_session_owners()? {
            if changes.sessions.get(&digest) != Some(&user) {
                note(
                    &mut check,
                    format!(
                        "a command-line session of user {user} (token digest {}…) has no audit record of its start \
                         (written outside the desk)",
                        &digest[..digest.len().min(12)]
                    ),
                );
            }
        }
        Ok(check)
    }

    /// The limits table is what its recorded changes make it.
    fn policy_check(&self, changes: &Changes) -> Result<Check> {
        let mut check = Check::passed("the audit trail accounts for the limits table");
        let stored =
            self.read_policy_json(|body| body.map(|b| serde_json::from_str::<Policy>(b).map_err(|e| e.to_string())))?;
        let stored = match stored {
            None => Policy::default_table(),
            Some(Ok(policy)) => policy,
            Some(Err(why)) => {
                note(&mut check, format!("the stored limits table cannot be read: {why}"));
                return Ok(check);
            }
        };
        match changes.policy() {
            Err(why) => note(&mut check, why),
            Ok(replayed) => {
                for &role in Role::ALL {
                    for figure in Figure::ALL {
                        let (now, recorded) = (stored.figure(role, figure), replayed.figure(role, figure));
                        if now != recorded {
                            let shown = |l: Option<Limit>| l.map_or_else(|| "none".to_string(), |l| l.to_string());
                            note(
                                &mut check,
                                format!(
                                    "{}'s {} is {}, but its audited changes make it {}",
                                    role.title(),
                                    figure.label(),
                                    shown(now),
                                    shown(recorded)
                                ),
                            );
                        }
                    }
                }
            }
        }
        Ok(check)
    }
}
