//! What the ledger holds and reports, as plain data: the types the store
//! reads and writes and the desk, the window and the command line see. No
//! engine's types here: SQLite and PostgreSQL give the same records.

mod accounts;
mod approvals;
mod audit;
mod backup;
mod bills;
mod cases;
mod customers;
mod disk;
mod disputes;
mod ledger;
mod letters;
mod orders;
mod rates;
mod reads;
mod reports;
mod search;
mod users;
mod verify;

pub use accounts::{AccountRow, ConvertedRow, NewAccount, ServiceAccount};
pub use approvals::{NewRequest, RequestRow};
pub use audit::{AuditFilter, AuditRow};
pub use backup::Copied;
pub use bills::{BillLineRow, BillRow, NewBill, ReadRow};
pub use cases::{
    ComplaintEvent, ComplaintFilter, ComplaintRow, ContactAbout, ContactRow, NewComplaintRow, NewContactRow,
};
pub use customers::{NewParty, PartyRow};
pub use disk::Room;
pub use disputes::DisputeRow;
pub use ledger::{AgingRow, EntryRow, PostingRow, StoredPosting};
pub use letters::{LetterRow, NewLetter};
pub use orders::{NewOrderRow, OrderEvent, OrderRow, OrderStep};
pub use rates::RateScheduleRow;
pub use reads::{CycleReadRow, MeterAccount, NewCycleRead, ReadDecision};
pub use reports::{MoneyActionLine, OpenedComplaint, ProductivityLine, RaisedRequest};
pub use search::{MAX_RESULTS as MAX_SEARCH_RESULTS, SearchHit};
pub use users::{CliSession, UserRow};
pub use verify::{
    AuditAnchor, Check, INTEGRITY, INTEGRITY_SERVER, INTEGRITY_SERVER_NOT_RUN, LedgerCounts, VerifyReport,
};
