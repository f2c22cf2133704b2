//! What the layers over a screen ask of the worker: opening a form or a
//! picker (their values and choices are read there), saving a form (field
//! errors, conflicts), and the writes a picker's choice or a dialog's yes
//! stands for. Their keys are pure handlers in `layers`.

use super::nav::{push_detail, with_ws};
use super::refresh::after_write;
use super::App;
use crate::controllers::{forms, submit};
use crate::error::Error;
use crate::state::picker::Picker;
use crate::state::{Entity, FormKind, Overlay, Pending, PickPurpose, PickerState};

/// The support picker's "— none —": no collaborator has this id.
const NO_ONE: i64 = 0;

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
    // Whoever may assign support may also take it off the event.
    let none = matches!(purpose, PickPurpose::AssignSupport { .. })
        && crate::policy::allows(&ws.actor, &crate::policy::Action::AssignSupport);
    app.call(
        "loading the choices…",
        move |crm| {
            let mut items = forms::choices(crm, &session, &kind, &field)?;
            if none {
                items.insert(0, (NO_ONE, "— none —".to_string()));
            }
            Ok(items)
        },
        move |app, r: crate::error::Result<Vec<(i64, String)>>| match r {
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
        Ok(submit::Saved { ask: Some(q), .. }) => with_ws(app, |ws| {
            super::layers::ask(ws, "Confirm", &q, Pending::SaveForm(q.clone()))
        }),
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
            with_ws(app, |ws| {
                super::layers::ask(ws, "Changed by someone else", &msg, Pending::ReloadForm)
            });
        }
        Err(e) => app.fail(e),
    }
}

/// A picker's choice that is a write.
pub(super) fn picked(app: &mut App, purpose: PickPurpose, id: i64, label: String) {
    let Some(session) = app.workspace().map(|w| w.session.clone()) else {
        return;
    };
    write(app, move |crm| match purpose {
        PickPurpose::FormField(_) => Ok(String::new()),
        PickPurpose::AssignSupport { event, version } if id == NO_ONE => crm
            .assign_support(&session, event, version, None)
            .map(|_| format!("Event #{event} has no support now")),
        PickPurpose::AssignSupport { event, version } => crm
            .assign_support(&session, event, version, Some(id))
            .map(|_| format!("{label} assigned to event #{event}")),
        PickPurpose::ReassignClient { client, version } => crm
            .reassign_client(&session, client, version, id)
            .map(|_| format!("Client given to {label}")),
    });
}

/// A write on the worker: on success its message and a re-read of what it
/// changed, on failure the reason.
fn write(
    app: &mut App,
    run: impl FnOnce(&dyn crate::api::CrmApi) -> crate::error::Result<String> + Send + 'static,
) {
    app.call("saving…", run, |app, r| match r {
        Ok(m) => {
            app.success(m);
            after_write(app);
        }
        Err(e) => app.fail(e),
    });
}

/// A yes in a dialog whose question is a write.
pub(super) fn confirmed(app: &mut App, pending: Pending) {
    let Some(session) = app.workspace().map(|w| w.session.clone()) else {
        return;
    };
    if pending == Pending::Lock {
        app.lock("Locked. Log in to continue.");
        return;
    }
    write(app, move |crm| match pending {
        Pending::Quit
        | Pending::DiscardForm
        | Pending::ReloadForm
        | Pending::Lock
        | Pending::SaveForm(_) => Ok(String::new()),
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
        Pending::Deactivate { id, version } => crm
            .set_collaborator_active(&session, id, version, false, Default::default())
            .map(|_| "Collaborator deactivated".to_string()),
    });
}

/// Reads the form's record again after a conflict; the fresh form replaces it.
/// A record one may no longer change (reassigned, archived since) is not
/// reopened: the form closes and the status line says why.
pub(super) fn reload_form(app: &mut App, kind: FormKind) {
    let Some((session, actor)) = app.workspace().map(|w| (w.session.clone(), w.actor)) else {
        return;
    };
    app.call(
        "loading…",
        move |crm| {
            if let Some((action, entity, id)) = super::records::form_target(&kind) {
                let d = crate::controllers::detail::load(crm, entity, id)?;
                if d.archived {
                    return Ok(Err("Archived since: read-only until restored".to_string()));
                }
                if let Some(why) = super::records::refused(&actor, action, &d) {
                    return Ok(Err(why));
                }
            }
            forms::open(crm, &session, kind).map(Ok)
        },
        |app, r| match r {
            Ok(Err(why)) => {
                with_ws(app, |ws| {
                    if let Some(i) = ws
                        .overlays
                        .iter()
                        .rposition(|o| matches!(o, Overlay::Form(_)))
                    {
                        ws.overlays.truncate(i);
                    }
                });
                app.error(format!("{why}; the form is closed."));
                after_write(app);
            }
            Ok(Ok(fresh)) => {
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
}
