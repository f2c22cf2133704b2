//! Each [`CrmApi`] operation as one request to its route.

use chrono::{NaiveDate, NaiveDateTime};

use super::{Method, RemoteCrm, Who};
use crate::api::wire::{self, *};
use crate::api::CrmApi;
use crate::db::models::{Collaborator, Notification};
use crate::domain::{Cents, PaymentKind, Role};
use crate::error::{Error, Result};
use crate::policy::Actor;
use crate::services::audit::AuditRow;
use crate::services::auth::NewAccount;
use crate::services::clients::{ClientDetail, ClientInput};
use crate::services::collaborators::{CollaboratorInput, Handover, Holdings};
use crate::services::contracts::ContractDetail;
use crate::services::events::{EventDetail, EventInput};
use crate::services::query::*;
use crate::session::Session;

fn as_(s: &Session) -> Who {
    Who::Collaborator(s.collaborator_id)
}

fn created(c: Created) -> i64 {
    c.id
}

/// Adds `(key, value)` when the value is set.
fn opt<T: ToString>(q: &mut Vec<(&'static str, String)>, k: &'static str, v: Option<T>) {
    if let Some(v) = v {
        q.push((k, v.to_string()));
    }
}

fn flag(q: &mut Vec<(&'static str, String)>, k: &'static str, on: bool) {
    if on {
        q.push((k, "true".into()));
    }
}

impl CrmApi for RemoteCrm {
    fn live(
        self: std::sync::Arc<Self>,
        session: &Session,
    ) -> Option<Result<crate::api::changes::Subscription>> {
        Some(crate::api::changes::ChangeFeed::subscribe(&self, session))
    }

    fn now(&self) -> NaiveDateTime {
        chrono::Utc::now().naive_utc()
    }

    fn needs_first_admin(&self) -> Result<bool> {
        let s: SetupState = self.get(Who::Nobody, "/v1/setup", &[])?;
        Ok(s.needs_first_admin)
    }

    fn create_first_admin(&self, acc: &NewAccount) -> Result<Session> {
        let t: Tokens = self.post(Who::Nobody, "/v1/setup", acc)?;
        Ok(self.keep(t))
    }

    fn login(&self, email: &str, password: &str) -> Result<Session> {
        let body = LoginBody {
            email: email.into(),
            password: password.into(),
        };
        let t: Tokens = self.post(Who::Nobody, "/v1/session", body)?;
        Ok(self.keep(t))
    }

    fn logout(&self, session: &Session) -> Result<()> {
        let r = self.request(as_(session), Method::Delete, "/v1/session", &[], None);
        self.forget(session.collaborator_id);
        match r {
            Err(Error::SessionEnded(_)) => Ok(()),
            other => other,
        }
    }

    fn actor(&self, session: &Session) -> Result<Actor> {
        self.get(as_(session), "/v1/me", &[])
    }

    /// The server ends every session of whoever changes their password; the
    /// client logs in again with the new one, so the user stays in.
    fn change_own_password(&self, session: &Session, current: &str, new: &str) -> Result<()> {
        let body = OwnPassword {
            current_password: current.into(),
            new_password: new.into(),
        };
        self.post::<()>(as_(session), "/v1/me/password", body)?;
        self.login(&session.email, new).map(|_| ())
    }

    fn reset_password(&self, session: &Session, target_id: i64, new: &str) -> Result<()> {
        let body = ResetPassword {
            password: new.into(),
        };
        self.post(
            as_(session),
            &format!("/v1/collaborators/{target_id}/password"),
            body,
        )
    }

    fn list_clients(
        &self,
        f: &ClientFilter,
        sort: ClientSort,
        p: &ListParams,
    ) -> Result<Page<ClientRow>> {
        let mut q = params_query(p);
        q.push(("sort", name_of(&sort)));
        opt(&mut q, "sales_contact", f.sales_contact);
        self.get(Who::Current, "/v1/clients", &q)
    }

    fn get_client(&self, id: i64) -> Result<ClientDetail> {
        self.get(Who::Current, &format!("/v1/clients/{id}"), &[])
    }

    fn create_client(&self, session: &Session, input: &ClientInput) -> Result<i64> {
        self.post(as_(session), "/v1/clients", input).map(created)
    }

    fn update_client(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        input: &ClientInput,
    ) -> Result<()> {
        let body = ClientPatch {
            version,
            input: input.clone(),
        };
        self.patch(as_(session), &format!("/v1/clients/{id}"), body)
    }

    fn reassign_client(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        new_owner: i64,
    ) -> Result<()> {
        let body = Reassign {
            version,
            sales_contact_id: new_owner,
        };
        self.post(as_(session), &format!("/v1/clients/{id}/reassign"), body)
    }

    fn set_client_archived(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        archived: bool,
    ) -> Result<()> {
        let verb = if archived { "archive" } else { "restore" };
        self.post(
            as_(session),
            &format!("/v1/clients/{id}/{verb}"),
            wire::Version { version },
        )
    }

    fn list_contracts(
        &self,
        f: &ContractFilter,
        sort: ContractSort,
        p: &ListParams,
    ) -> Result<Page<ContractRow>> {
        let mut q = params_query(p);
        q.push(("sort", name_of(&sort)));
        flag(&mut q, "unsigned", f.unsigned);
        flag(&mut q, "balance_due", f.balance_due);
        opt(&mut q, "sales_contact", f.sales_contact);
        opt(&mut q, "client", f.client);
        self.get(Who::Current, "/v1/contracts", &q)
    }

    fn get_contract(&self, id: i64) -> Result<ContractDetail> {
        self.get(Who::Current, &format!("/v1/contracts/{id}"), &[])
    }

    fn create_contract(&self, session: &Session, client_id: i64, total: Cents) -> Result<i64> {
        let body = NewContract {
            client_id,
            total_cents: total.0,
        };
        self.post(as_(session), "/v1/contracts", body).map(created)
    }

    fn update_contract(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        total: Cents,
    ) -> Result<()> {
        let body = ContractPatch {
            version,
            total_cents: total.0,
        };
        self.patch(as_(session), &format!("/v1/contracts/{id}"), body)
    }

    fn sign_contract(&self, session: &Session, id: i64, version: i32) -> Result<()> {
        self.post(
            as_(session),
            &format!("/v1/contracts/{id}/sign"),
            wire::Version { version },
        )
    }

    fn record_payment(
        &self,
        session: &Session,
        contract_id: i64,
        amount: Cents,
        received_on: NaiveDate,
    ) -> Result<i64> {
        let body = NewPayment {
            amount_cents: amount.0,
            received_on,
        };
        self.post(
            as_(session),
            &format!("/v1/contracts/{contract_id}/payments"),
            body,
        )
        .map(created)
    }

    fn record_correction(
        &self,
        session: &Session,
        contract_id: i64,
        kind: PaymentKind,
        amount: Cents,
        reason: &str,
        received_on: NaiveDate,
    ) -> Result<i64> {
        let body = NewCorrection {
            kind: kind.try_into()?,
            amount_cents: amount.0,
            reason: reason.to_string(),
            received_on,
        };
        self.post(
            as_(session),
            &format!("/v1/contracts/{contract_id}/corrections"),
            body,
        )
        .map(created)
    }

    fn set_contract_archived(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        archived: bool,
    ) -> Result<()> {
        let verb = if archived { "archive" } else { "restore" };
        self.post(
            as_(session),
            &format!("/v1/contracts/{id}/{verb}"),
            wire::Version { version },
        )
    }

    fn list_events(
        &self,
        f: &EventFilter,
        sort: EventSort,
        p: &ListParams,
    ) -> Result<Page<EventRow>> {
        let mut q = params_query(p);
        q.push(("sort", name_of(&sort)));
        q.push(("window", name_of(&f.window)));
        flag(&mut q, "without_support", f.without_support);
        opt(&mut q, "support", f.support);
        opt(
            &mut q,
            "now",
            f.now.map(|t| t.format("%Y-%m-%dT%H:%M:%S%.f").to_string()),
        );
        opt(&mut q, "contract", f.contract);
        opt(&mut q, "client", f.client);
        self.get(Who::Current, "/v1/events", &q)
    }

    fn get_event(&self, id: i64) -> Result<EventDetail> {
        self.get(Who::Current, &format!("/v1/events/{id}"), &[])
    }

    fn create_event(&self, session: &Session, contract_id: i64, input: &EventInput) -> Result<i64> {
        let body = NewEvent {
            contract_id,
            input: input.clone(),
        };
        self.post(as_(session), "/v1/events", body).map(created)
    }

    fn update_event(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        input: &EventInput,
    ) -> Result<()> {
        let body = EventPatch {
            version,
            input: input.clone(),
        };
        self.patch(as_(session), &format!("/v1/events/{id}"), body)
    }

    fn assign_support(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        support: Option<i64>,
    ) -> Result<()> {
        let body = Assign {
            version,
            support_id: support,
        };
        self.post(as_(session), &format!("/v1/events/{id}/assign"), body)
    }

    fn set_event_archived(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        archived: bool,
    ) -> Result<()> {
        let verb = if archived { "archive" } else { "restore" };
        self.post(
            as_(session),
            &format!("/v1/events/{id}/{verb}"),
            wire::Version { version },
        )
    }

    fn list_collaborators(
        &self,
        f: &CollaboratorFilter,
        sort: CollaboratorSort,
        p: &ListParams,
    ) -> Result<Page<Collaborator>> {
        let mut q = params_query(p);
        q.push(("sort", name_of(&sort)));
        opt(&mut q, "role", f.role.map(|r| r.as_str()));
        flag(&mut q, "active_only", f.active_only);
        self.get(Who::Current, "/v1/collaborators", &q)
    }

    fn get_collaborator(&self, id: i64) -> Result<Collaborator> {
        self.get(Who::Current, &format!("/v1/collaborators/{id}"), &[])
    }

    fn active_staff(&self, role: Role) -> Result<Vec<Collaborator>> {
        self.get(Who::Current, "/v1/staff", &[("role", role.as_str().into())])
    }

    fn create_collaborator(
        &self,
        session: &Session,
        input: &CollaboratorInput,
        initial_password: &str,
    ) -> Result<i64> {
        let body = NewCollaborator {
            input: input.clone(),
            initial_password: initial_password.into(),
        };
        self.post(as_(session), "/v1/collaborators", body)
            .map(created)
    }

    fn update_collaborator(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        input: &CollaboratorInput,
    ) -> Result<()> {
        let body = CollaboratorPatch {
            version,
            input: input.clone(),
        };
        self.patch(as_(session), &format!("/v1/collaborators/{id}"), body)
    }

    fn holdings(&self, id: i64) -> Result<Holdings> {
        self.get(
            Who::Current,
            &format!("/v1/collaborators/{id}/holdings"),
            &[],
        )
    }

    fn set_collaborator_active(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        active: bool,
        handover: Handover,
    ) -> Result<()> {
        if active {
            self.post(
                as_(session),
                &format!("/v1/collaborators/{id}/activate"),
                wire::Version { version },
            )
        } else {
            self.post(
                as_(session),
                &format!("/v1/collaborators/{id}/deactivate"),
                Deactivate { version, handover },
            )
        }
    }

    fn allows(&self, session: &Session, action: &crate::policy::Action) -> bool {
        self.post::<Allowed>(as_(session), "/v1/allows", action)
            .is_ok_and(|a| a.allowed)
    }

    fn unread_notifications(&self, session: &Session) -> Result<i64> {
        let c: Count = self.get(as_(session), "/v1/notifications/unread", &[])?;
        Ok(c.count)
    }

    fn list_notifications(
        &self,
        session: &Session,
        unread_only: bool,
        p: &ListParams,
    ) -> Result<Page<Notification>> {
        let mut q = params_query(p);
        flag(&mut q, "unread_only", unread_only);
        self.get(as_(session), "/v1/notifications", &q)
    }

    fn mark_notification_read(&self, session: &Session, id: i64) -> Result<()> {
        self.act(as_(session), &format!("/v1/notifications/{id}/read"))
    }

    fn open_notification(&self, session: &Session, id: i64) -> Result<(String, i64)> {
        let t: Target = self.act(as_(session), &format!("/v1/notifications/{id}/open"))?;
        Ok((t.entity, t.id))
    }

    fn mark_all_notifications_read(&self, session: &Session) -> Result<()> {
        self.act(as_(session), "/v1/notifications/read")
    }

    fn refresh_reminders(&self, session: &Session) -> Result<usize> {
        let c: Count = self.act(as_(session), "/v1/notifications/reminders")?;
        Ok(usize::try_from(c.count).unwrap_or(0))
    }

    fn list_audit(
        &self,
        session: &Session,
        f: &AuditFilter,
        p: &ListParams,
    ) -> Result<Page<AuditRow>> {
        let mut q = params_query(p);
        if let Some((entity, id)) = &f.record {
            q.push(("record_entity", entity.clone()));
            q.push(("record_id", id.to_string()));
        }
        opt(&mut q, "actor", f.actor);
        self.get(as_(session), "/v1/audit", &q)
    }

    fn audit_target(&self, session: &Session, id: i64) -> Result<(String, i64)> {
        let t: Target = self.get(as_(session), &format!("/v1/audit/{id}/target"), &[])?;
        Ok((t.entity, t.id))
    }

    fn import_events(
        &self,
        session: &Session,
        sheet: &[crate::import::SheetEvent],
        opts: crate::services::import::ImportOptions,
        progress: &mut dyn FnMut(usize),
    ) -> Result<crate::services::import::ImportReport> {
        super::imports::events(self, session, "/v1/import/events", sheet, opts, progress)
    }

    fn import_clients(
        &self,
        session: &Session,
        sheet: &[crate::import::SheetClient],
        opts: crate::services::import::ImportOptions,
        progress: &mut dyn FnMut(usize),
    ) -> Result<crate::services::import::ImportReport> {
        super::imports::clients(self, session, "/v1/import/clients", sheet, opts, progress)
    }
}
