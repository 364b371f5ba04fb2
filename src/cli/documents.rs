//! Documents on the command line: `statement`.

use std::io::Write;
use std::path::PathBuf;

use chrono::{NaiveDate, Utc};
use clap::Args;

use super::show::{io, json};
use super::sign_in::SignIn;
use crate::desk::{Desk, DeskError, Statement};
use crate::documents;

#[derive(Debug, Args)]
pub struct StatementArgs {
    /// The account number, e.g. 10000421-7.
    pub number: String,
    /// The first day (default: twelve months before the last).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<NaiveDate>,
    /// The last day (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<NaiveDate>,
    /// Write the statement's lines as CSV to FILE.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Print the statement as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub sign_in: SignIn,
}

fn create(path: &std::path::Path) -> Result<std::io::BufWriter<std::fs::File>, DeskError> {
    std::fs::File::create(path)
        .map(std::io::BufWriter::new)
        .map_err(|e| DeskError::Invalid(format!("cannot write {}: {e}", path.display())))
}

pub fn statement(desk: &mut Desk, out: &mut impl Write, args: StatementArgs) -> Result<(), DeskError> {
    let now = Utc::now();
    let actor = args.sign_in.actor(desk, now)?;
    let account = desk.account_by_number(&args.number)?;
    let (default_from, default_to) = desk.default_statement_period(now);
    let to = args.to.unwrap_or(default_to);
    let from = args.from.unwrap_or(if args.to.is_some() {
        to.checked_sub_months(chrono::Months::new(crate::desk::DEFAULT_STATEMENT_MONTHS))
            .and_then(|d| d.succ_opt())
            .unwrap_or(to)
    } else {
        default_from
    });
    let statement = desk.statement(&actor, account.account.id, from, to, now)?;
    if let Some(path) = &args.csv {
        documents::statement::write_csv(&statement, create(path)?)?;
    }
    if args.json {
        return json(out, &statement);
    }
    summary(out, &statement)?;
    if let Some(path) = &args.csv {
        writeln!(out, "CSV written to {}", path.display()).map_err(io)?;
    }
    Ok(())
}

fn summary(out: &mut impl Write, s: &Statement) -> Result<(), DeskError> {
    let a = &s.account;
    let figures = [
        ("Balance forward", s.balance_forward),
        ("+ Bills", s.totals.billed),
        ("+ Late fees", s.totals.late_fees),
        ("− Payments", s.totals.payments),
        ("− Credits and adjustments", s.totals.credits_and_adjustments),
        ("Ending balance", s.ending_balance),
    ];
    let mut lines = vec![
        format!("Statement for {} · {}", a.account.number, a.customer.name),
        format!("  {} to {}, {} lines, {} bills", s.from, s.to, s.items.len(), s.bills.len()),
    ];
    lines.extend(figures.iter().map(|(label, amount)| format!("  {label:<27}{:>14}", amount.to_string())));
    for line in lines {
        writeln!(out, "{line}").map_err(io)?;
    }
    if !s.open_disputes.is_empty() {
        writeln!(out, "  Open disputes: {}", s.open_disputes.len()).map_err(io)?;
    }
    Ok(())
}
