//! Log in, refresh, log out, the first admin, and one's own account.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};

use super::{blocking, call, done, Answer};
use crate::api::wire::*;
use crate::error::Error;
use crate::policy::Actor;
use crate::server::access::Peer;
use crate::server::auth::{self, Authed};
use crate::server::problem::ApiError;
use crate::server::AppState;
use crate::services::auth::NewAccount;

pub(super) async fn login(
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

pub(super) async fn refresh(
    State(st): State<AppState>,
    Json(b): Json<RefreshBody>,
) -> Answer<Json<Tokens>> {
    blocking(move || auth::refresh(&st, &b.refresh_token))
        .await
        .map(Json)
}

pub(super) async fn logout(State(st): State<AppState>, a: Authed) -> Answer<StatusCode> {
    let crm = st.crm.clone();
    blocking(move || crm.end_server_session(a.sid, "logged out"))
        .await
        .map(done)
}

pub(super) async fn setup_state(State(st): State<AppState>) -> Answer<Json<SetupState>> {
    call(&st, |crm| crm.needs_first_admin())
        .await
        .map(|needs_first_admin| Json(SetupState { needs_first_admin }))
}

/// The first admin: only from the server's own machine, so that nobody on the
/// network can claim an empty database first.
pub(super) async fn first_admin(
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

pub(super) async fn me(State(st): State<AppState>, a: Authed) -> Answer<Json<Actor>> {
    call(&st, move |crm| crm.actor(&a.session)).await.map(Json)
}

/// "May I?" for the terminal's offers: the policy's answer for the caller as
/// the database knows them now.
pub(super) async fn allows(
    State(st): State<AppState>,
    a: Authed,
    Json(action): Json<crate::policy::Action>,
) -> Answer<Json<Allowed>> {
    call(&st, move |crm| Ok(crm.allows(&a.session, &action)))
        .await
        .map(|allowed| Json(Allowed { allowed }))
}

pub(super) async fn own_password(
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
