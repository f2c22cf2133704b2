//! The routes under `/v1`: each deserialises, calls one service, serialises.
//! Declared once in [`api`], which builds both the router and the OpenAPI
//! document, so the two cannot disagree.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, patch, post};
use axum::{Extension, Json, Router};
use utoipa::openapi::path::{OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::{HttpMethod, PathItem, PathsBuilder, ResponseBuilder};

use super::access::Peer;
use super::auth::{self, Authed};
use super::problem::ApiError;
use super::AppState;
use crate::api::wire::*;
use crate::db::models::{Collaborator, Notification};
use crate::error::{Error, Result};
use crate::policy::Actor;
use crate::services::audit::AuditRow;
use crate::services::auth::NewAccount;
use crate::services::clients::{ClientDetail, ClientInput};
use crate::services::collaborators::Holdings;
use crate::services::contracts::ContractDetail;
use crate::services::events::EventDetail;
use crate::services::query::*;
use crate::{domain::Cents, Crm};

type Answer<T> = std::result::Result<T, ApiError>;

/// Runs blocking work (the services, bcrypt) off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Answer<T> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(ApiError::from),
        Err(e) => {
            tracing::error!("request task failed: {e}");
            Err(ApiError::of(Problem::new(
                500,
                "internal",
                "internal error",
                "the request failed",
            )))
        }
    }
}

/// One service call; a version conflict is answered with the record's current
/// version.
async fn call<T: Send + 'static>(
    st: &AppState,
    f: impl FnOnce(&Crm) -> Result<T> + Send + 'static,
) -> Answer<T> {
    let crm = st.crm.clone();
    let r = blocking(move || {
        Ok(match f(&crm) {
            Err(Error::Conflict { entity, id }) => {
                let current = current_version(&crm, entity, id);
                let mut p = Problem::from_error(&Error::Conflict { entity, id });
                p.current_version = current;
                Err(p)
            }
            other => Ok(other?),
        })
    })
    .await?;
    r.map_err(ApiError::of)
}

fn current_version(crm: &Crm, entity: &str, id: i64) -> Option<i32> {
    match entity {
        "client" => crm.get_client(id).ok().map(|d| d.client.version),
        "contract" => crm.get_contract(id).ok().map(|d| d.contract.version),
        "event" => crm.get_event(id).ok().map(|d| d.event.version),
        "collaborator" => crm.get_collaborator(id).ok().map(|c| c.version),
        _ => None,
    }
}

/// `204 No Content` for a call that returns nothing.
fn done(_: ()) -> StatusCode {
    StatusCode::NO_CONTENT
}

fn target((entity, id): (String, i64)) -> Json<Target> {
    Json(Target { entity, id })
}

// ---- sessions -------------------------------------------------------------

async fn login(
    State(st): State<AppState>,
    peer: Option<Extension<Peer>>,
    Json(b): Json<LoginBody>,
) -> Answer<Json<Tokens>> {
    let ip = peer.map(|Extension(Peer(ip))| ip);
    if let Some(secs) = ip.and_then(|ip| st.throttle.retry_after(ip)) {
        return Err(Error::Throttled {
            retry_after_secs: secs,
        }
        .into());
    }
    let st2 = st.clone();
    let r = blocking(move || {
        let session = st2.crm.login(&b.email, &b.password)?;
        auth::open_session(&st2, session)
    })
    .await;
    if let (Err(ApiError(p)), Some(ip)) = (&r, ip) {
        if p.code == "invalid_credentials" {
            st.throttle.failed(ip);
        }
    }
    r.map(Json)
}

async fn refresh(State(st): State<AppState>, Json(b): Json<RefreshBody>) -> Answer<Json<Tokens>> {
    blocking(move || auth::refresh(&st, &b.refresh_token))
        .await
        .map(Json)
}

async fn logout(State(st): State<AppState>, a: Authed) -> Answer<StatusCode> {
    let crm = st.crm.clone();
    blocking(move || {
        let now = crm.now();
        crm.db()
            .write(|c| crate::db::repo::sessions::revoke(c, a.sid, now, "logged out"))
    })
    .await
    .map(done)
}

async fn setup_state(State(st): State<AppState>) -> Answer<Json<SetupState>> {
    call(&st, |crm| crm.needs_first_admin())
        .await
        .map(|needs_first_admin| Json(SetupState { needs_first_admin }))
}

/// The first admin: only from the server's own machine, so that nobody on the
/// network can claim an empty database first.
async fn first_admin(
    State(st): State<AppState>,
    peer: Option<Extension<Peer>>,
    Json(acc): Json<NewAccount>,
) -> Answer<Json<Tokens>> {
    let local = peer.is_some_and(|Extension(Peer(ip))| ip.is_loopback());
    if !local {
        return Err(Error::Denied(crate::policy::Denied {
            reason: "the first admin is created on the server's own machine",
        })
        .into());
    }
    let st2 = st.clone();
    blocking(move || {
        let session = st2.crm.create_first_admin(&acc)?;
        auth::open_session(&st2, session)
    })
    .await
    .map(Json)
}

async fn me(State(st): State<AppState>, a: Authed) -> Answer<Json<Actor>> {
    call(&st, move |crm| crm.actor(&a.session)).await.map(Json)
}

async fn own_password(
    State(st): State<AppState>,
    a: Authed,
    Json(b): Json<OwnPassword>,
) -> Answer<StatusCode> {
    call(&st, move |crm| {
        crm.change_own_password(&a.session, &b.current_password, &b.new_password)
    })
    .await
    .map(done)
}

// ---- clients --------------------------------------------------------------

async fn list_clients(
    State(st): State<AppState>,
    _a: Authed,
    Query(q): Query<ClientsQuery>,
) -> Answer<Json<Page<ClientRow>>> {
    let f = ClientFilter {
        sales_contact: q.sales_contact,
    };
    call(&st, move |crm| crm.list_clients(&f, q.sort, &q.params()))
        .await
        .map(Json)
}

async fn get_client(
    State(st): State<AppState>,
    _a: Authed,
    Path(id): Path<i64>,
) -> Answer<Json<ClientDetail>> {
    call(&st, move |crm| crm.get_client(id)).await.map(Json)
}

async fn create_client(
    State(st): State<AppState>,
    a: Authed,
    Json(b): Json<ClientInput>,
) -> Answer<(StatusCode, Json<Created>)> {
    call(&st, move |crm| crm.create_client(&a.session, &b))
        .await
        .map(|id| (StatusCode::CREATED, Json(Created { id })))
}

async fn update_client(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Json(b): Json<ClientPatch>,
) -> Answer<StatusCode> {
    call(&st, move |crm| {
        crm.update_client(&a.session, id, b.version, &b.input)
    })
    .await
    .map(done)
}

async fn reassign_client(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Json(b): Json<Reassign>,
) -> Answer<StatusCode> {
    call(&st, move |crm| {
        crm.reassign_client(&a.session, id, b.version, b.sales_contact_id)
    })
    .await
    .map(done)
}

/// Archive and restore routes of one kind of record.
macro_rules! archiving {
    ($archive:ident, $restore:ident, $method:ident) => {
        async fn $archive(
            State(st): State<AppState>,
            a: Authed,
            Path(id): Path<i64>,
            Json(b): Json<Version>,
        ) -> Answer<StatusCode> {
            call(&st, move |crm| crm.$method(&a.session, id, b.version, true))
                .await
                .map(done)
        }

        async fn $restore(
            State(st): State<AppState>,
            a: Authed,
            Path(id): Path<i64>,
            Json(b): Json<Version>,
        ) -> Answer<StatusCode> {
            call(&st, move |crm| {
                crm.$method(&a.session, id, b.version, false)
            })
            .await
            .map(done)
        }
    };
}

archiving!(archive_client, restore_client, set_client_archived);
archiving!(archive_contract, restore_contract, set_contract_archived);
archiving!(archive_event, restore_event, set_event_archived);

// ---- contracts ------------------------------------------------------------

async fn list_contracts(
    State(st): State<AppState>,
    _a: Authed,
    Query(q): Query<ContractsQuery>,
) -> Answer<Json<Page<ContractRow>>> {
    let f = ContractFilter {
        unsigned: q.unsigned,
        balance_due: q.balance_due,
        sales_contact: q.sales_contact,
        client: q.client,
    };
    call(&st, move |crm| crm.list_contracts(&f, q.sort, &q.params()))
        .await
        .map(Json)
}

async fn get_contract(
    State(st): State<AppState>,
    _a: Authed,
    Path(id): Path<i64>,
) -> Answer<Json<ContractDetail>> {
    call(&st, move |crm| crm.get_contract(id)).await.map(Json)
}

async fn create_contract(
    State(st): State<AppState>,
    a: Authed,
    Json(b): Json<NewContract>,
) -> Answer<(StatusCode, Json<Created>)> {
    call(&st, move |crm| {
        crm.create_contract(&a.session, b.client_id, Cents(b.total_cents))
    })
    .await
    .map(|id| (StatusCode::CREATED, Json(Created { id })))
}

async fn update_contract(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Json(b): Json<ContractPatch>,
) -> Answer<StatusCode> {
    call(&st, move |crm| {
        crm.update_contract(&a.session, id, b.version, Cents(b.total_cents))
    })
    .await
    .map(done)
}

async fn sign_contract(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Json(b): Json<Version>,
) -> Answer<StatusCode> {
    call(&st, move |crm| crm.sign_contract(&a.session, id, b.version))
        .await
        .map(done)
}

async fn record_payment(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Json(b): Json<NewPayment>,
) -> Answer<(StatusCode, Json<Created>)> {
    call(&st, move |crm| {
        crm.record_payment(&a.session, id, Cents(b.amount_cents), b.received_on)
    })
    .await
    .map(|id| (StatusCode::CREATED, Json(Created { id })))
}

// ---- events ---------------------------------------------------------------

async fn list_events(
    State(st): State<AppState>,
    _a: Authed,
    Query(q): Query<EventsQuery>,
) -> Answer<Json<Page<EventRow>>> {
    let f = EventFilter {
        without_support: q.without_support,
        support: q.support,
        window: q.window,
        now: q.now,
        contract: q.contract,
        client: q.client,
    };
    call(&st, move |crm| crm.list_events(&f, q.sort, &q.params()))
        .await
        .map(Json)
}

async fn get_event(
    State(st): State<AppState>,
    _a: Authed,
    Path(id): Path<i64>,
) -> Answer<Json<EventDetail>> {
    call(&st, move |crm| crm.get_event(id)).await.map(Json)
}

async fn create_event(
    State(st): State<AppState>,
    a: Authed,
    Json(b): Json<NewEvent>,
) -> Answer<(StatusCode, Json<Created>)> {
    call(&st, move |crm| {
        crm.create_event(&a.session, b.contract_id, &b.input)
    })
    .await
    .map(|id| (StatusCode::CREATED, Json(Created { id })))
}

async fn update_event(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Json(b): Json<EventPatch>,
) -> Answer<StatusCode> {
    call(&st, move |crm| {
        crm.update_event(&a.session, id, b.version, &b.input)
    })
    .await
    .map(done)
}

async fn assign_support(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Json(b): Json<Assign>,
) -> Answer<StatusCode> {
    call(&st, move |crm| {
        crm.assign_support(&a.session, id, b.version, b.support_id)
    })
    .await
    .map(done)
}

// ---- collaborators ----------------------------------------------------------

async fn list_collaborators(
    State(st): State<AppState>,
    _a: Authed,
    Query(q): Query<CollaboratorsQuery>,
) -> Answer<Json<Page<Collaborator>>> {
    let f = CollaboratorFilter {
        role: q.role,
        active_only: q.active_only,
    };
    call(&st, move |crm| {
        crm.list_collaborators(&f, q.sort, &q.params())
    })
    .await
    .map(Json)
}

async fn get_collaborator(
    State(st): State<AppState>,
    _a: Authed,
    Path(id): Path<i64>,
) -> Answer<Json<Collaborator>> {
    call(&st, move |crm| crm.get_collaborator(id))
        .await
        .map(Json)
}

async fn active_staff(
    State(st): State<AppState>,
    _a: Authed,
    Query(q): Query<StaffQuery>,
) -> Answer<Json<Vec<Collaborator>>> {
    call(&st, move |crm| crm.active_staff(q.role))
        .await
        .map(Json)
}

async fn create_collaborator(
    State(st): State<AppState>,
    a: Authed,
    Json(b): Json<NewCollaborator>,
) -> Answer<(StatusCode, Json<Created>)> {
    call(&st, move |crm| {
        crm.create_collaborator(&a.session, &b.input, &b.initial_password)
    })
    .await
    .map(|id| (StatusCode::CREATED, Json(Created { id })))
}

async fn update_collaborator(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Json(b): Json<CollaboratorPatch>,
) -> Answer<StatusCode> {
    call(&st, move |crm| {
        crm.update_collaborator(&a.session, id, b.version, &b.input)
    })
    .await
    .map(done)
}

async fn holdings(
    State(st): State<AppState>,
    _a: Authed,
    Path(id): Path<i64>,
) -> Answer<Json<Holdings>> {
    call(&st, move |crm| crm.holdings(id)).await.map(Json)
}

async fn deactivate(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Json(b): Json<Deactivate>,
) -> Answer<StatusCode> {
    call(&st, move |crm| {
        crm.set_collaborator_active(&a.session, id, b.version, false, b.handover)
    })
    .await
    .map(done)
}

async fn activate(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Json(b): Json<Version>,
) -> Answer<StatusCode> {
    call(&st, move |crm| {
        crm.set_collaborator_active(&a.session, id, b.version, true, Default::default())
    })
    .await
    .map(done)
}

async fn reset_password(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Json(b): Json<ResetPassword>,
) -> Answer<StatusCode> {
    call(&st, move |crm| {
        crm.reset_password(&a.session, id, &b.password)
    })
    .await
    .map(done)
}

// ---- notifications and audit ---------------------------------------------------

async fn list_notifications(
    State(st): State<AppState>,
    a: Authed,
    Query(q): Query<NotificationsQuery>,
) -> Answer<Json<Page<Notification>>> {
    call(&st, move |crm| {
        crm.list_notifications(&a.session, q.unread_only, &q.params())
    })
    .await
    .map(Json)
}

async fn unread_notifications(State(st): State<AppState>, a: Authed) -> Answer<Json<Count>> {
    call(&st, move |crm| crm.unread_notifications(&a.session))
        .await
        .map(|count| Json(Count { count }))
}

async fn read_notification(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Answer<StatusCode> {
    call(&st, move |crm| crm.mark_notification_read(&a.session, id))
        .await
        .map(done)
}

async fn open_notification(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Answer<Json<Target>> {
    call(&st, move |crm| crm.open_notification(&a.session, id))
        .await
        .map(target)
}

async fn read_all_notifications(State(st): State<AppState>, a: Authed) -> Answer<StatusCode> {
    call(&st, move |crm| crm.mark_all_notifications_read(&a.session))
        .await
        .map(done)
}

async fn refresh_reminders(State(st): State<AppState>, a: Authed) -> Answer<Json<Count>> {
    call(&st, move |crm| crm.refresh_reminders(&a.session))
        .await
        .map(|n| Json(Count { count: n as i64 }))
}

async fn list_audit(
    State(st): State<AppState>,
    a: Authed,
    Query(q): Query<AuditQuery>,
) -> Answer<Json<Page<AuditRow>>> {
    let f = AuditFilter {
        record: q.record_entity.clone().zip(q.record_id),
        actor: q.actor,
    };
    call(&st, move |crm| crm.list_audit(&a.session, &f, &q.params()))
        .await
        .map(Json)
}

async fn audit_target(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Answer<Json<Target>> {
    call(&st, move |crm| crm.audit_target(&a.session, id))
        .await
        .map(target)
}

async fn openapi(State(st): State<AppState>) -> Json<utoipa::openapi::OpenApi> {
    Json((*st.openapi).clone())
}

// ---- the table ------------------------------------------------------------------

fn operation(method: &str, path: &str, name: &str, summary: &str) -> PathItem {
    let mut op = OperationBuilder::new()
        .operation_id(Some(name))
        .summary(Some(summary))
        .response(
            "2XX",
            ResponseBuilder::new().description("success (204 when there is nothing to return)"),
        )
        .response(
            "default",
            ResponseBuilder::new()
                .description("an application/problem+json document with a stable `code`"),
        );
    for seg in path.split('/') {
        if let Some(p) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            op = op.parameter(
                ParameterBuilder::new()
                    .name(p)
                    .parameter_in(ParameterIn::Path)
                    .required(utoipa::openapi::Required::True),
            );
        }
    }
    let m = match method {
        "get" => HttpMethod::Get,
        "post" => HttpMethod::Post,
        "patch" => HttpMethod::Patch,
        _ => HttpMethod::Delete,
    };
    PathItem::new(m, op)
}

/// `method "path" => handler, "summary";` lines become routes and OpenAPI
/// operations.
macro_rules! api {
    ($( $method:ident $path:literal => $handler:ident, $summary:literal; )*) => {
        /// The `/v1` routes (without state) and their OpenAPI paths.
        pub fn api() -> (Router<AppState>, utoipa::openapi::Paths) {
            let mut router = Router::new();
            let mut paths = PathsBuilder::new();
            $(
                router = router.route($path, $method($handler));
                paths = paths.path(
                    $path,
                    operation(stringify!($method), $path, stringify!($handler), $summary),
                );
            )*
            (router, paths.build())
        }
    };
}

api! {
    post "/v1/session" => login, "Log in: e-mail and password for an access and a refresh token";
    post "/v1/session/refresh" => refresh, "Trade a refresh token for new tokens (it is spent)";
    delete "/v1/session" => logout, "Log out: end this session";
    get "/v1/setup" => setup_state, "Whether the database still needs its first admin";
    post "/v1/setup" => first_admin, "Create the first admin (from the server's machine only)";
    get "/v1/me" => me, "The caller as the database knows them now";
    post "/v1/me/password" => own_password, "Change one's own password";
    get "/v1/clients" => list_clients, "List clients (filters, sort, window)";
    post "/v1/clients" => create_client, "Create a client";
    get "/v1/clients/{id}" => get_client, "A client with their contracts and events";
    patch "/v1/clients/{id}" => update_client, "Edit a client (with the version edited)";
    post "/v1/clients/{id}/reassign" => reassign_client, "Give a client another sales contact";
    post "/v1/clients/{id}/archive" => archive_client, "Archive a client";
    post "/v1/clients/{id}/restore" => restore_client, "Restore an archived client";
    get "/v1/contracts" => list_contracts, "List contracts";
    post "/v1/contracts" => create_contract, "Create a contract";
    get "/v1/contracts/{id}" => get_contract, "A contract with its payments and events";
    patch "/v1/contracts/{id}" => update_contract, "Change a contract's total";
    post "/v1/contracts/{id}/sign" => sign_contract, "Sign a contract";
    post "/v1/contracts/{id}/payments" => record_payment, "Record a payment";
    post "/v1/contracts/{id}/archive" => archive_contract, "Archive a contract";
    post "/v1/contracts/{id}/restore" => restore_contract, "Restore an archived contract";
    get "/v1/events" => list_events, "List events";
    post "/v1/events" => create_event, "Create an event on a signed contract";
    get "/v1/events/{id}" => get_event, "An event with its contract and client";
    patch "/v1/events/{id}" => update_event, "Edit an event";
    post "/v1/events/{id}/assign" => assign_support, "Assign (or unassign) an event's support";
    post "/v1/events/{id}/archive" => archive_event, "Archive an event";
    post "/v1/events/{id}/restore" => restore_event, "Restore an archived event";
    get "/v1/collaborators" => list_collaborators, "List collaborators";
    post "/v1/collaborators" => create_collaborator, "Create a collaborator";
    get "/v1/collaborators/{id}" => get_collaborator, "A collaborator";
    patch "/v1/collaborators/{id}" => update_collaborator, "Edit a collaborator";
    get "/v1/collaborators/{id}/holdings" => holdings, "What a collaborator holds";
    post "/v1/collaborators/{id}/deactivate" => deactivate, "Deactivate, handing over";
    post "/v1/collaborators/{id}/activate" => activate, "Reactivate an account";
    post "/v1/collaborators/{id}/password" => reset_password, "Reset someone's password";
    get "/v1/staff" => active_staff, "Active collaborators of one role";
    get "/v1/notifications" => list_notifications, "My notifications";
    get "/v1/notifications/unread" => unread_notifications, "How many are unread";
    post "/v1/notifications/read" => read_all_notifications, "Mark all read";
    post "/v1/notifications/reminders" => refresh_reminders, "Add reminders of my coming events";
    post "/v1/notifications/{id}/read" => read_notification, "Mark one read";
    post "/v1/notifications/{id}/open" => open_notification, "Open one: mark it read, say its record";
    get "/v1/audit" => list_audit, "The audit trail";
    get "/v1/audit/{id}/target" => audit_target, "The record an audit entry is about";
    get "/v1/openapi.json" => openapi, "This document";
}
