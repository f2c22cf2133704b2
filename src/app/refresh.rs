//! Keeping the screen true to the database: sending due list queries to the
//! worker, taking their answers, and re-reading what a write changed — ours
//! (after each save) or anyone's (live updates, [`super::live`]: there is no
//! polling of lists or of the unread count).

use std::time::{Duration, Instant};

use super::nav::with_ws;
use super::offer::screen_offered;
use super::worker::Tag;
use super::{App, Mode};
use crate::action::Screen;
use crate::api::CrmApi;
use crate::controllers::detail;
use crate::controllers::list::{fetch, Filters, ListQuery, PageData};
use crate::screens::BoardScreen;
use crate::session::Session;
use crate::state::{slot, Entity, Overlay};

/// How often reminders of coming events are added (and the unread count and the
/// actor re-read with them). Reminders follow the clock, not writes, so live
/// updates cannot bring them; everything else arrives as it is committed.
const REFRESH: Duration = Duration::from_secs(15 * 60);

/// After any write: lists are stale, detail views re-read, the unread count too.
pub(super) fn after_write(app: &mut App) {
    stale_lists(app);
    reload_detail(app);
    refresh_now(app);
}

/// Every table and board is stale: the visible one is queried again at the
/// next tick, the others when shown.
pub(super) fn stale_lists(app: &mut App) {
    with_ws(app, |ws| {
        for l in ws.lists.iter_mut() {
            l.invalidate();
        }
        for b in ws.boards.iter_mut() {
            b.invalidate();
        }
        ws.all_totals.iter_mut().for_each(|t| *t = None);
    });
}

/// Re-reads every detail view on the stack (after a write), in the background:
/// the views stay as they are until the fresh ones arrive.
pub(super) fn reload_detail(app: &mut App) {
    let Some(ws) = app.workspace() else { return };
    let wanted: Vec<(Entity, i64)> = ws
        .overlays
        .iter()
        .filter_map(|o| match o {
            Overlay::Detail(d) => Some((d.entity, d.id)),
            _ => None,
        })
        .collect();
    if wanted.is_empty() {
        return;
    }
    app.background(
        move |crm| {
            wanted
                .into_iter()
                .map(|(e, id)| detail::load(crm, e, id))
                .collect::<Vec<_>>()
        },
        |app, fresh| {
            let mut failed = None;
            with_ws(app, |ws| {
                let mut fresh = fresh.into_iter();
                for o in ws.overlays.iter_mut() {
                    if let Overlay::Detail(d) = o {
                        match fresh.next() {
                            Some(Ok(mut f)) if (f.entity, f.id) == (d.entity, d.id) => {
                                f.selected = d.selected.min(f.related.len().saturating_sub(1));
                                *d = f;
                            }
                            Some(Err(e)) => failed = Some(e),
                            _ => {}
                        }
                    }
                }
            });
            if let Some(e) = failed {
                app.fail(e);
            }
        },
    );
}

pub(super) fn mark_read(app: &mut App, all: bool) {
    let Some(ws) = app.workspace() else { return };
    let session = ws.session.clone();
    let one = ws.list().selected_id();
    if !all && one.is_none() {
        return;
    }
    app.call(
        "marking read…",
        move |crm| match one.filter(|_| !all) {
            Some(id) => crm.mark_notification_read(&session, id),
            None => crm.mark_all_notifications_read(&session),
        },
        |app, r| match r {
            Ok(()) => after_write(app),
            Err(e) => app.fail(e),
        },
    );
}

/// Sends the visible table's query if due, and now and then adds reminders.
pub(super) fn refresh(app: &mut App) {
    let Some(ws) = app.ws() else { return };
    if let Some(board) = crate::screens::board(ws.screen) {
        refresh_board(app, board);
        return refresh_due(app);
    }
    let Some(ws) = app.ws() else { return };
    let i = slot(ws.screen);
    let session = ws.session.clone();
    let l = &mut ws.lists[i];
    // One query per table at a time: keys typed meanwhile only bump the
    // generation, and the newest query goes out when the answer lands.
    if l.dirty && !l.loading {
        l.dirty = false;
        l.loading = true;
        let count_all = ws.all_totals[i].is_none()
            && (!l.filter_text.trim().is_empty() || !l.filters.labels(l.screen).is_empty());
        let generation = l.generation;
        let query = l.query(session.collaborator_id);
        app.send(
            Tag::List {
                slot: i,
                generation,
            },
            Box::new(move |crm| {
                let answer = fetch_page(crm, &session, &query, count_all);
                Box::new(move |app: &mut App| take(app, i, generation, answer))
            }),
        );
    }
    refresh_due(app);
}

/// Now and then: reminders, with the unread count and the actor's rights.
fn refresh_due(app: &mut App) {
    let due = app
        .workspace()
        .is_some_and(|w| w.last_refresh.elapsed() >= REFRESH);
    if due {
        refresh_now(app);
    }
}

/// Sends the board's read if due; as with tables, one at a time, and only the
/// answer to the newest one is taken.
fn refresh_board(app: &mut App, board: &'static dyn BoardScreen) {
    let Some(ws) = app.ws() else { return };
    let i = slot(ws.screen);
    let session = ws.session.clone();
    let b = &mut ws.boards[i];
    if !b.dirty || b.loading {
        return;
    }
    b.dirty = false;
    b.loading = true;
    let generation = b.generation;
    app.send(
        Tag::List {
            slot: i,
            generation,
        },
        Box::new(move |crm| {
            let answer = board.fetch(crm, &session);
            Box::new(move |app: &mut App| {
                let Some(ws) = app.ws() else { return };
                let Some(b) = ws.boards.get_mut(i) else {
                    return;
                };
                b.loading = false;
                match answer {
                    Ok(data) => {
                        b.accept(generation, data);
                    }
                    Err(e) => {
                        if generation == b.generation {
                            app.fail(e);
                        }
                    }
                }
            })
        }),
    );
}

/// A page and, when filtered, the unfiltered count.
type Answer = (Result<PageData, crate::Error>, Option<String>);

fn fetch_page(crm: &dyn CrmApi, session: &Session, query: &ListQuery, count_all: bool) -> Answer {
    let result = fetch(crm, session, query);
    let all_total = if count_all {
        let mut q = query.clone();
        q.filter_text.clear();
        q.filters = Filters::default();
        q.offset = 0;
        q.limit = 0;
        q.exact_count = false;
        fetch(crm, session, &q).ok().map(|p| p.total_label())
    } else {
        None
    };
    (result, all_total)
}

fn take(app: &mut App, slot: usize, generation: u64, (result, all_total): Answer) {
    let height = app.table_height();
    let Some(ws) = app.ws() else { return };
    let Some(l) = ws.lists.get_mut(slot) else {
        return;
    };
    // Whatever it answers, the query is no longer on its way; a stale answer
    // leaves the list dirty, so the newest query is sent next.
    l.loading = false;
    match result {
        Ok(page) => {
            if l.accept(generation, page) {
                l.scroll_into_view(height);
                if l.needs_window() {
                    l.invalidate();
                }
                if let Some(t) = all_total {
                    ws.all_totals[slot] = Some(t);
                }
            }
        }
        Err(e) => {
            if generation == l.generation {
                app.fail(e);
            }
        }
    }
}

/// Re-reads the unread count and the actor on the worker: a deactivated account
/// is locked out, a changed role changes what is offered at once.
pub(super) fn refresh_now(app: &mut App) {
    let Some(ws) = app.ws() else { return };
    // Not again before this answer (or the next period).
    ws.last_refresh = Instant::now();
    let session = ws.session.clone();
    app.background(
        move |crm| {
            let actor = crm.actor(&session);
            let reminders = match &actor {
                Ok(a) if a.active => crm.refresh_reminders(&session).err(),
                _ => None,
            };
            (actor, crm.unread_notifications(&session), reminders)
        },
        |app, (actor, unread, reminders)| match actor {
            Ok(a) if !a.active => {
                app.lock("Your account was deactivated.");
            }
            Ok(a) => {
                with_ws(app, |ws| {
                    ws.actor = a;
                    ws.session.role = a.role;
                    if let Ok(n) = unread {
                        ws.unread = n;
                    }
                    if !screen_offered(a.role, ws.screen) {
                        ws.screen = Screen::Clients;
                    }
                });
                // A busy or unreachable database is said, not only logged.
                if let Some(e) = reminders {
                    app.fail(e);
                }
            }
            Err(e) => app.fail(e),
        },
    );
}

/// When [`refresh`] next wants to run on its own (the loop sleeps until then).
pub(super) fn next_refresh(app: &App) -> Option<Instant> {
    app.workspace().map(|w| w.last_refresh + REFRESH)
}

impl Mode {
    pub fn is_gate(&self) -> bool {
        matches!(self, Mode::Gate(_))
    }
}
