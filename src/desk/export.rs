//! The whole ledger as a plain-text journal that hledger and ledger-cli
//! read, so a finance office can check our books with their own tools.

use std::io::Write;

use super::{Desk, Result};
use crate::domain::Money;
use crate::domain::ledger::{ChartAccount, Side};

/// What an export wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct ExportSummary {
    pub postings: u64,
    pub lines: u64,
}

/// A journal amount: debits positive, credits negative, "$" commodity.
fn journal_amount(side: Side, amount: Money) -> String {
    format!("${}", side.signed(amount).plain())
}

/// Text safe on a journal's description line (no comment or newline).
fn clean(text: &str) -> String {
    text.chars().map(|c| if c == ';' || c == '\n' || c == '\r' || c == '|' { ' ' } else { c }).collect()
}

impl Desk {
    /// Writes every posting as a journal transaction, by date (posting
    /// order within a day). Receivables
    /// are sub-accounts per customer account (`assets:receivable:10000421-7`).
    /// The export is audited (who, when, where to, how much) once written.
    pub fn export_hledger(
        &mut self,
        by: &super::Actor,
        now: chrono::DateTime<chrono::Utc>,
        destination: &str,
        out: &mut impl Write,
    ) -> Result<ExportSummary> {
        let result = (|| -> Result<ExportSummary> {
            super::require(by, crate::domain::user::Duty::ExportLedger)?;
            let mut summary = ExportSummary::default();
            self.store.read(|db| {
                writeln!(out, "; utility-desk ledger export: every posting, by date (in posting order within a day). Amounts in US dollars.")
                    .map_err(io)?;
                writeln!(out, "commodity $1,000.00\n").map_err(io)?;
                db.for_each_posting(|posting, lines| {
                    let mut tags = format!("posting:{}, kind:{}", posting.id, posting.kind);
                    if let Some(reversed) = posting.reverses {
                        tags.push_str(&format!(", reverses:{reversed}"));
                    }
                    if let Some(bill) = posting.bill_id {
                        tags.push_str(&format!(", bill:{bill}"));
                    }
                    writeln!(out, "{} {}  ; {tags}", posting.effective_on, clean(&posting.memo))?;
                    for (line, number) in lines {
                        let account = match (line.ledger, number) {
                            (ChartAccount::Receivable, Some(number)) => {
                                format!("{}:{}-{}", line.ledger.code(), &number[..8], &number[8..])
                            }
                            _ => line.ledger.code(),
                        };
                        writeln!(out, "    {account:<48}  {:>14}", journal_amount(line.side, line.amount))?;
                        summary.lines += 1;
                    }
                    writeln!(out)?;
                    summary.postings += 1;
                    Ok(())
                })?;
                Ok::<_, super::DeskError>(())
            })?;
            out.flush().map_err(io)?;
            self.store.write(|db| {
                let detail = serde_json::json!({
                    "format": "hledger journal", "to": destination,
                    "postings": summary.postings, "lines": summary.lines,
                });
                super::audit(db, now, Some(by), "export", "ledger", None, &detail)
            })?;
            Ok(summary)
        })();
        if let Err(refusal) = &result {
            self.record_refusal(by, now, "export", refusal);
        }
        result
    }
}

fn io(error: std::io::Error) -> super::DeskError {
    super::DeskError::Store(crate::store::StoreError::Io(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_signed_by_side() {
        assert_eq!(journal_amount(Side::Debit, Money::from_cents(4321)), "$43.21");
        assert_eq!(journal_amount(Side::Credit, Money::from_cents(5)), "$-0.05");
        assert_eq!(clean("a;b\nc"), "a b c");
    }
}
