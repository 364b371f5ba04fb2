//! Contacts and complaints on an account.

use super::sql::{Param, Row, Value, args};
use chrono::{DateTime, Utc};

use super::convert::{Day, Moment};
use super::{Db, Result, StoreError};
use crate::domain::cases::{Queue, Resolution};
use crate::domain::ids::{AccountId, UserId};
use crate::records::{ComplaintEvent, ComplaintFilter, ComplaintRow, ContactRow, NewComplaintRow, NewContactRow};

const COMPLAINT_COLUMNS: &str = "c.id, c.account_id, a.number, cu.name, c.category, c.summary, c.status, c.source,
    c.council_district, c.reference, c.channel, c.priority, c.due_on, c.queue, ua.username, c.resolution,
    c.resolution_note, uc.username, c.closed_at, uo.username, c.opened_at
    FROM complaints c
    JOIN accounts a ON a.id = c.account_id
    JOIN customers cu ON cu.id = a.customer_id
    JOIN users uo ON uo.id = c.opened_by
    LEFT JOIN users ua ON ua.id = c.assigned_to
    LEFT JOIN users uc ON uc.id = c.closed_by";

fn row_to_contact(r: &Row) -> Result<ContactRow> {
    Ok(ContactRow {
        id: r.get(0)?,
        account_id: r.get(1)?,
        channel: r.get(2)?,
        summary: r.get(3)?,
        complaint_id: r.get(4)?,
        dispute_id: r.get(5)?,
        order_id: r.get(6)?,
        by: r.get(7)?,
        at: r.get(8)?,
        identity: match r.get::<Option<String>>(9)? {
            Some(json) => Some(serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("column 9: {e}")))?),
            None => None,
        },
    })
}

fn row_to_complaint(r: &Row) -> Result<ComplaintRow> {
    Ok(ComplaintRow {
        id: r.get(0)?,
        account_id: r.get(1)?,
        account_number: r.get(2)?,
        customer: r.get(3)?,
        category: r.get(4)?,
        summary: r.get(5)?,
        status: r.get(6)?,
        source: r.get(7)?,
        council_district: r.get(8)?,
        reference: r.get(9)?,
        channel: r.get(10)?,
        priority: r.get(11)?,
        due_on: r.get(12)?,
        queue: r.get(13)?,
        assigned_to: r.get(14)?,
        resolution: r.get(15)?,
        resolution_note: r.get(16)?,
        closed_by: r.get(17)?,
        closed_at: r.get(18)?,
        opened_by: r.get(19)?,
        opened_at: r.get(20)?,
    })
}

impl Db<'_> {
    pub fn insert_complaint(&self, new: &NewComplaintRow, user: UserId, now: DateTime<Utc>) -> Result<i64> {
        let id = self.insert(
            "INSERT INTO complaints (account_id, category, summary, opened_by, opened_at, source, council_district,
                     reference, channel, priority, due_on, queue, assigned_to)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) RETURNING id",
            args![
                new.account,
                new.category,
                new.summary,
                user,
                now,
                new.source,
                new.council_district,
                new.reference,
                new.channel,
                new.priority,
                new.due_on,
                new.queue,
                new.assigned_to
            ],
        )?;
        self.insert_complaint_event(id, "opened", Some(new.summary), None, user, now)?;
        Ok(id)
    }

    /// Appends an event to a complaint's history.
    pub fn insert_complaint_event(
        &self,
        complaint: i64,
        kind: &str,
        note: Option<&str>,
        link: Option<(&str, i64)>,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        self.insert(
            "INSERT INTO complaint_events (complaint_id, kind, note, link_kind, link_id, user_id, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
            args![complaint, kind, note, link.map(|l| l.0), link.map(|l| l.1), user, now],
        )
    }

    /// Whether the complaint is already linked to `link` (a kind and an id):
    /// one probe of the unique index `complaint_links_once`.
    pub fn complaint_linked(&self, complaint: i64, link: (&str, i64)) -> Result<bool> {
        self.one(
            "SELECT EXISTS (SELECT 1 FROM complaint_events
                     WHERE complaint_id = ?1 AND link_kind = ?2 AND link_id = ?3 AND kind = 'linked')",
            args![complaint, link.0, link.1],
            |r| r.get(0),
        )
    }

    /// Moves a complaint to a queue and a person (or none).
    pub fn set_complaint_place(&self, complaint: i64, queue: Queue, assigned_to: Option<UserId>) -> Result<()> {
        self.execute(
            "UPDATE complaints SET queue = ?2, assigned_to = ?3 WHERE id = ?1",
            args![complaint, queue, assigned_to],
        )?;
        Ok(())
    }

    pub fn close_complaint(
        &self,
        complaint: i64,
        resolution: Resolution,
        note: &str,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.execute(
            "UPDATE complaints SET status = 'closed', resolution = ?2, resolution_note = ?3, closed_by = ?4,
                     closed_at = ?5 WHERE id = ?1",
            args![complaint, resolution, note, user, now],
        )?;
        Ok(())
    }

    /// Reopens a closed complaint; its due date stands (the clock never pauses).
    pub fn reopen_complaint(&self, complaint: i64) -> Result<()> {
        self.execute(
            "UPDATE complaints SET status = 'open', resolution = NULL, resolution_note = NULL, closed_by = NULL,
                     closed_at = NULL WHERE id = ?1",
            args![complaint],
        )?;
        Ok(())
    }

    pub fn complaint(&self, id: i64) -> Result<Option<ComplaintRow>> {
        let sql = format!("SELECT {COMPLAINT_COLUMNS} WHERE c.id = ?1");
        self.optional(&sql, args![id], row_to_complaint)
    }

    /// A complaint's history, oldest first.
    pub fn complaint_events(&self, complaint: i64) -> Result<Vec<ComplaintEvent>> {
        self.all(
            "SELECT e.id, e.kind, e.note, e.link_kind, e.link_id, u.username, e.at
             FROM complaint_events e JOIN users u ON u.id = e.user_id
             WHERE e.complaint_id = ?1 ORDER BY e.id",
            args![complaint],
            |r| {
                let link_kind: Option<String> = r.get(3)?;
                let link_id: Option<i64> = r.get(4)?;
                Ok(ComplaintEvent {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    note: r.get(2)?,
                    link: link_kind.zip(link_id),
                    by: r.get(5)?,
                    at: r.get(6)?,
                })
            },
        )
    }

    /// Complaints for a work list: open before closed, soonest due first.
    pub fn complaint_list(&self, filter: ComplaintFilter, limit: u32) -> Result<Vec<ComplaintRow>> {
        let (condition, values): (String, Vec<Value>) = match filter {
            ComplaintFilter::AssignedTo(user) => {
                ("c.status = 'open' AND c.assigned_to = ?1".into(), vec![Value::Int(user.0)])
            }
            ComplaintFilter::Unassigned { queues, due_by } => (
                format!(
                    "c.status = 'open' AND c.assigned_to IS NULL AND c.queue IN ({})
                     AND (c.due_on <= ?1 OR c.queue <> 'desk' OR c.source IN ('mayor', 'council'))",
                    queues.iter().map(|q| format!("'{}'", q.code())).collect::<Vec<_>>().join(", ")
                ),
                vec![Value::Text(Day(due_by).text().into())],
            ),
            ComplaintFilter::Liaison { closed_since } => (
                "c.source IN ('mayor', 'council') AND (c.status = 'open' OR c.closed_at >= ?1)".into(),
                vec![Value::Text(Moment(closed_since).text().into())],
            ),
            ComplaintFilter::LiaisonOpened { from, until } => (
                "c.source IN ('mayor', 'council') AND c.opened_at >= ?1 AND c.opened_at < ?2".into(),
                vec![Value::Text(Moment(from).text().into()), Value::Text(Moment(until).text().into())],
            ),
        };
        let sql = format!(
            "SELECT {COMPLAINT_COLUMNS} WHERE {condition} ORDER BY c.status = 'closed', c.due_on, c.id LIMIT {limit}"
        );
        let params: Vec<&dyn Param> = values.iter().map(|v| v as &dyn Param).collect();
        self.all(&sql, &params, row_to_complaint)
    }

    pub fn insert_contact(&self, contact: &NewContactRow<'_>, user: UserId, now: DateTime<Utc>) -> Result<i64> {
        let NewContactRow { account, channel, summary, about, identity_json } = contact;
        self.insert(
            "INSERT INTO contacts (account_id, channel, summary, complaint_id, dispute_id, order_id, user_id, at,
                                       identity)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
            args![account, channel, summary, about.complaint, about.dispute, about.order, user, now, identity_json],
        )
    }

    /// The account's contacts, newest first.
    pub fn contacts(&self, account: AccountId, limit: u32) -> Result<Vec<ContactRow>> {
        self.all("SELECT c.id, c.account_id, c.channel, c.summary, c.complaint_id, c.dispute_id, c.order_id, u.username, c.at,
                    c.identity
             FROM contacts c JOIN users u ON u.id = c.user_id
             WHERE c.account_id = ?1 ORDER BY c.id DESC LIMIT ?2", args![account, limit], row_to_contact)
    }

    /// The contacts about a complaint, oldest first.
    pub fn complaint_contacts(&self, complaint: i64) -> Result<Vec<ContactRow>> {
        self.contacts_where("c.complaint_id = ?1", complaint)
    }

    /// The contacts about a dispute, oldest first.
    pub fn dispute_contacts(&self, dispute: i64) -> Result<Vec<ContactRow>> {
        self.contacts_where("c.dispute_id = ?1", dispute)
    }

    /// The contacts about a service order, oldest first.
    pub fn order_contacts(&self, order: i64) -> Result<Vec<ContactRow>> {
        self.contacts_where("c.order_id = ?1", order)
    }

    fn contacts_where(&self, condition: &str, id: i64) -> Result<Vec<ContactRow>> {
        let sql = format!(
            "SELECT c.id, c.account_id, c.channel, c.summary, c.complaint_id, c.dispute_id, c.order_id, u.username, c.at,
                    c.identity
             FROM contacts c JOIN users u ON u.id = c.user_id WHERE {condition} ORDER BY c.id"
        );
        self.all(&sql, args![id], row_to_contact)
    }

    /// The account's complaints, open first, newest first.
    pub fn complaints(&self, account: AccountId) -> Result<Vec<ComplaintRow>> {
        let sql = format!("SELECT {COMPLAINT_COLUMNS} WHERE c.account_id = ?1 ORDER BY c.status = 'closed', c.id DESC");
        self.all(&sql, args![account], row_to_complaint)
    }

    pub fn open_complaint_count(&self, account: AccountId) -> Result<u32> {
        self.one("SELECT count(*) FROM complaints WHERE account_id = ?1 AND status = 'open'", args![account], |r| {
            r.get(0)
        })
    }
}
