//! Actions in the logged-in workspace: tables, detail views, forms, pickers and
//! dialogs. Each arm calls a controller or a service and updates the state.

use std::time::{Duration, Instant};

use super::loader::{self, Job, Loader};
use super::state::{
    slot, ConfirmState, Entity, FormKind, Overlay, Pending, PickPurpose, PickerState, Workspace,
};
use super::{App, Mode};
use crate::action::{Action, Screen};
use crate::controllers::{detail, forms};
use crate::domain::Role;
use crate::error::Error;
use crate::policy::{allows, Action as P};
use crate::ui::widgets::{ConfirmDialog, FormInput, Picker, PickerEvent};

/// How often the unread count and the actor's rights are re-read.
const REFRESH: Duration = Duration::from_secs(20);

/// Screens a role sees (SPEC §3: collaborators and audit are for admin and management).
pub fn screen_offered(role: Role, s: Screen) -> bool {
    !matches!(s, Screen::Collaborators | Screen::Audit)
        || matches!(role, Role::Admin | Role::Management)
}

pub(super) fn offered(app: &App, action: Action) -> bool {
    let Some(ws) = app.workspace() else {
        // Before login only the form's own keys and quit do anything.
        return matches!(
            action,
            Action::SignIn | Action::Save | Action::NextField | Action::PrevField | Action::Quit
        );
    };
    let a = &ws.actor;
    let me = Some(a.id);
    let allow = |p: P| allows(a, &p);
    let d = match ws.top() {
        Some(Overlay::Detail(d)) => Some(d),
        _ => None,
    };
    let entity = d.map(|d| d.entity).or_else(|| Entity::of_screen(ws.screen));
    let screen = ws.screen;
    // On a table, the selected row decides (until one is loaded, the user's own).
    let row = if d.is_none() {
        ws.list().selected_facts()
    } else {
        None
    };
    let owner = d.map_or(row.map_or(me, |r| r.owner), |d| d.owner);
    let support = d.map_or(row.map_or(me, |r| r.support), |d| d.support);
    let signed = d.map_or(row.is_some_and(|r| r.signed), |d| d.signed);
    let role = d.and_then(|d| d.role).or(row.and_then(|r| r.role));
    match action {
        Action::GoScreen(s) => screen_offered(a.role, s),
        Action::New => match d.map(|d| d.entity) {
            Some(Entity::Client) => allow(P::CreateContract),
            Some(Entity::Contract) => {
                a.role == Role::Sales && d.is_some_and(|d| d.owner == me && d.signed)
            }
            Some(_) => false,
            None => match screen {
                Screen::Clients => allow(P::CreateClient),
                Screen::Contracts => allow(P::CreateContract),
                Screen::Events => a.role == Role::Sales,
                Screen::Collaborators => allow(P::CreateCollaborator { role: Role::Sales }),
                _ => false,
            },
        },
        Action::Edit => match entity {
            Some(Entity::Client) => allow(P::UpdateClientDetails { owner }),
            Some(Entity::Contract) => allow(P::UpdateContract { owner }),
            Some(Entity::Event) => allow(P::UpdateEvent { support }),
            Some(Entity::Collaborator) => allow(P::UpdateCollaborator {
                target_id: -1,
                current: role.unwrap_or(Role::Sales),
                new: role.unwrap_or(Role::Sales),
            }),
            _ => false,
        },
        Action::Reassign => {
            entity == Some(Entity::Client) && allow(P::ReassignClient { owner: None })
        }
        Action::Archive => {
            matches!(
                entity,
                Some(Entity::Client | Entity::Contract | Entity::Event)
            ) && allow(P::Archive)
                && !d.is_some_and(|d| d.archived)
        }
        Action::Restore => {
            d.is_some_and(|d| d.archived && d.entity != Entity::Collaborator) && allow(P::Restore)
        }
        Action::ToggleArchived => {
            matches!(screen, Screen::Clients | Screen::Contracts | Screen::Events)
        }
        Action::OnlyMine => a.role == Role::Sales,
        Action::NotSigned | Action::BalanceDue => a.role != Role::Support,
        Action::WithoutSupport => allow(P::AssignSupport),
        Action::AssignedToMe => a.role == Role::Support,
        Action::Sign => {
            entity == Some(Entity::Contract) && allow(P::SignContract { owner }) && !signed
        }
        Action::RecordPayment => {
            entity == Some(Entity::Contract) && allow(P::RecordPayment { owner })
        }
        Action::AssignSupport => entity == Some(Entity::Event) && allow(P::AssignSupport),
        Action::ToggleActive | Action::ResetPassword => {
            entity == Some(Entity::Collaborator)
                && allow(P::SetCollaboratorActive {
                    target_id: -1,
                    role: role.unwrap_or(Role::Sales),
                })
        }
        Action::History => d.is_some() && allow(P::ViewAudit),
        Action::MarkRead | Action::MarkAllRead => screen == Screen::Notifications,
        _ => true,
    }
}

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

fn with_ws(app: &mut App, f: impl FnOnce(&mut Workspace)) {
    if let Some(ws) = app.ws() {
        f(ws);
    }
}

fn go(app: &mut App, s: Screen) {
    with_ws(app, |ws| {
        ws.overlays.retain(|o| matches!(o, Overlay::Form(_)));
        if ws.overlays.is_empty() {
            ws.screen = s;
            let l = ws.list_mut();
            l.invalidate();
        }
    });
}

fn help(app: &mut App, action: Action) {
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

fn table(app: &mut App, action: Action) {
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
        Action::OnlyMine | Action::AssignedToMe => toggle(l, |f| &mut f.mine),
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

fn toggle(
    l: &mut crate::controllers::list::ListState,
    f: impl FnOnce(&mut crate::controllers::list::Filters) -> &mut bool,
) {
    let b = f(&mut l.filters);
    *b = !*b;
    l.requery();
}

fn new_for_screen(app: &mut App, screen: Screen) {
    let kind = match screen {
        Screen::Clients => FormKind::NewClient,
        Screen::Contracts => FormKind::NewContract { client: None },
        Screen::Events => FormKind::NewEvent { contract: None },
        Screen::Collaborators => FormKind::NewCollaborator,
        _ => return,
    };
    open_form(app, kind);
}

/// An action on one record (from the table or its detail view).
fn record_action(app: &mut App, action: Action, entity: Entity, id: i64) {
    // Fresh facts (version, archived, owner) for the action.
    let d = match detail::load(&app.crm, entity, id) {
        Ok(d) => d,
        Err(e) => return app.fail(e),
    };
    match action {
        Action::Edit => match entity {
            Entity::Client => open_form(
                app,
                FormKind::EditClient {
                    id,
                    version: d.version,
                },
            ),
            Entity::Contract => open_form(
                app,
                FormKind::EditContract {
                    id,
                    version: d.version,
                },
            ),
            Entity::Event => open_form(
                app,
                FormKind::EditEvent {
                    id,
                    version: d.version,
                },
            ),
            Entity::Collaborator => open_form(
                app,
                FormKind::EditCollaborator {
                    id,
                    version: d.version,
                },
            ),
        },
        Action::Reassign if entity == Entity::Client => open_picker(
            app,
            "Sales contact",
            "sales_contact",
            PickPurpose::ReassignClient {
                client: id,
                version: d.version,
            },
        ),
        Action::Archive => {
            let what = format!("Archive {} \"{}\"?", entity.name(), d.title);
            let more = if entity == Entity::Client {
                " Its contracts and events are archived with it."
            } else {
                ""
            };
            ask(
                app,
                "Archive",
                &format!("{what}{more} It can be restored from its detail view."),
                Pending::Archive {
                    entity,
                    id,
                    version: d.version,
                    archive: true,
                },
            )
        }
        Action::Restore => ask(
            app,
            "Restore",
            &format!("Restore {}?", d.title),
            Pending::Archive {
                entity,
                id,
                version: d.version,
                archive: false,
            },
        ),
        Action::Sign if entity == Entity::Contract => {
            if d.signed {
                return app.info("Already signed");
            }
            ask(
                app,
                "Sign",
                &format!(
                    "Sign contract #{id} ({})? The sales contact and management are told.",
                    d.title.split(" · ").nth(1).unwrap_or_default()
                ),
                Pending::Sign {
                    id,
                    version: d.version,
                },
            )
        }
        Action::RecordPayment if entity == Entity::Contract => {
            open_form(app, FormKind::Payment { contract: id })
        }
        Action::AssignSupport if entity == Entity::Event => open_picker(
            app,
            "Support",
            "support",
            PickPurpose::AssignSupport {
                event: id,
                version: d.version,
            },
        ),
        Action::ToggleActive if entity == Entity::Collaborator => {
            if d.active {
                open_form(
                    app,
                    FormKind::Deactivate {
                        id,
                        version: d.version,
                    },
                )
            } else {
                ask(
                    app,
                    "Reactivate",
                    &format!("Reactivate {}? They can log in again.", d.title),
                    Pending::Reactivate {
                        id,
                        version: d.version,
                    },
                )
            }
        }
        Action::ResetPassword if entity == Entity::Collaborator => {
            open_form(app, FormKind::ResetPassword { id })
        }
        Action::History => {
            let record = Some((entity.name().to_string(), id));
            with_ws(app, |ws| {
                ws.overlays.clear();
                ws.screen = Screen::Audit;
                let l = ws.list_mut();
                l.filters.record = record;
                l.filter_text.clear();
                l.requery();
            });
        }
        _ => {}
    }
}

fn open_selected(app: &mut App) {
    let Some(ws) = app.workspace() else { return };
    let Some(id) = ws.list().selected_id() else {
        return;
    };
    match ws.screen {
        Screen::Notifications => {
            let session = ws.session.clone();
            let target = app
                .crm
                .db()
                .read(|c| crate::db::repo::notifications::get(c, id));
            match target {
                Ok(n) => {
                    if n.read_at.is_none() {
                        if let Err(e) = app.crm.mark_notification_read(&session, id) {
                            app.fail(e);
                        }
                    }
                    after_write(app);
                    if let Some(e) = Entity::from_name(&n.entity) {
                        push_detail(app, e, n.record_id);
                    }
                }
                Err(e) => app.fail(e),
            }
        }
        Screen::Audit => {
            let entry = app.crm.db().read(|c| {
                use crate::db::schema::audit_entries as a;
                use diesel::prelude::*;
                Ok(a::table
                    .find(id)
                    .select((a::entity, a::record_id))
                    .first::<(String, i64)>(c)?)
            });
            match entry {
                Ok((e, rid)) => {
                    if let Some(e) = Entity::from_name(&e) {
                        push_detail(app, e, rid);
                    }
                }
                Err(e) => app.fail(e),
            }
        }
        s => {
            if let Some(e) = Entity::of_screen(s) {
                push_detail(app, e, id);
            }
        }
    }
}

fn push_detail(app: &mut App, entity: Entity, id: i64) {
    match detail::load(&app.crm, entity, id) {
        Ok(d) => with_ws(app, |ws| ws.overlays.push(Overlay::Detail(d))),
        Err(e) => app.fail(e),
    }
}

fn detail_action(app: &mut App, action: Action) {
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

/// Re-reads every detail view on the stack (after a write).
fn reload_detail(app: &mut App) {
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

/// After any write: lists are stale, detail views re-read, the unread count too.
fn after_write(app: &mut App) {
    with_ws(app, |ws| {
        for l in ws.lists.iter_mut() {
            l.invalidate();
        }
        ws.all_totals.iter_mut().for_each(|t| *t = None);
    });
    reload_detail(app);
    refresh_now(app);
}

fn open_form(app: &mut App, kind: FormKind) {
    let Some(session) = app.workspace().map(|w| w.session.clone()) else {
        return;
    };
    match forms::open(&app.crm, &session, kind) {
        Ok(f) => with_ws(app, |ws| ws.overlays.push(Overlay::Form(Box::new(f)))),
        Err(e) => app.fail(e),
    }
}

fn open_picker(app: &mut App, title: &str, field: &str, purpose: PickPurpose) {
    let Some(ws) = app.workspace() else { return };
    let session = ws.session.clone();
    let kind = ws
        .form()
        .map(|f| f.kind.clone())
        .unwrap_or(FormKind::NewClient);
    match forms::choices(&app.crm, &session, &kind, field) {
        Ok(items) if items.is_empty() => {
            app.info(format!("No {} to choose from", title.to_lowercase()))
        }
        Ok(items) => with_ws(app, |ws| {
            ws.overlays.push(Overlay::Picker(PickerState {
                picker: Picker::new(title, items),
                purpose,
            }))
        }),
        Err(e) => app.fail(e),
    }
}

fn ask(app: &mut App, title: &str, message: &str, pending: Pending) {
    with_ws(app, |ws| {
        ws.overlays.push(Overlay::Confirm(ConfirmState {
            dialog: ConfirmDialog::new(title, message),
            pending,
        }))
    });
}

pub(super) fn form_input(app: &mut App, r: FormInput) {
    match r {
        FormInput::OpenPicker(field) => {
            let label = app
                .workspace()
                .and_then(|w| w.form())
                .and_then(|f| f.form.field(&field).map(|x| x.label().to_string()))
                .unwrap_or_default();
            open_picker(app, &label, &field.clone(), PickPurpose::FormField(field));
        }
        FormInput::Submit => form(app, Action::Save),
        FormInput::Consumed | FormInput::Ignored => {}
    }
}

fn form(app: &mut App, action: Action) {
    let Some(ws) = app.ws() else { return };
    let Some(f) = ws.form_mut() else { return };
    match action {
        Action::NextField => f.form.focus_next(),
        Action::PrevField => f.form.focus_prev(),
        Action::Cancel => {
            if f.kind == (FormKind::ChangePassword { forced: true }) {
                app.lock("A new password is needed before going on.");
            } else if f.form.is_dirty() {
                ask(
                    app,
                    "Discard",
                    "Discard your changes?",
                    Pending::DiscardForm,
                );
            } else {
                ws.overlays.pop();
                app.toast = None;
            }
        }
        Action::Save => save(app),
        _ => {}
    }
}

fn save(app: &mut App) {
    let Some(ws) = app.workspace() else { return };
    let Some(st) = ws.form() else { return };
    let session = ws.session.clone();
    let result = forms::submit(&app.crm, &session, st);
    let kind = st.kind.clone();
    match result {
        Ok(saved) => {
            with_ws(app, |ws| {
                if let Some(i) = ws
                    .overlays
                    .iter()
                    .rposition(|o| matches!(o, Overlay::Form(_)))
                {
                    ws.overlays.remove(i);
                }
                if let FormKind::ChangePassword { .. } = kind {
                    ws.session.must_change_password = false;
                }
            });
            app.success(saved.message);
            after_write(app);
            let has_detail = app.workspace().is_some_and(|w| w.detail().is_some());
            if let (Some((e, id)), false) = (saved.open, has_detail) {
                push_detail(app, e, id);
            }
        }
        Err(Error::Validation(errs)) => {
            let mut unplaced = Vec::new();
            with_ws(app, |ws| {
                if let Some(f) = ws.form_mut() {
                    f.form.clear_errors();
                    for e in &errs {
                        if !f.form.set_error(e.field, e.message.clone()) {
                            unplaced.push(format!("{}: {}", e.field, e.message));
                        }
                    }
                    f.form.focus_first_error();
                }
            });
            if unplaced.is_empty() {
                app.error("Please correct the fields marked in red");
            } else {
                app.error(unplaced.join("; "));
            }
        }
        Err(e @ Error::Conflict { .. }) => {
            let msg = format!(
                "{} Reload it? Your edits here are lost; No keeps the form.",
                e.user_message()
            );
            ask(app, "Changed by someone else", &msg, Pending::ReloadForm);
        }
        Err(e) => app.fail(e),
    }
}

fn picker(app: &mut App, action: Action) {
    let Some(ws) = app.ws() else { return };
    let Some(Overlay::Picker(p)) = ws.overlays.last_mut() else {
        return;
    };
    let Some(ev) = p.picker.handle(action) else {
        return;
    };
    let purpose = p.purpose.clone();
    ws.overlays.pop();
    let PickerEvent::Chosen(id, label) = ev else {
        return;
    };
    let session = ws.session.clone();
    let result = match purpose {
        PickPurpose::FormField(field) => {
            if let Some(f) = ws.form_mut() {
                f.form.set_choice(&field, Some((id, label)));
                f.form.focus_next();
            }
            return;
        }
        PickPurpose::AssignSupport { event, version } => app
            .crm
            .assign_support(&session, event, version, Some(id))
            .map(|_| format!("{label} assigned")),
        PickPurpose::ReassignClient { client, version } => app
            .crm
            .reassign_client(&session, client, version, id)
            .map(|_| format!("Client given to {label}")),
    };
    match result {
        Ok(m) => {
            app.success(m);
            after_write(app);
        }
        Err(e) => app.fail(e),
    }
}

fn confirm(app: &mut App, action: Action) {
    let Some(ws) = app.ws() else { return };
    let Some(Overlay::Confirm(c)) = ws.overlays.last_mut() else {
        return;
    };
    let Some(yes) = c.dialog.handle(action) else {
        return;
    };
    let pending = c.pending.clone();
    ws.overlays.pop();
    if !yes {
        return;
    }
    let session = ws.session.clone();
    let result = match pending {
        Pending::Quit => {
            app.should_quit = true;
            return;
        }
        Pending::DiscardForm => {
            if let Some(i) = ws
                .overlays
                .iter()
                .rposition(|o| matches!(o, Overlay::Form(_)))
            {
                ws.overlays.remove(i);
            }
            // The form's error message goes with it.
            app.toast = None;
            return;
        }
        Pending::ReloadForm => {
            let Some(kind) = ws.form().map(|f| f.kind.clone()) else {
                return;
            };
            match forms::open(&app.crm, &session, kind) {
                Ok(fresh) => with_ws(app, |ws| {
                    if let Some(f) = ws.form_mut() {
                        *f = fresh;
                    }
                }),
                Err(e) => app.fail(e),
            }
            app.info("Reloaded their version");
            return;
        }
        Pending::Archive {
            entity,
            id,
            version,
            archive,
        } => {
            let r = match entity {
                Entity::Client => app.crm.set_client_archived(&session, id, version, archive),
                Entity::Contract => app
                    .crm
                    .set_contract_archived(&session, id, version, archive),
                Entity::Event => app.crm.set_event_archived(&session, id, version, archive),
                Entity::Collaborator => Ok(()),
            };
            r.map(|_| {
                format!(
                    "{} {}",
                    entity.name(),
                    if archive { "archived" } else { "restored" }
                )
            })
        }
        Pending::Sign { id, version } => app
            .crm
            .sign_contract(&session, id, version)
            .map(|_| format!("Contract #{id} signed")),
        Pending::Reactivate { id, version } => app
            .crm
            .set_collaborator_active(&session, id, version, true, Default::default())
            .map(|_| "Collaborator reactivated".to_string()),
    };
    match result {
        Ok(m) => {
            app.success(m);
            after_write(app);
        }
        Err(e) => app.fail(e),
    }
}

fn mark_read(app: &mut App, all: bool) {
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

fn poll(app: &mut App) {
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

fn take(app: &mut App, d: loader::Done, height: usize) {
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
fn refresh_now(app: &mut App) {
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
