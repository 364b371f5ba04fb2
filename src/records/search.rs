//! What a search finds.

use crate::domain::Money;
use crate::domain::account::AccountStatus;
use crate::domain::ids::{AccountId, AccountNumber};

/// At most this many results: a person refines the query rather than scroll.
pub const MAX_RESULTS: usize = 50;

/// One search result, with what a person needs to pick the right account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SearchHit {
    pub account_id: AccountId,
    pub number: AccountNumber,
    pub name: String,
    pub service_address: String,
    pub phone: Option<String>,
    pub meter_number: String,
    pub status: AccountStatus,
    pub balance: Money,
    /// Found by an exact account, phone or meter number.
    pub exact: bool,
}
