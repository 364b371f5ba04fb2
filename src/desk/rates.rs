//! Rate schedules the utility changes without a new build. A schedule is
//! a TOML file in the format of `assets/rates/`; the shipped ones seed a
//! new ledger, and a Manager loads the utility's own (`load_rates`). A new
//! schedule is checked whole (every service and meter size priced, figures
//! exact), must start after the last day any bill covers (a billed period
//! is never re-rated by it) and on a day no other schedule starts, and
//! takes an id of its own: the ledger keeps each schedule's text as loaded
//! and refuses to change or remove it (migration 0001's triggers), so a
//! bill always names the schedule that rated it. Before it is saved it is
//! previewed against a sample of accounts: each one's last month rated by
//! the schedule that would otherwise apply and by the new one, side by side.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Actor, Desk, DeskError, Result, audit};
use crate::domain::Money;
use crate::domain::rates::{RateBook, RateSchedule, RatingInput, total};
use crate::domain::user::Role;
use crate::store::Db;

/// How many accounts a new schedule is previewed against.
pub const PREVIEW_ACCOUNTS: usize = 12;

/// A schedule in the ledger.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduleSummary {
    pub id: String,
    pub name: String,
    pub effective_from: NaiveDate,
    pub loaded_at: DateTime<Utc>,
    /// Bills it rated.
    pub bills: i64,
    /// Figures marked as stand-ins, not published rates.
    pub placeholders: usize,
    /// In effect today.
    pub in_effect: bool,
}

/// One account's last month under the schedule that would otherwise apply
/// and under the new one.
#[derive(Debug, Clone, Serialize)]
pub struct PreviewLine {
    pub account: String,
    pub gallons: u64,
    pub current: Money,
    pub proposed: Money,
    pub difference: Money,
}

/// A figure that differs between the two schedules.
#[derive(Debug, Clone, Serialize)]
pub struct FigureChange {
    pub figure: String,
    pub current: Option<rust_decimal::Decimal>,
    pub proposed: Option<rust_decimal::Decimal>,
}

/// What a new schedule would change, before (or as) it is saved.
#[derive(Debug, Clone, Serialize)]
pub struct RatePreview {
    pub id: String,
    pub name: String,
    pub effective_from: NaiveDate,
    /// The schedule it follows: the one in effect the day it starts.
    pub replaces: Option<String>,
    pub figures: Vec<FigureChange>,
    pub accounts: Vec<PreviewLine>,
    /// Figures the new schedule marks as stand-ins.
    pub placeholders: Vec<String>,
    /// SHA-256 of the file's text, as kept in the audit record.
    pub sha256: String,
}

impl Desk {
    /// The ledger's schedules, oldest first.
    pub fn rate_schedules(&mut self, now: DateTime<Utc>) -> Result<Vec<ScheduleSummary>> {
        let today = self.today(now);
        self.read_batch(|batch| {
            let db = batch.db;
            let bills = db.bills_by_schedule()?;
            let current = batch.rates.in_effect(today).map(|s| s.id().to_string());
            db.rate_schedule_rows()?
                .into_iter()
                .map(|row| {
                    let schedule = RateSchedule::from_toml(&row.source)?;
                    Ok(ScheduleSummary {
                        bills: bills.iter().find(|(id, _)| *id == row.id).map_or(0, |(_, n)| *n),
                        name: schedule.terms().name.clone(),
                        placeholders: schedule.terms().placeholders.len(),
                        in_effect: current.as_deref() == Some(row.id.as_str()),
                        id: row.id,
                        effective_from: row.effective_from,
                        loaded_at: row.loaded_at,
                    })
                })
                .collect()
        })
    }

    /// One schedule and its text as loaded.
    pub fn rate_schedule(&mut self, id: &str) -> Result<(RateSchedule, String)> {
        self.read_batch(|batch| {
            let row = batch.db.rate_schedule_rows()?.into_iter().find(|row| row.id == id);
            let row = row.ok_or_else(|| DeskError::Invalid(format!("no rate schedule \"{id}\" (see `rates list`)")))?;
            Ok((RateSchedule::from_toml(&row.source)?, row.source))
        })
    }

    /// A new schedule checked and previewed; nothing is written.
    pub fn preview_rates(&mut self, source: &str) -> Result<RatePreview> {
        self.read_batch(|batch| {
            let schedule = check_new(batch.db, batch.rates, source)?;
            preview(batch.db, batch.rates, &schedule, source)
        })
    }

    /// Saves a new schedule (a Manager), checked and previewed as
    /// [`Desk::preview_rates`] in the same transaction, and audited with
    /// its digest. Returns the preview it was saved on.
    pub fn load_rates(&mut self, actor: &Actor, now: DateTime<Utc>, source: &str) -> Result<RatePreview> {
        if actor.role != Role::Manager {
            return Err(DeskError::NotPermitted(format!(
                "rate schedules are loaded by a Manager, not a {}",
                actor.role.title()
            )));
        }
        self.write(|db, rates| {
            let schedule = check_new(db, rates, source)?;
            let previewed = preview(db, rates, &schedule, source)?;
            db.insert_rate_schedule(schedule.id(), schedule.effective_from(), source, now)?;
            let detail = serde_json::json!({
                "id": previewed.id, "name": previewed.name, "effective_from": previewed.effective_from,
                "replaces": previewed.replaces, "sha256": previewed.sha256, "figures": previewed.figures,
                "previewed_accounts": previewed.accounts.len(),
            });
            audit(db, now, Some(actor), "rates-load", &format!("rates:{}", schedule.id()), None, &detail)?;
            Ok(previewed)
        })
    }
}

/// The schedule in `source`, refused unless it can join the ledger's.
fn check_new(db: &Db, rates: &RateBook, source: &str) -> Result<RateSchedule> {
    // The text is kept whole, comments and all: no card number goes in.
    super::no_card_number_in("rate file", source)?;
    let schedule = RateSchedule::from_toml(source)?;
    let (id, from) = (schedule.id(), schedule.effective_from());
    if rates.get(id).is_some() {
        return Err(DeskError::Invalid(format!(
            "a schedule with id \"{id}\" is in the ledger already, and a schedule is never changed once loaded: \
             give the new one an id of its own (e.g. \"{id}-b\")"
        )));
    }
    if let Some(same) = rates.schedules().iter().find(|s| s.effective_from() == from) {
        return Err(DeskError::Invalid(format!("schedule \"{}\" already starts on {from}", same.id())));
    }
    if let Some(last) = db.last_billed_day()?
        && from <= last
    {
        return Err(DeskError::Invalid(format!(
            "bills already cover the days up to {last}: a new schedule starts after them ({} or later), so no \
             billed period is rated again",
            last + Days::new(1)
        )));
    }
    let mut all = rates.schedules().to_vec();
    all.push(schedule.clone());
    RateBook::new(all)?;
    Ok(schedule)
}

fn preview(db: &Db, rates: &RateBook, schedule: &RateSchedule, source: &str) -> Result<RatePreview> {
    let replaced = rates.in_effect(schedule.effective_from());
    let mut accounts = Vec::new();
    for account in db.sample_active_accounts(PREVIEW_ACCOUNTS)? {
        let (Some(row), Some(bill)) = (db.account(account)?, db.recent_bills(account, 1)?.into_iter().next()) else {
            continue;
        };
        let input = RatingInput {
            services: &row.services,
            consumption_gal: bill.consumption_gal,
            sewer_cap_gal: bill.sewer_cap_gal,
            month_share: None,
        };
        let proposed = total(&schedule.rate(&input)?);
        let current = match replaced {
            Some(old) => total(&old.rate(&input)?),
            None => Money::ZERO,
        };
        accounts.push(PreviewLine {
            account: row.account.number.to_string(),
            gallons: bill.consumption_gal,
            current,
            proposed,
            difference: proposed - current,
        });
    }
    let old = replaced.map(|s| s.terms().figures()).unwrap_or_default();
    let new = schedule.terms().figures();
    let mut figures = Vec::new();
    for (figure, value) in &new {
        let before = old.iter().find(|(f, _)| f == figure).map(|(_, v)| *v);
        if before != Some(*value) {
            figures.push(FigureChange { figure: figure.clone(), current: before, proposed: Some(*value) });
        }
    }
    for (figure, value) in &old {
        if !new.iter().any(|(f, _)| f == figure) {
            figures.push(FigureChange { figure: figure.clone(), current: Some(*value), proposed: None });
        }
    }
    Ok(RatePreview {
        id: schedule.id().to_string(),
        name: schedule.terms().name.clone(),
        effective_from: schedule.effective_from(),
        replaces: replaced.map(|s| s.id().to_string()),
        figures,
        accounts,
        placeholders: schedule.terms().placeholders.clone(),
        sha256: crate::domain::audit::hex(&Sha256::digest(source.as_bytes())),
    })
}
