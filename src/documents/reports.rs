//! The supervisor reports' tables as CSV: money in plain dollars
//! ("1234.50"), codes as the command line takes them, one file per table.

use std::io::Write;

use serde::Serialize;

use crate::desk::{ComplaintsReport, DeskError, LiaisonReport, MoneyActionsReport, ProductivityReport};

fn rows<R: Serialize>(out: impl Write, rows: impl IntoIterator<Item = R>) -> Result<(), DeskError> {
    let failed = |e: csv::Error| DeskError::Invalid(format!("cannot write the CSV: {e}"));
    let mut writer = csv::Writer::from_writer(out);
    for row in rows {
        writer.serialize(row).map_err(failed)?;
    }
    writer.flush().map_err(|e| DeskError::Invalid(format!("cannot write the CSV: {e}")))
}

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
    report.write_csv(out)
}
