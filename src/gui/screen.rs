//! One module per screen: each keeps its state, takes its own messages and
//! tells the app, through an `Event`, what only the app can do.

pub mod account;
pub mod admin;
pub mod approvals;
pub mod complaint;
pub mod dispute;
pub mod login;
pub mod order;
pub mod reports;
pub mod search;
pub mod service;
pub mod work;
