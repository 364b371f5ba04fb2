//! How command results are printed: aligned text for people, JSON for programs.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use crate::demo::{DEMO_USERS, DemoSummary};
use crate::desk::StoreError;
use crate::desk::{DeskError, Overview};
use crate::records::{SearchHit, VerifyReport};

pub fn io(error: std::io::Error) -> DeskError {
    DeskError::Store(StoreError::Io(error.to_string()))
}

pub fn json(out: &mut impl Write, value: &impl serde::Serialize) -> Result<(), DeskError> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(|e| DeskError::Invalid(e.to_string()))?;
    writeln!(out).map_err(io)
}

pub fn demo_summary(out: &mut impl Write, path: &Path, s: &DemoSummary) -> Result<(), DeskError> {
    let months = match (s.first_period, s.last_period) {
        (Some(first), Some(last)) => format!("{} to {}", first.format("%B %Y"), last.format("%B %Y")),
        _ => "no months".into(),
    };
    writeln!(
        out,
        "Demo database ready at {}\n  {} accounts, {} bills ({months}), {} payments, {} late fees, {} credits, \
         {} bill adjustments, {} waivers, {} reversals, {} sent for approval\n  {} contacts logged, {} complaints \
         opened, {} disputes, {} service orders\n  {} ledger lines in {:.1} s\n  Users: {}",
        path.display(),
        s.accounts,
        s.bills,
        s.payments,
        s.late_fees,
        s.credits,
        s.adjustments,
        s.waivers,
        s.reversals,
        s.requests,
        s.contacts,
        s.complaints,
        s.disputes,
        s.orders,
        s.ledger_lines,
        s.elapsed.as_secs_f64(),
        DEMO_USERS.iter().map(|(u, _, r)| format!("{u} ({})", r.title())).collect::<Vec<_>>().join(", ")
    )
    .map_err(io)
}

pub fn search(out: &mut impl Write, hits: &[SearchHit], as_json: bool) -> Result<(), DeskError> {
    if as_json {
        return json(out, &hits);
    }
    if hits.is_empty() {
        return writeln!(out, "No accounts found.").map_err(io);
    }
    for hit in hits {
        writeln!(
            out,
            "{:<12} {:<28} {:<36} {:<16} {:>12}  {}{}",
            hit.number.to_string(),
            hit.name,
            hit.service_address,
            hit.phone.as_deref().unwrap_or(""),
            hit.balance.to_string(),
            hit.status,
            if hit.exact { "  (exact match)" } else { "" }
        )
        .map_err(io)?;
    }
    Ok(())
}

pub fn overview(out: &mut impl Write, o: &Overview, as_json: bool) -> Result<(), DeskError> {
    if as_json {
        return json(out, o);
    }
    let a = &o.account;
    let w = |out: &mut dyn Write, text: String| writeln!(out, "{text}").map_err(io);
    w(out, format!("{}  {}  ({})", a.account.number, a.customer.name, a.account.status))?;
    if let Some(ended) = a.account.closed_on {
        w(out, format!("Service ended {ended}"))?;
    }
    w(out, format!("Service address: {}", a.premise.address))?;
    w(out, format!("Mailing address: {}", a.customer.mailing))?;
    w(
        out,
        format!(
            "Phone: {}   Email: {}",
            a.customer.phone.as_deref().unwrap_or("-"),
            a.customer.email.as_deref().unwrap_or("-")
        ),
    )?;
    let s = &a.services;
    let refuse = s.refuse.map_or("none".to_string(), |r| format!("{}-gal {}", r.cart, r.frequency));
    w(
        out,
        format!(
            "Services: water (meter {} {}\"), sewer {}, stormwater {}, refuse {refuse}, EMSAcare {}",
            s.meter_number,
            s.meter_size,
            if s.sewer { "yes" } else { "no" },
            if s.stormwater { "yes" } else { "no" },
            if s.emsacare { "enrolled" } else { "opted out" }
        ),
    )?;
    if let Some(cap) = o.sewer_cap_gal {
        w(out, format!("Sewer cap: {cap} gal"))?;
    }
    w(out, format!("May be spoken to: {}", o.spoken_to()))?;
    if o.paperless {
        w(out, "Paperless billing: bills by email only".to_string())?;
    }
    let g = &o.aging;
    w(out, format!("Balance: {}   as of {}", a.balance, o.as_of))?;
    w(
        out,
        format!(
            "Aging: current {}  1-30 {}  31-60 {}  61-90 {}  over 90 {}  credit {}",
            g.current, g.days_1_30, g.days_31_60, g.days_61_90, g.over_90, g.unapplied_credit
        ),
    )?;
    if o.flags.open_disputes > 0 {
        w(out, format!("Disputed: {} held apart from past due ({} open)", g.disputed, o.flags.open_disputes))?;
    }
    let mut flags = Vec::new();
    if o.flags.past_due {
        flags.push("PAST DUE");
    }
    if o.flags.cutoff_eligible {
        flags.push("CUT-OFF ELIGIBLE");
    }
    if o.flags.last_read_estimated {
        flags.push("LAST READ ESTIMATED");
    }
    if !flags.is_empty() {
        w(out, format!("Alerts: {}", flags.join(", ")))?;
    }
    w(out, "\nBills:".into())?;
    for bill in &o.bills {
        w(
            out,
            format!(
                "  bill {:<7} {} to {}  billed {}  due {}  {:>7} gal{}  {:>10}",
                bill.id.to_string(),
                bill.period_start,
                bill.period_end,
                bill.bill_date,
                bill.due_date,
                bill.consumption_gal,
                if bill.current_read.kind == crate::domain::reads::ReadKind::Estimated { " (est)" } else { "      " },
                bill.total.to_string()
            ),
        )?;
    }
    w(out, "\nActivity:".into())?;
    for e in &o.entries {
        let amount = e.side.signed(e.amount);
        w(
            out,
            format!(
                "  {}  #{:<8} {:<11} {:>11}  {}{}",
                e.effective_on,
                e.posting_id.to_string(),
                e.kind.to_string(),
                amount.to_string(),
                e.memo,
                e.reversed_by.map(|by| format!("  [reversed by #{by}]")).unwrap_or_default()
            ),
        )?;
    }
    Ok(())
}

pub fn verify(out: &mut impl Write, report: &VerifyReport, elapsed: Duration, as_json: bool) -> Result<(), DeskError> {
    if as_json {
        return json(out, report);
    }
    let c = &report.counts;
    for check in &report.checks {
        let mark = if check.problem_count == 0 { "ok  " } else { "FAIL" };
        writeln!(out, "{mark} {}", check.name).map_err(io)?;
        for problem in &check.problems {
            writeln!(out, "       {problem}").map_err(io)?;
        }
        if check.problem_count > check.problems.len() as u64 {
            writeln!(out, "       ... {} problems in all", check.problem_count).map_err(io)?;
        }
    }
    let ledger_secs = report.ledger_check_micros() as f64 / 1e6;
    let rate = c.entries as f64 / ledger_secs.max(1e-9);
    writeln!(
        out,
        "{}: {} accounts, {} bills, {} postings, {} ledger lines (debits {} = credits {}) checked in {:.2} s \
         (ledger checks {:.2} s, {:.0} lines/s; the rest is SQLite's integrity check)",
        if report.passed() { "verify passed" } else { "verify FAILED" },
        c.accounts,
        c.bills,
        c.postings,
        c.entries,
        c.total_debits,
        c.total_credits,
        elapsed.as_secs_f64(),
        ledger_secs,
        rate
    )
    .map_err(io)?;
    let audit_secs = report.audit_check_micros() as f64 / 1e6;
    let whole =
        report.checks.iter().any(|c| c.name == "the audit trail's hash chain is intact" && c.problem_count == 0);
    writeln!(
        out,
        "audit trail: {} records in {} chain checked in {:.2} s ({:.0} records/s)",
        c.audit_records,
        if whole { "an unbroken" } else { "a BROKEN" },
        audit_secs,
        c.audit_records as f64 / audit_secs.max(1e-9)
    )
    .map_err(io)?;
    if let Some(head) = &report.head {
        writeln!(
            out,
            "audit head: {}:{} (keep it outside this database; `verify --anchor {}:{}` later shows nothing up to it was rewritten)",
            head.record, head.hash, head.record, head.hash
        )
        .map_err(io)?;
    }
    Ok(())
}

/// A copy of the ledger made (`backup`, `restore`) and what verifying it found.
pub fn copied(
    out: &mut impl Write,
    what: &str,
    from: &std::path::Path,
    to: &std::path::Path,
    copied: crate::records::Copied,
    report: &VerifyReport,
    elapsed: Duration,
) -> Result<(), DeskError> {
    writeln!(
        out,
        "{what} {} to {}: {:.1} MB ({} pages) in {:.2} s.",
        from.display(),
        to.display(),
        copied.bytes as f64 / 1e6,
        copied.pages,
        elapsed.as_secs_f64()
    )
    .map_err(io)?;
    verify(out, report, elapsed, false)
}

/// What `migrate` copied, and that the two ledgers agree.
pub fn migrated(
    out: &mut impl Write,
    from: &std::path::Path,
    to: &str,
    migrated: &crate::desk::Migrated,
    took: std::time::Duration,
) -> Result<(), DeskError> {
    let rows: u64 = migrated.tables.iter().map(|(_, n)| n).sum();
    writeln!(
        out,
        "Copied {} into {to}: {rows} rows in {} tables, in {:.1} s.",
        from.display(),
        migrated.tables.len(),
        took.as_secs_f64()
    )
    .map_err(io)?;
    let c = &migrated.counts;
    writeln!(
        out,
        "Both agree: {} accounts (every balance compared), {} bills, {} postings, {} entries, debits {} and credits {}, {} audit records.",
        c.accounts, c.bills, c.postings, c.entries, c.total_debits, c.total_credits, c.audit_records
    )
    .map_err(io)?;
    if let Some(head) = &migrated.head {
        writeln!(out, "The audit chain ends at record {} with hash {} on both.", head.record, head.hash).map_err(io)?;
    }
    writeln!(out, "verify passes on the copy.").map_err(io)
}
