//! Imports: the rows of a sheet, read on the workstation (the file never
//! leaves it), written by the same services as in process — one transaction,
//! all or nothing unless `partial`, nothing at all on a `dry_run` — and
//! answered with the report of every line. Admin and management only: the
//! service asks the policy, so anyone else gets 403.
//!
//! A sheet is far larger than a form: these bodies may reach
//! [`IMPORT_BODY_LIMIT`] instead of the 64 KiB of every other route (see
//! [`crate::server::problem::body_limit`]), hence their own extractor.

use axum::extract::{FromRequest, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{call, Answer};
use crate::domain::time::to_local;
use crate::import::{SheetClient, SheetEvent};
use crate::server::auth::Authed;
use crate::server::{AppState, IMPORT_BODY_LIMIT};
use crate::services::import::{ImportOptions, ImportReport};

/// `POST /v1/import/events`: the events of a sheet. Their times travel in UTC
/// like every time on the wire (the workstation converts the sheet's wall-clock
/// times in its own time zone, as it would in process).
#[derive(Debug, Deserialize, ToSchema)]
pub struct EventsImport {
    /// The sheet's events, in order, each with its line.
    pub rows: Vec<SheetEvent>,
    /// Check everything, write nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Write the good rows even when others are refused.
    #[serde(default)]
    pub partial: bool,
}

/// `POST /v1/import/clients`: the clients of a sheet.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ClientsImport {
    /// The sheet's clients, in order, each with its line.
    pub rows: Vec<SheetClient>,
    /// Check everything, write nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Write the good rows even when others are refused.
    #[serde(default)]
    pub partial: bool,
}

/// A JSON body of up to [`IMPORT_BODY_LIMIT`]. axum's `Json` stops at the
/// 64 KiB every other route keeps; the refusals are the same (415 without a
/// JSON content type, 400 for broken JSON, 422 for the wrong fields), turned
/// into problem documents on their way out.
pub(super) struct Sheet<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Sheet<T> {
    type Rejection = Response;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Response> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .is_some_and(|m| {
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            });
        if !json {
            return Err(StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response());
        }
        let bytes = axum::body::to_bytes(req.into_body(), IMPORT_BODY_LIMIT)
            .await
            .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE.into_response())?;
        Json::<T>::from_bytes(&bytes)
            .map(|Json(v)| Sheet(v))
            .map_err(IntoResponse::into_response)
    }
}

pub(super) async fn import_events(
    State(st): State<AppState>,
    a: Authed,
    Sheet(b): Sheet<EventsImport>,
) -> Answer<Json<ImportReport>> {
    let opts = ImportOptions {
        dry_run: b.dry_run,
        partial: b.partial,
    };
    // The service reads a sheet's times as wall-clock times where it runs:
    // here, the server's time zone.
    let rows: Vec<SheetEvent> = b
        .rows
        .into_iter()
        .map(|mut r| {
            r.starts_at = r.starts_at.map(to_local);
            r.ends_at = r.ends_at.map(to_local);
            r
        })
        .collect();
    call(&st, move |crm| {
        crm.import_events(&a.session, &rows, opts, &mut |_| {})
    })
    .await
    .map(Json)
}

pub(super) async fn import_clients(
    State(st): State<AppState>,
    a: Authed,
    Sheet(b): Sheet<ClientsImport>,
) -> Answer<Json<ImportReport>> {
    let opts = ImportOptions {
        dry_run: b.dry_run,
        partial: b.partial,
    };
    call(&st, move |crm| {
        crm.import_clients(&a.session, &b.rows, opts, &mut |_| {})
    })
    .await
    .map(Json)
}
