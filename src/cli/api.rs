//! The one seam between the commands and the CRM. Commands take `&Api` and call
//! only [`CrmApi`] methods (`list_clients`, `sign_contract`, …): the in-process
//! [`Crm`](crate::Crm) on a database, or the client of the team server.

pub use crate::api::CrmApi;

/// What every command is given.
pub type Api = dyn CrmApi;
