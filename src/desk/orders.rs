//! Service orders and inspection requests. Any representative drafts one
//! (not on a closed account) and submits it once its kind's required fields
//! are there; a CAR III or above reviews it — problems send it back to draft
//! with the flags — and sends it to the field; the field's result completes
//! it. A completed re-read offers the re-rate of the bill it was about
//! (previewed, never posted here). Each step writes one order event and one
//! audit record; completed and cancelled orders are final.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::accounts::open_account_row;
use super::billing::{NewRead, rerate_review};
use super::{Actor, Batch, Desk, DeskError, RerateReview, Result, audit, required_note};
use crate::domain::cases::{check_case_worker, ranks_at_least};
use crate::domain::ids::{AccountId, BillId, PremiseId};
use crate::domain::orders::{
    OpenOrder, OrderFields, OrderKind, OrderStatus, ReviewContext, ReviewFlag, missing, review,
};
use crate::domain::reads::ReadKind;
use crate::domain::user::Role;
use crate::records::{ContactRow, NewOrderRow, OrderEvent, OrderRow, OrderStep};
use crate::store::Db;

/// An order to draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRequest {
    pub account: AccountId,
    pub kind: OrderKind,
    pub fields: OrderFields,
    /// The complaint it answers, if any (linked both ways).
    pub complaint: Option<i64>,
}

/// What the field found, to complete an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCompletion {
    pub outcome: String,
    /// A re-read's reading (required for a re-read, refused otherwise).
    pub reading: Option<u64>,
    /// The register rolled over since the bill's previous read.
    pub rollover: bool,
    /// A transfer completed with the final read: service starts at the new
    /// premise for the same customer, as `service transfer` does.
    #[serde(default)]
    pub new_service: Option<super::NewServiceAt>,
}

/// What a review decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum ReviewOutcome {
    /// Nothing missing or inconsistent: it may be sent.
    Reviewed,
    /// Back to draft for its author, with what to fix.
    ReturnedToDraft { flags: Vec<ReviewFlag> },
}

/// After a re-read: the re-rate the window offers, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "offer", rename_all = "kebab-case")]
pub enum RerateOffer {
    /// The re-read changes the bill: this is what `adjust_bill_by_read`
    /// with the reading would post (under the authority rules).
    Rerate(Box<RerateReview>),
    NotOffered {
        reason: String,
    },
}

/// What completing an order did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderCompleted {
    pub order: i64,
    /// For a re-read only.
    pub rerate: Option<RerateOffer>,
    /// A stop or a transfer: the day service ended, from which the account
    /// is final (`None` if it already was).
    pub final_on: Option<NaiveDate>,
    /// A stop or transfer completed with the final read: its final bill
    /// (`None` if the read is held for a CAR III, or none was given).
    pub final_bill: Option<BillId>,
    /// A transfer completed with its new premise: the account opened there,
    /// and the balance moved to it, if one was.
    pub opened: Option<(AccountId, Option<crate::domain::Money>)>,
}

/// An order with its history, the contacts about it, and what it still lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderView {
    pub order: OrderRow,
    pub events: Vec<OrderEvent>,
    pub contacts: Vec<ContactRow>,
    /// Required fields not yet filled in, by name.
    pub missing: Vec<&'static str>,
}

pub(super) fn order_row(db: &Db, id: i64) -> Result<OrderRow> {
    db.order(id)?.ok_or_else(|| DeskError::Invalid(format!("no service order #{id}")))
}

fn named(order: &OrderRow) -> String {
    format!("order #{} ({})", order.id, order.kind.label().to_lowercase())
}

/// Reviewing, sending and cancelling what is past draft is CAR III work.
fn check_car3(actor: &Actor, doing: &str) -> Result<()> {
    check_case_worker(actor.role).map_err(DeskError::NotPermitted)?;
    if ranks_at_least(actor.role, Role::Car3) {
        Ok(())
    } else {
        Err(DeskError::NotPermitted(format!(
            "only a {} or above {doing} service orders (you are a {})",
            Role::Car3.title(),
            actor.role.title()
        )))
    }
}

/// A draft is its author's, or a CAR III's and above.
fn check_draft_owner(actor: &Actor, order: &OrderRow, doing: &str) -> Result<()> {
    if order.created_by == actor.username || ranks_at_least(actor.role, Role::Car3) {
        Ok(())
    } else {
        Err(DeskError::NotPermitted(format!(
            "{} is {}'s draft: only its author or a {} or above may {doing} it",
            named(order),
            order.created_by,
            Role::Car3.title()
        )))
    }
}

fn must_be(order: &OrderRow, status: OrderStatus, why: &str) -> Result<()> {
    if order.status == status {
        Ok(())
    } else {
        Err(DeskError::Invalid(format!("{} is {}: {why}", named(order), order.status.label().to_lowercase())))
    }
}

/// The fields as kept for an order of `kind` on `account`; a bill must be the account's.
fn checked_fields(db: &Db, account: AccountId, kind: OrderKind, fields: &OrderFields) -> Result<OrderFields> {
    let fields = fields.cleaned(kind).map_err(DeskError::Invalid)?;
    if let Some(bill) = fields.bill {
        let row = db.bill(bill)?.ok_or(DeskError::UnknownBill(bill))?;
        if row.account_id != account {
            return Err(DeskError::Invalid(format!("bill {bill} is on another account, not this order's")));
        }
    }
    Ok(fields)
}

impl Batch<'_> {
    /// Drafts an order on an account that is not closed.
    pub fn draft_order(&self, actor: &Actor, now: DateTime<Utc>, request: &OrderRequest) -> Result<i64> {
        check_case_worker(actor.role).map_err(DeskError::NotPermitted)?;
        self.atomic(|db, _| {
            let account = open_account_row(db, request.account)?;
            let fields = checked_fields(db, request.account, request.kind, &request.fields)?;
            if let Some(complaint) = request.complaint {
                let row =
                    db.complaint(complaint)?.ok_or_else(|| DeskError::Invalid(format!("no complaint #{complaint}")))?;
                if row.account_id != request.account {
                    return Err(DeskError::Invalid(format!(
                        "complaint #{complaint} is on account {}, not this one",
                        row.account_number
                    )));
                }
            }
            let new = NewOrderRow {
                account: account.id,
                premise: account.premise_id,
                kind: request.kind,
                fields: &fields,
                complaint: request.complaint,
            };
            let id = db.insert_order(&new, actor.user_id, now)?;
            if let Some(complaint) = request.complaint {
                db.insert_complaint_event(complaint, "linked", None, Some(("order", id)), actor.user_id, now)?;
            }
            let detail = serde_json::json!({
                "kind": request.kind, "fields": fields, "complaint": request.complaint, "account": account.number,
            });
            audit(db, now, Some(actor), "order-draft", &format!("order:{id}"), Some(account.id), &detail)?;
            Ok(id)
        })
    }

    /// Replaces a draft's fields.
    pub fn update_order(&self, actor: &Actor, now: DateTime<Utc>, id: i64, fields: &OrderFields) -> Result<()> {
        check_case_worker(actor.role).map_err(DeskError::NotPermitted)?;
        self.atomic(|db, _| {
            let order = order_row(db, id)?;
            must_be(&order, OrderStatus::Draft, "only a draft's fields change (cancel it and draft another)")?;
            check_draft_owner(actor, &order, "change")?;
            let fields = checked_fields(db, order.account_id, order.kind, fields)?;
            let changed = order.fields.changed(&fields);
            if changed.is_empty() {
                return Err(DeskError::Invalid(format!("{} already says that: nothing changed", named(&order))));
            }
            db.set_order_fields(id, &fields)?;
            let note = format!("Changed: {}", changed.join(", "));
            db.insert_order_event(id, Some(order.status), OrderStatus::Draft, Some(&note), actor.user_id, now)?;
            let detail = serde_json::json!({ "order": id, "before": order.fields, "after": fields });
            audit(db, now, Some(actor), "order-update", &format!("order:{id}"), Some(order.account_id), &detail)
        })
    }

    /// Submits a draft with every required field for review.
    pub fn submit_order(&self, actor: &Actor, now: DateTime<Utc>, id: i64) -> Result<()> {
        check_case_worker(actor.role).map_err(DeskError::NotPermitted)?;
        self.atomic(|db, _| {
            let order = order_row(db, id)?;
            must_be(&order, OrderStatus::Draft, "only a draft is submitted")?;
            check_draft_owner(actor, &order, "submit")?;
            let lacking = missing(order.kind, &order.fields);
            if !lacking.is_empty() {
                return Err(DeskError::MissingFields { what: named(&order), fields: lacking.join(", ") });
            }
            self.step(db, actor, now, &order, OrderStep::Submit, None, "order-submit", serde_json::json!({}))
        })
    }

    /// Reviews a submitted order (CAR III and above): with nothing flagged
    /// it is reviewed; otherwise it goes back to draft with the flags.
    pub fn review_order(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        id: i64,
        comment: Option<&str>,
    ) -> Result<ReviewOutcome> {
        check_car3(actor, "reviews")?;
        let comment = super::optional_note(comment, "review's comment")?;
        let today = self.today(now);
        self.atomic(|db, _| {
            let order = order_row(db, id)?;
            must_be(&order, OrderStatus::Submitted, "only a submitted order is reviewed")?;
            let account =
                db.account(order.account_id)?.ok_or_else(|| DeskError::UnknownAccount(order.account_id.to_string()))?;
            let others: Vec<OpenOrder> = db
                .open_orders_for_premise(order.premise_id)?
                .iter()
                .filter(|o| o.id != id)
                .map(|o| o.as_open())
                .collect();
            let context = ReviewContext {
                today,
                account: account.account.id,
                account_status: account.account.status,
                service_ended_on: account.account.closed_on,
                opened_on: account.account.opened_on,
                premise: &account.premise.address,
                meter_number: &account.services.meter_number,
                open_orders: &others,
            };
            let flags = review(order.kind, &order.fields, &context);
            if flags.is_empty() {
                let detail = serde_json::json!({ "passed": true });
                self.step(db, actor, now, &order, OrderStep::Review, comment.as_deref(), "order-review", detail)?;
                return Ok(ReviewOutcome::Reviewed);
            }
            let mut note =
                format!("Returned to draft: {}", flags.iter().map(ReviewFlag::message).collect::<Vec<_>>().join("; "));
            if let Some(comment) = &comment {
                note.push_str(&format!(". {comment}"));
            }
            let detail = serde_json::json!({ "passed": false, "flags": flags });
            let step = OrderStep::ReturnToDraft { flags: &flags };
            self.step(db, actor, now, &order, step, Some(&note), "order-review", detail)?;
            Ok(ReviewOutcome::ReturnedToDraft { flags })
        })
    }

    /// Sends a reviewed order to the field (CAR III and above).
    pub fn send_order(&self, actor: &Actor, now: DateTime<Utc>, id: i64, comment: Option<&str>) -> Result<()> {
        check_car3(actor, "sends")?;
        let comment = super::optional_note(comment, "comment for the field")?;
        self.atomic(|db, _| {
            let order = order_row(db, id)?;
            must_be(&order, OrderStatus::Reviewed, "only a reviewed order is sent to the field")?;
            self.step(db, actor, now, &order, OrderStep::Send, comment.as_deref(), "order-send", serde_json::json!({}))
        })
    }

    /// Records the field's result. A re-read needs its reading and offers
    /// the re-rate of its bill.
    pub fn complete_order(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        id: i64,
        completion: &OrderCompletion,
    ) -> Result<OrderCompleted> {
        check_case_worker(actor.role).map_err(DeskError::NotPermitted)?;
        let outcome = required_note(&completion.outcome, "note of what the field found")?;
        self.atomic(|db, rates| {
            let order = order_row(db, id)?;
            must_be(&order, OrderStatus::Sent, "only an order sent to the field is completed")?;
            let is_reread = order.kind == OrderKind::MeterReread;
            match (is_reread, completion.reading) {
                (true, None) => {
                    return Err(DeskError::Invalid(format!("{} is completed with the reading found", named(&order))));
                }
                (false, Some(_)) if !order.kind.stops_service() && order.kind != OrderKind::StartService => {
                    return Err(DeskError::Invalid(format!(
                        "only a meter re-read, a start, a stop or a transfer is completed with a reading; {} is not \
                         one",
                        named(&order)
                    )));
                }
                _ => {}
            }
            // A stop or transfer completed with the final read: the read the
            // final bill opens on, before the account is made final.
            let final_read = match completion.reading {
                Some(_) if order.kind.stops_service() => {
                    let account = open_account_row(db, order.account_id)?;
                    let last = db.last_read(order.account_id)?;
                    Some((account, last))
                }
                _ => None,
            };
            let note = match completion.reading {
                Some(reading) => format!("{outcome} (reading {reading}{})", if completion.rollover { ", rolled over" } else { "" }),
                None => outcome.clone(),
            };
            // The order keeps a re-read's value; a final read is kept as a read.
            let step = OrderStep::Complete { outcome: &outcome, reading: completion.reading.filter(|_| is_reread) };
            let mut detail = serde_json::json!({ "outcome": outcome, "reading": completion.reading, "rollover": completion.rollover });
            let today = self.today(now);
            let final_on = end_service(db, &order, today)?;
            if let (Some(on), Some(map)) = (final_on, detail.as_object_mut()) {
                map.insert("account".into(), serde_json::json!({ "before": "active", "after": "final", "final_on": on }));
            }
            let final_bill = match (final_read, final_on, completion.reading) {
                (Some((account, Some(last))), Some(on), Some(reading)) => {
                    if on <= last.read_on {
                        return Err(DeskError::Invalid(format!(
                            "the meter was last read on {}: a final read for {on} cannot follow it",
                            last.read_on
                        )));
                    }
                    let read = NewRead { read_on: on, reading, kind: ReadKind::Actual, rollover: completion.rollover };
                    let stopped =
                        super::service::final_read_and_bill(db, rates, actor, now, today, &account, &last, read)?;
                    if let Some(map) = detail.as_object_mut() {
                        map.insert("final_bill".into(), serde_json::json!(stopped.bill.as_ref().map(|b| b.bill)));
                        map.insert("final_read_held".into(), serde_json::json!(stopped.held));
                    }
                    stopped.bill.map(|b| b.bill)
                }
                (Some(_), _, Some(_)) => {
                    return Err(DeskError::Invalid(format!(
                        "{} ended service before: its final read is not taken again",
                        named(&order)
                    )));
                }
                _ => None,
            };
            let opened = match (&completion.new_service, order.kind, final_on, completion.reading) {
                // A start on an account whose service has ended: service
                // starts again at its premise from the reading found.
                (None, OrderKind::StartService, _, Some(reading)) => {
                    super::require(actor, crate::domain::user::Duty::OpenAccounts)?;
                    let on = order.fields.service_date.unwrap_or(today).min(today);
                    let opened = super::service::restart_in(db, actor, now, today, order.account_id, on, reading)?;
                    if let Some(map) = detail.as_object_mut() {
                        map.insert("opened".into(), serde_json::json!({ "account": opened, "starts_on": on }));
                    }
                    Some((opened, None))
                }
                (None, ..) => None,
                (Some(at), OrderKind::TransferService, Some(on), Some(_)) => {
                    super::require(actor, crate::domain::user::Duty::OpenAccounts)?;
                    let starts_on = super::first_day_after(on, today);
                    let opened = super::service::open_moved_in(db, actor, now, today, order.account_id, starts_on, at)?;
                    if let Some(map) = detail.as_object_mut() {
                        map.insert("opened".into(), serde_json::json!({ "account": opened.0, "starts_on": starts_on,
                                                                         "balance_moved": opened.1 }));
                    }
                    Some(opened)
                }
                (Some(_), OrderKind::TransferService, ..) => {
                    return Err(DeskError::Invalid(format!(
                        "{} starts service at the new premise only with the old meter's final reading, as the \
                         service ends",
                        named(&order)
                    )));
                }
                (Some(_), ..) => {
                    return Err(DeskError::Invalid(format!(
                        "only a transfer starts service at a new premise; {} is not one",
                        named(&order)
                    )));
                }
            };
            self.step(db, actor, now, &order, step, Some(&note), "order-complete", detail)?;
            let rerate = match (is_reread, completion.reading) {
                (true, Some(reading)) => Some(rerate_offer(db, rates, order.fields.bill, reading, completion.rollover)?),
                _ => None,
            };
            Ok(OrderCompleted { order: id, rerate, final_on, final_bill, opened })
        })
    }

    /// Cancels an order that is not final, with the reason. A draft by its
    /// author or a CAR III and above; past draft, a CAR III and above.
    pub fn cancel_order(&self, actor: &Actor, now: DateTime<Utc>, id: i64, reason: &str) -> Result<()> {
        check_case_worker(actor.role).map_err(DeskError::NotPermitted)?;
        let reason = required_note(reason, "reason for cancelling the order")?;
        self.atomic(|db, _| {
            let order = order_row(db, id)?;
            if order.status.is_final() {
                return Err(DeskError::Invalid(format!(
                    "{} was already {}: it is final",
                    named(&order),
                    order.status.label().to_lowercase()
                )));
            }
            if order.status == OrderStatus::Draft {
                check_draft_owner(actor, &order, "cancel")?;
            } else {
                check_car3(actor, "cancels submitted, reviewed or sent").map_err(|e| {
                    DeskError::NotPermitted(format!(
                        "{} is {}: {e}",
                        named(&order),
                        order.status.label().to_lowercase()
                    ))
                })?;
            }
            let step = OrderStep::Cancel { reason: &reason };
            let detail = serde_json::json!({ "reason": reason });
            self.step(db, actor, now, &order, step, Some(&reason), "order-cancel", detail)
        })
    }

    /// Moves `order` by `step` with its one event and its one audit record.
    #[allow(clippy::too_many_arguments)]
    fn step(
        &self,
        db: &Db,
        actor: &Actor,
        now: DateTime<Utc>,
        order: &OrderRow,
        step: OrderStep,
        note: Option<&str>,
        action: &str,
        mut detail: serde_json::Value,
    ) -> Result<()> {
        let to = match step {
            OrderStep::Submit => OrderStatus::Submitted,
            OrderStep::Review => OrderStatus::Reviewed,
            OrderStep::ReturnToDraft { .. } => OrderStatus::Draft,
            OrderStep::Send => OrderStatus::Sent,
            OrderStep::Complete { .. } => OrderStatus::Completed,
            OrderStep::Cancel { .. } => OrderStatus::Cancelled,
        };
        if !db.step_order(order.id, order.status, step, actor.user_id, now)? {
            return Err(DeskError::Invalid(format!("{} changed meanwhile: look at it again", named(order))));
        }
        db.insert_order_event(order.id, Some(order.status), to, note, actor.user_id, now)?;
        if let Some(map) = detail.as_object_mut() {
            map.insert("order".into(), order.id.into());
            map.insert("from".into(), order.status.code().into());
            map.insert("to".into(), to.code().into());
        }
        audit(db, now, Some(actor), action, &format!("order:{}", order.id), Some(order.account_id), &detail)
    }
}

/// A completed stop or transfer ends service at the premise on its service
/// date: an active account goes final from that day, and no bill may run
/// past it (the final bill ends on or before it). Payments and credits go on
/// until it is settled. Returns the day, or `None` if nothing changed.
///
/// Refused, with nothing written, before its service date (service is still
/// on) and while a standing bill runs past that day (reverse it first).
fn end_service(db: &Db, order: &OrderRow, today: NaiveDate) -> Result<Option<NaiveDate>> {
    if !order.kind.stops_service() {
        return Ok(None);
    }
    let on = order.fields.service_date.ok_or_else(|| {
        DeskError::Invalid(format!("{} has no service date: the day service ends is required", named(order)))
    })?;
    if on > today {
        return Err(DeskError::Invalid(format!(
            "{} ends service on {on}: it is completed on or after that day, not before (today is {today})",
            named(order)
        )));
    }
    let after = on.succ_opt().unwrap_or(on);
    if let Some(bill) = db.overlapping_bill(order.account_id, after, LAST_DAY)? {
        return Err(DeskError::Invalid(format!(
            "bill {bill} on this account runs past {on}, the day service ends: reverse it first, then complete \
             the order (the final bill ends on or before {on})"
        )));
    }
    Ok(db.make_final(order.account_id, on)?.then_some(on))
}

/// Later than any bill's period (a four-digit year, as dates are stored).
const LAST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

/// The re-rate a re-read offers: a preview of the bill from the reading,
/// or why there is none. Only a store failure is an error.
fn rerate_offer(
    db: &Db,
    rates: &crate::domain::rates::RateBook,
    bill: Option<BillId>,
    reading: u64,
    rollover: bool,
) -> Result<RerateOffer> {
    let Some(bill) = bill else {
        return Ok(RerateOffer::NotOffered { reason: "the order names no bill to re-rate".into() });
    };
    match rerate_review(db, rates, bill, reading, rollover) {
        Ok(preview) if preview.difference.is_zero() => Ok(RerateOffer::NotOffered {
            reason: format!("the re-read gives the same charges as bill {bill}: there is nothing to re-rate"),
        }),
        Ok(preview) => Ok(RerateOffer::Rerate(Box::new(preview))),
        Err(DeskError::Store(e)) => Err(DeskError::Store(e)),
        Err(why) => Ok(RerateOffer::NotOffered { reason: format!("bill {bill} cannot be re-rated from it: {why}") }),
    }
}

impl Desk {
    /// Drafts an order in its own transaction; see [`Batch::draft_order`].
    pub fn draft_order(&mut self, actor: &Actor, now: DateTime<Utc>, request: &OrderRequest) -> Result<i64> {
        self.act(actor, now, "draft_order", |b| b.draft_order(actor, now, request))
    }

    /// See [`Batch::update_order`].
    pub fn update_order(&mut self, actor: &Actor, now: DateTime<Utc>, id: i64, fields: &OrderFields) -> Result<()> {
        self.act(actor, now, "update_order", |b| b.update_order(actor, now, id, fields))
    }

    /// See [`Batch::submit_order`].
    pub fn submit_order(&mut self, actor: &Actor, now: DateTime<Utc>, id: i64) -> Result<()> {
        self.act(actor, now, "submit_order", |b| b.submit_order(actor, now, id))
    }

    /// See [`Batch::review_order`].
    pub fn review_order(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        id: i64,
        comment: Option<&str>,
    ) -> Result<ReviewOutcome> {
        self.act(actor, now, "review_order", |b| b.review_order(actor, now, id, comment))
    }

    /// See [`Batch::send_order`].
    pub fn send_order(&mut self, actor: &Actor, now: DateTime<Utc>, id: i64, comment: Option<&str>) -> Result<()> {
        self.act(actor, now, "send_order", |b| b.send_order(actor, now, id, comment))
    }

    /// See [`Batch::complete_order`].
    pub fn complete_order(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        id: i64,
        completion: &OrderCompletion,
    ) -> Result<OrderCompleted> {
        self.act(actor, now, "complete_order", |b| b.complete_order(actor, now, id, completion))
    }

    /// See [`Batch::cancel_order`].
    pub fn cancel_order(&mut self, actor: &Actor, now: DateTime<Utc>, id: i64, reason: &str) -> Result<()> {
        self.act(actor, now, "cancel_order", |b| b.cancel_order(actor, now, id, reason))
    }

    /// One order with its history and contacts.
    pub fn order(&mut self, id: i64) -> Result<OrderView> {
        self.store.read(|db| {
            let order = order_row(db, id)?;
            Ok(OrderView {
                missing: missing(order.kind, &order.fields),
                events: db.order_events(id)?,
                contacts: db.order_contacts(id)?,
                order,
            })
        })
    }

    /// The account's orders, open first, newest first.
    pub fn orders(&mut self, account: AccountId) -> Result<Vec<OrderRow>> {
        self.store.read(|db| Ok(db.orders(account)?))
    }

    /// Submitted orders waiting for review, longest waiting first (at most
    /// [`super::MAX_WORK_ITEMS`]).
    pub fn review_queue(&mut self) -> Result<Vec<OrderRow>> {
        self.store.read(|db| Ok(db.orders_in(OrderStatus::Submitted, super::MAX_WORK_ITEMS)?))
    }

    /// Every order not yet completed or cancelled, oldest first (at most [`super::MAX_WORK_ITEMS`]).
    pub fn open_orders(&mut self) -> Result<Vec<OrderRow>> {
        self.store.read(|db| Ok(db.open_orders(super::MAX_WORK_ITEMS)?))
    }

    /// Orders past draft and not final: waiting for review, to send, in the
    /// field, in that order (at most [`super::MAX_WORK_ITEMS`]).
    pub fn orders_in_progress(&mut self) -> Result<Vec<OrderRow>> {
        self.store.read(|db| Ok(db.orders_in_progress(super::MAX_WORK_ITEMS)?))
    }

    /// The premise's orders not yet completed or cancelled, from any account.
    pub fn open_orders_for_premise(&mut self, premise: PremiseId) -> Result<Vec<OrderRow>> {
        self.store.read(|db| Ok(db.open_orders_for_premise(premise)?))
    }
}
