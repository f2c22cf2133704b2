//! Clients, contracts and events.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;

use super::{call, done, Answer};
use crate::api::wire::*;
use crate::domain::Cents;
use crate::server::auth::Authed;
use crate::server::AppState;
use crate::services::clients::{ClientDetail, ClientInput};
use crate::services::contracts::ContractDetail;
use crate::services::events::EventDetail;
use crate::services::query::*;

// ---- clients --------------------------------------------------------------

pub(super) async fn list_clients(
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

pub(super) async fn get_client(
    State(st): State<AppState>,
    _a: Authed,
    Path(id): Path<i64>,
) -> Answer<Json<ClientDetail>> {
    call(&st, move |crm| crm.get_client(id)).await.map(Json)
}

pub(super) async fn create_client(
    State(st): State<AppState>,
    a: Authed,
    Json(b): Json<ClientInput>,
) -> Answer<(StatusCode, Json<Created>)> {
    call(&st, move |crm| crm.create_client(&a.session, &b))
        .await
        .map(|id| (StatusCode::CREATED, Json(Created { id })))
}

pub(super) async fn update_client(
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

pub(super) async fn reassign_client(
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
        pub(super) async fn $archive(
            State(st): State<AppState>,
            a: Authed,
            Path(id): Path<i64>,
            Json(b): Json<Version>,
        ) -> Answer<StatusCode> {
            call(&st, move |crm| crm.$method(&a.session, id, b.version, true))
                .await
                .map(done)
        }

        pub(super) async fn $restore(
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

pub(super) async fn list_contracts(
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

pub(super) async fn get_contract(
    State(st): State<AppState>,
    _a: Authed,
    Path(id): Path<i64>,
) -> Answer<Json<ContractDetail>> {
    call(&st, move |crm| crm.get_contract(id)).await.map(Json)
}

pub(super) async fn create_contract(
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

pub(super) async fn update_contract(
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

pub(super) async fn sign_contract(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Json(b): Json<Version>,
) -> Answer<StatusCode> {
    call(&st, move |crm| crm.sign_contract(&a.session, id, b.version))
        .await
        .map(done)
}

pub(super) async fn record_payment(
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

pub(super) async fn record_correction(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Json(b): Json<NewCorrection>,
) -> Answer<(StatusCode, Json<Created>)> {
    call(&st, move |crm| {
        crm.record_correction(
            &a.session,
            id,
            b.kind.into(),
            Cents(b.amount_cents),
            &b.reason,
            b.received_on,
        )
    })
    .await
    .map(|id| (StatusCode::CREATED, Json(Created { id })))
}

// ---- events ---------------------------------------------------------------

pub(super) async fn list_events(
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

pub(super) async fn get_event(
    State(st): State<AppState>,
    _a: Authed,
    Path(id): Path<i64>,
) -> Answer<Json<EventDetail>> {
    call(&st, move |crm| crm.get_event(id)).await.map(Json)
}

pub(super) async fn create_event(
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

pub(super) async fn update_event(
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

pub(super) async fn assign_support(
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
