//! The rate schedules the ledger holds: each schedule's TOML source as it
//! was loaded, append-only (migration 0001's triggers), and what a new one
//! is checked against.

use super::sql::args;
use chrono::{DateTime, NaiveDate, Utc};

use super::{Db, Result};
use crate::domain::ids::AccountId;
use crate::records::RateScheduleRow;

impl Db<'_> {
    /// How many schedules the ledger holds (they are never removed, so a
    /// new count means a new schedule).
    pub fn rate_schedule_count(&self) -> Result<i64> {
        self.one("SELECT count(*) FROM rate_schedules", args![], |r| r.get(0))
    }

    /// Every schedule, oldest first.
    pub fn rate_schedule_rows(&self) -> Result<Vec<RateScheduleRow>> {
        self.all(
            "SELECT id, effective_from, source, loaded_at FROM rate_schedules ORDER BY effective_from",
            args![],
            |r| {
                Ok(RateScheduleRow {
                    id: r.get(0)?,
                    effective_from: r.get(1)?,
                    source: r.get(2)?,
                    loaded_at: r.get(3)?,
                })
            },
        )
    }

    /// How many bills each schedule rated, by id.
    pub fn bills_by_schedule(&self) -> Result<Vec<(String, i64)>> {
        self.all("SELECT schedule_id, count(*) FROM bills GROUP BY schedule_id", args![], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
    }

    /// The last day any bill covers: a new schedule starts after it.
    pub fn last_billed_day(&self) -> Result<Option<NaiveDate>> {
        Ok(self.optional("SELECT max(period_end) FROM bills", args![], |r| r.get(0))?.flatten())
    }

    /// Stores a new schedule (refused by the table if its id or its first
    /// day is taken).
    pub fn insert_rate_schedule(
        &self,
        id: &str,
        effective_from: NaiveDate,
        source: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.put_rate_schedule(id, effective_from, source, now, "")
    }

    /// Stores a shipped schedule unless its id is there already (seeding).
    pub fn ensure_rate_schedule(
        &self,
        id: &str,
        effective_from: NaiveDate,
        source: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.put_rate_schedule(id, effective_from, source, now, " ON CONFLICT (id) DO NOTHING")
    }

    fn put_rate_schedule(
        &self,
        id: &str,
        effective_from: NaiveDate,
        source: &str,
        now: DateTime<Utc>,
        on_conflict: &str,
    ) -> Result<()> {
        let sql = format!(
            "INSERT INTO rate_schedules (id, effective_from, source, loaded_at) VALUES (?1, ?2, ?3, ?4){on_conflict}"
        );
        self.execute(&sql, args![id, effective_from, source, now])?;
        Ok(())
    }

    /// Up to `most` active accounts spread evenly over the ledger, for a
    /// new schedule's preview.
    pub fn sample_active_accounts(&self, most: usize) -> Result<Vec<AccountId>> {
        let all: Vec<AccountId> =
            self.all("SELECT id FROM accounts WHERE status = 'active' ORDER BY id", args![], |r| r.get(0))?;
        let step = all.len().div_ceil(most.max(1)).max(1);
        Ok(all.into_iter().step_by(step).take(most).collect())
    }
}
