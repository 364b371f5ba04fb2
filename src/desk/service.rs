//! Service at the desk: started, ended, moved. `start_service` opens an
//! account for a new or existing customer at a premise, refused where the
//! premise has active service or the meter is in service elsewhere.
//! `stop_service` ends an active account's service on a day, from the
//! meter's final read, and bills it: the final bill runs from the day after
//! the last read to the day service ended, its monthly charges prorated to
//! those days (`rates::MonthShare`). A final read that fails an exception
//! rule is held like any other, and the cycle's next bill run bills it once
//! a CAR III has decided it. `transfer_service` does both in one
//! transaction, for the same customer.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::Serialize;

use super::accounts::{CustomerChoice, NewAccountRequest, PremiseChoice};
use super::billing::{BillPosted, BillRequest, NewRead, post_bill_in};
use super::posting::{SYSTEM_KEY_PREFIX, post_once};
use super::{Actor, Desk, DeskError, Result, audit};
use crate::domain::Money;
use crate::domain::account::{AccountStatus, Services};
use crate::domain::cases::check_case_worker;
use crate::domain::ids::AccountId;
use crate::domain::ledger::{Line, NewPosting, PostingKind, Side};
use crate::domain::rates::RateBook;
use crate::domain::reads::{ReadException, consumption, read_exception};
use crate::domain::user::Duty;
use crate::records::{NewCycleRead, ReadRow, ServiceAccount};
use crate::store::Db;

/// Ending an account's service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StopRequest {
    pub account: AccountId,
    /// The last day of service: the final read is taken that day.
    pub on: NaiveDate,
    /// The final read (its day is `on`).
    pub read: NewRead,
}

/// What a stop did.
#[derive(Debug, Clone, Serialize)]
pub struct Stopped {
    pub on: NaiveDate,
    pub gallons: u64,
    /// The final bill, unless the final read is held.
    pub bill: Option<BillPosted>,
    /// Why the final read is held (the bill run bills it once decided).
    pub held: Option<(ReadException, String)>,
}

impl Desk {
    /// Ends an active account's service on `request.on` and bills it from
    /// the final read (see the module). Any representative; refused, with
    /// nothing written, on a day after today or not after the last read, a
    /// bill already running past it, a reading that cannot follow the last.
    pub fn stop_service(&mut self, actor: &Actor, now: DateTime<Utc>, request: &StopRequest) -> Result<Stopped> {
        check_case_worker(actor.role).map_err(DeskError::NotPermitted)?;
        let today = self.today(now);
        self.write(|db, rates| stop_in(db, rates, actor, now, today, request))
    }

    /// Starts service: an account for a new or existing customer at a
    /// premise (one already served at that address is used, with its sewer
    /// cap). Any representative; refused, with nothing written, where the
    /// premise has active service or the meter is in service on another
    /// account, naming it.
    pub fn start_service(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        request: &NewAccountRequest,
    ) -> Result<AccountId> {
        check_case_worker(actor.role).map_err(DeskError::NotPermitted)?;
        super::require(actor, Duty::OpenAccounts)?;
        super::accounts::check_new_account(request, self.today(now))?;
        self.write(|db, _| start_in(db, actor, now, request))
    }

    /// Moves a customer's service: ends it at the account's premise on
    /// `request.on` from the final read, with the final bill, and starts it
    /// for the same customer at the new premise, in one transaction (all of
    /// it, or nothing).
    pub fn transfer_service(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        request: &TransferRequest,
    ) -> Result<Transferred> {
        check_case_worker(actor.role).map_err(DeskError::NotPermitted)?;
        super::require(actor, Duty::OpenAccounts)?;
        let today = self.today(now);
        if request.starts_on < request.stop.on {
            return Err(DeskError::Invalid(format!(
                "service at the new premise starts on {}, before it ends at the old one ({})",
                request.starts_on, request.stop.on
            )));
        }
        self.write(|db, rates| {
            let old = db
                .account(request.stop.account)?
                .ok_or_else(|| DeskError::UnknownAccount(request.stop.account.to_string()))?;
            let stopped = stop_in(db, rates, actor, now, today, &request.stop)?;
            let new = NewAccountRequest {
                customer: CustomerChoice::Existing(old.account.customer_id),
                premise: request.premise.clone(),
                cycle: db.account_cycle(old.account.id)?,
                opened_on: request.starts_on,
                deposit: Money::ZERO,
                services: request.services.clone(),
                opening_read: request.opening_read,
            };
            super::accounts::check_new_account(&new, today)?;
            let opened = start_in(db, actor, now, &new)?;
            let number = db.account(opened)?.map(|a| a.account.number.to_string()).unwrap_or_default();
            let balance_moved = match request.move_balance {
                true => move_balance_in(db, actor, now, today, old.account.id, opened)?,
                false => None,
            };
            let detail = serde_json::json!({ "from": old.account.number, "to": number, "on": request.stop.on,
                                             "starts_on": request.starts_on });
            audit(
                db,
                now,
                Some(actor),
                "service-transfer",
                &format!("account:{}", old.account.number),
                Some(old.account.id),
                &detail,
            )?;
            Ok(Transferred { stopped, opened, balance_moved })
        })
    }
}

impl Desk {
    /// Moves a final account's whole balance, owed or a credit, to another
    /// open account of the same customer, in one posting with a receivable
    /// line on each (kind `balance-transfer`; no money comes in or goes
    /// out, so no limit applies), audited. Refused, with nothing written,
    /// unless `from` is final with a balance and `to` is another account of
    /// its customer that is not closed. Returns the amount moved (what
    /// `from` owed; negative for a credit).
    pub fn move_balance(&mut self, actor: &Actor, now: DateTime<Utc>, from: AccountId, to: AccountId) -> Result<Money> {
        check_case_worker(actor.role).map_err(DeskError::NotPermitted)?;
        let today = self.today(now);
        self.write(|db, _| {
            let old = db.account(from)?.ok_or_else(|| DeskError::UnknownAccount(from.to_string()))?;
            if old.account.status != AccountStatus::Final {
                return Err(DeskError::Invalid(format!(
                    "account {} is {}: a balance moves only from a final account (its service ended)",
                    old.account.number, old.account.status
                )));
            }
            move_balance_in(db, actor, now, today, from, to)?
                .ok_or_else(|| DeskError::Invalid(format!("account {} has no balance to move", old.account.number)))
        })
    }

    /// Closes every final account that is settled: nothing owed or owing,
    /// its final bill done, and no complaint, dispute, order or request
    /// open (the month's job, or a Manager). Each closing is audited; the
    /// accounts closed, by number, and those kept final with why.
    pub fn close_settled(&mut self, actor: &Actor, now: DateTime<Utc>) -> Result<Settled> {
        super::require(actor, Duty::PostBills)?;
        self.write(|db, _| {
            let (mut closed, mut kept) = (Vec::new(), Vec::new());
            for (account, number) in db.zero_balance_final_accounts()? {
                let ended = db.service_account(account)?.and_then(|a| a.service_ended_on);
                let last = db.last_read(account)?.map(|r| r.read_on);
                let open = [
                    (db.open_complaint_count(account)?, "complaint"),
                    (db.open_dispute_count(account)?, "dispute"),
                    (db.open_order_count(account)?, "service order"),
                    (db.pending_count(account)?, "request for approval"),
                ];
                let why = if ended.is_some_and(|e| last.is_none_or(|l| l < e)) {
                    Some("its final bill is not done (the final read is held or missing)".to_string())
                } else {
                    open.iter().find(|(n, _)| *n > 0).map(|(n, what)| format!("{n} {what}(s) open"))
                };
                match why {
                    Some(why) => kept.push((number.to_string(), why)),
                    None => {
                        db.close_account(account)?;
                        let detail = serde_json::json!({ "before": "final", "after": "closed", "balance": 0 });
                        audit(
                            db,
                            now,
                            Some(actor),
                            "account-close",
                            &format!("account:{number}"),
                            Some(account),
                            &detail,
                        )?;
                        closed.push(number.to_string());
                    }
                }
            }
            Ok(Settled { closed, kept })
        })
    }
}

/// What closing settled accounts did: those closed, and those kept final
/// with why (by number).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Settled {
    pub closed: Vec<String>,
    pub kept: Vec<(String, String)>,
}

/// Moving service: the stop at the old premise, and the new premise's
/// service for the same customer (its customer, cycle and deposit come
/// from the old account).
#[derive(Debug, Clone, Serialize)]
pub struct TransferRequest {
    pub stop: StopRequest,
    pub premise: PremiseChoice,
    pub starts_on: NaiveDate,
    pub services: Services,
    /// The new meter's reading when service starts.
    pub opening_read: u64,
    /// The old account's balance after its final bill, owed or a credit,
    /// goes to the new account (see [`Desk::move_balance`]).
    pub move_balance: bool,
}

/// Where service starts when a transfer order is completed: the new
/// premise and meter (the services are the old account's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct NewServiceAt {
    pub premise: PremiseChoice,
    pub meter_number: String,
    /// The new meter's size and dials (`None`: the same as the old one's).
    pub meter_size: Option<(crate::domain::account::MeterSize, u32)>,
    pub opening_read: u64,
    /// The old account's balance after its final bill goes across.
    pub move_balance: bool,
}

/// Opens the account at the new premise for `old`'s customer, with its
/// services and cycle and the new meter, from `starts_on`; moves the
/// balance if asked. The old account's service has ended in this
/// transaction.
pub(super) fn open_moved_in(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    today: NaiveDate,
    old: AccountId,
    starts_on: NaiveDate,
    at: &NewServiceAt,
) -> Result<(AccountId, Option<Money>)> {
    let row = db.account(old)?.ok_or_else(|| DeskError::UnknownAccount(old.to_string()))?;
    let mut services = row.services.clone();
    services.meter_number = at.meter_number.trim().to_uppercase();
    if let Some((size, dials)) = at.meter_size {
        services.meter_size = size;
        services.meter_dials = dials;
    }
    let new = NewAccountRequest {
        customer: CustomerChoice::Existing(row.account.customer_id),
        premise: at.premise.clone(),
        cycle: db.account_cycle(old)?,
        opened_on: starts_on,
        deposit: Money::ZERO,
        services,
        opening_read: at.opening_read,
    };
    super::accounts::check_new_account(&new, today)?;
    let opened = start_in(db, actor, now, &new)?;
    let moved = match at.move_balance {
        true => move_balance_in(db, actor, now, today, old, opened)?,
        false => None,
    };
    Ok((opened, moved))
}

/// Starts service again at the premise of `old`, whose service has ended,
/// for the same customer with the same services and meter, from `on` and
/// the meter's `reading` (a start order completed in the field).
pub(super) fn restart_in(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    today: NaiveDate,
    old: AccountId,
    on: NaiveDate,
    reading: u64,
) -> Result<AccountId> {
    let row = db.account(old)?.ok_or_else(|| DeskError::UnknownAccount(old.to_string()))?;
    let number = row.account.number;
    if row.account.status == AccountStatus::Active {
        return Err(DeskError::Invalid(format!(
            "account {number} has service already: its start order is completed without a reading"
        )));
    }
    if let Some(ended) = row.account.closed_on
        && on <= ended
    {
        return Err(DeskError::Invalid(format!(
            "account {number}'s service ended on {ended}: it starts again after that day, not on {on}"
        )));
    }
    let new = NewAccountRequest {
        customer: CustomerChoice::Existing(row.account.customer_id),
        premise: PremiseChoice::Existing(row.account.premise_id),
        cycle: db.account_cycle(old)?,
        opened_on: on,
        deposit: Money::ZERO,
        services: row.services.clone(),
        opening_read: reading,
    };
    super::accounts::check_new_account(&new, today)?;
    start_in(db, actor, now, &new)
}

/// What a transfer did.
#[derive(Debug, Clone, Serialize)]
pub struct Transferred {
    pub stopped: Stopped,
    pub opened: AccountId,
    /// The balance moved to the new account, if one was.
    pub balance_moved: Option<Money>,
}

/// The first day at the new premise when none is given: the day after the
/// last at the old one, or today when that is tomorrow (a move done on the
/// day the customer moves).
pub fn first_day_after(stop_on: NaiveDate, today: NaiveDate) -> NaiveDate {
    (stop_on + chrono::Days::new(1)).min(today).max(stop_on)
}

/// A moved balance in words: "balance of $12.00" when it was owed,
/// "credit of $20.00" when the customer was owed.
pub fn moved_balance_words(amount: Money) -> String {
    match amount.is_negative() {
        true => format!("credit of {}", amount.abs()),
        false => format!("balance of {amount}"),
    }
}

/// Moves `from`'s balance to `to` (another account of the same customer,
/// not closed): `None` when there is none to move.
fn move_balance_in(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    today: NaiveDate,
    from: AccountId,
    to: AccountId,
) -> Result<Option<Money>> {
    let old = db.account(from)?.ok_or_else(|| DeskError::UnknownAccount(from.to_string()))?;
    let new = db.account(to)?.ok_or_else(|| DeskError::UnknownAccount(to.to_string()))?;
    let (from_number, to_number) = (old.account.number, new.account.number);
    if from == to {
        return Err(DeskError::Invalid(format!("account {from_number} cannot move its balance to itself")));
    }
    if old.customer.id != new.customer.id {
        return Err(DeskError::Invalid(format!(
            "account {to_number} is {}'s, not {}'s: a balance moves only between one customer's accounts",
            new.customer.name, old.customer.name
        )));
    }
    if new.account.status == AccountStatus::Closed {
        return Err(DeskError::Invalid(format!("account {to_number} is closed")));
    }
    let balance = old.balance;
    if balance.is_zero() {
        return Ok(None);
    }
    // Owed: credited off the old account, debited to the new; a credit the
    // other way round.
    let (side, amount) = if balance.is_positive() { (Side::Credit, balance) } else { (Side::Debit, -balance) };
    let what = if balance.is_positive() { "Balance" } else { "Credit balance" };
    // Keyed by the old account's last entry: a balance that comes back (a
    // payment reversed) moves under a key of its own.
    let last = db.recent_entries(from, 1)?.first().map(|e| e.posting_id.to_string()).unwrap_or_default();
    let key =
        format!("{SYSTEM_KEY_PREFIX}balance-transfer:{}:{}:after-{last}", from_number.digits(), to_number.digits());
    post_once(db, actor, now, &key, &(from, to, balance), || {
        Ok(NewPosting {
            kind: PostingKind::BalanceTransfer,
            account_id: Some(from),
            effective_on: today,
            memo: format!("{what} moved from account {from_number} to account {to_number}"),
            reason: None,
            bill_id: None,
            reverses: None,
            waives: None,
            lines: vec![Line::receivable(from, side, amount), Line::receivable(to, side.opposite(), amount)],
        })
    })?;
    let detail = serde_json::json!({ "from": from_number, "to": to_number, "amount": balance });
    audit(db, now, Some(actor), "balance-transfer", &format!("account:{from_number}"), Some(from), &detail)?;
    Ok(Some(balance))
}

fn start_in(db: &Db, actor: &Actor, now: DateTime<Utc>, request: &NewAccountRequest) -> Result<AccountId> {
    let meter = request.services.meter_number.trim().to_uppercase();
    if let Some(number) = db.meter_in_service(&meter)? {
        return Err(DeskError::Invalid(format!("the meter {meter} is in service on account {number}")));
    }
    let mut request = request.clone();
    // An address already served is the same premise, whoever lived there.
    if let PremiseChoice::New { address, .. } = &request.premise
        && let Some(premise) = db.premise_at(&address.line1, &address.zip)?
    {
        request.premise = PremiseChoice::Existing(premise);
    }
    if let PremiseChoice::New { sewer_cap_gal: 0, .. } = request.premise
        && request.services.sewer
    {
        return Err(DeskError::Invalid(
            "a premise not served before, with sewer service, needs its sewer cap (the gallons its sewer is billed \
             up to until the May recomputation)"
                .into(),
        ));
    }
    super::accounts::open_account_in(db, actor, now, &request, None)
}

fn stop_in(
    db: &Db,
    rates: &RateBook,
    actor: &Actor,
    now: DateTime<Utc>,
    today: NaiveDate,
    request: &StopRequest,
) -> Result<Stopped> {
    let on = request.on;
    if on > today {
        return Err(DeskError::FutureDate { what: "stop", date: on, today });
    }
    if request.read.read_on != on {
        return Err(DeskError::Invalid(format!(
            "the final read is taken the day service ends ({on}), not {}",
            request.read.read_on
        )));
    }
    let account = super::accounts::open_account_row(db, request.account)?;
    if account.status != AccountStatus::Active {
        let since = account.service_ended_on.map_or_else(String::new, |d| format!(" since {d}"));
        return Err(DeskError::Invalid(format!(
            "account {} is {}{since}: its service has already ended",
            account.number, account.status
        )));
    }
    let last = db
        .last_read(account.id)?
        .ok_or_else(|| DeskError::Invalid(format!("account {} has no opening read", account.number)))?;
    if on <= last.read_on {
        return Err(DeskError::Invalid(format!(
            "service cannot end on {on}: the meter was last read on {}, and the final bill runs from the day \
                 after",
            last.read_on
        )));
    }
    if let Some(bill) = db.overlapping_bill(account.id, on + Days::new(1), NaiveDate::MAX)? {
        return Err(DeskError::Invalid(format!(
            "bill {bill} on account {} runs past {on}: reverse it first, then end the service",
            account.number
        )));
    }
    let read = request.read;
    // One transaction: a final read that cannot follow the last one
    // refuses the stop with the account left active.
    db.make_final(account.id, on)?;
    let stopped = final_read_and_bill(db, rates, actor, now, today, &account, &last, read)?;
    let detail = serde_json::json!({
        "before": "active", "after": "final", "final_on": on, "final_read": read,
        "gallons": stopped.gallons, "bill": stopped.bill.as_ref().map(|b| b.bill),
        "held": stopped.held.as_ref().map(|(e, why)| serde_json::json!({ "exception": e, "why": why })),
    });
    audit(db, now, Some(actor), "service-stop", &format!("account:{}", account.number), Some(account.id), &detail)?;
    Ok(stopped)
}

/// The final read of an account whose service ends on `read.read_on`
/// (`last` is the read its final bill opens on): loaded as a cycle read,
/// held if it fails an exception rule (against the part of a month it
/// covers), else billed at once as the final bill.
#[allow(clippy::too_many_arguments)]
pub(super) fn final_read_and_bill(
    db: &Db,
    rates: &RateBook,
    actor: &Actor,
    now: DateTime<Utc>,
    today: NaiveDate,
    account: &ServiceAccount,
    last: &ReadRow,
    read: NewRead,
) -> Result<Stopped> {
    let on = read.read_on;
    let gallons = consumption(last.reading, read.reading, account.services.meter_dials, read.rollover)
        .map_err(|e| DeskError::Invalid(e.to_string()))?;
    let days = (on - last.read_on).num_days();
    let held = read_exception(gallons, read.kind, &db.usage_history(account.id, on)?.for_days(days));
    db.insert_cycle_read(
        &NewCycleRead {
            account: account.id,
            meter_number: &account.services.meter_number,
            read_on: on,
            reading: read.reading,
            kind: read.kind,
            rollover: read.rollover,
            reader: None,
            consumption_gal: gallons,
            exception: held.as_ref().map(|(e, why)| (*e, why.as_str())),
        },
        actor.user_id,
        now,
    )?;
    let bill = match held {
        Some(_) => None,
        None => {
            let bill = BillRequest {
                account: account.id,
                period_start: last.read_on + Days::new(1),
                period_end: on,
                bill_date: today,
                read,
            };
            Some(post_bill_in(db, rates, actor, now, today, &bill)?)
        }
    };
    Ok(Stopped { on, gallons, bill, held })
}
