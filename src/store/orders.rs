//! Service orders and their append-only history.

use super::sql::{Param, Row, args};
use chrono::{DateTime, Utc};

use super::convert::Day;
use super::{Db, Result, StoreError};
use crate::domain::ids::{AccountId, BillId, PremiseId, UserId};
use crate::domain::orders::{OrderFields, OrderStatus};
use crate::records::{NewOrderRow, OrderEvent, OrderRow, OrderStep};

const ORDER_QUERY: &str = "SELECT o.id, o.account_id, a.number, cu.name, o.premise_id, o.kind, o.status, o.fields,
        o.complaint_id, uc.username, o.created_at, us.username, o.submitted_at, ur.username, o.reviewed_at,
        ut.username, o.sent_at, ud.username, o.completed_at, ux.username, o.cancelled_at, o.review_flags,
        o.outcome_note, o.reread_value
    FROM service_orders o
    JOIN accounts a ON a.id = o.account_id
    JOIN customers cu ON cu.id = a.customer_id
    JOIN users uc ON uc.id = o.created_by
    LEFT JOIN users us ON us.id = o.submitted_by
    LEFT JOIN users ur ON ur.id = o.reviewed_by
    LEFT JOIN users ut ON ut.id = o.sent_by
    LEFT JOIN users ud ON ud.id = o.completed_by
    LEFT JOIN users ux ON ux.id = o.cancelled_by";

/// A JSON column as its type; a row that does not parse is corrupt.
fn json_column<T: serde::de::DeserializeOwned>(r: &Row, at: usize) -> Result<Option<T>> {
    let text: Option<String> = r.get(at)?;
    text.map(|t| serde_json::from_str(&t)).transpose().map_err(|e| StoreError::Corrupt(format!("column {at}: {e}")))
}

fn row_to_order(r: &Row) -> Result<OrderRow> {
    Ok(OrderRow {
        id: r.get(0)?,
        account_id: r.get(1)?,
        account_number: r.get(2)?,
        customer: r.get(3)?,
        premise_id: r.get(4)?,
        kind: r.get(5)?,
        status: r.get(6)?,
        // NOT NULL in the schema.
        fields: json_column(r, 7)?.unwrap_or_default(),
        complaint_id: r.get(8)?,
        created_by: r.get(9)?,
        created_at: r.get(10)?,
        submitted_by: r.get(11)?,
        submitted_at: r.get(12)?,
        reviewed_by: r.get(13)?,
        reviewed_at: r.get(14)?,
        sent_by: r.get(15)?,
        sent_at: r.get(16)?,
        completed_by: r.get(17)?,
        completed_at: r.get(18)?,
        cancelled_by: r.get(19)?,
        cancelled_at: r.get(20)?,
        review_flags: json_column(r, 21)?,
        outcome_note: r.get(22)?,
        reread_value: r.get(23)?,
    })
}

fn to_json(value: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("cannot write an order as JSON: {e}")))
}

/// The order's fields as their columns: the JSON, the service date, the bill.
fn field_columns(fields: &OrderFields) -> Result<(String, Option<Day>, Option<BillId>)> {
    Ok((to_json(fields)?, fields.service_date.map(Day), fields.bill))
}

impl Db<'_> {
    /// Inserts a draft order and its first event.
    pub fn insert_order(&self, new: &NewOrderRow, user: UserId, now: DateTime<Utc>) -> Result<i64> {
        let (fields, service_date, bill) = field_columns(new.fields)?;
        let id = self.insert(
            "INSERT INTO service_orders (account_id, premise_id, kind, fields, service_date, bill_id, complaint_id,
                     created_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
            args![new.account, new.premise, new.kind, fields, service_date, bill, new.complaint, user, now],
        )?;
        self.insert_order_event(id, None, OrderStatus::Draft, None, user, now)?;
        Ok(id)
    }

    /// Appends a step to an order's history.
    pub fn insert_order_event(
        &self,
        order: i64,
        from: Option<OrderStatus>,
        to: OrderStatus,
        note: Option<&str>,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        self.insert(
            "INSERT INTO order_events (order_id, from_status, to_status, note, user_id, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
            args![order, from, to, note, user, now],
        )
    }

    /// Replaces a draft's fields; false if the order is not a draft.
    pub fn set_order_fields(&self, order: i64, fields: &OrderFields) -> Result<bool> {
        let (json, service_date, bill) = field_columns(fields)?;
        let changed = self.execute(
            "UPDATE service_orders SET fields = ?2, service_date = ?3, bill_id = ?4
                 WHERE id = ?1 AND status = 'draft'",
            args![order, json, service_date, bill],
        )?;
        Ok(changed == 1)
    }

    /// Moves an order from `from` by `step`; false if it was no longer in `from`.
    pub fn step_order(
        &self,
        order: i64,
        from: OrderStatus,
        step: OrderStep,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let run = |sql: &str, params: &[&dyn Param]| -> Result<bool> { Ok(self.execute(sql, params)? == 1) };
        match step {
            OrderStep::Submit => run(
                "UPDATE service_orders SET status = 'submitted', submitted_by = ?3, submitted_at = ?4
                 WHERE id = ?1 AND status = ?2",
                args![order, from, user, now],
            ),
            OrderStep::Review => run(
                "UPDATE service_orders SET status = 'reviewed', reviewed_by = ?3, reviewed_at = ?4, review_flags = '[]'
                 WHERE id = ?1 AND status = ?2",
                args![order, from, user, now],
            ),
            OrderStep::ReturnToDraft { flags } => run(
                "UPDATE service_orders SET status = 'draft', review_flags = ?3 WHERE id = ?1 AND status = ?2",
                args![order, from, to_json(&flags)?],
            ),
            OrderStep::Send => run(
                "UPDATE service_orders SET status = 'sent', sent_by = ?3, sent_at = ?4 WHERE id = ?1 AND status = ?2",
                args![order, from, user, now],
            ),
            OrderStep::Complete { outcome, reading } => run(
                "UPDATE service_orders SET status = 'completed', completed_by = ?3, completed_at = ?4,
                     outcome_note = ?5, reread_value = ?6
                 WHERE id = ?1 AND status = ?2",
                args![order, from, user, now, outcome, reading],
            ),
            OrderStep::Cancel { reason } => run(
                "UPDATE service_orders SET status = 'cancelled', cancelled_by = ?3, cancelled_at = ?4,
                     outcome_note = ?5
                 WHERE id = ?1 AND status = ?2",
                args![order, from, user, now, reason],
            ),
        }
    }

    pub fn order(&self, id: i64) -> Result<Option<OrderRow>> {
        let sql = format!("{ORDER_QUERY} WHERE o.id = ?1");
        self.optional(&sql, args![id], row_to_order)
    }

    /// An order's history, oldest first.
    pub fn order_events(&self, order: i64) -> Result<Vec<OrderEvent>> {
        self.all(
            "SELECT e.id, e.from_status, e.to_status, e.note, u.username, e.at
             FROM order_events e JOIN users u ON u.id = e.user_id
             WHERE e.order_id = ?1 ORDER BY e.id",
            args![order],
            |r| {
                Ok(OrderEvent {
                    id: r.get(0)?,
                    from: r.get(1)?,
                    to: r.get(2)?,
                    note: r.get(3)?,
                    by: r.get(4)?,
                    at: r.get(5)?,
                })
            },
        )
    }

    /// The account's orders, open first, newest first.
    pub fn orders(&self, account: AccountId) -> Result<Vec<OrderRow>> {
        let sql =
            format!("{ORDER_QUERY} WHERE o.account_id = ?1 ORDER BY o.status IN ('completed', 'cancelled'), o.id DESC");
        self.all(&sql, args![account], row_to_order)
    }

    /// Orders at the premise not yet completed or cancelled, from any account, oldest first.
    pub fn open_orders_for_premise(&self, premise: PremiseId) -> Result<Vec<OrderRow>> {
        let sql = format!(
            "{ORDER_QUERY} WHERE o.premise_id = ?1 AND o.status NOT IN ('completed', 'cancelled') ORDER BY o.id"
        );
        self.all(&sql, args![premise], row_to_order)
    }

    /// Orders in one status, longest waiting first (by when they reached it,
    /// as far as the row says: submitted, reviewed or sent; else drafted).
    pub fn orders_in(&self, status: OrderStatus, limit: u32) -> Result<Vec<OrderRow>> {
        let since = match status {
            OrderStatus::Submitted => "o.submitted_at",
            OrderStatus::Reviewed => "o.reviewed_at",
            OrderStatus::Sent => "o.sent_at",
            OrderStatus::Completed => "o.completed_at",
            OrderStatus::Cancelled => "o.cancelled_at",
            OrderStatus::Draft => "o.created_at",
        };
        let sql = format!("{ORDER_QUERY} WHERE o.status = ?1 ORDER BY {since}, o.id LIMIT ?2");
        self.all(&sql, args![status, limit], row_to_order)
    }

    /// The orders past draft and not final, as the F2 queue lists them:
    /// waiting for review, then to send, then in the field; oldest first in each.
    /// Drafts are left out here rather than in the window, so that however
    /// many there are they never crowd the queue past its limit.
    pub fn orders_in_progress(&self, limit: u32) -> Result<Vec<OrderRow>> {
        let sql = format!(
            "{ORDER_QUERY} WHERE o.status IN ('submitted', 'reviewed', 'sent')
             ORDER BY CASE o.status WHEN 'submitted' THEN 0 WHEN 'reviewed' THEN 1 ELSE 2 END, o.id LIMIT ?1"
        );
        self.all(&sql, args![limit], row_to_order)
    }

    /// Every order not yet completed or cancelled, oldest first.
    pub fn open_orders(&self, limit: u32) -> Result<Vec<OrderRow>> {
        let sql = format!("{ORDER_QUERY} WHERE o.status NOT IN ('completed', 'cancelled') ORDER BY o.id LIMIT ?1");
        self.all(&sql, args![limit], row_to_order)
    }
}
