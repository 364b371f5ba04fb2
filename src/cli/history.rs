//! What the window shows of an account that a screen reader cannot reach
//! there: a bill explained in sentences (`bill explain`), the account's
//! history of contacts, complaints, disputes, orders and letters in one
//! list (`account NUMBER --history`), and its usage set against the usual
//! (`account NUMBER --usage`). Plain lines, read in order.

use std::io::Write;

use chrono::{DateTime, Utc};
use clap::Subcommand;
use serde::Serialize;

use super::show::json;
use crate::desk::explain::{explain_bill_with_history, thousands, usual_use};
use crate::desk::{Desk, DeskError, Overview};
use crate::domain::ids::BillId;

/// `bill ...`.
#[derive(Debug, Subcommand)]
pub enum BillCommand {
    /// Explain a bill in sentences a customer on the phone can follow, its
    /// use set against the home's usual use.
    Explain {
        /// The bill's number.
        bill: i64,
        #[arg(long)]
        json: bool,
    },
    /// Bill a cycle from its loaded reads (the automated-jobs user or a
    /// Manager): each active account with a read not held; every account
    /// skipped is listed with the reason, and the bill register written.
    Run(super::reads::BillRunArgs),
}

fn io(e: std::io::Error) -> DeskError {
    DeskError::Invalid(e.to_string())
}

pub fn bill(desk: &mut Desk, out: &mut impl Write, command: BillCommand) -> Result<(), DeskError> {
    let (bill, as_json) = match command {
        BillCommand::Explain { bill, json } => (bill, json),
        BillCommand::Run(args) => return super::reads::bill_run(desk, out, args),
    };
    let bill = desk.bill(BillId(bill))?;
    let bills = desk.overview(bill.account_id, Utc::now())?.bills;
    let said = explain_bill_with_history(&bill, &bills);
    if as_json {
        return json(out, &said);
    }
    writeln!(out, "Bill {} ({} to {}):", bill.id, bill.period_start, bill.period_end).map_err(io)?;
    for paragraph in said {
        writeln!(out, "\n{paragraph}").map_err(io)?;
    }
    Ok(())
}

/// One thing that happened on an account, for its history.
#[derive(Debug, Serialize)]
pub struct Happened {
    /// In the utility's time.
    pub at: String,
    pub what: &'static str,
    pub id: i64,
    pub said: String,
}

/// The account's contacts, complaints, disputes, orders and letters, newest first.
pub fn history(desk: &mut Desk, out: &mut impl Write, overview: &Overview, as_json: bool) -> Result<(), DeskError> {
    let account = overview.account.account.id;
    let cases = desk.cases(account)?;
    let letters = desk.letters(account)?;
    let mut all: Vec<(DateTime<Utc>, &'static str, i64, String)> = Vec::new();
    for c in &cases.contacts {
        let identity = c.identity.as_ref().map(|check| format!(" [identity: {}]", check.said())).unwrap_or_default();
        all.push((c.at, "contact", c.id, format!("{} by {}: {}{identity}", c.channel, c.by, c.summary)));
    }
    for c in &cases.complaints {
        let state = match (&c.resolution, &c.assigned_to) {
            (Some(r), _) => format!("closed, {}", r.label()),
            (None, Some(who)) => format!("open, with {who}, due {}", c.due_on),
            (None, None) => format!("open, in the {} queue, due {}", c.queue.label(), c.due_on),
        };
        all.push((c.opened_at, "complaint", c.id, format!("{} ({state}): {}", c.category.label(), c.summary)));
    }
    for d in &cases.disputes {
        all.push((
            d.opened_at,
            "dispute",
            d.id,
            format!("bill {} for {}, {}: {}", d.bill_id, d.amount, d.status, d.reason),
        ));
    }
    for o in &cases.orders {
        all.push((o.created_at, "order", o.id, format!("{} ({})", o.kind.label(), o.status.label())));
    }
    for l in &letters {
        all.push((l.sent_at, "letter", l.id, format!("{}: {}", l.template, l.subject)));
    }
    all.sort_by(|a, b| b.0.cmp(&a.0).then(b.2.cmp(&a.2)));
    let listed: Vec<Happened> = all
        .into_iter()
        .map(|(at, what, id, said)| Happened {
            at: desk.local_time(at).format("%Y-%m-%d %H:%M").to_string(),
            what,
            id,
            said,
        })
        .collect();
    if as_json {
        return json(out, &listed);
    }
    let a = &overview.account;
    writeln!(out, "History of {} ({}), newest first; times are the utility's:", a.account.number, a.customer.name)
        .map_err(io)?;
    if listed.is_empty() {
        return writeln!(out, "Nothing yet: no contact, complaint, dispute, order or letter.").map_err(io);
    }
    for h in &listed {
        writeln!(out, "{}  {} #{}: {}", h.at, h.what, h.id, h.said).map_err(io)?;
    }
    Ok(())
}

/// The account's use, month by month, with the usual and the sewer cap.
pub fn usage(out: &mut impl Write, overview: &Overview, as_json: bool) -> Result<(), DeskError> {
    let a = &overview.account;
    let usual = overview.bills.first().and_then(|latest| usual_use(latest, &overview.bills));
    if as_json {
        #[derive(Serialize)]
        struct Month {
            bill: i64,
            from: chrono::NaiveDate,
            to: chrono::NaiveDate,
            gallons: u64,
            estimated: bool,
        }
        #[derive(Serialize)]
        struct Usage {
            bills: Vec<Month>,
            usual_gallons: Option<u64>,
            usual_of_bills: Option<usize>,
            sewer_cap_gallons: Option<u64>,
        }
        let bills = overview
            .bills
            .iter()
            .map(|b| Month {
                bill: b.id.0,
                from: b.period_start,
                to: b.period_end,
                gallons: b.consumption_gal,
                estimated: b.current_read.kind == crate::domain::reads::ReadKind::Estimated,
            })
            .collect();
        let usage = Usage {
            bills,
            usual_gallons: usual.map(|u| u.0),
            usual_of_bills: usual.map(|u| u.1),
            sewer_cap_gallons: overview.sewer_cap_gal,
        };
        return json(out, &usage);
    }
    writeln!(out, "Water used on {} ({}), newest first:", a.account.number, a.customer.name).map_err(io)?;
    for bill in &overview.bills {
        let estimated =
            if bill.current_read.kind == crate::domain::reads::ReadKind::Estimated { ", estimated read" } else { "" };
        writeln!(
            out,
            "{} to {}: {} gallons{estimated}",
            bill.period_start,
            bill.period_end,
            thousands(bill.consumption_gal)
        )
        .map_err(io)?;
    }
    if let Some(latest) = overview.bills.first()
        && let Some((usual, count)) = usual
    {
        writeln!(
            out,
            "Usual use: {} gallons a bill (the median of the {count} bills before the latest, which used {}).",
            thousands(usual),
            thousands(latest.consumption_gal)
        )
        .map_err(io)?;
    }
    if let Some(cap) = overview.sewer_cap_gal {
        writeln!(out, "Sewer cap: {} gallons.", thousands(cap)).map_err(io)?;
    }
    Ok(())
}
