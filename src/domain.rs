//! Pure types and rules. No SQLite, no UI, no clock, no IO: everything here is
//! a function of its arguments, so it is tested without a database.

pub mod account;
pub mod aging;
pub mod audit;
pub mod authority;
pub mod calendar;
pub mod cases;
pub mod check_digit;
pub mod dates;
pub mod ids;
pub mod ledger;
pub mod letters;
pub mod money;
pub mod orders;
pub mod rates;
pub mod reads;
pub mod scrub;
pub mod sewer_cap;
pub mod user;

pub use money::Money;
