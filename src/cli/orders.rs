//! `order`: draft, update, submit, review, send, complete, cancel, show,
//! list and the review queue.

use std::io::Write;

use chrono::{NaiveDate, Utc};
use clap::{Args, Subcommand};

use super::show::{io, json};
use super::sign_in::SignIn;
use crate::desk::{Desk, DeskError, OrderCompletion, OrderRequest, OrderView, RerateOffer, ReviewOutcome};
use crate::domain::ids::BillId;
use crate::domain::orders::{OrderFields, OrderKind, OrderStatus};
use crate::records::OrderRow;

#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    /// Draft an order on an account (not a closed one); submit it when its fields are in.
    Draft {
        /// The account number, e.g. 10000421-7.
        account: String,
        /// start-service, stop-service, transfer-service, meter-reread,
        /// leak-inspection, high-bill-investigation, meter-test.
        #[arg(long)]
        kind: OrderKind,
        #[command(flatten)]
        fields: FieldArgs,
        /// The complaint it answers.
        #[arg(long)]
        complaint: Option<i64>,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Change a draft's fields (those given; an empty text clears one).
    Update {
        id: i64,
        #[command(flatten)]
        fields: FieldArgs,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Submit a draft for review (every required field must be there).
    Submit {
        id: i64,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Review a submitted order (CAR III and above): reviewed, or back to draft with what to fix.
    Review {
        id: i64,
        /// A comment kept with the review (what was checked).
        #[arg(long)]
        comment: Option<String>,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Send a reviewed order to the field (CAR III and above).
    Send {
        id: i64,
        /// A comment for the field, kept with the order.
        #[arg(long)]
        comment: Option<String>,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Record what the field found; a re-read with its --reading (offers the bill's re-rate).
    Complete {
        id: i64,
        #[arg(long)]
        outcome: String,
        #[arg(long)]
        reading: Option<u64>,
        /// The register rolled over since the bill's previous read.
        #[arg(long)]
        rollover: bool,
        #[command(flatten)]
        new: NewPremiseArgs,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Cancel an order, with the reason.
    Cancel {
        id: i64,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// An order with its history and contacts.
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Open orders, oldest first (or one account's, all of them).
    List {
        #[arg(long, value_name = "NUMBER")]
        account: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Orders waiting for review, longest waiting first.
    Queue {
        #[arg(long)]
        json: bool,
    },
}

/// An order's fields as flags.
#[derive(Debug, Args)]
pub struct FieldArgs {
    /// The day service starts, stops or moves (or the visit is asked for), YYYY-MM-DD.
    #[arg(value_parser = crate::domain::dates::parse_day, long, value_name = "DATE")]
    date: Option<NaiveDate>,
    /// The service address as the customer gives it.
    #[arg(long)]
    address: Option<String>,
    /// Where a stopped account's final bill goes.
    #[arg(long)]
    forwarding_address: Option<String>,
    /// Where a transfer moves service to.
    #[arg(long)]
    new_address: Option<String>,
    /// The bill a re-read, investigation or meter test is about.
    #[arg(long)]
    bill: Option<i64>,
    #[arg(long)]
    meter: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    /// Gate codes, dogs, where the meter is.
    #[arg(long)]
    access: Option<String>,
    /// Where the leak is seen or heard.
    #[arg(long)]
    leak_location: Option<String>,
    /// Why: what the customer says is wrong.
    #[arg(long)]
    reason: Option<String>,
}

impl FieldArgs {
    /// `base` with the flags given laid over it.
    fn over(self, mut base: OrderFields) -> OrderFields {
        let set = |slot: &mut Option<String>, given: Option<String>| {
            if let Some(text) = given {
                *slot = Some(text);
            }
        };
        if let Some(date) = self.date {
            base.service_date = Some(date);
        }
        if let Some(bill) = self.bill {
            base.bill = Some(BillId(bill));
        }
        set(&mut base.service_address, self.address);
        set(&mut base.forwarding_address, self.forwarding_address);
        set(&mut base.new_address, self.new_address);
        set(&mut base.meter_number, self.meter);
        set(&mut base.contact_phone, self.phone);
        set(&mut base.access_notes, self.access);
        set(&mut base.leak_location, self.leak_location);
        set(&mut base.reason, self.reason);
        base
    }
}

pub fn order(desk: &mut Desk, out: &mut impl Write, command: OrderCommand) -> Result<(), DeskError> {
    let now = Utc::now();
    match command {
        OrderCommand::Draft { account, kind, fields, complaint, sign_in } => {
            let account = desk.account_by_number(&account)?.account.id;
            let actor = sign_in.actor(desk, now)?;
            let request = OrderRequest { account, kind, fields: fields.over(OrderFields::default()), complaint };
            let id = desk.draft_order(&actor, now, &request)?;
            let view = desk.order(id)?;
            let next = if view.missing.is_empty() {
                "submit it for review".to_string()
            } else {
                format!("still missing: {}", view.missing.join(", "))
            };
            writeln!(out, "drafted: order #{id} ({}); {next}", kind.label().to_lowercase()).map_err(io)
        }
        OrderCommand::Update { id, fields, sign_in } => {
            let current = desk.order(id)?.order.fields;
            let actor = sign_in.actor(desk, now)?;
            desk.update_order(&actor, now, id, &fields.over(current))?;
            let view = desk.order(id)?;
            let last = view.events.last().and_then(|e| e.note.clone()).unwrap_or_default();
            writeln!(out, "updated: order #{id} — {last}").map_err(io)
        }
        OrderCommand::Submit { id, sign_in } => {
            let actor = sign_in.actor(desk, now)?;
            desk.submit_order(&actor, now, id)?;
            writeln!(out, "submitted: order #{id}, waiting for review").map_err(io)
        }
        OrderCommand::Review { id, comment, sign_in } => {
            let actor = sign_in.actor(desk, now)?;
            match desk.review_order(&actor, now, id, comment.as_deref())? {
                ReviewOutcome::Reviewed => writeln!(out, "reviewed: order #{id}, nothing flagged; send it").map_err(io),
                ReviewOutcome::ReturnedToDraft { flags } => {
                    writeln!(out, "returned to draft: order #{id}, {} to fix:", flags.len()).map_err(io)?;
                    flags.iter().try_for_each(|flag| writeln!(out, "  - {flag}").map_err(io))
                }
            }
        }
        OrderCommand::Send { id, comment, sign_in } => {
            let actor = sign_in.actor(desk, now)?;
            desk.send_order(&actor, now, id, comment.as_deref())?;
            writeln!(out, "sent: order #{id} to the field").map_err(io)
        }
        OrderCommand::Complete { id, outcome, reading, rollover, new, sign_in } => {
            let actor = sign_in.actor(desk, now)?;
            let completion = OrderCompletion { outcome, reading, rollover, new_service: new.at() };
            let done = desk.complete_order(&actor, now, id, &completion)?;
            writeln!(out, "completed: order #{id}").map_err(io)?;
            if let Some((opened, moved)) = done.opened {
                let number = desk.overview(opened, now)?.account.account.number;
                writeln!(out, "service started for the same customer: account {number}").map_err(io)?;
                if let Some(amount) = moved {
                    writeln!(out, "the {} moved to account {number}", crate::desk::moved_balance_words(amount))
                        .map_err(io)?;
                }
            }
            match (done.final_on, done.final_bill, reading) {
                (Some(on), Some(bill), _) => writeln!(out, "account final from {on}: final bill {bill} posted"),
                (Some(on), None, Some(_)) => writeln!(
                    out,
                    "account final from {on}: the final read is held for a CAR III (`reads held`); the cycle's bill \
                     run bills it once decided"
                ),
                (Some(on), None, None) => {
                    writeln!(out, "account final from {on}: its final bill ends on or before that day")
                }
                (None, ..) => Ok(()),
            }
            .map_err(io)?;
            match done.rerate {
                Some(RerateOffer::Rerate(preview)) => {
                    let reading = reading.unwrap_or_default();
                    let rolled = if rollover { " --rollover" } else { "" };
                    writeln!(
                        out,
                        "re-rate offered: bill {bill} from reading {reading} ({} gal) changes by {}; to post it: \
                         utility-desk adjust {bill} --read {reading}{rolled} --reason meter-error --note \"...\"",
                        preview.corrected_consumption_gal,
                        preview.difference,
                        bill = preview.bill.id,
                    )
                    .map_err(io)
                }
                Some(RerateOffer::NotOffered { reason }) => writeln!(out, "no re-rate: {reason}").map_err(io),
                None => Ok(()),
            }
        }
        OrderCommand::Cancel { id, reason, sign_in } => {
            let actor = sign_in.actor(desk, now)?;
            desk.cancel_order(&actor, now, id, &reason)?;
            writeln!(out, "cancelled: order #{id}").map_err(io)
        }
        OrderCommand::Show { id, json: as_json } => {
            let view = desk.order(id)?;
            if as_json { json(out, &view) } else { show(desk, out, &view) }
        }
        OrderCommand::List { account, json: as_json } => {
            let rows = match account {
                Some(number) => {
                    let id = desk.account_by_number(&number)?.account.id;
                    desk.orders(id)?
                }
                None => desk.open_orders()?,
            };
            if as_json { json(out, &rows) } else { list(desk, out, "Orders", &rows) }
        }
        OrderCommand::Queue { json: as_json } => {
            let rows = desk.review_queue()?;
            if as_json { json(out, &rows) } else { list(desk, out, "Waiting for review", &rows) }
        }
    }
}

fn show(desk: &Desk, out: &mut impl Write, view: &OrderView) -> Result<(), DeskError> {
    let o = &view.order;
    let f = &o.fields;
    let mut lines = vec![
        format!("Order #{} — {} — {}", o.id, o.kind.label(), o.status.label()),
        format!("Account    {} {}", o.account_number, o.customer),
    ];
    let text = [
        ("Date", f.service_date.map(|d| d.to_string())),
        ("Address", f.service_address.clone()),
        ("Forwarding", f.forwarding_address.clone()),
        ("New address", f.new_address.clone()),
        ("Bill", f.bill.map(|b| b.to_string())),
        ("Meter", f.meter_number.clone()),
        ("Phone", f.contact_phone.clone()),
        ("Access", f.access_notes.clone()),
        ("Leak", f.leak_location.clone()),
        ("Reason", f.reason.clone()),
        ("Complaint", o.complaint_id.map(|c| format!("#{c}"))),
        ("Outcome", o.outcome_note.clone()),
        ("Reading", o.reread_value.map(|r| r.to_string())),
    ];
    for (label, value) in text {
        if let Some(value) = value {
            lines.push(format!("{label:<10} {value}"));
        }
    }
    if !view.missing.is_empty() {
        lines.push(format!("Missing    {}", view.missing.join(", ")));
    }
    if let Some(flags) = o.review_flags.as_ref().filter(|f| !f.is_empty() && o.status == OrderStatus::Draft) {
        lines.push("Flagged at review".into());
        lines.extend(flags.iter().map(|flag| format!("  - {flag}")));
    }
    lines.push("History".into());
    for e in &view.events {
        let step = match e.from {
            None => "drafted".to_string(),
            Some(from) if from == e.to => "changed".to_string(),
            Some(OrderStatus::Submitted) if e.to == OrderStatus::Draft => "returned".to_string(),
            Some(_) => e.to.code().to_string(),
        };
        lines.push(format!(
            "  {}  {:<10} {:<12} {}",
            desk.local_time(e.at).format("%Y-%m-%d %H:%M"),
            step,
            e.by,
            e.note.as_deref().unwrap_or("")
        ));
    }
    for contact in &view.contacts {
        lines.push(format!(
            "  {}  contact    {:<12} {}: {}",
            desk.local_time(contact.at).format("%Y-%m-%d %H:%M"),
            contact.by,
            contact.channel.label(),
            contact.summary
        ));
    }
    lines.into_iter().try_for_each(|line| writeln!(out, "{}", line.trim_end()).map_err(io))
}

fn list(desk: &Desk, out: &mut impl Write, title: &str, rows: &[OrderRow]) -> Result<(), DeskError> {
    writeln!(out, "{title} ({})", rows.len()).map_err(io)?;
    for o in rows {
        writeln!(
            out,
            "  #{:<6} {:<10} {:<24} {} {:<16} drafted {} by {}",
            o.id,
            o.status.code(),
            o.kind.label(),
            o.account_number,
            o.fields.service_date.map(|d| format!("for {d}")).unwrap_or_default(),
            desk.local_time(o.created_at).format("%Y-%m-%d"),
            o.created_by,
        )
        .map_err(io)?;
    }
    Ok(())
}

/// A transfer order's new premise, where service starts as it is completed.
#[derive(Debug, clap::Args)]
pub struct NewPremiseArgs {
    /// A transfer: the new premise's first line (with --new-city,
    /// --new-state, --new-zip, --new-meter and --new-meter-reading), where
    /// service starts for the same customer as the old one ends.
    #[arg(long, requires_all = ["new_city", "new_state", "new_zip", "new_meter", "new_meter_reading"])]
    new_line1: Option<String>,
    #[arg(long, requires = "new_line1")]
    new_line2: Option<String>,
    #[arg(long, requires = "new_line1")]
    new_city: Option<String>,
    #[arg(long, requires = "new_line1")]
    new_state: Option<String>,
    #[arg(long, requires = "new_line1")]
    new_zip: Option<String>,
    /// A premise not served before: its sewer cap in gallons.
    #[arg(long, default_value_t = 0, requires = "new_line1")]
    new_sewer_cap: u64,
    #[arg(long, requires = "new_line1")]
    new_meter: Option<String>,
    /// 5/8, 3/4, 1, 1-1/2 or 2 (default: the old meter's).
    #[arg(long, requires = "new_line1")]
    new_meter_size: Option<crate::domain::account::MeterSize>,
    /// The new register's dials (default: the old meter's, or 7 with a new size).
    #[arg(long, requires = "new_meter_size")]
    new_dials: Option<u32>,
    #[arg(long, requires = "new_line1")]
    new_meter_reading: Option<u64>,
    /// Move the old account's balance after its final bill to the new one.
    #[arg(long, requires = "new_line1")]
    move_balance: bool,
}

impl NewPremiseArgs {
    fn at(self) -> Option<crate::desk::NewServiceAt> {
        let address = crate::domain::account::Address {
            line1: self.new_line1?.trim().to_string(),
            line2: self.new_line2.filter(|l| !l.trim().is_empty()),
            city: self.new_city?.trim().to_string(),
            state: self.new_state?.trim().to_uppercase(),
            zip: self.new_zip?.trim().to_string(),
        };
        Some(crate::desk::NewServiceAt {
            premise: crate::desk::PremiseChoice::New { address, sewer_cap_gal: self.new_sewer_cap },
            meter_number: self.new_meter?,
            meter_size: self.new_meter_size.map(|size| (size, self.new_dials.unwrap_or(7))),
            opening_read: self.new_meter_reading?,
            move_balance: self.move_balance,
        })
    }
}
