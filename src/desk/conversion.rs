//! Conversion in: a utility's accounts brought from its old system. Every
//! account of a file is checked against the ledger first (its legacy number
//! not converted before with other data, its meter not in service on
//! another account, neither repeated in the file); only a file with no
//! problem is opened, all of it in one transaction, each account with its
//! own audit record and one more for the whole import. A file run again
//! opens nothing: a row whose legacy number was converted with the same
//! name and meter is counted as already converted.

use chrono::{DateTime, Utc};

use super::accounts::{Converted, NewAccountRequest, check_new_account, open_account_in};
use super::{Actor, Desk, DeskError, Result, audit};
use crate::domain::ids::AccountNumber;
use crate::domain::user::Role;
use crate::store::Db;

/// One account of a conversion file.
#[derive(Debug, Clone)]
pub struct ConvertedAccount {
    /// Its number in the old system: kept, and found by search.
    pub legacy_number: String,
    /// Its bill cycle (read and bill route), 1 to 99.
    pub cycle: u8,
    pub request: NewAccountRequest,
}

/// What a conversion did (or, dry, would do).
#[derive(Debug, Clone, Default)]
pub struct ConversionReport {
    /// Each account opened: its legacy number and its new number (none on
    /// a dry run).
    pub opened: Vec<(String, Option<AccountNumber>)>,
    /// Rows whose account was converted before, from the same data.
    pub already: u64,
}

/// A row that cannot be converted: its place in the file's rows, and why.
pub type RowProblem = (usize, String);

impl Desk {
    /// Checks every account of a conversion file against the rules and the
    /// ledger, changing nothing: the problems, by the row's place in
    /// `accounts`. See the module.
    pub fn check_conversion(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        accounts: &[ConvertedAccount],
    ) -> Result<Vec<RowProblem>> {
        may_convert(actor)?;
        let today = self.today(now);
        self.store.read(|db| problems(db, accounts, today))
    }

    /// Opens every account of a conversion file in one transaction, or
    /// none: refused, with nothing written, if any row has a problem (the
    /// ledger is checked again inside the transaction). Administrators and
    /// Managers only.
    pub fn import_accounts(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        accounts: &[ConvertedAccount],
    ) -> Result<ConversionReport> {
        may_convert(actor)?;
        let today = self.today(now);
        self.write(|db, _| {
            let found = problems(db, accounts, today)?;
            if let Some((row, why)) = found.first() {
                return Err(DeskError::Invalid(format!(
                    "row {} of the file cannot be converted ({why}){}; nothing was written",
                    row + 1,
                    if found.len() > 1 { format!(", and {} more", found.len() - 1) } else { String::new() }
                )));
            }
            let mut report = ConversionReport::default();
            for account in accounts {
                if db.account_by_legacy_number(account.legacy_number.trim())?.is_some() {
                    report.already += 1;
                    continue;
                }
                let converted = Converted { legacy_number: account.legacy_number.trim(), cycle: account.cycle };
                let id = open_account_in(db, actor, now, &account.request, Some(converted))?;
                let number = db.account(id)?.map(|row| row.account.number);
                report.opened.push((account.legacy_number.trim().to_string(), number));
            }
            let detail =
                serde_json::json!({ "rows": accounts.len(), "opened": report.opened.len(), "already": report.already });
            audit(db, now, Some(actor), "accounts-import", "conversion", None, &detail)?;
            Ok(report)
        })
    }
}

/// Only an Administrator or a Manager converts accounts.
fn may_convert(actor: &Actor) -> Result<()> {
    if matches!(actor.role, Role::Admin | Role::Manager) {
        Ok(())
    } else {
        Err(DeskError::NotPermitted(format!(
            "{} may not convert accounts from the old system; an Administrator or a Manager may",
            actor.role.title()
        )))
    }
}

/// Every row's problem, checked against `db` and the rows before it.
fn problems(db: &Db, accounts: &[ConvertedAccount], today: chrono::NaiveDate) -> Result<Vec<RowProblem>> {
    use std::collections::HashMap;
    let mut found = Vec::new();
    let mut legacy_rows: HashMap<String, usize> = HashMap::new();
    let mut meter_rows: HashMap<String, usize> = HashMap::new();
    for (row, account) in accounts.iter().enumerate() {
        let legacy = account.legacy_number.trim();
        let meter = account.request.services.meter_number.trim().to_uppercase();
        let name = account.request.customer.name.trim();
        let problem = (|| -> Result<Option<String>> {
            if legacy.is_empty() || legacy.chars().count() > 30 {
                return Ok(Some("the legacy number needs 1 to 30 characters".into()));
            }
            if !(1..=99).contains(&account.cycle) {
                return Ok(Some(format!("the cycle {} is not one of 1 to 99", account.cycle)));
            }
            if account.request.deposit.is_positive() {
                return Ok(Some(
                    "deposits held are not converted yet (they come with opening balances): leave it 0".into(),
                ));
            }
            if let Err(why) = check_new_account(&account.request, today) {
                return Ok(Some(why.to_string()));
            }
            if let Some(first) = legacy_rows.insert(legacy.to_string(), row) {
                return Ok(Some(format!("the legacy number {legacy} is also on row {} of the file", first + 1)));
            }
            if let Some(first) = meter_rows.insert(meter.clone(), row) {
                return Ok(Some(format!("the meter {meter} is also on row {} of the file", first + 1)));
            }
            if let Some(before) = db.account_by_legacy_number(legacy)? {
                if before.name == name && before.meter_number == meter {
                    return Ok(None);
                }
                return Ok(Some(format!(
                    "the legacy number {legacy} was converted before as account {} ({}, meter {}), not as this row \
                     says ({name}, meter {meter})",
                    before.number, before.name, before.meter_number
                )));
            }
            if let Some(number) = db.meter_in_service(&meter)? {
                return Ok(Some(format!("the meter {meter} is in service on account {number}")));
            }
            Ok(None)
        })()?;
        if let Some(problem) = problem {
            found.push((row, problem));
        }
    }
    Ok(found)
}
