//! Row types, one file per table: what diesel reads (`Queryable`) and writes
//! (`Insertable`).

pub mod audit;
pub mod client;
pub mod collaborator;
pub mod contract;
pub mod event;
pub mod notification;
pub mod payment;

pub use audit::{AuditEntry, NewAuditEntry};
pub use client::{Client, NewClient};
pub use collaborator::{Collaborator, NewCollaborator};
pub use contract::{Contract, NewContract};
pub use event::{Event, NewEvent};
pub use notification::{NewNotification, Notification};
pub use payment::{NewPayment, Payment};
