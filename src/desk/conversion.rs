//! Conversion in: a utility's accounts brought from its old system. Every
//! account of a file is checked against the ledger first (its legacy number
//! not converted before with other data, its meter not in service on
//! another account, neither repeated in the file); only a file with no
//! problem is opened, all of it in one transaction, each account with its
//! own audit record and one more for the whole import. A file run again
//! opens nothing: a row whose legacy number was converted with the same
//! name and meter is counted as already converted.
//!
//! What each account owed comes in on the conversion day (the day of the
//! import) against `equity:conversion`, one posting per aging bucket, so
//! the books balance from the first day and the account ages as it did in
//! the old system: the part not yet due falls due on the old bill's due
//! date, and each past-due part is aged from the middle of its bucket (15,
//! 45, 75 and 105 days before the conversion). A deposit held comes in the
//! same way; winter use billed by the old system is kept for the May
//! sewer-cap recomputation.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::Serialize;

use super::accounts::{Converted, CustomerChoice, NewAccountRequest, check_new_account, open_account_in};
use super::billing::PAYMENT_TERMS_DAYS;
use super::posting::post_once;
use super::{Actor, Desk, DeskError, Result, SYSTEM_KEY_PREFIX, audit};
use crate::domain::Money;
use crate::domain::ids::{AccountId, AccountNumber};
use crate::domain::ledger::{ChartAccount, Line, NewPosting, PostingKind, Side};
use crate::domain::sewer_cap::WinterBill;
use crate::domain::user::Role;
use crate::store::Db;

/// One account of a conversion file.
#[derive(Debug, Clone)]
pub struct ConvertedAccount {
    /// Its number in the old system: kept, and found by search.
    pub legacy_number: String,
    pub request: NewAccountRequest,
    /// What it owed, or had paid ahead, on the conversion day.
    pub opening: OpeningBalance,
    /// Winter water use the old system billed (for the sewer cap).
    pub winter_use: Vec<WinterBill>,
    /// The day of the meter's last read (the request's opening read); `None`:
    /// the conversion day.
    pub meter_read_on: Option<NaiveDate>,
}

/// What an account owed on the conversion day, by how long past due, or
/// had paid ahead (never both: the old system applies one to the other).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OpeningBalance {
    /// Billed and not yet due.
    pub current: Money,
    /// When that part falls due (the old bill's due date); `None`: the
    /// usual terms after the conversion day.
    pub current_due_on: Option<NaiveDate>,
    pub days_1_30: Money,
    pub days_31_60: Money,
    pub days_61_90: Money,
    pub over_90: Money,
    /// Paid beyond what was owed: a credit balance.
    pub credit: Money,
}

/// Days before the conversion that each past-due bucket is aged from: the
/// middle of the bucket (over 90 days: 105).
const PAST_DUE_BUCKETS: [(&str, u64, &str); 4] = [
    ("1-30", 15, "1 to 30 days past due"),
    ("31-60", 45, "31 to 60 days past due"),
    ("61-90", 75, "61 to 90 days past due"),
    ("over-90", 105, "over 90 days past due"),
];

impl OpeningBalance {
    fn past_due(&self) -> [Money; 4] {
        [self.days_1_30, self.days_31_60, self.days_61_90, self.over_90]
    }

    /// What the account owes on the conversion day (negative: a credit).
    pub fn balance(&self) -> Money {
        self.current + self.past_due().into_iter().sum::<Money>() - self.credit
    }

    /// Why it cannot be brought in on `on`, if it cannot.
    fn problem(&self, on: NaiveDate) -> Option<String> {
        let amounts = [self.current, self.credit].into_iter().chain(self.past_due());
        if amounts.clone().any(|m| m.is_negative()) {
            return Some("an opening balance amount is negative (a credit balance goes in credit_balance)".into());
        }
        if amounts.clone().any(|m| m.cents() >= crate::domain::money::MAX_LINE_CENTS) {
            return Some("an opening balance amount is too large for one ledger line".into());
        }
        if self.credit.is_positive() && self.balance() + self.credit != Money::ZERO {
            return Some(
                "both an amount owed and a credit balance: the old system applies one to the other, so give \
                 only what is left"
                    .into(),
            );
        }
        match self.current_due_on {
            Some(due) if due < on => Some(format!(
                "the current amount is due on {due}, before the conversion day {on}: it is past due, so it goes \
                 in a past-due column"
            )),
            Some(due) if due > on + Days::new(90) => {
                Some(format!("the current amount is due on {due}, more than 90 days after the conversion day"))
            }
            Some(_) if !self.current.is_positive() => {
                Some("a due date for the current amount, but no current amount".into())
            }
            _ => None,
        }
    }

    /// Each posting that brings it in: a key's bucket, the memo, the due
    /// date, the amount and the receivable's side. The memo ends with the
    /// due date, so the posting's audit record commits to it (`verify`
    /// compares the two).
    fn postings(&self, on: NaiveDate) -> Vec<(&'static str, String, NaiveDate, Money, Side)> {
        let mut all = Vec::new();
        if self.current.is_positive() {
            let due = self.current_due_on.unwrap_or(on + Days::new(PAYMENT_TERMS_DAYS));
            let memo = format!("Balance converted from the old system, not yet due (due {due})");
            all.push(("current", memo, due, self.current, Side::Debit));
        }
        for ((bucket, days, said), amount) in PAST_DUE_BUCKETS.iter().zip(self.past_due()) {
            if amount.is_positive() {
                let due = on - Days::new(*days);
                let memo = format!("Balance converted from the old system, {said} (aged from {due})");
                all.push((*bucket, memo, due, amount, Side::Debit));
            }
        }
        if self.credit.is_positive() {
            all.push(("credit", "Credit balance converted from the old system".into(), on, self.credit, Side::Credit));
        }
        all
    }
}

/// Posts what a converted account owed or had paid ahead.
fn post_opening_balance(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    account: AccountId,
    number: &AccountNumber,
    opening: &OpeningBalance,
    on: NaiveDate,
) -> Result<()> {
    for (bucket, memo, due_on, amount, side) in opening.postings(on) {
        let key = format!("{SYSTEM_KEY_PREFIX}opening:{}:{bucket}", number.digits());
        let posted = post_once(db, actor, now, &key, &(account, bucket, amount, due_on), || {
            Ok(NewPosting {
                kind: PostingKind::OpeningBalance,
                account_id: Some(account),
                effective_on: on,
                memo,
                reason: None,
                bill_id: None,
                reverses: None,
                waives: None,
                lines: vec![
                    Line::receivable(account, side, amount),
                    Line { ledger: ChartAccount::Conversion, account_id: None, side: side.opposite(), amount },
                ],
            })
        })?;
        if side == Side::Debit && !posted.replayed {
            db.insert_opening_balance_due(posted.posting_id, due_on)?;
        }
    }
    Ok(())
}

/// What a conversion did (or, dry, would do).
#[derive(Debug, Clone, Default)]
pub struct ConversionReport {
    /// Each account opened: its legacy number and its new number (none on
    /// a dry run).
    pub opened: Vec<(String, Option<AccountNumber>)>,
    /// Rows whose account was converted before, from the same data.
    pub already: u64,
    /// What the accounts opened owe in all (negative: credit balances).
    pub balances: Money,
    /// Deposits held by the accounts opened.
    pub deposits: Money,
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
        progress: &mut dyn FnMut(u64),
    ) -> Result<Vec<RowProblem>> {
        may_convert(actor)?;
        let today = self.today(now);
        self.store.read(|db| problems(db, accounts, today, progress))
    }

    /// Opens every account of a conversion file in one transaction, or
    /// none: refused with [`DeskError::Rows`], nothing written, if any row
    /// has a problem. Administrators and Managers only. `progress` hears
    /// the rows checked and then opened (twice the rows in all).
    pub fn import_accounts(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        accounts: &[ConvertedAccount],
        progress: &mut dyn FnMut(u64),
    ) -> Result<ConversionReport> {
        may_convert(actor)?;
        let today = self.today(now);
        self.write(|db, _| {
            let found = problems(db, accounts, today, progress)?;
            if !found.is_empty() {
                return Err(DeskError::Rows { doing: "converted", problems: found });
            }
            let mut report = ConversionReport::default();
            for account in accounts {
                if db.account_by_legacy_number(account.legacy_number.trim())?.is_some() {
                    report.already += 1;
                    progress(accounts.len() as u64 + report.opened.len() as u64 + report.already);
                    continue;
                }
                let converted = Converted {
                    legacy_number: account.legacy_number.trim(),
                    on: today,
                    read_on: account.meter_read_on.unwrap_or(today),
                };
                let id = open_account_in(db, actor, now, &account.request, Some(converted))?;
                let number = db.account(id)?.ok_or_else(|| DeskError::UnknownAccount(id.to_string()))?.account.number;
                post_opening_balance(db, actor, now, id, &number, &account.opening, today)?;
                for winter in &account.winter_use {
                    db.insert_converted_winter_use(id, winter)?;
                }
                report.balances += account.opening.balance();
                report.deposits += account.request.deposit;
                report.opened.push((account.legacy_number.trim().to_string(), Some(number)));
                progress(accounts.len() as u64 + report.opened.len() as u64 + report.already);
            }
            let detail = serde_json::json!({
                "rows": accounts.len(), "opened": report.opened.len(), "already": report.already,
                "on": today, "balances": report.balances, "deposits": report.deposits,
            });
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
fn problems(
    db: &Db,
    accounts: &[ConvertedAccount],
    today: NaiveDate,
    progress: &mut dyn FnMut(u64),
) -> Result<Vec<RowProblem>> {
    use std::collections::HashMap;
    let mut found = Vec::new();
    let mut legacy_rows: HashMap<String, usize> = HashMap::new();
    let mut meter_rows: HashMap<String, usize> = HashMap::new();
    for (row, account) in accounts.iter().enumerate() {
        let legacy = account.legacy_number.trim();
        let meter = account.request.services.meter_number.trim().to_uppercase();
        let name = match &account.request.customer {
            CustomerChoice::New(customer) => customer.name.trim(),
            CustomerChoice::Existing(_) => "",
        };
        let problem = (|| -> Result<Option<String>> {
            if legacy.is_empty() || legacy.chars().count() > 30 {
                return Ok(Some("the legacy number needs 1 to 30 characters".into()));
            }
            // Each number is counted before anything else is checked, so a
            // repeat is named whatever else is wrong with the first row.
            let first_legacy = *legacy_rows.entry(legacy.to_string()).or_insert(row);
            let first_meter = *meter_rows.entry(meter.clone()).or_insert(row);
            if first_legacy != row {
                return Ok(Some(format!("the legacy number {legacy} is also on row {} of the file", first_legacy + 1)));
            }
            if first_meter != row {
                return Ok(Some(format!("the meter {meter} is also on row {} of the file", first_meter + 1)));
            }
            if account.request.deposit.is_negative() {
                return Ok(Some("the deposit held is negative".into()));
            }
            if let Some(read_on) = account.meter_read_on
                && (read_on < account.request.opened_on || read_on > today)
            {
                return Ok(Some(format!(
                    "the meter was last read on {read_on}, not between the day service began ({}) and today ({today})",
                    account.request.opened_on
                )));
            }
            if let Some(why) = account.opening.problem(today) {
                return Ok(Some(why));
            }
            if let Some(winter) = account.winter_use.iter().find(|w| w.bill_date >= today) {
                return Ok(Some(format!(
                    "winter use billed on {} is not before the conversion day {today}",
                    winter.bill_date
                )));
            }
            if let Err(why) = check_new_account(&account.request, today) {
                return Ok(Some(why.to_string()));
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
        progress(row as u64 + 1);
    }
    Ok(found)
}
