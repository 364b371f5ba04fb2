//! Money commands: credits, bill adjustments (by amount on one line, or by a
//! corrected read), late-fee waivers and reversals. Each goes through
//! `Desk::submit`, so the person's limits hold: within them the money is
//! posted, above them an approval request is recorded.

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::{ArgGroup, Args};

use super::show::io;
use super::sign_in::SignIn;
use crate::desk::{
    CreditRequest, Desk, DeskError, LineAdjustRequest, LineDirection, MoneyRequest, Outcome, RefundRequest,
    RerateRequest, RerateReview, ReverseRequest, WaiveRequest,
};
use crate::domain::Money;
use crate::domain::ids::{BillId, PostingId};
use crate::domain::ledger::ReasonCode;

/// `credit ACCOUNT AMOUNT --reason CODE --note TEXT`.
#[derive(Debug, Args)]
pub struct CreditArgs {
    /// The account number, e.g. 10000421-7.
    account: String,
    /// The amount, e.g. 25.00.
    #[arg(allow_hyphen_values = true)]
    amount: String,
    /// Why: leak, goodwill, service-outage, meter-error, estimated-read, billing-error, rate-error, other.
    #[arg(long, value_name = "CODE")]
    reason: ReasonCode,
    /// What happened, for the record.
    #[arg(long)]
    note: String,
    /// An idempotency key: the same command with the same key posts once (default: a new key).
    #[arg(long)]
    key: Option<String>,
    #[command(flatten)]
    sign_in: SignIn,
}

/// `adjust BILL --line N --decrease|--increase AMOUNT`, `adjust BILL --read
/// READING`, or `adjust --batch FILE.csv`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("how").args(["line", "read", "batch"]).required(true)))]
#[command(group(ArgGroup::new("direction").args(["decrease", "increase"])))]
pub struct AdjustArgs {
    /// The bill id (listed by `account NUMBER`).
    #[arg(required_unless_present = "batch", conflicts_with = "batch")]
    bill: Option<i64>,
    /// The printed line number to adjust (1 = first line).
    #[arg(long, requires = "direction")]
    line: Option<u32>,
    /// Lower the line by AMOUNT.
    #[arg(long, value_name = "AMOUNT", requires = "line", allow_hyphen_values = true)]
    decrease: Option<String>,
    /// Raise the line by AMOUNT.
    #[arg(long, value_name = "AMOUNT", requires = "line", allow_hyphen_values = true)]
    increase: Option<String>,
    /// Re-rate the bill from this corrected meter reading (the preview is printed first).
    #[arg(long, value_name = "READING")]
    read: Option<u64>,
    /// The corrected reading rolled over past the meter's last dial.
    #[arg(long, requires = "read")]
    rollover: bool,
    /// Take the preview's offer: recompute the winter-average sewer caps the
    /// corrected use went into, and re-rate the sewer of the bills rated
    /// with them (all under the same adjustment limit).
    #[arg(long, requires = "read")]
    recompute_caps: bool,
    /// Why: leak, goodwill, service-outage, meter-error, estimated-read, billing-error, rate-error, other.
    #[arg(long, value_name = "CODE", required_unless_present = "batch", conflicts_with = "batch")]
    reason: Option<ReasonCode>,
    /// What happened, for the record.
    #[arg(long, required_unless_present = "batch", conflicts_with = "batch")]
    note: Option<String>,
    /// An idempotency key: the same command with the same key posts once (default: a new key).
    #[arg(long, conflicts_with = "batch")]
    key: Option<String>,
    /// Apply a CSV file of credits and line adjustments
    /// (columns: key,kind,account,bill,line,direction,amount,reason,note; kind = credit|adjust).
    /// The whole file is checked first and nothing is posted if a row is malformed.
    #[arg(long, value_name = "FILE.csv")]
    batch: Option<PathBuf>,
    #[command(flatten)]
    sign_in: SignIn,
}

/// `waive FEE_POSTING_ID --note TEXT`.
#[derive(Debug, Args)]
pub struct WaiveArgs {
    /// The late fee's posting id.
    fee: i64,
    /// Why the fee is waived.
    #[arg(long)]
    note: String,
    /// An idempotency key: the same command with the same key posts once (default: a new key).
    #[arg(long)]
    key: Option<String>,
    #[command(flatten)]
    sign_in: SignIn,
}

/// `refund ACCOUNT --note TEXT`.
#[derive(Debug, Args)]
pub struct RefundArgs {
    /// The final account whose credit balance is paid back, e.g. 10000421-7.
    account: String,
    /// How it is paid, and to whom (e.g. "Check to the forwarding address").
    #[arg(long)]
    note: String,
    /// An idempotency key: the same command with the same key posts once (default: a new key).
    #[arg(long)]
    key: Option<String>,
    #[command(flatten)]
    sign_in: SignIn,
}

/// `reverse POSTING_ID --note TEXT`.
#[derive(Debug, Args)]
pub struct ReverseArgs {
    /// The posting to reverse.
    posting: i64,
    /// Why it is reversed.
    #[arg(long)]
    note: String,
    /// An idempotency key: the same command with the same key posts once (default: a new key).
    #[arg(long)]
    key: Option<String>,
    #[command(flatten)]
    sign_in: SignIn,
}

/// A key for a command run without `--key`: unique to this run, so running
/// it again is a new action (give `--key` to make a retry safe).
fn key_or_new(key: Option<String>, what: &str, now: DateTime<Utc>) -> String {
    key.unwrap_or_else(|| format!("cli:{what}:{}:{}", now.format("%Y%m%dT%H%M%S%.9fZ"), std::process::id()))
}

/// Parses an amount typed on the command line (strict: see `Money::parse`).
pub fn amount(text: &str) -> Result<Money, DeskError> {
    Money::parse(text).map_err(DeskError::from)
}

pub fn credit(desk: &mut Desk, out: &mut impl Write, args: CreditArgs) -> Result<(), DeskError> {
    let now = Utc::now();
    let amount = amount(&args.amount)?;
    let account = desk.account_by_number(&args.account)?.account.id;
    let actor = args.sign_in.actor(desk, now)?;
    let request = MoneyRequest::Credit(CreditRequest {
        account,
        amount,
        reason: args.reason,
        note: args.note,
        key: key_or_new(args.key, "credit", now),
    });
    let outcome = submit_warned(desk, &actor, now, &request)?;
    print_outcome(out, &outcome)
}

pub fn adjust(desk: &mut Desk, out: &mut impl Write, args: AdjustArgs) -> Result<(), DeskError> {
    let now = Utc::now();
    if let Some(file) = &args.batch {
        return super::batch::adjust_file(desk, out, &args.sign_in, file);
    }
    // clap has checked these are present for a single adjustment.
    let (Some(bill), Some(reason), Some(note)) = (args.bill, args.reason, args.note) else {
        return Err(DeskError::Invalid("give a bill, --reason and --note, or --batch FILE.csv".into()));
    };
    let bill = BillId(bill);
    let request = if let Some(reading) = args.read {
        let review = desk.preview_rerate(bill, reading, args.rollover)?;
        print_review(out, &review, reading)?;
        MoneyRequest::AdjustByRead(RerateRequest {
            bill,
            corrected_reading: reading,
            rollover: args.rollover,
            reason,
            note,
            key: key_or_new(args.key, "rerate", now),
            recompute_caps: args.recompute_caps,
        })
    } else {
        let (direction, text) = match (args.decrease, args.increase) {
            (Some(text), None) => (LineDirection::Decrease, text),
            (None, Some(text)) => (LineDirection::Increase, text),
            _ => return Err(DeskError::Invalid("give one of --decrease AMOUNT or --increase AMOUNT".into())),
        };
        let Some(line) = args.line else {
            return Err(DeskError::Invalid("give the line to adjust with --line N".into()));
        };
        MoneyRequest::AdjustLine(LineAdjustRequest {
            bill,
            line,
            amount: amount(&text)?,
            direction,
            reason,
            note,
            key: key_or_new(args.key, "adjust", now),
        })
    };
    let actor = args.sign_in.actor(desk, now)?;
    let outcome = submit_warned(desk, &actor, now, &request)?;
    print_outcome(out, &outcome)
}

pub fn waive(desk: &mut Desk, out: &mut impl Write, args: WaiveArgs) -> Result<(), DeskError> {
    let now = Utc::now();
    let actor = args.sign_in.actor(desk, now)?;
    let request = MoneyRequest::Waive(WaiveRequest {
        late_fee: PostingId(args.fee),
        note: args.note,
        key: key_or_new(args.key, "waive", now),
    });
    let outcome = submit_warned(desk, &actor, now, &request)?;
    print_outcome(out, &outcome)
}

pub fn refund(desk: &mut Desk, out: &mut impl Write, args: RefundArgs) -> Result<(), DeskError> {
    let now = Utc::now();
    let actor = args.sign_in.actor(desk, now)?;
    let account = desk.account_by_number(&args.account)?.account.id;
    let request =
        MoneyRequest::Refund(RefundRequest { account, note: args.note, key: key_or_new(args.key, "refund", now) });
    let outcome = submit_warned(desk, &actor, now, &request)?;
    print_outcome(out, &outcome)
}

pub fn reverse(desk: &mut Desk, out: &mut impl Write, args: ReverseArgs) -> Result<(), DeskError> {
    let now = Utc::now();
    let actor = args.sign_in.actor(desk, now)?;
    let request = MoneyRequest::Reverse(ReverseRequest {
        posting: PostingId(args.posting),
        note: args.note,
        key: key_or_new(args.key, "reverse", now),
    });
    let outcome = submit_warned(desk, &actor, now, &request)?;
    print_outcome(out, &outcome)
}

/// "posted: posting N" or "sent for approval: request N — why".
pub fn outcome_text(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Posted(posted) if posted.replayed => {
            format!("posted: posting {} (already posted under this key: nothing new was posted)", posted.posting_id)
        }
        Outcome::Posted(posted) => format!("posted: posting {}", posted.posting_id),
        Outcome::Pending { request, reason, replayed: true, .. } => {
            format!(
                "sent for approval: request {request} (already sent under this key: nothing new was asked) — {reason}"
            )
        }
        Outcome::Pending { request, reason, .. } => format!("sent for approval: request {request} — {reason}"),
    }
}

fn print_outcome(out: &mut impl Write, outcome: &Outcome) -> Result<(), DeskError> {
    writeln!(out, "{}", outcome_text(outcome)).map_err(io)
}

/// The re-rate's line-by-line preview: the bill as billed, as re-rated, and
/// the difference per service.
fn print_review(out: &mut impl Write, review: &RerateReview, reading: u64) -> Result<(), DeskError> {
    let bill = &review.bill;
    let mut w = |text: String| writeln!(out, "{text}").map_err(io);
    w(format!(
        "Bill {} ({} to {}): reading {} → {}, {} gal → {} gal",
        bill.id,
        bill.period_start,
        bill.period_end,
        bill.current_read.reading,
        reading,
        bill.consumption_gal,
        review.corrected_consumption_gal
    ))?;
    w("  As billed:".into())?;
    for line in &bill.lines {
        w(format!("    {:>2} {:>12}  {}", line.seq, line.line.amount.to_string(), line.line.description))?;
    }
    w("  Re-rated:".into())?;
    for (index, line) in review.after.iter().enumerate() {
        w(format!("    {:>2} {:>12}  {}", index + 1, line.amount.to_string(), line.description))?;
    }
    w("  By service (before, with adjustments that stand → after):".into())?;
    for s in &review.services {
        w(format!(
            "    {:<12} {:>12} → {:>12}  {:>12}",
            s.service.to_string(),
            s.before.to_string(),
            s.after.to_string(),
            s.difference.to_string()
        ))?;
    }
    w(format!("  Difference: {}", review.difference))?;
    if let Some(next) = &review.next {
        w(format!(
            "Bill {} ({} to {}), which started from the read corrected, is re-rated from it too: reading {} → {}, \
             {} gal → {} gal",
            next.bill.id,
            next.bill.period_start,
            next.bill.period_end,
            reading,
            next.closing_reading,
            next.bill.consumption_gal,
            next.corrected_consumption_gal
        ))?;
        for s in &next.services {
            w(format!(
                "    {:<12} {:>12} → {:>12}  {:>12}",
                s.service.to_string(),
                s.before.to_string(),
                s.after.to_string(),
                s.difference.to_string()
            ))?;
        }
        w(format!("  Difference: {}", next.difference))?;
    }
    for cap in &review.caps {
        w(format!(
            "The winter-average sewer cap from {} went on the use as it was: {} gal, {} gal from the use in force \
             (--recompute-caps recomputes it and re-rates the sewer of these bills too):",
            cap.effective_from, cap.before_gal, cap.after_gal
        ))?;
        for bill in &cap.bills {
            w(format!(
                "    bill {} ({} to {}): {}",
                bill.bill.id, bill.bill.period_start, bill.bill.period_end, bill.difference
            ))?;
        }
    }
    Ok(())
}

/// Submits, first telling the person if their note held a card number: the
/// desk stores the note without it.
fn submit_warned(
    desk: &mut Desk,
    actor: &crate::desk::Actor,
    now: chrono::DateTime<chrono::Utc>,
    request: &crate::desk::MoneyRequest,
) -> Result<crate::desk::Outcome, DeskError> {
    if request.scrubbed().1 > 0 {
        eprintln!("note: the note held a card number; it was removed and is never stored");
    }
    desk.submit(actor, now, request)
}
