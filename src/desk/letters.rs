//! Correspondence: a template from `assets/letters/` merged with the
//! account's and a case's data (a complaint, dispute, order, posting or
//! bill), shown to the representative to read and edit, and kept on the
//! account exactly as sent — never changed, never removed — with one audit
//! record. A template naming a field this letter has no value for is
//! refused whole.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::explain::{explain_bill, thousands};
use super::{Actor, Desk, DeskError, Result, audit};
use crate::domain::cases::check_case_worker;
use crate::domain::ids::{AccountId, BillId, PostingId};
use crate::domain::ledger::Side;
use crate::domain::letters::{LetterError, Letterhead, MAX_LETTER_CHARS, Template};
use crate::records::{AccountRow, LetterRow, NewLetter};
use crate::store::Db;

/// What a letter is about, beyond the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "kebab-case")]
pub enum LetterAbout {
    Complaint(i64),
    Dispute(i64),
    Order(i64),
    Posting(PostingId),
    Bill(BillId),
}

impl LetterAbout {
    fn stored(self) -> (&'static str, i64) {
        match self {
            LetterAbout::Complaint(id) => ("complaint", id),
            LetterAbout::Dispute(id) => ("dispute", id),
            LetterAbout::Order(id) => ("order", id),
            LetterAbout::Posting(id) => ("posting", id.0),
            LetterAbout::Bill(id) => ("bill", id.0),
        }
    }
}

/// A letter merged and ready to read, edit and send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterDraft {
    pub account: AccountId,
    pub template: String,
    pub about: Option<LetterAbout>,
    pub subject: String,
    pub body: String,
}

impl From<LetterError> for DeskError {
    fn from(error: LetterError) -> DeskError {
        DeskError::Invalid(error.to_string())
    }
}

fn not_this_account(what: &str) -> DeskError {
    DeskError::Invalid(format!("{what} is on another account, not this letter's"))
}

/// Every value a template may name, for this account and case.
fn values(
    db: &Db,
    actor: &Actor,
    account: AccountId,
    about: Option<LetterAbout>,
    today: chrono::NaiveDate,
) -> Result<BTreeMap<String, String>> {
    let row = db.account(account)?.ok_or_else(|| DeskError::UnknownAccount(account.to_string()))?;
    let letterhead = Letterhead::standard()?;
    let representative = db.user_by_name(&actor.username)?.map_or_else(|| actor.username.clone(), |u| u.full_name);
    let mut v: BTreeMap<String, String> = BTreeMap::new();
    let mut put = |k: &str, value: String| {
        v.insert(k.to_string(), value);
    };
    put("today", today.format("%B %-d, %Y").to_string());
    put("customer_name", row.customer.name.clone());
    put("mailing_address", row.customer.mailing.to_string());
    put("service_address", row.premise.address.to_string());
    put("account_number", row.account.number.to_string());
    put("balance", row.balance.to_string());
    put("representative_name", representative);
    put("utility_name", letterhead.name);
    put("utility_department", letterhead.department);
    put("utility_phone", letterhead.phone);
    put("utility_address", letterhead.address);
    match about {
        None => {}
        Some(LetterAbout::Complaint(id)) => {
            let c = db.complaint(id)?.ok_or_else(|| DeskError::Invalid(format!("no complaint #{id}")))?;
            if c.account_id != account {
                return Err(not_this_account(&format!("complaint #{id}")));
            }
            put("complaint_id", id.to_string());
            put("complaint_summary", c.summary.clone());
            put("complaint_category", c.category.label().to_string());
            put("complaint_opened_on", c.opened_at.format("%B %-d, %Y").to_string());
            put("complaint_status", c.status.code().to_string());
            if let Some(resolution) = c.resolution {
                put("resolution", resolution.label().to_string());
            }
            if let Some(note) = c.resolution_note {
                put("resolution_note", note);
            }
        }
        Some(LetterAbout::Dispute(id)) => {
            let d = db.dispute(id)?.ok_or_else(|| DeskError::Invalid(format!("no dispute #{id}")))?;
            if d.account_id != account {
                return Err(not_this_account(&format!("dispute #{id}")));
            }
            put("dispute_id", id.to_string());
            put("dispute_bill", d.bill_id.to_string());
            put("dispute_amount", d.amount.to_string());
            put("dispute_reason", d.reason.clone());
            put("dispute_status", d.status.clone());
            put("dispute_opened_on", d.opened_at.format("%B %-d, %Y").to_string());
            if let Some(note) = d.resolution_note {
                put("dispute_resolution_note", note);
            }
        }
        Some(LetterAbout::Order(id)) => {
            let o = db.order(id)?.ok_or_else(|| DeskError::Invalid(format!("no service order #{id}")))?;
            if o.account_id != account {
                return Err(not_this_account(&format!("service order #{id}")));
            }
            put("order_id", id.to_string());
            put("order_kind", o.kind.label().to_lowercase());
            put("order_status", o.status.label().to_lowercase());
            let mut details = Vec::new();
            if let Some(date) = o.fields.service_date {
                details.push(format!("Date: {}.", date.format("%B %-d, %Y")));
            }
            if let Some(reason) = &o.fields.reason {
                details.push(format!("What you told us: {reason}."));
            }
            if let Some(outcome) = &o.outcome_note {
                details.push(format!("What we found: {outcome}."));
            }
            if details.is_empty() {
                details.push("We will call you if we need anything more.".into());
            }
            put("order_details", details.join(" "));
            if let Some(date) = o.fields.service_date {
                put("service_date", date.format("%B %-d, %Y").to_string());
            }
        }
        Some(LetterAbout::Posting(id)) => {
            let p = db.posting(id)?.ok_or_else(|| DeskError::Invalid(format!("no posting {id}")))?;
            let line = p
                .lines
                .iter()
                .find(|l| l.account_id == Some(account))
                .ok_or_else(|| not_this_account(&format!("posting {id}")))?;
            let signed = match line.side {
                Side::Credit => line.amount.to_string(),
                Side::Debit => format!("{} (added to the balance)", line.amount),
            };
            put("posting_id", id.to_string());
            put("amount", signed);
            put("posting_date", p.effective_on.format("%B %-d, %Y").to_string());
            put("memo", p.memo.clone());
            if let Some(reason) = p.reason {
                put("reason", reason.label().to_lowercase());
            }
            if let Some(bill) = p.bill_id {
                put("bill_id", bill.to_string());
            }
        }
        Some(LetterAbout::Bill(id)) => {
            let b = db.bill(id)?.ok_or(DeskError::UnknownBill(id))?;
            if b.account_id != account {
                return Err(not_this_account(&format!("bill {id}")));
            }
            put("bill_id", id.to_string());
            put(
                "bill_period",
                format!("{} to {}", b.period_start.format("%B %-d, %Y"), b.period_end.format("%B %-d, %Y")),
            );
            put("bill_total", b.total.to_string());
            put("bill_due_date", b.due_date.format("%B %-d, %Y").to_string());
            put("consumption", format!("{} gallons", thousands(b.consumption_gal)));
            put("bill_explanation", explain_bill(&b).join("\n\n"));
        }
    }
    Ok(v)
}

fn sha256(subject: &str, body: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(subject.as_bytes());
    hash.update(b"\n");
    hash.update(body.as_bytes());
    crate::domain::audit::hex(&hash.finalize())
}

impl Desk {
    /// The template merged for the account (and the case), to read and edit.
    pub fn draft_letter(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        account: AccountId,
        template: &str,
        about: Option<LetterAbout>,
    ) -> Result<LetterDraft> {
        check_case_worker(actor.role).map_err(DeskError::NotPermitted)?;
        let template = Template::named(template)?;
        let today = self.today(now);
        let values = self.store.read(|db| values(db, actor, account, about, today))?;
        let (subject, body) = template.merge(&values)?;
        Ok(LetterDraft { account, template: template.name, about, subject, body })
    }

    /// Keeps the letter as sent (with the person's edits) on the account.
    pub fn send_letter(&mut self, actor: &Actor, now: DateTime<Utc>, draft: &LetterDraft) -> Result<i64> {
        let result = (|| -> Result<i64> {
            check_case_worker(actor.role).map_err(DeskError::NotPermitted)?;
            Template::named(&draft.template)?;
            let subject = draft.subject.trim();
            let body = draft.body.trim();
            if subject.is_empty() || body.is_empty() {
                return Err(DeskError::Invalid("a letter needs a subject and a body".into()));
            }
            if subject.chars().count() > 300 || body.chars().count() > MAX_LETTER_CHARS {
                return Err(DeskError::Invalid(format!(
                    "a letter's subject is at most 300 characters and its body at most {MAX_LETTER_CHARS}"
                )));
            }
            if body.contains("{{") || subject.contains("{{") {
                return Err(DeskError::Invalid(
                    "the letter still has a {{field}} in it: fill it in or take it out".into(),
                ));
            }
            let (body, in_body) = crate::domain::scrub::scrub_card_numbers(body);
            let (subject, in_subject) = crate::domain::scrub::scrub_card_numbers(subject);
            let (subject, scrubbed) = (subject.as_str(), in_body + in_subject);
            let hash = sha256(subject, &body);
            self.write(|db, _| {
                let row =
                    db.account(draft.account)?.ok_or_else(|| DeskError::UnknownAccount(draft.account.to_string()))?;
                // The case must still be the account's (checked as the draft was).
                values(db, actor, draft.account, draft.about, now.date_naive())?;
                let about = draft.about.map(LetterAbout::stored);
                let id = db.insert_letter(&NewLetter {
                    account: draft.account,
                    template: &draft.template,
                    about,
                    subject,
                    body: &body,
                    sha256: &hash,
                    by: actor.user_id,
                    at: now,
                })?;
                let detail = serde_json::json!({
                    "template": draft.template, "about": draft.about, "subject": subject, "sha256": hash,
                    "card_numbers_removed": scrubbed > 0, "account": row.account.number,
                });
                audit(db, now, Some(actor), "letter-send", &format!("letter:{id}"), Some(draft.account), &detail)?;
                Ok(id)
            })
        })();
        if let Err(refusal) = &result {
            self.record_refusal(actor, now, "send_letter", refusal);
        }
        result
    }

    pub fn letter(&mut self, id: i64) -> Result<LetterRow> {
        self.store.read(|db| db.letter(id)?.ok_or_else(|| DeskError::Invalid(format!("no letter #{id}"))))
    }

    /// A letter kept, with the account it was sent on (for its PDF:
    /// the documents' letter writer).
    pub fn kept_letter(&mut self, id: i64) -> Result<(LetterRow, AccountRow)> {
        self.store.read(|db| {
            let letter = db.letter(id)?.ok_or_else(|| DeskError::Invalid(format!("no letter #{id}")))?;
            let account = db
                .account(letter.account_id)?
                .ok_or_else(|| DeskError::UnknownAccount(letter.account_id.to_string()))?;
            Ok((letter, account))
        })
    }

    /// The account's letters, newest first.
    pub fn letters(&mut self, account: AccountId) -> Result<Vec<LetterRow>> {
        self.store.read(|db| Ok(db.letters(account)?))
    }
}
