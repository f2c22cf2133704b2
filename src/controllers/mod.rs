//! Controllers: an action on a screen becomes a service call and a state change.
//! They know screens and services, not SQL.

pub mod detail;
pub mod forms;
pub mod list;
