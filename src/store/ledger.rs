//! Postings and their entries: appending, finding by idempotency key, and
//! reading an account's history.

use super::sql::{Param, Row, args};
use chrono::{DateTime, NaiveDate, Utc};

use super::convert::{Day, Moment};
use super::{Db, Result};
use crate::domain::Money;
use crate::domain::ids::{AccountId, BillId, PostingId, UserId};
use crate::domain::ledger::{ChartAccount, Line, NewPosting, PostingKind};
use crate::records::{AgingRow, EntryRow, PostingRow, StoredPosting};

const POSTING_COLUMNS: &str = "SELECT p.id, p.kind, p.account_id, p.effective_on, p.posted_at, p.user_id, p.memo,
        p.reason, p.bill_id, p.reverses_id, p.waives_id,
        (SELECT r.id FROM postings r WHERE r.reverses_id = p.id),
        (SELECT w.id FROM postings w WHERE w.waives_id = p.id)
    FROM postings p";

fn row_to_posting(row: &Row) -> Result<PostingRow> {
    Ok(PostingRow {
        id: row.get(0)?,
        kind: row.get(1)?,
        account_id: row.get(2)?,
        effective_on: row.get(3)?,
        posted_at: row.get(4)?,
        user_id: row.get(5)?,
        memo: row.get(6)?,
        reason: row.get(7)?,
        bill_id: row.get(8)?,
        reverses: row.get(9)?,
        waives: row.get(10)?,
        reversed_by: row.get(11)?,
        waived_by: row.get(12)?,
        lines: Vec::new(),
    })
}

/// An account's charges and credits for aging, in the order they were
/// posted: `aging::age` pays charges that fall due the same day in this
/// order, so it must not be left to the query plan. The subqueries run only
/// where they can find something (a dispute only on a bill's charge, a
/// waiver only of a late fee): this runs for every account a late-fee
/// assessment looks at.
pub(crate) const AGING_ROWS: &str =
    "SELECT p.kind, e.side, e.amount_cents, COALESCE(b.due_date, o.due_on, p.effective_on),
            CASE WHEN b.id IS NULL OR e.side <> 'D' THEN 0
                 ELSE COALESCE((SELECT sum(d.amount_cents) FROM disputes d
                        WHERE d.bill_id = b.id AND d.status = 'open'), 0) END,
            b.id
     FROM entries e
     JOIN postings p ON p.id = e.posting_id
     LEFT JOIN bills b ON b.id = p.bill_id AND p.kind = 'bill'
     LEFT JOIN opening_balance_due o ON o.posting_id = p.id AND p.kind = 'opening-balance'
     WHERE e.account_id = ?1
       AND (p.effective_on <= ?2 OR ?2 IS NULL)
       AND p.kind <> 'reversal' AND p.kind <> 'waiver'
       AND NOT EXISTS (SELECT 1 FROM postings r WHERE r.reverses_id = p.id
               AND (r.effective_on <= ?2 OR ?2 IS NULL))
       AND (p.kind <> 'late-fee'
            OR NOT EXISTS (SELECT 1 FROM postings w WHERE w.waives_id = p.id
                   AND (w.effective_on <= ?2 OR ?2 IS NULL)
                   AND NOT EXISTS (SELECT 1 FROM postings rw WHERE rw.reverses_id = w.id
                                   AND (rw.effective_on <= ?2 OR ?2 IS NULL))))
     ORDER BY e.posting_id, e.line";

impl Db<'_> {
    pub fn posting_by_key(&self, key: &str) -> Result<Option<StoredPosting>> {
        self.optional("SELECT id, payload_sha256 FROM postings WHERE idempotency_key = ?1", args![key], |r| {
            Ok(StoredPosting { id: r.get(0)?, payload_sha256: r.get(1)? })
        })
    }

    /// Appends a posting (already validated) with its entries, and moves the
    /// cached balance of each customer account it touches.
    pub fn insert_posting(
        &self,
        posting: &NewPosting,
        key: &str,
        payload_sha256: &str,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<PostingId> {
        let id = PostingId(self.insert(
            "INSERT INTO postings (idempotency_key, payload_sha256, kind, account_id, effective_on, posted_at,
                     user_id, memo, reason, bill_id, reverses_id, waives_id, receivable_cents)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) RETURNING id",
            args![
                key,
                payload_sha256,
                posting.kind,
                posting.account_id,
                Day(posting.effective_on),
                Moment(now),
                user,
                posting.memo,
                posting.reason,
                posting.bill_id,
                posting.reverses,
                posting.waives,
                posting.receivable_moved()
            ],
        )?);
        let numbers: Vec<i64> = (1..).take(posting.lines.len()).collect();
        let mut params: Vec<&dyn Param> = Vec::with_capacity(6 * numbers.len());
        for (number, line) in numbers.iter().zip(&posting.lines) {
            params.extend([&id as &dyn Param, number, &line.ledger, &line.account_id, &line.side, &line.amount]);
        }
        self.insert_rows("INSERT INTO entries (posting_id, line, ledger, account_id, side, amount_cents)", 6, &params)?;
        // Each account's balance once, by what its receivable lines add.
        let mut changes: Vec<(AccountId, Money)> = Vec::new();
        for line in &posting.lines {
            if let (ChartAccount::Receivable, Some(account)) = (line.ledger, line.account_id) {
                let change = line.side.signed(line.amount);
                match changes.iter_mut().find(|(a, _)| *a == account) {
                    Some((_, sum)) => *sum += change,
                    None => changes.push((account, change)),
                }
            }
        }
        for (account, change) in changes {
            self.add_to_balance(account, change)?;
        }
        Ok(id)
    }

    /// A posting with its lines.
    pub fn posting(&self, id: PostingId) -> Result<Option<PostingRow>> {
        let sql = format!("{POSTING_COLUMNS} WHERE p.id = ?1");
        let posting = self.optional(&sql, args![id], row_to_posting)?;
        let Some(mut posting) = posting else { return Ok(None) };
        posting.lines = self.all(
            "SELECT ledger, account_id, side, amount_cents FROM entries WHERE posting_id = ?1 ORDER BY line",
            args![id],
            |r| Ok(Line { ledger: r.get(0)?, account_id: r.get(1)?, side: r.get(2)?, amount: r.get(3)? }),
        )?;
        Ok(Some(posting))
    }

    /// The posting of a given kind linked to a bill, if any (the bill's own
    /// posting, or its late fee).
    pub fn bill_posting(&self, bill: BillId, kind: PostingKind) -> Result<Option<PostingId>> {
        self.optional(
            "SELECT id FROM postings WHERE bill_id = ?1 AND kind = ?2 ORDER BY id LIMIT 1",
            args![bill, kind],
            |r| r.get(0),
        )
    }

    /// The account's receivable entries that still stand, with due dates.
    /// Every posting counts, whatever its date: aging is of the ledger as it
    /// is now, with `as_of` deciding only how long each charge is past due.
    /// A posting and its reversal, and a late fee and its waiver, cancel
    /// each other and are left out, so they do not disturb oldest-first.
    /// The entries aging counts: all of them, or (for a statement that
    /// ends in the past) those effective on or before `through`.
    pub fn aging_rows(&self, account: AccountId, through: Option<NaiveDate>) -> Result<Vec<AgingRow>> {
        self.all(AGING_ROWS, args![account, through.map(Day)], |r| {
            Ok(AgingRow {
                kind: r.get(0)?,
                side: r.get(1)?,
                amount: r.get(2)?,
                due_on: r.get(3)?,
                disputed: r.get(4)?,
                bill: r.get(5)?,
            })
        })
    }

    /// When a converted balance's part fell due (aging reads it).
    pub fn insert_opening_balance_due(&self, posting: PostingId, due_on: NaiveDate) -> Result<()> {
        self.execute(
            "INSERT INTO opening_balance_due (posting_id, due_on) VALUES (?1, ?2)",
            args![posting, Day(due_on)],
        )?;
        Ok(())
    }

    /// The account's latest receivable entries, newest first.
    pub fn recent_entries(&self, account: AccountId, limit: u32) -> Result<Vec<EntryRow>> {
        self.all(
            "SELECT p.id, p.kind, p.effective_on, p.posted_at, p.memo, p.reason, p.bill_id, e.side, e.amount_cents,
                    (SELECT r.id FROM postings r WHERE r.reverses_id = p.id)
             FROM entries e JOIN postings p ON p.id = e.posting_id
             WHERE e.account_id = ?1
             ORDER BY e.posting_id DESC, e.line DESC LIMIT ?2",
            args![account, limit],
            |r| {
                Ok(EntryRow {
                    posting_id: r.get(0)?,
                    kind: r.get(1)?,
                    effective_on: r.get(2)?,
                    posted_at: r.get(3)?,
                    memo: r.get(4)?,
                    reason: r.get(5)?,
                    bill_id: r.get(6)?,
                    side: r.get(7)?,
                    amount: r.get(8)?,
                    reversed_by: r.get(9)?,
                })
            },
        )
    }

    /// The account's receivable entries effective `from` to `to` (both
    /// included), in date order, as a statement lists them.
    pub fn entries_between(&self, account: AccountId, from: NaiveDate, to: NaiveDate) -> Result<Vec<EntryRow>> {
        self.all(
            "SELECT p.id, p.kind, p.effective_on, p.posted_at, p.memo, p.reason, p.bill_id, e.side, e.amount_cents,
                    (SELECT r.id FROM postings r WHERE r.reverses_id = p.id)
             FROM entries e JOIN postings p ON p.id = e.posting_id
             WHERE e.account_id = ?1 AND p.effective_on BETWEEN ?2 AND ?3
             ORDER BY p.effective_on, e.posting_id, e.line",
            args![account, Day(from), Day(to)],
            |r| {
                Ok(EntryRow {
                    posting_id: r.get(0)?,
                    kind: r.get(1)?,
                    effective_on: r.get(2)?,
                    posted_at: r.get(3)?,
                    memo: r.get(4)?,
                    reason: r.get(5)?,
                    bill_id: r.get(6)?,
                    side: r.get(7)?,
                    amount: r.get(8)?,
                    reversed_by: r.get(9)?,
                })
            },
        )
    }

    /// What the account owed at the end of `through` (charges less payments
    /// and credits effective on or before it), summed by the database.
    pub fn balance_through(&self, account: AccountId, through: NaiveDate) -> Result<Money> {
        let cents: i64 = self.one(
            "SELECT COALESCE(sum(CASE e.side WHEN 'D' THEN e.amount_cents ELSE -e.amount_cents END), 0)
             FROM entries e JOIN postings p ON p.id = e.posting_id
             WHERE e.account_id = ?1 AND p.effective_on <= ?2",
            args![account, Day(through)],
            |r| r.get(0),
        )?;
        Ok(Money::from_cents(cents))
    }

    /// Whether the account has receivable entries effective after `date`.
    pub fn has_entries_after(&self, account: AccountId, date: NaiveDate) -> Result<bool> {
        self.one(
            "SELECT EXISTS (SELECT 1 FROM entries e JOIN postings p ON p.id = e.posting_id
                                WHERE e.account_id = ?1 AND p.effective_on > ?2)",
            args![account, Day(date)],
            |r| r.get(0),
        )
    }

    pub fn insert_payment_detail(
        &self,
        posting: PostingId,
        method: &str,
        reference: Option<&str>,
        received_on: NaiveDate,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO payments (posting_id, method, reference, received_on) VALUES (?1, ?2, ?3, ?4)",
            args![posting, method, reference, Day(received_on)],
        )?;
        Ok(())
    }

    /// Seeds the chart of accounts (idempotent).
    pub fn ensure_chart(&self) -> Result<()> {
        let mut insert =
            self.prepare("INSERT INTO ledger_accounts (code, name) VALUES (?1, ?2) ON CONFLICT DO NOTHING")?;
        for account in ChartAccount::all() {
            insert.execute(args![account.code(), account.name()])?;
        }
        Ok(())
    }

    /// Every posting with its lines, for export: by effective date, and
    /// in posting order within a day (the order hledger's `check
    /// ordereddates` wants). The postings are sorted by date in memory (an
    /// id and a date each) and read back in runs of consecutive ids, each
    /// run one range of postings and one of their lines.
    pub fn for_each_posting(
        &self,
        mut visit: impl FnMut(&PostingRow, &[(Line, Option<String>)]) -> std::io::Result<()>,
    ) -> Result<()> {
        let mut order: Vec<(NaiveDate, i64)> = Vec::new();
        {
            let mut statement = self.prepare("SELECT effective_on, id FROM postings")?;
            let mut rows = statement.query(args![])?;
            while let Some(r) = rows.next()? {
                order.push((r.get(0)?, r.get(1)?));
            }
        }
        order.sort_unstable();
        let mut postings = self.prepare(&format!("{POSTING_COLUMNS} WHERE p.id BETWEEN ?1 AND ?2 ORDER BY p.id"))?;
        let mut entries = self.prepare(
            "SELECT e.posting_id, e.ledger, e.account_id, e.side, e.amount_cents, a.number
             FROM entries e LEFT JOIN accounts a ON a.id = e.account_id
             WHERE e.posting_id BETWEEN ?1 AND ?2 ORDER BY e.posting_id, e.line",
        )?;
        let mut at = 0;
        while at < order.len() {
            let mut end = at;
            while end + 1 < order.len() && order[end + 1].1 == order[end].1 + 1 {
                end += 1;
            }
            let (first, last) = (order[at].1, order[end].1);
            at = end + 1;
            let mut entry_rows = entries.query(args![first, last])?;
            let mut pending: Option<(PostingId, Line, Option<String>)> = None;
            let mut rows = postings.query(args![first, last])?;
            while let Some(row) = rows.next()? {
                let posting = row_to_posting(&row)?;
                let mut lines = Vec::new();
                loop {
                    if pending.is_none()
                        && let Some(e) = entry_rows.next()?
                    {
                        let line =
                            Line { ledger: e.get(1)?, account_id: e.get(2)?, side: e.get(3)?, amount: e.get(4)? };
                        pending = Some((e.get(0)?, line, e.get(5)?));
                    }
                    match pending.take() {
                        Some((id, line, number)) if id == posting.id => lines.push((line, number)),
                        other => {
                            pending = other;
                            break;
                        }
                    }
                }
                visit(&posting, &lines).map_err(|e| super::StoreError::Io(e.to_string()))?;
            }
        }
        Ok(())
    }
}
