//! Each cycle's loaded meter reads, the exceptions held among them, and
//! what a person decided about each held read.

use super::sql::{Row, args};
use chrono::{DateTime, NaiveDate, Utc};

use super::convert::{Day, Moment};
use super::{Db, Result};
use crate::domain::account::AccountStatus;
use crate::domain::ids::{AccountId, AccountNumber, UserId};
use crate::domain::reads::{ReadKind, UsageHistory};
use crate::records::{CycleReadRow, MeterAccount, NewCycleRead, ReadDecision};

const CYCLE_READ: &str = "SELECT c.id, c.account_id, a.number, cu.name, a.cycle, c.meter_number, c.read_on, c.reading,
            c.kind, c.rollover, c.reader, c.consumption_gal, c.exception, c.exception_detail,
            d.decision, d.corrected_reading, d.corrected_gal, d.note
     FROM cycle_reads c
     JOIN accounts a ON a.id = c.account_id
     JOIN customers cu ON cu.id = a.customer_id
     LEFT JOIN read_decisions d ON d.cycle_read_id = c.id";

fn cycle_read_row(r: &Row) -> Result<CycleReadRow> {
    let decision: Option<String> = r.get(14)?;
    let decision = match decision.as_deref() {
        None => None,
        Some("accepted") => Some(ReadDecision::Accepted),
        Some("corrected") => Some(ReadDecision::Corrected { reading: r.get(15)?, gallons: r.get(16)? }),
        Some(_) => Some(ReadDecision::Reread),
    };
    Ok(CycleReadRow {
        id: r.get(0)?,
        account_id: r.get(1)?,
        account_number: r.get(2)?,
        name: r.get(3)?,
        cycle: r.get(4)?,
        meter_number: r.get(5)?,
        read_on: r.get(6)?,
        reading: r.get(7)?,
        kind: r.get(8)?,
        rollover: r.get(9)?,
        reader: r.get(10)?,
        consumption_gal: r.get(11)?,
        exception: r.get(12)?,
        exception_detail: r.get(13)?,
        decision,
        decided_note: r.get(17)?,
    })
}

/// Bills that stand (their posting was not reversed), as a condition on `b`.
const STANDING: &str = "NOT EXISTS (SELECT 1 FROM postings p JOIN postings r ON r.reverses_id = p.id
                                     WHERE p.bill_id = b.id AND p.kind = 'bill')";

impl Db<'_> {
    /// The active account a meter is in service on.
    pub fn account_for_meter(&self, meter: &str) -> Result<Option<MeterAccount>> {
        self.optional(
            "SELECT a.id, a.number, s.meter_dials FROM services s JOIN accounts a ON a.id = s.account_id
                 WHERE s.meter_number = ?1 AND a.status = 'active' LIMIT 1",
            args![meter],
            |r| Ok(MeterAccount { id: r.get(0)?, number: r.get(1)?, dials: r.get(2)? }),
        )
    }

    /// The read loaded for `account` on `day`, if any: its id and reading.
    pub fn cycle_reading_on(&self, account: AccountId, day: NaiveDate) -> Result<Option<(i64, u64)>> {
        self.optional(
            "SELECT id, reading FROM cycle_reads WHERE account_id = ?1 AND read_on = ?2",
            args![account, Day(day)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// The newest read loaded for `account`: its day and reading.
    pub fn latest_cycle_reading(&self, account: AccountId) -> Result<Option<(NaiveDate, u64)>> {
        self.optional(
            "SELECT read_on, reading FROM cycle_reads WHERE account_id = ?1 ORDER BY read_on DESC LIMIT 1",
            args![account],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// The newest read loaded for `account`.
    pub fn latest_cycle_read(&self, account: AccountId) -> Result<Option<CycleReadRow>> {
        let sql = format!("{CYCLE_READ} WHERE c.account_id = ?1 ORDER BY c.read_on DESC LIMIT 1");
        self.optional(&sql, args![account], cycle_read_row)
    }

    /// The newest read loaded for `account` after `after` and on or before
    /// `through`: the one a bill run bills (or skips, if it is held).
    pub fn cycle_read_between(
        &self,
        account: AccountId,
        after: NaiveDate,
        through: NaiveDate,
    ) -> Result<Option<CycleReadRow>> {
        let sql = format!(
            "{CYCLE_READ} WHERE c.account_id = ?1 AND c.read_on > ?2 AND c.read_on <= ?3 ORDER BY c.read_on DESC LIMIT 1"
        );
        self.optional(&sql, args![account, Day(after), Day(through)], cycle_read_row)
    }

    pub fn cycle_read(&self, id: i64) -> Result<Option<CycleReadRow>> {
        let sql = format!("{CYCLE_READ} WHERE c.id = ?1");
        self.optional(&sql, args![id], cycle_read_row)
    }

    pub fn insert_cycle_read(&self, new: &NewCycleRead, user: UserId, now: DateTime<Utc>) -> Result<i64> {
        self.insert(
            "INSERT INTO cycle_reads (account_id, meter_number, read_on, reading, kind, rollover, reader,
                     consumption_gal, exception, exception_detail, loaded_by, loaded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id",
            args![
                new.account,
                new.meter_number,
                Day(new.read_on),
                new.reading,
                new.kind,
                new.rollover,
                new.reader,
                new.consumption_gal,
                new.exception.map(|(e, _)| e),
                new.exception.map(|(_, why)| why),
                user,
                Moment(now),
            ],
        )
    }

    pub fn insert_read_decision(
        &self,
        read: i64,
        decision: ReadDecision,
        note: &str,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (code, reading, gallons) = match decision {
            ReadDecision::Accepted => ("accepted", None, None),
            ReadDecision::Corrected { reading, gallons } => ("corrected", Some(reading), Some(gallons)),
            ReadDecision::Reread => ("reread", None, None),
        };
        self.execute(
            "INSERT INTO read_decisions (cycle_read_id, decision, corrected_reading, corrected_gal, note,
                     decided_by, decided_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            args![read, code, reading, gallons, note, user, Moment(now)],
        )?;
        Ok(())
    }

    /// Held reads not yet passed by a later read on their account, oldest
    /// first (of one cycle, or all).
    pub fn held_reads(&self, cycle: Option<u8>) -> Result<Vec<CycleReadRow>> {
        let sql = format!(
            "{CYCLE_READ} WHERE c.exception IS NOT NULL AND d.cycle_read_id IS NULL
               AND (a.cycle = ?1 OR ?1 IS NULL)
               AND NOT EXISTS (SELECT 1 FROM meter_reads m WHERE m.account_id = c.account_id AND m.read_on >= c.read_on)
             ORDER BY c.read_on, c.id"
        );
        self.all(&sql, args![cycle], cycle_read_row)
    }

    /// What the exception rules need of the account's bills before `day`.
    pub fn usage_history(&self, account: AccountId, day: NaiveDate) -> Result<UsageHistory> {
        let sql = format!(
            "SELECT b.consumption_gal, b.period_end > ?3, m.kind
             FROM bills b JOIN meter_reads m ON m.id = b.current_read_id
             WHERE b.account_id = ?1 AND b.period_end <= ?2 AND {STANDING}
             ORDER BY b.period_end DESC, b.id DESC LIMIT 24"
        );
        let mut statement = self.prepare(&sql)?;
        // The same day a year before (28 February for the 29th), worked out
        // here rather than by each engine's date arithmetic.
        let year_before = day.checked_sub_months(chrono::Months::new(12)).unwrap_or(day);
        let mut rows = statement.query(args![account, Day(day), Day(year_before)])?;
        let mut history = UsageHistory::default();
        while let Some(r) = rows.next()? {
            let (gallons, recent, kind): (u64, bool, ReadKind) = (r.get(0)?, r.get(1)?, r.get(2)?);
            if history.last_bill_gal.is_none() {
                history.last_bill_gal = Some(gallons);
            }
            if history.last_read_kinds.len() < 2 {
                history.last_read_kinds.push(kind);
            }
            if recent {
                history.last_12_months_gal.push(gallons);
            }
        }
        Ok(history)
    }

    /// A cycle's accounts that are not closed, in number order.
    pub fn cycle_accounts(&self, cycle: u8) -> Result<Vec<(AccountId, AccountNumber, AccountStatus)>> {
        self.all(
            "SELECT id, number, status FROM accounts WHERE cycle = ?1 AND status <> 'closed' ORDER BY number",
            args![cycle],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }
}
