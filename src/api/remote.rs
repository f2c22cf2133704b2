//! [`CrmApi`] over HTTPS: a blocking client of `epicevents serve`, for the
//! worker thread of the terminal. It holds the tokens (in memory only), one set
//! per collaborator logged in through it; a call with a [`Session`] uses that
//! collaborator's tokens, a read without one uses those of whoever logged in
//! last. An expired access token is refreshed and the call made again without
//! the caller noticing; a session the server ended is [`Error::SessionEnded`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{Connector, TcpConnector};

use super::pin::{client_config, PinVerifier, PinnedTls, Trust};
use super::wire::{self, *};
use super::CrmApi;
use crate::db::models::{Collaborator, Notification};
use crate::domain::{Cents, Role};
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

/// Longest the client waits for one answer.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Largest answer read (a page of 5 000 rows fits many times over).
const MAX_ANSWER: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy)]
enum Method {
    Get,
    Post,
    Patch,
    Delete,
}

/// Whose tokens a request carries.
#[derive(Debug, Clone, Copy)]
enum Who {
    Nobody,
    /// Whoever logged in last.
    Current,
    Collaborator(i64),
}

#[derive(Default)]
struct Creds {
    by_id: HashMap<i64, Tokens>,
    current: Option<i64>,
}

pub struct RemoteCrm {
    base: String,
    agent: ureq::Agent,
    verifier: Arc<PinVerifier>,
    creds: Mutex<Creds>,
    /// One refresh at a time: two at once would spend the same refresh token
    /// twice, which the server takes for theft.
    refreshing: Mutex<()>,
}

impl std::fmt::Debug for RemoteCrm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteCrm")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl RemoteCrm {
    /// A client of the server at `url` (`https://host:port`), trusting only the
    /// pinned certificate. Nothing is sent until the first call.
    pub fn connect(url: &str, trust: &Trust) -> Result<RemoteCrm> {
        let base = url.trim().trim_end_matches('/').to_string();
        if !base.starts_with("https://") {
            return Err(Error::Config(format!(
                "the server address must start with https:// (got {base})"
            )));
        }
        let verifier = Arc::new(PinVerifier::new(trust)?);
        let tls = PinnedTls {
            config: client_config(verifier.clone())?,
        };
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(TIMEOUT))
            .build();
        let connector = ().chain(TcpConnector::default()).chain(tls);
        let agent = ureq::Agent::with_parts(config, connector, DefaultResolver::default());
        Ok(RemoteCrm {
            base,
            agent,
            verifier,
            creds: Mutex::default(),
            refreshing: Mutex::new(()),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn creds(&self) -> std::sync::MutexGuard<'_, Creds> {
        self.creds
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The collaborator reads are made as (whoever logged in last).
    pub fn current(&self) -> Option<i64> {
        self.creds().current
    }

    /// Makes reads go as `id`, who must have logged in through this client.
    pub fn set_current(&self, id: i64) {
        let mut c = self.creds();
        if c.by_id.contains_key(&id) {
            c.current = Some(id);
        }
    }

    /// One request as given, for tests of the server's edges (forged tokens,
    /// oversized bodies): the status and the body. `method` is GET, POST,
    /// PATCH or DELETE.
    #[doc(hidden)]
    pub fn raw(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        token: Option<&str>,
    ) -> Result<(u16, Vec<u8>)> {
        let m = match method {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PATCH" => Method::Patch,
            _ => Method::Delete,
        };
        self.exchange(m, path, &[], body, token)
    }

    /// The tokens held for a collaborator (tests).
    #[doc(hidden)]
    pub fn tokens_of(&self, id: i64) -> Option<Tokens> {
        self.creds().by_id.get(&id).cloned()
    }

    /// Checks that the server answers and is the pinned one.
    pub fn probe(&self) -> Result<()> {
        self.needs_first_admin().map(|_| ())
    }

    fn id_of(&self, who: Who) -> Option<i64> {
        match who {
            Who::Nobody => None,
            Who::Current => self.creds().current,
            Who::Collaborator(id) => Some(id),
        }
    }

    fn access(&self, who: Who) -> Result<Option<String>> {
        let Some(id) = self.id_of(who) else {
            return match who {
                Who::Nobody => Ok(None),
                _ => Err(Error::SessionEnded("not logged in".into())),
            };
        };
        match self.creds().by_id.get(&id) {
            Some(t) => Ok(Some(t.access_token.clone())),
            None => Err(Error::SessionEnded("not logged in".into())),
        }
    }

    fn keep(&self, tokens: Tokens) -> Session {
        let session = tokens.session.clone();
        let mut c = self.creds();
        c.current = Some(session.collaborator_id);
        c.by_id.insert(session.collaborator_id, tokens);
        session
    }

    fn forget(&self, id: i64) {
        let mut c = self.creds();
        c.by_id.remove(&id);
        if c.current == Some(id) {
            c.current = None;
        }
    }

    /// One HTTP exchange; the status and the body.
    fn exchange(
        &self,
        method: Method,
        path: &str,
        query: &[(&'static str, String)],
        body: Option<&Value>,
        token: Option<&str>,
    ) -> Result<(u16, Vec<u8>)> {
        let url = format!("{}{}", self.base, path);
        let auth = token.map(|t| format!("Bearer {t}"));
        macro_rules! prepare {
            ($b:expr) => {{
                let mut b = $b.header("Accept", "application/json");
                if let Some(a) = &auth {
                    b = b.header("Authorization", a.as_str());
                }
                for (k, v) in query {
                    b = b.query(*k, v.as_str());
                }
                b
            }};
        }
        let sent = match method {
            Method::Get => prepare!(self.agent.get(&url)).call(),
            Method::Delete => prepare!(self.agent.delete(&url)).call(),
            Method::Post => match body {
                Some(v) => prepare!(self.agent.post(&url)).send_json(v),
                None => prepare!(self.agent.post(&url)).send_empty(),
            },
            Method::Patch => match body {
                Some(v) => prepare!(self.agent.patch(&url)).send_json(v),
                None => prepare!(self.agent.patch(&url)).send_empty(),
            },
        };
        let mut resp = sent.map_err(|e| self.transport_error(e))?;
        let status = resp.status().as_u16();
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_vec()
            .map_err(|e| self.transport_error(e))?;
        Ok((status, bytes))
    }

    fn transport_error(&self, e: ureq::Error) -> Error {
        if let Some(seen) = self.verifier.refused() {
            return Error::UntrustedServer(format!(
                "REFUSED: the server at {} presented certificate {seen}, but {} is pinned. \
                 Someone may be intercepting the connection, or the server's certificate \
                 changed; nothing was sent. Check the fingerprint with the server's operator.",
                self.base,
                self.verifier.pinned()
            ));
        }
        Error::Connection(format!("cannot reach the server at {}: {e}", self.base))
    }

    /// A request as `who`, refreshing an expired access token once.
    fn request<T: DeserializeOwned>(
        &self,
        who: Who,
        method: Method,
        path: &str,
        query: &[(&'static str, String)],
        body: Option<Value>,
    ) -> Result<T> {
        let token = self.access(who)?;
        let (mut status, mut bytes) =
            self.exchange(method, path, query, body.as_ref(), token.as_deref())?;
        if status == 401 {
            if let (Some(old), Some(id)) = (&token, self.id_of(who)) {
                if problem(&bytes).is_some_and(|p| p.code == "token_expired") {
                    let fresh = self.refresh(id, old)?;
                    (status, bytes) =
                        self.exchange(method, path, query, body.as_ref(), Some(&fresh))?;
                }
            }
        }
        if (200..300).contains(&status) {
            let text: &[u8] = if bytes.is_empty() { b"null" } else { &bytes };
            return serde_json::from_slice(text).map_err(|e| {
                Error::Connection(format!("the server's answer could not be read: {e}"))
            });
        }
        let err = match problem(&bytes) {
            Some(p) => p.into_error(),
            None => Error::Connection(format!("the server answered {status}")),
        };
        if let (Error::SessionEnded(_), Some(id)) = (&err, self.id_of(who)) {
            self.forget(id);
        }
        Err(err)
    }

    /// New tokens for collaborator `id`, unless another call already got them
    /// since `stale` was read. Returns the access token to use.
    fn refresh(&self, id: i64, stale: &str) -> Result<String> {
        let _one = self
            .refreshing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let refresh_token = match self.creds().by_id.get(&id) {
            Some(t) if t.access_token != stale => return Ok(t.access_token.clone()),
            Some(t) => t.refresh_token.clone(),
            None => return Err(Error::SessionEnded("not logged in".into())),
        };
        let body = serde_json::to_value(RefreshBody { refresh_token }).ok();
        let (status, bytes) = self.exchange(
            Method::Post,
            "/v1/session/refresh",
            &[],
            body.as_ref(),
            None,
        )?;
        if status == 200 {
            let tokens: Tokens = serde_json::from_slice(&bytes).map_err(|e| {
                Error::Connection(format!("the server's answer could not be read: {e}"))
            })?;
            let access = tokens.access_token.clone();
            let mut c = self.creds();
            c.by_id.insert(id, tokens);
            return Ok(access);
        }
        self.forget(id);
        Err(match problem(&bytes) {
            Some(p) => match p.into_error() {
                e @ Error::SessionEnded(_) => e,
                other => Error::SessionEnded(other.to_string()),
            },
            None => Error::SessionEnded(format!("the server answered {status}")),
        })
    }

    fn get<T: DeserializeOwned>(
        &self,
        who: Who,
        path: &str,
        query: &[(&'static str, String)],
    ) -> Result<T> {
        self.request(who, Method::Get, path, query, None)
    }

    fn post<T: DeserializeOwned>(&self, who: Who, path: &str, body: impl Serialize) -> Result<T> {
        let v = serde_json::to_value(body)
            .map_err(|e| Error::Connection(format!("cannot encode the request: {e}")))?;
        self.request(who, Method::Post, path, &[], Some(v))
    }

    fn patch(&self, who: Who, path: &str, body: impl Serialize) -> Result<()> {
        let v = serde_json::to_value(body)
            .map_err(|e| Error::Connection(format!("cannot encode the request: {e}")))?;
        self.request(who, Method::Patch, path, &[], Some(v))
    }

    /// A POST with nothing to send.
    fn act<T: DeserializeOwned>(&self, who: Who, path: &str) -> Result<T> {
        self.request(who, Method::Post, path, &[], None)
    }
}

/// The problem document in an error answer.
fn problem(bytes: &[u8]) -> Option<Problem> {
    serde_json::from_slice(bytes).ok()
}

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
}
