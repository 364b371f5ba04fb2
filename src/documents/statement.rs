//! The itemized statement as CSV (one row per ledger line of the period,
//! with the running balance) and as PDF.

use std::io::Write;

use serde::Serialize;

use super::pdf::{Cell, LEFT, Letterhead, RIGHT, Style, Writer, wrap};
use crate::desk::explain::thousands;
use crate::desk::{DeskError, Statement};
use crate::domain::ledger::PostingKind;
use crate::records::BillRow;

/// The activity table's columns.
const DESCRIPTION: f32 = LEFT + 66.0;
const CHARGES: f32 = 410.0;
/// Room for a description before the charges column's widest figure.
const DESCRIPTION_WIDTH: f32 = CHARGES - 64.0 - DESCRIPTION;
const CREDITS: f32 = 484.0;
const DETAIL: f32 = DESCRIPTION + 12.0;
/// A bill's rated lines: the amount first, then what it is for (the
/// descriptions run long: "Sewer, 2.400 kgal (your sewer cap; ...)").
const DETAIL_AMOUNT: f32 = DETAIL + 40.0;
const DETAIL_TEXT: f32 = DETAIL_AMOUNT + 8.0;

/// One CSV row: a line of the statement's activity.
#[derive(Debug, Serialize)]
struct CsvRow<'a> {
    account: &'a str,
    date: String,
    posting: i64,
    kind: &'a str,
    description: &'a str,
    reason: &'a str,
    bill: Option<i64>,
    charge: String,
    credit: String,
    balance: String,
}

/// Writes the statement's activity as CSV: a first row carries the balance
/// forward, so the charge and credit columns summed onto it give the
/// ending balance.
pub fn write_csv(statement: &Statement, out: impl Write) -> Result<(), DeskError> {
    let number = statement.account.account.number.to_string();
    let forward = CsvRow {
        account: &number,
        date: statement.from.to_string(),
        posting: 0,
        kind: "balance-forward",
        description: "Balance forward",
        reason: "",
        bill: None,
        charge: String::new(),
        credit: String::new(),
        balance: statement.balance_forward.plain(),
    };
    let items = statement.items.iter().map(|item| CsvRow {
        account: &number,
        date: item.date.to_string(),
        posting: item.posting.0,
        kind: item.kind.code(),
        description: &item.description,
        reason: item.reason.map_or("", |r| r.code()),
        bill: item.bill.map(|b| b.0),
        charge: item.charge.map(|m| m.plain()).unwrap_or_default(),
        credit: item.credit.map(|m| m.plain()).unwrap_or_default(),
        balance: item.balance.plain(),
    });
    super::csv::write_rows(out, std::iter::once(forward).chain(items))
}

/// The statement as a PDF: letterhead, who and where, the summary, the
/// aging, every line of the period (bills with their reads and rated
/// lines), open disputes, and page numbers.
pub fn write_pdf(statement: &Statement, letterhead: &Letterhead) -> Result<Vec<u8>, DeskError> {
    let s = statement;
    let a = &s.account;
    let footer = format!("Account {} · statement {} to {}", a.account.number, s.from, s.to);
    let mut w = Writer::new(letterhead, "Itemized statement", &footer)?;
    let facts = [
        ("Account", a.account.number.to_string()),
        ("Customer", a.customer.name.clone()),
        ("Mailing address", a.customer.mailing.to_string()),
        ("Service address", a.premise.address.to_string()),
        ("Meter", a.services.meter_number.clone()),
        ("Period", format!("{} to {}", s.from, s.to)),
        ("Prepared", format!("{} by {}", s.prepared_on, s.prepared_by)),
    ];
    for (label, value) in facts {
        w.row(&[Cell::left(LEFT, label).size(9.0), Cell::left(LEFT + 96.0, value).size(9.0)])?;
    }

    w.heading("Summary")?;
    let t = &s.totals;
    let summary = [
        ("Balance forward", s.balance_forward.to_string()),
        ("+ Bills", t.billed.to_string()),
        ("+ Late fees", t.late_fees.to_string()),
        ("− Payments", t.payments.to_string()),
        ("− Credits and adjustments", t.credits_and_adjustments.to_string()),
    ];
    for (label, amount) in summary {
        w.row(&[Cell::left(LEFT, label), Cell::right(LEFT + 260.0, amount)])?;
    }
    w.row(&[
        Cell::left(LEFT, "Ending balance").bold(),
        Cell::right(LEFT + 260.0, s.ending_balance.to_string()).bold(),
    ])?;

    w.heading(&format!("What is owed by age, on {}", s.to))?;
    let g = &s.aging;
    let ages = [
        ("Current", g.current),
        ("1–30 days", g.days_1_30),
        ("31–60 days", g.days_31_60),
        ("61–90 days", g.days_61_90),
        ("Over 90 days", g.over_90),
        ("Disputed", g.disputed),
    ];
    let step = (RIGHT - LEFT) / ages.len() as f32;
    let at = |i: usize| LEFT + step * (i as f32 + 1.0) - 6.0;
    w.row(&ages.iter().enumerate().map(|(i, (label, _))| Cell::right(at(i), *label).size(8.5)).collect::<Vec<_>>())?;
    w.row(&ages.iter().enumerate().map(|(i, (_, m))| Cell::right(at(i), m.to_string())).collect::<Vec<_>>())?;
    if g.unapplied_credit.is_positive() {
        w.row(&[Cell::left(LEFT, format!("Credit on the account: {}", g.unapplied_credit)).size(9.0)])?;
    }

    w.heading("Activity")?;
    w.table_header(&[
        Cell::left(LEFT, "Date").bold(),
        Cell::left(DESCRIPTION, "Description").bold(),
        Cell::right(CHARGES, "Charges").bold(),
        Cell::right(CREDITS, "Credits").bold(),
        Cell::right(RIGHT, "Balance").bold(),
    ])?;
    w.row(&[
        Cell::left(LEFT, s.from.to_string()),
        Cell::left(DESCRIPTION, "Balance forward"),
        Cell::right(RIGHT, s.balance_forward.to_string()),
    ])?;
    let mut bills = s.bills.iter();
    for item in &s.items {
        let mut description = item.description.clone();
        if let Some(by) = item.reversed_by {
            description.push_str(&format!(" (reversed by posting {by})"));
        }
        let mut lines = wrap(&description, Style::Regular, 9.5, DESCRIPTION_WIDTH)?.into_iter();
        w.row(&[
            Cell::left(LEFT, item.date.to_string()),
            Cell::left(DESCRIPTION, lines.next().unwrap_or_default()),
            Cell::right(CHARGES, item.charge.map(|m| m.to_string()).unwrap_or_default()),
            Cell::right(CREDITS, item.credit.map(|m| m.to_string()).unwrap_or_default()),
            Cell::right(RIGHT, item.balance.to_string()),
        ])?;
        for more in lines {
            w.row(&[Cell::left(DESCRIPTION, more)])?;
        }
        if item.kind == PostingKind::Bill
            && let Some(bill) = bills.next()
        {
            bill_detail(&mut w, bill)?;
        }
    }
    w.rule(0.5);
    w.row(&[
        Cell::left(DESCRIPTION, "Ending balance").bold(),
        Cell::right(RIGHT, s.ending_balance.to_string()).bold(),
    ])?;
    w.end_table();

    if !s.open_disputes.is_empty() {
        w.heading(&format!("Disputes open on {} (not past due while open)", s.to))?;
        for d in &s.open_disputes {
            w.row(&[
                Cell::left(LEFT, format!("#{}", d.id)),
                Cell::left(DESCRIPTION, format!("Bill {}: {}", d.bill_id, d.reason)),
                Cell::right(RIGHT, d.amount.to_string()),
            ])?;
        }
    }
    w.gap(12.0);
    w.paragraph(
        &format!(
            "Questions about this statement: call {} or write to {}, {}. Please give your account number.",
            letterhead.phone, letterhead.department, letterhead.address
        ),
        8.5,
    )?;
    w.finish()
}

/// Under a bill's line: its reads and consumption, and its rated lines.
fn bill_detail(w: &mut Writer, bill: &BillRow) -> Result<(), DeskError> {
    let (from, to) = (&bill.previous_read, &bill.current_read);
    let reads = format!(
        "Bill {}: read {} on {} ({}) to {} on {} ({}), {} gallons",
        bill.id,
        thousands(from.reading),
        from.read_on,
        from.kind.code(),
        thousands(to.reading),
        to.read_on,
        to.kind.code(),
        thousands(bill.consumption_gal)
    );
    w.row(&[Cell::left(DETAIL, reads).size(8.0)])?;
    for line in &bill.lines {
        w.row(&[
            Cell::right(DETAIL_AMOUNT, line.line.amount.to_string()).size(8.0),
            Cell::left(DETAIL_TEXT, line.line.description.clone()).size(8.0),
        ])?;
    }
    Ok(())
}
