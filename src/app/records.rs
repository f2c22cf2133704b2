//! Actions on one record, from its row or its detail view: edit, reassign,
//! archive, restore, sign, record a payment, assign support, (de)activate,
//! reset a password, show its history. Each first re-reads the record on the
//! worker, so the decision uses fresh facts (version, archived, owner).

use super::nav::with_ws;
use super::overlays::{ask, open_form, open_picker};
use super::App;
use crate::action::{Action, Screen};
use crate::controllers::detail;
use crate::state::fields::FieldName;
use crate::state::{DetailState, Entity, FormKind, Pending, PickPurpose};

/// An action on one record (from the table or its detail view). Fresh facts
/// (version, archived, owner) are read on the worker first.
pub(super) fn record_action(app: &mut App, action: Action, entity: Entity, id: i64) {
    if !matches!(
        action,
        Action::Edit
            | Action::Reassign
            | Action::Archive
            | Action::Restore
            | Action::Sign
            | Action::RecordPayment
            | Action::AssignSupport
            | Action::ToggleActive
            | Action::ResetPassword
            | Action::History
    ) {
        return;
    }
    app.call(
        "loading…",
        move |crm| detail::load(crm, entity, id),
        move |app, d| match d {
            Ok(d) => act_on(app, action, entity, id, d),
            Err(e) => app.fail(e),
        },
    );
}

fn act_on(app: &mut App, action: Action, entity: Entity, id: i64, d: DetailState) {
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
            FieldName::SalesContact.as_str(),
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
            FieldName::Support.as_str(),
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
