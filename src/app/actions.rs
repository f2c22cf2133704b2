//! Actions in the logged-in workspace on tables and detail views: moving, filtering,
//! sorting, opening records, and the record actions (edit, sign, archive, …).

use super::board;
use super::layers;
use super::nav::{push_detail, with_ws};
use super::offer::screen_offered;
use super::overlays::{ask, confirmed, open_form, open_picker, picked, reload_form, save};
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

pub(super) fn update(app: &mut App, action: Action) {
    let Some(ws) = app.workspace() else { return };
    let layer: Option<fn(&mut Workspace, Action) -> Vec<Effect>> = match ws.top() {
        _ if matches!(action, Action::Quit | Action::Lock) => None,
        Some(Overlay::Confirm(_)) => Some(layers::confirm),
        Some(Overlay::Picker(_)) => Some(layers::picker),
        Some(Overlay::Form(_)) => Some(layers::form),
        _ => None,
    };
    if let Some(handle) = layer {
        let effects = app.ws().map(|ws| handle(ws, action)).unwrap_or_default();
        return apply(app, effects);
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
        Action::GoScreen(s) => with_ws(app, |ws| table::go(ws, s)),
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
            with_ws(app, |ws| table::go(ws, s));
        }
        Action::ChangePassword => open_form(app, FormKind::ChangePassword { forced: false }),
        _ => match app.workspace().and_then(|w| w.top()) {
            Some(Overlay::Help { .. }) => with_ws(app, |ws| table::help(ws, action)),
            Some(Overlay::Detail(_)) => {
                let effects = app
                    .ws()
                    .map(|ws| table::detail(ws, action))
                    .unwrap_or_default();
                apply(app, effects);
            }
            _ => {
                let height = app.table_height();
                let effects = app
                    .ws()
                    .map(|ws| {
                        if crate::screens::board(ws.screen).is_some() {
                            board::board(ws, action, height)
                        } else {
                            table::table(ws, action, height)
                        }
                    })
                    .unwrap_or_default();
                apply(app, effects);
            }
        },
    }
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
