//! `audit`: the audit trail by account, user or date, newest first.

use std::io::Write;

use chrono::{DateTime, NaiveDate, Utc};
use clap::Args;

use super::show::{io, json};
use super::sign_in::SignIn;
use crate::desk::{AuditQuery, Desk, DeskError, MAX_AUDIT_RECORDS};

/// The longest detail shown on a line of text (`--json` shows it whole).
const DETAIL_CHARS: usize = 160;

/// `audit [--account N] [--user U] [--from DATE] [--to DATE] [--limit N] [--json]`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only records about this account number.
    #[arg(long, value_name = "NUMBER")]
    account: Option<String>,
    /// Only records written by this user.
    #[arg(long, value_name = "USERNAME")]
    user: Option<String>,
    /// From this day (the utility's calendar, e.g. 2026-03-01).
    #[arg(value_parser = crate::domain::dates::parse_day, long, value_name = "DATE")]
    from: Option<NaiveDate>,
    /// To this day, included.
    #[arg(value_parser = crate::domain::dates::parse_day, long, value_name = "DATE")]
    to: Option<NaiveDate>,
    /// At most this many records.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_AUDIT_RECORDS)))]
    limit: u32,
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    sign_in: SignIn,
}

pub fn audit(desk: &mut Desk, out: &mut impl Write, args: AuditArgs) -> Result<(), DeskError> {
    let now = Utc::now();
    let account = args.account.as_deref().map(|n| desk.account_by_number(n)).transpose()?.map(|a| a.account.id);
    let actor = args.sign_in.actor(desk, now)?;
    let query = AuditQuery { account, user: args.user, from: args.from, to: args.to, limit: args.limit };
    let rows = desk.audit(&actor, now, &query)?;
    if args.json {
        return json(out, &rows);
    }
    if rows.is_empty() {
        return writeln!(out, "No audit records.").map_err(io);
    }
    for row in &rows {
        let r = &row.record;
        let at = DateTime::parse_from_rfc3339(&r.at)
            .map(|t| desk.local_time(t.with_timezone(&Utc)).format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_else(|_| r.at.clone());
        let mut detail: String = r.detail.chars().take(DETAIL_CHARS).collect();
        if r.detail.chars().count() > DETAIL_CHARS {
            detail.push('…');
        }
        writeln!(
            out,
            "{at}  #{:<7} {:<12} {:<14} {:<18} {detail}",
            r.id,
            row.username.as_deref().unwrap_or("-"),
            r.action,
            r.subject
        )
        .map_err(io)?;
    }
    Ok(())
}
