//! Keeping the screen true to the database: running due list queries (inline or on
//! the loader thread), taking their results, and re-reading what a write changed.

use std::time::{Duration, Instant};

use super::actions::with_ws;
use super::loader::{self, Job, Loader};
use super::offer::screen_offered;
use super::state::{slot, Overlay};
use super::{App, Mode};
use crate::action::Screen;
use crate::controllers::detail;

/// How often the unread count and the actor's rights are re-read.
const REFRESH: Duration = Duration::from_secs(20);

/// After any write: lists are stale, detail views re-read, the unread count too.
pub(super) fn after_write(app: &mut App) {
    with_ws(app, |ws| {
        for l in ws.lists.iter_mut() {
            l.invalidate();
        }
        ws.all_totals.iter_mut().for_each(|t| *t = None);
    });
    reload_detail(app);
    refresh_now(app);
}

/// Re-reads every detail view on the stack (after a write).
pub(super) fn reload_detail(app: &mut App) {
    let crm = app.crm.clone();
    let mut failed = None;
    with_ws(app, |ws| {
        for o in ws.overlays.iter_mut() {
            if let Overlay::Detail(d) = o {
                match detail::load(&crm, d.entity, d.id) {
                    Ok(mut fresh) => {
                        fresh.selected = d.selected.min(fresh.related.len().saturating_sub(1));
                        *d = fresh;
                    }
                    Err(e) => failed = Some(e),
                }
            }
        }
    });
    if let Some(e) = failed {
        app.fail(e);
    }
}

pub(super) fn mark_read(app: &mut App, all: bool) {
    let Some(ws) = app.workspace() else { return };
    let session = ws.session.clone();
    let ids: Vec<i64> = if all {
        match app.crm.list_notifications(
            &session,
            true,
            &crate::db::repo::ListParams {
                limit: 10_000,
                ..Default::default()
            },
        ) {
            Ok(p) => p.rows.iter().map(|n| n.id).collect(),
            Err(e) => return app.fail(e),
        }
    } else {
        ws.list().selected_id().into_iter().collect()
    };
    for id in ids {
        if let Err(e) = app.crm.mark_notification_read(&session, id) {
            return app.fail(e);
        }
    }
    after_write(app);
}

/// Runs the visible table's query if due, takes finished results, and every few
/// seconds re-reads the unread count and the actor's rights.
pub(super) fn refresh(app: &mut App) {
    poll(app);
    let height = app.table_height();
    let worker = matches!(app.loader, Loader::Worker { .. });
    let Some(ws) = app.ws() else { return };
    let i = slot(ws.screen);
    let session = ws.session.clone();
    let l = &mut ws.lists[i];
    if l.dirty && !(l.loading && worker) {
        l.dirty = false;
        l.loading = true;
        let count_all = ws.all_totals[i].is_none()
            && (!l.filter_text.trim().is_empty() || !l.filters.labels(l.screen).is_empty());
        let job = Job {
            slot: i,
            generation: l.generation,
            query: l.query(session.collaborator_id),
            session,
            count_all,
        };
        match &app.loader {
            Loader::Inline => {
                let done = loader::run(&app.crm, &job);
                take(app, done, height);
            }
            Loader::Worker { jobs, .. } => {
                if jobs.send(job).is_err() {
                    app.loader = Loader::Inline;
                }
            }
        }
    }
    let due = app
        .workspace()
        .is_some_and(|w| w.last_refresh.elapsed() >= REFRESH);
    if due {
        refresh_now(app);
    }
}

pub(super) fn poll(app: &mut App) {
    let height = app.table_height();
    let mut done = Vec::new();
    if let Loader::Worker { done: rx, .. } = &app.loader {
        while let Ok(d) = rx.try_recv() {
            done.push(d);
        }
    }
    for d in done {
        take(app, d, height);
    }
}

pub(super) fn take(app: &mut App, d: loader::Done, height: usize) {
    let Some(ws) = app.ws() else { return };
    let Some(l) = ws.lists.get_mut(d.slot) else {
        return;
    };
    match d.result {
        Ok(page) => {
            if l.accept(d.generation, page) {
                l.scroll_into_view(height);
                if l.needs_window() {
                    l.invalidate();
                }
                if let Some(t) = d.all_total {
                    ws.all_totals[d.slot] = Some(t);
                }
            }
        }
        Err(e) => {
            if d.generation == l.generation {
                l.loading = false;
            }
            app.fail(e);
        }
    }
}

/// Re-reads the unread count and the actor: a deactivated account is locked out,
/// a changed role changes what is offered at once.
pub(super) fn refresh_now(app: &mut App) {
    let Some(ws) = app.workspace() else { return };
    let session = ws.session.clone();
    let actor = app.crm.actor(&session);
    if actor.as_ref().is_ok_and(|a| a.active) {
        if let Err(e) = app.crm.refresh_reminders(&session) {
            crate::telemetry::report_error(&e);
        }
    }
    let unread = app.crm.unread_notifications(&session);
    match actor {
        Ok(a) if !a.active => {
            app.lock("Your account was deactivated.");
        }
        Ok(a) => with_ws(app, |ws| {
            ws.actor = a;
            ws.session.role = a.role;
            if let Ok(n) = unread {
                ws.unread = n;
            }
            ws.last_refresh = Instant::now();
            if !screen_offered(a.role, ws.screen) {
                ws.screen = Screen::Clients;
            }
        }),
        Err(e) => {
            with_ws(app, |ws| ws.last_refresh = Instant::now());
            app.fail(e);
        }
    }
}

impl Mode {
    pub fn is_gate(&self) -> bool {
        matches!(self, Mode::Gate(_))
    }
}
