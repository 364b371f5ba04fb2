//! Documents on the command line: `statement`.

use std::io::Write;
use std::path::{Path, PathBuf};

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
    #[arg(value_parser = crate::domain::dates::parse_day, long, value_name = "YYYY-MM-DD")]
    pub from: Option<NaiveDate>,
    /// The last day (default: today).
    #[arg(value_parser = crate::domain::dates::parse_day, long, value_name = "YYYY-MM-DD")]
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
    /// Send the statement to this computer's default printer (the PDF
    /// goes to --pdf's file if given, else to a temporary one).
    #[arg(long)]
    pub print: bool,
    #[command(flatten)]
    pub sign_in: SignIn,
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
        documents::file::write_whole(path, |file| documents::statement::write_csv(&statement, file))?;
    }
    if args.pdf.is_some() || args.print {
        let pdf = documents::statement::write_pdf(&statement, &documents::pdf::Letterhead::standard()?)?;
        let temporary = match &args.pdf {
            Some(path) => {
                documents::file::write_bytes(path, &pdf)?;
                None
            }
            None => {
                let file = tempfile::Builder::new().prefix("statement-").suffix(".pdf").tempfile().map_err(io)?;
                documents::file::write_bytes(file.path(), &pdf)?;
                Some(file)
            }
        };
        if args.print {
            let path = args.pdf.as_deref().or(temporary.as_ref().map(|f| f.path())).unwrap_or(Path::new(""));
            match documents::file::print(path) {
                Ok(job) => writeln!(
                    out,
                    "Sent to the printer{}.",
                    if job.is_empty() { String::new() } else { format!(" ({job})") }
                )
                .map_err(io)?,
                Err(why) => {
                    let kept = args
                        .pdf
                        .as_ref()
                        .map(|p| format!(" The statement is saved as {}.", p.display()))
                        .unwrap_or_default();
                    return Err(DeskError::Invalid(format!("not printed: {why}.{kept}")));
                }
            }
        }
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
        writeln!(out, "  Disputes open on {}: {}", s.to, s.open_disputes.len()).map_err(io)?;
    }
    Ok(())
}

/// A report's period and where its tables go.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The first day (default: the first of this month).
    #[arg(value_parser = crate::domain::dates::parse_day, long, value_name = "YYYY-MM-DD")]
    pub from: Option<NaiveDate>,
    /// The last day (default: today).
    #[arg(value_parser = crate::domain::dates::parse_day, long, value_name = "YYYY-MM-DD")]
    pub to: Option<NaiveDate>,
    /// Write the report's table as CSV to FILE.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write the report as PDF to FILE.
    #[arg(long, value_name = "FILE")]
    pub pdf: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub sign_in: SignIn,
}

/// Writes a report's PDF where asked.
pub(super) fn report_pdf(
    path: Option<&PathBuf>,
    make: impl FnOnce(&documents::pdf::Letterhead) -> Result<Vec<u8>, DeskError>,
) -> Result<(), DeskError> {
    let Some(path) = path else { return Ok(()) };
    let pdf = make(&documents::pdf::Letterhead::standard()?)?;
    documents::file::write_bytes(path, &pdf)
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
            let files = (args.csv, args.pdf);
            super::cases::liaison_report(desk, out, period, files, args.json, args.sign_in)
        }
        ReportCommand::Adjustments { report: args, requests_csv } => {
            let actor = args.sign_in.actor(desk, now)?;
            let (from, to) = period(desk, &args, now);
            let report = desk.money_actions_report(&actor, from, to, now)?;
            if let Some(path) = &args.csv {
                documents::file::write_whole(path, |file| documents::reports::write_money_actions_csv(&report, file))?;
            }
            if let Some(path) = &requests_csv {
                documents::file::write_whole(path, |file| documents::reports::write_requests_csv(&report, file))?;
            }
            report_pdf(args.pdf.as_ref(), |l| documents::reports::money_actions_pdf(&report, l))?;
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
                documents::file::write_whole(path, |file| documents::reports::write_complaints_csv(&report, file))?;
            }
            report_pdf(args.pdf.as_ref(), |l| documents::reports::complaints_pdf(&report, l))?;
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
                documents::file::write_whole(path, |file| documents::reports::write_productivity_csv(&report, file))?;
            }
            report_pdf(args.pdf.as_ref(), |l| documents::reports::productivity_pdf(&report, l))?;
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

/// What a letter is about, from the command line.
#[derive(Debug, Args)]
#[group(multiple = false)]
pub struct AboutArgs {
    #[arg(long, value_name = "ID")]
    pub complaint: Option<i64>,
    #[arg(long, value_name = "ID")]
    pub dispute: Option<i64>,
    #[arg(long, value_name = "ID")]
    pub order: Option<i64>,
    #[arg(long, value_name = "ID")]
    pub posting: Option<i64>,
    #[arg(long, value_name = "ID")]
    pub bill: Option<i64>,
}

impl AboutArgs {
    fn about(&self) -> Option<crate::desk::LetterAbout> {
        use crate::desk::LetterAbout;
        use crate::domain::ids::{BillId, PostingId};
        self.complaint
            .map(LetterAbout::Complaint)
            .or(self.dispute.map(LetterAbout::Dispute))
            .or(self.order.map(LetterAbout::Order))
            .or(self.posting.map(|p| LetterAbout::Posting(PostingId(p))))
            .or(self.bill.map(|b| LetterAbout::Bill(BillId(b))))
    }
}

#[derive(Debug, Subcommand)]
pub enum LetterCommand {
    /// The templates, with the fields each names.
    Templates,
    /// Merge a template and print it, or send it: kept on the account as sent.
    Send {
        /// The account number.
        number: String,
        /// complaint-response, dispute-granted, dispute-denied, credit-confirmation,
        /// adjustment-confirmation, high-bill-explanation, order-confirmation.
        #[arg(long)]
        template: String,
        #[command(flatten)]
        about: AboutArgs,
        /// Print the merged letter and keep nothing.
        #[arg(long)]
        preview: bool,
        /// Send this text instead of the merged body (edited from a --preview).
        #[arg(long, value_name = "FILE")]
        body_file: Option<PathBuf>,
        /// Write the letter as sent as PDF to FILE.
        #[arg(long, value_name = "FILE")]
        pdf: Option<PathBuf>,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// A letter as it was sent.
    Show {
        id: i64,
        #[arg(long, value_name = "FILE")]
        pdf: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// An account's letters, newest first.
    List {
        number: String,
        #[arg(long)]
        json: bool,
    },
}

pub fn letter(desk: &mut Desk, out: &mut impl Write, command: LetterCommand) -> Result<(), DeskError> {
    let now = Utc::now();
    let write_pdf = |desk: &mut Desk, id: i64, path: &std::path::Path| -> Result<(), DeskError> {
        let (letter, account) = desk.kept_letter(id)?;
        let pdf = documents::letter::pdf(&letter, &account)?;
        documents::file::write_bytes(path, &pdf)
    };
    match command {
        LetterCommand::Templates => {
            for t in crate::domain::letters::Template::all()? {
                writeln!(out, "{:<26} {}\n  fields: {}", t.name, t.title, t.fields()?.join(", ")).map_err(io)?;
            }
            Ok(())
        }
        LetterCommand::Send { number, template, about, preview, body_file, pdf, sign_in } => {
            let account = desk.account_by_number(&number)?.account.id;
            let actor = sign_in.actor(desk, now)?;
            let mut draft = desk.draft_letter(&actor, now, account, &template, about.about())?;
            if let Some(path) = &body_file {
                draft.body = std::fs::read_to_string(path)
                    .map_err(|e| DeskError::Invalid(format!("cannot read {}: {e}", path.display())))?;
            }
            if preview {
                writeln!(out, "Subject: {}\n\n{}", draft.subject, draft.body).map_err(io)?;
                return Ok(());
            }
            let id = desk.send_letter(&actor, now, &draft)?;
            writeln!(out, "sent: letter #{id} ({}), kept on account {number}", draft.template).map_err(io)?;
            if let Some(path) = &pdf {
                write_pdf(desk, id, path)?;
                writeln!(out, "Written to {}", path.display()).map_err(io)?;
            }
            Ok(())
        }
        LetterCommand::Show { id, pdf, json: as_json } => {
            let letter = desk.letter(id)?;
            if let Some(path) = &pdf {
                write_pdf(desk, id, path)?;
            }
            if as_json {
                return json(out, &letter);
            }
            writeln!(
                out,
                "Letter #{} ({}), sent {} by {}\nSubject: {}\n\n{}",
                letter.id,
                letter.template,
                letter.sent_at.format("%Y-%m-%d %H:%M UTC"),
                letter.sent_by,
                letter.subject,
                letter.body
            )
            .map_err(io)
        }
        LetterCommand::List { number, json: as_json } => {
            let account = desk.account_by_number(&number)?.account.id;
            let letters = desk.letters(account)?;
            if as_json {
                return json(out, &letters);
            }
            for l in &letters {
                writeln!(out, "#{:<6} {} {:<24} {}", l.id, l.sent_at.format("%Y-%m-%d"), l.template, l.subject)
                    .map_err(io)?;
            }
            Ok(())
        }
    }
}
