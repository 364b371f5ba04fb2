//! A reading route's reads, their exceptions and decisions.

use crate::domain::ids::{AccountId, AccountNumber};
use crate::domain::reads::{ReadException, ReadKind};
use chrono::NaiveDate;
use serde::Serialize;

/// What a person decided about a held read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReadDecision {
    /// Billed as read.
    Accepted,
    /// Billed with a corrected reading.
    Corrected { reading: u64, gallons: u64 },
    /// Not billed: the meter is to be read again.
    Reread,
}

/// A loaded read, with its decision if it was held and decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CycleReadRow {
    pub id: i64,
    pub account_id: AccountId,
    pub account_number: AccountNumber,
    pub name: String,
    pub cycle: u8,
    pub meter_number: String,
    pub read_on: NaiveDate,
    pub reading: u64,
    pub kind: ReadKind,
    pub rollover: bool,
    pub reader: Option<String>,
    pub consumption_gal: u64,
    pub exception: Option<ReadException>,
    pub exception_detail: Option<String>,
    pub decision: Option<ReadDecision>,
    pub decided_note: Option<String>,
}

/// A read to load.
#[derive(Debug, Clone)]
pub struct NewCycleRead<'a> {
    pub account: AccountId,
    pub meter_number: &'a str,
    pub read_on: NaiveDate,
    pub reading: u64,
    pub kind: ReadKind,
    pub rollover: bool,
    pub reader: Option<&'a str>,
    pub consumption_gal: u64,
    pub exception: Option<(ReadException, &'a str)>,
}

/// The account a meter is in service on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeterAccount {
    pub id: AccountId,
    pub number: AccountNumber,
    pub dials: u32,
}

impl CycleReadRow {
    /// Held: an exception no one has decided.
    pub fn held(&self) -> bool {
        self.exception.is_some() && self.decision.is_none()
    }

    /// The reading and gallons a bill is to use (`None`: not to be billed).
    pub fn to_bill(&self) -> Option<(u64, u64)> {
        match (self.exception, self.decision) {
            (None, _) | (Some(_), Some(ReadDecision::Accepted)) => Some((self.reading, self.consumption_gal)),
            (Some(_), Some(ReadDecision::Corrected { reading, gallons })) => Some((reading, gallons)),
            (Some(_), None | Some(ReadDecision::Reread)) => None,
        }
    }
}
