//! The checks behind `utility-desk verify`: the database is intact and the
//! books agree with themselves.

use std::time::Instant;

use super::sql::{Row, args};

use super::sql::Engine;
use super::{Db, Result};
use crate::domain::Money;
use crate::records::{
    AuditAnchor, Check, INTEGRITY, INTEGRITY_SERVER, INTEGRITY_SERVER_NOT_RUN, LedgerCounts, VerifyReport,
};

/// How many problems of one kind are listed by name; the count is always exact.
const MAX_LISTED: usize = 10;

/// Counts a problem and keeps its description if fewer than the listed maximum.
pub(super) fn note(check: &mut Check, problem: String) {
    check.problem_count += 1;
    if check.problems.len() < MAX_LISTED {
        check.problems.push(problem);
    }
}

pub(super) fn micros(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX)
}

impl Db<'_> {
    /// Runs every ledger check. Each is one pass of SQL over the tables.
    pub fn verify_ledger(&self) -> Result<VerifyReport> {
        let mut checks = Vec::new();
        let started = Instant::now();
        let (name, integrity_problems) = match self.engine() {
            Engine::Sqlite => {
                let integrity: Vec<String> = self.strings("PRAGMA integrity_check")?;
                (INTEGRITY, integrity.into_iter().filter(|r| r != "ok").collect::<Vec<String>>())
            }
            Engine::Postgres => match self.server_index_check()? {
                Some(problems) => (INTEGRITY_SERVER, problems),
                None => (INTEGRITY_SERVER_NOT_RUN, Vec::new()),
            },
        };
        let damaged = !integrity_problems.is_empty();
        checks.push(Check {
            name,
            problem_count: integrity_problems.len() as u64,
            problems: integrity_problems.into_iter().take(MAX_LISTED).collect(),
            micros: micros(started),
        });
        if damaged {
            // The ledger checks would read the damaged pages: the report
            // stops here, and says why.
            return Ok(VerifyReport::damaged(checks));
        }
        // The sums the ledger checks compare come from one sequential pass
        // over each table (entries, postings, accounts, bills, bill lines)
        // rather than a GROUP BY or a correlated subquery per check: at ten
        // million lines their index walks cost several times more.
        let started = Instant::now();
        let sums = self.ledger_sums()?;
        let mut counts = LedgerCounts {
            entries: sums.entries,
            total_debits: Money::from_cents(sums.debits),
            total_credits: Money::from_cents(sums.credits),
            ..LedgerCounts::default()
        };
        let mut unbalanced = Check::passed("every posting balances");
        let mut short = Check::passed("every posting has two or more lines");
        let mut recorded = Check::passed("every posting records what it moved on receivable");
        // Postings made before migration 0012 have no recorded amount.
        let recorded_from: i64 = self.meta("receivable_recorded_from")?.and_then(|v| v.parse().ok()).unwrap_or(0);
        let mut bill_posted = Tally::for_ids(sums.max_bill_id);
        {
            let mut statement = self.prepare("SELECT id, kind = 'bill', bill_id, receivable_cents FROM postings")?;
            let mut rows = statement.query(args![])?;
            while let Some(r) = rows.next()? {
                let (id, is_bill, bill, moved): (i64, bool, Option<i64>, Option<i64>) =
                    (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
                counts.postings += 1;
                let posting = sums.postings.get(id);
                match moved {
                    Some(moved) if moved != posting.receivable_moved => note(
                        &mut recorded,
                        format!(
                            "posting {id} records {} moved on receivable but its lines move {}",
                            Money::from_cents(moved),
                            Money::from_cents(posting.receivable_moved)
                        ),
                    ),
                    None if id >= recorded_from => {
                        note(&mut recorded, format!("posting {id} has no receivable amount recorded"));
                    }
                    _ => {}
                }
                if posting.net != 0 {
                    note(&mut unbalanced, format!("posting {id} is off by {}", Money::from_cents(posting.net)));
                }
                if posting.lines < 2 {
                    note(&mut short, format!("posting {id} has {} line(s)", posting.lines));
                }
                if let (true, Some(bill)) = (is_bill, bill) {
                    bill_posted.slot(bill).net += posting.receivable_debits;
                }
            }
        }
        let mut balances = Check::passed("cached balances equal their entries");
        {
            let mut statement = self.prepare("SELECT id, number, balance_cents FROM accounts")?;
            let mut rows = statement.query(args![])?;
            while let Some(r) = rows.next()? {
                let (id, cached): (i64, i64) = (r.get(0)?, r.get(2)?);
                counts.accounts += 1;
                let summed = sums.accounts.get(id).net;
                if cached != summed {
                    let number: String = r.get(1)?;
                    note(
                        &mut balances,
                        format!(
                            "account {number} shows {} but its entries sum to {}",
                            Money::from_cents(cached),
                            Money::from_cents(summed)
                        ),
                    );
                }
            }
        }
        let mut bill_totals = Check::passed("every bill's total equals its lines");
        let mut bill_postings = Check::passed("every bill is posted for its total");
        {
            let mut statement = self.prepare("SELECT id, total_cents FROM bills")?;
            let mut rows = statement.query(args![])?;
            while let Some(r) = rows.next()? {
                let (id, total): (i64, i64) = (r.get(0)?, r.get(1)?);
                counts.bills += 1;
                let lines = sums.bill_lines.get(id).net;
                if total != lines {
                    note(
                        &mut bill_totals,
                        format!(
                            "bill {id} shows {} but its lines sum to {}",
                            Money::from_cents(total),
                            Money::from_cents(lines)
                        ),
                    );
                }
                let posted = bill_posted.get(id).net;
                if total != posted {
                    note(
                        &mut bill_postings,
                        format!(
                            "bill {id} totals {} but posted {}",
                            Money::from_cents(total),
                            Money::from_cents(posted)
                        ),
                    );
                }
            }
        }
        // The time is shared out evenly: the checks were made together.
        let spent = micros(started);
        let mut together = [unbalanced, short, recorded, balances, bill_totals, bill_postings];
        let share = spent / together.len() as u64;
        for check in &mut together {
            check.micros = share;
        }
        let [unbalanced, short, recorded, balances, bill_totals, bill_postings] = together;
        checks.push(unbalanced);
        checks.push(short);
        checks.push(recorded);
        checks.push(balances);
        checks.push(self.check(
            "every reversal mirrors its original",
            "SELECT r.id, r.reverses_id FROM postings r JOIN postings o ON o.id = r.reverses_id
             WHERE o.kind = 'reversal'
                OR o.account_id IS DISTINCT FROM r.account_id
                OR EXISTS (SELECT ledger, account_id, side, amount_cents FROM entries WHERE posting_id = o.id
                           EXCEPT SELECT ledger, account_id, CASE side WHEN 'D' THEN 'C' ELSE 'D' END, amount_cents
                                  FROM entries WHERE posting_id = r.id)
                OR EXISTS (SELECT ledger, account_id, CASE side WHEN 'D' THEN 'C' ELSE 'D' END, amount_cents
                           FROM entries WHERE posting_id = r.id
                           EXCEPT SELECT ledger, account_id, side, amount_cents FROM entries WHERE posting_id = o.id)
                OR (SELECT count(*) FROM entries WHERE posting_id = o.id) != (SELECT count(*) FROM entries WHERE posting_id = r.id)",
            |r| Ok(format!("reversal {} does not mirror posting {}", r.get::<i64>(0)?, r.get::<i64>(1)?)),
        )?);
        checks.push(bill_totals);
        checks.push(bill_postings);
        checks.push(self.check(
            "every converted balance is aged from the day its posting names",
            "SELECT p.id, o.due_on FROM postings p LEFT JOIN opening_balance_due o ON o.posting_id = p.id
             WHERE p.kind = 'opening-balance'
               AND EXISTS (SELECT 1 FROM entries e WHERE e.posting_id = p.id AND e.ledger = 'assets:receivable'
                                                     AND e.side = 'D')
               AND (o.due_on IS NULL OR substr(p.memo, length(p.memo) - 10) <> o.due_on || ')')
             UNION ALL
             SELECT o.posting_id, o.due_on FROM opening_balance_due o JOIN postings p ON p.id = o.posting_id
             WHERE p.kind <> 'opening-balance'",
            |r| {
                Ok(format!(
                    "posting {} is aged from {} but does not say so (changed outside the desk)",
                    r.get::<i64>(0)?,
                    r.get::<Option<String>>(1)?.unwrap_or_else(|| "no date".into())
                ))
            },
        )?);
        checks.push(self.check(
            "every balance moved stays with one customer, and every refund pays back a receivable",
            "SELECT p.id, p.kind FROM postings p
             WHERE p.kind = 'balance-transfer' AND NOT (
                   (SELECT count(*) FROM entries e WHERE e.posting_id = p.id) = 2
               AND (SELECT count(*) FROM entries e WHERE e.posting_id = p.id AND e.ledger = 'assets:receivable') = 2
               AND (SELECT count(DISTINCT e.account_id) FROM entries e WHERE e.posting_id = p.id) = 2
               AND (SELECT count(DISTINCT e.side) FROM entries e WHERE e.posting_id = p.id) = 2
               AND (SELECT count(DISTINCT a.customer_id) FROM entries e JOIN accounts a ON a.id = e.account_id
                    WHERE e.posting_id = p.id) = 1)
             UNION ALL
             SELECT p.id, p.kind FROM postings p
             WHERE p.kind = 'refund' AND NOT (
                   (SELECT count(*) FROM entries e WHERE e.posting_id = p.id) = 2
               AND EXISTS (SELECT 1 FROM entries e WHERE e.posting_id = p.id AND e.ledger = 'assets:receivable'
                                                     AND e.side = 'D' AND e.account_id = p.account_id)
               AND EXISTS (SELECT 1 FROM entries e WHERE e.posting_id = p.id
                                                     AND e.ledger = 'liabilities:refunds-payable' AND e.side = 'C'))",
            |r| {
                let (id, kind) = (r.get::<i64>(0)?, r.get::<String>(1)?);
                Ok(match kind.as_str() {
                    "refund" => format!("refund {id} does not move a receivable to refunds payable"),
                    _ => format!("balance transfer {id} does not move a balance between two accounts of one customer"),
                })
            },
        )?);
        checks.push(self.check(
            "no bill runs past the day an account's service ended",
            "SELECT a.number, a.status, a.closed_on, b.id, b.period_end FROM accounts a JOIN bills b ON b.account_id = a.id
             WHERE a.status <> 'active' AND (a.closed_on IS NULL OR b.period_end > a.closed_on)
               AND NOT EXISTS (SELECT 1 FROM postings p JOIN postings r ON r.reverses_id = p.id
                               WHERE p.bill_id = b.id AND p.kind = 'bill')",
            |r| {
                let (number, status) = (r.get::<String>(0)?, r.get::<String>(1)?);
                let (bill, end) = (r.get::<i64>(3)?, r.get::<String>(4)?);
                Ok(match r.get::<Option<String>>(2)? {
                    Some(ended) => format!("account {number} is {status} from {ended} but bill {bill} runs to {end}"),
                    None => format!("account {number} is {status} with no day its service ended (bill {bill})"),
                })
            },
        )?);
        checks.push(self.check(
            // Bills of adjacent periods: a reversed bill not billed again
            // leaves a gap in the periods, which this does not look across.
            "every bill opens on the reading the bill before it closes on",
            concat!(
                "WITH standing AS (SELECT b.id, b.account_id, b.period_start, b.period_end, ",
                super::bills::reads_in_force!(),
                " FROM bills b WHERE NOT EXISTS (SELECT 1 FROM postings p JOIN postings r ON r.reverses_id = p.id
                                                 WHERE p.bill_id = b.id AND p.kind = 'bill')),
                 chained AS (SELECT s.*,
                        lag(s.id) OVER (PARTITION BY s.account_id ORDER BY s.period_start, s.id) AS before_id,
                        lag(s.closing) OVER (PARTITION BY s.account_id ORDER BY s.period_start, s.id) AS before_closing,
                        lag(s.period_end) OVER (PARTITION BY s.account_id ORDER BY s.period_start, s.id) AS before_end
                     FROM standing s)
                 SELECT a.number, c.id, c.before_id, o.reading, k.reading
                 FROM chained c JOIN accounts a ON a.id = c.account_id
                 JOIN meter_reads o ON o.id = c.opening JOIN meter_reads k ON k.id = c.before_closing
                 WHERE c.before_id IS NOT NULL AND date(c.before_end, '+1 day') = c.period_start
                   AND o.reading <> k.reading"
            ),
            |r| {
                let (number, bill, before) = (r.get::<String>(0)?, r.get::<i64>(1)?, r.get::<i64>(2)?);
                let (opens, closed) = (r.get::<i64>(3)?, r.get::<i64>(4)?);
                Ok(format!(
                    "account {number}: bill {bill} opens on reading {opens}, but bill {before} before it closes on \
                     {closed} (a corrected read the next bill was not re-rated from)"
                ))
            },
        )?);
        checks.push(self.check(
            "what each person used of their limits is kept as it was used",
            concat!(
                "SELECT u.username, d.day_start, d.used_cents, d.actual, d.hours FROM (SELECT d.*, (",
                authority_used_between!("d.user_id", "d.day_start", "d.day_end"),
                ") AS actual, (julianday(d.day_end) - julianday(d.day_start)) * 24 AS hours FROM authority_days d) d
                 JOIN users u ON u.id = d.user_id
                 WHERE d.used_cents <> d.actual OR NOT d.hours BETWEEN 22.99 AND 25.01"
            ),
            |r| {
                let (user, day, kept, actual) =
                    (r.get::<String>(0)?, r.get::<String>(1)?, r.get::<i64>(2)?, r.get::<i64>(3)?);
                let hours: f64 = r.get(4)?;
                // A business day is 23 to 25 hours (the clocks change on two a year).
                if !(22.99..=25.01).contains(&hours) {
                    return Ok(format!(
                        "{user}'s use of their limits from {day} is kept for {hours:.1} hours, not a day"
                    ));
                }
                Ok(format!(
                    "{user}'s use of their limits from {day} is kept as {} but their actions add up to {}",
                    Money::from_cents(kept),
                    Money::from_cents(actual)
                ))
            },
        )?);
        checks.push(self.check(
            "the database is whole (no demo stopped part-way)",
            "SELECT value FROM meta WHERE key = 'demo_state' AND value = 'building'",
            |_| {
                Ok("this demo database is incomplete: making it stopped part-way; delete it and run `utility-desk demo` again"
                    .to_string())
            },
        )?);
        let audit = self.audit_findings()?;
        checks.extend(audit.checks);
        let head = audit.last.map(|(record, hash)| AuditAnchor { record, hash });
        let started = Instant::now();
        counts.audit_records = audit.records;
        counts.refusals = audit.refusals;
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
        Ok(VerifyReport { checks, counts, head })
    }

    /// Whether the audit trail still holds `anchor`: that record, with that
    /// hash (the chain check says whether the records before it are whole).
    pub fn anchor_check(&self, anchor: &AuditAnchor) -> Result<Check> {
        let mut check = Check::passed("the audit trail still holds the anchored record");
        let hash: Option<String> =
            self.optional("SELECT hash FROM audit_log WHERE id = ?1", args![anchor.record], |r| r.get(0))?;
        match hash {
            None => note(&mut check, format!("audit record {} is gone", anchor.record)),
            Some(hash) if hash != anchor.hash => note(
                &mut check,
                format!(
                    "audit record {} no longer has the hash kept for it: the trail up to it was rewritten",
                    anchor.record
                ),
            ),
            Some(_) => {}
        }
        Ok(check)
    }

    /// Sizes and totals of the ledger.
    pub fn ledger_counts(&self) -> Result<LedgerCounts> {
        let count =
            |table: &str| -> Result<u64> { self.one(&format!("SELECT count(*) FROM {table}"), args![], |r| r.get(0)) };
        let (debits, credits): (i64, i64) = self.one(
            "SELECT COALESCE(SUM(CASE side WHEN 'D' THEN amount_cents END), 0),
                    COALESCE(SUM(CASE side WHEN 'C' THEN amount_cents END), 0) FROM entries",
            args![],
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
            refusals: 0,
        })
    }

    /// PostgreSQL's own check of the ledger's B-tree indexes against their
    /// tables' pages (the amcheck extension, where the owner installed it):
    /// each index found corrupt, by name; `None` where it cannot be run.
    fn server_index_check(&self) -> Result<Option<Vec<String>>> {
        let installed: bool = self.one(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'amcheck')
                    AND has_function_privilege('bt_index_check(regclass, boolean)', 'EXECUTE')",
            args![],
            |r| r.get(0),
        )?;
        if !installed {
            return Ok(None);
        }
        let indexes: Vec<(i64, String)> = self.all(
            "SELECT c.oid::bigint, c.relname::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE a.amname = 'btree' AND n.nspname = current_schema() ORDER BY c.relname",
            args![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut problems = Vec::new();
        for (oid, name) in indexes {
            let checked = self.savepoint(|db| {
                db.one("SELECT bt_index_check(?1::bigint::oid::regclass, true) IS NULL", args![oid], |r| {
                    r.get::<bool>(0)
                })
            });
            if let Err(error) = checked {
                problems.push(format!("index {name}: {error}"));
            }
        }
        Ok(Some(problems))
    }

    fn strings(&self, sql: &str) -> Result<Vec<String>> {
        self.all(sql, args![], |r| r.get(0))
    }

    /// Runs a query whose rows are problems; lists the first few, counts all.
    fn check(&self, name: &'static str, sql: &str, describe: impl Fn(&Row) -> Result<String>) -> Result<Check> {
        let started = Instant::now();
        let mut statement = self.prepare(sql)?;
        let mut rows = statement.query(args![])?;
        let mut problems = Vec::new();
        let mut problem_count = 0u64;
        while let Some(row) = rows.next()? {
            problem_count += 1;
            if problems.len() < MAX_LISTED {
                problems.push(describe(&row)?);
            }
        }
        Ok(Check { name, problem_count, problems, micros: micros(started) })
    }
}

/// What the pass over one table adds up, for one id.
#[derive(Debug, Clone, Copy, Default)]
struct Sum {
    /// Debits less credits (or a bill's lines, or what was posted for it).
    net: i64,
    lines: u32,
    /// The debits to receivable: what a bill posting charged the customer.
    receivable_debits: i64,
    /// Debits and credits to receivable alike.
    receivable_moved: i64,
}

/// Sums by id. Ids are SQLite rowids handed out in order, so a vector
/// indexed by id holds them; an id far beyond the expected range (a hand
/// edit, say) goes to a map rather than growing the vector.
#[derive(Debug, Default)]
struct Tally {
    dense: Vec<Sum>,
    sparse: std::collections::HashMap<i64, Sum>,
}

impl Tally {
    fn for_ids(max_id: i64) -> Self {
        let len = usize::try_from(max_id.saturating_add(1)).unwrap_or(0).min(1 << 28);
        Tally { dense: vec![Sum::default(); len], sparse: std::collections::HashMap::new() }
    }

    fn slot(&mut self, id: i64) -> &mut Sum {
        match usize::try_from(id).ok().filter(|&i| i < self.dense.len()) {
            Some(i) => &mut self.dense[i],
            None => self.sparse.entry(id).or_default(),
        }
    }

    fn get(&self, id: i64) -> Sum {
        match usize::try_from(id).ok().filter(|&i| i < self.dense.len()) {
            Some(i) => self.dense[i],
            None => self.sparse.get(&id).copied().unwrap_or_default(),
        }
    }
}

/// The ledger added up by posting, by customer account and by bill.
struct LedgerSums {
    postings: Tally,
    accounts: Tally,
    bill_lines: Tally,
    max_bill_id: i64,
    entries: u64,
    debits: i64,
    credits: i64,
}

impl Db<'_> {
    fn max_id(&self, table: &str) -> Result<i64> {
        let sql = format!("SELECT COALESCE(max(id), 0) FROM {table}");
        self.one(&sql, args![], |r| r.get(0))
    }

    /// One pass over the entries and one over the bill lines.
    fn ledger_sums(&self) -> Result<LedgerSums> {
        let mut postings = Tally::for_ids(self.max_id("postings")?);
        let mut accounts = Tally::for_ids(self.max_id("accounts")?);
        let max_bill_id = self.max_id("bills")?;
        let (mut entries, mut debits, mut credits) = (0u64, 0i64, 0i64);
        let mut statement = self.prepare("SELECT posting_id, account_id, side = 'D', amount_cents FROM entries")?;
        let mut rows = statement.query(args![])?;
        while let Some(r) = rows.next()? {
            let (posting, account, debit, amount): (i64, Option<i64>, bool, i64) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            let signed = if debit { amount } else { -amount };
            entries += 1;
            if debit {
                debits += amount;
            } else {
                credits += amount;
            }
            let sum = postings.slot(posting);
            sum.net += signed;
            sum.lines += 1;
            // Only receivable lines carry an account (a CHECK constraint).
            if let Some(account) = account {
                if debit {
                    sum.receivable_debits += amount;
                }
                sum.receivable_moved += amount;
                accounts.slot(account).net += signed;
            }
        }
        let mut bill_lines = Tally::for_ids(max_bill_id);
        let mut statement = self.prepare("SELECT bill_id, amount_cents FROM bill_lines")?;
        let mut rows = statement.query(args![])?;
        while let Some(r) = rows.next()? {
            bill_lines.slot(r.get(0)?).net += r.get::<i64>(1)?;
        }
        Ok(LedgerSums { postings, accounts, bill_lines, max_bill_id, entries, debits, credits })
    }
}
