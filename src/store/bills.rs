//! Meter reads, bills and their lines, and bill adjustments.

use std::collections::BTreeMap;

use super::sql::{Param, Row, args};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::convert::{Day, Moment};
use super::{Db, Result, StoreError};
use crate::domain::Money;
use crate::domain::account::ServiceKind;
use crate::domain::ids::{AccountId, BillId, PostingId, ReadId, UserId};
use crate::domain::rates::BillLine;
use crate::domain::reads::ReadKind;
use crate::records::{BillLineRow, BillRow, NewBill, ReadRow};

const READ_COLUMNS: &str = "id, account_id, read_on, reading, kind, rollover, corrects_id";

/// The account's last read not passed over (see [`Db::last_read`]). Two
/// `NOT EXISTS`, one per read the bill may close on, rather than
/// `current_read_id IN (m.id, m.corrects_id)`: SQLite builds a temporary
/// b-tree for an `IN` list of columns on every run of the subquery, and this
/// runs for every bill a bill run posts. Most reads correct nothing, so the
/// second is rarely run.
pub(super) const LAST_READ: &str = "SELECT id, account_id, read_on, reading, kind, rollover, corrects_id
     FROM meter_reads m WHERE account_id = ?1
       AND NOT EXISTS (SELECT 1 FROM bills b
                       JOIN postings p ON p.bill_id = b.id AND p.kind = 'bill'
                       JOIN postings r ON r.reverses_id = p.id
                       WHERE b.current_read_id = m.id)
       AND (m.corrects_id IS NULL
            OR NOT EXISTS (SELECT 1 FROM bills b
                           JOIN postings p ON p.bill_id = b.id AND p.kind = 'bill'
                           JOIN postings r ON r.reverses_id = p.id
                           WHERE b.current_read_id = m.corrects_id))
     ORDER BY read_on DESC, id DESC LIMIT 1";

fn row_to_read(row: &Row, at: usize) -> Result<ReadRow> {
    Ok(ReadRow {
        id: row.get(at)?,
        account_id: row.get(at + 1)?,
        read_on: row.get(at + 2)?,
        reading: row.get(at + 3)?,
        kind: row.get(at + 4)?,
        rollover: row.get(at + 5)?,
        corrects: row.get(at + 6)?,
    })
}

/// The opening and closing reads of bill `b` in force (`opening`,
/// `closing`): the latest standing re-rate's, else the bill's own. SQL
/// over `b`, so `verify` reads them the same way.
macro_rules! reads_in_force {
    () => {
        "COALESCE((SELECT o.read_id FROM bill_openings o
                   WHERE o.bill_id = b.id
                     AND NOT EXISTS (SELECT 1 FROM postings r WHERE r.reverses_id = o.posting_id)
                   ORDER BY o.posting_id DESC LIMIT 1), b.previous_read_id) AS opening,
         COALESCE((SELECT a.corrected_read_id FROM bill_adjustments a
                   WHERE a.bill_id = b.id AND a.method = 'rerate'
                     AND NOT EXISTS (SELECT 1 FROM postings r WHERE r.reverses_id = a.posting_id)
                   ORDER BY a.posting_id DESC LIMIT 1), b.current_read_id) AS closing"
    };
}
pub(super) use reads_in_force;

const BILL_READS_IN_FORCE: &str = concat!("SELECT ", reads_in_force!(), " FROM bills b WHERE b.id = ?1");

/// Account ?1's standing bill whose opening read in force is ?2.
const BILL_OPENING_ON: &str = concat!(
    "SELECT id FROM (SELECT b.id, ",
    reads_in_force!(),
    " FROM bills b WHERE b.account_id = ?1
       AND NOT EXISTS (SELECT 1 FROM postings p JOIN postings r ON r.reverses_id = p.id
                       WHERE p.bill_id = b.id AND p.kind = 'bill')) standing
     WHERE opening = ?2 ORDER BY id LIMIT 1"
);

/// A standing bill of account ?1 whose period overlaps ?2 to ?3. Reads by
/// `bills_account_end`: only the bills that end on or after ?2.
pub(super) const OVERLAPPING_BILL: &str = "SELECT b.id FROM bills b
     WHERE b.account_id = ?1 AND b.period_end >= ?2 AND b.period_start <= ?3
       AND NOT EXISTS (SELECT 1 FROM postings p JOIN postings r ON r.reverses_id = p.id
                       WHERE p.bill_id = b.id AND p.kind = 'bill')
     LIMIT 1";

/// The standing bill of account ?1 due latest before ?2. Reads by
/// `bills_account_due`, newest first, without sorting.
pub(super) const LATEST_BILL_DUE_BEFORE: &str = "SELECT b.id FROM bills b WHERE b.account_id = ?1 AND b.due_date < ?2
       AND NOT EXISTS (SELECT 1 FROM postings p JOIN postings r ON r.reverses_id = p.id
                       WHERE p.bill_id = b.id AND p.kind = 'bill')
     ORDER BY b.due_date DESC, b.id DESC LIMIT 1";

pub(super) const BILLED_NOT_YET_DUE: &str = "SELECT COALESCE(sum(b.total_cents), 0) FROM bills b
     WHERE b.account_id = ?1 AND b.due_date >= ?2
       AND NOT EXISTS (SELECT 1 FROM postings p JOIN postings r ON r.reverses_id = p.id
                       WHERE p.bill_id = b.id AND p.kind = 'bill')";

const BILL_QUERY: &str = "SELECT b.id, b.account_id, b.period_start, b.period_end, b.bill_date, b.due_date,
        b.schedule_id, b.consumption_gal, b.sewer_cap_gal, b.total_cents,
        p.id, p.account_id, p.read_on, p.reading, p.kind, p.rollover, p.corrects_id,
        c.id, c.account_id, c.read_on, c.reading, c.kind, c.rollover, c.corrects_id
    FROM bills b
    JOIN meter_reads p ON p.id = b.previous_read_id
    JOIN meter_reads c ON c.id = b.current_read_id";

fn row_to_bill(row: &Row) -> Result<BillRow> {
    Ok(BillRow {
        id: row.get(0)?,
        account_id: row.get(1)?,
        period_start: row.get(2)?,
        period_end: row.get(3)?,
        bill_date: row.get(4)?,
        due_date: row.get(5)?,
        schedule_id: row.get(6)?,
        consumption_gal: row.get(7)?,
        sewer_cap_gal: row.get(8)?,
        total: row.get(9)?,
        previous_read: row_to_read(row, 10)?,
        current_read: row_to_read(row, 17)?,
        lines: Vec::new(),
    })
}

fn decimal(text: String) -> Result<Decimal> {
    text.parse().map_err(|_| StoreError::Corrupt(format!("\"{text}\" is not a decimal number")))
}

impl Db<'_> {
    #[allow(clippy::too_many_arguments)]
    pub fn insert_read(
        &self,
        account: AccountId,
        read_on: NaiveDate,
        reading: u64,
        kind: ReadKind,
        rollover: bool,
        corrects: Option<ReadId>,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<ReadId> {
        Ok(ReadId(self.insert("INSERT INTO meter_reads (account_id, read_on, reading, kind, rollover, corrects_id, entered_by, entered_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id", args![account, Day(read_on), reading, kind, rollover, corrects, user, Moment(now)])?))
    }

    /// The latest read on the account; a correction entered later for the
    /// same day wins over the read it corrects. The closing read of a
    /// reversed bill (and any correction of it) is passed over, so a rebill
    /// of that period starts from the read before it.
    pub fn last_read(&self, account: AccountId) -> Result<Option<ReadRow>> {
        self.optional(LAST_READ, args![account], |r| row_to_read(r, 0))
    }

    /// A bill on the account whose period overlaps the given one and whose
    /// posting has not been reversed (a reversed bill may be billed again).
    pub fn overlapping_bill(&self, account: AccountId, start: NaiveDate, end: NaiveDate) -> Result<Option<BillId>> {
        self.optional(OVERLAPPING_BILL, args![account, Day(start), Day(end)], |r| r.get(0))
    }

    pub fn insert_bill(&self, bill: &NewBill) -> Result<BillId> {
        let total: Money = bill.lines.iter().map(|l| l.amount).sum();
        let id = BillId(self.insert(
            "INSERT INTO bills (account_id, period_start, period_end, bill_date, due_date, schedule_id,
                     previous_read_id, current_read_id, consumption_gal, sewer_cap_gal, total_cents)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
            args![
                bill.account_id,
                Day(bill.period_start),
                Day(bill.period_end),
                Day(bill.bill_date),
                Day(bill.due_date),
                bill.schedule_id,
                bill.previous_read,
                bill.current_read,
                bill.consumption_gal,
                bill.sewer_cap_gal,
                total
            ],
        )?);
        let texts: Vec<(i64, String, String)> = (1..)
            .zip(bill.lines.iter())
            .map(|(seq, line)| (seq, line.quantity.to_string(), line.rate.to_string()))
            .collect();
        let mut params: Vec<&dyn Param> = Vec::with_capacity(8 * texts.len());
        for ((seq, quantity, rate), line) in texts.iter().zip(bill.lines.iter()) {
            params.extend([
                &id as &dyn Param,
                seq,
                &line.service,
                &line.description,
                quantity,
                &line.unit,
                rate,
                &line.amount,
            ]);
        }
        self.insert_rows(
            "INSERT INTO bill_lines (bill_id, seq, service, description, quantity, unit, rate, amount_cents)",
            8,
            &params,
        )?;
        Ok(id)
    }

    /// A bill with its lines.
    pub fn bill(&self, id: BillId) -> Result<Option<BillRow>> {
        let sql = format!("{BILL_QUERY} WHERE b.id = ?1");
        let bill = self.optional(&sql, args![id], row_to_bill)?;
        let Some(mut bill) = bill else { return Ok(None) };
        bill.lines = self.bill_lines(id)?;
        Ok(Some(bill))
    }

    pub fn bill_lines(&self, id: BillId) -> Result<Vec<BillLineRow>> {
        let raw = self.all(
            "SELECT seq, service, description, quantity, unit, rate, amount_cents FROM bill_lines
             WHERE bill_id = ?1 ORDER BY seq",
            args![id],
            |r| {
                Ok((
                    r.get::<u32>(0)?,
                    r.get::<ServiceKind>(1)?,
                    r.get::<String>(2)?,
                    r.get::<String>(3)?,
                    r.get::<String>(4)?,
                    r.get::<String>(5)?,
                    r.get::<Money>(6)?,
                ))
            },
        )?;
        let mut lines = Vec::new();
        for (seq, service, description, quantity, unit, rate, amount) in raw {
            let line =
                BillLine { service, description, quantity: decimal(quantity)?, unit, rate: decimal(rate)?, amount };
            lines.push(BillLineRow { seq, line });
        }
        Ok(lines)
    }

    /// The account's latest bills, newest first, without lines.
    pub fn recent_bills(&self, account: AccountId, limit: u32) -> Result<Vec<BillRow>> {
        let sql = format!("{BILL_QUERY} WHERE b.account_id = ?1 ORDER BY b.period_start DESC, b.id DESC LIMIT ?2");
        self.all(&sql, args![account, limit], row_to_bill)
    }

    /// Per service, the net of earlier adjustments to the bill that stand
    /// (not reversed): what re-rating must take into account.
    pub fn bill_adjusted_by_service(&self, bill: BillId) -> Result<BTreeMap<ServiceKind, Money>> {
        Ok(self
            .all(
                "SELECT l.service, SUM(l.after_cents - l.before_cents)
             FROM bill_adjustments a JOIN bill_adjustment_lines l ON l.posting_id = a.posting_id
             WHERE a.bill_id = ?1 AND NOT EXISTS (SELECT 1 FROM postings r WHERE r.reverses_id = a.posting_id)
             GROUP BY l.service",
                args![bill],
                |r| Ok((r.get::<ServiceKind>(0)?, r.get::<Money>(1)?)),
            )?
            .into_iter()
            .collect())
    }

    /// Records the detail of a bill adjustment posting.
    /// Records an adjustment of `bill`: by amount (`rerate` none), or a
    /// re-rate with the bill's closing read in force and its consumption.
    pub fn insert_bill_adjustment(
        &self,
        posting: PostingId,
        bill: BillId,
        rerate: Option<(ReadId, u64)>,
        lines: &[(ServiceKind, String, Money, Money)],
    ) -> Result<()> {
        self.execute(
            "INSERT INTO bill_adjustments (posting_id, bill_id, method, corrected_read_id, consumption_gal)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            args![
                posting,
                bill,
                if rerate.is_some() { "rerate" } else { "amount" },
                rerate.map(|r| r.0),
                rerate.map(|r| r.1)
            ],
        )?;
        let mut insert = self.prepare(
            "INSERT INTO bill_adjustment_lines (posting_id, seq, service, description, before_cents, after_cents)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (seq, (service, description, before, after)) in lines.iter().enumerate() {
            insert.execute(args![posting, seq + 1, service, description, before, after])?;
        }
        Ok(())
    }

    /// Records that `bill` now starts from `read`, which the re-rate
    /// `posting` of the bill before it put in place of the read it corrects.
    pub fn insert_bill_opening(&self, bill: BillId, posting: PostingId, read: ReadId) -> Result<()> {
        self.execute(
            "INSERT INTO bill_openings (bill_id, posting_id, read_id) VALUES (?1, ?2, ?3)",
            args![bill, posting, read],
        )?;
        Ok(())
    }

    /// The reads `bill` stands on now: its opening and closing reads, or
    /// those its latest standing re-rates replaced them with.
    pub fn bill_reads_in_force(&self, bill: BillId) -> Result<Option<(ReadRow, ReadRow)>> {
        let ids: Option<(ReadId, ReadId)> =
            self.optional(BILL_READS_IN_FORCE, args![bill], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let Some((opening, closing)) = ids else { return Ok(None) };
        match (self.read(opening)?, self.read(closing)?) {
            (Some(opening), Some(closing)) => Ok(Some((opening, closing))),
            _ => Err(super::StoreError::Corrupt(format!("bill {bill} stands on a read that is not there"))),
        }
    }

    /// The account's standing bill that opens on `read` (in force), if any:
    /// the one after the bill that closed on it.
    pub fn bill_opening_on(&self, account: AccountId, read: ReadId) -> Result<Option<BillId>> {
        self.optional(BILL_OPENING_ON, args![account, read], |r| r.get(0))
    }

    pub fn read(&self, id: ReadId) -> Result<Option<ReadRow>> {
        let sql = format!("SELECT {READ_COLUMNS} FROM meter_reads WHERE id = ?1");
        self.optional(&sql, args![id], |r| row_to_read(r, 0))
    }
}

impl Db<'_> {
    /// The totals of the account's bills due on or after `date` and not
    /// reversed: charges not yet past due on that date.
    pub fn billed_not_yet_due(&self, account: AccountId, date: NaiveDate) -> Result<Money> {
        self.one(BILLED_NOT_YET_DUE, args![account, Day(date)], |r| r.get(0))
    }

    /// The account's latest bill (not reversed) due before `date`.
    pub fn latest_bill_due_before(&self, account: AccountId, date: NaiveDate) -> Result<Option<BillId>> {
        self.optional(LATEST_BILL_DUE_BEFORE, args![account, Day(date)], |r| r.get(0))
    }

    /// Adjustments to the bill that have not been reversed.
    pub fn standing_adjustments(&self, bill: BillId) -> Result<Vec<PostingId>> {
        self.all(
            "SELECT a.posting_id FROM bill_adjustments a WHERE a.bill_id = ?1
               AND NOT EXISTS (SELECT 1 FROM postings r WHERE r.reverses_id = a.posting_id) ORDER BY a.posting_id",
            args![bill],
            |r| r.get(0),
        )
    }
}
