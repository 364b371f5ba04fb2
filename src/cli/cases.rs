//! Case commands: `contact`, `complaint` (open, show, note, assign,
//! escalate, close, reopen, link, work) and `report liaison`.

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use clap::{ArgGroup, Args, Subcommand};

use super::money::amount;
use super::show::{io, json};
use super::sign_in::SignIn;
use crate::desk::{
    Assignee, CaseLink, CaseRef, ComplaintAction, ComplaintView, ContactRequest, Desk, DeskError, DisputeDecision,
    DisputeOutcome, DisputeRequest, NewComplaint, WorkItem,
};
use crate::domain::cases::{
    Caller, Channel, ComplaintCategory, IdentityCheck, Priority, Proof, Queue, Resolution, Source,
};
use crate::domain::ids::{BillId, PostingId};
use crate::domain::ledger::ReasonCode;
use crate::records::DisputeRow;

/// `contact ACCOUNT --channel C --summary TEXT [--complaint N]`.
#[derive(Debug, Args)]
pub struct ContactArgs {
    /// The account number, e.g. 10000421-7.
    account: String,
    /// How the customer reached the desk: phone, walk-in, email, letter.
    #[arg(long, default_value = "phone")]
    channel: Channel,
    /// What was said, in a sentence or two.
    #[arg(long)]
    summary: String,
    /// The complaint this contact follows up.
    #[arg(long, value_name = "ID", conflicts_with_all = ["dispute", "order"])]
    complaint: Option<i64>,
    /// The dispute this contact follows up.
    #[arg(long, value_name = "ID", conflicts_with = "order")]
    dispute: Option<i64>,
    /// The service order this contact follows up.
    #[arg(long, value_name = "ID")]
    order: Option<i64>,
    /// What the caller proved before the account was discussed, comma
    /// separated: account-number, service-address, mailing-address,
    /// phone-on-file, last-payment, tax-id-last4, photo-id.
    #[arg(long, value_delimiter = ',', value_name = "PROOF,...")]
    verified: Vec<Proof>,
    /// The caller was this authorized party (its number), not the account
    /// holder.
    #[arg(long, value_name = "PARTY", requires = "verified")]
    caller_party: Option<i64>,
    #[command(flatten)]
    sign_in: SignIn,
}

#[derive(Debug, Subcommand)]
pub enum DisputeCommand {
    /// Record a dispute on a bill (the whole bill, or --amount of it).
    Open {
        /// The bill id (listed by `account NUMBER`).
        bill: i64,
        #[arg(long, allow_hyphen_values = true)]
        amount: Option<String>,
        /// What the customer contests and why.
        #[arg(long)]
        reason: String,
        /// The complaint it came from.
        #[arg(long)]
        complaint: Option<i64>,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// A dispute with the contacts about it.
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Open disputes, oldest first (or one account's, all of them).
    List {
        #[arg(long, value_name = "NUMBER")]
        account: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Grant it: lower a bill line (--line N), or credit the account; above
    /// your limits it goes for approval and is granted when approved.
    Grant {
        id: i64,
        #[arg(long)]
        line: Option<u32>,
        /// Less than the disputed amount (default: all of it).
        #[arg(long, allow_hyphen_values = true)]
        amount: Option<String>,
        /// leak, goodwill, service-outage, meter-error, estimated-read, billing-error, rate-error, other.
        #[arg(long, value_name = "CODE", default_value = "billing-error")]
        reason: ReasonCode,
        #[arg(long)]
        note: String,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Deny it, with the reason the customer will be told.
    Deny {
        id: i64,
        #[arg(long)]
        note: String,
        #[command(flatten)]
        sign_in: SignIn,
    },
}

#[derive(Debug, Subcommand)]
pub enum ComplaintCommand {
    /// Open a complaint (with the contact that brought it).
    Open(OpenArgs),
    /// A complaint with its history, contacts and due date.
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Add a follow-up note.
    Note {
        id: i64,
        #[arg(long)]
        text: String,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Give it to a person (--to USER) or put it in a queue (--queue desk|car3|supervisor).
    #[command(group(ArgGroup::new("whom").args(["to", "queue"]).required(true)))]
    Assign {
        id: i64,
        #[arg(long, value_name = "USER")]
        to: Option<String>,
        #[arg(long)]
        queue: Option<Queue>,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Send it up to the CAR III or Supervisor queue, with the reason.
    Escalate {
        id: i64,
        #[arg(long)]
        to: Queue,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Close it: explained, adjusted, field-work, referred, no-action, withdrawn, duplicate.
    Close {
        id: i64,
        #[arg(long)]
        resolution: Resolution,
        #[arg(long)]
        note: String,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Reopen a closed complaint, with the reason (its due date stands).
    Reopen {
        id: i64,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Record the posting, approval request, dispute or service order that answers it.
    #[command(group(ArgGroup::new("what").args(["posting", "request", "dispute", "order"]).required(true)))]
    Link {
        id: i64,
        #[arg(long)]
        posting: Option<i64>,
        #[arg(long)]
        request: Option<i64>,
        #[arg(long)]
        dispute: Option<i64>,
        #[arg(long)]
        order: Option<i64>,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// My work: assigned to me, and due or overdue in my queues; with --liaison, the liaison queue.
    Work {
        #[arg(long)]
        liaison: bool,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        sign_in: SignIn,
    },
}

/// `complaint open ACCOUNT --category C --summary TEXT [...]`.
#[derive(Debug, Args)]
pub struct OpenArgs {
    /// The account number, e.g. 10000421-7.
    account: String,
    /// billing, high-bill, meter, water-service, refuse, staff, other.
    #[arg(long)]
    category: ComplaintCategory,
    /// What the customer (or the referring office) said.
    #[arg(long)]
    summary: String,
    /// phone, walk-in, email, letter.
    #[arg(long, default_value = "phone")]
    channel: Channel,
    /// customer, 311, mayor, council, agency.
    #[arg(long, default_value = "customer")]
    source: Source,
    /// The council district (required with --source council).
    #[arg(long)]
    district: Option<u8>,
    /// The referral's own number (311 ticket, action-center or council reference).
    #[arg(long)]
    reference: Option<String>,
    /// urgent, high, normal, low.
    #[arg(long, default_value = "normal")]
    priority: Priority,
    /// A due date instead of the service level's (YYYY-MM-DD, a business day).
    #[arg(value_parser = crate::domain::dates::parse_day, long)]
    due: Option<NaiveDate>,
    /// A person to take it (default: the desk queue).
    #[arg(long, value_name = "USER")]
    assign: Option<String>,
    #[command(flatten)]
    sign_in: SignIn,
}

pub fn contact(desk: &mut Desk, out: &mut impl Write, args: ContactArgs) -> Result<(), DeskError> {
    let now = Utc::now();
    let account = desk.account_by_number(&args.account)?.account.id;
    let actor = args.sign_in.actor(desk, now)?;
    let request = ContactRequest {
        account,
        channel: args.channel,
        summary: args.summary,
        complaint: None,
        about: args
            .complaint
            .map(CaseRef::Complaint)
            .or(args.dispute.map(CaseRef::Dispute))
            .or(args.order.map(CaseRef::Order)),
        identity: (!args.verified.is_empty()).then(|| IdentityCheck {
            caller: args.caller_party.map_or(Caller::Holder, Caller::Party),
            verified: args.verified,
            party_name: None,
        }),
    };
    let logged = desk.log_contact(&actor, now, &request)?;
    writeln!(out, "logged: contact {}", logged.contact).map_err(io)
}

pub fn complaint(desk: &mut Desk, out: &mut impl Write, command: ComplaintCommand) -> Result<(), DeskError> {
    let now = Utc::now();
    let (id, action, sign_in) = match command {
        ComplaintCommand::Open(args) => return open(desk, out, args, now),
        ComplaintCommand::Show { id, json: as_json } => {
            let view = desk.complaint(id, now)?;
            return if as_json { json(out, &view) } else { show(desk, out, &view) };
        }
        ComplaintCommand::Work { liaison, json: as_json, sign_in } => {
            let actor = sign_in.actor(desk, now)?;
            return if liaison {
                let items = desk.liaison_queue(now)?;
                if as_json { json(out, &items) } else { list(out, "Liaison queue", &items) }
            } else {
                let work = desk.my_work(&actor, now)?;
                if as_json {
                    return json(out, &work);
                }
                list(out, &format!("Assigned to {}", actor.username), &work.assigned)?;
                list(
                    out,
                    "Waiting in my queues: escalated or liaison items, and desk work due today or overdue",
                    &work.waiting,
                )
            };
        }
        ComplaintCommand::Note { id, text, sign_in } => (id, ComplaintAction::Note { note: text }, sign_in),
        ComplaintCommand::Assign { id, to, queue, sign_in } => {
            let to = match (to, queue) {
                (Some(person), _) => Assignee::Person(person),
                (None, Some(queue)) => Assignee::Queue(queue),
                (None, None) => return Err(DeskError::Invalid("give --to USER or --queue QUEUE".into())),
            };
            (id, ComplaintAction::Assign { to }, sign_in)
        }
        ComplaintCommand::Escalate { id, to, reason, sign_in } => {
            (id, ComplaintAction::Escalate { to, reason }, sign_in)
        }
        ComplaintCommand::Close { id, resolution, note, sign_in } => {
            (id, ComplaintAction::Close { resolution, note }, sign_in)
        }
        ComplaintCommand::Reopen { id, reason, sign_in } => (id, ComplaintAction::Reopen { reason }, sign_in),
        ComplaintCommand::Link { id, posting, request, dispute, order, sign_in } => {
            let to = match (posting, request, dispute, order) {
                (Some(posting), ..) => CaseLink::Posting(PostingId(posting)),
                (None, Some(request), ..) => CaseLink::Request(request),
                (None, None, Some(dispute), _) => CaseLink::Dispute(dispute),
                (None, None, None, Some(order)) => CaseLink::Order(order),
                (None, None, None, None) => {
                    return Err(DeskError::Invalid("give --posting N, --request N, --dispute N or --order N".into()));
                }
            };
            (id, ComplaintAction::Link { to }, sign_in)
        }
    };
    let actor = sign_in.actor(desk, now)?;
    let view = desk.work_complaint(&actor, now, id, &action)?;
    let done = view.events.last().map(|e| e.kind.as_str()).unwrap_or("done");
    writeln!(out, "{done}: complaint #{id} ({}, {})", view.complaint.status, view.due.describe()).map_err(io)
}

fn open(desk: &mut Desk, out: &mut impl Write, args: OpenArgs, now: DateTime<Utc>) -> Result<(), DeskError> {
    let account = desk.account_by_number(&args.account)?.account.id;
    let actor = args.sign_in.actor(desk, now)?;
    let request = ContactRequest {
        account,
        channel: args.channel,
        summary: args.summary,
        complaint: Some(NewComplaint {
            category: args.category,
            source: args.source,
            council_district: args.district,
            reference: args.reference,
            priority: args.priority,
            due_on: args.due,
            assign_to: args.assign,
        }),
        about: None,
        identity: None,
    };
    let logged = desk.log_contact(&actor, now, &request)?;
    let id = logged.complaint.ok_or_else(|| DeskError::Invalid("no complaint was opened".into()))?;
    let view = desk.complaint(id, now)?;
    writeln!(
        out,
        "opened: complaint #{id}, due {} ({}), contact {}",
        view.complaint.due_on,
        view.due.describe(),
        logged.contact
    )
    .map_err(io)
}

fn source_text(source: Source, district: Option<u8>) -> String {
    match district {
        Some(d) => format!("{} district {d}", source.label()),
        None => source.label().to_string(),
    }
}

fn show(desk: &Desk, out: &mut impl Write, view: &ComplaintView) -> Result<(), DeskError> {
    let c = &view.complaint;
    let mut lines = vec![
        format!("Complaint #{} — {} — {}", c.id, c.category.label(), c.status),
        format!("Account    {} {}", c.account_number, c.customer),
        format!(
            "From       {}{} by {}",
            source_text(c.source, c.council_district),
            c.reference.as_deref().map(|r| format!(" (ref. {r})")).unwrap_or_default(),
            c.channel.label().to_lowercase()
        ),
        format!("Priority   {}", c.priority.label()),
        format!("Due        {} ({}); open {} business days", c.due_on, view.due.describe(), view.age_business_days),
        format!(
            "With       {} queue{}",
            c.queue.label(),
            c.assigned_to.as_deref().map(|u| format!(", {u}")).unwrap_or_default()
        ),
        format!("Summary    {}", c.summary),
    ];
    if let (Some(resolution), Some(note)) = (c.resolution, &c.resolution_note) {
        lines.push(format!("Resolution {}: {note}", resolution.label()));
    }
    lines.push("History".into());
    for e in &view.events {
        let what = match (&e.note, &e.link) {
            (_, Some((kind, id))) => format!("{kind} {id}"),
            (Some(note), None) => note.clone(),
            (None, None) => String::new(),
        };
        lines.push(format!("  {}  {:<9} {:<12} {what}", desk.local_time(e.at).format("%Y-%m-%d %H:%M"), e.kind, e.by));
    }
    for contact in &view.contacts {
        lines.push(format!(
            "  {}  contact   {:<12} {}: {}",
            desk.local_time(contact.at).format("%Y-%m-%d %H:%M"),
            contact.by,
            contact.channel.label(),
            contact.summary
        ));
    }
    for line in lines {
        writeln!(out, "{line}").map_err(io)?;
    }
    Ok(())
}

fn list(out: &mut impl Write, title: &str, items: &[WorkItem]) -> Result<(), DeskError> {
    writeln!(out, "{title} ({})", items.len()).map_err(io)?;
    for item in items {
        let c = &item.complaint;
        writeln!(
            out,
            "  #{:<6} {:<10} {:<28} {} {:<24} {:<13} {}",
            c.id,
            c.due_on,
            item.due.describe(),
            c.account_number,
            source_text(c.source, c.council_district),
            c.category.label(),
            c.assigned_to.as_deref().unwrap_or(c.queue.label())
        )
        .map_err(io)?;
    }
    Ok(())
}

/// The liaison follow-up report (`report liaison`).
pub fn liaison_report(
    desk: &mut Desk,
    out: &mut impl Write,
    period: (Option<NaiveDate>, Option<NaiveDate>),
    (csv, pdf): (Option<PathBuf>, Option<PathBuf>),
    as_json: bool,
    sign_in: SignIn,
) -> Result<(), DeskError> {
    let now = Utc::now();
    let (from, to) = period;
    let actor = sign_in.actor(desk, now)?;
    let today = desk.today(now);
    let from = from.unwrap_or_else(|| today.with_day0(0).unwrap_or(today));
    let report = desk.liaison_report(&actor, from, to.unwrap_or(today), now)?;
    if let Some(path) = &csv {
        crate::documents::file::write_whole(path, |file| crate::documents::reports::write_liaison_csv(&report, file))?;
    }
    super::documents::report_pdf(pdf.as_ref(), |l| crate::documents::reports::liaison_pdf(&report, l))?;
    if as_json {
        return json(out, &report);
    }
    writeln!(out, "Liaison follow-up: items opened {} to {}, as of {}", report.from, report.to, report.as_of)
        .map_err(io)?;
    writeln!(out, "  {:<40} {:>6} {:>6} {:>6} {:>8} {:>9}", "Source", "Opened", "Open", "Closed", "Overdue", "Avg age")
        .map_err(io)?;
    for g in &report.groups {
        writeln!(
            out,
            "  {:<40} {:>6} {:>6} {:>6} {:>8} {:>9.1}",
            source_text(g.source, g.council_district),
            g.opened,
            g.open,
            g.closed,
            g.overdue,
            g.average_age_business_days
        )
        .map_err(io)?;
    }
    for row in &report.rows {
        writeln!(
            out,
            "  #{:<6} {} {:<7} {:<10} due {} {:<6} {:>3} bd{} {}",
            row.complaint,
            row.account,
            row.source,
            row.council_district.map(|d| format!("dist. {d}")).unwrap_or_default(),
            row.due_on,
            row.status,
            row.age_business_days,
            if row.overdue { " OVERDUE" } else { "" },
            row.resolution.unwrap_or("")
        )
        .map_err(io)?;
    }
    if let Some(path) = csv {
        writeln!(out, "Wrote {} items to {}.", report.rows.len(), path.display()).map_err(io)?;
    }
    Ok(())
}

pub fn dispute(desk: &mut Desk, out: &mut impl Write, command: DisputeCommand) -> Result<(), DeskError> {
    let now = Utc::now();
    match command {
        DisputeCommand::Open { bill, amount: disputed, reason, complaint, sign_in } => {
            let disputed = disputed.as_deref().map(amount).transpose()?;
            let actor = sign_in.actor(desk, now)?;
            let request = DisputeRequest { bill: BillId(bill), amount: disputed, reason, complaint };
            let id = desk.open_dispute(&actor, now, &request)?;
            let row = desk.dispute(id)?.dispute;
            writeln!(out, "opened: dispute #{id} on bill {bill} for {} (held apart from past due)", row.amount)
                .map_err(io)
        }
        DisputeCommand::Show { id, json: as_json } => {
            let view = desk.dispute(id)?;
            if as_json {
                return json(out, &view);
            }
            dispute_line(out, &view.dispute)?;
            for contact in &view.contacts {
                writeln!(
                    out,
                    "  {}  {:<12} {}: {}",
                    contact.at.format("%Y-%m-%d"),
                    contact.by,
                    contact.channel.label(),
                    contact.summary
                )
                .map_err(io)?;
            }
            Ok(())
        }
        DisputeCommand::List { account, json: as_json } => {
            let rows = match account {
                Some(number) => {
                    let id = desk.account_by_number(&number)?.account.id;
                    desk.disputes(id)?
                }
                None => desk.open_disputes()?,
            };
            if as_json {
                return json(out, &rows);
            }
            if rows.is_empty() {
                return writeln!(out, "No disputes.").map_err(io);
            }
            rows.iter().try_for_each(|row| dispute_line(out, row))
        }
        DisputeCommand::Grant { id, line, amount: granted, reason, note, sign_in } => {
            let granted = granted.as_deref().map(amount).transpose()?;
            let actor = sign_in.actor(desk, now)?;
            let decision = DisputeDecision::Grant { line, amount: granted, reason, note };
            match desk.resolve_dispute(&actor, now, id, &decision)? {
                DisputeOutcome::Granted { posting } => {
                    writeln!(out, "granted: dispute #{id}, posted: posting {posting}").map_err(io)
                }
                DisputeOutcome::AwaitingApproval { request, reason, .. } => writeln!(
                    out,
                    "sent for approval: request {request} — {reason}; dispute #{id} stays open until it is decided"
                )
                .map_err(io),
                DisputeOutcome::Denied => writeln!(out, "denied: dispute #{id}").map_err(io),
            }
        }
        DisputeCommand::Deny { id, note, sign_in } => {
            let actor = sign_in.actor(desk, now)?;
            desk.resolve_dispute(&actor, now, id, &DisputeDecision::Deny { note })?;
            writeln!(out, "denied: dispute #{id}").map_err(io)
        }
    }
}

fn dispute_line(out: &mut impl Write, row: &DisputeRow) -> Result<(), DeskError> {
    let waiting = row.request_id.map(|r| format!(" (waiting on request {r})")).unwrap_or_default();
    let resolved = row.resolution_note.as_deref().map(|n| format!(" — {n}")).unwrap_or_default();
    writeln!(
        out,
        "#{:<6} {:<8} {} bill {:<8} {:>12}  opened {} by {}: {}{waiting}{resolved}",
        row.id,
        row.status,
        row.account_number,
        row.bill_id,
        row.amount.to_string(),
        row.opened_at.format("%Y-%m-%d"),
        row.opened_by,
        row.reason
    )
    .map_err(io)
}
