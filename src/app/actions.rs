//! Actions in the logged-in workspace on tables and detail views: moving, filtering,
//! sorting, opening records, and the record actions (edit, sign, archive, …).

use super::board;
use super::layers;
use super::nav::push_detail;
use super::offer::screen_offered;
use super::overlays::{confirmed, open_form, open_picker, picked, reload_form, save};
use super::records::record_action;
use super::refresh::{after_write, mark_read, refresh_now, reload_detail};
use super::table::{self, Effect};
use super::App;
use crate::action::{Action, Screen};
use crate::state::{Entity, FormKind, Overlay, Pending, Workspace};

/// Runs what a pure handler asked for: the part of an action that needs the
/// worker, the status line or another layer.
pub(super) fn apply(app: &mut App, effects: Vec<Effect>) {
    for e in effects {
        match e {
            Effect::Info(m) => app.info(m),
            Effect::RefreshNow => refresh_now(app),
            Effect::OpenSelected => open_selected(app),
            Effect::OpenNotification(id) => open_notification(app, id),
            Effect::MarkRead { all } => mark_read(app, all),
            Effect::New(screen) => new_for_screen(app, screen),
            Effect::OnRecord(action, entity, id) => record_action(app, action, entity, id),
            Effect::Detail(entity, id) => push_detail(app, entity, id),
            Effect::ReloadDetail => reload_detail(app),
            Effect::Form(kind) => open_form(app, kind),
            Effect::Quit => app.should_quit = true,
            Effect::Lock(m) => app.lock(&m),
            Effect::ClearToast => app.toast = None,
            Effect::SaveForm => save(app),
            Effect::OpenPicker {
                title,
                field,
                purpose,
            } => open_picker(app, &title, &field, purpose),
            Effect::Picked(purpose, id, label) => picked(app, purpose, id, label),
            Effect::Confirmed(pending) => confirmed(app, pending),
            Effect::ReloadForm(kind) => reload_form(app, kind),
            Effect::SignIn => super::gate::sign_in(app),
        }
    }
}

/// One action in the workspace: the layer on top takes it (dialog, picker,
/// form, help, detail view), else the screen (a table or a board). Every
/// handler is pure; what they ask for is applied here.
pub(super) fn update(app: &mut App, action: Action) {
    let height = app.table_height();
    let size = app.size;
    if app.ws().is_some_and(|ws| scroll_detail(ws, action, size)) {
        return;
    }
    let effects = app
        .ws()
        .map(|ws| handle(ws, action, height))
        .unwrap_or_default();
    apply(app, effects);
}

/// Moving in the detail view on top, for a terminal of `size`: `j` reads on
/// down the fields, then through the related records; `k` back up the same
/// way; the page keys page the fields. Returns whether it took the action.
pub(super) fn scroll_detail(ws: &mut Workspace, action: Action, size: (u16, u16)) -> bool {
    let Some(Overlay::Detail(d)) = ws.overlays.last_mut() else {
        return false;
    };
    let (page, max) = crate::ui::screens::detail::scroll_room(d, size);
    let last = d.related.len().saturating_sub(1);
    match action {
        Action::MoveDown if d.scroll < max => d.scroll += 1,
        Action::MoveDown => d.selected = (d.selected + 1).min(last),
        Action::MoveUp if d.selected > 0 => d.selected -= 1,
        Action::MoveUp => d.scroll = d.scroll.saturating_sub(1),
        Action::PageDown => d.scroll = d.scroll.saturating_add(page.max(1)).min(max),
        Action::PageUp => d.scroll = d.scroll.saturating_sub(page.max(1)),
        Action::Top => d.scroll = 0,
        Action::Bottom => d.scroll = max,
        _ => return false,
    }
    true
}

/// Which pure handler takes `action`, and its effects.
pub(super) fn handle(ws: &mut Workspace, action: Action, height: usize) -> Vec<Effect> {
    let escape = matches!(action, Action::Quit | Action::Lock);
    match ws.top() {
        Some(Overlay::Confirm(_)) if !escape => return layers::confirm(ws, action),
        Some(Overlay::Picker(_)) if !escape => return layers::picker(ws, action),
        Some(Overlay::Form(_)) if !escape => return layers::form(ws, action),
        _ => {}
    }
    if let Some(effects) = global(ws, action) {
        return effects;
    }
    match ws.top() {
        Some(Overlay::Help { .. }) => {
            table::help(ws, action);
            Vec::new()
        }
        Some(Overlay::Detail(_)) => table::detail(ws, action),
        // Esc (however it is bound) leaves the audit's one-record view once no
        // text filter is left to clear.
        None if ws.screen == Screen::Audit
            && ws.list().filters.record.is_some()
            && (action == Action::Back
                || (action == Action::ClearFilter
                    && !ws.list().editing_filter
                    && ws.list().filter_text.is_empty())) =>
        {
            leave_history(ws);
            Vec::new()
        }
        _ if crate::screens::board(ws.screen).is_some() => board::board(ws, action, height),
        _ => table::table(ws, action, height),
    }
}

/// The keys that work everywhere in the workspace; `None` for the others.
fn global(ws: &mut Workspace, action: Action) -> Option<Vec<Effect>> {
    Some(match action {
        Action::Quit => {
            if ws.form().is_some_and(|f| f.form.is_dirty()) {
                layers::ask(
                    ws,
                    "Quit",
                    "Discard unsaved changes and quit?",
                    Pending::Quit,
                );
                Vec::new()
            } else {
                vec![Effect::Quit]
            }
        }
        Action::Lock => {
            // A second Ctrl-L over the question locks.
            let asking = matches!(ws.top(), Some(Overlay::Confirm(_)));
            if !asking && ws.form().is_some_and(|f| f.form.is_dirty()) {
                layers::ask(
                    ws,
                    "Lock",
                    "Discard unsaved changes and lock?",
                    Pending::Lock,
                );
                Vec::new()
            } else {
                vec![Effect::Lock("Locked. Log in to continue.".into())]
            }
        }
        Action::Help => {
            if matches!(ws.top(), Some(Overlay::Help { .. })) {
                ws.overlays.pop();
            } else {
                ws.overlays.push(Overlay::Help { scroll: 0 });
            }
            Vec::new()
        }
        Action::GoScreen(s) => {
            leave_history(ws);
            table::go(ws, s);
            Vec::new()
        }
        Action::NextScreen | Action::PrevScreen => {
            let mut s = ws.screen;
            loop {
                s = if action == Action::NextScreen {
                    s.next()
                } else {
                    s.prev()
                };
                if screen_offered(ws.actor.role, s) {
                    break;
                }
            }
            leave_history(ws);
            table::go(ws, s);
            Vec::new()
        }
        Action::ChangePassword => vec![Effect::Form(FormKind::ChangePassword { forced: false })],
        _ => return None,
    })
}

/// Drops the audit's one-record view (from `h`): choosing a screen, even the
/// audit itself, shows the whole trail again.
fn leave_history(ws: &mut Workspace) {
    let l = &mut ws.lists[crate::state::slot(Screen::Audit)];
    if l.filters.record.take().is_some() {
        l.requery();
    }
}

/// Esc on a table that nothing else took: leaves the audit's one-record view.
/// Returns whether it did something.
pub(super) fn escape(app: &mut App) -> bool {
    let Some(ws) = app.ws() else { return false };
    let history = ws.screen == Screen::Audit
        && ws.overlays.is_empty()
        && !ws.list().editing_filter
        && ws.list().filters.record.is_some();
    if history {
        leave_history(ws);
        app.info("The whole audit trail again");
    }
    history
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
        Screen::Notifications => open_notification(app, id),
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

/// Marks a notification read and opens what it is about.
fn open_notification(app: &mut App, id: i64) {
    let Some(ws) = app.workspace() else { return };
    let session = ws.session.clone();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::policy::Actor;
    use crate::session::Session;

    fn ws(role: Role) -> Workspace {
        let session = Session {
            collaborator_id: 1,
            name: "Kate".into(),
            email: "kate@example.com".into(),
            role,
            must_change_password: false,
            logged_in_at: chrono::NaiveDateTime::default(),
        };
        let actor = Actor {
            id: 1,
            role,
            active: true,
        };
        Workspace::new(session, actor)
    }

    #[test]
    fn the_global_keys_are_pure_too() {
        let mut w = ws(Role::Support);
        assert_eq!(handle(&mut w, Action::Quit, 10), vec![Effect::Quit]);
        assert!(matches!(
            handle(&mut w, Action::Lock, 10).as_slice(),
            [Effect::Lock(_)]
        ));
        // Support has neither Collaborators nor Audit: Tab skips them.
        w.screen = Screen::Events;
        assert!(handle(&mut w, Action::NextScreen, 10).is_empty());
        assert_eq!(w.screen, Screen::Notifications);
        assert!(handle(&mut w, Action::NextScreen, 10).is_empty());
        assert_eq!(w.screen, Screen::ALL[0]);
        assert!(handle(&mut w, Action::Help, 10).is_empty());
        assert!(matches!(w.top(), Some(Overlay::Help { .. })));
        assert!(handle(&mut w, Action::GoScreen(Screen::Clients), 10).is_empty());
        assert_eq!((w.screen, w.overlays.len()), (Screen::Clients, 0));
        assert_eq!(
            handle(&mut w, Action::ChangePassword, 10),
            vec![Effect::Form(FormKind::ChangePassword { forced: false })]
        );
    }
}
