//! Epic Events CRM.

pub mod action;
