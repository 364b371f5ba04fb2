//! Customer information kept current at the desk: the mailing address,
//! phones, email and paperless billing, each change kept with its before
//! and after (in `customer_changes` and the audit record); and the people
//! the account holder allows the desk to speak to, with full access or
//! about payments only, from a day and until one.
//!
//! A name changed within 30 days of a change to the mailing address is the
//! pattern of an account taken over (operations.md): below a Supervisor it
//! is refused and the supervisor is named; a Supervisor's change is
//! recorded as flagged.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::Serialize;

use super::{Actor, Desk, DeskError, Result, audit, no_card_number_in, required_note};
use crate::domain::account::Address;
use crate::domain::cases::{check_case_worker, ranks_at_least};
use crate::domain::ids::AccountId;
use crate::domain::user::Role;
use crate::records::{NewParty, PartyRow};

/// Days after a mailing-address change in which a name change is flagged.
pub const NAME_AFTER_MAILING_DAYS: u64 = 30;

/// What to change about an account's customer (`None`: leave it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerUpdate {
    pub name: Option<String>,
    pub mailing: Option<Address>,
    /// `Some(None)` removes the phone on file.
    pub phone: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub paperless: Option<bool>,
}

/// What an update changed: each field, before and after.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CustomerChanged {
    pub fields: Vec<(String, Option<String>, Option<String>)>,
    /// The name was changed soon after the mailing address (by a Supervisor).
    pub flagged: bool,
}

/// Someone the account holder allows the desk to speak to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyRequest {
    pub account: AccountId,
    pub name: String,
    pub access: Access,
    pub starts_on: NaiveDate,
    /// The last day (`None`: until ended).
    pub ends_on: Option<NaiveDate>,
}

/// Who may be spoken to about an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    Full,
    Payments,
}

impl Access {
    fn code(self) -> &'static str {
        match self {
            Access::Full => "full",
            Access::Payments => "payments",
        }
    }
}

impl Desk {
    /// Changes the customer of `account` (see the module); audited field by
    /// field. Refused, with nothing changed, if nothing would change, a
    /// text holds a card number, or a name change comes too soon after a
    /// mailing change for the person's classification.
    pub fn update_customer(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        account: AccountId,
        update: &CustomerUpdate,
    ) -> Result<CustomerChanged> {
        check_case_worker(actor.role).map_err(DeskError::NotPermitted)?;
        if let Some(name) = &update.name {
            required_note(name, "customer name")?;
            no_card_number_in("customer name", name)?;
        }
        if let Some(mailing) = &update.mailing {
            required_note(&mailing.line1, "mailing address")?;
            for text in [Some(mailing.line1.as_str()), mailing.line2.as_deref(), Some(mailing.city.as_str())] {
                no_card_number_in("mailing address", text.unwrap_or_default())?;
            }
            if mailing.state.len() != 2 || !mailing.state.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(DeskError::Invalid(format!("\"{}\" is not a two-letter state", mailing.state)));
            }
        }
        for (what, value) in [("phone number", &update.phone), ("email address", &update.email)] {
            if let Some(Some(text)) = value {
                no_card_number_in(what, text)?;
            }
        }
        self.write(|db, _| {
            let row = db.account(account)?.ok_or_else(|| DeskError::UnknownAccount(account.to_string()))?;
            let (customer, id) = (&row.customer, row.customer.id);
            let mut changed = CustomerChanged::default();
            let text = |v: &Option<String>| v.clone().filter(|t| !t.trim().is_empty());
            if let Some(mailing) = update.mailing.as_ref().filter(|m| **m != customer.mailing) {
                db.set_customer_mailing(id, mailing)?;
                changed.fields.push(("mailing".into(), Some(customer.mailing.to_string()), Some(mailing.to_string())));
            }
            if let Some(name) = update.name.as_ref().map(|n| n.trim().to_string()).filter(|n| *n != customer.name) {
                let since = now - Days::new(NAME_AFTER_MAILING_DAYS);
                let mailing_lately = db.changed_since(id, "mailing", since)?.is_some()
                    || changed.fields.iter().any(|(f, _, _)| f == "mailing");
                if mailing_lately {
                    if !ranks_at_least(actor.role, Role::Supervisor) {
                        return Err(DeskError::NotPermitted(format!(
                            "the mailing address changed in the last {NAME_AFTER_MAILING_DAYS} days: a name change now \
                             is how accounts are taken over, so a Supervisor makes it after checking the caller's \
                             identity"
                        )));
                    }
                    changed.flagged = true;
                }
                db.set_customer_name(id, &name)?;
                changed.fields.push(("name".into(), Some(customer.name.clone()), Some(name)));
            }
            let phone = update.phone.as_ref().map(|p| text(p).map(|p| crate::domain::account::tidy_phone(&p)));
            if let Some(phone) = phone.filter(|p| *p != customer.phone) {
                db.set_customer_phone(id, phone.as_deref())?;
                changed.fields.push(("phone".into(), customer.phone.clone(), phone));
            }
            if let Some(email) = update.email.as_ref().map(text).filter(|e| *e != customer.email) {
                db.set_customer_email(id, email.as_deref())?;
                changed.fields.push(("email".into(), customer.email.clone(), email));
            }
            let paperless = db.customer_paperless(id)?;
            if let Some(wanted) = update.paperless.filter(|p| *p != paperless) {
                db.set_customer_paperless(id, wanted)?;
                changed.fields.push(("paperless".into(), Some(paperless.to_string()), Some(wanted.to_string())));
            }
            if changed.fields.is_empty() {
                return Err(DeskError::Invalid("the customer's information already says that: nothing changed".into()));
            }
            for (field, before, after) in &changed.fields {
                db.insert_customer_change(id, field, before.as_deref(), after.as_deref(), actor.user_id, now)?;
            }
            // The search finds customers by name and phone.
            for other in db.customer_accounts(id)? {
                db.index_account(other)?;
            }
            let detail = serde_json::json!({
                "changes": changed.fields.iter().map(|(f, b, a)| serde_json::json!({ "field": f, "before": b, "after": a }))
                    .collect::<Vec<_>>(),
                "identity_flag": changed.flagged,
            });
            audit(db, now, Some(actor), "customer-update", &format!("customer:{id}"), Some(account), &detail)?;
            Ok(changed)
        })
    }

    /// Allows the desk to speak to someone about the account.
    pub fn add_party(&mut self, actor: &Actor, now: DateTime<Utc>, party: &PartyRequest) -> Result<i64> {
        check_case_worker(actor.role).map_err(DeskError::NotPermitted)?;
        let name = required_note(&party.name, "name of the person allowed")?;
        no_card_number_in("name", &name)?;
        if name.chars().count() > 100 {
            return Err(DeskError::Invalid("a name of at most 100 characters".into()));
        }
        let (starts_on, ends_on) = (party.starts_on, party.ends_on);
        if let Some(ends) = ends_on.filter(|e| *e < starts_on) {
            return Err(DeskError::Invalid(format!("the access ends on {ends}, before it starts ({starts_on})")));
        }
        self.write(|db, _| {
            super::accounts::open_account_row(db, party.account)?;
            let new = NewParty { account: party.account, name, access: party.access.code(), starts_on, ends_on };
            let id = db.insert_party(&new, actor.user_id, now)?;
            let detail = serde_json::json!({ "after": { "party": id, "name": new.name, "access": party.access,
                                                        "starts_on": starts_on, "ends_on": ends_on } });
            audit(db, now, Some(actor), "party-add", &format!("party:{id}"), Some(party.account), &detail)?;
            Ok(id)
        })
    }

    /// Ends someone's access to the account from the day after `on` (at
    /// the earliest the day before it began: it never did).
    pub fn end_party(&mut self, actor: &Actor, now: DateTime<Utc>, party: i64, on: NaiveDate) -> Result<()> {
        check_case_worker(actor.role).map_err(DeskError::NotPermitted)?;
        self.write(|db, _| {
            let (account, row, ended) =
                db.party(party)?.ok_or_else(|| DeskError::Invalid(format!("no authorized party #{party}")))?;
            if ended {
                return Err(DeskError::Invalid(format!("{}'s access was ended already", row.name)));
            }
            // The day before the first is the earliest end: access that
            // never began (ended "now" on the day it was added).
            if on + Days::new(1) < row.starts_on {
                return Err(DeskError::Invalid(format!(
                    "{}'s access starts on {}, more than a day after {on}",
                    row.name, row.starts_on
                )));
            }
            db.end_party(party, on, actor.user_id, now)?;
            let detail = serde_json::json!({ "before": { "ends_on": row.ends_on }, "after": { "ends_on": on } });
            audit(db, now, Some(actor), "party-end", &format!("party:{party}"), Some(account), &detail)
        })
    }

    /// Who may be spoken to about the account on `day`, beside its holder.
    pub fn parties(&mut self, account: AccountId, day: NaiveDate) -> Result<Vec<PartyRow>> {
        self.store.read(|db| Ok(db.parties_on(account, day)?))
    }
}
