//! What the supervisor reports read: a period's money actions by
//! representative and reason, the approval requests raised, and each
//! person's case work. Each query reads only the period, through the
//! partial indexes of migration 0009.

use super::sql::args;
use chrono::{DateTime, NaiveDate, Utc};

use super::convert::Day;
use super::{Db, Result};
use crate::records::{MoneyActionLine, OpenedComplaint, ProductivityLine, RaisedRequest};

impl Db<'_> {
    /// Money actions effective `from` to `to` (both included), by representative, kind and reason.
    pub fn money_action_lines(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<MoneyActionLine>> {
        self.all(MONEY_ACTION_LINES, args![Day(from), Day(to)], |r| {
            Ok(MoneyActionLine {
                username: r.get(0)?,
                full_name: r.get(1)?,
                kind: r.get(2)?,
                reason: r.get(3)?,
                postings: r.get(4)?,
                credited: r.get(5)?,
                charged: r.get(6)?,
                approved_above_limit: r.get(7)?,
            })
        })
    }

    /// Approval requests raised in [from, until), oldest first.
    pub fn raised_requests(&self, from: DateTime<Utc>, until: DateTime<Utc>) -> Result<Vec<RaisedRequest>> {
        self.all(
            "SELECT r.id, u.username, u.full_name, r.action, r.amount_cents, r.approved_cents, r.status,
                    r.requested_at, r.decided_at
             FROM approval_requests r JOIN users u ON u.id = r.requested_by
             WHERE r.requested_at >= ?1 AND r.requested_at < ?2
             ORDER BY r.id",
            args![from, until],
            |r| {
                Ok(RaisedRequest {
                    id: r.get(0)?,
                    username: r.get(1)?,
                    full_name: r.get(2)?,
                    action: r.get(3)?,
                    amount: r.get(4)?,
                    approved_amount: r.get(5)?,
                    status: r.get(6)?,
                    requested_at: r.get(7)?,
                    decided_at: r.get(8)?,
                })
            },
        )
    }

    /// Each person's case work done in [from, until) (money actions by
    /// effective date `from_day` to `to_day`); people who did none are left out.
    pub fn productivity(
        &self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        from_day: NaiveDate,
        to_day: NaiveDate,
    ) -> Result<Vec<ProductivityLine>> {
        const SQL: &str = concat!(
            "SELECT u.username, u.full_name, u.role, sum(CASE WHEN w.what = 'contact' THEN 1 ELSE 0 END), sum(CASE WHEN w.what = 'opened' THEN 1 ELSE 0 END),
                    sum(CASE WHEN w.what = 'closed' THEN 1 ELSE 0 END), sum(CASE WHEN w.what = 'drafted' THEN 1 ELSE 0 END), sum(CASE WHEN w.what = 'reviewed' THEN 1 ELSE 0 END), sum(CASE WHEN w.what = 'money' THEN 1 ELSE 0 END)
             FROM (SELECT user_id, 'contact' AS what FROM contacts WHERE at >= ?1 AND at < ?2
                   UNION ALL
                   SELECT opened_by, 'opened' FROM complaints WHERE opened_at >= ?1 AND opened_at < ?2
                   UNION ALL
                   SELECT user_id, 'closed' FROM complaint_events WHERE kind = 'closed' AND at >= ?1 AND at < ?2
                   UNION ALL
                   SELECT user_id, CASE WHEN from_status IS NULL THEN 'drafted' ELSE 'reviewed' END
                   FROM order_events
                   WHERE at >= ?1 AND at < ?2
                     AND (from_status IS NULL OR (from_status = 'submitted' AND to_status IN ('reviewed', 'draft')))
                   UNION ALL
                   SELECT p.user_id, 'money' FROM postings p
                   WHERE ",
            money_action_kinds!(),
            " AND p.effective_on BETWEEN ?3 AND ?4) w
             JOIN users u ON u.id = w.user_id
             GROUP BY u.id
             ORDER BY u.username"
        );
        self.all(SQL, args![from, until, Day(from_day), Day(to_day)], |r| {
            Ok(ProductivityLine {
                username: r.get(0)?,
                full_name: r.get(1)?,
                role: r.get(2)?,
                contacts: r.get(3)?,
                complaints_opened: r.get(4)?,
                complaints_closed: r.get(5)?,
                orders_drafted: r.get(6)?,
                orders_reviewed: r.get(7)?,
                money_actions: r.get(8)?,
            })
        })
    }
}

impl Db<'_> {
    /// Complaints opened in [from, until).
    pub fn opened_complaints(&self, from: DateTime<Utc>, until: DateTime<Utc>) -> Result<Vec<OpenedComplaint>> {
        self.all(
            "SELECT source, council_district, status, due_on, closed_at FROM complaints
             WHERE opened_at >= ?1 AND opened_at < ?2",
            args![from, until],
            |r| {
                Ok(OpenedComplaint {
                    source: r.get(0)?,
                    council_district: r.get(1)?,
                    status: r.get(2)?,
                    due_on: r.get(3)?,
                    closed_at: r.get(4)?,
                })
            },
        )
    }
}

/// The money actions report's query: by the partial index
/// `postings_money_actions`, over the period's money actions only.
pub(super) const MONEY_ACTION_LINES: &str = concat!(
    "SELECT u.username, u.full_name, x.kind, x.reason, count(*), sum(x.credited), sum(x.charged),
                sum(x.through_approval)
         FROM (SELECT p.kind, p.reason, COALESCE(r.requested_by, p.user_id) AS rep,
                      CASE WHEN r.id IS NOT NULL THEN 1 ELSE 0 END AS through_approval,
                      (SELECT COALESCE(sum(e.amount_cents), 0) FROM entries e
                       WHERE e.posting_id = p.id AND e.account_id IS NOT NULL AND e.side = 'C') AS credited,
                      (SELECT COALESCE(sum(e.amount_cents), 0) FROM entries e
                       WHERE e.posting_id = p.id AND e.account_id IS NOT NULL AND e.side = 'D') AS charged
               FROM postings p
               LEFT JOIN approval_requests r ON r.posting_id = p.id
               WHERE ",
    money_action_kinds!(),
    " AND p.effective_on BETWEEN ?1 AND ?2) x
         JOIN users u ON u.id = x.rep
         GROUP BY u.id, x.kind, x.reason
         ORDER BY u.username, x.kind, x.reason"
);
