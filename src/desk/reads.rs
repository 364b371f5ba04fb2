//! Each cycle's meter reads, from the reading route's file to the bill run.
//!
//! `import_reads` checks a whole file against the ledger first (an unknown
//! meter, a date in the future or before the meter's last read, a reading
//! lower than the last without a rollover, a second reading for a day that
//! has one) and loads nothing unless every row is good; the same read again
//! is counted, not loaded twice. A read that fails an exception rule
//! (`domain::reads::read_exception`) is loaded but held: the bill run skips
//! it until a Customer Account Representative III or above accepts it,
//! corrects it, or orders the meter read again.
//!
//! `bill_cycle` bills each active account of a cycle from its newest
//! loaded read after the read its last bill closed on, and lists every
//! account it skips with the reason; a second run bills only what is
//! missing.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::Serialize;

use super::billing::{BillRequest, NewRead};
use super::conversion::RowProblem;
use super::{Actor, Desk, DeskError, Result, audit, require};
use crate::domain::Money;
use crate::domain::account::AccountStatus;
use crate::domain::cases::ranks_at_least;
use crate::domain::ids::{AccountId, AccountNumber, BillId};
use crate::domain::reads::{ReadException, ReadKind, consumption, read_exception};
use crate::domain::user::{Duty, Role};
use crate::records::{CycleReadRow, NewCycleRead, ReadDecision};
use crate::store::Db;

/// One read of a reading route's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedRead {
    pub meter: String,
    pub read_on: NaiveDate,
    pub reading: u64,
    pub kind: ReadKind,
    /// Who read it (a reader's id or name; the customer for a customer read).
    pub reader: Option<String>,
    /// The reader saw the register roll over past its last dial.
    pub rollover: bool,
}

/// A read held as an exception, as the load reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeldOnLoad {
    /// The read's place in the file's rows.
    pub row: usize,
    pub account: AccountNumber,
    pub exception: ReadException,
    pub why: String,
}

/// What a load did (or, checked, would do).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReadsReport {
    pub loaded: u64,
    /// Reads loaded before: the same meter, day and reading.
    pub already: u64,
    pub held: Vec<HeldOnLoad>,
}

/// What a person decides about a held read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadChoice {
    /// Bill it as read.
    Accept,
    /// Bill it with this reading instead (the register rolled over if it is
    /// lower than the read before).
    Correct(u64),
    /// Do not bill it: the meter is read again, and the next read loaded
    /// for a later day is checked afresh.
    Reread,
}

/// One account of a bill run: billed, or skipped and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CycleLine {
    pub account: AccountNumber,
    /// The bill posted (none on a dry run or when skipped).
    pub bill: Option<BillId>,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub reading: Option<u64>,
    pub kind: Option<ReadKind>,
    pub gallons: Option<u64>,
    pub total: Option<Money>,
    /// Why it was not billed (`None`: billed, or would be).
    pub skipped: Option<String>,
}

/// What a bill run did (or, dry, would do).
#[derive(Debug, Clone, Serialize)]
pub struct CycleRun {
    pub cycle: u8,
    pub through: NaiveDate,
    pub bill_date: NaiveDate,
    pub dry_run: bool,
    pub lines: Vec<CycleLine>,
    pub billed: u64,
    pub total: Money,
    pub ledger_lines: u64,
}

impl CycleRun {
    pub fn skipped(&self) -> impl Iterator<Item = &CycleLine> {
        self.lines.iter().filter(|l| l.skipped.is_some())
    }
}

/// How a row of a reads file goes in.
enum Planned {
    Load(NewCycleReadOwned),
    Already,
}

struct NewCycleReadOwned {
    account: AccountId,
    number: AccountNumber,
    meter: String,
    read: LoadedRead,
    gallons: u64,
    exception: Option<(ReadException, String)>,
}

impl Desk {
    /// Checks a reads file against the ledger, changing nothing: the
    /// problems, by the row's place in `reads`.
    pub fn check_reads(&mut self, actor: &Actor, now: DateTime<Utc>, reads: &[LoadedRead]) -> Result<Vec<RowProblem>> {
        require(actor, Duty::PostBills)?;
        let today = self.today(now);
        self.store.read(|db| Ok(plan(db, reads, today)?.1))
    }

    /// Loads a reads file in one transaction, or none of it: refused with
    /// [`DeskError::Rows`], nothing written, if any row has a problem. See
    /// the module.
    pub fn import_reads(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        reads: &[LoadedRead],
        progress: &mut dyn FnMut(u64),
    ) -> Result<ReadsReport> {
        require(actor, Duty::PostBills)?;
        let today = self.today(now);
        self.write(|db, _| {
            let (planned, problems) = plan(db, reads, today)?;
            if !problems.is_empty() {
                return Err(DeskError::Rows { doing: "loaded", problems });
            }
            let mut report = ReadsReport::default();
            for (row, planned) in planned.into_iter().enumerate() {
                match planned {
                    Planned::Already => report.already += 1,
                    Planned::Load(new) => {
                        db.insert_cycle_read(
                            &NewCycleRead {
                                account: new.account,
                                meter_number: &new.meter,
                                read_on: new.read.read_on,
                                reading: new.read.reading,
                                kind: new.read.kind,
                                rollover: new.read.rollover,
                                reader: new.read.reader.as_deref(),
                                consumption_gal: new.gallons,
                                exception: new.exception.as_ref().map(|(e, why)| (*e, why.as_str())),
                            },
                            actor.user_id,
                            now,
                        )?;
                        report.loaded += 1;
                        if let Some((exception, why)) = new.exception {
                            report.held.push(HeldOnLoad { row, account: new.number, exception, why });
                        }
                    }
                }
                progress(row as u64 + 1);
            }
            let detail = serde_json::json!({
                "rows": reads.len(), "loaded": report.loaded, "already": report.already, "held": report.held.len(),
            });
            audit(db, now, Some(actor), "reads-import", "reads", None, &detail)?;
            Ok(report)
        })
    }

    /// Held reads waiting for a decision, oldest first (of one cycle, or all).
    pub fn held_reads(&mut self, cycle: Option<u8>) -> Result<Vec<CycleReadRow>> {
        self.store.read(|db| Ok(db.held_reads(cycle)?))
    }

    /// Decides a held read (a Customer Account Representative III or above),
    /// with a note saying why; audited with the read as it was and after.
    pub fn decide_read(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        id: i64,
        choice: ReadChoice,
        note: &str,
    ) -> Result<ReadDecision> {
        if !ranks_at_least(actor.role, Role::Car3) {
            return Err(DeskError::NotPermitted(format!(
                "only a {} or above decides a held read (you are a {})",
                Role::Car3.title(),
                actor.role.title()
            )));
        }
        let note = super::required_note(note, "note saying why")?;
        let note = note.as_str();
        self.write(|db, _| {
            let read = db.cycle_read(id)?.ok_or_else(|| DeskError::Invalid(format!("no loaded read #{id}")))?;
            if read.exception.is_none() {
                return Err(DeskError::Invalid(format!("read #{id} was not held: it is billed as loaded")));
            }
            if let Some(decision) = read.decision {
                return Err(DeskError::Invalid(format!("read #{id} was decided already ({decision:?})")));
            }
            let previous = db.last_read(read.account_id)?;
            if previous.as_ref().is_some_and(|p| p.read_on >= read.read_on) {
                return Err(DeskError::Invalid(format!(
                    "read #{id} of {} was passed by a later read: there is nothing to decide",
                    read.read_on
                )));
            }
            let decision = match choice {
                ReadChoice::Accept => ReadDecision::Accepted,
                ReadChoice::Reread => ReadDecision::Reread,
                ReadChoice::Correct(reading) => {
                    let dials = db
                        .account_for_meter(&read.meter_number)?
                        .filter(|m| m.id == read.account_id)
                        .map_or(7, |m| m.dials);
                    let from = previous.map_or(0, |p| p.reading);
                    let gallons = consumption(from, reading, dials, reading < from).map_err(|e| {
                        DeskError::Invalid(format!("the corrected reading {reading} cannot be billed: {e}"))
                    })?;
                    ReadDecision::Corrected { reading, gallons }
                }
            };
            db.insert_read_decision(id, decision, note, actor.user_id, now)?;
            let detail = serde_json::json!({
                "read": id, "account": read.account_number, "read_on": read.read_on, "reading": read.reading,
                "exception": read.exception, "decision": decision, "note": note,
            });
            audit(db, now, Some(actor), "read-decision", &format!("read:{id}"), Some(read.account_id), &detail)?;
            Ok(decision)
        })
    }

    /// Bills cycle `cycle` from its reads loaded on or before `through`
    /// (default: today), dated today; with `dry_run`, says what it would
    /// bill and skip, writing nothing. See the module.
    pub fn bill_cycle(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        cycle: u8,
        through: Option<NaiveDate>,
        dry_run: bool,
    ) -> Result<CycleRun> {
        require(actor, Duty::PostBills)?;
        if !(1..=99).contains(&cycle) {
            return Err(DeskError::Invalid(format!("the cycle {cycle} is not one of 1 to 99")));
        }
        let today = self.today(now);
        let through = through.unwrap_or(today);
        if through > today {
            return Err(DeskError::FutureDate { what: "bill run", date: through, today });
        }
        let mut run = CycleRun {
            cycle,
            through,
            bill_date: today,
            dry_run,
            lines: Vec::new(),
            billed: 0,
            total: Money::ZERO,
            ledger_lines: 0,
        };
        if dry_run {
            run.lines =
                self.store.read(|db| plan_cycle(db, cycle, through, today))?.into_iter().map(|(l, _)| l).collect();
            run.billed = run.lines.iter().filter(|l| l.skipped.is_none()).count() as u64;
            return Ok(run);
        }
        let run = self.batch(|batch| {
            let planned = plan_cycle(batch.db, cycle, through, today)?;
            for (mut line, request) in planned {
                if let Some(request) = request {
                    match batch.post_bill(actor, now, &request) {
                        Ok(posted) => {
                            line.bill = Some(posted.bill);
                            line.total = Some(posted.total);
                            run.billed += 1;
                            run.total += posted.total;
                            run.ledger_lines += posted.ledger_lines;
                        }
                        Err(DeskError::Store(e)) => return Err(DeskError::Store(e)),
                        Err(refused) => line.skipped = Some(format!("refused: {refused}")),
                    }
                }
                run.lines.push(line);
            }
            let skipped = run.lines.iter().filter(|l| l.skipped.is_some()).count();
            let detail = serde_json::json!({
                "cycle": cycle, "through": through, "billed": run.billed, "total": run.total, "skipped": skipped,
            });
            audit(batch.db, now, Some(actor), "bill-run", &format!("cycle:{cycle}"), None, &detail)?;
            Ok(run)
        })?;
        Ok(run)
    }
}

/// Each account of the cycle: its line, and the bill to post if it is to
/// be billed.
fn plan_cycle(
    db: &Db,
    cycle: u8,
    through: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<(CycleLine, Option<BillRequest>)>> {
    let mut planned = Vec::new();
    for (account, number, status) in db.cycle_accounts(cycle)? {
        let mut line = CycleLine {
            account: number,
            bill: None,
            period_start: None,
            period_end: None,
            reading: None,
            kind: None,
            gallons: None,
            total: None,
            skipped: None,
        };
        let skip = |line: &mut CycleLine, why: String| line.skipped = Some(why);
        let Some(last) = db.last_read(account)? else {
            skip(&mut line, "no opening read".into());
            planned.push((line, None));
            continue;
        };
        // An active account bills its newest read up to `through`; a final
        // one, its final bill: the read on the day its service ended.
        let ended = match status {
            AccountStatus::Active => None,
            _ => Some(db.service_account(account)?.and_then(|a| a.service_ended_on)),
        };
        let until = match ended {
            None => through,
            Some(None) => {
                skip(&mut line, "final with no day its service ended".into());
                planned.push((line, None));
                continue;
            }
            Some(Some(ended)) if last.read_on >= ended => {
                skip(&mut line, format!("service ended on {ended}; its final bill is done"));
                planned.push((line, None));
                continue;
            }
            Some(Some(ended)) if ended > through => {
                skip(&mut line, format!("service ended on {ended}, after {through}"));
                planned.push((line, None));
                continue;
            }
            Some(Some(ended)) => ended,
        };
        let read = match db.cycle_read_between(account, last.read_on, until)? {
            Some(read) if ended.is_none() || read.read_on == until => read,
            _ if ended.is_some() => {
                skip(&mut line, format!("service ended on {until}; no final read for that day is loaded"));
                planned.push((line, None));
                continue;
            }
            _ => {
                let why = match db.latest_cycle_read(account)? {
                    Some(newest) if newest.read_on <= last.read_on => {
                        format!("already billed to its read of {}", last.read_on)
                    }
                    Some(newest) => format!("its next read ({}) is after {through}", newest.read_on),
                    None => format!("no read loaded after {}", last.read_on),
                };
                skip(&mut line, why);
                planned.push((line, None));
                continue;
            }
        };
        line.period_start = Some(last.read_on + Days::new(1));
        line.period_end = Some(read.read_on);
        line.kind = Some(read.kind);
        match read.to_bill() {
            None if read.decision == Some(ReadDecision::Reread) => {
                skip(&mut line, format!("read #{} of {} was sent to be read again", read.id, read.read_on));
                planned.push((line, None));
            }
            None => {
                let exception = read.exception.map_or("", |e| e.label());
                let why = read.exception_detail.as_deref().unwrap_or("");
                skip(&mut line, format!("held: {exception}, {why} (read #{}, for a CAR III to decide)", read.id));
                planned.push((line, None));
            }
            Some((reading, gallons)) => {
                line.reading = Some(reading);
                line.gallons = Some(gallons);
                // Against the read the bill opens on (the load checked it against
                // the read just before it, which may be one not billed).
                let rollover = reading < last.reading;
                let request = BillRequest {
                    account,
                    period_start: last.read_on + Days::new(1),
                    period_end: read.read_on,
                    bill_date: today,
                    read: NewRead { read_on: read.read_on, reading, kind: read.kind, rollover },
                };
                planned.push((line, Some(request)));
            }
        }
    }
    Ok(planned)
}

/// Each row's fate, and every row's problem (by its place in `reads`).
fn plan(db: &Db, reads: &[LoadedRead], today: NaiveDate) -> Result<(Vec<Planned>, Vec<RowProblem>)> {
    use std::collections::HashMap;
    // The newest read each account has in the file so far: day, reading.
    let mut in_file: HashMap<AccountId, (NaiveDate, u64)> = HashMap::new();
    let (mut planned, mut problems) = (Vec::with_capacity(reads.len()), Vec::new());
    for (row, read) in reads.iter().enumerate() {
        let meter = read.meter.trim().to_uppercase();
        let outcome = (|| -> Result<std::result::Result<Planned, String>> {
            let Some(account) = db.account_for_meter(&meter)? else {
                return Ok(Err(format!("the meter {meter} is not in service on any active account")));
            };
            if read.read_on > today {
                return Ok(Err(format!("the read is dated {}, after today ({today})", read.read_on)));
            }
            if let Some((id, reading)) = db.cycle_reading_on(account.id, read.read_on)? {
                return Ok(if reading == read.reading {
                    Ok(Planned::Already)
                } else {
                    Err(format!(
                        "the meter {meter} has a different reading ({reading}) loaded for {} (read #{id}); a \
                         correction is a decision on that read, not a second read",
                        read.read_on
                    ))
                });
            }
            // The read before this one: the file's, a loaded one, or the
            // last read entered (an opening read or a bill's closing read).
            let mut before = db.last_read(account.id)?.map(|r| (r.read_on, r.reading));
            if let Some((day, reading)) = db.latest_cycle_reading(account.id)?
                && before.is_none_or(|(b, _)| day > b)
            {
                before = Some((day, reading));
            }
            if let Some(&(day, reading)) = in_file.get(&account.id)
                && before.is_none_or(|(b, _)| day > b)
            {
                if day == read.read_on {
                    return Ok(if reading == read.reading {
                        Ok(Planned::Already)
                    } else {
                        Err(format!("the meter {meter} has another reading for {} earlier in the file", read.read_on))
                    });
                }
                before = Some((day, reading));
            }
            let (before_on, before_reading) = before.unwrap_or((read.read_on, read.reading));
            if read.read_on == before_on && read.reading == before_reading {
                return Ok(Ok(Planned::Already));
            }
            if read.read_on <= before_on {
                return Ok(Err(format!(
                    "the read is dated {}, not after the meter's last read on {before_on}",
                    read.read_on
                )));
            }
            let gallons = match consumption(before_reading, read.reading, account.dials, read.rollover) {
                Ok(gallons) => gallons,
                Err(why) => return Ok(Err(why.to_string())),
            };
            let history = db.usage_history(account.id, read.read_on)?;
            let exception = read_exception(gallons, read.kind, &history);
            in_file.insert(account.id, (read.read_on, read.reading));
            Ok(Ok(Planned::Load(NewCycleReadOwned {
                account: account.id,
                number: account.number,
                meter: meter.clone(),
                read: read.clone(),
                gallons,
                exception,
            })))
        })()?;
        match outcome {
            Ok(fate) => planned.push(fate),
            Err(why) => problems.push((row, why)),
        }
    }
    Ok((planned, problems))
}
