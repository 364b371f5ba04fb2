//! Accounts, customers, premises and services as the ledger holds them.

use crate::domain::Money;
use crate::domain::account::{Account, AccountStatus, Customer, Premise, Services};
use crate::domain::ids::{AccountId, AccountNumber, CustomerId, PremiseId};
use chrono::NaiveDate;

/// Everything needed to open an account, customer and premise included.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub number: AccountNumber,
    pub customer: CustomerId,
    pub premise: PremiseId,
    pub opened_on: NaiveDate,
    pub deposit: Money,
    pub services: Services,
    /// Its number in the utility's old system, if it was brought in.
    pub legacy_number: Option<String>,
    /// The bill cycle (read and bill route) it belongs to.
    pub cycle: u8,
}

/// An account brought in from the old system, as it was opened: enough to
/// tell the same row in a file run again from a different one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertedRow {
    pub id: AccountId,
    pub number: AccountNumber,
    pub name: String,
    pub meter_number: String,
}

/// What actions on an account need of it: no customer or address text,
/// so the hot paths (bills, payments) read one small row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ServiceAccount {
    pub id: AccountId,
    pub number: AccountNumber,
    pub status: AccountStatus,
    pub premise_id: PremiseId,
    pub services: Services,
    /// For a final or closed account: the day its service ended.
    pub service_ended_on: Option<NaiveDate>,
    /// The day the account opened: nothing on it is dated before.
    pub opened_on: NaiveDate,
}

/// An account with its customer, premise, services and cached balance.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AccountRow {
    pub account: Account,
    pub customer: Customer,
    pub premise: Premise,
    pub services: Services,
    pub balance: Money,
}
