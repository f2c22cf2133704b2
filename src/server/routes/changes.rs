//! `GET /v1/changes`: committed changes as Server-Sent Events, for the
//! terminals to re-read what they show (see [`crate::services::changes`]).
//!
//! The stream opens with an `event: ready` (everything committed afterwards is
//! delivered), then sends one `event: change` per record written, its data the
//! JSON `{entity, id, version, actor}`; an `entity` of `*` means "reload
//! everything" (a bulk write, or this stream fell behind).
//!
//! Re-authentication: a stream lives at most as long as an access token (15
//! minutes by default) and ends sooner when its session is revoked or expires
//! or the account is deactivated (checked at once when the caller's account
//! changes, and every 30 seconds for the rest). It then sends
//! `event: end` with the reason and closes. The client reconnects with a
//! fresh access token (refreshing it if needed); a refused one means the
//! session is over. A server that begins to stop ends every stream the same
//! way at once, so its graceful shutdown does not wait on them.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

use super::{blocking, Answer};
use crate::server::auth::Authed;
use crate::server::AppState;
use crate::services::changes::Change;

/// How often an open stream re-checks its session. A change to the caller's
/// own account (deactivation, role or password change, reset) is checked at
/// once; this catches the rest (logout elsewhere, lockout, expiry).
const CHECK_EVERY: Duration = Duration::from_secs(30);

/// Where a stream is.
enum Step {
    Ready,
    Open,
    Done,
}

struct Feed {
    st: AppState,
    sid: i64,
    /// The caller's collaborator id.
    me: i64,
    rx: tokio::sync::broadcast::Receiver<Change>,
    /// The server's "stopping" signal (see [`AppState::stopping`]).
    stopping: tokio::sync::watch::Receiver<bool>,
    until: Instant,
    next_check: Instant,
    step: Step,
}

/// Committed changes, as Server-Sent Events.
#[utoipa::path(
    get,
    path = "/v1/changes",
    tag = "changes",
    responses(
        (status = 200, description = "text/event-stream: `ready`, then one `change` event per \
            record written (data: a Change), then `end` with the reason", body = Change,
            content_type = "text/event-stream"),
        (status = 401, description = "no valid access token")
    ),
    security(("bearer" = []))
)]
pub(crate) async fn changes(
    State(st): State<AppState>,
    a: Authed,
) -> Answer<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let crm = st.crm.clone();
    let rx = blocking(move || crm.subscribe_changes()).await?;
    let now = Instant::now();
    let ttl = st
        .settings
        .access_ttl
        .to_std()
        .unwrap_or(Duration::from_secs(900));
    let feed = Feed {
        stopping: st.stopping.clone(),
        st,
        sid: a.sid,
        me: a.session.collaborator_id,
        rx,
        until: now + ttl,
        next_check: now + CHECK_EVERY,
        step: Step::Ready,
    };
    let events = stream::unfold(feed, |mut f| async move {
        let ev = next(&mut f).await?;
        Some((Ok(ev), f))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// The next event, or `None` once the stream is over.
async fn next(f: &mut Feed) -> Option<Event> {
    match f.step {
        Step::Done => return None,
        Step::Ready => {
            f.step = Step::Open;
            return Some(Event::default().event("ready").data("listening"));
        }
        Step::Open => {}
    }
    loop {
        tokio::select! {
            r = f.rx.recv() => {
                let change = match r {
                    Ok(c) => c,
                    Err(RecvError::Lagged(_)) => Change::everything(0),
                    Err(RecvError::Closed) => return end(f, "the server is stopping"),
                };
                if change.entity == "collaborator" && change.id == f.me {
                    if let Some(why) = session_over(&f.st, f.sid).await {
                        return end(f, &why);
                    }
                }
                let data = serde_json::to_string(&change).unwrap_or_default();
                return Some(Event::default().event("change").data(data));
            }
            _ = stopped(&mut f.stopping) => {
                return end(f, "the server is stopping; reconnect shortly");
            }
            _ = tokio::time::sleep_until(f.until) => {
                return end(f, "access token lifetime reached; reconnect with a fresh token");
            }
            _ = tokio::time::sleep_until(f.next_check) => {
                f.next_check = Instant::now() + CHECK_EVERY;
                if let Some(why) = session_over(&f.st, f.sid).await {
                    return end(f, &why);
                }
            }
        }
    }
}

/// Returns once the server begins to stop (or its signal is gone).
async fn stopped(stopping: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = stopping.wait_for(|s| *s).await;
}

fn end(f: &mut Feed, why: &str) -> Option<Event> {
    f.step = Step::Done;
    Some(
        Event::default()
            .event("end")
            .data(why.replace(['\r', '\n'], " ")),
    )
}

/// Why the session no longer counts, if it does not.
async fn session_over(st: &AppState, sid: i64) -> Option<String> {
    let crm = st.crm.clone();
    let r = blocking(move || {
        let now = crm.now();
        let Some(row) = crm.server_session(sid)? else {
            return Ok(Some("session ended".to_string()));
        };
        if row.revoked_at.is_some() {
            return Ok(Some(
                row.revoked_reason
                    .unwrap_or_else(|| "session ended".to_string()),
            ));
        }
        if row.expires_at <= now {
            return Ok(Some("session expired".to_string()));
        }
        let active = crm.get_collaborator(row.collaborator_id)?.active;
        Ok((!active).then(|| "account deactivated".to_string()))
    })
    .await;
    // A database that does not answer for a moment does not end the stream.
    r.unwrap_or(None)
}
