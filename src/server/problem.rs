//! Every error answer is `application/problem+json` (RFC 9457) with a stable
//! `code`: the services' errors through [`ApiError`], and axum's own refusals
//! (bad JSON, body too large, unknown route, timeout) rewritten by
//! [`as_problem`] on their way out.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::api::wire::{Problem, PROBLEM_JSON};

/// A problem on its way to the client.
#[derive(Debug)]
pub struct ApiError(pub Box<Problem>);

impl ApiError {
    pub fn of(p: Problem) -> ApiError {
        ApiError(Box::new(p))
    }
}

impl From<crate::Error> for ApiError {
    fn from(e: crate::Error) -> ApiError {
        if !e.is_expected() {
            tracing::error!("request failed: {e}");
        }
        ApiError::of(Problem::from_error(&e))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self.0).unwrap_or_default();
        let mut r = (status, body).into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(s) = self.0.retry_after {
            if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        r
    }
}

/// The problem for an error status that did not come with one.
fn for_status(status: StatusCode) -> Problem {
    let (code, detail) = match status.as_u16() {
        400 => ("bad_request", "the request could not be read"),
        401 => ("unauthenticated", "log in first"),
        404 => ("no_route", "no such resource"),
        405 => ("method_not_allowed", "this method is not allowed here"),
        408 => ("timeout", "the server took too long to answer"),
        413 => (
            "payload_too_large",
            "the request body is larger than this route accepts",
        ),
        415 => ("unsupported_media_type", "send application/json"),
        422 => (
            "invalid_body",
            "the request body does not have the expected fields",
        ),
        _ => ("internal", "the server could not do this; see its log"),
    };
    Problem::new(
        status.as_u16(),
        code,
        status.canonical_reason().unwrap_or("error"),
        detail,
    )
}

/// Rewrites an error answer that is not already a problem document. The
/// original body (axum's plain-text explanation) is dropped: it may quote the
/// request.
pub async fn as_problem(resp: Response) -> Response {
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let is_problem = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == PROBLEM_JSON.as_bytes());
    if is_problem {
        return resp;
    }
    let (mut parts, _) = resp.into_parts();
    let body = serde_json::to_vec(&for_status(status)).unwrap_or_default();
    parts
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

/// Declared bodies up to this much over the route's limit are read and
/// dropped before the 413, so the client finishes sending and reads the
/// answer instead of a broken pipe.
const DRAIN_MAX: u64 = 1024 * 1024;

/// The largest body a request to `path` may carry: an import carries a whole
/// sheet's rows ([`super::IMPORT_BODY_LIMIT`]), every other route a form's
/// worth ([`super::BODY_LIMIT`]).
pub fn body_limit(path: &str) -> usize {
    if path.starts_with("/v1/import/") {
        super::IMPORT_BODY_LIMIT
    } else {
        super::BODY_LIMIT
    }
}

/// 413, saying the limit that was passed.
fn too_large(limit: usize) -> Response {
    let size = if limit >= 1024 * 1024 {
        format!("{} MiB", limit / (1024 * 1024))
    } else {
        format!("{} KiB", limit / 1024)
    };
    ApiError::of(Problem::new(
        413,
        "payload_too_large",
        "Payload Too Large",
        format!("the request body is larger than {size}"),
    ))
    .into_response()
}

/// 413 for a body declared larger than the route's limit ([`body_limit`]),
/// before any of it is parsed; otherwise the body is read whole (at most the
/// limit, else 413) before the route runs. A route that refuses early (no
/// token, an expired one) then still leaves the connection clean for the
/// client's next request: the server would otherwise close a connection whose
/// body was left unread, under a client about to reuse it.
pub async fn refuse_large_bodies(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let limit = body_limit(req.uri().path());
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(n) if n > limit as u64 => {
            let drain = limit as u64 + DRAIN_MAX;
            if n <= drain {
                let _ = axum::body::to_bytes(req.into_body(), drain as usize).await;
            }
            too_large(limit)
        }
        _ => {
            let (parts, body) = req.into_parts();
            match axum::body::to_bytes(body, limit).await {
                Ok(bytes) => {
                    let req = axum::extract::Request::from_parts(parts, Body::from(bytes));
                    next.run(req).await
                }
                Err(_) => too_large(limit),
            }
        }
    }
}
