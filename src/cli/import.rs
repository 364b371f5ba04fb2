//! Payment files: checked whole first, then posted row by row, each row
//! acknowledged on stdout only once it is committed.

use std::io::Write;
use std::path::Path;

use chrono::Utc;

use super::show::io;
use super::sign_in::SignIn;
use crate::desk::{Desk, DeskError, PaymentMethod, PaymentRequest, check_payment};
use crate::domain::Money;

#[derive(Debug, serde::Deserialize)]
struct Row {
    key: String,
    account: String,
    amount: String,
    received_on: String,
    method: String,
    #[serde(default)]
    reference: Option<String>,
}

/// Posts a payment file; see `PaymentsCommand::Import`.
pub fn payments(desk: &mut Desk, out: &mut impl Write, file: &Path, sign_in: &SignIn) -> Result<(), DeskError> {
    let actor = sign_in.actor(desk, Utc::now())?;
    let csv = super::rows::CsvFile::read(file, false)?;
    let requests = checked_requests(desk, &csv, file)?;
    super::rows::check_room(desk, requests.len())?;
    let (mut posted, mut replayed) = (0u64, 0u64);
    for request in &requests {
        let result = desk.record_payment(&actor, Utc::now(), request)?;
        if result.replayed {
            replayed += 1;
        } else {
            posted += 1;
        }
        let verb = if result.replayed { "already-posted" } else { "posted" };
        writeln!(out, "{verb} {} {}", request.key, result.posting_id).map_err(io)?;
        out.flush().map_err(io)?;
    }
    writeln!(out, "done: {posted} posted, {replayed} already posted").map_err(io)
}

/// Every row of a payment file checked against the ledger, nothing posted:
/// the requests, or a refusal naming each bad row by its line.
fn checked_requests(
    desk: &mut Desk,
    csv: &super::rows::CsvFile,
    file: &Path,
) -> Result<Vec<PaymentRequest>, DeskError> {
    let mut requests: Vec<PaymentRequest> = Vec::new();
    let mut problems = Vec::new();
    let mut keys = std::collections::HashMap::new();
    for (line, row) in csv.rows::<Row>() {
        let checked = row.and_then(|row| request(desk, row)).and_then(|request| {
            match keys.insert(request.key.trim().to_string(), line) {
                Some(first) => {
                    Err(format!("the key \"{}\" is used earlier in the file (row {first})", request.key.trim()))
                }
                None => Ok(request),
            }
        });
        match checked {
            Ok(request) => requests.push(request),
            Err(problem) => problems.push(format!("line {line}: {problem}")),
        }
    }
    if !problems.is_empty() {
        let shown: Vec<_> = problems.iter().take(20).cloned().collect();
        return Err(DeskError::Invalid(format!(
            "{} row(s) of {} are not valid; nothing was posted:\n  {}",
            problems.len(),
            file.display(),
            shown.join("\n  ")
        )));
    }
    Ok(requests)
}

/// A payment file's bytes checked as `payments` checks them, posting
/// nothing: how many payments it holds (the fuzz target's entry).
pub fn check_bytes(desk: &mut Desk, bytes: &[u8]) -> Result<usize, DeskError> {
    let file = Path::new("fuzz.csv");
    let csv = super::rows::CsvFile::from_bytes(bytes, false, file)?;
    Ok(checked_requests(desk, &csv, file)?.len())
}

fn request(desk: &mut Desk, row: Row) -> Result<PaymentRequest, String> {
    let account = desk.account_by_number(&row.account).map_err(|e| e.to_string())?;
    let amount = Money::parse(&row.amount).map_err(|e| e.to_string())?;
    let received_on = crate::domain::dates::parse_day(&row.received_on).map_err(|e| format!("received_on: {e}"))?;
    let method: PaymentMethod =
        row.method.trim().parse().map_err(|e: crate::domain::account::UnknownCode| e.to_string())?;
    if received_on < account.account.opened_on {
        return Err(format!(
            "received_on {received_on} is before account {} opened ({})",
            account.account.number, account.account.opened_on
        ));
    }
    let request = PaymentRequest {
        account: account.account.id,
        amount,
        received_on,
        method,
        reference: row.reference.filter(|r| !r.trim().is_empty()),
        key: row.key,
    };
    check_payment(&request, desk.today(Utc::now())).map_err(|e| e.to_string())?;
    Ok(request)
}
