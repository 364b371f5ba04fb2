//! Documents handed to customers and supervisors: the itemized statement
//! (CSV; PDF follows). Each takes data the desk has already checked (a
//! statement reconciles before it gets here) and only lays it out.

pub mod csv;
pub mod file;
pub mod letter;
pub mod pdf;
pub mod reports;
pub mod statement;
