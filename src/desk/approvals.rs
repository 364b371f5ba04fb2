//! Money authority on every path: each money action checks the acting
//! person's limits in its own transaction; above them, `submit` records an
//! approval request that moves no money until a Supervisor or Manager (never
//! the requester) approves it.

use std::cell::RefCell;
use std::rc::Rc;

use chrono::{DateTime, Days, Utc};
use serde::{Deserialize, Serialize};

use super::{
    Actor, Batch, CreditRequest, Desk, DeskError, LineAdjustRequest, Posted, RefundRequest, RerateRequest, Result,
    ReverseRequest, WaiveRequest, audit, required_note,
};
use crate::domain::Money;
use crate::domain::authority::{Decision, Figure, Limit, MoneyAction, Policy};
use crate::domain::ids::AccountId;
use crate::domain::user::Role;
use crate::records::{NewRequest, RequestRow};
use crate::store::Db;

/// Business days after which a pending request is flagged stale.
pub const STALE_AFTER_BUSINESS_DAYS: i64 = 3;

/// The hash of what a request asked for (its money action as first sent),
/// as [`super::payload_hash`] makes it for the action itself.
pub(super) fn asked_hash(row: &RequestRow) -> Result<String> {
    let asked: MoneyRequest = serde_json::from_str(&row.request_json)
        .map_err(|e| DeskError::Invalid(format!("request {} cannot be read: {e}", row.id)))?;
    match &asked {
        MoneyRequest::Credit(r) => super::payload_hash(r),
        MoneyRequest::AdjustByRead(r) => super::payload_hash(r),
        MoneyRequest::AdjustLine(r) => super::payload_hash(r),
        MoneyRequest::Waive(r) => super::payload_hash(r),
        MoneyRequest::Reverse(r) => super::payload_hash(r),
        MoneyRequest::Refund(r) => super::payload_hash(r),
    }
}

impl MoneyRequest {
    /// The action's idempotency key.
    pub fn key(&self) -> &str {
        match self {
            MoneyRequest::Credit(r) => &r.key,
            MoneyRequest::AdjustByRead(r) => &r.key,
            MoneyRequest::AdjustLine(r) => &r.key,
            MoneyRequest::Waive(r) => &r.key,
            MoneyRequest::Reverse(r) => &r.key,
            MoneyRequest::Refund(r) => &r.key,
        }
    }
}

/// Whether an action is checked against the actor's limits, or was approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Check {
    Limits,
    /// Approved for this amount: the action may post no more than it (a
    /// re-rate is worked out again when approved, and the bill may have
    /// changed since the request was sent).
    Approved(Money),
}

/// A money action as authority sees it: what, on which account and thing, how much.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Ask {
    pub action: MoneyAction,
    pub account: AccountId,
    /// The bill, posting or account the action is about.
    pub subject: String,
    pub amount: Money,
}

/// What an action above the person's limits would have done: enough to
/// record the approval request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedsApproval {
    pub action: MoneyAction,
    pub account: AccountId,
    /// The bill, posting or account the request is about.
    pub subject: String,
    pub amount: Money,
    pub reason: String,
    pub reviewer: Role,
}

/// A money action as a person asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MoneyRequest {
    Credit(CreditRequest),
    AdjustByRead(RerateRequest),
    AdjustLine(LineAdjustRequest),
    Waive(WaiveRequest),
    Reverse(ReverseRequest),
    Refund(RefundRequest),
}

impl MoneyRequest {
    /// The request with card numbers removed from its note, and how many
    /// were; its key as it is stored ([`super::stored_key`]).
    pub fn scrubbed(&self) -> (MoneyRequest, usize) {
        let mut clean = self.clone();
        let (note, key) = match &mut clean {
            MoneyRequest::Credit(r) => (&mut r.note, &mut r.key),
            MoneyRequest::AdjustByRead(r) => (&mut r.note, &mut r.key),
            MoneyRequest::AdjustLine(r) => (&mut r.note, &mut r.key),
            MoneyRequest::Waive(r) => (&mut r.note, &mut r.key),
            MoneyRequest::Reverse(r) => (&mut r.note, &mut r.key),
            MoneyRequest::Refund(r) => (&mut r.note, &mut r.key),
        };
        let (text, removed) = crate::domain::scrub::scrub_card_numbers(note);
        *note = text;
        *key = super::stored_key(key);
        (clean, removed)
    }
}

/// What became of a submitted money action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Outcome {
    Posted(Posted),
    /// Sent for approval: `reason` says which limit and who reviews it.
    Pending {
        request: i64,
        reason: String,
        reviewer: Role,
        /// The same key and action were sent before: this is that request,
        /// and nothing new was asked.
        replayed: bool,
    },
}

/// A request as the queue shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestView {
    pub row: RequestRow,
    /// When it was asked, on the utility's clock.
    pub requested_local: chrono::NaiveDateTime,
    pub age_business_days: i64,
    pub stale: bool,
}

/// The money action a posting's kind is, if it is one.
pub(super) fn money_action(kind: crate::domain::ledger::PostingKind) -> Option<MoneyAction> {
    use crate::domain::ledger::PostingKind;
    match kind {
        PostingKind::Credit => Some(MoneyAction::Credit),
        PostingKind::Adjustment => Some(MoneyAction::Adjustment),
        PostingKind::Waiver => Some(MoneyAction::Waiver),
        PostingKind::Reversal => Some(MoneyAction::Reversal),
        // A refund is paid under a credit's limits.
        PostingKind::Refund => Some(MoneyAction::Credit),
        _ => None,
    }
}

/// The policy in force: the stored one, or the default table.
pub(super) fn load_policy(db: &Db) -> Result<Rc<Policy>> {
    thread_local! {
        // The last policy text read and its parsed form: the text is read on
        // every check (another workstation may have changed it) and compared
        // where SQLite holds it, but parsed only when it changed.
        static PARSED: RefCell<Option<(String, Rc<Policy>)>> = const { RefCell::new(None) };
    }
    enum Read {
        Default,
        Unchanged(Rc<Policy>),
        Changed(String),
    }
    let read = db.read_policy_json(|body| match body {
        None => Read::Default,
        Some(body) => PARSED.with_borrow(|cached| match cached {
            Some((seen, policy)) if seen == body => Read::Unchanged(Rc::clone(policy)),
            _ => Read::Changed(body.to_owned()),
        }),
    })?;
    match read {
        Read::Default => Ok(Rc::new(Policy::default_table())),
        Read::Unchanged(policy) => Ok(policy),
        Read::Changed(body) => {
            let policy: Rc<Policy> = Rc::new(
                serde_json::from_str(&body)
                    .map_err(|e| DeskError::Invalid(format!("the stored authority policy cannot be read: {e}")))?,
            );
            PARSED.with_borrow_mut(|cached| *cached = Some((body, Rc::clone(&policy))));
            Ok(policy)
        }
    }
}

impl Batch<'_> {
    /// The start and end (UTC) of the utility's business day containing `now`.
    fn business_day(&self, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        let today = self.today(now);
        let start = |date| super::first_instant(self.time_zone, date);
        (start(today), start(today + Days::new(1)))
    }

    /// What the policy decides for `amount` from `actor` now, counting what
    /// they already used today (posted and pending): all their money
    /// actions against the daily total, and, against the per-item limit, the
    /// same action on the same account (when the account is known). It
    /// writes nothing (a refusal after a write would fail the transaction):
    /// a kept sum not made yet is summed from the source, and made when the
    /// action is counted ([`Batch::note_use`]).
    fn decision(
        &self,
        db: &Db,
        actor: &Actor,
        now: DateTime<Utc>,
        (action, amount, account): (MoneyAction, Money, Option<AccountId>),
    ) -> Result<Decision> {
        let policy = load_policy(db)?;
        // Today's usage only matters under a limit (a Manager has none).
        let limited = |figure| policy.figure(actor.role, figure).is_some_and(|l| l != Limit::Unlimited);
        let (mut day, mut item) = (Money::ZERO, Money::ZERO);
        if limited(Figure::DailyTotal) || limited(Figure::PerItem(action)) {
            let (from, to) = self.business_day(now);
            day = self.day_used(db, actor.user_id, (from, to), false)?;
            if let Some(account) = account {
                item = db.authority_used_on(actor.user_id, from, to, account, action)?;
            }
        }
        Ok(policy.decide_counting(actor.role, action, amount, day, item))
    }

    /// The kept sum of a person's business day, made from the source if
    /// this is its first use (and kept, with `keep`).
    fn day_used(
        &self,
        db: &Db,
        user: crate::domain::ids::UserId,
        (from, to): (DateTime<Utc>, DateTime<Utc>),
        keep: bool,
    ) -> Result<Money> {
        if let Some(used) = db.authority_day(user, from)? {
            return Ok(used);
        }
        let used = db.authority_used(user, from, to)?;
        if keep {
            db.insert_authority_day(user, from, to, used)?;
        }
        Ok(used)
    }

    /// Adds `change` to what `user` used on the business day of `at`, in
    /// the same transaction as the posting, request or decision it counts,
    /// and before that row is written (a kept sum first made here is summed
    /// from the source as it was).
    pub(super) fn note_use(
        &self,
        db: &Db,
        user: crate::domain::ids::UserId,
        at: DateTime<Utc>,
        change: Money,
    ) -> Result<()> {
        let day = self.business_day(at);
        self.day_used(db, user, day, true)?;
        Ok(db.add_authority_use(user, day.0, change)?)
    }

    /// Appends a money action's posting (a credit, adjustment, waiver or
    /// reversal) under a checked key, counting it toward what the actor used
    /// today.
    pub(super) fn post_money(
        &self,
        db: &Db,
        actor: &Actor,
        now: DateTime<Utc>,
        fresh: super::FreshKey,
        posting: crate::domain::ledger::NewPosting,
    ) -> Result<super::Posted> {
        if money_action(posting.kind).is_none() {
            return Err(DeskError::Invalid(format!("a {} posting is not a money action", posting.kind)));
        }
        self.note_use(db, actor.user_id, now, posting.receivable_moved())?;
        super::append_posting(db, actor, now, fresh, posting)
    }

    /// Checks `ask` against the actor's limits (unless already approved).
    pub(super) fn authorize(&self, db: &Db, actor: &Actor, now: DateTime<Utc>, check: Check, ask: Ask) -> Result<()> {
        if let Check::Approved(approved) = check {
            if ask.amount > approved {
                return Err(DeskError::Invalid(format!(
                    "this {} now comes to {}, more than the {} approved: what it is about has changed since \
                     the request was sent, so reject the request and send a new one",
                    ask.action.label(),
                    ask.amount,
                    approved
                )));
            }
            return Ok(());
        }
        match self.decision(db, actor, now, (ask.action, ask.amount, Some(ask.account)))? {
            Decision::Post => Ok(()),
            Decision::Pend { recorded: reason, reviewer, .. } => Err(DeskError::AboveLimit(Box::new(NeedsApproval {
                action: ask.action,
                account: ask.account,
                subject: ask.subject,
                amount: ask.amount,
                reason,
                reviewer,
            }))),
            Decision::Refuse { reason } => Err(DeskError::NotPermitted(reason)),
        }
    }

    fn run(&self, actor: &Actor, now: DateTime<Utc>, request: &MoneyRequest, check: Check) -> Result<Posted> {
        match request {
            MoneyRequest::Credit(r) => self.credit_checked(actor, now, r, check),
            MoneyRequest::AdjustByRead(r) => self.rerate_checked(actor, now, r, check),
            MoneyRequest::AdjustLine(r) => self.line_checked(actor, now, r, check),
            MoneyRequest::Waive(r) => self.waive_checked(actor, now, r, check),
            MoneyRequest::Reverse(r) => self.reverse_checked(actor, now, r, check),
            MoneyRequest::Refund(r) => self.refund_checked(actor, now, r, check),
        }
    }

    /// Takes a money action: posted if within the person's limits, else
    /// recorded as a pending approval request (which moves no money).
    pub fn submit(&self, actor: &Actor, now: DateTime<Utc>, request: &MoneyRequest) -> Result<Outcome> {
        // The stored request keeps its note: scrub card numbers from it first.
        let (request, _) = request.scrubbed();
        let request = &request;
        match self.run(actor, now, request, Check::Limits) {
            Ok(posted) => Ok(Outcome::Posted(posted)),
            // The same action under the same key, still waiting: its first outcome.
            Err(DeskError::KeyInRequest { request: id, status, same_payload: true, .. }) if status == "pending" => {
                let row = self.db.request(id)?.ok_or(DeskError::UnknownRequest(id))?;
                Ok(Outcome::Pending { request: id, reason: row.reason, reviewer: row.reviewer, replayed: true })
            }
            Err(DeskError::AboveLimit(needs)) => self.atomic(|db, _| {
                if let Some(first) = db.pending_request_for(needs.action, &needs.subject)? {
                    return Err(DeskError::DuplicateRequest { first, what: needs.subject.replace(':', " ") });
                }
                let json = serde_json::to_string(request).map_err(|e| DeskError::Invalid(e.to_string()))?;
                self.note_use(db, actor.user_id, now, needs.amount)?;
                let id = db.insert_request(
                    &NewRequest {
                        action: needs.action,
                        account: needs.account,
                        subject: &needs.subject,
                        amount: needs.amount,
                        request_json: &json,
                        requested_by: actor.user_id,
                        reason: &needs.reason,
                        reviewer: needs.reviewer,
                        key: request.key().trim(),
                    },
                    now,
                )?;
                let detail = serde_json::json!({
                    "action": needs.action, "subject": needs.subject, "amount": needs.amount,
                    "reason": needs.reason, "reviewer": needs.reviewer, "request": request,
                });
                audit(db, now, Some(actor), "request", &format!("request:{id}"), Some(needs.account), &detail)?;
                Ok(Outcome::Pending {
                    request: id,
                    reason: needs.reason.clone(),
                    reviewer: needs.reviewer,
                    replayed: false,
                })
            }),
            Err(other) => Err(other),
        }
    }

    /// Approves a pending request, optionally for a lower amount (credits and
    /// line adjustments only), and posts it in the same transaction.
    pub fn approve(
        &self,
        approver: &Actor,
        now: DateTime<Utc>,
        id: i64,
        amount: Option<Money>,
        note: Option<&str>,
    ) -> Result<Posted> {
        self.atomic(|db, _| {
            let row = pending(db, id)?;
            if row.requested_by == approver.user_id {
                return Err(DeskError::NotPermitted("you cannot approve your own request".into()));
            }
            let amount = amount.unwrap_or(row.amount);
            if amount > row.amount {
                return Err(DeskError::Invalid(format!("approve at most the {} requested", row.amount)));
            }
            load_policy(db)?.check_approver(approver.role, row.action, amount).map_err(DeskError::NotPermitted)?;
            let mut request: MoneyRequest = serde_json::from_str(&row.request_json)
                .map_err(|e| DeskError::Invalid(format!("request {id} cannot be read: {e}")))?;
            if amount != row.amount {
                match &mut request {
                    MoneyRequest::Credit(r) => r.amount = amount,
                    MoneyRequest::AdjustLine(r) => r.amount = amount,
                    _ => {
                        return Err(DeskError::Invalid(
                            "only credits and line adjustments can be approved for a lower amount".into(),
                        ));
                    }
                }
            }
            let requester = db
                .user_by_name(&row.requested_by_name)?
                .map(|u| Actor { user_id: u.id, username: u.username, role: u.role })
                .ok_or_else(|| DeskError::UnknownUser(row.requested_by_name.clone()))?;
            // No longer pending: it leaves the requester's day; its posting
            // counts on the day it is posted.
            self.note_use(db, row.requested_by, row.requested_at, -row.amount)?;
            let posted = self.run(&requester, now, &request, Check::Approved(amount))?;
            let note =
                note.map(str::trim).filter(|n| !n.is_empty()).map(|n| crate::domain::scrub::scrub_card_numbers(n).0);
            let note = note.as_deref();
            if !db.decide_request(id, "approved", approver.user_id, now, Some(amount), note, Some(posted.posting_id))? {
                return Err(DeskError::AlreadyDecided { id, status: "decided by someone else".into() });
            }
            super::disputes::request_decided(db, id, approver, now, Some(posted.posting_id))?;
            let detail = serde_json::json!({
                "before": { "status": "pending", "amount": row.amount },
                "after": { "status": "approved", "amount": amount, "posting": posted.posting_id, "note": note },
            });
            audit(db, now, Some(approver), "approve", &format!("request:{id}"), Some(row.account_id), &detail)?;
            Ok(posted)
        })
    }

    /// Rejects a pending request with a reason.
    pub fn reject(&self, approver: &Actor, now: DateTime<Utc>, id: i64, reason: &str) -> Result<()> {
        let reason = required_note(reason, "reason for the rejection")?;
        self.atomic(|db, _| {
            let row = pending(db, id)?;
            if row.requested_by == approver.user_id {
                return Err(DeskError::NotPermitted("withdraw your own request instead of rejecting it".into()));
            }
            load_policy(db)?.check_rejecter(approver.role, row.action, row.amount).map_err(DeskError::NotPermitted)?;
            self.note_use(db, row.requested_by, row.requested_at, -row.amount)?;
            end(db, approver, now, &row, "rejected", Some(&reason))
        })
    }

    /// Withdraws one's own pending request.
    pub fn withdraw(&self, requester: &Actor, now: DateTime<Utc>, id: i64) -> Result<()> {
        self.atomic(|db, _| {
            let row = pending(db, id)?;
            if row.requested_by != requester.user_id {
                return Err(DeskError::NotPermitted("only the person who sent a request may withdraw it".into()));
            }
            self.note_use(db, row.requested_by, row.requested_at, -row.amount)?;
            end(db, requester, now, &row, "withdrawn", None)
        })
    }
}

fn pending(db: &Db, id: i64) -> Result<RequestRow> {
    let row = db.request(id)?.ok_or(DeskError::UnknownRequest(id))?;
    if row.status != "pending" {
        return Err(DeskError::AlreadyDecided { id, status: row.status });
    }
    Ok(row)
}

fn end(db: &Db, by: &Actor, now: DateTime<Utc>, row: &RequestRow, status: &str, note: Option<&str>) -> Result<()> {
    if !db.decide_request(row.id, status, by.user_id, now, None, note, None)? {
        return Err(DeskError::AlreadyDecided { id: row.id, status: "decided by someone else".into() });
    }
    super::disputes::request_decided(db, row.id, by, now, None)?;
    let detail = serde_json::json!({ "before": { "status": "pending" }, "after": { "status": status, "note": note } });
    let action = status.trim_end_matches("ed").trim_end_matches('n');
    audit(db, now, Some(by), action, &format!("request:{}", row.id), Some(row.account_id), &detail)
}

impl Desk {
    /// Submits a money action in its own transaction; see [`Batch::submit`].
    pub fn submit(&mut self, actor: &Actor, now: DateTime<Utc>, request: &MoneyRequest) -> Result<Outcome> {
        self.act(actor, now, "submit", |b| b.submit(actor, now, request))
    }

    pub fn approve(
        &mut self,
        approver: &Actor,
        now: DateTime<Utc>,
        id: i64,
        amount: Option<Money>,
        note: Option<&str>,
    ) -> Result<Posted> {
        self.act(approver, now, "approve", |b| b.approve(approver, now, id, amount, note))
    }

    pub fn reject(&mut self, approver: &Actor, now: DateTime<Utc>, id: i64, reason: &str) -> Result<()> {
        self.act(approver, now, "reject", |b| b.reject(approver, now, id, reason))
    }

    pub fn withdraw(&mut self, requester: &Actor, now: DateTime<Utc>, id: i64) -> Result<()> {
        self.act(requester, now, "withdraw", |b| b.withdraw(requester, now, id))
    }

    /// Requests with a status ("pending", ...), oldest first, with their age.
    pub fn requests(
        &mut self,
        now: DateTime<Utc>,
        status: Option<&str>,
        requester: Option<&Actor>,
    ) -> Result<Vec<RequestView>> {
        let today = self.today(now);
        let tz = self.time_zone;
        let rows =
            self.store.read(|db| Ok::<_, DeskError>(db.requests(status, requester.map(|a| a.user_id), None)?))?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let local = row.requested_at.with_timezone(&tz).naive_local();
                let age = self.clock.calendar.business_days_between(local.date(), today);
                RequestView {
                    requested_local: local,
                    stale: row.status == "pending" && age > STALE_AFTER_BUSINESS_DAYS,
                    age_business_days: age,
                    row,
                }
            })
            .collect())
    }

    /// What would happen to a money action of `amount` from `actor` now:
    /// posted, sent for approval (and why), or refused. Writes nothing; the
    /// action itself decides again when it is taken.
    pub fn preview_decision(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        action: MoneyAction,
        amount: Money,
        account: Option<AccountId>,
    ) -> Result<Decision> {
        self.read_batch(|b| b.decision(b.db, actor, now, (action, amount, account)))
    }

    /// The authority policy in force.
    pub fn policy(&mut self) -> Result<Policy> {
        self.store.read(|db| Ok(Policy::clone(&*load_policy(db)?)))
    }

    /// Changes one figure of the policy (Managers and Administrators only), audited.
    pub fn set_policy(
        &mut self,
        by: &Actor,
        now: DateTime<Utc>,
        role: Role,
        figure: Figure,
        limit: Limit,
    ) -> Result<Policy> {
        let result = (|| -> Result<Policy> {
            if !matches!(by.role, Role::Manager | Role::Admin) {
                return Err(DeskError::NotPermitted("only a Manager or Administrator may change the limits".into()));
            }
            self.store.write(|db| {
                let mut policy = Policy::clone(&*load_policy(db)?);
                let before = policy.figure(role, figure);
                policy.set(role, figure, limit).map_err(|e| DeskError::Invalid(e.to_string()))?;
                let body = serde_json::to_string(&policy).map_err(|e| DeskError::Invalid(e.to_string()))?;
                db.save_policy_json(&body, now, Some(by.user_id))?;
                let detail = serde_json::json!({
                    "role": role, "figure": figure.code(),
                    "before": before.map(|l| l.to_string()), "after": limit.to_string(),
                });
                audit(db, now, Some(by), "policy-set", &format!("policy:{role}:{}", figure.code()), None, &detail)?;
                Ok(policy)
            })
        })();
        if let Err(refusal) = &result {
            self.record_refusal(by, now, "set_policy", refusal);
        }
        result
    }
}
