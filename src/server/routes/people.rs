//! Collaborators, notifications, the audit trail and the OpenAPI document.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;

use super::{call, done, target, Answer};
use crate::api::wire::*;
use crate::db::models::{Collaborator, Notification};
use crate::server::auth::Authed;
use crate::server::AppState;
use crate::services::audit::AuditRow;
use crate::services::collaborators::Holdings;
use crate::services::query::*;

// ---- collaborators ----------------------------------------------------------

pub(super) async fn list_collaborators(
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

pub(super) async fn get_collaborator(
    State(st): State<AppState>,
    _a: Authed,
    Path(id): Path<i64>,
) -> Answer<Json<Collaborator>> {
    call(&st, move |crm| crm.get_collaborator(id))
        .await
        .map(Json)
}

pub(super) async fn active_staff(
    State(st): State<AppState>,
    _a: Authed,
    Query(q): Query<StaffQuery>,
) -> Answer<Json<Vec<Collaborator>>> {
    call(&st, move |crm| crm.active_staff(q.role))
        .await
        .map(Json)
}

pub(super) async fn create_collaborator(
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

pub(super) async fn update_collaborator(
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

pub(super) async fn holdings(
    State(st): State<AppState>,
    _a: Authed,
    Path(id): Path<i64>,
) -> Answer<Json<Holdings>> {
    call(&st, move |crm| crm.holdings(id)).await.map(Json)
}

pub(super) async fn deactivate(
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

pub(super) async fn activate(
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

pub(super) async fn reset_password(
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

pub(super) async fn list_notifications(
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

pub(super) async fn unread_notifications(
    State(st): State<AppState>,
    a: Authed,
) -> Answer<Json<Count>> {
    call(&st, move |crm| crm.unread_notifications(&a.session))
        .await
        .map(|count| Json(Count { count }))
}

pub(super) async fn read_notification(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Answer<StatusCode> {
    call(&st, move |crm| crm.mark_notification_read(&a.session, id))
        .await
        .map(done)
}

pub(super) async fn open_notification(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Answer<Json<Target>> {
    call(&st, move |crm| crm.open_notification(&a.session, id))
        .await
        .map(target)
}

pub(super) async fn read_all_notifications(
    State(st): State<AppState>,
    a: Authed,
) -> Answer<StatusCode> {
    call(&st, move |crm| crm.mark_all_notifications_read(&a.session))
        .await
        .map(done)
}

pub(super) async fn refresh_reminders(
    State(st): State<AppState>,
    a: Authed,
) -> Answer<Json<Count>> {
    call(&st, move |crm| crm.refresh_reminders(&a.session))
        .await
        .map(|n| Json(Count { count: n as i64 }))
}

pub(super) async fn list_audit(
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

pub(super) async fn audit_target(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Answer<Json<Target>> {
    call(&st, move |crm| crm.audit_target(&a.session, id))
        .await
        .map(target)
}

pub(super) async fn openapi(State(st): State<AppState>) -> Json<utoipa::openapi::OpenApi> {
    Json((*st.openapi).clone())
}
