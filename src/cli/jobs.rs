//! The month's jobs, as commands for the utility's scheduler (a systemd
//! timer or cron; the README shows both): `late-fees run` and `sewer-caps
//! recompute`. Each signs in (the `batch` user is meant for them), is
//! idempotent (run again, it charges or sets nothing more) and audited.

use std::io::Write;

use chrono::{NaiveDate, Utc};
use clap::Subcommand;

use super::show::io;
use super::sign_in::SignIn;
use crate::desk::{Desk, DeskError};

#[derive(Debug, Subcommand)]
pub enum LateFeesCommand {
    /// Charge the late fee on every account whose latest bill went past due
    /// unpaid, once per bill: run again, it charges nothing more.
    Run {
        /// Assess as of this day (default: today, in the utility's time).
        #[arg(long, value_name = "DATE")]
        as_of: Option<NaiveDate>,
        #[command(flatten)]
        sign_in: SignIn,
    },
}

#[derive(Debug, Subcommand)]
pub enum SewerCapsCommand {
    /// Set every open account's sewer cap from its winter bills, effective
    /// 1 May of YEAR (the May job), once per account and year.
    Recompute {
        #[arg(long, value_name = "YEAR")]
        year: i32,
        #[command(flatten)]
        sign_in: SignIn,
    },
}

pub fn late_fees(desk: &mut Desk, out: &mut impl Write, command: LateFeesCommand) -> Result<(), DeskError> {
    let LateFeesCommand::Run { as_of, sign_in } = command;
    let now = Utc::now();
    let actor = sign_in.actor(desk, now)?;
    let as_of = as_of.unwrap_or_else(|| desk.today(now));
    let report = desk.assess_late_fees(&actor, now, as_of)?;
    writeln!(
        out,
        "Late fees as of {as_of}: {} accounts owing checked, {} fees charged, {} in all{}.",
        report.accounts_checked,
        report.assessed,
        report.total,
        if report.assessed == 0 { " (none was due, or each was charged before)" } else { "" }
    )
    .map_err(io)
}

pub fn sewer_caps(desk: &mut Desk, out: &mut impl Write, command: SewerCapsCommand) -> Result<(), DeskError> {
    let SewerCapsCommand::Recompute { year, sign_in } = command;
    let now = Utc::now();
    let actor = sign_in.actor(desk, now)?;
    let set = desk.recompute_sewer_caps(&actor, now, year)?;
    writeln!(
        out,
        "Sewer caps effective 1 May {year}: {set} set from winter bills{}.",
        if set == 0 { " (every account's was set before, or it has no winter bills)" } else { "" }
    )
    .map_err(io)
}
