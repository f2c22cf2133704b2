//! The one interface above storage: what the screens, scripts and the server's
//! routes ask of the CRM. [`CrmApi`] mirrors the [`Crm`] service methods (same
//! names, arguments and results), so a caller that held a `Crm` holds an
//! `Arc<dyn CrmApi>` instead and changes nothing else.
//!
//! Two implementations: [`Crm`] itself, in process (the embedded SQLite file,
//! or a direct `postgres://` for whoever owns the database), and
//! [`remote::RemoteCrm`], a blocking HTTPS client of `epicevents serve`.

pub mod at;
pub mod changes;
pub mod in_process;
pub mod known;
pub mod pin;
pub mod remote;

pub mod wire;

use chrono::NaiveDateTime;

use crate::db::models::{Collaborator, Notification};
use crate::domain::{Cents, Role};
use crate::error::Result;
use crate::policy::Actor;
use crate::services::audit::AuditRow;
use crate::services::auth::NewAccount;
use crate::services::clients::{ClientDetail, ClientInput};
use crate::services::collaborators::{CollaboratorInput, Handover, Holdings};
use crate::services::contracts::ContractDetail;
use crate::services::events::{EventDetail, EventInput};
use crate::services::query::*;
use crate::session::Session;

/// Every operation the terminal, the scripts and the server's routes perform.
///
/// Reads that take no [`Session`] on [`Crm`](crate::Crm) take none here either: in
/// process nobody checks them, and the remote client sends the credentials of
/// whoever logged in last through it (a terminal has one user at a time).
pub trait CrmApi: Send + Sync {
    /// Now, in UTC: the configured clock in process, this machine's clock remotely.
    fn now(&self) -> NaiveDateTime;

    /// Live updates for `session` (see [`changes`]); `None` where there are none.
    fn live(
        self: std::sync::Arc<Self>,
        _session: &Session,
    ) -> Option<Result<changes::Subscription>> {
        None
    }

    // Sessions and passwords.
    fn needs_first_admin(&self) -> Result<bool>;
    fn create_first_admin(&self, acc: &NewAccount) -> Result<Session>;
    fn login(&self, email: &str, password: &str) -> Result<Session>;
    /// Ends the session: in process there is nothing to end; remotely the server
    /// forgets its tokens.
    fn logout(&self, session: &Session) -> Result<()>;
    /// The actor as the database knows them now (role, active flag).
    fn actor(&self, session: &Session) -> Result<Actor>;
    /// "May this collaborator do `action`?", asked of the policy where it
    /// runs (in process, or on the server) against the actor as the database
    /// knows them now; false when it cannot be asked. For deciding what to
    /// offer: every write is still checked on its own.
    fn allows(&self, session: &Session, action: &crate::policy::Action) -> bool;
    fn change_own_password(&self, session: &Session, current: &str, new: &str) -> Result<()>;
    fn reset_password(&self, session: &Session, target_id: i64, new: &str) -> Result<()>;

    // Clients.
    fn list_clients(
        &self,
        f: &ClientFilter,
        sort: ClientSort,
        p: &ListParams,
    ) -> Result<Page<ClientRow>>;
    fn get_client(&self, id: i64) -> Result<ClientDetail>;
    fn create_client(&self, session: &Session, input: &ClientInput) -> Result<i64>;
    fn update_client(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        input: &ClientInput,
    ) -> Result<()>;
    fn reassign_client(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        new_owner: i64,
    ) -> Result<()>;
    fn set_client_archived(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        archived: bool,
    ) -> Result<()>;

    // Contracts.
    fn list_contracts(
        &self,
        f: &ContractFilter,
        sort: ContractSort,
        p: &ListParams,
    ) -> Result<Page<ContractRow>>;
    fn get_contract(&self, id: i64) -> Result<ContractDetail>;
    fn create_contract(&self, session: &Session, client_id: i64, total: Cents) -> Result<i64>;
    fn update_contract(&self, session: &Session, id: i64, version: i32, total: Cents)
        -> Result<()>;
    fn sign_contract(&self, session: &Session, id: i64, version: i32) -> Result<()>;
    fn record_payment(
        &self,
        session: &Session,
        contract_id: i64,
        amount: Cents,
        received_on: chrono::NaiveDate,
    ) -> Result<i64>;
    /// Takes `amount` back off what was paid, as a refund or a correction.
    fn record_correction(
        &self,
        session: &Session,
        contract_id: i64,
        kind: crate::domain::PaymentKind,
        amount: Cents,
        reason: &str,
        received_on: chrono::NaiveDate,
    ) -> Result<i64>;
    fn set_contract_archived(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        archived: bool,
    ) -> Result<()>;

    // Events.
    fn list_events(
        &self,
        f: &EventFilter,
        sort: EventSort,
        p: &ListParams,
    ) -> Result<Page<EventRow>>;
    fn get_event(&self, id: i64) -> Result<EventDetail>;
    fn create_event(&self, session: &Session, contract_id: i64, input: &EventInput) -> Result<i64>;
    fn update_event(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        input: &EventInput,
    ) -> Result<()>;
    fn assign_support(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        support: Option<i64>,
    ) -> Result<()>;
    fn set_event_archived(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        archived: bool,
    ) -> Result<()>;

    // Collaborators.
    fn list_collaborators(
        &self,
        f: &CollaboratorFilter,
        sort: CollaboratorSort,
        p: &ListParams,
    ) -> Result<Page<Collaborator>>;
    fn get_collaborator(&self, id: i64) -> Result<Collaborator>;
    fn active_staff(&self, role: Role) -> Result<Vec<Collaborator>>;
    fn create_collaborator(
        &self,
        session: &Session,
        input: &CollaboratorInput,
        initial_password: &str,
    ) -> Result<i64>;
    fn update_collaborator(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        input: &CollaboratorInput,
    ) -> Result<()>;
    fn holdings(&self, id: i64) -> Result<Holdings>;
    fn set_collaborator_active(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        active: bool,
        handover: Handover,
    ) -> Result<()>;

    // Notifications.
    fn unread_notifications(&self, session: &Session) -> Result<i64>;
    fn list_notifications(
        &self,
        session: &Session,
        unread_only: bool,
        p: &ListParams,
    ) -> Result<Page<Notification>>;
    fn mark_notification_read(&self, session: &Session, id: i64) -> Result<()>;
    /// Back to unread. Not every team server offers it yet: by default, a
    /// clear refusal.
    fn mark_notification_unread(&self, _session: &Session, _id: i64) -> Result<()> {
        Err(crate::Error::Rule(
            "this server cannot mark a notification unread".into(),
        ))
    }
    fn open_notification(&self, session: &Session, id: i64) -> Result<(String, i64)>;
    fn mark_all_notifications_read(&self, session: &Session) -> Result<()>;
    fn refresh_reminders(&self, session: &Session) -> Result<usize>;

    // Audit.
    fn list_audit(
        &self,
        session: &Session,
        f: &AuditFilter,
        p: &ListParams,
    ) -> Result<Page<AuditRow>>;
    fn audit_target(&self, session: &Session, id: i64) -> Result<(String, i64)>;

    // Lists read from a keyset position (see [`At`]): scrolling on from a
    // window's first or last row, or the end of a list. By default through the
    // offset reads above ([`at::by_offset`]); in process, by the row's sort key.
    fn list_clients_at(
        &self,
        f: &ClientFilter,
        sort: ClientSort,
        p: &ListParams,
        at: &At,
    ) -> Result<Page<ClientRow>> {
        at::by_offset(p, at, |p| self.list_clients(f, sort, p))
    }
    fn list_contracts_at(
        &self,
        f: &ContractFilter,
        sort: ContractSort,
        p: &ListParams,
        at: &At,
    ) -> Result<Page<ContractRow>> {
        at::by_offset(p, at, |p| self.list_contracts(f, sort, p))
    }
    fn list_events_at(
        &self,
        f: &EventFilter,
        sort: EventSort,
        p: &ListParams,
        at: &At,
    ) -> Result<Page<EventRow>> {
        at::by_offset(p, at, |p| self.list_events(f, sort, p))
    }
    fn list_collaborators_at(
        &self,
        f: &CollaboratorFilter,
        sort: CollaboratorSort,
        p: &ListParams,
        at: &At,
    ) -> Result<Page<Collaborator>> {
        at::by_offset(p, at, |p| self.list_collaborators(f, sort, p))
    }
    fn list_notifications_at(
        &self,
        session: &Session,
        unread_only: bool,
        p: &ListParams,
        at: &At,
    ) -> Result<Page<Notification>> {
        at::by_offset(p, at, |p| self.list_notifications(session, unread_only, p))
    }
    fn list_audit_at(
        &self,
        session: &Session,
        f: &AuditFilter,
        p: &ListParams,
        at: &At,
    ) -> Result<Page<AuditRow>> {
        at::by_offset(p, at, |p| self.list_audit(session, f, p))
    }
    // Imports: the rows of a sheet read where the caller runs (the file stays
    // there), written in one transaction where the database is: in process, or
    // by the team server's import routes. `progress` hears how many rows are
    // done: after each row in process, all at once when the server answers.
    fn import_events(
        &self,
        session: &Session,
        sheet: &[crate::import::SheetEvent],
        opts: crate::services::import::ImportOptions,
        progress: &mut dyn FnMut(usize),
    ) -> Result<crate::services::import::ImportReport>;
    fn import_clients(
        &self,
        session: &Session,
        sheet: &[crate::import::SheetClient],
        opts: crate::services::import::ImportOptions,
        progress: &mut dyn FnMut(usize),
    ) -> Result<crate::services::import::ImportReport>;
}

/// A shared handle on the CRM, in process or remote: what the terminal's worker
/// holds.
pub type SharedApi = std::sync::Arc<dyn CrmApi>;

/// Anything the terminal can be started on: a [`Crm`](crate::Crm) in process, a
/// [`remote::RemoteCrm`], or a handle already shared.
pub trait IntoApi {
    fn into_api(self) -> SharedApi;
}

impl IntoApi for SharedApi {
    fn into_api(self) -> SharedApi {
        self
    }
}

impl IntoApi for crate::Crm {
    fn into_api(self) -> SharedApi {
        std::sync::Arc::new(self)
    }
}

impl IntoApi for remote::RemoteCrm {
    fn into_api(self) -> SharedApi {
        std::sync::Arc::new(self)
    }
}
