//! The approval queue: `requests`, `approve`, `reject`, `withdraw`.

use std::io::Write;

use chrono::Utc;
use clap::Args;

use super::money::amount;
use super::show::{io, json};
use super::sign_in::SignIn;
use crate::desk::{Desk, DeskError, RequestView};

/// `requests [--status S] [--mine] [--account NUMBER] [--json]`.
#[derive(Debug, Args)]
pub struct RequestsArgs {
    /// Which requests to list.
    #[arg(long, default_value = "pending",
          value_parser = ["pending", "approved", "rejected", "withdrawn", "all"])]
    status: String,
    /// Only the requests I sent.
    #[arg(long)]
    mine: bool,
    /// Only the requests on this account (its number, e.g. 10000421-7).
    #[arg(long, value_name = "NUMBER")]
    account: Option<String>,
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    sign_in: SignIn,
}

/// `approve REQUEST [--amount AMOUNT] [--note TEXT]`.
#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// The request number.
    request: i64,
    /// Approve a lower amount than requested (credits and line adjustments).
    #[arg(long, allow_hyphen_values = true)]
    amount: Option<String>,
    /// A note for the record.
    #[arg(long)]
    note: Option<String>,
    #[command(flatten)]
    sign_in: SignIn,
}

/// `reject REQUEST --reason TEXT`.
#[derive(Debug, Args)]
pub struct RejectArgs {
    /// The request number.
    request: i64,
    /// Why it is rejected (required; the requester sees it).
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    sign_in: SignIn,
}

/// `withdraw REQUEST`.
#[derive(Debug, Args)]
pub struct WithdrawArgs {
    /// The request number (one you sent).
    request: i64,
    #[command(flatten)]
    sign_in: SignIn,
}

/// One request as `requests --json` prints it.
#[derive(serde::Serialize)]
struct Listed<'a> {
    id: i64,
    status: &'a str,
    action: crate::domain::authority::MoneyAction,
    account: String,
    subject: &'a str,
    amount: crate::domain::Money,
    requested_by: &'a str,
    requested_by_name: &'a str,
    requested_at: chrono::DateTime<Utc>,
    age_business_days: i64,
    stale: bool,
    reason: &'a str,
    reviewer: crate::domain::user::Role,
    approved_amount: Option<crate::domain::Money>,
    decision_note: Option<&'a str>,
    posting_id: Option<crate::domain::ids::PostingId>,
    request: serde_json::Value,
}

impl<'a> From<&'a RequestView> for Listed<'a> {
    fn from(view: &'a RequestView) -> Listed<'a> {
        let row = &view.row;
        Listed {
            id: row.id,
            status: &row.status,
            action: row.action,
            account: row.account_number.to_string(),
            subject: &row.subject,
            amount: row.amount,
            requested_by: &row.requested_by_name,
            requested_by_name: &row.requested_by_full_name,
            requested_at: row.requested_at,
            age_business_days: view.age_business_days,
            stale: view.stale,
            reason: &row.reason,
            reviewer: row.reviewer,
            approved_amount: row.approved_amount,
            decision_note: row.decision_note.as_deref(),
            posting_id: row.posting_id,
            request: serde_json::from_str(&row.request_json).unwrap_or(serde_json::Value::Null),
        }
    }
}

pub fn requests(desk: &mut Desk, out: &mut impl Write, args: RequestsArgs) -> Result<(), DeskError> {
    let now = Utc::now();
    let actor = args.sign_in.actor(desk, now)?;
    let status = (args.status != "all").then_some(args.status.as_str());
    let mut views = desk.requests(now, status, args.mine.then_some(&actor))?;
    if let Some(number) = &args.account {
        let account = desk.account_by_number(number)?.account.id;
        views.retain(|v| v.row.account_id == account);
    }
    if args.json {
        let listed: Vec<Listed> = views.iter().map(Listed::from).collect();
        return json(out, &listed);
    }
    if views.is_empty() {
        let which = status.map(|s| format!("{s} ")).unwrap_or_default();
        return writeln!(out, "No {which}requests.").map_err(io);
    }
    for view in &views {
        let row = &view.row;
        let age = match view.age_business_days {
            1 => "1 business day".to_string(),
            days => format!("{days} business days"),
        };
        let decided = match (row.status.as_str(), row.approved_amount, &row.decision_note) {
            ("approved", Some(approved), note) if approved != row.amount => {
                format!("  approved {approved}{}", note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default())
            }
            (_, _, Some(note)) => format!("  note: {note}"),
            _ => String::new(),
        };
        writeln!(
            out,
            "#{:<6} {:<9} {:<16} {:<6} {:<16} {:>12}  {}  by {} ({}) {} — {}{decided}",
            row.id,
            row.status,
            age,
            if view.stale { "STALE" } else { "" },
            row.action.label(),
            row.amount.to_string(),
            row.account_number,
            row.requested_by_full_name,
            row.requested_by_name,
            desk.local_time(row.requested_at).format("%Y-%m-%d %H:%M"),
            row.reason
        )
        .map_err(io)?;
    }
    Ok(())
}

pub fn approve(desk: &mut Desk, out: &mut impl Write, args: ApproveArgs) -> Result<(), DeskError> {
    let now = Utc::now();
    let lower = args.amount.as_deref().map(amount).transpose()?;
    let actor = args.sign_in.actor(desk, now)?;
    let posted = desk.approve(&actor, now, args.request, lower, args.note.as_deref())?;
    let amount = lower.map(|a| format!(" for {a}")).unwrap_or_default();
    writeln!(out, "approved: request {}{amount}, posted: posting {}", args.request, posted.posting_id).map_err(io)
}

pub fn reject(desk: &mut Desk, out: &mut impl Write, args: RejectArgs) -> Result<(), DeskError> {
    let now = Utc::now();
    let actor = args.sign_in.actor(desk, now)?;
    desk.reject(&actor, now, args.request, &args.reason)?;
    writeln!(out, "rejected: request {}", args.request).map_err(io)
}

pub fn withdraw(desk: &mut Desk, out: &mut impl Write, args: WithdrawArgs) -> Result<(), DeskError> {
    let now = Utc::now();
    let actor = args.sign_in.actor(desk, now)?;
    desk.withdraw(&actor, now, args.request)?;
    writeln!(out, "withdrawn: request {}", args.request).map_err(io)
}
