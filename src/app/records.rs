//! Actions on one record, from its row or its detail view: edit, reassign,
//! archive, restore, sign, record a payment or take it back, assign support, (de)activate,
//! reset a password, show its history. Each first re-reads the record on the
//! worker, so the decision uses fresh facts (version, archived, owner); the
//! decision itself is a pure handler ([`act_on`]) returning effects.

use super::effect::Effect;
use super::layers::ask;

/// A question on top; nothing more to do until its answer.
fn asked(ws: &mut Workspace, title: &str, message: &str, pending: Pending) -> Vec<Effect> {
    ask(ws, title, message, pending);
    Vec::new()
}
use super::App;
use crate::action::{Action, Screen};
use crate::controllers::detail;
use crate::policy::{authorize, Action as P, Actor};
use crate::state::fields::FieldName;
use crate::state::{DetailState, Entity, FormKind, Pending, PickPurpose, Workspace};

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
            | Action::CorrectPayment
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
            Ok(d) => {
                let effects = app
                    .ws()
                    .map(|ws| act_on(ws, action, entity, id, d))
                    .unwrap_or_default();
                app.apply(effects);
            }
            Err(e) => app.fail(e),
        },
    );
}

/// What an action does on a record whose fresh facts are `d` (a pure handler).
pub(super) fn act_on(
    ws: &mut Workspace,
    action: Action,
    entity: Entity,
    id: i64,
    d: DetailState,
) -> Vec<Effect> {
    let form = |kind| vec![Effect::Form(kind)];
    // The row may be older than the record: archived since, it is read-only.
    let changes = matches!(
        action,
        Action::Edit
            | Action::Reassign
            | Action::Sign
            | Action::RecordPayment
            | Action::CorrectPayment
            | Action::AssignSupport
            | Action::Archive
    );
    if d.archived && changes {
        let why = if action == Action::Archive {
            "Already archived"
        } else {
            "Archived: read-only until restored"
        };
        return vec![Effect::Info(why.into())];
    }
    if let Some(why) = refused(&ws.actor, action, &d) {
        return vec![Effect::Info(why)];
    }
    match action {
        Action::Edit => match entity {
            Entity::Client => form(FormKind::EditClient {
                id,
                version: d.version,
            }),
            Entity::Contract => form(FormKind::EditContract {
                id,
                version: d.version,
            }),
            Entity::Event => form(FormKind::EditEvent {
                id,
                version: d.version,
            }),
            Entity::Collaborator => form(FormKind::EditCollaborator {
                id,
                version: d.version,
            }),
        },
        Action::Reassign if entity == Entity::Client => vec![Effect::OpenPicker {
            title: "Sales contact".into(),
            field: FieldName::SalesContact.as_str().into(),
            purpose: PickPurpose::ReassignClient {
                client: id,
                version: d.version,
            },
        }],
        Action::Archive => {
            // "Event · Armand Gala" reads `the event "Armand Gala"`;
            // "Contract #11 · Kevin Casey" reads `contract #11 (Kevin Casey)`.
            let what = match d.title.split_once(" · ") {
                Some((head, name)) if head.contains('#') => {
                    format!("Archive {} ({name})?", head.to_lowercase())
                }
                Some((_, name)) => format!("Archive the {} \"{name}\"?", entity.name()),
                None => format!("Archive the {} \"{}\"?", entity.name(), d.title),
            };
            let more = if entity == Entity::Client {
                " Its contracts and events are archived with it."
            } else {
                ""
            };
            asked(
                ws,
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
        Action::Restore => asked(
            ws,
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
                return vec![Effect::Info("Already signed".into())];
            }
            asked(
                ws,
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
            form(FormKind::Payment { contract: id })
        }
        Action::CorrectPayment if entity == Entity::Contract => {
            if !d.paid {
                return vec![Effect::Info(super::offer::NOTHING_PAID.into())];
            }
            form(FormKind::Correction { contract: id })
        }
        Action::AssignSupport if entity == Entity::Event => vec![Effect::OpenPicker {
            title: "Support".into(),
            field: FieldName::Support.as_str().into(),
            purpose: PickPurpose::AssignSupport {
                event: id,
                version: d.version,
            },
        }],
        Action::ToggleActive if entity == Entity::Collaborator => {
            if d.active && d.holds == (0, 0) {
                asked(
                    ws,
                    "Deactivate",
                    &format!(
                        "Deactivate {}? They hold no clients and no upcoming events; \
                         they can no longer log in.",
                        d.title
                    ),
                    Pending::Deactivate {
                        id,
                        version: d.version,
                    },
                )
            } else if d.active {
                form(FormKind::Deactivate {
                    id,
                    version: d.version,
                })
            } else {
                asked(
                    ws,
                    "Reactivate",
                    &format!(
                        "Reactivate {}? They can log in again.",
                        d.title
                            .split_once(" · ")
                            .map_or(d.title.as_str(), |(_, n)| n)
                    ),
                    Pending::Reactivate {
                        id,
                        version: d.version,
                    },
                )
            }
        }
        Action::ResetPassword if entity == Entity::Collaborator => {
            form(FormKind::ResetPassword { id })
        }
        Action::History => {
            let record = Some((entity.name().to_string(), id));
            ws.overlays.clear();
            ws.screen = Screen::Audit;
            let l = ws.list_mut();
            l.filters.record = record;
            l.filter_text.clear();
            l.requery();
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// What the policy says of `action` on a record whose fresh facts are `d`:
/// the reason, when it refuses (so no form is opened only to be refused).
pub(super) fn refused(actor: &Actor, action: Action, d: &DetailState) -> Option<String> {
    let p = match (action, d.entity) {
        (Action::Edit, Entity::Client) => P::UpdateClientDetails { owner: d.owner },
        (Action::Edit, Entity::Contract) => P::UpdateContract { owner: d.owner },
        (Action::Edit, Entity::Event) => P::UpdateEvent { support: d.support },
        (Action::Sign, Entity::Contract) => P::SignContract { owner: d.owner },
        (Action::RecordPayment, Entity::Contract) => P::RecordPayment { owner: d.owner },
        (Action::CorrectPayment, Entity::Contract) => P::CorrectPayment,
        (Action::AssignSupport, Entity::Event) => P::AssignSupport,
        (Action::ToggleActive, Entity::Collaborator) => P::SetCollaboratorActive {
            target_id: d.id,
            role: d.role.unwrap_or(crate::domain::Role::Sales),
        },
        _ => return None,
    };
    authorize(actor, &p).err().map(|e| {
        let mut c = e.reason.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    })
}

/// The action a form stands for, and which record's facts decide it.
pub(super) fn form_target(kind: &FormKind) -> Option<(Action, Entity, i64)> {
    match *kind {
        FormKind::EditClient { id, .. } => Some((Action::Edit, Entity::Client, id)),
        FormKind::EditContract { id, .. } => Some((Action::Edit, Entity::Contract, id)),
        FormKind::EditEvent { id, .. } => Some((Action::Edit, Entity::Event, id)),
        FormKind::Payment { contract } => Some((Action::RecordPayment, Entity::Contract, contract)),
        FormKind::Correction { contract } => {
            Some((Action::CorrectPayment, Entity::Contract, contract))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::policy::Actor;
    use crate::session::Session;
    use crate::state::Overlay;

    fn ws() -> Workspace {
        let session = Session {
            collaborator_id: 1,
            name: "Mia".into(),
            email: "mia@example.com".into(),
            role: Role::Management,
            must_change_password: false,
            logged_in_at: chrono::NaiveDateTime::default(),
        };
        let actor = Actor {
            id: 1,
            role: Role::Management,
            active: true,
        };
        Workspace::new(session, actor)
    }

    fn contract(signed: bool) -> DetailState {
        DetailState {
            entity: Entity::Contract,
            id: 4,
            version: 3,
            archived: false,
            title: "Contract #4 · Kevin Casey".into(),
            lines: Vec::new(),
            related: Vec::new(),
            selected: 0,
            owner: Some(2),
            support: None,
            signed,
            paid: true,
            active: true,
            role: None,
            holds: (0, 0),
            scroll: 0,
        }
    }

    #[test]
    fn fresh_facts_decide_what_a_record_action_does() {
        let mut w = ws();
        assert_eq!(
            act_on(&mut w, Action::Sign, Entity::Contract, 4, contract(true)),
            vec![Effect::Info("Already signed".into())]
        );
        assert!(act_on(&mut w, Action::Sign, Entity::Contract, 4, contract(false)).is_empty());
        match w.top() {
            Some(Overlay::Confirm(c)) => {
                assert_eq!(c.pending, Pending::Sign { id: 4, version: 3 });
                assert!(c.dialog.message().contains("Kevin Casey"));
            }
            other => panic!("expected a question, got {other:?}"),
        }
        assert_eq!(
            act_on(&mut w, Action::Edit, Entity::Contract, 4, contract(false)),
            vec![Effect::Form(FormKind::EditContract { id: 4, version: 3 })]
        );
        assert!(act_on(
            &mut w,
            Action::History,
            Entity::Contract,
            4,
            contract(false)
        )
        .is_empty());
        assert_eq!(w.screen, Screen::Audit);
        assert!(w.overlays.is_empty());
        assert_eq!(w.list().filters.record, Some(("contract".into(), 4)));
    }
}
