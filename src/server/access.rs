//! One access-log line per request: method, path (never the query string, which
//! may hold search terms), status, duration and the collaborator's id once the
//! token was checked. Never a body, a header or a token.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use axum::response::Response;

/// Filled in by [`super::auth::Authed`] with the caller's id (0: nobody).
#[derive(Debug, Clone, Default)]
pub struct Who(pub Arc<AtomicI64>);

/// The client's address, for the per-address login throttle.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub std::net::IpAddr);

pub async fn log(req: Request, next: Next) -> Response {
    let mut req = req;
    let who = Who::default();
    req.extensions_mut().insert(who.clone());
    if let Some(ConnectInfo(addr)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        req.extensions_mut().insert(Peer(addr.ip()));
    }
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let started = Instant::now();
    let resp = next.run(req).await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let collaborator = who.0.load(Ordering::Relaxed);
    tracing::info!(
        target: "epicevents::access",
        %method,
        path = %crate::telemetry::scrub::scrub_text(&path),
        status = resp.status().as_u16(),
        ms = format!("{ms:.1}"),
        collaborator,
        "request"
    );
    resp
}
