//! Opening accounts, finding them, and the account overview.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::{Actor, Batch, Desk, DeskError, Result, SYSTEM_KEY_PREFIX, audit, post_once, required_note};
use crate::domain::Money;
use crate::domain::account::{AccountStatus, Address, Services};
use crate::domain::aging::{Aging, Charge, age};
use crate::domain::ids::{AccountId, AccountNumber, CustomerId, PremiseId};
use crate::domain::ledger::{ChartAccount, Line, NewPosting, PostingKind, Side};
use crate::domain::reads::ReadKind;
use crate::domain::sewer_cap::{compute_cap, recompute_date};
use crate::records::{AccountRow, BillRow, EntryRow, NewAccount, SearchHit, ServiceAccount};
use crate::store::Db;

/// A new customer's details. Identity data only as its last four digits.
#[derive(Debug, Clone, Serialize)]
pub struct NewCustomer {
    pub name: String,
    pub mailing: Address,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub tax_id_last4: Option<String>,
}

/// Whose account it is: a new customer, or one the utility already serves
/// (a transfer, a second premise).
// Made once per account opened and moved into its request: its size costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Serialize)]
pub enum CustomerChoice {
    New(NewCustomer),
    Existing(CustomerId),
}

/// Where the account takes service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum PremiseChoice {
    New { address: Address, sewer_cap_gal: u64 },
    Existing(PremiseId),
}

/// Opening an account: customer, premise, services, opening meter read.
#[derive(Debug, Clone, Serialize)]
pub struct NewAccountRequest {
    pub customer: CustomerChoice,
    pub premise: PremiseChoice,
    /// The bill cycle (read and bill route), 1 to 99.
    pub cycle: u8,
    pub opened_on: NaiveDate,
    pub deposit: Money,
    pub services: Services,
    pub opening_read: u64,
}

/// The desk's first screen for an account, in one call.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub account: AccountRow,
    pub as_of: NaiveDate,
    pub aging: Aging,
    pub flags: OverviewFlags,
    pub sewer_cap_gal: Option<u64>,
    /// The last 24 bills, newest first (without lines).
    pub bills: Vec<BillRow>,
    /// The last 50 receivable entries, newest first.
    pub entries: Vec<EntryRow>,
    /// Who may be spoken to today beside the account holder.
    pub parties: Vec<crate::records::PartyRow>,
    /// The customer takes bills by email only.
    pub paperless: bool,
}

impl Overview {
    /// Who may be spoken to about the account, as a call needs it said:
    /// "Ann Lee (account holder); Bo Lee (full access until 2027-06-30);
    /// Cy Lee (payments only)".
    pub fn spoken_to(&self) -> String {
        let mut said = vec![format!("{} (account holder)", self.account.customer.name)];
        for party in &self.parties {
            let access = if party.access == "full" { "full access" } else { "payments only" };
            let until = party.ends_on.map_or_else(String::new, |d| format!(" until {d}"));
            said.push(format!("{} ({access}{until})", party.name));
        }
        said.join("; ")
    }
}

/// What a representative should notice first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct OverviewFlags {
    pub past_due: bool,
    pub cutoff_eligible: bool,
    pub last_read_estimated: bool,
    /// Requests awaiting approval.
    pub pending_items: u32,
    /// Complaints not yet closed.
    pub open_complaints: u32,
    /// Disputes not yet resolved (their amount is in `aging.disputed`).
    pub open_disputes: u32,
}

const OVERVIEW_BILLS: u32 = 24;
const OVERVIEW_ENTRIES: u32 = 50;

impl Batch<'_> {
    /// Opens an account, with its customer and (new or existing) premise.
    pub fn open_account(&self, actor: &Actor, now: DateTime<Utc>, request: &NewAccountRequest) -> Result<AccountId> {
        super::require(actor, crate::domain::user::Duty::OpenAccounts)?;
        check_new_account(request, self.today(now))?;
        self.atomic_checks_first(|db, _| open_account_in(db, actor, now, request, None))
    }
}

/// What an account to be opened must be, before the database is asked:
/// opened by today, named, no card number in its text, a tax id kept to its
/// last four digits.
pub(super) fn check_new_account(request: &NewAccountRequest, today: NaiveDate) -> Result<()> {
    {
        if request.opened_on > today {
            return Err(DeskError::FutureDate { what: "opening", date: request.opened_on, today });
        }
        if !(1..=99).contains(&request.cycle) {
            return Err(DeskError::Invalid(format!("the cycle {} is not one of 1 to 99", request.cycle)));
        }
        let CustomerChoice::New(customer) = &request.customer else { return Ok(()) };
        required_note(&customer.name, "customer name")?;
        let mailing = &customer.mailing;
        for (what, text) in [
            ("customer name", Some(customer.name.as_str())),
            ("mailing address", Some(mailing.line1.as_str())),
            ("mailing address", mailing.line2.as_deref()),
            ("phone number", customer.phone.as_deref()),
            ("email address", customer.email.as_deref()),
        ] {
            if let Some(text) = text {
                super::no_card_number_in(what, text)?;
            }
        }
        if let Some(last4) = &customer.tax_id_last4
            && (last4.len() != 4 || !last4.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(DeskError::Invalid("keep only the last four digits of a tax id".into()));
        }
        Ok(())
    }
}

impl Desk {
    /// Finds accounts by number, name, address, phone or meter.
    pub fn search(&mut self, text: &str) -> Result<Vec<SearchHit>> {
        self.store.read(|db| Ok(db.search(text)?))
    }

    /// The account by its printed number.
    pub fn account_by_number(&mut self, number: &str) -> Result<AccountRow> {
        let parsed = AccountNumber::parse(number).map_err(|e| DeskError::NotAnAccountNumber(e.to_string()))?;
        self.store
            .read(|db| Ok::<_, DeskError>(db.account_by_number(&parsed)?))?
            .ok_or_else(|| DeskError::UnknownAccount(parsed.to_string()))
    }

    /// Everything the first screen shows, as of `now`'s date.
    pub fn overview(&mut self, account: AccountId, now: DateTime<Utc>) -> Result<Overview> {
        let as_of = self.today(now);
        let cutoff_days = self.rates.in_effect(as_of).map_or(24, |s| s.terms().late_fee.cutoff_days);
        self.store.read(|db| {
            let row = db.account(account)?.ok_or_else(|| DeskError::UnknownAccount(account.to_string()))?;
            let aging = account_aging(db, account, as_of)?;
            let last_read = db.last_read(account)?;
            let flags = OverviewFlags {
                past_due: aging.past_due().is_positive(),
                // A final or closed account's service is already off.
                cutoff_eligible: row.account.status == AccountStatus::Active && aging.cutoff_eligible(cutoff_days),
                last_read_estimated: last_read.is_some_and(|r| r.kind == ReadKind::Estimated),
                pending_items: db.pending_count(account)?,
                open_complaints: db.open_complaint_count(account)?,
                open_disputes: db.open_dispute_count(account)?,
            };
            Ok(Overview {
                sewer_cap_gal: db.sewer_cap_on(account, as_of)?,
                bills: db.recent_bills(account, OVERVIEW_BILLS)?,
                entries: db.recent_entries(account, OVERVIEW_ENTRIES)?,
                parties: db.parties_on(account, as_of)?,
                paperless: db.customer_paperless(row.customer.id)?,
                account: row,
                as_of,
                aging,
                flags,
            })
        })
    }

    /// Recomputes every open account's sewer cap as of 1 May of `year`, from
    /// its winter bills (the May job: `sewer-caps recompute`); accounts
    /// without winter bills keep their cap. Once per account and year: run
    /// again, it sets none. One audit record says who ran it and how many
    /// caps it set. Returns that count.
    pub fn recompute_sewer_caps(&mut self, actor: &Actor, now: DateTime<Utc>, year: i32) -> Result<u64> {
        super::require(actor, crate::domain::user::Duty::PostBills)?;
        if !(2000..=2100).contains(&year) {
            return Err(DeskError::Invalid(format!("the year {year} is not one sewer caps are recomputed for")));
        }
        let on = recompute_date(year);
        let today = self.today(now);
        if on > today {
            return Err(DeskError::FutureDate { what: "sewer-cap recomputation", date: on, today });
        }
        self.write(|db, _| {
            let mut set = 0;
            for account in db.open_account_ids()? {
                let winter: Vec<_> = db.winter_bills(account)?.into_iter().map(|(_, bill)| bill).collect();
                if let Some(cap) = compute_cap(&winter, on) {
                    set += u64::from(db.insert_sewer_cap_once(account, on, cap, "winter-average")?);
                }
            }
            let detail = serde_json::json!({ "year": year, "effective_on": on, "caps_set": set });
            audit(db, now, Some(actor), "sewer-caps", &format!("year:{year}"), None, &detail)?;
            Ok(set)
        })
    }
}

/// Ages the account's receivable as of `as_of`.
pub(super) fn account_aging(db: &Db, account: AccountId, as_of: NaiveDate) -> Result<Aging> {
    aging_through(db, account, None, as_of)
}

/// The end of a past day: what stood on the books then is the entries
/// effective on or before `day` and the disputes open at `ends_at`, the
/// first instant of the next day in the utility's time zone.
#[derive(Debug, Clone, Copy)]
pub(super) struct DayEnd {
    pub day: NaiveDate,
    pub ends_at: DateTime<Utc>,
}

/// Ages what was on the account's books at the end of `through` (all of
/// it, with the disputes open now, with `None`) as of `as_of`.
pub(super) fn aging_through(db: &Db, account: AccountId, through: Option<DayEnd>, as_of: NaiveDate) -> Result<Aging> {
    // A past day's disputes are those open then, not those open now.
    let disputes_then = match through {
        Some(end) => Some((end.ends_at, db.disputes(account)?)),
        None => None,
    };
    let mut charges = Vec::new();
    let mut paid = Money::ZERO;
    for row in db.aging_rows(account, through.map(|end| end.day))? {
        let held = match (&disputes_then, row.bill) {
            (None, _) => row.disputed,
            (Some(_), None) => Money::ZERO,
            (Some((at, disputes)), Some(bill)) => {
                disputes.iter().filter(|d| d.bill_id == bill && d.was_open_at(*at)).map(|d| d.amount).sum()
            }
        };
        match row.side {
            Side::Debit => charges.push(Charge {
                due_on: row.due_on,
                amount: row.amount,
                is_late_fee: row.kind == PostingKind::LateFee,
                held,
            }),
            Side::Credit => paid += row.amount,
        }
    }
    Ok(age(&charges, paid, as_of))
}

/// An account that exists and is not closed.
pub(super) fn open_account_row(db: &Db, account: AccountId) -> Result<ServiceAccount> {
    let row = db.service_account(account)?.ok_or_else(|| DeskError::UnknownAccount(account.to_string()))?;
    if row.status == AccountStatus::Closed {
        return Err(DeskError::AccountClosed(row.number.to_string()));
    }
    Ok(row)
}

/// Where a converted account came from: its number in the old system, its
/// bill cycle, and the day it is brought in.
pub(super) struct Converted<'a> {
    pub legacy_number: &'a str,
    pub on: NaiveDate,
    /// The day of the meter's last read in the old system (the opening
    /// read's date, from which the first bill's period runs).
    pub read_on: NaiveDate,
}

pub(super) fn open_account_in(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    request: &NewAccountRequest,
    converted: Option<Converted>,
) -> Result<AccountId> {
    let customer_id = match &request.customer {
        CustomerChoice::New(customer) => db.insert_customer(
            customer.name.trim(),
            &customer.mailing,
            customer.phone.as_deref().map(crate::domain::account::tidy_phone).as_deref(),
            customer.email.as_deref(),
            customer.tax_id_last4.as_deref(),
            now,
        )?,
        CustomerChoice::Existing(id) => {
            if !db.customer_exists(*id)? {
                return Err(DeskError::Invalid(format!("no customer {id}")));
            }
            *id
        }
    };
    let (premise, cap) = match &request.premise {
        PremiseChoice::New { address, sewer_cap_gal } => (db.insert_premise(address, *sewer_cap_gal)?, *sewer_cap_gal),
        PremiseChoice::Existing(id) => {
            // One account takes service at a premise at a time.
            if let Some(number) = db.active_account_at_premise(*id)? {
                return Err(DeskError::Invalid(format!(
                    "the premise has active service on account {number}: stop or transfer that service first"
                )));
            }
            (*id, db.premise_sewer_cap(*id)?)
        }
    };
    let number = AccountNumber::from_sequence(db.max_account_sequence()?.max(10_000_000) + 1);
    let mut services = request.services.clone();
    services.meter_number = services.meter_number.trim().to_uppercase();
    let account = db.insert_account(&NewAccount {
        number: number.clone(),
        customer: customer_id,
        premise,
        opened_on: request.opened_on,
        deposit: request.deposit,
        services,
        legacy_number: converted.as_ref().map(|c| c.legacy_number.to_string()),
        cycle: request.cycle,
    })?;
    let detail = serde_json::json!({ "after": {
        "number": number, "customer": request.customer, "premise": request.premise, "services": request.services,
        "opened_on": request.opened_on,
        "legacy_number": converted.as_ref().map(|c| c.legacy_number), "cycle": request.cycle,
    } });
    audit(db, now, Some(actor), "account-open", &format!("account:{account}"), Some(account), &detail)?;
    // A new customer keeps the premise's cap until the next May.
    db.insert_sewer_cap(account, request.opened_on, cap, "premise")?;
    db.insert_read(
        account,
        converted.as_ref().map_or(request.opened_on, |c| c.read_on),
        request.opening_read,
        ReadKind::Actual,
        false,
        None,
        actor.user_id,
        now,
    )?;
    if request.deposit.is_positive() {
        let key = format!("{SYSTEM_KEY_PREFIX}deposit:{}", number.digits());
        // A deposit the old system held was paid there: it comes in against
        // the conversion account, on the day it is brought in.
        let (kind, effective_on, memo, from) = match &converted {
            None => (PostingKind::Deposit, request.opened_on, "Service deposit received", ChartAccount::Cash),
            Some(converted) => (
                PostingKind::OpeningBalance,
                converted.on,
                "Service deposit held, converted from the old system",
                ChartAccount::Conversion,
            ),
        };
        post_once(db, actor, now, &key, &(account, request.deposit), || {
            Ok(NewPosting {
                kind,
                account_id: Some(account),
                effective_on,
                memo: memo.into(),
                reason: None,
                bill_id: None,
                reverses: None,
                waives: None,
                lines: vec![Line::debit(from, request.deposit), Line::credit(ChartAccount::Deposits, request.deposit)],
            })
        })?;
    }
    Ok(account)
}
