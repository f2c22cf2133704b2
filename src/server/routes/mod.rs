//! The routes under `/v1`: each deserialises, calls one service, serialises.
//! Declared once in [`api`], which builds both the router and the OpenAPI
//! document, so the two cannot disagree.

mod people;
mod records;
mod sessions;

use axum::http::StatusCode;
use axum::routing::{delete, get, patch, post};
use axum::{Json, Router};
use utoipa::openapi::path::{OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::{HttpMethod, PathItem, PathsBuilder, ResponseBuilder};

use super::problem::ApiError;
use super::AppState;
use crate::api::wire::*;
use crate::error::{Error, Result};
use crate::Crm;
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
