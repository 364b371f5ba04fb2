//! The itemized statement as CSV (one row per ledger line of the period,
//! with the running balance) and as PDF.

use std::io::Write;

use serde::Serialize;

use crate::desk::{DeskError, Statement};

/// One CSV row: a line of the statement's activity.
#[derive(Debug, Serialize)]
struct CsvRow<'a> {
    account: &'a str,
    date: String,
    posting: i64,
    kind: &'a str,
    description: &'a str,
    reason: &'a str,
    bill: Option<i64>,
    charge: String,
    credit: String,
    balance: String,
}

/// Writes the statement's activity as CSV: a first row carries the balance
/// forward, so the charge and credit columns summed onto it give the
/// ending balance.
pub fn write_csv(statement: &Statement, out: impl Write) -> Result<(), DeskError> {
    let failed = |e: csv::Error| DeskError::Invalid(format!("cannot write the CSV: {e}"));
    let mut writer = csv::Writer::from_writer(out);
    let number = statement.account.account.number.to_string();
    let forward = CsvRow {
        account: &number,
        date: statement.from.to_string(),
        posting: 0,
        kind: "balance-forward",
        description: "Balance forward",
        reason: "",
        bill: None,
        charge: String::new(),
        credit: String::new(),
        balance: statement.balance_forward.plain(),
    };
    writer.serialize(forward).map_err(failed)?;
    for item in &statement.items {
        writer
            .serialize(CsvRow {
                account: &number,
                date: item.date.to_string(),
                posting: item.posting.0,
                kind: item.kind.code(),
                description: &item.description,
                reason: item.reason.map_or("", |r| r.code()),
                bill: item.bill.map(|b| b.0),
                charge: item.charge.map(|m| m.plain()).unwrap_or_default(),
                credit: item.credit.map(|m| m.plain()).unwrap_or_default(),
                balance: item.balance.plain(),
            })
            .map_err(failed)?;
    }
    writer.flush().map_err(|e| DeskError::Invalid(format!("cannot write the CSV: {e}")))?;
    Ok(())
}
