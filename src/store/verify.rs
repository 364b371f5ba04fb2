//! The checks behind `utility-desk verify`: the database is intact and the
//! books agree with themselves.

use std::time::Instant;

use rusqlite::params;
use serde::Serialize;

use super::{Db, Result};
use crate::domain::Money;

/// How many problems of one kind are listed by name; the count is always exact.
const MAX_LISTED: usize = 10;

/// One check and what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: &'static str,
    /// How many problems were found (0: the check passed).
    pub problem_count: u64,
    /// The first problems, described.
    pub problems: Vec<String>,
    /// How long the check took, in microseconds.
    pub micros: u64,
}

/// Sizes of the ledger, so a person sees what was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct LedgerCounts {
    pub accounts: u64,
    pub bills: u64,
    pub postings: u64,
    pub entries: u64,
    pub total_debits: Money,
    pub total_credits: Money,
    /// Audit records checked (filled in by `verify`).
    pub audit_records: u64,
}

/// Everything `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub checks: Vec<Check>,
    pub counts: LedgerCounts,
}

/// Counts a problem and keeps its description if fewer than the listed maximum.
fn note(check: &mut Check, problem: String) {
    check.problem_count += 1;
    if check.problems.len() < MAX_LISTED {
        check.problems.push(problem);
    }
}

fn micros(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX)
}

impl VerifyReport {
    /// Time spent on the ledger checks, without SQLite's page-level integrity check.
    pub fn ledger_check_micros(&self) -> u64 {
        self.checks
            .iter()
            .filter(|c| !c.name.starts_with("database integrity") && !c.name.starts_with("the audit trail"))
            .map(|c| c.micros)
            .sum()
    }

    /// Time spent walking the audit chain.
    pub fn audit_check_micros(&self) -> u64 {
        self.checks.iter().filter(|c| c.name.starts_with("the audit trail")).map(|c| c.micros).sum()
    }

    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.problem_count == 0)
    }
}

impl Db<'_> {
    /// Runs every ledger check. Each is one pass of SQL over the tables.
    pub fn verify_ledger(&self) -> Result<VerifyReport> {
        let mut checks = Vec::new();
        let started = Instant::now();
        let integrity: Vec<String> = self.strings("PRAGMA integrity_check")?;
        let integrity_problems: Vec<String> = integrity.into_iter().filter(|r| r != "ok").collect();
        checks.push(Check {
            name: "database integrity (PRAGMA integrity_check)",
            problem_count: integrity_problems.len() as u64,
            problems: integrity_problems.into_iter().take(MAX_LISTED).collect(),
            micros: micros(started),
        });
        // One pass over the entries finds postings that do not balance and
        // postings with a single line; postings with no line at all show as
        // fewer distinct posting ids than postings (then they are named).
        let started = Instant::now();
        let mut unbalanced =
            Check { name: "every posting balances", problem_count: 0, problems: Vec::new(), micros: 0 };
        let mut short =
            Check { name: "every posting has two or more lines", problem_count: 0, problems: Vec::new(), micros: 0 };
        {
            let mut statement = self.conn.prepare(
                "SELECT posting_id, SUM(CASE side WHEN 'D' THEN amount_cents ELSE -amount_cents END) AS net,
                        count(*) AS n
                 FROM entries GROUP BY posting_id HAVING net != 0 OR n < 2",
            )?;
            let mut rows = statement.query([])?;
            while let Some(r) = rows.next()? {
                let (id, net, n): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
                if net != 0 {
                    note(&mut unbalanced, format!("posting {id} is off by {}", Money::from_cents(net)));
                }
                if n < 2 {
                    note(&mut short, format!("posting {id} has {n} line(s)"));
                }
            }
        }
        let (postings, with_entries): (i64, i64) = self.conn.query_row(
            "SELECT (SELECT count(*) FROM postings), (SELECT count(DISTINCT posting_id) FROM entries)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if postings != with_entries {
            let mut statement = self.conn.prepare(
                "SELECT p.id FROM postings p WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.posting_id = p.id)",
            )?;
            let mut rows = statement.query([])?;
            while let Some(r) = rows.next()? {
                note(&mut short, format!("posting {} has 0 line(s)", r.get::<_, i64>(0)?));
            }
        }
        let spent = micros(started);
        unbalanced.micros = spent / 2;
        short.micros = spent - spent / 2;
        checks.push(unbalanced);
        checks.push(short);
        checks.push(self.check(
            "cached balances equal their entries",
            "SELECT a.number, a.balance_cents, COALESCE(e.sum, 0) FROM accounts a
             LEFT JOIN (SELECT account_id, SUM(CASE side WHEN 'D' THEN amount_cents ELSE -amount_cents END) AS sum
                        FROM entries WHERE account_id IS NOT NULL GROUP BY account_id) e ON e.account_id = a.id
             WHERE a.balance_cents != COALESCE(e.sum, 0)",
            |r| {
                Ok(format!(
                    "account {} shows {} but its entries sum to {}",
                    r.get::<_, String>(0)?,
                    Money::from_cents(r.get(1)?),
                    Money::from_cents(r.get(2)?)
                ))
            },
        )?);
        checks.push(self.check(
            "every reversal mirrors its original",
            "SELECT r.id, r.reverses_id FROM postings r JOIN postings o ON o.id = r.reverses_id
             WHERE o.kind = 'reversal'
                OR o.account_id IS NOT r.account_id
                OR EXISTS (SELECT ledger, account_id, side, amount_cents FROM entries WHERE posting_id = o.id
                           EXCEPT SELECT ledger, account_id, CASE side WHEN 'D' THEN 'C' ELSE 'D' END, amount_cents
                                  FROM entries WHERE posting_id = r.id)
                OR EXISTS (SELECT ledger, account_id, CASE side WHEN 'D' THEN 'C' ELSE 'D' END, amount_cents
                           FROM entries WHERE posting_id = r.id
                           EXCEPT SELECT ledger, account_id, side, amount_cents FROM entries WHERE posting_id = o.id)
                OR (SELECT count(*) FROM entries WHERE posting_id = o.id) != (SELECT count(*) FROM entries WHERE posting_id = r.id)",
            |r| Ok(format!("reversal {} does not mirror posting {}", r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
        )?);
        checks.push(self.check(
            "every bill's total equals its lines",
            "SELECT b.id, b.total_cents, COALESCE(l.sum, 0) FROM bills b
             LEFT JOIN (SELECT bill_id, SUM(amount_cents) AS sum FROM bill_lines GROUP BY bill_id) l ON l.bill_id = b.id
             WHERE b.total_cents != COALESCE(l.sum, 0)",
            |r| {
                Ok(format!(
                    "bill {} shows {} but its lines sum to {}",
                    r.get::<_, i64>(0)?,
                    Money::from_cents(r.get(1)?),
                    Money::from_cents(r.get(2)?)
                ))
            },
        )?);
        checks.push(self.check(
            "every bill is posted for its total",
            "SELECT b.id, b.total_cents, COALESCE((SELECT SUM(e.amount_cents) FROM postings p
                 JOIN entries e ON e.posting_id = p.id AND e.ledger = 'assets:receivable' AND e.side = 'D'
                 WHERE p.bill_id = b.id AND p.kind = 'bill'), 0) AS posted
             FROM bills b WHERE posted != b.total_cents",
            |r| {
                Ok(format!(
                    "bill {} totals {} but posted {}",
                    r.get::<_, i64>(0)?,
                    Money::from_cents(r.get(1)?),
                    Money::from_cents(r.get(2)?)
                ))
            },
        )?);
        let started = Instant::now();
        let (audit_records, broken) = self.walk_audit_chain()?;
        checks.push(Check {
            name: "the audit trail's hash chain is intact",
            problem_count: u64::from(broken.is_some()),
            problems: broken.iter().map(ToString::to_string).collect(),
            micros: micros(started),
        });
        let started = Instant::now();
        let mut counts = self.ledger_counts()?;
        counts.audit_records = audit_records;
        let whole = counts.total_debits - counts.total_credits;
        checks.push(Check {
            name: "the whole ledger balances",
            problem_count: u64::from(!whole.is_zero()),
            problems: if whole.is_zero() {
                Vec::new()
            } else {
                vec![format!("debits {} and credits {} differ", counts.total_debits, counts.total_credits)]
            },
            micros: micros(started),
        });
        Ok(VerifyReport { checks, counts })
    }

    /// Sizes and totals of the ledger.
    pub fn ledger_counts(&self) -> Result<LedgerCounts> {
        let count = |table: &str| -> Result<u64> {
            Ok(self.conn.prepare(&format!("SELECT count(*) FROM {table}"))?.query_row([], |r| r.get(0))?)
        };
        let (debits, credits): (i64, i64) = self.conn.query_row(
            "SELECT COALESCE(SUM(CASE side WHEN 'D' THEN amount_cents END), 0),
                    COALESCE(SUM(CASE side WHEN 'C' THEN amount_cents END), 0) FROM entries",
            params![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(LedgerCounts {
            accounts: count("accounts")?,
            bills: count("bills")?,
            postings: count("postings")?,
            entries: count("entries")?,
            total_debits: Money::from_cents(debits),
            total_credits: Money::from_cents(credits),
            audit_records: 0,
        })
    }

    fn strings(&self, sql: &str) -> Result<Vec<String>> {
        let mut statement = self.conn.prepare(sql)?;
        let rows = statement.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Runs a query whose rows are problems; lists the first few, counts all.
    fn check(
        &self,
        name: &'static str,
        sql: &str,
        describe: impl Fn(&rusqlite::Row) -> rusqlite::Result<String>,
    ) -> Result<Check> {
        let started = Instant::now();
        let mut statement = self.conn.prepare(sql)?;
        let mut rows = statement.query([])?;
        let mut problems = Vec::new();
        let mut problem_count = 0u64;
        while let Some(row) = rows.next()? {
            problem_count += 1;
            if problems.len() < MAX_LISTED {
                problems.push(describe(row)?);
            }
        }
        Ok(Check { name, problem_count, problems, micros: micros(started) })
    }
}
