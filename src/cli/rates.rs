//! `rates list`, `rates show ID` and `rates load FILE.toml`: the rate
//! schedules the ledger holds, and a new one the utility loads (a
//! Manager), previewed against a sample of accounts before it is saved
//! (see `desk::rates`).

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::Utc;
use clap::Subcommand;

use super::show::{io, json};
use super::sign_in::SignIn;
use crate::desk::{Desk, DeskError, RatePreview};

#[derive(Debug, Subcommand)]
pub enum RatesCommand {
    /// The schedules in the ledger, oldest first, with the one in effect today.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One schedule's figures (stand-ins marked), or its file as loaded.
    Show {
        /// The schedule's id, e.g. residential-2024.
        id: String,
        /// Print the TOML text exactly as it was loaded.
        #[arg(long, conflicts_with = "json")]
        source: bool,
        #[arg(long)]
        json: bool,
    },
    /// Load a new schedule from a TOML file in the format of
    /// `assets/rates/` (a Manager): checked whole, starting after the last
    /// billed day, previewed against a sample of accounts (their last month
    /// under today's schedule and the new one), then saved and audited.
    /// `--dry-run` previews and saves nothing.
    Load {
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        sign_in: SignIn,
    },
}

pub fn rates(desk: &mut Desk, out: &mut impl Write, command: RatesCommand) -> Result<(), DeskError> {
    let now = Utc::now();
    match command {
        RatesCommand::List { json: true } => json(out, &desk.rate_schedules(now)?),
        RatesCommand::List { json: false } => {
            for s in desk.rate_schedules(now)? {
                let current = if s.in_effect { "  (in effect)" } else { "" };
                let stand_ins = match s.placeholders {
                    0 => String::new(),
                    n => format!(", {n} stand-in figure(s)"),
                };
                writeln!(
                    out,
                    "{}  from {}  {}: {} bill(s){stand_ins}; loaded {}{current}",
                    s.id,
                    s.effective_from,
                    s.name,
                    s.bills,
                    s.loaded_at.format("%Y-%m-%d %H:%M UTC")
                )
                .map_err(io)?;
            }
            Ok(())
        }
        RatesCommand::Show { id, source, json: as_json } => {
            let (schedule, text) = desk.rate_schedule(&id)?;
            if source {
                return write!(out, "{text}").map_err(io);
            }
            if as_json {
                return json(out, &schedule);
            }
            let terms = schedule.terms();
            writeln!(out, "{} ({}), in effect from {}", terms.name, terms.id, terms.effective_from).map_err(io)?;
            for (figure, value) in terms.figures() {
                let stand_in = if terms.is_placeholder(&figure) { "  (stand-in, not a published figure)" } else { "" };
                writeln!(out, "  {figure:<28} {value}{stand_in}").map_err(io)?;
            }
            Ok(())
        }
        RatesCommand::Load { file, dry_run, json: as_json, sign_in } => {
            let actor = sign_in.actor(desk, now)?;
            let text = schedule_text(&std::fs::read(&file).map_err(|e| unreadable(&file, e))?, &file)?;
            let preview = match dry_run {
                true => desk.preview_rates(&text)?,
                false => desk.load_rates(&actor, now, &text)?,
            };
            if as_json {
                return json(out, &preview);
            }
            said(out, &preview)?;
            match dry_run {
                true => writeln!(out, "Dry run: nothing saved. Load it without --dry-run to save it.").map_err(io),
                false => writeln!(
                    out,
                    "Saved: schedule {} rates every bill for a period ending on or after {} (SHA-256 {}).",
                    preview.id, preview.effective_from, preview.sha256
                )
                .map_err(io),
            }
        }
    }
}

fn unreadable(path: &Path, error: std::io::Error) -> DeskError {
    DeskError::Invalid(format!("cannot read {}: {error}", path.display()))
}

/// A rate file's text: UTF-8, a byte-order mark dropped, Windows line
/// ends read as they are (TOML takes them).
pub fn schedule_text(bytes: &[u8], path: &Path) -> Result<String, DeskError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        DeskError::Invalid(format!(
            "{} is not UTF-8 text (byte {} is not): save it as UTF-8",
            path.display(),
            e.utf8_error().valid_up_to() + 1
        ))
    })
}

fn said(out: &mut impl Write, preview: &RatePreview) -> Result<(), DeskError> {
    let replaces = preview.replaces.as_deref().map_or(String::new(), |id| format!(", following {id}"));
    writeln!(out, "{} ({}), from {}{replaces}", preview.name, preview.id, preview.effective_from).map_err(io)?;
    match preview.figures.len() {
        0 => writeln!(out, "No figure changes.").map_err(io)?,
        n => writeln!(out, "{n} figure(s) change:").map_err(io)?,
    }
    let shown = |v: Option<rust_decimal::Decimal>| v.map_or("—".to_string(), |v| v.to_string());
    for change in &preview.figures {
        let stand_in = if preview.placeholders.contains(&change.figure) { "  (stand-in)" } else { "" };
        writeln!(
            out,
            "  {:<28} {:>10} -> {:>10}{stand_in}",
            change.figure,
            shown(change.current),
            shown(change.proposed)
        )
        .map_err(io)?;
    }
    writeln!(out, "Last month's bill, today's schedule beside the new one ({} accounts):", preview.accounts.len())
        .map_err(io)?;
    writeln!(out, "  {:<12} {:>9} {:>11} {:>11} {:>10}", "account", "gallons", "now", "new", "change").map_err(io)?;
    for line in &preview.accounts {
        writeln!(
            out,
            "  {:<12} {:>9} {:>11} {:>11} {:>10}",
            line.account, line.gallons, line.current, line.proposed, line.difference
        )
        .map_err(io)?;
    }
    Ok(())
}
