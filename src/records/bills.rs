//! Meter reads, bills and their printed lines.

use crate::domain::Money;
use crate::domain::ids::{AccountId, BillId, ReadId};
use crate::domain::rates::BillLine;
use crate::domain::reads::ReadKind;
use chrono::NaiveDate;

/// A stored meter read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReadRow {
    pub id: ReadId,
    pub account_id: AccountId,
    pub read_on: NaiveDate,
    pub reading: u64,
    pub kind: ReadKind,
    pub rollover: bool,
    pub corrects: Option<ReadId>,
}

/// A bill to store.
#[derive(Debug, Clone)]
pub struct NewBill<'a> {
    pub account_id: AccountId,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub bill_date: NaiveDate,
    pub due_date: NaiveDate,
    pub schedule_id: &'a str,
    pub previous_read: ReadId,
    pub current_read: ReadId,
    pub consumption_gal: u64,
    pub sewer_cap_gal: u64,
    pub lines: &'a [BillLine],
}

/// A stored bill, with its lines when asked for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BillRow {
    pub id: BillId,
    pub account_id: AccountId,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub bill_date: NaiveDate,
    pub due_date: NaiveDate,
    pub schedule_id: String,
    pub previous_read: ReadRow,
    pub current_read: ReadRow,
    pub consumption_gal: u64,
    pub sewer_cap_gal: u64,
    pub total: Money,
    /// The printed lines, where they were read (a list of bills, such as an
    /// account's overview, leaves them out rather than show none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<BillLineRow>,
}

/// A stored bill line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BillLineRow {
    pub seq: u32,
    pub line: BillLine,
}
