//! The routes under `/v1`: each deserialises, calls one service, serialises.
//! Declared once in [`api`], which builds both the router and the OpenAPI
//! document, so the two cannot disagree.

mod changes;
pub mod doc;
mod imports;
mod people;
mod records;
mod sessions;

use axum::http::StatusCode;
use axum::routing::{delete, get, patch, post};
use axum::{Json, Router};
use utoipa::openapi::PathsBuilder;

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
use crate::Crm;
use changes::*;
use imports::*;
use people::*;
use records::*;
use sessions::*;

pub(crate) type Answer<T> = std::result::Result<T, ApiError>;

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
pub(super) async fn call<T: Send + 'static>(
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
pub(super) fn done(_: ()) -> StatusCode {
    StatusCode::NO_CONTENT
}

pub(super) fn target((entity, id): (String, i64)) -> Json<Target> {
    Json(Target { entity, id })
}

// ---- the table ------------------------------------------------------------------

/// `body[T]` and `STATUS[T]`: a JSON request body and success answer, or
/// nothing when the brackets are empty.
macro_rules! some_json {
    ($s:ident;) => {
        None
    };
    ($s:ident; $t:ty) => {
        Some(doc::json::<$t>(&mut $s))
    };
}

/// `query[Q]`: the query-string parameters of `Q`, or none.
macro_rules! some_query {
    () => {
        Vec::new()
    };
    ($t:ty) => {
        doc::query::<$t>()
    };
}

/// `method "path" => handler, "summary", auth|open, body[..], query[..],
/// status[..];` lines become routes and OpenAPI operations.
macro_rules! api {
    ($( $method:ident $path:literal => $handler:ident, $summary:literal,
        $auth:ident, body[$($body:tt)*], query[$($query:tt)*], $status:literal[$($out:tt)*]; )*) => {
        /// The `/v1` routes (without state), and their OpenAPI paths and
        /// components.
        pub fn api() -> (Router<AppState>, utoipa::openapi::Paths, utoipa::openapi::Components) {
            let mut router = Router::new();
            let mut paths = PathsBuilder::new();
            let mut schemas: doc::Schemas = Vec::new();
            $(
                router = router.route($path, $method($handler));
                paths = paths.path(
                    $path,
                    doc::operation(doc::Op {
                        method: stringify!($method),
                        path: $path,
                        name: stringify!($handler),
                        summary: $summary,
                        auth: stringify!($auth) == "auth",
                        status: $status,
                        body: some_json!(schemas; $($body)*),
                        answer: some_json!(schemas; $($out)*),
                        query: some_query!($($query)*),
                    }),
                );
            )*
            // Pages and plain arrays refer to their rows by name.
            doc::named::<ClientRow>(&mut schemas);
            doc::named::<ContractRow>(&mut schemas);
            doc::named::<EventRow>(&mut schemas);
            doc::named::<Collaborator>(&mut schemas);
            doc::named::<Notification>(&mut schemas);
            doc::named::<AuditRow>(&mut schemas);
            // Query strings refer to their sorts and windows by name.
            doc::named::<ClientSort>(&mut schemas);
            doc::named::<ContractSort>(&mut schemas);
            doc::named::<EventSort>(&mut schemas);
            doc::named::<CollaboratorSort>(&mut schemas);
            doc::named::<TimeWindow>(&mut schemas);
            doc::named::<crate::domain::Role>(&mut schemas);
            (router, paths.build(), doc::components(schemas))
        }
    };
}

api! {
    post "/v1/session" => login, "Log in: e-mail and password for an access and a refresh token",
        open, body[LoginBody], query[], 200[Tokens];
    post "/v1/session/refresh" => refresh, "Trade a refresh token for new tokens (it is spent)",
        open, body[RefreshBody], query[], 200[Tokens];
    delete "/v1/session" => logout, "Log out: end this session",
        auth, body[], query[], 204[];
    get "/v1/setup" => setup_state, "Whether the database still needs its first admin",
        open, body[], query[], 200[SetupState];
    post "/v1/setup" => first_admin, "Create the first admin (from the server's machine only)",
        open, body[NewAccount], query[], 200[Tokens];
    get "/v1/me" => me, "The caller as the database knows them now",
        auth, body[], query[], 200[Actor];
    post "/v1/allows" => allows, "May I? The policy's answer for the caller, to decide what to offer",
        auth, body[crate::policy::Action], query[], 200[Allowed];
    post "/v1/me/password" => own_password, "Change one's own password",
        auth, body[OwnPassword], query[], 204[];
    get "/v1/clients" => list_clients, "List clients (filters, sort, window)",
        auth, body[], query[ClientsQuery], 200[Page<ClientRow>];
    post "/v1/clients" => create_client, "Create a client",
        auth, body[ClientInput], query[], 201[Created];
    get "/v1/clients/{id}" => get_client, "A client with their contracts and events",
        auth, body[], query[], 200[ClientDetail];
    patch "/v1/clients/{id}" => update_client, "Edit a client (with the version edited)",
        auth, body[ClientPatch], query[], 204[];
    post "/v1/clients/{id}/reassign" => reassign_client, "Give a client another sales contact",
        auth, body[Reassign], query[], 204[];
    post "/v1/clients/{id}/archive" => archive_client, "Archive a client",
        auth, body[Version], query[], 204[];
    post "/v1/clients/{id}/restore" => restore_client, "Restore an archived client",
        auth, body[Version], query[], 204[];
    get "/v1/contracts" => list_contracts, "List contracts",
        auth, body[], query[ContractsQuery], 200[Page<ContractRow>];
    post "/v1/contracts" => create_contract, "Create a contract",
        auth, body[NewContract], query[], 201[Created];
    get "/v1/contracts/{id}" => get_contract, "A contract with its payments and events",
        auth, body[], query[], 200[ContractDetail];
    patch "/v1/contracts/{id}" => update_contract, "Change a contract's total",
        auth, body[ContractPatch], query[], 204[];
    post "/v1/contracts/{id}/sign" => sign_contract, "Sign a contract",
        auth, body[Version], query[], 204[];
    post "/v1/contracts/{id}/payments" => record_payment, "Record a payment",
        auth, body[NewPayment], query[], 201[Created];
    post "/v1/contracts/{id}/corrections" => record_correction,
        "Take money back off what was paid: a refund or a correction (management)",
        auth, body[NewCorrection], query[], 201[Created];
    post "/v1/contracts/{id}/archive" => archive_contract, "Archive a contract",
        auth, body[Version], query[], 204[];
    post "/v1/contracts/{id}/restore" => restore_contract, "Restore an archived contract",
        auth, body[Version], query[], 204[];
    get "/v1/events" => list_events, "List events",
        auth, body[], query[EventsQuery], 200[Page<EventRow>];
    post "/v1/events" => create_event, "Create an event on a signed contract",
        auth, body[NewEvent], query[], 201[Created];
    get "/v1/events/{id}" => get_event, "An event with its contract and client",
        auth, body[], query[], 200[EventDetail];
    patch "/v1/events/{id}" => update_event, "Edit an event",
        auth, body[EventPatch], query[], 204[];
    post "/v1/events/{id}/assign" => assign_support, "Assign (or unassign) an event's support",
        auth, body[Assign], query[], 204[];
    post "/v1/events/{id}/archive" => archive_event, "Archive an event",
        auth, body[Version], query[], 204[];
    post "/v1/events/{id}/restore" => restore_event, "Restore an archived event",
        auth, body[Version], query[], 204[];
    get "/v1/collaborators" => list_collaborators, "List collaborators",
        auth, body[], query[CollaboratorsQuery], 200[Page<Collaborator>];
    post "/v1/collaborators" => create_collaborator, "Create a collaborator",
        auth, body[NewCollaborator], query[], 201[Created];
    get "/v1/collaborators/{id}" => get_collaborator, "A collaborator",
        auth, body[], query[], 200[Collaborator];
    patch "/v1/collaborators/{id}" => update_collaborator, "Edit a collaborator",
        auth, body[CollaboratorPatch], query[], 204[];
    get "/v1/collaborators/{id}/holdings" => holdings, "What a collaborator holds",
        auth, body[], query[], 200[Holdings];
    post "/v1/collaborators/{id}/deactivate" => deactivate, "Deactivate, handing over",
        auth, body[Deactivate], query[], 204[];
    post "/v1/collaborators/{id}/activate" => activate, "Reactivate an account",
        auth, body[Version], query[], 204[];
    post "/v1/collaborators/{id}/password" => reset_password, "Reset someone's password",
        auth, body[ResetPassword], query[], 204[];
    get "/v1/staff" => active_staff, "Active collaborators of one role",
        auth, body[], query[StaffQuery], 200[Vec<Collaborator>];
    get "/v1/notifications" => list_notifications, "My notifications",
        auth, body[], query[NotificationsQuery], 200[Page<Notification>];
    get "/v1/notifications/unread" => unread_notifications, "How many are unread",
        auth, body[], query[], 200[Count];
    post "/v1/notifications/read" => read_all_notifications, "Mark all read",
        auth, body[], query[], 204[];
    post "/v1/notifications/reminders" => refresh_reminders, "Add reminders of my coming events",
        auth, body[], query[], 200[Count];
    post "/v1/notifications/{id}/read" => read_notification, "Mark one read",
        auth, body[], query[], 204[];
    post "/v1/notifications/{id}/open" => open_notification, "Open one: mark it read, say its record",
        auth, body[], query[], 200[Target];
    get "/v1/audit" => list_audit, "The audit trail",
        auth, body[], query[AuditQuery], 200[Page<AuditRow>];
    get "/v1/audit/{id}/target" => audit_target, "The record an audit entry is about",
        auth, body[], query[], 200[Target];
    post "/v1/import/events" => import_events, "Import a sheet's events (rows read on the workstation): a report per line",
        auth, body[EventsImport], query[], 200[crate::services::import::ImportReport];
    post "/v1/import/clients" => import_clients, "Import a sheet's clients (rows read on the workstation): a report per line",
        auth, body[ClientsImport], query[], 200[crate::services::import::ImportReport];
    get "/v1/changes" => changes, "Committed changes as Server-Sent Events (ready, change…, end)",
        auth, body[], query[], 200[crate::services::changes::Change];
    get "/v1/openapi.json" => openapi, "This document",
        open, body[], query[], 200[doc::Document];
}
