//! Documents on the command line: `statement`.

use std::io::Write;
use std::path::PathBuf;

use chrono::{NaiveDate, Utc};
use clap::{Args, Subcommand};

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
    /// Write the statement as PDF to FILE.
    #[arg(long, value_name = "FILE")]
    pub pdf: Option<PathBuf>,
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
    let from = args.from.unwrap_or(if args.to.is_some() { crate::desk::twelve_months_to(to).0 } else { default_from });
    let statement = desk.statement(&actor, account.account.id, from, to, now)?;
    if let Some(path) = &args.csv {
        documents::statement::write_csv(&statement, create(path)?)?;
    }
    if let Some(path) = &args.pdf {
        let pdf = documents::statement::write_pdf(&statement, &documents::pdf::Letterhead::standard()?)?;
        std::fs::write(path, pdf).map_err(|e| DeskError::Invalid(format!("cannot write {}: {e}", path.display())))?;
    }
    if args.json {
        return json(out, &statement);
    }
    summary(out, &statement)?;
    for path in [&args.pdf, &args.csv].into_iter().flatten() {
        writeln!(out, "Written to {}", path.display()).map_err(io)?;
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

/// A report's period and where its tables go.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The first day (default: the first of this month).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<NaiveDate>,
    /// The last day (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<NaiveDate>,
    /// Write the report's table as CSV to FILE.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub sign_in: SignIn,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Mayor's office and City Council items opened in a period, by source and district (CAR III and above).
    Liaison(ReportArgs),
    /// Credits, adjustments, waivers and reversals by representative and reason, with the
    /// requests raised above limits and their turnaround (Supervisors and Managers).
    Adjustments {
        #[command(flatten)]
        report: ReportArgs,
        /// Write the requests table as CSV to FILE.
        #[arg(long, value_name = "FILE")]
        requests_csv: Option<PathBuf>,
    },
    /// Complaints opened in a period by source and status, with how many are overdue (Supervisors and Managers).
    Complaints(ReportArgs),
    /// Contacts, complaints opened and closed, orders drafted and reviewed, money actions, per
    /// person (Supervisors and Managers).
    Productivity(ReportArgs),
}

/// The period asked for: the first of this month to today unless given.
fn period(desk: &Desk, args: &ReportArgs, now: chrono::DateTime<Utc>) -> (NaiveDate, NaiveDate) {
    use chrono::Datelike;
    let today = desk.today(now);
    let to = args.to.unwrap_or(today);
    (args.from.unwrap_or_else(|| to.with_day0(0).unwrap_or(to)), to)
}

pub fn report(desk: &mut Desk, out: &mut impl Write, command: ReportCommand) -> Result<(), DeskError> {
    let now = Utc::now();
    match command {
        ReportCommand::Liaison(args) => {
            let period = (args.from, args.to);
            super::cases::liaison_report(desk, out, period, args.csv, args.json, args.sign_in)
        }
        ReportCommand::Adjustments { report: args, requests_csv } => {
            let actor = args.sign_in.actor(desk, now)?;
            let (from, to) = period(desk, &args, now);
            let report = desk.money_actions_report(&actor, from, to, now)?;
            if let Some(path) = &args.csv {
                documents::reports::write_money_actions_csv(&report, create(path)?)?;
            }
            if let Some(path) = &requests_csv {
                documents::reports::write_requests_csv(&report, create(path)?)?;
            }
            if args.json {
                return json(out, &report);
            }
            let (credited, charged) = report.totals();
            writeln!(out, "Money actions effective {from} to {to}: {credited} credited, {charged} charged")
                .map_err(io)?;
            for l in &report.lines {
                writeln!(
                    out,
                    "  {:<12} {:<10} {:<22} {:>5} {:>13} {:>11}{}",
                    l.username,
                    l.kind.code(),
                    l.reason.map_or("", |r| r.code()),
                    l.postings,
                    l.credited.to_string(),
                    l.charged.to_string(),
                    if l.approved_above_limit > 0 {
                        format!("  ({} approved above limit)", l.approved_above_limit)
                    } else {
                        String::new()
                    }
                )
                .map_err(io)?;
            }
            writeln!(out, "Requests raised above limits:").map_err(io)?;
            for r in &report.requests {
                let turnaround = r
                    .average_turnaround_minutes
                    .map_or_else(|| "—".to_string(), |m| format!("{}h{:02}", m / 60, m % 60));
                writeln!(
                    out,
                    "  {:<12} {:<10} {} raised: {} approved, {} pending, {} rejected, {} withdrawn; asked {}, approved {}; average turnaround {turnaround}",
                    r.username, r.action, r.raised, r.approved, r.pending, r.rejected, r.withdrawn, r.asked, r.approved_amount
                )
                .map_err(io)?;
            }
            Ok(())
        }
        ReportCommand::Complaints(args) => {
            let actor = args.sign_in.actor(desk, now)?;
            let (from, to) = period(desk, &args, now);
            let report = desk.complaints_report(&actor, from, to, now)?;
            if let Some(path) = &args.csv {
                documents::reports::write_complaints_csv(&report, create(path)?)?;
            }
            if args.json {
                return json(out, &report);
            }
            writeln!(out, "Complaints opened {from} to {to}, as of {}", report.as_of).map_err(io)?;
            for g in &report.groups {
                writeln!(
                    out,
                    "  {:<24} {:<7} {:>6}  {:>6} overdue",
                    g.source.label(),
                    g.status.code(),
                    g.count,
                    g.overdue
                )
                .map_err(io)?;
            }
            Ok(())
        }
        ReportCommand::Productivity(args) => {
            let actor = args.sign_in.actor(desk, now)?;
            let (from, to) = period(desk, &args, now);
            let report = desk.productivity_report(&actor, from, to, now)?;
            if let Some(path) = &args.csv {
                documents::reports::write_productivity_csv(&report, create(path)?)?;
            }
            if args.json {
                return json(out, &report);
            }
            writeln!(
                out,
                "Case work {from} to {to}: contacts, complaints opened/closed, orders drafted/reviewed, money actions"
            )
            .map_err(io)?;
            for l in &report.lines {
                writeln!(
                    out,
                    "  {:<12} {:<24} {:>5} {:>5}/{:<5} {:>5}/{:<5} {:>5}",
                    l.username,
                    l.full_name,
                    l.contacts,
                    l.complaints_opened,
                    l.complaints_closed,
                    l.orders_drafted,
                    l.orders_reviewed,
                    l.money_actions
                )
                .map_err(io)?;
            }
            Ok(())
        }
    }
}
