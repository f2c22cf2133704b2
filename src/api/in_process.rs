//! [`CrmApi`] in process: each operation is the [`Crm`] service method of the
//! same name, unchanged.

use chrono::{NaiveDate, NaiveDateTime};

use super::CrmApi;
use crate::db::models::{Collaborator, Notification};
use crate::domain::{Cents, PaymentKind, Role};
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
use crate::Crm;

/// `fn name(&self, args…) -> R` forwarding to the inherent `Crm::name`.
macro_rules! forward {
    ($( fn $name:ident(&self $(, $arg:ident : $ty:ty)* ) -> $ret:ty; )*) => {
        $(
            fn $name(&self $(, $arg: $ty)*) -> $ret {
                Crm::$name(self $(, $arg)*)
            }
        )*
    };
}

impl CrmApi for Crm {
    fn live(
        self: std::sync::Arc<Self>,
        session: &Session,
    ) -> Option<Result<super::changes::Subscription>> {
        Some(super::changes::ChangeFeed::subscribe(&*self, session))
    }

    forward! {
        fn now(&self) -> NaiveDateTime;
        fn needs_first_admin(&self) -> Result<bool>;
        fn create_first_admin(&self, acc: &NewAccount) -> Result<Session>;
        fn login(&self, email: &str, password: &str) -> Result<Session>;
        fn actor(&self, session: &Session) -> Result<Actor>;
        fn allows(&self, session: &Session, action: &crate::policy::Action) -> bool;
        fn change_own_password(&self, session: &Session, current: &str, new: &str) -> Result<()>;
        fn reset_password(&self, session: &Session, target_id: i64, new: &str) -> Result<()>;
        fn list_clients(&self, f: &ClientFilter, sort: ClientSort, p: &ListParams) -> Result<Page<ClientRow>>;
        fn get_client(&self, id: i64) -> Result<ClientDetail>;
        fn create_client(&self, session: &Session, input: &ClientInput) -> Result<i64>;
        fn update_client(&self, session: &Session, id: i64, version: i32, input: &ClientInput) -> Result<()>;
        fn reassign_client(&self, session: &Session, id: i64, version: i32, new_owner: i64) -> Result<()>;
        fn set_client_archived(&self, session: &Session, id: i64, version: i32, archived: bool) -> Result<()>;
        fn list_contracts(&self, f: &ContractFilter, sort: ContractSort, p: &ListParams) -> Result<Page<ContractRow>>;
        fn get_contract(&self, id: i64) -> Result<ContractDetail>;
        fn create_contract(&self, session: &Session, client_id: i64, total: Cents) -> Result<i64>;
        fn update_contract(&self, session: &Session, id: i64, version: i32, total: Cents) -> Result<()>;
        fn sign_contract(&self, session: &Session, id: i64, version: i32) -> Result<()>;
        fn record_payment(&self, session: &Session, contract_id: i64, amount: Cents, received_on: NaiveDate) -> Result<i64>;
        fn record_correction(&self, session: &Session, contract_id: i64, kind: PaymentKind, amount: Cents, reason: &str, received_on: NaiveDate) -> Result<i64>;
        fn set_contract_archived(&self, session: &Session, id: i64, version: i32, archived: bool) -> Result<()>;
        fn list_events(&self, f: &EventFilter, sort: EventSort, p: &ListParams) -> Result<Page<EventRow>>;
        fn get_event(&self, id: i64) -> Result<EventDetail>;
        fn create_event(&self, session: &Session, contract_id: i64, input: &EventInput) -> Result<i64>;
        fn update_event(&self, session: &Session, id: i64, version: i32, input: &EventInput) -> Result<()>;
        fn assign_support(&self, session: &Session, id: i64, version: i32, support: Option<i64>) -> Result<()>;
        fn set_event_archived(&self, session: &Session, id: i64, version: i32, archived: bool) -> Result<()>;
        fn list_collaborators(&self, f: &CollaboratorFilter, sort: CollaboratorSort, p: &ListParams) -> Result<Page<Collaborator>>;
        fn get_collaborator(&self, id: i64) -> Result<Collaborator>;
        fn active_staff(&self, role: Role) -> Result<Vec<Collaborator>>;
        fn create_collaborator(&self, session: &Session, input: &CollaboratorInput, initial_password: &str) -> Result<i64>;
        fn update_collaborator(&self, session: &Session, id: i64, version: i32, input: &CollaboratorInput) -> Result<()>;
        fn holdings(&self, id: i64) -> Result<Holdings>;
        fn set_collaborator_active(&self, session: &Session, id: i64, version: i32, active: bool, handover: Handover) -> Result<()>;
        fn unread_notifications(&self, session: &Session) -> Result<i64>;
        fn list_notifications(&self, session: &Session, unread_only: bool, p: &ListParams) -> Result<Page<Notification>>;
        fn mark_notification_read(&self, session: &Session, id: i64) -> Result<()>;
        fn mark_notification_unread(&self, session: &Session, id: i64) -> Result<()>;
        fn open_notification(&self, session: &Session, id: i64) -> Result<(String, i64)>;
        fn mark_all_notifications_read(&self, session: &Session) -> Result<()>;
        fn refresh_reminders(&self, session: &Session) -> Result<usize>;
        fn list_audit(&self, session: &Session, f: &AuditFilter, p: &ListParams) -> Result<Page<AuditRow>>;
        fn audit_target(&self, session: &Session, id: i64) -> Result<(String, i64)>;
    }

    fn list_clients_at(
        &self,
        f: &ClientFilter,
        sort: ClientSort,
        p: &ListParams,
        at: &At,
    ) -> Result<Page<ClientRow>> {
        Crm::list_clients(self, f, sort, p.at(at.clone()))
    }
    fn list_contracts_at(
        &self,
        f: &ContractFilter,
        sort: ContractSort,
        p: &ListParams,
        at: &At,
    ) -> Result<Page<ContractRow>> {
        Crm::list_contracts(self, f, sort, p.at(at.clone()))
    }
    fn list_events_at(
        &self,
        f: &EventFilter,
        sort: EventSort,
        p: &ListParams,
        at: &At,
    ) -> Result<Page<EventRow>> {
        Crm::list_events(self, f, sort, p.at(at.clone()))
    }
    fn list_collaborators_at(
        &self,
        f: &CollaboratorFilter,
        sort: CollaboratorSort,
        p: &ListParams,
        at: &At,
    ) -> Result<Page<Collaborator>> {
        Crm::list_collaborators(self, f, sort, p.at(at.clone()))
    }
    fn list_notifications_at(
        &self,
        session: &Session,
        unread_only: bool,
        p: &ListParams,
        at: &At,
    ) -> Result<Page<Notification>> {
        Crm::list_notifications(self, session, unread_only, p.at(at.clone()))
    }
    fn list_audit_at(
        &self,
        session: &Session,
        f: &AuditFilter,
        p: &ListParams,
        at: &At,
    ) -> Result<Page<AuditRow>> {
        Crm::list_audit(self, session, f, p.at(at.clone()))
    }

    fn import_events(
        &self,
        session: &Session,
        sheet: &[crate::import::SheetEvent],
        opts: crate::services::import::ImportOptions,
        progress: &mut dyn FnMut(usize),
    ) -> Result<crate::services::import::ImportReport> {
        Crm::import_events(self, session, sheet, opts, progress)
    }

    fn import_clients(
        &self,
        session: &Session,
        sheet: &[crate::import::SheetClient],
        opts: crate::services::import::ImportOptions,
        progress: &mut dyn FnMut(usize),
    ) -> Result<crate::services::import::ImportReport> {
        Crm::import_clients(self, session, sheet, opts, progress)
    }

    /// Nothing is kept for a session in process: the screen drops it.
    fn logout(&self, _session: &Session) -> Result<()> {
        Ok(())
    }
}
