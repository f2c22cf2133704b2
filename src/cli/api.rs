//! The one seam between the commands and the CRM. Commands take `&Api` and call
//! only service methods (`list_clients`, `sign_contract`, …): the in-process
//! [`Crm`] today; a remote implementation of the same methods (same names and
//! argument types) can stand here without touching the commands.

pub use crate::services::Crm as Api;
