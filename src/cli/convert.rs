//! `accounts import FILE.csv --as USER [--dry-run]`: a utility's accounts
//! from its old system (the columns are in the README and in
//! `assets/samples/accounts.csv`). The whole file is read and every cell
//! checked first, each bad one named by its line and column; then every
//! row against the ledger; only a file with no problem is opened, in one
//! transaction. Running the same file again opens nothing. Stdout gets the
//! crosswalk: each legacy number with its new account number.

use std::io::Write;
use std::path::Path;

use chrono::{Datelike, NaiveDate, Utc};
use clap::Subcommand;

use super::rows::{Cells, CsvFile, columns_of, progress_bar, read_columns, rows_refused};
use super::show::io;
use super::sign_in::SignIn;
use crate::desk::{
    Actor, ConvertedAccount, CustomerChoice, Desk, DeskError, NewAccountRequest, NewCustomer, OpeningBalance,
    PremiseChoice,
};
use crate::domain::Money;
use crate::domain::account::{Address, CartSize, MeterSize, PickupFrequency, Refuse, Services};
use crate::domain::sewer_cap::{WinterBill, cap_in_effect_from, compute_cap};

#[derive(Debug, Subcommand)]
pub enum AccountsCommand {
    /// Bring in the utility's accounts from its old system (Administrators
    /// and Managers): the whole file is checked first, and nothing is
    /// written unless every row is good; the same file again opens nothing.
    Import {
        #[arg(value_name = "FILE.csv")]
        file: std::path::PathBuf,
        /// Check the file against the ledger and say what would be opened,
        /// writing nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Close every final account that is settled: a zero balance, its final
    /// bill done, no complaint, dispute, order or request open (the month's
    /// job: the automated-jobs user or a Manager).
    CloseSettled {
        #[command(flatten)]
        sign_in: SignIn,
    },
}

/// The file's columns, in the order the sample has them; those marked
/// `true` must have a value in every row.
pub const COLUMNS: &[(&str, bool)] = &[
    ("legacy_number", true),
    ("name", true),
    ("service_line1", true),
    ("service_line2", false),
    ("service_city", true),
    ("service_state", true),
    ("service_zip", true),
    ("mailing_line1", false),
    ("mailing_line2", false),
    ("mailing_city", false),
    ("mailing_state", false),
    ("mailing_zip", false),
    ("phone", false),
    ("email", false),
    ("tax_id_last4", false),
    ("meter_number", true),
    ("meter_size", true),
    ("meter_dials", true),
    ("meter_reading", true),
    ("meter_read_on", false),
    ("sewer", true),
    ("stormwater", true),
    ("refuse_cart", false),
    ("refuse_frequency", false),
    ("emsacare", true),
    ("cycle", true),
    ("opened_on", true),
    ("sewer_cap_gal", false),
    ("winter_use", false),
    ("deposit_held", false),
    ("balance_current", false),
    ("current_due_on", false),
    ("balance_1_30", false),
    ("balance_31_60", false),
    ("balance_61_90", false),
    ("balance_over_90", false),
    ("credit_balance", false),
];

pub fn accounts(desk: &mut Desk, out: &mut impl Write, command: AccountsCommand) -> Result<(), DeskError> {
    let (file, dry_run, sign_in) = match command {
        AccountsCommand::Import { file, dry_run, sign_in } => (file, dry_run, sign_in),
        AccountsCommand::CloseSettled { sign_in } => {
            let now = Utc::now();
            let actor = sign_in.actor(desk, now)?;
            let crate::desk::Settled { closed, kept } = desk.close_settled(&actor, now)?;
            for number in &closed {
                writeln!(out, "closed {number}").map_err(io)?;
            }
            for (number, why) in &kept {
                writeln!(out, "kept final {number}: {why}").map_err(io)?;
            }
            return writeln!(out, "done: {} closed, {} kept final", closed.len(), kept.len()).map_err(io);
        }
    };
    let now = Utc::now();
    let actor = sign_in.actor(desk, now)?;
    let today = desk.today(now);
    let (lines, accounts) = read_columns(&file, "an accounts file", COLUMNS, |cells| account(cells, today))?;
    if dry_run {
        let problems = desk.check_conversion(&actor, now, &accounts, &mut |_| ())?;
        if !problems.is_empty() {
            return Err(rows_refused(&file, &lines, &problems, "converted"));
        }
        return writeln!(
            out,
            "{}: all {} rows are good (a dry run: nothing was written).",
            file.display(),
            accounts.len()
        )
        .map_err(io);
    }
    // One bar for both passes: every row checked, then every row opened.
    let bar = progress_bar(2 * accounts.len(), "checking, then opening");
    let report = desk.import_accounts(&actor, now, &accounts, &mut |done| bar.set_position(done));
    bar.finish_and_clear();
    let report = match report {
        Err(DeskError::Rows { doing, problems }) => return Err(rows_refused(&file, &lines, &problems, doing)),
        other => other?,
    };
    for (legacy, number) in &report.opened {
        if let Some(number) = number {
            writeln!(out, "{legacy} {number}").map_err(io)?;
        }
    }
    writeln!(
        out,
        "done: {} accounts opened, {} converted before (the same legacy number, name and meter); \
         opening balances {} net, deposits held {}, both against equity:conversion",
        report.opened.len(),
        report.already,
        report.balances,
        report.deposits
    )
    .map_err(io)
}

/// One row as an account, or every bad cell in it ("column meter_size: ...").
fn account(cells: &Cells, today: NaiveDate) -> Result<ConvertedAccount, Vec<String>> {
    let mut bad = Vec::new();
    let cell = |column: &str| cells.get(column);
    let optional = |column: &str| cells.optional(column);
    let mut parsed = |column: &str, what: Result<(), String>| {
        if let Err(why) = what {
            bad.push(format!("column {column}: {why}"));
        }
    };
    let mut number = |column: &str, low: u64, high: u64| -> u64 {
        match cell(column).replace(',', "").parse::<u64>() {
            Ok(n) if (low..=high).contains(&n) => n,
            _ => {
                parsed(column, Err(format!("\"{}\" is not a whole number from {low} to {high}", cell(column))));
                0
            }
        }
    };
    let meter_dials = number("meter_dials", 4, 10) as u32;
    let meter_reading = number("meter_reading", 0, 9_999_999_999);
    let cycle = number("cycle", 1, 99) as u8;
    let winter_use = winter_use(&cell("winter_use"));
    let sewer_cap_gal = match (optional("sewer_cap_gal"), &winter_use) {
        (Some(_), _) => Some(number("sewer_cap_gal", 0, 1_000_000)),
        // The cap in effect on the conversion day, from the winters given.
        (None, Ok(winters)) => compute_cap(winters, cap_in_effect_from(today)),
        (None, Err(_)) => None,
    };
    let winter_use = winter_use.map_err(|why| bad.push(format!("column winter_use: {why}")));
    let mut amount = |column: &str| -> Money {
        let text = cell(column);
        let digits = text.trim_start_matches('$');
        if digits.is_empty() || digits.chars().all(|c| matches!(c, '0' | '.' | ',')) {
            return Money::ZERO;
        }
        Money::parse(&text).unwrap_or_else(|e| {
            bad.push(format!("column {column}: {e}"));
            Money::ZERO
        })
    };
    let deposit = amount("deposit_held");
    let [current, days_1_30, days_31_60, days_61_90, over_90, credit] =
        ["balance_current", "balance_1_30", "balance_31_60", "balance_61_90", "balance_over_90", "credit_balance"]
            .map(&mut amount);
    let meter_read_on = optional("meter_read_on")
        .map(|day| crate::domain::dates::parse_day(&day))
        .transpose()
        .map_err(|e| bad.push(format!("column meter_read_on: {e}")));
    let current_due_on = optional("current_due_on")
        .map(|day| crate::domain::dates::parse_day(&day))
        .transpose()
        .map_err(|e| bad.push(format!("column current_due_on: {e}")));
    let (sewer, stormwater, emsacare) = (
        cells.flag("sewer", None, &mut bad),
        cells.flag("stormwater", None, &mut bad),
        cells.flag("emsacare", None, &mut bad),
    );
    let meter_size = cell("meter_size").parse::<MeterSize>().map_err(|e| bad.push(format!("column meter_size: {e}")));
    let refuse = match (optional("refuse_cart"), optional("refuse_frequency")) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err("column refuse_frequency: a pick-up frequency needs a refuse_cart".to_string()),
        (Some(cart), frequency) => {
            match (cart.parse::<CartSize>(), frequency.as_deref().unwrap_or("weekly").parse::<PickupFrequency>()) {
                (Ok(cart), Ok(frequency)) => Ok(Some(Refuse { cart, frequency })),
                (Err(e), _) => Err(format!("column refuse_cart: {e}")),
                (_, Err(e)) => Err(format!("column refuse_frequency: {e}")),
            }
        }
    }
    .map_err(|why| bad.push(why));
    let opened_on =
        crate::domain::dates::parse_day(&cell("opened_on")).map_err(|e| bad.push(format!("column opened_on: {e}")));
    let address = |prefix: &str| Address {
        line1: cell(&format!("{prefix}_line1")),
        line2: optional(&format!("{prefix}_line2")),
        city: cell(&format!("{prefix}_city")),
        state: cell(&format!("{prefix}_state")).to_uppercase(),
        zip: cell(&format!("{prefix}_zip")),
    };
    let service = address("service");
    let mailing_given =
        ["mailing_line1", "mailing_city", "mailing_state", "mailing_zip"].map(|c| optional(c).is_some());
    let mailing = if mailing_given.iter().all(|given| !given) {
        service.clone()
    } else if mailing_given.iter().all(|given| *given) {
        address("mailing")
    } else {
        bad.push(
            "columns mailing_*: a mailing address needs line1, city, state and zip (or all blank: the service address)"
                .into(),
        );
        service.clone()
    };
    for (column, value) in [("service_state", &service.state), ("mailing_state", &mailing.state)] {
        if value.len() != 2 || !value.bytes().all(|b| b.is_ascii_alphabetic()) {
            bad.push(format!("column {column}: \"{value}\" is not a two-letter state"));
        }
    }
    if sewer && sewer_cap_gal.is_none() && winter_use.is_ok() {
        bad.push(format!(
            "column sewer_cap_gal: a value is needed (or winter_use with a winter in the five averaged for the \
             cap in effect since {})",
            cap_in_effect_from(today)
        ));
    }
    let (Ok(meter_size), Ok(refuse), Ok(opened_on), Ok(winter_use), Ok(current_due_on), Ok(meter_read_on)) =
        (meter_size, refuse, opened_on, winter_use, current_due_on, meter_read_on)
    else {
        return Err(bad);
    };
    if !bad.is_empty() {
        return Err(bad);
    }
    let opened_on: NaiveDate = opened_on;
    Ok(ConvertedAccount {
        legacy_number: cell("legacy_number"),
        request: NewAccountRequest {
            cycle,
            customer: CustomerChoice::New(NewCustomer {
                name: cell("name"),
                mailing,
                phone: optional("phone"),
                email: optional("email"),
                tax_id_last4: optional("tax_id_last4"),
            }),
            premise: PremiseChoice::New {
                address: service,
                sewer_cap_gal: if sewer { sewer_cap_gal.unwrap_or(0) } else { 0 },
            },
            opened_on,
            deposit,
            services: Services {
                meter_number: cell("meter_number").to_uppercase(),
                meter_size,
                meter_dials,
                sewer,
                stormwater,
                refuse,
                emsacare,
            },
            opening_read: meter_reading,
        },
        opening: OpeningBalance { current, current_due_on, days_1_30, days_31_60, days_61_90, over_90, credit },
        winter_use,
        meter_read_on,
    })
}

/// Winter use as the old system billed it: `YYYY-MM-DD=gallons` for each
/// December, January or February bill, separated by spaces or semicolons
/// ("2025-12-15=4800; 2026-01-14=5200").
fn winter_use(cell: &str) -> Result<Vec<WinterBill>, String> {
    let mut bills: Vec<WinterBill> = Vec::new();
    for part in cell.split([';', ' ']).filter(|p| !p.is_empty()) {
        let (day, gallons) =
            part.split_once('=').ok_or_else(|| format!("\"{part}\" is not a bill date = gallons (2026-01-14=5200)"))?;
        let bill_date = crate::domain::dates::parse_day(day).map_err(|e| e.to_string())?;
        if !matches!(bill_date.month(), 12 | 1 | 2) {
            return Err(format!("{bill_date} is not in December, January or February"));
        }
        let consumption_gal = gallons
            .replace(',', "")
            .parse::<u64>()
            .ok()
            .filter(|g| *g <= 10_000_000)
            .ok_or_else(|| format!("\"{gallons}\" is not a whole number of gallons up to 10,000,000"))?;
        if bills.iter().any(|b| b.bill_date == bill_date) {
            return Err(format!("{bill_date} is given twice"));
        }
        bills.push(WinterBill { bill_date, consumption_gal });
    }
    Ok(bills)
}

/// An accounts file's bytes checked as `accounts import --dry-run` checks
/// them, writing nothing: how many accounts it holds (the fuzz target's
/// entry; `actor` an Administrator or a Manager).
pub fn check_bytes(desk: &mut Desk, actor: &Actor, bytes: &[u8]) -> Result<usize, DeskError> {
    let (file, now) = (Path::new("fuzz.csv"), Utc::now());
    let today = desk.today(now);
    let csv = CsvFile::from_bytes(bytes, true, file)?;
    let (lines, accounts) = columns_of(csv, file, "an accounts file", COLUMNS, |cells| account(cells, today))?;
    let problems = desk.check_conversion(actor, now, &accounts, &mut |_| ())?;
    if !problems.is_empty() {
        return Err(rows_refused(file, &lines, &problems, "converted"));
    }
    Ok(accounts.len())
}
