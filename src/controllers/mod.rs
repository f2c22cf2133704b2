//! Controllers: an action on a screen becomes a service call and a state change.
//! They know screens and services, not SQL.

pub mod detail;
pub mod fetch;
pub mod forms;
pub mod list;
pub mod submit;
