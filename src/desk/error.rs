//! What the desk refuses, in words a representative can act on.

use chrono::NaiveDate;

use crate::domain::account::UnknownCode;
use crate::domain::ids::{BillId, PostingId};
use crate::domain::ledger::LedgerError;
use crate::domain::money::AmountError;
use crate::domain::rates::RateError;
use crate::domain::reads::ReadError;
/// The store's failures, which a desk error may carry (`DeskError::Store`).
pub use crate::store::StoreError;

/// Why an action did not happen. Nothing was written when one is returned.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DeskError {
    #[error(transparent)]
    Store(StoreError),
    #[error("no account {0}: check the number, or search by name or address")]
    UnknownAccount(String),
    /// Typed text that cannot be an account number (its length, its check digit).
    #[error("{0}: check the number, or search by name or address")]
    NotAnAccountNumber(String),
    #[error("account {0} is closed: reopen it or use the customer's current account")]
    AccountClosed(String),
    #[error("no user \"{0}\"")]
    UnknownUser(String),
    #[error("user \"{0}\" is disabled")]
    UserInactive(String),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Amount(#[from] AmountError),
    #[error(transparent)]
    Rates(#[from] RateError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Code(#[from] UnknownCode),
    #[error("the {what} date {date} is in the future (today is {today})")]
    FutureDate { what: &'static str, date: NaiveDate, today: NaiveDate },
    #[error(
        "the period {start} to {end} is already billed on this account (bill {bill}); reverse that bill first to rebill it"
    )]
    AlreadyBilled { bill: BillId, start: NaiveDate, end: NaiveDate },
    #[error("no rate schedule is in effect on {0}")]
    NoRateSchedule(NaiveDate),
    #[error("a {0} is required")]
    NoteRequired(String),
    #[error("the key \"{key}\" was already used for a different request (posting {posting}); use a new key")]
    KeyReused { key: String, posting: PostingId },
    /// The key names an approval request (a money action above someone's
    /// limits): the same action answers with the request's state, anything
    /// else under that key is refused.
    #[error("{}", key_in_request(.key, *.request, .status, *.same_payload))]
    KeyInRequest { key: String, request: i64, status: String, same_payload: bool },
    #[error("no bill {0}")]
    UnknownBill(BillId),
    #[error("no posting {0}")]
    UnknownPosting(PostingId),
    #[error("posting {posting} was already reversed by posting {by}")]
    AlreadyReversed { posting: PostingId, by: PostingId },
    #[error("posting {0} is itself a reversal and cannot be reversed: post the original action again instead")]
    ReversalOfReversal(PostingId),
    #[error("posting {posting} has a waiver (posting {waiver}) that stands: reverse the waiver first")]
    WaivedFirst { posting: PostingId, waiver: PostingId },
    #[error("bill {bill} has adjustments that stand: reverse them first (postings {adjustments})")]
    AdjustedFirst { bill: BillId, adjustments: String },
    #[error("posting {0} is not a late fee")]
    NotALateFee(PostingId),
    #[error("late fee {fee} was already waived (posting {waiver})")]
    AlreadyWaived { fee: PostingId, waiver: PostingId },
    #[error("late fee {0} was reversed; there is nothing to waive")]
    FeeReversed(PostingId),
    #[error("the corrected read gives the same charges as the bill: there is nothing to adjust")]
    NothingToAdjust,
    #[error("bill {bill} has no line {line}")]
    UnknownBillLine { bill: BillId, line: u32 },
    #[error("a decrease of {amount} is more than the {service} charges left on the bill ({left})")]
    DecreaseTooLarge { amount: String, service: String, left: String },
    /// Above the person's limits: not posted. `Batch::submit` turns this
    /// into a pending approval request.
    #[error("{}", .0.reason)]
    AboveLimit(Box<crate::desk::approvals::NeedsApproval>),
    #[error("request {first} for the same {what} is already waiting for approval: see it, or withdraw it first")]
    DuplicateRequest { first: i64, what: String },
    #[error("request {id} was already {status}")]
    AlreadyDecided { id: i64, status: String },
    #[error("no approval request {0}")]
    UnknownRequest(i64),
    #[error("Sign-in failed: {0}")]
    SignIn(String),
    /// The password was set by someone else; the person must choose their
    /// own ([`crate::desk::Desk::change_password`]) before anything else.
    #[error("{0}'s password was set by someone else: choose a new one before anything else")]
    PasswordChangeRequired(String),
    #[error("the session expired after 15 idle minutes: sign in again")]
    SessionExpired,
    #[error("{what} cannot be submitted without its {fields}")]
    MissingFields { what: String, fields: String },
    #[error("{0}")]
    NotPermitted(String),
    #[error("{0}")]
    Invalid(String),
    /// Rows of a file refused against the ledger, each by its place in the
    /// file's rows (the command line names their lines); nothing was written.
    #[error("{} row(s) cannot be {doing}{}; nothing was written", problems.len(), first_problem(problems))]
    Rows { doing: &'static str, problems: Vec<(usize, String)> },
}

/// The first of [`DeskError::Rows`]'s problems, for its message.
fn first_problem(problems: &[(usize, String)]) -> String {
    problems.first().map_or_else(String::new, |(row, why)| format!(" (row {}: {why})", row + 1))
}

/// Words for [`DeskError::KeyInRequest`].
fn key_in_request(key: &str, request: i64, status: &str, same_payload: bool) -> String {
    match (same_payload, status) {
        (false, _) => format!(
            "the key \"{key}\" was already used for a different request (approval request {request}, {status}); use a new key"
        ),
        (true, "pending") => {
            format!("this was already sent for approval with the key \"{key}\": request {request} is waiting")
        }
        (true, "approved") => format!("this was approved as request {request} under the key \"{key}\""),
        (true, status) => format!(
            "the key \"{key}\" was request {request}, which was {status}: nothing was posted; to ask again, use a new key"
        ),
    }
}
