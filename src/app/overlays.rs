//! Layers over the tables: forms (save, cancel, field errors, conflicts), pickers
//! and yes/no dialogs, and what their answers do.

use super::nav::{push_detail, with_ws};
use super::refresh::after_write;
use super::App;
use crate::action::Action;
use crate::controllers::{forms, submit};
use crate::error::Error;
use crate::state::confirm::ConfirmDialog;
use crate::state::form::FormInput;
use crate::state::picker::{Picker, PickerEvent};
use crate::state::{ConfirmState, Entity, FormKind, Overlay, Pending, PickPurpose, PickerState};

pub(super) fn open_form(app: &mut App, kind: FormKind) {
    let Some(session) = app.workspace().map(|w| w.session.clone()) else {
        return;
    };
    app.call(
        "opening the form…",
        move |crm| forms::open(crm, &session, kind),
        |app, r| match r {
            Ok(f) => with_ws(app, |ws| ws.overlays.push(Overlay::Form(Box::new(f)))),
            Err(e) => app.fail(e),
        },
    );
}

pub(super) fn open_picker(app: &mut App, title: &str, field: &str, purpose: PickPurpose) {
    let Some(ws) = app.workspace() else { return };
    let session = ws.session.clone();
    let kind = ws
        .form()
        .map(|f| f.kind.clone())
        .unwrap_or(FormKind::NewClient);
    let field = field.to_string();
    let title = title.to_string();
    app.call(
        "loading the choices…",
        move |crm| forms::choices(crm, &session, &kind, &field),
        move |app, r| match r {
            Ok(items) if items.is_empty() => {
                app.info(format!("No {} to choose from", title.to_lowercase()))
            }
            Ok(items) => with_ws(app, |ws| {
                ws.overlays.push(Overlay::Picker(PickerState {
                    picker: Picker::new(&title, items),
                    purpose,
                }))
            }),
            Err(e) => app.fail(e),
        },
    );
}

pub(super) fn ask(app: &mut App, title: &str, message: &str, pending: Pending) {
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

pub(super) fn form(app: &mut App, action: Action) {
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

/// Sends the form to the worker; it stays on screen, filled, until the answer.
pub(super) fn save(app: &mut App) {
    let Some(ws) = app.workspace() else { return };
    let Some(st) = ws.form() else { return };
    let session = ws.session.clone();
    let st = st.clone();
    app.call(
        "saving…",
        move |crm| {
            let r = submit::submit(crm, &session, &st);
            (st.kind, r)
        },
        |app, (kind, r)| saved(app, kind, r),
    );
}

fn saved(app: &mut App, kind: FormKind, result: crate::error::Result<submit::Saved>) {
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
                    f.form.require_filled("required");
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

pub(super) fn picker(app: &mut App, action: Action) {
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
    if let PickPurpose::FormField(field) = &purpose {
        if let Some(f) = ws.form_mut() {
            f.form.set_choice(field, Some((id, label)));
            f.form.focus_next();
        }
        return;
    }
    write(app, move |crm| match purpose {
        PickPurpose::FormField(_) => Ok(String::new()),
        PickPurpose::AssignSupport { event, version } => crm
            .assign_support(&session, event, version, Some(id))
            .map(|_| format!("{label} assigned")),
        PickPurpose::ReassignClient { client, version } => crm
            .reassign_client(&session, client, version, id)
            .map(|_| format!("Client given to {label}")),
    });
}

/// A write on the worker: on success its message and a re-read of what it
/// changed, on failure the reason.
fn write(
    app: &mut App,
    run: impl FnOnce(&crate::Crm) -> crate::error::Result<String> + Send + 'static,
) {
    app.call("saving…", run, |app, r| match r {
        Ok(m) => {
            app.success(m);
            after_write(app);
        }
        Err(e) => app.fail(e),
    });
}

pub(super) fn confirm(app: &mut App, action: Action) {
    let Some(ws) = app.ws() else { return };
    let Some(Overlay::Confirm(c)) = ws.overlays.last_mut() else {
        return;
    };
    let Some(yes) = c.dialog.handle(action) else {
        return;
    };
    let pending = c.pending.clone();
    ws.overlays.pop();
    if !yes || local_answer(app, &pending) {
        return;
    }
    let Some(session) = app.workspace().map(|w| w.session.clone()) else {
        return;
    };
    write(app, move |crm| match pending {
        Pending::Quit | Pending::DiscardForm | Pending::ReloadForm => Ok(String::new()),
        Pending::Archive {
            entity,
            id,
            version,
            archive,
        } => {
            let r = match entity {
                Entity::Client => crm.set_client_archived(&session, id, version, archive),
                Entity::Contract => crm.set_contract_archived(&session, id, version, archive),
                Entity::Event => crm.set_event_archived(&session, id, version, archive),
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
        Pending::Sign { id, version } => crm
            .sign_contract(&session, id, version)
            .map(|_| format!("Contract #{id} signed")),
        Pending::Reactivate { id, version } => crm
            .set_collaborator_active(&session, id, version, true, Default::default())
            .map(|_| "Collaborator reactivated".to_string()),
    });
}

/// The answers a dialog gives without the database.
fn local_answer(app: &mut App, pending: &Pending) -> bool {
    let Some(ws) = app.ws() else { return true };
    let session = ws.session.clone();
    match pending.clone() {
        Pending::Quit => {
            app.should_quit = true;
            true
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
            true
        }
        Pending::ReloadForm => {
            let Some(kind) = ws.form().map(|f| f.kind.clone()) else {
                return true;
            };
            app.call(
                "loading…",
                move |crm| forms::open(crm, &session, kind),
                |app, r| match r {
                    Ok(fresh) => {
                        with_ws(app, |ws| {
                            if let Some(f) = ws.form_mut() {
                                *f = fresh;
                            }
                        });
                        app.info("Reloaded their version");
                    }
                    Err(e) => app.fail(e),
                },
            );
            true
        }
        _ => false,
    }
}
