//! Actions in the logged-in workspace on tables and detail views: moving, filtering,
//! sorting, opening records, and the record actions (edit, sign, archive, …).

use super::nav::{push_detail, with_ws};
use super::offer::screen_offered;
use super::overlays::{ask, confirm, form, open_form, picker};
use super::records::record_action;
use super::refresh::{after_write, mark_read, refresh_now, reload_detail};
use super::state::{Entity, FormKind, Overlay, Pending};
use super::App;
use crate::action::{Action, Screen};

pub(super) fn update(app: &mut App, action: Action) {
    let Some(ws) = app.workspace() else { return };
    match ws.top() {
        Some(Overlay::Confirm(_)) if !matches!(action, Action::Quit | Action::Lock) => {
            return confirm(app, action)
        }
        Some(Overlay::Picker(_)) if !matches!(action, Action::Quit | Action::Lock) => {
            return picker(app, action)
        }
        Some(Overlay::Form(_)) if !matches!(action, Action::Quit | Action::Lock) => {
            return form(app, action)
        }
        _ => {}
    }
    match action {
        Action::Quit => {
            if app
                .workspace()
                .and_then(|w| w.form())
                .is_some_and(|f| f.form.is_dirty())
            {
                ask(
                    app,
                    "Quit",
                    "Discard unsaved changes and quit?",
                    Pending::Quit,
                );
            } else {
                app.should_quit = true;
            }
        }
        Action::Lock => app.lock("Locked. Log in to continue."),
        Action::Help => with_ws(app, |ws| {
            if matches!(ws.top(), Some(Overlay::Help { .. })) {
                ws.overlays.pop();
            } else {
                ws.overlays.push(Overlay::Help { scroll: 0 });
            }
        }),
        Action::GoScreen(s) => go(app, s),
        Action::NextScreen | Action::PrevScreen => {
            let Some(ws) = app.workspace() else { return };
            let role = ws.actor.role;
            let mut s = ws.screen;
            loop {
                s = if action == Action::NextScreen {
                    s.next()
                } else {
                    s.prev()
                };
                if screen_offered(role, s) {
                    break;
                }
            }
            go(app, s);
        }
        Action::ChangePassword => open_form(app, FormKind::ChangePassword { forced: false }),
        _ => match app.workspace().and_then(|w| w.top()) {
            Some(Overlay::Help { .. }) => help(app, action),
            Some(Overlay::Detail(_)) => detail_action(app, action),
            _ => table(app, action),
        },
    }
}

pub(super) fn go(app: &mut App, s: Screen) {
    with_ws(app, |ws| {
        ws.overlays.retain(|o| matches!(o, Overlay::Form(_)));
        if ws.overlays.is_empty() {
            ws.screen = s;
            let l = ws.list_mut();
            l.invalidate();
        }
    });
}

pub(super) fn help(app: &mut App, action: Action) {
    with_ws(app, |ws| {
        if let Some(Overlay::Help { scroll }) = ws.overlays.last_mut() {
            match action {
                Action::MoveDown => *scroll = scroll.saturating_add(1),
                Action::MoveUp => *scroll = scroll.saturating_sub(1),
                Action::PageDown => *scroll = scroll.saturating_add(10),
                Action::PageUp => *scroll = scroll.saturating_sub(10),
                _ => {
                    ws.overlays.pop();
                }
            }
        }
    });
}

pub(super) fn table(app: &mut App, action: Action) {
    let height = app.table_height();
    let Some(ws) = app.ws() else { return };
    let screen = ws.screen;
    let l = ws.list_mut();
    match action {
        Action::MoveDown => l.move_by(1),
        Action::MoveUp => l.move_by(-1),
        Action::PageDown => l.move_by(height as isize),
        Action::PageUp => l.move_by(-(height as isize)),
        Action::Top => l.to_top(),
        Action::Bottom => l.to_bottom(),
        Action::StartFilter => l.editing_filter = true,
        Action::KeepFilter => l.editing_filter = false,
        Action::ClearFilter => {
            l.editing_filter = false;
            l.filter_text.clear();
            l.requery();
        }
        Action::SortNext => {
            l.sort = (l.sort + 1) % crate::controllers::list::sort_columns(screen).len();
            l.descending = false;
            l.requery();
        }
        Action::SortReverse => {
            l.descending = !l.descending;
            l.requery();
        }
        Action::ToggleArchived => toggle(l, |f| &mut f.show_archived),
        Action::OnlyMine => toggle(l, |f| &mut f.mine),
        Action::AssignedToMe => {
            toggle(l, |f| &mut f.mine);
            // One key for a support person's agenda: their events still to come,
            // soonest first. The title says so; `t` moves on to ongoing, past, all.
            if l.filters.mine && l.filters.window == crate::services::query::TimeWindow::All {
                l.filters.window = crate::services::query::TimeWindow::Upcoming;
            }
        }
        Action::NotSigned => toggle(l, |f| &mut f.unsigned),
        Action::BalanceDue => toggle(l, |f| &mut f.balance_due),
        Action::WithoutSupport => toggle(l, |f| &mut f.without_support),
        Action::TimeWindow => {
            l.filters.window = l.filters.window.next();
            l.requery();
        }
        Action::Reload => {
            l.invalidate();
            refresh_now(app);
            app.info("Reloaded");
        }
        Action::Open => open_selected(app),
        Action::MarkRead => mark_read(app, false),
        Action::MarkAllRead => mark_read(app, true),
        other => {
            let sel = app.workspace().and_then(|w| w.list().selected_id());
            let entity = Entity::of_screen(screen);
            match (other, entity) {
                (Action::New, _) => new_for_screen(app, screen),
                (_, Some(e)) => match sel {
                    Some(id) => record_action(app, other, e, id),
                    None => app.info("Nothing selected"),
                },
                _ => {}
            }
        }
    }
    if let Some(ws) = app.ws() {
        ws.list_mut().scroll_into_view(height);
    }
}

pub(super) fn toggle(
    l: &mut crate::controllers::list::ListState,
    f: impl FnOnce(&mut crate::controllers::list::Filters) -> &mut bool,
) {
    let b = f(&mut l.filters);
    *b = !*b;
    l.requery();
}

pub(super) fn new_for_screen(app: &mut App, screen: Screen) {
    let kind = match screen {
        Screen::Clients => FormKind::NewClient,
        Screen::Contracts => FormKind::NewContract { client: None },
        Screen::Events => FormKind::NewEvent { contract: None },
        Screen::Collaborators => FormKind::NewCollaborator,
        _ => return,
    };
    open_form(app, kind);
}

pub(super) fn open_selected(app: &mut App) {
    let Some(ws) = app.workspace() else { return };
    let Some(id) = ws.list().selected_id() else {
        return;
    };
    let session = ws.session.clone();
    match ws.screen {
        Screen::Notifications => {
            app.call(
                "opening…",
                move |crm| crm.open_notification(&session, id),
                |app, r| match r {
                    Ok((entity, rid)) => {
                        after_write(app);
                        if let Some(e) = Entity::from_name(&entity) {
                            push_detail(app, e, rid);
                        }
                    }
                    Err(e) => app.fail(e),
                },
            );
        }
        Screen::Audit => {
            app.call(
                "opening…",
                move |crm| crm.audit_target(&session, id),
                |app, r| match r {
                    Ok((entity, rid)) => {
                        if let Some(e) = Entity::from_name(&entity) {
                            push_detail(app, e, rid);
                        }
                    }
                    Err(e) => app.fail(e),
                },
            );
        }
        s => {
            if let Some(e) = Entity::of_screen(s) {
                push_detail(app, e, id);
            }
        }
    }
}

pub(super) fn detail_action(app: &mut App, action: Action) {
    let Some(Overlay::Detail(d)) = app.workspace().and_then(|w| w.top()) else {
        return;
    };
    let (entity, id) = (d.entity, d.id);
    match action {
        Action::Back => with_ws(app, |ws| {
            ws.overlays.pop();
        }),
        Action::MoveDown | Action::MoveUp => with_ws(app, |ws| {
            if let Some(Overlay::Detail(d)) = ws.overlays.last_mut() {
                let last = d.related.len().saturating_sub(1);
                d.selected = if action == Action::MoveDown {
                    (d.selected + 1).min(last)
                } else {
                    d.selected.saturating_sub(1)
                };
            }
        }),
        Action::Open => {
            if let Some((e, rid, _)) = d.related.get(d.selected).cloned() {
                push_detail(app, e, rid);
            }
        }
        Action::Reload => reload_detail(app),
        Action::New => match entity {
            Entity::Client => open_form(app, FormKind::NewContract { client: Some(id) }),
            Entity::Contract => open_form(app, FormKind::NewEvent { contract: Some(id) }),
            _ => {}
        },
        other => record_action(app, other, entity, id),
    }
}
