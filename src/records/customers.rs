//! The parties on an account (who may be spoken to).

use crate::domain::ids::AccountId;
use chrono::NaiveDate;
use serde::Serialize;

/// Someone the account holder allows the desk to speak to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartyRow {
    pub id: i64,
    pub name: String,
    /// "full" or "payments".
    pub access: String,
    pub starts_on: NaiveDate,
    /// The last day (an end given when added, or the day it was ended).
    pub ends_on: Option<NaiveDate>,
}

/// Someone to allow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewParty {
    pub account: AccountId,
    pub name: String,
    /// "full" or "payments".
    pub access: &'static str,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}
