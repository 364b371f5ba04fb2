//! `reads import FILE.csv`, the held reads and their decisions, and
//! `bill run --cycle N`: a cycle's reads from the reading route's file to
//! its bills (see `desk::reads`).

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Utc};
use clap::{Args, Subcommand};
use serde::Serialize;

use super::rows::{Cells, CsvFile, columns_of, progress_bar, read_columns, rows_refused};
use super::show::{io, json};
use super::sign_in::SignIn;
use crate::desk::{Actor, CycleRun, Desk, DeskError, LoadedRead, ReadChoice};
use crate::documents::file::write_whole;
use crate::domain::dates::parse_day;
use crate::domain::reads::ReadKind;
use crate::records::ReadDecision;

#[derive(Debug, Subcommand)]
pub enum ReadsCommand {
    /// Load a reading route's file of meter reads (the automated-jobs user
    /// or a Manager): the whole file is checked first and nothing is
    /// loaded unless every row is good; reads that fail an exception rule
    /// are loaded but held from billing until a CAR III decides them.
    Import {
        #[arg(value_name = "FILE.csv")]
        file: PathBuf,
        /// Check the file against the ledger and say what would be loaded
        /// and held, writing nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// The reads held as exceptions, waiting for a decision, oldest first.
    Held {
        /// Only this bill cycle's.
        #[arg(long)]
        cycle: Option<u8>,
        #[arg(long)]
        json: bool,
    },
    /// Bill a held read (CAR III and above): as read, or with a corrected
    /// reading.
    Accept {
        /// The held read's number (from `reads held`).
        id: i64,
        /// The reading to bill instead of the one loaded.
        #[arg(long)]
        reading: Option<u64>,
        /// Why (what was checked: a leak, a misread dial, the customer's word).
        #[arg(long)]
        note: String,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Do not bill a held read: the meter is to be read again (CAR III and
    /// above). The next read loaded for a later day is checked afresh.
    Reread {
        id: i64,
        #[arg(long)]
        note: String,
        #[command(flatten)]
        sign_in: SignIn,
    },
}

/// A reads file's columns; those marked `true` need a value in every row.
pub const COLUMNS: &[(&str, bool)] =
    &[("meter", true), ("read_on", true), ("reading", true), ("kind", true), ("reader", false), ("rollover", false)];

pub fn reads(desk: &mut Desk, out: &mut impl Write, command: ReadsCommand) -> Result<(), DeskError> {
    let now = Utc::now();
    match command {
        ReadsCommand::Import { file, dry_run, sign_in } => {
            let actor = sign_in.actor(desk, now)?;
            let (lines, reads) = read_columns(&file, "a reads file", COLUMNS, read)?;
            if dry_run {
                let problems = desk.check_reads(&actor, now, &reads)?;
                if !problems.is_empty() {
                    return Err(rows_refused(&file, &lines, &problems, "loaded"));
                }
                return writeln!(
                    out,
                    "{}: all {} rows are good (a dry run: nothing was written).",
                    file.display(),
                    reads.len()
                )
                .map_err(io);
            }
            let bar = progress_bar(reads.len(), "loading");
            let report = desk.import_reads(&actor, now, &reads, &mut |done| bar.set_position(done));
            bar.finish_and_clear();
            let report = match report {
                Err(DeskError::Rows { doing, problems }) => return Err(rows_refused(&file, &lines, &problems, doing)),
                other => other?,
            };
            for held in &report.held {
                writeln!(
                    out,
                    "held: line {}: account {}: {}, {}",
                    lines[held.row],
                    held.account,
                    held.exception.label(),
                    held.why
                )
                .map_err(io)?;
            }
            writeln!(
                out,
                "done: {} reads loaded ({} held for a decision: `reads held`), {} loaded before",
                report.loaded,
                report.held.len(),
                report.already
            )
            .map_err(io)
        }
        ReadsCommand::Held { cycle, json: as_json } => {
            let held = desk.held_reads(cycle)?;
            if as_json {
                return json(out, &held);
            }
            if held.is_empty() {
                return writeln!(out, "No reads are held.").map_err(io);
            }
            for read in &held {
                writeln!(
                    out,
                    "#{:<6} {}  {}  cycle {}  meter {}  read {} {} ({}, {} gal): {}, {}",
                    read.id,
                    read.account_number,
                    read.name,
                    read.cycle,
                    read.meter_number,
                    read.read_on,
                    read.reading,
                    read.kind,
                    read.consumption_gal,
                    read.exception.map_or("", |e| e.label()),
                    read.exception_detail.as_deref().unwrap_or("")
                )
                .map_err(io)?;
            }
            Ok(())
        }
        ReadsCommand::Accept { id, reading, note, sign_in } => {
            let actor = sign_in.actor(desk, now)?;
            let choice = reading.map_or(ReadChoice::Accept, ReadChoice::Correct);
            match desk.decide_read(&actor, now, id, choice, &note)? {
                ReadDecision::Corrected { reading, gallons } => {
                    writeln!(out, "Read #{id} is to be billed at {reading} ({gallons} gal).")
                }
                _ => writeln!(out, "Read #{id} is to be billed as read."),
            }
            .map_err(io)
        }
        ReadsCommand::Reread { id, note, sign_in } => {
            let actor = sign_in.actor(desk, now)?;
            desk.decide_read(&actor, now, id, ReadChoice::Reread, &note)?;
            writeln!(out, "Read #{id} will not be billed: the meter is to be read again.").map_err(io)
        }
    }
}

/// One row of a reads file.
fn read(cells: &Cells) -> Result<LoadedRead, Vec<String>> {
    let mut bad = Vec::new();
    let read_on = parse_day(&cells.get("read_on")).map_err(|e| bad.push(format!("column read_on: {e}")));
    let reading = cells.get("reading").replace(',', "").parse::<u64>().map_err(|_| {
        bad.push(format!("column reading: \"{}\" is not a whole number", cells.get("reading")));
    });
    let kind = match cells.get("kind").to_lowercase().as_str() {
        "customer-read" => Ok(ReadKind::Customer),
        other => other.parse::<ReadKind>().map_err(|e| bad.push(format!("column kind: {e}"))),
    };
    let rollover = cells.flag("rollover", Some(false), &mut bad);
    let (Ok(read_on), Ok(reading), Ok(kind)) = (read_on, reading, kind) else {
        return Err(bad);
    };
    if !bad.is_empty() {
        return Err(bad);
    }
    Ok(LoadedRead {
        meter: cells.get("meter").to_uppercase(),
        read_on,
        reading,
        kind,
        reader: cells.optional("reader"),
        rollover,
    })
}

/// `bill run --cycle N`: bills a cycle from its loaded reads.
#[derive(Debug, Args)]
pub struct BillRunArgs {
    /// The bill cycle (read and bill route), 1 to 99.
    #[arg(long)]
    cycle: u8,
    /// Bill reads taken on or before this day (YYYY-MM-DD; default today).
    #[arg(long)]
    through: Option<NaiveDate>,
    /// Say what would be billed and skipped, writing nothing.
    #[arg(long)]
    dry_run: bool,
    /// Where to write the bill register (default:
    /// bill-register-cycle-N-DATE-TIME.csv in the current folder, with
    /// -dry-run before .csv on a dry run).
    #[arg(long, value_name = "FILE.csv")]
    register: Option<PathBuf>,
    #[command(flatten)]
    sign_in: SignIn,
}

/// One line of the bill register.
#[derive(Serialize)]
struct RegisterRow {
    account: String,
    bill: String,
    period_start: String,
    period_end: String,
    reading: String,
    kind: String,
    gallons: String,
    total: String,
    status: String,
}

pub fn bill_run(desk: &mut Desk, out: &mut impl Write, args: BillRunArgs) -> Result<(), DeskError> {
    let now = Utc::now();
    let actor = args.sign_in.actor(desk, now)?;
    let run = desk.bill_cycle(&actor, now, args.cycle, args.through, args.dry_run)?;
    let register = args.register.unwrap_or_else(|| {
        let dry = if args.dry_run { "-dry-run" } else { "" };
        PathBuf::from(format!("bill-register-cycle-{}-{}{dry}.csv", args.cycle, now.format("%Y%m%d-%H%M%S")))
    });
    write_whole(&register, |file| crate::documents::csv::write_rows(file, register_rows(&run)))?;
    summary(out, &run)?;
    writeln!(out, "Bill register: {} ({} accounts)", register.display(), run.lines.len()).map_err(io)
}

fn register_rows(run: &CycleRun) -> Vec<RegisterRow> {
    let text = |v: Option<String>| v.unwrap_or_default();
    run.lines
        .iter()
        .map(|line| RegisterRow {
            account: line.account.to_string(),
            bill: text(line.bill.map(|b| b.to_string())),
            period_start: text(line.period_start.map(|d| d.to_string())),
            period_end: text(line.period_end.map(|d| d.to_string())),
            reading: text(line.reading.map(|r| r.to_string())),
            kind: text(line.kind.map(|k| k.to_string())),
            gallons: text(line.gallons.map(|g| g.to_string())),
            total: text(line.total.map(|t| t.to_decimal().to_string())),
            status: match (&line.skipped, run.dry_run) {
                (Some(why), _) => format!("skipped: {why}"),
                (None, true) => "would be billed".into(),
                (None, false) => "billed".into(),
            },
        })
        .collect()
}

/// The run in a few lines: what was billed, and each account skipped.
fn summary(out: &mut impl Write, run: &CycleRun) -> Result<(), DeskError> {
    let skipped: Vec<_> = run.skipped().collect();
    if run.dry_run {
        writeln!(
            out,
            "Cycle {} through {} (a dry run: nothing was written): {} would be billed, {} skipped",
            run.cycle,
            run.through,
            run.billed,
            skipped.len()
        )
    } else {
        writeln!(
            out,
            "Cycle {} through {}, bills dated {}: {} billed, {} in all, {} ledger lines; {} skipped",
            run.cycle,
            run.through,
            run.bill_date,
            run.billed,
            run.total,
            run.ledger_lines,
            skipped.len()
        )
    }
    .map_err(io)?;
    for line in skipped.iter().take(super::rows::SHOWN_PROBLEMS) {
        writeln!(out, "  skipped {}: {}", line.account, line.skipped.as_deref().unwrap_or("")).map_err(io)?;
    }
    if skipped.len() > super::rows::SHOWN_PROBLEMS {
        writeln!(out, "  … and {} more (all in the register)", skipped.len() - super::rows::SHOWN_PROBLEMS)
            .map_err(io)?;
    }
    Ok(())
}

/// A reads file's bytes checked as `reads import --dry-run` checks them,
/// writing nothing: how many reads it holds (the fuzz target's entry;
/// `actor` may post bills).
pub fn check_bytes(desk: &mut Desk, actor: &Actor, bytes: &[u8]) -> Result<usize, DeskError> {
    let file = Path::new("fuzz.csv");
    let (lines, reads) = columns_of(CsvFile::from_bytes(bytes, true, file)?, file, "a reads file", COLUMNS, read)?;
    let problems = desk.check_reads(actor, Utc::now(), &reads)?;
    if !problems.is_empty() {
        return Err(rows_refused(file, &lines, &problems, "loaded"));
    }
    Ok(reads.len())
}
