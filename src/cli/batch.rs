//! `adjust --batch FILE.csv`: credits and line adjustments from a file,
//! under exactly the limits of the person who runs it.
//!
//! The whole file is checked before anything is posted: first each row on
//! its own (amount, reason code, note, account, key not repeated), then every
//! row is tried against the desk in one transaction that is rolled back (an
//! unknown bill or line, a decrease larger than the line, a key already used
//! for something else). Only a file with no malformed row goes on; then each
//! row is submitted in its own transaction and reported: posted, sent for
//! approval (with the reason) or refused (with the reason). A refusal is not
//! a malformed row: it is the authority rules at work, reported and counted.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use chrono::Utc;

use super::show::io;
use super::sign_in::SignIn;
use crate::desk::{Actor, CreditRequest, Desk, DeskError, LineAdjustRequest, LineDirection, MoneyRequest, Outcome};
use crate::domain::Money;
use crate::domain::ids::BillId;
use crate::domain::ledger::ReasonCode;

/// The most malformed rows named in the refusal.
const SHOWN_PROBLEMS: usize = 50;

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct Row {
    key: String,
    kind: String,
    account: String,
    bill: String,
    line: String,
    direction: String,
    amount: String,
    reason: String,
    note: String,
}

/// A row checked on its own: its line in the file and what it asks for.
struct Checked {
    line: usize,
    key: String,
    request: MoneyRequest,
}

/// Applies a batch file; see the module comment.
pub fn adjust_file(desk: &mut Desk, out: &mut impl Write, sign_in: &SignIn, file: &Path) -> Result<(), DeskError> {
    let csv = super::rows::CsvFile::read(file, true)?;
    let (rows, mut problems) = checked_rows(desk, &csv, file)?;
    // Signed in once the file reads well: the trial needs the person's limits.
    let actor = &sign_in.actor(desk, Utc::now())?;
    if problems.is_empty() {
        problems = dry_run(desk, actor, &rows)?;
    }
    if !problems.is_empty() {
        let mut shown: Vec<String> = problems.iter().take(SHOWN_PROBLEMS).cloned().collect();
        if problems.len() > SHOWN_PROBLEMS {
            shown.push(format!("... and {} more", problems.len() - SHOWN_PROBLEMS));
        }
        return Err(DeskError::Invalid(format!(
            "{} malformed row(s) in {}; nothing was posted:\n  {}",
            problems.len(),
            file.display(),
            shown.join("\n  ")
        )));
    }
    super::rows::check_room(desk, rows.len())?;
    let (mut posted, mut replayed, mut pending, mut waiting, mut refused) = (0u64, 0u64, 0u64, 0u64, 0u64);
    for row in &rows {
        let text = match desk.submit(actor, Utc::now(), &row.request) {
            Ok(outcome) => {
                match &outcome {
                    Outcome::Posted(p) if p.replayed => replayed += 1,
                    Outcome::Posted(_) => posted += 1,
                    Outcome::Pending { replayed: true, .. } => waiting += 1,
                    Outcome::Pending { .. } => pending += 1,
                }
                super::money::outcome_text(&outcome)
            }
            Err(DeskError::Store(error)) => {
                let _ = writeln!(
                    out,
                    "line {} {}: not done, the database failed; rows after it were not tried",
                    row.line, row.key
                );
                return Err(DeskError::Store(error));
            }
            Err(why) => {
                refused += 1;
                format!("refused: {why}")
            }
        };
        writeln!(out, "line {} {}: {text}", row.line, row.key).map_err(io)?;
        out.flush().map_err(io)?;
    }
    writeln!(
        out,
        "done: {} rows; {posted} posted, {replayed} already posted, {pending} sent for approval, {waiting} already \
         waiting for approval, {refused} refused",
        rows.len()
    )
    .map_err(io)?;
    if refused > 0 {
        return Err(DeskError::Invalid(format!("{refused} row(s) of {} were refused (listed above)", file.display())));
    }
    Ok(())
}

/// Every row of a batch file read and checked on its own (no sign-in, no
/// trial of the person's limits, nothing written): the rows that read
/// well, and each problem by its line.
fn checked_rows(
    desk: &mut Desk,
    csv: &super::rows::CsvFile,
    file: &Path,
) -> Result<(Vec<Checked>, Vec<String>), DeskError> {
    let missing: Vec<&str> =
        ["key", "kind", "amount", "reason", "note"].into_iter().filter(|column| !csv.has(column)).collect();
    if !missing.is_empty() {
        return Err(DeskError::Invalid(format!(
            "{} has no {} column: the columns are key,kind,account,bill,line,direction,amount,reason,note",
            file.display(),
            missing.join(", ")
        )));
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut keys: HashMap<String, usize> = HashMap::new();
    for (line, row) in csv.rows::<Row>() {
        let row = match row {
            Ok(row) => row,
            Err(error) => {
                problems.push(format!("line {line}: {error}"));
                continue;
            }
        };
        let mut found = Vec::new();
        if !row.key.is_empty()
            && let Some(first) = keys.insert(row.key.clone(), line)
        {
            found.push(format!("the key \"{}\" is used earlier in the file (line {first})", row.key));
        }
        match check_row(desk, row) {
            Ok((key, request)) if found.is_empty() => rows.push(Checked { line, key, request }),
            Ok(_) => {}
            Err(problem) => found.push(problem),
        }
        if !found.is_empty() {
            problems.push(format!("line {line}: {}", found.join("; ")));
        }
    }
    if rows.is_empty() && problems.is_empty() {
        return Err(DeskError::Invalid(format!("{} has no rows: nothing was posted", file.display())));
    }
    Ok((rows, problems))
}

/// Checks one row on its own and builds its request.
fn check_row(desk: &mut Desk, row: Row) -> Result<(String, MoneyRequest), String> {
    let key = row.key.clone();
    if key.is_empty() {
        return Err("the key is empty: every row needs its own key, so that running the file again posts once".into());
    }
    crate::desk::check_client_key(&key).map_err(|e| e.to_string())?;
    let amount = Money::parse(&row.amount).map_err(|e| format!("amount: {e}"))?;
    let reason: ReasonCode = row.reason.parse().map_err(|e: crate::domain::account::UnknownCode| e.to_string())?;
    if row.note.is_empty() {
        return Err("the note is empty: say why, for the record".into());
    }
    let request = match row.kind.as_str() {
        "credit" => {
            if [&row.bill, &row.line, &row.direction].iter().any(|f| !f.is_empty()) {
                return Err("a credit row leaves bill, line and direction empty (use kind adjust for a bill)".into());
            }
            if row.account.is_empty() {
                return Err("a credit row needs the account number".into());
            }
            let account = desk.account_by_number(&row.account).map_err(|e| e.to_string())?.account.id;
            MoneyRequest::Credit(CreditRequest { account, amount, reason, note: row.note, key: key.clone() })
        }
        "adjust" => {
            let bill = row.bill.parse::<i64>().map(BillId).map_err(|_| format!("\"{}\" is not a bill id", row.bill))?;
            let line = row
                .line
                .parse::<u32>()
                .ok()
                .filter(|l| *l > 0)
                .ok_or_else(|| format!("\"{}\" is not a line number (1 = the first line)", row.line))?;
            let direction = match row.direction.as_str() {
                "decrease" => LineDirection::Decrease,
                "increase" => LineDirection::Increase,
                other => return Err(format!("the direction \"{other}\" is not decrease or increase")),
            };
            if !row.account.is_empty() {
                // The account is optional on an adjustment; given, it must be the bill's.
                let account = desk.account_by_number(&row.account).map_err(|e| e.to_string())?;
                let overview = desk.overview(account.account.id, Utc::now()).map_err(|e| e.to_string())?;
                if !overview.bills.iter().any(|b| b.id == bill) {
                    return Err(format!("bill {bill} is not one of account {}'s recent bills", row.account));
                }
            }
            MoneyRequest::AdjustLine(LineAdjustRequest {
                bill,
                line,
                amount,
                direction,
                reason,
                note: row.note,
                key: key.clone(),
            })
        }
        other => return Err(format!("the kind \"{other}\" is not credit or adjust")),
    };
    Ok((key, request))
}

/// Tries every row in one transaction that is then rolled back, and names
/// the rows the desk finds malformed. Refusals by the authority rules (not
/// permitted, a request already waiting) are not malformed: they are
/// reported when the file is applied.
fn dry_run(desk: &mut Desk, actor: &Actor, rows: &[Checked]) -> Result<Vec<String>, DeskError> {
    let mut problems = Vec::new();
    let tried = desk.batch(|batch| {
        for row in rows {
            match batch.submit(actor, Utc::now(), &row.request) {
                Ok(_) | Err(DeskError::NotPermitted(_) | DeskError::DuplicateRequest { .. }) => {}
                Err(DeskError::Store(error)) => return Err(DeskError::Store(error)),
                Err(why) => problems.push(format!("line {}: {why}", row.line)),
            }
        }
        // Roll the trial back: nothing of it may stay.
        Err::<(), _>(DeskError::Invalid(String::new()))
    });
    match tried {
        Err(DeskError::Store(error)) => Err(DeskError::Store(error)),
        _ => Ok(problems),
    }
}

/// A batch file's bytes checked as `adjust_file` checks them before it
/// signs anyone in: how many rows read well (the fuzz target's entry).
pub fn check_bytes(desk: &mut Desk, bytes: &[u8]) -> Result<usize, DeskError> {
    let file = Path::new("fuzz.csv");
    let csv = super::rows::CsvFile::from_bytes(bytes, true, file)?;
    let (rows, problems) = checked_rows(desk, &csv, file)?;
    if let Some(problem) = problems.first() {
        return Err(DeskError::Invalid(problem.clone()));
    }
    Ok(rows.len())
}
