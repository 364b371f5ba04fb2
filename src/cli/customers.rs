//! `customer update` and `customer party`: customer information kept
//! current (see `desk::customers`).

use std::io::Write;

use chrono::{NaiveDate, Utc};
use clap::Subcommand;

use super::show::io;
use super::sign_in::SignIn;
use crate::desk::{Access, CustomerUpdate, Desk, DeskError, PartyRequest};
use crate::domain::account::Address;

#[derive(Debug, Subcommand)]
pub enum CustomerCommand {
    /// Change an account's customer: the mailing address, phone, email,
    /// paperless billing or name; each change audited with its before and
    /// after. A name change within 30 days of a mailing-address change is
    /// a Supervisor's to make.
    Update {
        /// The account number, e.g. 10000421-7.
        account: String,
        #[arg(long)]
        name: Option<String>,
        /// Mail to the service address again.
        #[arg(long, conflicts_with_all = ["mailing_line1", "mailing_line2", "mailing_city", "mailing_state", "mailing_zip"])]
        mail_to_service_address: bool,
        #[arg(long, requires_all = ["mailing_city", "mailing_state", "mailing_zip"])]
        mailing_line1: Option<String>,
        #[arg(long, requires = "mailing_line1")]
        mailing_line2: Option<String>,
        #[arg(long, requires = "mailing_line1")]
        mailing_city: Option<String>,
        #[arg(long, requires = "mailing_line1")]
        mailing_state: Option<String>,
        #[arg(long, requires = "mailing_line1")]
        mailing_zip: Option<String>,
        /// The phone on file ("" removes it).
        #[arg(long)]
        phone: Option<String>,
        /// The email on file ("" removes it).
        #[arg(long)]
        email: Option<String>,
        /// Bills by email only: yes or no.
        #[arg(long, value_parser = clap::builder::BoolishValueParser::new())]
        paperless: Option<bool>,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// People the account holder allows the desk to speak to.
    Party {
        #[command(subcommand)]
        command: PartyCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum PartyCommand {
    /// Allow someone, with full access or about payments only.
    Add {
        account: String,
        #[arg(long)]
        name: String,
        /// full or payments.
        #[arg(long)]
        access: String,
        /// The first day (default today).
        #[arg(long, value_parser = crate::domain::dates::parse_day, value_name = "YYYY-MM-DD")]
        from: Option<NaiveDate>,
        /// The last day (default: until ended).
        #[arg(long, value_parser = crate::domain::dates::parse_day, value_name = "YYYY-MM-DD")]
        until: Option<NaiveDate>,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// End someone's access after a day (default today).
    End {
        /// The party's number (from `customer party add` or `account`).
        id: i64,
        #[arg(long, value_parser = crate::domain::dates::parse_day, value_name = "YYYY-MM-DD")]
        on: Option<NaiveDate>,
        #[command(flatten)]
        sign_in: SignIn,
    },
}

pub fn customer(desk: &mut Desk, out: &mut impl Write, command: CustomerCommand) -> Result<(), DeskError> {
    let now = Utc::now();
    match command {
        CustomerCommand::Update {
            account,
            name,
            mail_to_service_address,
            mailing_line1,
            mailing_line2,
            mailing_city,
            mailing_state,
            mailing_zip,
            phone,
            email,
            paperless,
            sign_in,
        } => {
            let actor = sign_in.actor(desk, now)?;
            let row = desk.account_by_number(&account)?;
            let mailing = match (mail_to_service_address, mailing_line1) {
                (true, _) => Some(row.premise.address.clone()),
                (false, Some(line1)) => Some(Address {
                    line1: line1.trim().to_string(),
                    line2: mailing_line2.filter(|l| !l.trim().is_empty()),
                    city: mailing_city.unwrap_or_default().trim().to_string(),
                    state: mailing_state.unwrap_or_default().trim().to_uppercase(),
                    zip: mailing_zip.unwrap_or_default().trim().to_string(),
                }),
                (false, None) => None,
            };
            let blank_is_none = |v: Option<String>| v.map(|t| Some(t).filter(|t| !t.trim().is_empty()));
            let update =
                CustomerUpdate { name, mailing, phone: blank_is_none(phone), email: blank_is_none(email), paperless };
            let changed = desk.update_customer(&actor, now, row.account.id, &update)?;
            for (field, before, after) in &changed.fields {
                let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
                writeln!(out, "{field}: {} -> {}", shown(before), shown(after)).map_err(io)?;
            }
            if changed.flagged {
                writeln!(
                    out,
                    "flagged: the name changed within 30 days of the mailing address (a possible identity theft)"
                )
                .map_err(io)?;
            }
            Ok(())
        }
        CustomerCommand::Party { command: PartyCommand::Add { account, name, access, from, until, sign_in } } => {
            let actor = sign_in.actor(desk, now)?;
            let access = match access.trim().to_lowercase().as_str() {
                "full" => Access::Full,
                "payments" => Access::Payments,
                other => {
                    return Err(DeskError::Invalid(format!("\"{other}\" is not an access: full or payments")));
                }
            };
            let row = desk.account_by_number(&account)?;
            let from = from.unwrap_or_else(|| desk.today(now));
            let party =
                PartyRequest { account: row.account.id, name: name.clone(), access, starts_on: from, ends_on: until };
            let id = desk.add_party(&actor, now, &party)?;
            writeln!(
                out,
                "party #{id}: {} may be spoken to about account {} from {from}",
                name.trim(),
                row.account.number
            )
            .map_err(io)
        }
        CustomerCommand::Party { command: PartyCommand::End { id, on, sign_in } } => {
            let actor = sign_in.actor(desk, now)?;
            let on = on.unwrap_or_else(|| desk.today(now));
            desk.end_party(&actor, now, id, on)?;
            writeln!(out, "party #{id}: access ends after {on}").map_err(io)
        }
    }
}
