//! What the keys offer: a screen or action is offered only where the policy lets
//! this collaborator use it, on the record under the cursor. The status bar, the
//! help overlay and the key handling all ask here.

use super::App;
use crate::action::{Action, Screen};
use crate::domain::Role;
use crate::policy::{allows, Action as P};
use crate::state::{Entity, Overlay};

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
        // A board's section key, where the board shows that section and its list
        // is one this role has.
        Action::Section(n) => ws
            .board()
            .section(n)
            .and_then(|s| s.jump.as_ref())
            .is_some_and(|j| screen_offered(a.role, j.screen)),
        _ => true,
    }
}
