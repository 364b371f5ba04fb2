//! `service stop`: an account's service ended on a day from its final read,
//! and its final bill (see `desk::service`).

use std::io::Write;

use chrono::{NaiveDate, Utc};
use clap::Subcommand;

use super::show::io;
use super::sign_in::SignIn;
use crate::desk::{Desk, DeskError, NewRead, StopRequest};
use crate::domain::reads::ReadKind;

#[derive(Debug, Subcommand)]
pub enum ServiceCommand {
    /// End an account's service on a day, from the meter's final read, and
    /// post its final bill (its monthly charges prorated to the days since
    /// the last read). A final read that fails an exception rule is held
    /// for a CAR III, and the cycle's bill run bills it once decided.
    Stop {
        /// The account number, e.g. 10000421-7.
        account: String,
        /// The last day of service (YYYY-MM-DD), when the final read is taken.
        #[arg(long, value_parser = crate::domain::dates::parse_day, value_name = "YYYY-MM-DD")]
        on: NaiveDate,
        /// The final reading.
        #[arg(long)]
        reading: u64,
        /// actual, estimated or customer.
        #[arg(long, default_value = "actual")]
        kind: ReadKind,
        /// The register rolled over past its last dial since the last read.
        #[arg(long)]
        rollover: bool,
        #[command(flatten)]
        sign_in: SignIn,
    },
}

pub fn service(desk: &mut Desk, out: &mut impl Write, command: ServiceCommand) -> Result<(), DeskError> {
    let ServiceCommand::Stop { account, on, reading, kind, rollover, sign_in } = command;
    let now = Utc::now();
    let actor = sign_in.actor(desk, now)?;
    let row = desk.account_by_number(&account)?;
    let request = StopRequest { account: row.account.id, on, read: NewRead { read_on: on, reading, kind, rollover } };
    let stopped = desk.stop_service(&actor, now, &request)?;
    let number = &row.account.number;
    writeln!(out, "Account {number} is final: service ended on {on}, {} gal since the last read.", stopped.gallons)
        .map_err(io)?;
    match (&stopped.bill, &stopped.held) {
        (Some(bill), _) => writeln!(out, "Final bill {}: {}.", bill.bill, bill.total),
        (None, Some((exception, why))) => writeln!(
            out,
            "The final read is held ({}: {why}); the cycle's bill run bills it once a CAR III decides it \
             (`reads held`).",
            exception.label()
        ),
        (None, None) => Ok(()),
    }
    .map_err(io)
}
