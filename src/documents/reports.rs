//! The reports' tables as CSV (money in plain dollars, "1234.50"; codes as
//! the command line takes them; one file per table) and as PDF.

use std::io::Write;

use serde::Serialize;

use super::pdf::{Cell, LEFT, Letterhead, RIGHT, Writer};
use crate::desk::{ComplaintsReport, DeskError, LiaisonReport, MoneyActionsReport, ProductivityReport};

use super::csv::write_rows as rows;

/// The money actions, one row per representative, kind and reason.
pub fn write_money_actions_csv(report: &MoneyActionsReport, out: impl Write) -> Result<(), DeskError> {
    #[derive(Serialize)]
    struct Row<'a> {
        from: String,
        to: String,
        representative: &'a str,
        name: &'a str,
        action: &'a str,
        reason: &'a str,
        postings: u64,
        credited: String,
        charged: String,
        approved_above_limit: u64,
    }
    rows(
        out,
        report.lines.iter().map(|l| Row {
            from: report.from.to_string(),
            to: report.to.to_string(),
            representative: &l.username,
            name: &l.full_name,
            action: l.kind.code(),
            reason: l.reason.map_or("", |r| r.code()),
            postings: l.postings,
            credited: l.credited.plain(),
            charged: l.charged.plain(),
            approved_above_limit: l.approved_above_limit,
        }),
    )
}

/// The approval requests raised, one row per representative and action.
pub fn write_requests_csv(report: &MoneyActionsReport, out: impl Write) -> Result<(), DeskError> {
    #[derive(Serialize)]
    struct Row<'a> {
        from: String,
        to: String,
        representative: &'a str,
        name: &'a str,
        action: &'a str,
        raised: u64,
        approved: u64,
        pending: u64,
        rejected: u64,
        withdrawn: u64,
        asked: String,
        approved_amount: String,
        average_turnaround_minutes: Option<i64>,
        longest_turnaround_minutes: Option<i64>,
    }
    rows(
        out,
        report.requests.iter().map(|r| Row {
            from: report.from.to_string(),
            to: report.to.to_string(),
            representative: &r.username,
            name: &r.full_name,
            action: &r.action,
            raised: r.raised,
            approved: r.approved,
            pending: r.pending,
            rejected: r.rejected,
            withdrawn: r.withdrawn,
            asked: r.asked.plain(),
            approved_amount: r.approved_amount.plain(),
            average_turnaround_minutes: r.average_turnaround_minutes,
            longest_turnaround_minutes: r.longest_turnaround_minutes,
        }),
    )
}

/// Complaints opened in the period by source and status.
pub fn write_complaints_csv(report: &ComplaintsReport, out: impl Write) -> Result<(), DeskError> {
    #[derive(Serialize)]
    struct Row {
        from: String,
        to: String,
        as_of: String,
        source: &'static str,
        status: &'static str,
        complaints: u64,
        overdue: u64,
    }
    rows(
        out,
        report.groups.iter().map(|g| Row {
            from: report.from.to_string(),
            to: report.to.to_string(),
            as_of: report.as_of.to_string(),
            source: g.source.code(),
            status: g.status.code(),
            complaints: g.count,
            overdue: g.overdue,
        }),
    )
}

/// Each person's case work in the period.
pub fn write_productivity_csv(report: &ProductivityReport, out: impl Write) -> Result<(), DeskError> {
    #[derive(Serialize)]
    struct Row<'a> {
        from: String,
        to: String,
        representative: &'a str,
        name: &'a str,
        role: &'static str,
        contacts: u64,
        complaints_opened: u64,
        complaints_closed: u64,
        orders_drafted: u64,
        orders_reviewed: u64,
        money_actions: u64,
    }
    rows(
        out,
        report.lines.iter().map(|l| Row {
            from: report.from.to_string(),
            to: report.to.to_string(),
            representative: &l.username,
            name: &l.full_name,
            role: l.role.code(),
            contacts: l.contacts,
            complaints_opened: l.complaints_opened,
            complaints_closed: l.complaints_closed,
            orders_drafted: l.orders_drafted,
            orders_reviewed: l.orders_reviewed,
            money_actions: l.money_actions,
        }),
    )
}

/// The liaison follow-up report's items.
pub fn write_liaison_csv(report: &LiaisonReport, out: impl Write) -> Result<(), DeskError> {
    rows(out, &report.rows)
}

/// A report's table as PDF: a title, what it covers, one row per line.
/// Column positions are fractions of the page's width; figures right-aligned.
struct Table<'a> {
    title: &'a str,
    /// The period, for every page's foot.
    period: String,
    covers: String,
    columns: &'a [(&'a str, f32, bool)],
    rows: Vec<Vec<String>>,
}

fn table_pdf(table: Table, letterhead: &Letterhead) -> Result<Vec<u8>, DeskError> {
    let mut w = Writer::new(letterhead, table.title, &format!("{} · {}", table.title, table.period))?;
    w.paragraph(&table.covers, 9.0)?;
    w.gap(6.0);
    let x = |at: f32| LEFT + (RIGHT - LEFT) * at;
    let cells = |values: Vec<String>, bold: bool| -> Vec<Cell> {
        table
            .columns
            .iter()
            .zip(values)
            .map(|((_, at, right), value)| {
                let cell = if *right { Cell::right(x(*at), value) } else { Cell::left(x(*at), value) };
                let cell = cell.size(8.5);
                if bold { cell.bold() } else { cell }
            })
            .collect()
    };
    w.table_header(&cells(table.columns.iter().map(|(h, _, _)| h.to_string()).collect(), true))?;
    if table.rows.is_empty() {
        w.row(&[Cell::left(LEFT, "Nothing in this period.").size(9.0)])?;
    }
    for row in table.rows.clone() {
        w.row(&cells(row, false))?;
    }
    w.end_table();
    w.finish()
}

/// Credits and adjustments, then the requests raised, as PDF.
pub fn money_actions_pdf(report: &MoneyActionsReport, letterhead: &Letterhead) -> Result<Vec<u8>, DeskError> {
    let (credited, charged) = report.totals();
    let mut rows: Vec<Vec<String>> = report
        .lines
        .iter()
        .map(|l| {
            vec![
                l.username.clone(),
                l.kind.code().to_string(),
                l.reason.map_or("", |r| r.label()).to_string(),
                l.postings.to_string(),
                l.credited.to_string(),
                l.charged.to_string(),
                l.approved_above_limit.to_string(),
            ]
        })
        .collect();
    rows.push(vec![
        "Total".into(),
        String::new(),
        String::new(),
        String::new(),
        credited.to_string(),
        charged.to_string(),
        String::new(),
    ]);
    for r in &report.requests {
        let turnaround =
            r.average_turnaround_minutes.map_or_else(|| "—".to_string(), |m| format!("{}h {:02}m", m / 60, m % 60));
        rows.push(vec![
            r.username.clone(),
            format!("{} requests", r.action),
            format!("{} raised: {} approved, {} pending, {} rejected", r.raised, r.approved, r.pending, r.rejected),
            String::new(),
            r.approved_amount.to_string(),
            r.asked.to_string(),
            turnaround,
        ]);
    }
    table_pdf(
        Table {
            title: "Credits and adjustments",
            period: format!("{} to {}", report.from, report.to),
            covers: format!(
                "Effective {} to {}; requests raised above limits: approved amount, asked, average turnaround",
                report.from, report.to
            ),
            columns: &[
                ("Representative", 0.0, false),
                ("Action", 0.17, false),
                ("Reason", 0.31, false),
                ("Postings", 0.62, true),
                ("Credited", 0.73, true),
                ("Charged", 0.85, true),
                ("Above limit", 1.0, true),
            ],
            rows,
        },
        letterhead,
    )
}

pub fn complaints_pdf(report: &ComplaintsReport, letterhead: &Letterhead) -> Result<Vec<u8>, DeskError> {
    let rows = report
        .groups
        .iter()
        .map(|g| {
            vec![g.source.label().to_string(), g.status.code().to_string(), g.count.to_string(), g.overdue.to_string()]
        })
        .collect();
    table_pdf(
        Table {
            title: "Complaints by source and status",
            period: format!("{} to {}", report.from, report.to),
            covers: format!("Opened {} to {}, as of {}", report.from, report.to, report.as_of),
            columns: &[
                ("Source", 0.0, false),
                ("Status", 0.45, false),
                ("Complaints", 0.8, true),
                ("Overdue", 1.0, true),
            ],
            rows,
        },
        letterhead,
    )
}

pub fn productivity_pdf(report: &ProductivityReport, letterhead: &Letterhead) -> Result<Vec<u8>, DeskError> {
    let rows = report
        .lines
        .iter()
        .map(|l| {
            vec![
                format!("{} ({})", l.full_name, l.username),
                l.contacts.to_string(),
                l.complaints_opened.to_string(),
                l.complaints_closed.to_string(),
                l.orders_drafted.to_string(),
                l.orders_reviewed.to_string(),
                l.money_actions.to_string(),
            ]
        })
        .collect();
    table_pdf(
        Table {
            title: "Case work per person",
            period: format!("{} to {}", report.from, report.to),
            covers: format!(
                "{} to {}: contacts logged; complaints opened and closed; orders drafted and reviewed; money actions posted",
                report.from, report.to
            ),
            columns: &[
                ("Person", 0.0, false),
                ("Contacts", 0.44, true),
                ("Opened", 0.54, true),
                ("Closed", 0.64, true),
                ("Drafted", 0.76, true),
                ("Reviewed", 0.88, true),
                ("Money", 1.0, true),
            ],
            rows,
        },
        letterhead,
    )
}

pub fn liaison_pdf(report: &LiaisonReport, letterhead: &Letterhead) -> Result<Vec<u8>, DeskError> {
    let rows = report
        .rows
        .iter()
        .map(|r| {
            vec![
                format!("#{}", r.complaint),
                r.account.clone(),
                r.council_district.map_or_else(|| "Mayor's office".to_string(), |d| format!("Council {d}")),
                r.due_on.to_string(),
                r.status.to_string(),
                format!("{} bd", r.age_business_days),
                if r.overdue { "overdue".into() } else { String::new() },
                r.resolution.unwrap_or("").to_string(),
            ]
        })
        .collect();
    table_pdf(
        Table {
            title: "Liaison follow-up",
            period: format!("{} to {}", report.from, report.to),
            covers: format!(
                "Mayor's office and City Council items opened {} to {}, as of {}",
                report.from, report.to, report.as_of
            ),
            columns: &[
                ("Item", 0.0, false),
                ("Account", 0.09, false),
                ("From", 0.23, false),
                ("Due", 0.40, false),
                ("Status", 0.55, false),
                ("Age", 0.72, true),
                ("Overdue", 0.74, false),
                ("Resolution", 0.86, false),
            ],
            rows,
        },
        letterhead,
    )
}
