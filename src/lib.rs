//! Epic Events CRM: a keyboard-driven terminal CRM for an event-organising company.
//!
//! The library holds everything; the `epicevents` binary only parses arguments and
//! starts [`app`]. Flow of one keystroke: terminal → keymap → `Action` → controller
//! → [`services`] → [`policy`] → [`db::repo`] → database; rendering is a pure
//! function of the app state.

pub mod action;
pub mod api;
pub mod app;
pub mod cli;
pub mod config;
pub mod controllers;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod export;
pub mod files;
pub mod import;
pub mod keymap;
pub mod policy;
pub mod screens;
pub mod server;

pub mod services;
pub mod session;
pub mod state;
pub mod telemetry;
pub mod tui;
pub mod ui;

pub use error::{Error, Result};
pub use services::Crm;
