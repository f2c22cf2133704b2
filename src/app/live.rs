//! Live updates on screen: what colleagues commit shows up without a key.
//!
//! Once a session starts (and a worker thread runs), a thread of its own
//! subscribes to the CRM's changes ([`crate::api::changes`]) — subscribing may
//! wait on the database or the network, so never on the screen thread — and
//! hands each [`Feed`] item to the worker as a job, whose answer reaches the
//! screen like any other. There, a change:
//! - makes the tables stale (the visible one is queried again at once, the
//!   others when shown) and re-reads any open detail view;
//! - re-reads the unread count (a write may have notified this person), and
//!   the actor when it is them who changed (role, deactivation);
//! - warns a form editing that record, before Ctrl-S, that someone else
//!   changed it (and to which version).
//!
//! A reconnected stream reloads what is shown, since changes may have been
//! missed; a session the server ended returns to the login screen.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::Duration;

use super::nav::with_ws;
use super::refresh::{reload_detail, stale_lists};
use super::worker::{Job, Tag, Worker};
use super::App;
use crate::api::changes::{Change, Feed};
use crate::api::SharedApi;
use crate::session::Session;
use crate::state::{FormKind, Overlay};

/// The live subscription of one session. Dropping it stops its thread.
#[derive(Debug)]
pub struct Live {
    epoch: u64,
    stop: Arc<AtomicBool>,
    /// The first `Connected` needs no reload (the session just loaded).
    connected_before: bool,
}

impl Drop for Live {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Subscribes once per session (called on every tick; cheap when subscribed).
pub(super) fn ensure(app: &mut App) {
    let epoch = app.epoch;
    let Some(ws) = app.workspace() else {
        app.live = None;
        return;
    };
    if app.live.as_ref().is_some_and(|l| l.epoch == epoch) {
        return;
    }
    let session = ws.session.clone();
    let Worker::Thread { jobs } = &app.worker else {
        return;
    };
    let stop = Arc::new(AtomicBool::new(false));
    if spawn(app.crm.clone(), session, jobs.clone(), epoch, stop.clone()) {
        app.live = Some(Live {
            epoch,
            stop,
            connected_before: false,
        });
    } else {
        app.live = None;
    }
}

fn spawn(
    api: SharedApi,
    session: Session,
    jobs: Sender<Job>,
    epoch: u64,
    stop: Arc<AtomicBool>,
) -> bool {
    std::thread::Builder::new()
        .name("live-changes".into())
        .spawn(move || forward(api, session, jobs, epoch, stop))
        .map_err(|e| tracing::warn!("no live updates: {e}"))
        .is_ok()
}

/// Subscribes, then passes every item to the worker until the session ends.
fn forward(api: SharedApi, session: Session, jobs: Sender<Job>, epoch: u64, stop: Arc<AtomicBool>) {
    let sub = match api.live(&session) {
        Some(Ok(s)) => s,
        Some(Err(e)) => {
            tracing::warn!("no live updates: {e}");
            return;
        }
        None => return,
    };
    while !stop.load(Ordering::Relaxed) {
        let feed = match sub.rx.recv_timeout(Duration::from_millis(500)) {
            Ok(f) => f,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let job = Job {
            epoch,
            tag: Tag::Live,
            task: Box::new(move |_| Box::new(move |app: &mut App| on_feed(app, feed))),
        };
        if jobs.send(job).is_err() {
            return;
        }
    }
}

/// One item, on the screen thread.
fn on_feed(app: &mut App, feed: Feed) {
    match feed {
        Feed::Connected => {
            let again = app
                .live
                .as_mut()
                .map(|l| std::mem::replace(&mut l.connected_before, true))
                .unwrap_or(false);
            if again {
                reload(app);
            }
        }
        Feed::Change(c) => on_change(app, c),
        Feed::Dropped(why) => tracing::info!("live updates interrupted: {why}"),
        Feed::Ended(why) => app.fail(crate::Error::SessionEnded(why)),
    }
}

/// Everything shown is read again.
fn reload(app: &mut App) {
    stale_lists(app);
    reload_detail(app);
    unread(app);
}

fn on_change(app: &mut App, c: Change) {
    let Some(ws) = app.workspace() else { return };
    let me = ws.session.collaborator_id;
    warn_form(app, &c);
    reload(app);
    if c.is_everything() || (c.entity == "collaborator" && c.id == me) {
        super::refresh::refresh_now(app);
    }
}

/// Re-reads the unread count.
fn unread(app: &mut App) {
    let Some(ws) = app.workspace() else { return };
    let session = ws.session.clone();
    app.background(
        move |crm| crm.unread_notifications(&session),
        |app, r| {
            if let Ok(n) = r {
                with_ws(app, |ws| ws.unread = n);
            }
        },
    );
}

/// The record a form edits, as a change names it, with the version it holds.
fn edited(kind: &FormKind) -> Option<(&'static str, i64, i32)> {
    match *kind {
        FormKind::EditClient { id, version } => Some(("client", id, version)),
        FormKind::EditContract { id, version } => Some(("contract", id, version)),
        FormKind::EditEvent { id, version } => Some(("event", id, version)),
        FormKind::EditCollaborator { id, version } | FormKind::Deactivate { id, version } => {
            Some(("collaborator", id, version))
        }
        _ => None,
    }
}

/// The warning a form shows when its record changed under it.
pub fn changed_warning(who: &str, version: i32) -> String {
    format!(
        "⚠ {who} just changed this record (now version {version}): saving will be refused; \
         Esc and reopen it to see their change."
    )
}

/// Tells whoever edits the changed record, before they save, and by whom.
fn warn_form(app: &mut App, c: &Change) {
    let hit = app.workspace().is_some_and(|ws| {
        ws.overlays.iter().any(|o| match o {
            Overlay::Form(f) => edited(&f.kind)
                .is_some_and(|(e, id, v)| e == c.entity && id == c.id && c.version > v),
            _ => false,
        })
    });
    if !hit {
        return;
    }
    let (entity, id, version, actor) = (c.entity.clone(), c.id, c.version, c.actor);
    app.background(
        move |crm| {
            crm.get_collaborator(actor)
                .map(|p| p.full_name)
                .unwrap_or_else(|_| "Someone else".to_string())
        },
        move |app, who| {
            with_ws(app, |ws| {
                for o in ws.overlays.iter_mut() {
                    if let Overlay::Form(f) = o {
                        if edited(&f.kind)
                            .is_some_and(|(e, i, v)| e == entity && i == id && version > v)
                        {
                            f.note = changed_warning(&who, version);
                        }
                    }
                }
            });
        },
    );
}
