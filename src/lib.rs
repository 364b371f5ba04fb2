//! utility-desk: the customer account desk of a city utility.
//!
//! `domain` holds pure types and rules, `store` the SQLite ledger, `desk` the
//! use cases a person can perform, `cli` the command line,
//! `gui` the window. See ARCHITECTURE.md.

pub mod cli;
pub mod demo;
pub mod desk;
pub mod documents;
pub mod domain;
pub mod gui;
pub mod records;
pub mod store;
