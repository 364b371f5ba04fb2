//! The authority policy and approval requests.

use super::sql::{Row, args};
use chrono::{DateTime, Utc};

use super::{Db, Result};
use crate::domain::Money;
use crate::domain::authority::MoneyAction;
use crate::domain::ids::{AccountId, PostingId, UserId};
use crate::records::{NewRequest, RequestRow};

const REQUEST_QUERY: &str = "SELECT r.id, r.action, r.account_id, a.number, r.subject, r.amount_cents, r.request,
        r.requested_by, u.username, r.requested_at, r.reason, r.reviewer_role, r.status, r.decided_by,
        r.decided_at, r.approved_cents, r.decision_note, r.posting_id, u.full_name
    FROM approval_requests r JOIN accounts a ON a.id = r.account_id JOIN users u ON u.id = r.requested_by";

fn row_to_request(r: &Row) -> Result<RequestRow> {
    Ok(RequestRow {
        id: r.get(0)?,
        action: r.get(1)?,
        account_id: r.get(2)?,
        account_number: r.get(3)?,
        subject: r.get(4)?,
        amount: r.get(5)?,
        request_json: r.get(6)?,
        requested_by: r.get(7)?,
        requested_by_name: r.get(8)?,
        requested_at: r.get(9)?,
        reason: r.get(10)?,
        reviewer: r.get(11)?,
        status: r.get(12)?,
        decided_by: r.get(13)?,
        decided_at: r.get(14)?,
        approved_amount: r.get(15)?,
        decision_note: r.get(16)?,
        posting_id: r.get(17)?,
        requested_by_full_name: r.get(18)?,
    })
}

impl Db<'_> {
    /// The stored policy (JSON), if one was ever saved.
    /// Hands the stored policy text (or None: the default table is in
    /// force) to `read` where SQLite holds it, without copying it out.
    pub fn read_policy_json<T>(&self, read: impl FnOnce(Option<&str>) -> T) -> Result<T> {
        let mut statement = self.prepare("SELECT body FROM authority_policy WHERE id = 1")?;
        let mut rows = statement.query(args![])?;
        Ok(match rows.next()? {
            Some(row) => {
                let body = row.text(0)?;
                read(body)
            }
            None => read(None),
        })
    }

    pub fn save_policy_json(&self, body: &str, now: DateTime<Utc>, by: Option<UserId>) -> Result<()> {
        self.execute(
            "INSERT INTO authority_policy (id, body, changed_at, changed_by) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET body = ?1, changed_at = ?2, changed_by = ?3",
            args![body, now, by],
        )?;
        Ok(())
    }

    /// What `user` has used of their daily total between two instants,
    /// summed from the source: money postings they made, plus their requests
    /// still pending. A read of every action of the day: the desk keeps the
    /// sum in `authority_days` and reads this only to make that row.
    pub fn authority_used(&self, user: UserId, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Money> {
        self.one(AUTHORITY_USED, args![user, from, to], |r| r.get(0))
    }

    /// What `user` has used on `account` of one money action between two
    /// instants: their money postings of that kind on the account (a short
    /// range of `postings_money_by_account`) and pending requests.
    pub fn authority_used_on(
        &self,
        user: UserId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        account: AccountId,
        action: MoneyAction,
    ) -> Result<Money> {
        self.one(AUTHORITY_USED_ON, args![user, from, to, account, action], |r| r.get(0))
    }

    /// The kept sum for a person's business day starting at `from`.
    pub fn authority_day(&self, user: UserId, from: DateTime<Utc>) -> Result<Option<Money>> {
        self.optional(
            "SELECT used_cents FROM authority_days WHERE user_id = ?1 AND day_start = ?2",
            args![user, from],
            |r| r.get(0),
        )
    }

    /// Keeps a person's day's sum (made from the source when first needed).
    pub fn insert_authority_day(
        &self,
        user: UserId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        used: Money,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO authority_days (user_id, day_start, day_end, used_cents) VALUES (?1, ?2, ?3, ?4)",
            args![user, from, to, used],
        )?;
        Ok(())
    }

    /// Adds `change` (less, if negative) to a person's kept day, which must exist.
    pub fn add_authority_use(&self, user: UserId, from: DateTime<Utc>, change: Money) -> Result<()> {
        let changed = self.execute(
            "UPDATE authority_days SET used_cents = used_cents + ?3 WHERE user_id = ?1 AND day_start = ?2",
            args![user, from, change],
        )?;
        if changed != 1 {
            return Err(super::StoreError::RolledBack(format!(
                "the kept use of their limits for user {user} from {from} was not there to update"
            )));
        }
        Ok(())
    }

    /// The pending request for the same action and subject, if any.
    pub fn pending_request_for(&self, action: MoneyAction, subject: &str) -> Result<Option<i64>> {
        self.optional(
            "SELECT id FROM approval_requests WHERE action = ?1 AND subject = ?2 AND status = 'pending'",
            args![action, subject],
            |r| r.get(0),
        )
    }

    pub fn insert_request(&self, new: &NewRequest, now: DateTime<Utc>) -> Result<i64> {
        self.insert(
            "INSERT INTO approval_requests (action, account_id, subject, amount_cents, request, requested_by,
                     requested_at, reason, reviewer_role, idempotency_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
            args![
                new.action,
                new.account,
                new.subject,
                new.amount,
                new.request_json,
                new.requested_by,
                now,
                new.reason,
                new.reviewer,
                new.key
            ],
        )
    }

    /// The request made under an idempotency key, if any.
    pub fn request_by_key(&self, key: &str) -> Result<Option<RequestRow>> {
        let sql = format!("{REQUEST_QUERY} WHERE r.idempotency_key = ?1");
        self.optional(&sql, args![key], row_to_request)
    }

    pub fn request(&self, id: i64) -> Result<Option<RequestRow>> {
        let sql = format!("{REQUEST_QUERY} WHERE r.id = ?1");
        self.optional(&sql, args![id], row_to_request)
    }

    /// Requests by status (oldest first), optionally one requester's or one account's.
    pub fn requests(
        &self,
        status: Option<&str>,
        requester: Option<UserId>,
        account: Option<AccountId>,
    ) -> Result<Vec<RequestRow>> {
        let sql = format!(
            "{REQUEST_QUERY} WHERE (r.status = ?1 OR ?1 IS NULL) AND (r.requested_by = ?2 OR ?2 IS NULL)
               AND (r.account_id = ?3 OR ?3 IS NULL) ORDER BY r.id LIMIT 500"
        );
        self.all(&sql, args![status, requester, account], row_to_request)
    }

    /// Ends a pending request. Returns false if it was no longer pending
    /// (someone else decided first): the caller then changes nothing.
    #[allow(clippy::too_many_arguments)]
    pub fn decide_request(
        &self,
        id: i64,
        status: &str,
        by: UserId,
        now: DateTime<Utc>,
        approved: Option<Money>,
        note: Option<&str>,
        posting: Option<PostingId>,
    ) -> Result<bool> {
        let changed = self.execute(
            "UPDATE approval_requests SET status = ?2, decided_by = ?3, decided_at = ?4, approved_cents = ?5,
                     decision_note = ?6, posting_id = ?7
                 WHERE id = ?1 AND status = 'pending'",
            args![id, status, by, now, approved, note, posting],
        )?;
        Ok(changed == 1)
    }

    /// How many requests are pending on an account.
    pub fn pending_count(&self, account: AccountId) -> Result<u32> {
        self.one(
            "SELECT count(*) FROM approval_requests WHERE account_id = ?1 AND status = 'pending'",
            args![account],
            |r| r.get(0),
        )
    }
}

/// What user ?1 has used on account ?4 of money action ?5 from ?2 until ?3:
/// one short range of `postings_money_by_account`, plus the user's pending
/// requests of that action on the account.
pub(super) const AUTHORITY_USED_ON: &str = concat!("SELECT ", authority_used_on_between!("?1", "?2", "?3", "?4", "?5"));

/// What user ?1 has used of their daily total from ?2 until ?3: what their
/// money actions moved on receivable, plus their requests still pending. The
/// actions are one range of the partial index `postings_money_by_user`, which
/// carries each posting's amount (migration 0012); a posting made before
/// that migration has none, and its entries are added up instead. One
/// statement, so the two instants are bound (formatted) once.
pub(super) const AUTHORITY_USED: &str = concat!("SELECT ", authority_used_between!("?1", "?2", "?3"));
