//! Epic Events CRM.

pub mod action;
pub mod keymap;
pub mod tui;
pub mod ui;
